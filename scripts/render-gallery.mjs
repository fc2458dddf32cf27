// Entry for `node scripts/render-gallery.mjs --weights <folder> …`: bundles scripts/render-gallery-core.ts
// (TypeScript, same imports as src/) with esbuild next to node_modules and runs it. See that file.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const outDir = join(root, 'node_modules', '.cache', 'render-gallery');
mkdirSync(outDir, { recursive: true });
const outfile = join(outDir, 'render-gallery.bundle.mjs');
await build({
  entryPoints: [join(root, 'scripts/render-gallery-core.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20',
  outfile, external: ['onnxruntime-web', 'esbuild', '@playwright/test', 'playwright', 'playwright-core'], logLevel: 'error',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
const r = spawnSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, IPA_REPO_ROOT: root, IPA_RENDER_GALLERY_MAIN: '1' } });
process.exitCode = r.status ?? 1;
