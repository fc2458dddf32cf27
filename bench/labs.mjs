// Labs benchmark: for each lab, the JavaScript it adds to a lesson (gzipped; everything the page
// requests once the lab scrolls into view, the tokenizer's vocabulary included) and the time from
// the page's load to the lab being interactive (Chromium via Playwright, median of 3 runs).
// Builds the site into a private folder (the shared dist/ may be rebuilt by others meanwhile).
// Figures are printed, never asserted.
import { execSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { tmpdir, cpus } from 'node:os';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';

const root = new URL('..', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'labs-bench-'));
const RUNS = 3;
const LABS = [
  ['lora', '/en/06-ip-adapter-vs-lora/'],
  ['attention', '/en/04-decoupled-cross-attention/'],
  ['weight-types', '/en/07-parameters/'],
  ['tokenizer', '/en/02-tokens-and-embeddings/'],
  ['mask', '/en/08-recipes/'],
  ['embedding', '/en/02-tokens-and-embeddings/'],
];

const t0 = performance.now();
execSync(`npx astro build --outDir ${out}`, { cwd: root, stdio: 'ignore', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } });
console.log(`Site built into ${out} in ${((performance.now() - t0) / 1000).toFixed(1)} s (${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version})`);

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.woff2': 'font/woff2', '.wasm': 'application/wasm' };
const server = createServer((req, res) => {
  let path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  let file = join(out, path);
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (!file.startsWith(out) || !existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });

const gz = (path) => (existsSync(join(out, path)) ? gzipSync(readFileSync(join(out, path))).byteLength : 0);
const kB = (n) => (n / 1000).toFixed(1);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const breakdown = [];
console.log('');
console.log('lab'.padEnd(14), 'first-paint JS kB', ' lab JS kB', ' files', ' load→interactive ms', ' scroll→interactive ms');
for (const [name, path] of LABS) {
  const loadToReady = [];
  const scrollToReady = [];
  let firstPaint = 0;
  let labBytes = 0;
  let labFiles = 0;
  let labList = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const before = new Set();
    const after = new Set();
    let scrolled = false;
    page.on('request', (r) => {
      const p = new URL(r.url()).pathname;
      if (p.endsWith('.js')) (scrolled ? after : before).add(p);
    });
    await page.goto(base + path, { waitUntil: 'load' });
    const lab = page.locator(`ipa-lab-${name}`);
    if (await lab.getAttribute('data-ready') !== null) throw new Error(`${name} was ready before scrolling`);
    scrolled = true;
    const loadEnd = await page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd);
    const scrollAt = await page.evaluate((tag) => {
      document.querySelector(tag).scrollIntoView({ block: 'start' });
      return performance.now();
    }, `ipa-lab-${name}`);
    await lab.waitFor({ state: 'attached' });
    await page.waitForSelector(`ipa-lab-${name}[data-ready]`, { timeout: 60_000 });
    const readyAt = Number(await lab.getAttribute('data-ready-at'));
    loadToReady.push(readyAt - loadEnd);
    scrollToReady.push(readyAt - scrollAt);
    firstPaint = [...before].reduce((a, p) => a + gz(p), 0);
    const added = [...after].filter((p) => !before.has(p));
    labBytes = added.reduce((a, p) => a + gz(p), 0);
    labFiles = added.length;
    labList = added.map((p) => [p.split('/').pop(), gz(p)]).sort((a, b) => b[1] - a[1]);
    await context.close();
  }
  console.log(
    name.padEnd(14),
    kB(firstPaint).padStart(17),
    kB(labBytes).padStart(10),
    String(labFiles).padStart(6),
    median(loadToReady).toFixed(0).padStart(20),
    median(scrollToReady).toFixed(0).padStart(22),
  );
  breakdown.push([name, labList]);
}
console.log('');
console.log('lab JS by file (gzipped kB, largest first; a chunk shared with another lab or page is counted for each):');
for (const [name, files] of breakdown) console.log(`  ${name.padEnd(13)} ${files.map(([f, n]) => `${f} ${kB(n)}`).join(', ')}`);
console.log('');
console.log('load→interactive: from the page\'s load event to the lab being ready, scrolling to the lab right at load;');
console.log('scroll→interactive: from the scroll to ready (fetch + parse + first computation). First-paint JS: all the page');
console.log('loads before any lab is in view (site script + lab loader); lab JS: what the page requests after the scroll.');
await browser.close();
server.close();
rmSync(out, { recursive: true, force: true });
