// The live panel's result views (compare, layer experiment, attention maps) in Chromium, with
// synthetic data: no weights, no worker. The three modules are bundled from source with esbuild
// and injected into an existing lesson page of the built site (so the site's CSS and themes
// apply); nothing is added to the public site. Keyboard drives the slider, the pickers and the
// run; axe checks both themes.
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { build } from 'esbuild';
import { guardOrigins } from './site';

const LESSON = '/en/09-which-layer-does-what/';
let bundle = '';

test.beforeAll(async () => {
  const r = await build({
    stdin: {
      contents: [
        "export { mountCompare } from './src/labs/live/compare';",
        "export { mountExperiment } from './src/labs/live/experiment';",
        "export { mountAttentionView } from './src/labs/live/attention-view';",
      ].join('\n'),
      resolveDir: process.cwd(), loader: 'ts', sourcefile: 'live-results-entry.ts',
    },
    bundle: true, format: 'iife', globalName: 'liveResults', platform: 'browser', target: 'es2022', write: false, logLevel: 'error',
  });
  bundle = r.outputFiles[0].text;
});

/** Opens the lesson, loads the modules and adds an empty host for a view. */
async function openWithModules(page: Page) {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const guard = guardOrigins(page);
  const res = await page.goto(LESSON);
  expect(res?.status()).toBe(200);
  await page.addScriptTag({ content: bundle });
  await page.evaluate(() => {
    const host = document.createElement('div');
    host.id = 'results-host';
    (document.querySelector('main') ?? document.body).prepend(host);
  });
  return { errors, guard };
}

