import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { guardOrigins } from './site';
import { startHfServer, type HfServer } from './support/hf-server';
import { serverPath, testManifest } from './support/test-manifest';
import { fixture } from '../fixtures';
import { makeSafetensors } from '../make-safetensors';
import { floatToHalf, parseSafetensorsHeader } from '../../src/lib/weights/safetensors';
import { loadClipTokenizer } from '../../src/lib/tokenizer';
import { formatBytes } from '../../src/lib/download/strings';

// The labs: loaded only when scrolled into view, keyboard-operable, the contract's events,
// the numbers they must show, axe-clean in both themes. Run on a built site (npm run build).

/** Opens a lesson, scrolls its lab into view and waits until the lab is interactive. */
async function openLab(page: Page, path: string, name: string) {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const res = await page.goto(path);
  expect(res?.status()).toBe(200);
  const lab = page.locator(`ipa-lab-${name}`);
  await lab.scrollIntoViewIfNeeded();
  await expect(lab).toHaveAttribute('data-ready', '', { timeout: 20_000 });
  return { lab, errors };
}

/** Records lab:change events on the page. */
async function recordChanges(page: Page) {
  await page.evaluate(() => {
    (window as unknown as { labChanges: unknown[] }).labChanges = [];
    document.addEventListener('lab:change', (e) => (window as unknown as { labChanges: unknown[] }).labChanges.push((e as CustomEvent).detail));
  });
  return () => page.evaluate(() => (window as unknown as { labChanges: { lab: string; state: Record<string, unknown> }[] }).labChanges);
}

