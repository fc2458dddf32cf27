// Copies onnxruntime-web's wasm runtime into the built site, so the generation worker loads it
// from the site itself (ORT_WASM_PATH = /ort/ in src/lib/pipeline/protocol.ts), never from a CDN.
// `onnxruntime-web/webgpu` (bundled into the worker) needs the asyncify build: the .wasm and,
// for multi-threaded runs, its .mjs loader.
//
//   node scripts/copy-ort.mjs            → dist/ort/   (run after `astro build`, which empties dist/)
//   node scripts/copy-ort.mjs public/ort → for `astro dev`
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = resolve(root, process.argv[2] ?? 'dist/ort');
const dist = join(root, 'node_modules', 'onnxruntime-web', 'dist');
const FILES = ['ort-wasm-simd-threaded.asyncify.wasm', 'ort-wasm-simd-threaded.asyncify.mjs'];

mkdirSync(out, { recursive: true });
for (const f of FILES) {
  const src = join(dist, f);
  if (!existsSync(src)) throw new Error(`copy-ort: ${src} is missing — is onnxruntime-web installed?`);
  copyFileSync(src, join(out, f));
  console.log(`copy-ort: ${f} (${(statSync(src).size / 1e6).toFixed(1)} MB) → ${out}`);
}
