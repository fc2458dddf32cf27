// Image intake in Chromium (src/lib/image/decode.ts needs createImageBitmap + OffscreenCanvas):
// the tiny files of test/assets/images and a generated 10000×10000 PNG go through the decoder
// inside a module Web Worker (where the pipeline runs it) and once on the main thread. The page
// and the bundled decoder are served by page.route under the preview server's origin, so the
// test does not depend on the site's content.
import { test, expect, type Page } from '@playwright/test';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { hugePng } from '../assets/testImages';

const ROOT = process.cwd();
const ASSETS = join(ROOT, 'test', 'assets', 'images');

const ENTRY = `
import { decodeImageFile, decodeMaskFile } from './src/lib/image/decode';
export async function summarize({ file, kind, latent, opts }) {
  try {
    if (kind === 'mask') {
      const m = await decodeMaskFile(file, latent, 'luminance', opts);
      return { ok: true, width: m.width, height: m.height, mask: Array.from(m.mask), notices: m.notices.map((n) => n.code) };
    }
    const d = await decodeImageFile(file, opts);
    return {
      ok: true, width: d.rgb.width, height: d.rgb.height, original: d.original, format: d.info.format,
      notices: d.notices.map((n) => n.code), messages: d.notices.map((n) => n.messages),
      rgb: Array.from(d.rgb.data.subarray(0, 3 * 64)),
    };
  } catch (e) {
    return { ok: false, name: e?.name, code: e?.code, en: e?.messages?.en ?? String(e), zh: e?.messages?.zh };
  }
}
if (typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope) {
  self.onmessage = async (e) => self.postMessage({ id: e.data.id, result: await summarize(e.data) });
}
`;

const PAGE = `<!doctype html><meta charset="utf-8"><title>image intake</title>
<script type="module">
import { summarize } from '/__image-test/decode.js';
const code = await (await fetch('/__image-test/decode.js')).text();
const worker = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })), { type: 'module' });
const pending = new Map();
let next = 0;
worker.onmessage = (e) => { pending.get(e.data.id)(e.data.result); pending.delete(e.data.id); };
async function request(name, kind, latent, opts) {
  const bytes = await (await fetch('/__image-test/assets/' + name)).arrayBuffer();
  return { file: new File([bytes], name), kind, latent, opts };
}
window.inWorker = async (name, kind = 'image', latent, opts) => {
  const req = await request(name, kind, latent, opts);
  return new Promise((resolve) => { const id = next++; pending.set(id, resolve); worker.postMessage({ id, ...req }); });
};
window.onMain = async (name, kind = 'image', latent, opts) => summarize(await request(name, kind, latent, opts));
window.ready = true;
</script>`;

interface Result {
  ok: boolean; code?: string; name?: string; en?: string; zh?: string;
  width?: number; height?: number; original?: { width: number; height: number }; format?: string;
  notices?: string[]; messages?: { en: string; zh: string }[]; rgb?: number[]; mask?: number[];
}

let bundle: string;
const files = new Map<string, Buffer | Uint8Array>();

test.beforeAll(async () => {
  const out = await build({
    stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'js' },
    bundle: true, format: 'esm', platform: 'browser', write: false, target: 'es2022', logLevel: 'silent',
  });
  bundle = out.outputFiles[0].text;
  for (const name of readdirSync(ASSETS)) files.set(name, readFileSync(join(ASSETS, name)));
  files.set('huge-10000x10000.png', hugePng(10000, 10000));
});