async function axeClean(page: Page, selector: string) {
  for (const theme of ['light', 'dark']) {
    await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
    const results = await new AxeBuilder({ page })
      .include(selector)
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${theme}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`)).toEqual([]);
  }
}

test('lab JS is not requested before the lab scrolls into view', async ({ page }) => {
  const requested: string[] = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await page.goto('/en/06-ip-adapter-vs-lora/');
  await page.waitForLoadState('load');
  await page.waitForTimeout(400);
  expect(requested.filter((p) => /-lab\.[\w-]+\.js$/.test(p))).toEqual([]);
  await expect(page.locator('ipa-lab-lora')).not.toHaveAttribute('data-ready', '');
  // the server-rendered shell and its text alternative are there without the lab's JS
  await expect(page.locator('.lab[data-lab="lora"] .lab-alt')).toContainText('10,000');
  await page.locator('ipa-lab-lora').scrollIntoViewIfNeeded();
  await expect(page.locator('ipa-lab-lora')).toHaveAttribute('data-ready', '', { timeout: 20_000 });
  expect(requested.some((p) => /lora-lab\.[\w-]+\.js$/.test(p))).toBe(true);
});

test.describe('LoRA lab', () => {
  test('d = k = 100, r = 5 shows 10,000 and 1,000; keyboard changes r; contract events', async ({ page }) => {
    const guard = guardOrigins(page);
    const { lab, errors } = await openLab(page, '/en/06-ip-adapter-vs-lora/', 'lora');
    const params = lab.locator('tr[data-row="params"]');
    const macs = lab.locator('tr[data-row="macs"]');
    await expect(params.locator('td').nth(0)).toHaveText('10,000');
    await expect(params.locator('td').nth(1).locator('strong')).toHaveText('1,000');
    await expect(macs.locator('td').nth(0)).toHaveText('10,000');
    await expect(macs.locator('td').nth(1).locator('strong')).toHaveText('1,000');
    await expect(lab.locator('table.lab-costs')).toHaveClass(/lab-highlight/);
    // the Plot chart: exact counts on the marks, one accessible name, no ARIA on its inner groups
    const plot = lab.locator('svg[data-chart="params"]');
    await expect(plot).toHaveAttribute('role', 'img');
    await expect(plot).toHaveAttribute('aria-label', /flat line at 10,000; current r = 5 gives 1,000/);
    await expect(plot).toContainText('W = d·k: 10,000');
    await expect(plot).toContainText('B·A: 1,000 (the seed’s example)');
    expect(await plot.locator('[aria-label]').count()).toBe(0);

    const changes = await recordChanges(page);
    await lab.getByLabel('r (rank of B·A)', { exact: true }).first().focus();
    await page.keyboard.press('ArrowRight');
    await expect(params.locator('td').nth(1).locator('strong')).toHaveText('1,200');
    await expect(lab.locator('table.lab-costs')).not.toHaveClass(/lab-highlight/);
    await expect(plot).toContainText('B·A: 1,200');
    await expect(plot).not.toContainText('seed');
    const events = await changes();
    expect(events.at(-1)).toMatchObject({ lab: 'lora', state: { d: 100, k: 100, r: 6 } });

    // setState applies without echoing an event
    const before = (await changes()).length;
    await lab.evaluate((el) => (el as unknown as { setState(s: object): void }).setState({ r: 7 }));
    await expect(params.locator('td').nth(1).locator('strong')).toHaveText('1,400');
    expect((await changes()).length).toBe(before);
    expect(errors).toEqual([]);
    expect(guard.foreign).toEqual([]);
  });

  test('training: the loss decreases, Stop stops it, and it stops by itself', async ({ page }) => {
    const { lab } = await openLab(page, '/en/06-ip-adapter-vs-lora/', 'lora');
    const step = lab.locator('[data-step]');
    const loss = lab.locator('[data-loss]');
    const readStep = async () => Number(await step.getAttribute('data-step'));
    const readLoss = async () => Number(await loss.getAttribute('data-loss'));
    const initial = await readLoss();
    await lab.locator('[data-action="start"]').click();
    await expect.poll(readStep, { timeout: 15_000 }).toBeGreaterThan(15);
    await lab.locator('[data-action="stop"]').click();
    await expect(lab.locator('[data-train-status]')).toHaveAttribute('data-state', 'stopped');
    const stoppedAt = await readStep();
    const early = await readLoss();
    expect(stoppedAt).toBeLessThan(500);
    expect(early).toBeLessThan(initial);
    await page.waitForTimeout(500);
    expect(await readStep()).toBe(stoppedAt);
    expect(await readLoss()).toBe(early);
    // Start again (keyboard): it continues and ends by itself at the bound
    await lab.locator('[data-action="start"]').focus();
    await page.keyboard.press('Enter');
    await expect(lab.locator('[data-train-status]')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
    expect(await readStep()).toBe(500);
    expect(await readLoss()).toBeLessThan(early);
    // the loss curve was drawn live: one point per step
    expect(await lab.locator('polyline.line').last().evaluate((p) => p.getAttribute('points')?.split(' ').length)).toBe(501);
  });

  test('reduced motion: the run redraws a few times a second instead of animating, and still finishes', async ({ page }) => {
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const { lab } = await openLab(page, '/en/06-ip-adapter-vs-lora/', 'lora');
    await lab.locator('[data-step]').evaluate((el) => {
      (window as unknown as { redraws: number }).redraws = 0;
      new MutationObserver(() => (window as unknown as { redraws: number }).redraws++).observe(el, { attributes: true, attributeFilter: ['data-step'] });
    });
    await lab.locator('[data-action="start"]').click();
    await expect(lab.locator('[data-train-status]')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
    const redraws = await page.evaluate(() => (window as unknown as { redraws: number }).redraws);
    expect(redraws).toBeGreaterThan(1);
    expect(redraws).toBeLessThan(60); // an animated run redraws ~170 times
  });

  test('Chinese page: Chinese labels, same numbers; axe clean', async ({ page }) => {
    const { lab } = await openLab(page, '/zh/06-ip-adapter-vs-lora/', 'lora');
    await expect(lab.locator('tr[data-row="params"] th')).toHaveText('参数量');
    await expect(lab.locator('tr[data-row="params"] td').nth(0)).toHaveText('10,000');
    await axeClean(page, '.lab[data-lab="lora"]');
  });
});

test.describe('attention lab', () => {
  test('softmax weights sum to 1; λ and image tokens by keyboard; image tokens crowd out text in one softmax', async ({ page }) => {
    const { lab, errors } = await openLab(page, '/en/04-decoupled-cross-attention/', 'attention');
    const decText = lab.locator('[data-sum="decoupled-text"]');
    const catText = lab.locator('[data-sum="concat-text"]');
    await expect(decText).toContainText('1.000');
    const shareAt = async () => Number((await catText.textContent())?.match(/[\d.]+$/)?.[0]);
    const with4 = await shareAt();
    expect(with4).toBeLessThan(0.9);
    const changes = await recordChanges(page);
    // fewer image tokens (keyboard): the text keeps more in one softmax; decoupled text unchanged
    await lab.getByLabel('image tokens taking part', { exact: true }).first().focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(shareAt).toBeGreaterThan(with4);
    await expect(decText).toContainText('1.000');
    // λ by keyboard: image weights sum to λ
    await lab.getByLabel('λ (the image branch’s weight)', { exact: true }).first().focus();
    await page.keyboard.press('ArrowLeft');
    await expect(lab.locator('[data-sum="decoupled-image"]')).toContainText('0.950');
    // another query by arrow keys in the radio group
    await lab.locator('input[type=radio]').first().focus();
    await page.keyboard.press('ArrowDown');
    expect((await changes()).at(-1)).toMatchObject({ lab: 'attention', state: { query: 1, lambda: 0.95, imageTokens: 2 } });
    await expect(lab.locator('.katex').first()).toBeVisible();
    await expect(lab.locator('.katex-error')).toHaveCount(0);
    await axeClean(page, '.lab[data-lab="attention"]');
    expect(errors).toEqual([]);
  });
});

test.describe('mask lab', () => {
  test('per-layer mask sizes; arrow keys move, Shift+arrows resize the selected region', async ({ page }) => {
    const { lab, errors } = await openLab(page, '/en/08-recipes/', 'mask');
    await expect(lab.locator('[data-level]')).toHaveCount(4);
    expect(await lab.locator('[data-level]').evaluateAll((els) => els.map((e) => e.getAttribute('data-level')))).toEqual(['64x64', '32x32', '16x16', '8x8']);
    const posB = lab.locator('[data-pos="1"]');
    const before = await posB.textContent();
    await lab.locator('[data-region="1"]').focus();
    await expect(lab.locator('[data-region="1"]')).toHaveAttribute('aria-pressed', 'true');
    await page.keyboard.press('ArrowLeft');
    await expect(posB).not.toHaveText(before ?? '');
    await expect(posB).toContainText('x 272');
    await page.keyboard.press('Shift+ArrowDown');
    await expect(posB).toContainText('192×400');
    await lab.getByLabel('Image size (pixels)').selectOption('768x512');
    await expect(lab.locator('[data-level]').first()).toHaveAttribute('data-level', '64x96');
    await axeClean(page, '.lab[data-lab="mask"]');
    expect(errors).toEqual([]);
  });
});

test.describe('embedding lab', () => {
  test('demo table labelled; similarity and neighbours respond to typing', async ({ page }) => {
    const { lab, errors } = await openLab(page, '/zh/02-tokens-and-embeddings/', 'embedding');
    await expect(lab.locator('[data-source="demo"]')).toHaveText('演示表——不是 CLIP 的数字');
    const sim = lab.locator('[data-similarity]');
    const read = async () => Number(await sim.getAttribute('data-similarity'));
    const close = await read();
    await lab.getByLabel('提示词 B').fill('a red car on the road');
    await expect.poll(read).toBeLessThan(close);
    await lab.getByLabel('要查看周围的 token').fill('dog');
    await expect(lab.locator('.emb-near li').first()).toHaveAttribute('data-token', /puppy|wolf/);
    await axeClean(page, '.lab[data-lab="embedding"]');
    expect(errors).toEqual([]);
  });
});

// CLIP's real table, against a local Hugging Face stand-in (support/hf-server.ts): the lesson page
// gets a manifest pointing at it, as the downloads page's tests swap theirs. The served text
// encoder holds a CLIP-sized table (49,408 rows, 8 numbers each, fp16) between two other
// tensors, with "cat" and "kitten" nearly parallel and every other row orthogonal to them.
test.describe('embedding lab: CLIP\'s real table', () => {
  const SD15 = 'stable-diffusion-v1-5/stable-diffusion-v1-5';
  const PATH = serverPath({ repo: SD15, revision: 'main', path: 'text_encoder/model.fp16.safetensors' });
  const KEY = 'text_model.embeddings.token_embedding.weight';
  let hf: HfServer;
  let manifest: ReturnType<typeof testManifest>;
  let file: Uint8Array;

  test.beforeAll(async () => {
    const tok = await loadClipTokenizer();
    const [cat] = tok.tokenize('cat').ids;
    const [kitten] = tok.tokenize('kitten').ids;
    const rows = 49408;
    const dim = 8;
    const table = new Uint16Array(rows * dim);
    for (let id = 0; id < rows; id++) for (let c = 2; c < dim; c++) table[id * dim + c] = floatToHalf(Math.sin(id * (c + 1)));
    [[cat, 0.1], [kitten, 0.15]].forEach(([id, y]) => {
      table.fill(0, id * dim, id * dim + dim);
      table[id * dim] = floatToHalf(1);
      table[id * dim + 1] = floatToHalf(y);
    });
    file = makeSafetensors({
      'text_model.embeddings.position_embedding.weight': { dtype: 'F32', shape: [77, 64], data: new Float32Array(77 * 64).fill(0.5) },
      [KEY]: { dtype: 'F16', shape: [rows, dim], data: table },
      'text_model.final_layer_norm.weight': { dtype: 'F32', shape: [20000], data: new Float32Array(20000).fill(1) },
    });
    hf = await startHfServer(new Map([[PATH, file]]));
    manifest = testManifest(hf.hub, hf.cdn);
    manifest.files.find((f) => f.id === 'sd15-text')!.size = file.byteLength;
  });
  test.afterAll(() => hf.close());

  /** The lesson page with the test manifest in it (the lab reads a page's manifest first). */
  async function useTestManifest(page: Page) {
    // the fulfilled page counts as public to Chromium, which then asks before it may reach 127.0.0.1
    await page.context().grantPermissions(['local-network-access']);
    await page.route(/\/02-tokens-and-embeddings\/$/, async (route) => {
      const res = await route.fetch();
      const json = JSON.stringify(manifest).replace(/</g, '\\u003c');
      const html = (await res.text()).replace('</body>', `<script type="application/json" data-manifest>${json}</script></body>`);
      await route.fulfill({ response: res, body: html });
    });
  }

  test('fetched by byte range after confirming: only the table\'s bytes; the view switches to the real table; a reload reads it from the cache (0 bytes)', async ({ page }) => {
    await useTestManifest(page);
    const start = hf.log.length;
    const { lab, errors } = await openLab(page, '/en/02-tokens-and-embeddings/', 'embedding');
    const badge = lab.locator('.emb-badge');
    await expect(badge).toHaveAttribute('data-source', 'demo');
    await expect(lab.locator('[data-check-hint]')).toContainText(new URL(hf.hub).host);
    // nothing is fetched before the reader asks; no confirmation or progress is shown yet
    expect(hf.log.length).toBe(start);
    await expect(lab.locator('progress')).toBeHidden();
    await expect(lab.locator('[data-confirm]')).toBeHidden();

    const header = parseSafetensorsHeader(file);
    const info = header.tensors.get(KEY)!;
    const tableBytes = info.end - info.begin;
    await lab.getByRole('button', { name: 'Check the download' }).click();
    await expect(lab.locator('[data-fetch-state]')).toHaveAttribute('data-fetch-state', 'confirm');
    await expect(lab.locator('[data-confirm-text]')).toContainText(`Download ${formatBytes(tableBytes)} from ${new URL(hf.hub).host}: only the token-embedding table (49,408 × 8, F16)`);
    const cdn = () => hf.log.slice(start).filter((r) => r.server === 'cdn' && r.method === 'GET').map((r) => r.range);
    expect(cdn()).toEqual(['bytes=0-7', `bytes=8-${header.dataStart - 1}`]);

    // the Download button has the focus: confirm by keyboard
    await expect(lab.getByRole('button', { name: 'Download the table' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(badge).toHaveAttribute('data-source', 'real', { timeout: 20_000 });
    await expect(badge).toHaveAttribute('data-origin', 'download');
    await expect(badge).toHaveText('Real table — CLIP ViT-L/14 token embeddings');
    await expect(lab.locator('[data-origin-note]')).toContainText(`Fetched just now from ${new URL(hf.hub).host}`);
    // exactly the header and the table's range: not the tensors around it
    expect(cdn()).toEqual(['bytes=0-7', `bytes=8-${header.dataStart - 1}`, `bytes=${info.begin}-${info.end - 1}`]);
    expect(hf.sentBytes(undefined, start)).toBe(header.dataStart + tableBytes);
    expect(hf.sentBytes(undefined, start)).toBeLessThan(file.byteLength - 80_000);
    // the real tokenizer and the real rows: "kitten" is the nearest token to "cat"
    await expect(lab.locator('.emb-near li').first()).toHaveAttribute('data-token', 'kitten');
    await lab.getByLabel('Prompt B').fill('kitten');
    await lab.getByLabel('Prompt A').fill('cat');
    await expect.poll(async () => Number(await lab.locator('[data-similarity]').getAttribute('data-similarity'))).toBeGreaterThan(0.99);

    // a reload: the table comes from this device's cache, nothing is requested
    const mark = hf.log.length;
    await page.reload();
    const again = page.locator('ipa-lab-embedding');
    await again.scrollIntoViewIfNeeded();
    await expect(again.locator('.emb-badge')).toHaveAttribute('data-origin', 'cache', { timeout: 20_000 });
    await expect(again.locator('[data-origin-note]')).toContainText('Fetched earlier from');
    await expect(again.locator('.emb-near li').first()).toHaveAttribute('data-token', 'kitten');
    expect(hf.log.length - mark).toBe(0);
    expect(hf.sentBytes(undefined, mark)).toBe(0);
    await axeClean(page, '.lab[data-lab="embedding"]');
    expect(errors).toEqual([]);
  });

  test('failures keep the demo table, with the reason in Chinese: 404, a file that is not safetensors; a picked test encoder is read locally', async ({ page }) => {
    await useTestManifest(page);
    const { lab, errors } = await openLab(page, '/zh/02-tokens-and-embeddings/', 'embedding');
    const badge = lab.locator('.emb-badge');
    const error = lab.locator('[data-fetch-error]');
    await expect(lab.locator('[data-check-hint]')).toContainText(new URL(hf.hub).host);
    hf.faults.set(PATH, { status: 404 });
    try {
      await lab.getByRole('button', { name: '查看下载大小' }).click();
      await expect(error).toContainText('HTTP 404');
      await expect(error).toContainText('继续使用演示表');
      await expect(badge).toHaveAttribute('data-source', 'demo');
    } finally {
      hf.faults.clear();
    }

    const mark = hf.log.length;
    const picker = lab.getByLabel('或者选择你电脑上的文件（SD1.5 的文本编码器，或者底模 checkpoint；.safetensors）');
    await picker.setInputFiles({ name: 'cat.png', mimeType: 'image/png', buffer: Buffer.from('\x89PNG\r\n\x1a\n not a weight file at all') });
    await expect(error).toContainText('cat.png 不是 safetensors 文件');
    await expect(badge).toHaveAttribute('data-source', 'demo');

    // the tiny test text encoder: a real table of 1,000 rows, read in the page, nothing sent
    await picker.setInputFiles(fixture('clip_text', 'weights.safetensors'));
    await expect(badge).toHaveAttribute('data-source', 'real');
    await expect(badge).toHaveAttribute('data-origin', 'local');
    await expect(badge).toHaveAttribute('data-vocabulary', 'test');
    await expect(lab.locator('[data-origin-note]')).toContainText('没有上传任何东西');
    await expect(error).toHaveText('');
    expect(hf.log.length).toBe(mark);
    // keyboard: back to the demo table and again
    await lab.getByRole('button', { name: '换回演示表' }).focus();
    await page.keyboard.press('Enter');
    await expect(badge).toHaveAttribute('data-source', 'demo');
    await page.keyboard.press('Enter');
    await expect(badge).toHaveAttribute('data-source', 'real');
    await axeClean(page, '.lab[data-lab="embedding"]');
    expect(errors).toEqual([]);
  });
});

test.describe('weight-type lab', () => {
  test('SDXL style transfer on layer 6; layer_weights errors; start/end window on the schedule', async ({ page }) => {
    const { lab, errors } = await openLab(page, '/en/07-parameters/', 'weight-types');
    const weightOf = (t: number) => lab.locator(`tr[data-layer="${t}"] td[data-weight]`).getAttribute('data-weight');
    await expect(lab.locator('tr[data-layer]')).toHaveCount(16);
    // keyboard: arrow to SDXL in the model radio group
    await lab.locator('input[type=radio][value="sd15"]').focus();
    await page.keyboard.press('ArrowRight');
    await expect(lab.locator('tr[data-layer]')).toHaveCount(11);
    await lab.getByLabel('weight_type').selectOption('style transfer');
    expect(await weightOf(6)).toBe('1');
    expect(await weightOf(3)).toBe('0');
    // weight by keyboard
    await lab.getByLabel('weight', { exact: true }).first().focus();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => weightOf(6)).toBe('0.95');
    // layer_weights: a bad index and a missing colon are explained
    await lab.getByLabel('layer_weights string').fill('11:1, 3=1');
    await expect(lab.locator('.wt-errors li')).toHaveCount(2);
    await expect(lab.locator('.wt-errors li').first()).toContainText('0–10');
    await lab.getByLabel('layer_weights string').fill('3:1, 6:0.5');
    await expect(lab.locator('.wt-errors li')).toHaveCount(0);
    expect(await weightOf(3)).toBe('0.95');
    // end_at = 0.5 at 20 Euler steps: 10 active steps (the schedule, not the step count)
    await lab.getByLabel('end_at', { exact: true }).first().fill('0.5');
    await lab.getByLabel('end_at', { exact: true }).first().press('Enter');
    await expect(lab.locator('[data-active]')).toHaveAttribute('data-active', '10');
    await lab.getByLabel('Scheduler').selectOption('dpmpp_2m_karras');
    await expect(lab.locator('[data-active]')).toHaveAttribute('data-active', '9');
    await axeClean(page, '.lab[data-lab="weight-types"]');
    expect(errors).toEqual([]);
  });
});

test.describe('tokenizer lab', () => {
  test('real ids, start/end/padding, weights, truncation, Chinese; the vocabulary loads with the lab', async ({ page }) => {
    const requested: string[] = [];
    page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    await page.goto('/zh/02-tokens-and-embeddings/');
    await page.waitForLoadState('load');
    expect(requested.filter((p) => /clipMerges|tokenizer-lab/.test(p))).toEqual([]);
    const { lab, errors } = await openLab(page, '/zh/02-tokens-and-embeddings/', 'tokenizer');
    const box = lab.getByLabel('提示词', { exact: true });
    await box.fill('a photo of a cat');
    const chunk = lab.locator('[data-chunk="0"] li');
    expect(await chunk.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).toEqual(['49406', '320', '1125', '539', '320', '2368', '49407', '49407']);
    await expect(lab.locator('[data-chunk="0"] li[data-kind="pad"]')).toContainText('70');
    await box.fill('a (cat:1.5)');
    await expect(lab.locator('li[data-id="2368"]')).toHaveAttribute('data-weight', '1.5');
    // keyboard: type at the end of the prompt
    await box.focus();
    await page.keyboard.press('End');
    await page.keyboard.type(' dog');
    await expect(lab.locator('p[data-count]')).toHaveAttribute('data-count', '3');
    await lab.locator('[data-example="2"]').click();
    await expect(lab.locator('[data-cjk]')).toBeVisible();
    await lab.locator('[data-example="3"]').click();
    await expect(lab.locator('[data-truncated]')).toHaveAttribute('data-truncated', 'true');
    await expect(lab.locator('[data-chunk="1"]')).toBeVisible();
    await expect(lab.locator('li.cut')).toHaveCount(1);
    await axeClean(page, '.lab[data-lab="tokenizer"]');
    expect(errors).toEqual([]);
  });
});
