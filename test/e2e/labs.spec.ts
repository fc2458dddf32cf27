import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { guardOrigins } from './site';

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

    const changes = await recordChanges(page);
    await lab.getByLabel('r (rank of B·A)', { exact: true }).first().focus();
    await page.keyboard.press('ArrowRight');
    await expect(params.locator('td').nth(1).locator('strong')).toHaveText('1,200');
    await expect(lab.locator('table.lab-costs')).not.toHaveClass(/lab-highlight/);
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
