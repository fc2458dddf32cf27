// Site benchmark: build time, then per page the bytes a first visit downloads (HTML, CSS, JS;
// gzipped), against the budget of 60 kB JS and 20 kB CSS on a lesson page without a live lab.
// Figures are printed, never asserted.
import { execSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import os from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');

const t0 = performance.now();
execSync('npx astro build', { cwd: root, stdio: 'ignore', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } });
const astroMs = performance.now() - t0;
const t1 = performance.now();
execSync('npx pagefind --site dist --force-language zh', { cwd: root, stdio: 'ignore' });
const pagefindMs = performance.now() - t1;

const gz = (path) => gzipSync(readFileSync(path)).byteLength;
const kB = (n) => (n / 1000).toFixed(1);

function htmlFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'pagefind' || name === '_astro' ? [] : htmlFiles(p);
    return name.endsWith('.html') ? [p] : [];
  });
}

/** The CSS and JS a page loads on first paint: <link rel=stylesheet>, <script src>, and static imports of those scripts. */
function assetsOf(html) {
  const css = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g)].map((m) => m[1]);
  const js = new Set([...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]));
  const queue = [...js];
  while (queue.length) {
    const src = queue.pop();
    const file = join(dist, src);
    if (!existsSync(file)) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:^|[;\s])import\s*(?:[^'"()]*?from\s*)?["']([^"']+)["']/g)) {
      const dep = new URL(m[1], `http://x${src}`).pathname;
      if (!js.has(dep)) { js.add(dep); queue.push(dep); }
    }
  }
  const inlineCss = [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1]).join('');
  return { css, js: [...js], inlineCss };
}

console.log(`Site build on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`);
console.log(`  astro build: ${(astroMs / 1000).toFixed(1)} s, pagefind index: ${(pagefindMs / 1000).toFixed(1)} s`);
console.log('');
console.log('page'.padEnd(44), 'HTML kB', ' CSS kB', '  JS kB  (gzipped, first load)');
let worst = { js: 0, css: 0 };
for (const file of htmlFiles(dist).sort()) {
  const html = readFileSync(file, 'utf8');
  const { css, js, inlineCss } = assetsOf(html);
  const cssBytes = css.reduce((a, c) => a + gz(join(dist, c)), 0) + (inlineCss ? gzipSync(inlineCss).byteLength : 0);
  const jsBytes = js.reduce((a, j) => a + (existsSync(join(dist, j)) ? gz(join(dist, j)) : 0), 0);
  const page = '/' + relative(dist, file).replace(/index\.html$/, '');
  if (/^\/(zh|en)\/\d\d-/.test(page)) worst = { js: Math.max(worst.js, jsBytes), css: Math.max(worst.css, cssBytes) };
  console.log(page.padEnd(44), kB(gz(file)).padStart(7), kB(cssBytes).padStart(7), kB(jsBytes).padStart(7));
}
console.log('');
console.log(`Heaviest lesson page: JS ${kB(worst.js)} kB (budget 60), CSS ${kB(worst.css)} kB (budget 20) — ${worst.js <= 60000 && worst.css <= 20000 ? 'within budget' : 'OVER BUDGET'}`);