async function axeClean(page: Page) {
  for (const theme of ['light', 'dark']) {
    await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
    const results = await new AxeBuilder({ page }).include('#results-host')
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${theme}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`)).toEqual([]);
  }
}

test('compare: side by side and overlay; the divider follows the keyboard; the settings that differ', async ({ page }) => {
  const { errors, guard } = await openWithModules(page);
  await page.evaluate(() => {
    const rgba = (w: number, h: number, f: (x: number, y: number) => [number, number, number]) => {
      const data = new Uint8ClampedArray(w * h * 4);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) { const c = f(x, y); data.set([...c, 255], 4 * (y * w + x)); }
      return { width: w, height: h, data };
    };
    const c = document.createElement('canvas');
    c.width = c.height = 64;
    const g = c.getContext('2d')!;
    g.fillStyle = '#3a7'; g.fillRect(0, 0, 64, 64);
    const url = c.toDataURL('image/png');
    const state = (seed: number, weight: number, scheduler = 'dpmpp_2m_karras') => ({
      checkpoint: 'dreamshaper_8.safetensors', loras: [], prompt: 'a cat', negativePrompt: '', seed, steps: 20, cfg: 7, scheduler, width: 512, height: 512, batchSize: 1, denoise: 1, initImage: null,
      adapters: [{ model: { loader: 'unified', preset: 'STANDARD (medium strength)', clipVisionFile: null }, images: [{ name: 'ref.png', prep: null }], weight, weightType: 'linear', combineEmbeds: 'concat', startAt: 0, endAt: 1, embedsScaling: 'V only', negative: { kind: 'default' }, attnMask: null, layerWeights: '', styleBoost: null, compositionBoost: null, unfoldBatch: false }],
      masks: {},
    });
    const items = [
      { image: rgba(64, 64, (x) => [x * 4, 0, 255 - x * 4]), settings: state(2, 0.8, 'euler') },
      { image: url, settings: state(1, 1) },
      { image: rgba(64, 64, () => [200, 200, 200]), settings: state(1, 1) },
    ];
    const w = window as unknown as { liveResults: { mountCompare: Function }; cmp: unknown };
    w.cmp = w.liveResults.mountCompare(document.getElementById('results-host'), { items });
  });
  const root = page.locator('[data-results="compare"]');
  await expect(root.locator('[data-compare="a"]')).toHaveValue('1');
  await expect(root.locator('[data-compare="b"]')).toHaveValue('0');
  await expect(root.locator('figure')).toHaveCount(2);
  await expect(root.locator('figure img')).toHaveAttribute('alt', /Result A/);
  const rows = root.locator('table.lr-diff tbody tr');
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(0)).toHaveText(['KSampler', 'seed', '1', '2'].join(''));
  await expect(rows.nth(1)).toHaveText(['KSampler', 'sampler_name', '"dpmpp_2m"', '"euler"'].join(''));
  await expect(rows.nth(2)).toHaveText(['KSampler', 'scheduler', '"karras"', '"normal"'].join(''));
  await expect(rows.nth(3)).toHaveText(['IPAdapter Advanced', 'weight', '1', '0.8'].join(''));
  await expect(root.locator('[data-compare="summary"]')).toHaveText('4 settings differ.');

  // keyboard: the view radios, then the divider
  await root.locator('[data-compare-mode="side"]').focus();
  await page.keyboard.press('ArrowRight');
  await expect(root.locator('[data-compare-mode="overlay"]')).toBeChecked();
  const split = root.locator('[data-compare="split"]');
  await expect(split).toHaveValue('50');
  await split.focus();
  await page.keyboard.press('Home');
  await expect(split).toHaveValue('0');
  await expect(root.locator('[data-compare="top"]')).toHaveCSS('clip-path', 'inset(0px 100% 0px 0px)');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(split).toHaveValue('2');
  await expect(split).toHaveAttribute('aria-valuetext', '2% A');
  await page.keyboard.press('End');
  await expect(root.locator('[data-compare="top"]')).toHaveCSS('clip-path', 'inset(0px 0% 0px 0px)');
  const left = await root.locator('[data-compare="divider"]').evaluate((el) => (el as HTMLElement).style.left);
  expect(left).toBe('100%');
  await expect(split).toBeFocused();

  // same settings, and the same item twice
  await root.locator('[data-compare="a"]').selectOption('2');
  await root.locator('[data-compare="b"]').selectOption('1');
  await expect(root.locator('[data-compare="same"]')).toHaveText('The two results were made with the same settings.');
  await expect(root.locator('[data-compare="note"]')).toHaveText('');
  await root.locator('[data-compare="a"]').selectOption('1');
  await expect(root.locator('[data-compare="note"]')).toContainText('same result');
  await root.locator('[data-compare="b"]').selectOption('0');
  // the overlay of a 64² picture over the 64² URL image: same size, no note
  await expect(root.locator('[data-compare="note"]')).toHaveText('');
  await axeClean(page);

  // another aspect ratio: the overlay says B is stretched into A's frame
  await page.evaluate(() => {
    const data = new Uint8ClampedArray(64 * 96 * 4).fill(255);
    const w = window as unknown as { cmp: { update(p: unknown): void } };
    w.cmp.update({ items: [{ image: { width: 64, height: 96, data }, settings: {} }, { image: { width: 64, height: 64, data: new Uint8ClampedArray(64 * 64 * 4).fill(255) }, settings: {} }], a: 1, b: 0, mode: 'overlay' });
  });
  await expect(root.locator('[data-compare="note"]')).toHaveText('A is 64×64, B is 64×96. The two images have different proportions; in the overlay B is stretched to A’s frame.');

  // fewer than two results: a message, no table
  await page.evaluate(() => (window as unknown as { cmp: { update(p: unknown): void } }).cmp.update({ items: [] }));
  await expect(root.locator('[data-compare="note"]')).toHaveText('Generate at least two results to compare them.');
  await expect(root.locator('table')).toHaveCount(0);
  expect(errors).toEqual([]);
  expect(guard.foreign).toEqual([]);
});

/** Mounts the experiment with a fake generator: `delay` ms a cell, a failure at one layer_weights string. */
async function mountExperiment(page: Page, o: { delay: number; failAt?: string; lostAt?: string; lang?: string }) {
  await page.evaluate((o) => {
    const w = window as unknown as { liveResults: { mountExperiment: Function }; exp: unknown; calls: string[] };
    w.calls = [];
    const base = { prompt: 'a cat', width: 512, height: 512, steps: 20, guidance: 7, scheduler: 'euler', seed: 42, adapters: [{ images: [{ data: new Float32Array(12), size: 2 }], weight: 0.7 }] };
    const generate = (s: { seed: number; adapters: { layerWeights?: string }[] }, signal: AbortSignal) => new Promise((resolve, reject) => {
      const key = s.adapters[0]?.layerWeights ?? 'none';
      w.calls.push(`${key}|${s.seed}`);
      const timer = setTimeout(() => {
        if (key === o.failAt) reject(Object.assign(new Error('out of GPU memory'), { code: 'runtime' }));
        else if (key === o.lostAt) reject(Object.assign(new Error('GPUDevice was lost'), { code: 'device-lost' }));
        else {
          const data = new Uint8ClampedArray(16 * 16 * 4).fill(128);
          resolve({ width: 16, height: 16, data });
        }
      }, o.delay);
      signal.addEventListener('abort', () => { clearTimeout(timer); reject(Object.assign(new Error('Cancelled'), { code: 'cancelled' })); });
    });
    const done: string[] = [];
    (window as unknown as { doneCells: string[] }).doneCells = done;
    w.exp = w.liveResults.mountExperiment(document.getElementById('results-host'), { base, generate, layers: [0, 1, 2], lang: o.lang, onCellDone: (c: { id: string }) => done.push(c.id) });
  }, o);
  return page.locator('[data-results="experiment"]');
}

test('layer experiment: the grid fills in order with the same seed, a failed cell says why, keyboard runs it; axe', async ({ page }) => {
  const { errors, guard } = await openWithModules(page);
  const root = await mountExperiment(page, { delay: 20, failAt: '1:2' });
  await expect(root.locator('[data-experiment="status"]')).toHaveText('11 images to generate.');
  await expect(root.locator('table.lr-grid tbody tr')).toHaveCount(3);
  await expect(root.locator('table.lr-grid thead th')).toHaveText(['Layer', 'weight 1', 'weight 1.5', 'weight 2']);
  // without reduced motion a cell's frame eases into its new state (the next test checks that reduce turns it off)
  expect(await root.locator('[data-cell="L2@2"] .lr-slot').evaluate((el) => parseFloat(getComputedStyle(el).transitionDuration))).toBeCloseTo(0.15);
  await axeClean(page);
  await root.locator('[data-experiment="run"]').focus();
  await page.keyboard.press('Enter');
  await expect(root.locator('[data-experiment="cancel"]')).toBeFocused();
  await expect(root.locator('[data-experiment="status"]')).toHaveText('Finished: 10 images, 1 failed.', { timeout: 15_000 });
  await expect(root.locator('[data-experiment="run"]')).toBeFocused();
  await expect(root.locator('[data-cell-image]')).toHaveCount(10);
  const failed = root.locator('[data-cell="L1@2"]');
  await expect(failed).toHaveAttribute('data-status', 'failed');
  await expect(failed).toContainText('failed: the GPU stopped with an error: out of GPU memory');
  await expect(root.locator('[data-experiment="progress"]')).toHaveJSProperty('value', 11);
  const calls = await page.evaluate(() => (window as unknown as { calls: string[] }).calls);
  expect(calls).toEqual(['none|42', '|42',
    '0:1|42', '0:1.5|42', '0:2|42', '1:1|42', '1:1.5|42', '1:2|42', '2:1|42', '2:1.5|42', '2:2|42']);
  await expect(root.locator('[data-cell="L2@1.5"] canvas')).toHaveAttribute('aria-label', 'layer 2 at 1.5 (layer_weights 2:1.5)');
  expect(await page.evaluate(() => (window as unknown as { doneCells: string[] }).doneCells)).toEqual(['baseline', 'all', 'L0@1', 'L0@1.5', 'L0@2', 'L1@1', 'L1@1.5', 'L2@1', 'L2@1.5', 'L2@2']);
  await axeClean(page);

  // a bad weight list: a message by the field, Run disabled
  const weights = root.locator('[data-experiment="weights"]');
  await weights.fill('1, x');
  await weights.press('Tab');
  await expect(weights).toHaveAttribute('aria-invalid', 'true');
  await expect(root.locator('.lab-field .lr-error').first()).toContainText('"x" is not a number');
  await expect(root.locator('[data-experiment="run"]')).toBeDisabled();
  await weights.fill('1, 9');
  await weights.press('Tab');
  await expect(root.locator('.lab-field .lr-error').first()).toContainText("outside ComfyUI's range");

  // the GPU lost mid-run: that cell says so, the run stops there with what to do, nothing more is tried
  await page.evaluate(() => (window as unknown as { exp: { destroy(): void } }).exp.destroy());
  const again = await mountExperiment(page, { delay: 5, lostAt: '0:1.5' });
  await again.locator('[data-experiment="run"]').click();
  await expect(again.locator('[data-experiment="status"]')).toContainText('Stopped after 3 of 11 images: The GPU stopped responding', { timeout: 10_000 });
  await expect(again.locator('[data-cell="L0@1.5"]')).toContainText('failed: The GPU stopped responding');
  await expect(again.locator('[data-status="cancelled"]')).toHaveCount(7);
  expect(await page.evaluate(() => (window as unknown as { calls: string[] }).calls.length)).toBe(4);
  expect(errors).toEqual([]);
  expect(guard.foreign).toEqual([]);
});

test('layer experiment: Cancel stops within the running cell; the rest say not run; reduced motion has no transition', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const { errors } = await openWithModules(page);
  const root = await mountExperiment(page, { delay: 150 });
  await root.locator('[data-experiment="run"]').click();
  await expect(root.locator('[data-cell-image]')).toHaveCount(2, { timeout: 10_000 });
  // the last cell is still waiting, so its slot is in the page (the earlier ones turn into images)
  const duration = await root.locator('[data-cell="L2@2"] .lr-slot').evaluate((el) => parseFloat(getComputedStyle(el).transitionDuration));
  expect(duration).toBeLessThan(0.001);
  await root.locator('[data-experiment="cancel"]').press('Enter');
  await expect(root.locator('[data-experiment="status"]')).toContainText('Cancelled after', { timeout: 5_000 });
  const calls = await page.evaluate(() => (window as unknown as { calls: string[] }).calls.length);
  const done = await root.locator('[data-cell-image]').count();
  expect(done).toBeGreaterThanOrEqual(2);
  expect(calls).toBe(done + 1); // the cell that was running when Cancel came; none after it
  await expect(root.locator('[data-status="cancelled"]')).toHaveCount(11 - done);
  await expect(root.locator('[data-status="cancelled"]').first()).toContainText('not run (cancelled)');
  await expect(root.locator('[data-experiment="run"]')).toBeEnabled();
  expect(errors).toEqual([]);
});

/** Synthetic maps: 8×8 grid; image tokens peak in the upper left, the word "cat" in the lower right. */
async function mountAttention(page: Page, lang = 'en') {
  await page.evaluate((lang) => {
    const h = 8, w = 8, n = h * w;
    const peak = (px: number, py: number) => Float32Array.from({ length: n }, (_, i) => Math.exp(-(((i % w) - px) ** 2 + (Math.floor(i / w) - py) ** 2) / 2));
    const text = new Float32Array(77 * n).fill(0.01);
    text.set(peak(6.5, 6.5), 2 * n);
    const image = new Float32Array(4 * n);
    for (let k = 0; k < 4; k++) image.set(peak(1, 1), k * n);
    const maps = [
      { layer: 4, step: 19, h, w, text, textTokens: 77, image: [{ adapter: 0, tokens: 4, maps: image }] },
      { layer: 6, step: 19, h: 4, w: 4, text: new Float32Array(77 * 16).fill(1 / 77), textTokens: 77, image: [{ adapter: 0, tokens: 4, maps: new Float32Array(64).fill(0.25) }] },
    ];
    const pieces = ['<|startoftext|>', 'a</w>', 'cat</w>', ...new Array(74).fill('<|endoftext|>')];
    const offsets = [null, [0, 1], [2, 5], ...new Array(74).fill(null)];
    const data = new Uint8ClampedArray(128 * 128 * 4).fill(200);
    const wnd = window as unknown as { liveResults: { mountAttentionView: Function }; att: unknown };
    wnd.att = wnd.liveResults.mountAttentionView(document.getElementById('results-host'), {
      maps, image: { width: 128, height: 128, data }, text: { pieces, offsets, prompt: 'a cat' }, lang,
    });
  }, lang);
  return page.locator('[data-results="attention"]');
}

test('attention maps: layer and token pickers by keyboard, where the peak is in words, opacity, legend; axe', async ({ page }) => {
  const { errors, guard } = await openWithModules(page);
  const root = await mountAttention(page);
  const desc = root.locator('[data-attention="description"]');
  await expect(root.locator('[data-attention="token"]')).toHaveValue('m0');
  await expect(desc).toContainText('all image tokens (mean)');
  await expect(desc).toContainText('Strongest in the upper left third');
  await expect(root.locator('[data-attention="token"] option')).toHaveText(['start token (0)', '“a” (1)', '“cat” (2)', 'end token (3)', 'all image tokens (mean)', 'image token 1', 'image token 2', 'image token 3', 'image token 4']);
  // keyboard: up from the mean goes to the end token, then to "cat"
  await root.locator('[data-attention="token"]').focus();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await expect(root.locator('[data-attention="token"]')).toHaveValue('t2');
  await expect(desc).toContainText('“cat” (2) at layer 4 (input, 1280 channels, 8×8): Strongest in the lower right third');
  const heat = root.locator('[data-attention="heat"]');
  await expect(heat).toHaveAttribute('width', '128');
  // the heat map really is brightest (viridis yellow) in the lower right
  const corner = await heat.evaluate((c) => {
    const g = (c as HTMLCanvasElement).getContext('2d')!;
    return { lr: Array.from(g.getImageData(112, 112, 1, 1).data), ul: Array.from(g.getImageData(8, 8, 1, 1).data) };
  });
  expect(corner.lr[0]).toBeGreaterThan(200); // yellow: high red and green
  expect(corner.lr[1]).toBeGreaterThan(200);
  expect(corner.ul[0]).toBeLessThan(90); // dark purple
  // opacity slider
  const op = root.locator('[data-attention="opacity"]');
  await op.focus();
  await page.keyboard.press('ArrowLeft');
  await expect(op).toHaveAttribute('aria-valuetext', '55%');
  await expect(heat).toHaveCSS('opacity', '0.55');
  await page.keyboard.press('Home');
  await expect(heat).toHaveCSS('opacity', '0');
  // another layer: the token stays, a flat map says so
  await root.locator('[data-attention="layer"]').focus();
  await page.keyboard.press('ArrowDown');
  await expect(root.locator('[data-attention="layer"]')).toHaveValue('6');
  await expect(desc).toContainText('Spread evenly');
  await expect(root.locator('[data-attention="range"]')).toContainText('0.013');
  await expect(root.locator('[data-attention="range"]')).toContainText('recorded at step 20');
  await expect(root.locator('[data-attention="legend"] [role="img"]')).toHaveAttribute('style', /linear-gradient/);
  await axeClean(page);
  // no maps: a message instead of an empty view
  await page.evaluate(() => (window as unknown as { att: { update(p: unknown): void } }).att.update({ maps: [] }));
  await expect(root.locator('[data-attention="note"]')).toHaveText('No attention maps were recorded for this result.');
  expect(errors).toEqual([]);
  expect(guard.foreign).toEqual([]);
});

test('in Chinese: the attention sentence and labels, a failed experiment cell', async ({ page }) => {
  await openWithModules(page);
  const root = await mountAttention(page, 'zh');
  await expect(root.locator('[data-attention="description"]')).toContainText('最强处在左上方');
  await expect(root.locator('label', { hasText: '热力图不透明度' })).toHaveCount(1);
  const exp = await mountExperiment(page, { delay: 5, failAt: '0:1.5', lang: 'zh' });
  await exp.locator('[data-experiment="run"]').click();
  await expect(exp.locator('[data-experiment="status"]')).toHaveText('完成：10 张，失败 1 张。', { timeout: 10_000 });
  await expect(exp.locator('[data-cell="L0@1.5"]')).toContainText('失败：GPU 运行出错');
});