async function open(page: Page) {
  await page.route('**/__image-test/**', async (route) => {
    const path = new URL(route.request().url()).pathname.replace('/__image-test/', '');
    if (path === 'index.html') return route.fulfill({ contentType: 'text/html', body: PAGE });
    if (path === 'decode.js') return route.fulfill({ contentType: 'text/javascript', body: bundle });
    const file = files.get(decodeURIComponent(path.replace(/^assets\//, '')));
    return file ? route.fulfill({ contentType: 'application/octet-stream', body: Buffer.from(file) }) : route.fulfill({ status: 404 });
  });
  await page.goto('/__image-test/index.html');
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
}

const inWorker = (page: Page, name: string, kind = 'image', latent?: { height: number; width: number }) =>
  page.evaluate(([n, k, l]) => (window as unknown as { inWorker: (...a: unknown[]) => Promise<Result> }).inWorker(n, k, l), [name, kind, latent] as const);

test('decodes a PNG in a worker: exact pixels, no notices; the same on the main thread', async ({ page }) => {
  await open(page);
  const r = await inWorker(page, 'opaque-3x2.png');
  expect(r).toMatchObject({ ok: true, width: 3, height: 2, format: 'png', notices: [] });
  expect(r.rgb).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 128, 64, 32]);
  const main = await page.evaluate(() => (window as unknown as { onMain: (n: string) => Promise<Result> }).onMain('opaque-3x2.png'));
  expect(main.rgb).toEqual(r.rgb);
});

test('transparent PNG: composited on white, with a notice', async ({ page }) => {
  await open(page);
  const r = await inWorker(page, 'transparent-2x2.png');
  expect(r.notices).toEqual(['transparency-flattened']);
  expect(r.rgb!.slice(0, 6)).toEqual([255, 0, 0, 255, 255, 255]); // opaque red; fully transparent → white
  r.rgb!.slice(6, 9).forEach((v, i) => expect(Math.abs(v - [127, 127, 255][i])).toBeLessThanOrEqual(1)); // blue at alpha 128
  expect(r.rgb!.slice(9, 12)).toEqual([255, 255, 255]);
});

test('animated GIF: first frame only, with a notice', async ({ page }) => {
  await open(page);
  const r = await inWorker(page, 'animated-2x2.gif');
  expect(r).toMatchObject({ ok: true, width: 2, height: 2, format: 'gif' });
  expect(r.notices).toContain('animated-first-frame');
  expect(r.rgb).toEqual([255, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0]); // frame 1 is red, frame 2 blue
});

test('10000×10000 PNG: scaled to 2048 while decoding, with a notice', async ({ page }) => {
  await open(page);
  const r = await inWorker(page, 'huge-10000x10000.png');
  expect(r).toMatchObject({ ok: true, width: 2048, height: 2048, original: { width: 10000, height: 10000 } });
  expect(r.notices).toContain('downscaled');
  expect(r.messages![0].en).toMatch(/10000×10000.*2048×2048/);
  expect(r.rgb!.slice(0, 3)).toEqual([0, 0, 0]);
});

test('bad files: empty, not an image, truncated, undecodable — each a clear error in both languages', async ({ page }) => {
  await open(page);
  const cases: [string, string, RegExp][] = [
    ['empty.png', 'empty-file', /0 bytes/],
    ['not-an-image.txt', 'not-an-image', /not an image \(it looks like a text file\)/],
    ['truncated.png', 'corrupt-image', /ends early/],
    ['corrupt-data.png', 'corrupt-image', /cannot be decoded/],
  ];
  for (const [name, code, en] of cases) {
    const r = await inWorker(page, name);
    expect(r.ok, name).toBe(false);
    expect(r.name, name).toBe('ImageInputError');
    expect(r.code, name).toBe(code);
    expect(r.en, name).toMatch(en);
    expect(r.zh, name).toMatch(/[\u4e00-\u9fff]/);
  }
});

test('mask picture → [0, 1] values, white = 1, with the aspect notice', async ({ page }) => {
  await open(page);
  const r = await inWorker(page, 'mask-4x2.png', 'mask', { height: 8, width: 8 });
  expect(r).toMatchObject({ ok: true, width: 4, height: 2 });
  expect(r.mask).toEqual([1, 1, 0, 0, 1, 1, 0, 0]);
  expect(r.notices).toEqual(['mask-aspect-mismatch']);
  const fits = await inWorker(page, 'mask-4x2.png', 'mask', { height: 8, width: 16 });
  expect(fits.notices).toEqual([]);
});
