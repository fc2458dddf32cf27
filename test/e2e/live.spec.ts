// The live lab (<ipa-lab-live>, lesson 1) on the built site: capability message without WebGPU,
// ComfyUI workflow import (the real example workflows: several adapters, masks, a negative image
// show up in the panel) and export round trip, the layer-weights grid both ways, mask painting by
// pointer and by keyboard, axe, and generation end to end on WebGPU (SwiftShader) with the tiny
// fixture networks given as local files: per-step preview, same seed = same pixels, two regional
// adapters with a painted mask and a noise negative, cancel. No request leaves localhost.
import { test, expect, type Page, type Locator } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture } from '../fixtures';
import { guardOrigins } from './site';
import { loadFixtureFile } from '../load-fixture';
import { pipelineConfig, tinyWeights } from '../../src/lib/pipeline/tinyFixture.testutil';

const URL_EN = '/en/01-what-is-ip-adapter/';
const URL_ZH = '/zh/01-what-is-ip-adapter/';
const WORKFLOWS = process.env.IPA_WORKFLOWS ?? join(process.cwd(), '..', 'shared', 'comfy-workflows');
const PICTURE = join(process.cwd(), 'test', 'assets', 'images', 'opaque-3x2.png');

type LabApi = { getState(): any; setState(s: unknown): void; importText(s: string): void; exportJson(): { ok: boolean; json: string } };

async function openLab(page: Page, url = URL_EN) {
  await page.goto(url);
  const lab = page.locator('ipa-lab-live');
  await lab.scrollIntoViewIfNeeded();
  await expect(lab).toHaveAttribute('data-ready', '', { timeout: 30_000 });
  // the capability check may turn the LCM fast path on (SwiftShader is a software GPU): wait for it
  await expect(lab.locator('[data-live="capability"]')).toHaveAttribute('data-verdict', /.+/, { timeout: 30_000 });
  return lab;
}

const state = (lab: Locator) => lab.evaluate((el) => (el as unknown as LabApi).getState());
const setState = (lab: Locator, s: unknown) => lab.evaluate((el, v) => (el as unknown as LabApi).setState(v), s);

/** The tiny fixture networks: the panel told how to build them; returns what picks their files. */
async function useTinyNetworks(lab: Locator, provider: 'webgpu' | 'wasm') {
  const { configs } = tinyWeights();
  const textIn = loadFixtureFile('clip_text', 'inputs.safetensors').file;
  const ids = Array.from(textIn.ints('input_ids').slice(0, 77));
  const emptyIds = Array.from(textIn.ints('uncond_input_ids'));
  await lab.evaluate((el, a) => {
    (el as unknown as { advanced: unknown }).advanced = {
      loadOptions: { provider: a.provider, floatType: 'float32', configs: a.configs, schedulerConfig: a.sched, emptyPromptIds: a.emptyIds },
      prompts: { prompt: { ids: a.ids }, negativePrompt: { ids: a.emptyIds } },
    };
  }, { provider, configs: JSON.parse(JSON.stringify(configs)), sched: pipelineConfig().scheduler_config, ids, emptyIds });
  return async () => {
    const file = (name: string, ...p: string[]) => ({ name, mimeType: 'application/octet-stream', buffer: readFileSync(fixture(...p)) });
    await lab.locator('[data-live="model-files"]').setInputFiles([
      file('unet.safetensors', 'unet', 'weights.safetensors'), file('vae.safetensors', 'vae', 'weights.safetensors'),
      file('text_encoder.safetensors', 'clip_text', 'weights.safetensors'), file('image_encoder.safetensors', 'clip_vision', 'weights.safetensors'),
      file('ip-adapter_sd15.safetensors', 'unet', 'ip-adapter_sd15.safetensors'),
    ]);
  };
}

async function axeClean(page: Page) {
  const axe = await new AxeBuilder({ page }).include('ipa-lab-live').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);
}

test('no WebGPU: a clear message and the gallery says no real renders exist', async ({ page }) => {
  const { foreign } = guardOrigins(page);
  await page.addInitScript(() => { delete (Navigator.prototype as unknown as { gpu?: unknown }).gpu; });
  const lab = await openLab(page);
  await expect(lab.locator('[data-code="no-webgpu"]')).toContainText('no WebGPU');
  await expect(lab.locator('[data-live="gallery"]')).toContainText('not been rendered');
  await expect(lab.locator('[data-live="generate"]')).toBeDisabled();
  expect((await state(lab)).scheduler).not.toBe('lcm'); // a lab that cannot run does not switch to the fast path
  expect(foreign).toEqual([]);
});

test('ComfyUI workflow import → export → import round-trips; axe clean', async ({ page }) => {
  const { foreign } = guardOrigins(page);
  const lab = await openLab(page);
  await lab.locator('[data-live="import"]').setInputFiles(join(WORKFLOWS, 'ipadapter_advanced.json'));
  await expect(lab.locator('[data-live="workflow-report"]')).toContainText('Workflow imported');
  await expect(lab.locator('[data-live="import-needs"]')).toContainText('warrior_woman.png');
  const before = await state(lab);
  expect(before.adapters[0].images[0]).toEqual({ name: 'warrior_woman.png', prep: { interpolation: 'LANCZOS', cropPosition: 'top', sharpening: 0.15 } });
  await expect(lab.locator('[data-path="adapters[0].images[0].prep.cropPosition"]')).toHaveValue('top');
  const again = await lab.evaluate((el) => {
    const e = el as unknown as LabApi;
    const r = e.exportJson();
    e.setState({ seed: 999, adapters: [] });
    e.importText(r.json);
    return e.getState();
  });
  expect(again).toEqual(before);
  await axeClean(page);
  expect(foreign).toEqual([]);
});

test('the real workflows show several adapters, masks and the negative image instead of dropping them', async ({ page }) => {
  const lab = await openLab(page);
  await lab.locator('[data-live="import"]').setInputFiles(join(WORKFLOWS, 'ipadapter_regional_conditioning.json'));
  await expect(lab.locator('[data-live="workflow-report"]')).toContainText('Workflow imported');
  await expect(lab.locator('fieldset.live-adapter')).toHaveCount(3);
  await expect(lab.locator('[data-live="mask"]').nth(0)).toContainText('mask_red_green (1).png');
  await expect(lab.locator('[data-live="mask"]').nth(0)).toContainText('MaskFromRGBCMYBW+ green');
  await expect(lab.locator('[data-live="mask"]').nth(2)).toContainText('black');
  await expect(lab.locator('[data-dropped]')).toHaveCount(0);
  await expect(lab.locator('[data-path="width"]')).toHaveValue('768');

  await lab.locator('[data-live="import"]').setInputFiles(join(WORKFLOWS, 'ipadapter_negative_image.json'));
  await expect(lab.locator('fieldset.live-adapter')).toHaveCount(1);
  await expect(lab.locator('[data-live="negative"] select')).toHaveValue('image');
  await expect(lab.locator('[data-ref-status="adapters[0].negative.image"]')).toContainText('trees.jpg');
  await expect(lab.locator('[data-dropped]')).toHaveCount(0);
  await axeClean(page);
});

test('layer weights: grid ↔ layer_weights text, the parser messages in both languages', async ({ page }) => {
  let lab = await openLab(page);
  const layers = lab.locator('[data-live="layers"]').first();
  await layers.locator('summary').click();
  const text = layers.locator('[data-live="layer-weights"]');
  await text.fill('3:1, 6:0.5');
  await text.press('Tab');
  await expect(layers.locator('[data-layer="3"]')).toHaveValue('1');
  await expect(layers.locator('[data-layer="6"]')).toHaveValue('0.5');
  await expect(layers.locator('[data-layer="0"]')).toHaveValue('0');
  await layers.locator('[data-layer="9"]').fill('2');
  await layers.locator('[data-layer="9"]').press('Tab');
  await expect(text).toHaveValue('3:1, 6:0.5, 9:2');
  expect((await state(lab)).adapters[0].layerWeights).toBe('3:1, 6:0.5, 9:2');
  await text.fill('3:1, 16:1');
  await text.press('Tab');
  await expect(layers.locator('[data-live="layer-errors"] [data-code="index-out-of-range"]')).toContainText('0–15');
  await expect(text).toHaveAttribute('aria-invalid', 'true');
  await axeClean(page);

  lab = await openLab(page, URL_ZH);
  await setState(lab, { adapters: [{ images: [{ name: 'a.png' }], layerWeights: '3:x' }] });
  await expect(lab.locator('[data-live="layer-errors"] [data-code="bad-value"]')).toContainText('不是数字');
  await expect(lab.locator('[data-live="adapters"] legend').first()).toHaveText('IP-Adapter');
  await expect(lab.locator('[data-live="layers"] summary')).toHaveText('layer_weights（IPAdapter Mad Scientist 节点）');
  await expect(lab.locator('[data-live="layers"]')).toContainText('SDXL 只有 11 个层号');
  await axeClean(page);
});

test('mask painting: keyboard rectangle, pointer brush, eraser, clear; the mask follows the output size', async ({ page }) => {
  const lab = await openLab(page);
  await setState(lab, { width: 128, height: 64 });
  await lab.locator('[data-live="mask-use"]').check();
  const name = (await state(lab)).adapters[0].attnMask.image;
  expect(name).toBe('painted-mask.png');
  const canvas = lab.locator('[data-live="mask-canvas"]');
  await expect(canvas).toHaveAttribute('aria-label', /0% painted/);
  // keyboard: the left half as a rectangle
  const rect = lab.locator('[data-live="mask"] [data-rect]');
  await rect.nth(0).fill('0'); await rect.nth(1).fill('0'); await rect.nth(2).fill('64'); await rect.nth(3).fill('64');
  await lab.locator('[data-live="mask-rect-paint"]').focus();
  await page.keyboard.press('Enter');
  await expect(canvas).toHaveAttribute('aria-label', /50% painted/);
  expect((await state(lab)).masks[name]).toBe('16x8:0.8.8.8.8.8.8.8.8.8.8.8.8.8.8.8.8');
  // pointer: a stroke across the right half
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.95, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect(canvas).not.toHaveAttribute('aria-label', /50% painted/);
  // the eraser along the same stroke takes exactly that back
  await lab.locator('[data-live="mask"] input[type="radio"][value="0"]').check();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.95, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect(canvas).toHaveAttribute('aria-label', /50% painted/);
  // a bigger output keeps the regions in place
  await setState(lab, { width: 256, height: 128 });
  expect((await state(lab)).masks[name]).toMatch(/^32x16:/);
  // the picture the exported workflow's LoadImageMask names, at the output size
  const [download] = await Promise.all([page.waitForEvent('download'), lab.locator('[data-live="mask-save"]').click()]);
  expect(download.suggestedFilename()).toBe(name);
  const png = readFileSync(await download.path());
  expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([256, 128]);
  await lab.locator('[data-live="mask-clear"]').click();
  await expect(canvas).toHaveAttribute('aria-label', /0% painted/);
  await axeClean(page);
});

test('image to image: init image and denoise in the state, VAEEncode in the exported workflow', async ({ page }) => {
  const lab = await openLab(page);
  await lab.locator('[data-live="img2img"]').check();
  expect(await state(lab)).toMatchObject({ initImage: 'init.png', denoise: 0.6 });
  await expect(lab.locator('[data-live="init-status"]')).toContainText('not loaded');
  await lab.locator('[data-live="init-image"]').setInputFiles(PICTURE);
  await expect(lab.locator('[data-live="init-status"]')).toContainText('3×2');
  await lab.locator('[data-path="denoise"]').fill('0.5');
  await lab.locator('[data-path="denoise"]').press('Tab');
  expect(await state(lab)).toMatchObject({ initImage: 'opaque-3x2.png', denoise: 0.5 });
  const json = await lab.evaluate((el) => (el as unknown as LabApi).exportJson().json);
  expect(json).toContain('VAEEncode');
  await axeClean(page);
  await lab.locator('[data-live="img2img"]').uncheck();
  expect(await state(lab)).toMatchObject({ initImage: null, denoise: 1 });
});

test('LoRA files and the LCM fast path: a listed LoRA needs its file before loading; strengths; remove', async ({ page }) => {
  const lab = await openLab(page);
  // SwiftShader is a software GPU: the fast path is on, with the LCM-LoRA listed but no file yet
  await expect(lab.locator('[data-live="fast-path"]')).toBeChecked();
  await expect(lab.locator('[data-lora="lcm-lora-sdv1-5.safetensors"]')).toContainText('file not picked yet');
  const file = (name: string, ...p: string[]) => ({ name, mimeType: 'application/octet-stream', buffer: readFileSync(fixture(...p)) });
  await lab.locator('[data-live="model-files"]').setInputFiles([
    file('unet.safetensors', 'unet', 'weights.safetensors'), file('vae.safetensors', 'vae', 'weights.safetensors'),
    file('text_encoder.safetensors', 'clip_text', 'weights.safetensors'), file('image_encoder.safetensors', 'clip_vision', 'weights.safetensors'),
    file('ip-adapter_sd15.safetensors', 'unet', 'ip-adapter_sd15.safetensors'),
  ]);
  await expect(lab.locator('[data-live="load-status"]')).toContainText('LoRA lcm-lora-sdv1-5.safetensors: pick its file');
  await expect(lab.locator('[data-live="load"]')).toBeDisabled();
  // an LCM-LoRA under its own name stands for the fast path's; another LoRA is added with strength 1
  const bytes = { mimeType: 'application/octet-stream', buffer: Buffer.from('not parsed until loading') };
  await lab.locator('[data-live="lora-files"]').setInputFiles([{ name: 'pytorch_lora_weights_lcm.safetensors', ...bytes }, { name: 'detail.safetensors', ...bytes }]);
  expect((await state(lab)).loras).toEqual([
    { name: 'pytorch_lora_weights_lcm.safetensors', strengthModel: 1, strengthClip: 1 },
    { name: 'detail.safetensors', strengthModel: 1, strengthClip: 1 },
  ]);
  await expect(lab.locator('[data-lora="pytorch_lora_weights_lcm.safetensors"]')).toContainText('file ready');
  await expect(lab.locator('[data-live="load"]')).toBeEnabled();
  await lab.locator('[data-path="loras[1].strengthModel"]').fill('0.5');
  await lab.locator('[data-path="loras[1].strengthModel"]').press('Tab');
  expect((await state(lab)).loras[1].strengthModel).toBe(0.5);
  await axeClean(page);
  await lab.locator('[data-lora="detail.safetensors"] button').click();
  await lab.locator('[data-live="fast-path"]').uncheck();
  expect(await state(lab)).toMatchObject({ loras: [], scheduler: 'dpmpp_2m_karras', steps: 20, cfg: 7 });
});

test('downloaded models: with an empty cache, a link to the downloads page and no request', async ({ page }) => {
  const { foreign } = guardOrigins(page);
  const lab = await openLab(page);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await lab.locator('[data-live="use-downloaded"]').click();
  await expect(lab.locator('[data-live="downloads-link"]')).toHaveAttribute('href', '/en/lab/downloads/');
  expect(requests.filter((u) => /safetensors|huggingface/.test(u))).toEqual([]);
  expect(foreign).toEqual([]);
});

test('tiny networks on WebGPU: preview per step, same seed = same pixels, two regional adapters with a painted mask and a noise negative, cancel', async ({ page }) => {
  test.setTimeout(900_000); // the tiny pipeline (its VAE decode above all) is slow on SwiftShader's CPU WebGPU
  const { foreign } = guardOrigins(page);
  const lab = await openLab(page);
  const pickFiles = await useTinyNetworks(lab, 'webgpu');
  // SwiftShader is a software GPU: the fast path was turned on (LCM-LoRA + lcm); these networks have no LoRA
  expect((await state(lab)).scheduler).toBe('lcm');
  await expect(lab.locator('[data-live="fast-note"]')).toContainText('software');
  await expect(lab.locator('[data-live="fast-path"]')).toBeChecked();
  await lab.locator('[data-live="fast-path"]').uncheck();
  expect((await state(lab)).loras).toEqual([]);
  await pickFiles();
  // the size first: the sessions are made for it (static shapes)
  await setState(lab, { width: 64, height: 64, steps: 2, scheduler: 'ddim', seed: 7, cfg: 7.5 });
  await expect(lab.locator('[data-live="load"]')).toBeEnabled();
  await lab.locator('[data-live="load"]').click();
  await expect(lab.locator('[data-live="load-status"]')).toContainText('Loaded on webgpu', { timeout: 90_000 });
  await lab.locator('[data-live="reference"]').first().setInputFiles(PICTURE);
  await expect(lab.locator('[data-live="ref-status"]').first()).toContainText('224×224');
  const generate = async () => {
    await lab.locator('[data-live="generate"]').click();
    await expect(lab.locator('[data-live="status"]')).toContainText('Done', { timeout: 240_000 });
    expect(await lab.locator('[data-live="preview"]').getAttribute('data-step')).toBe('2');
    return lab.locator('[data-live="result"]').evaluate((c) => Array.from((c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 64, 64).data));
  };
  const a = await generate();
  const b = await generate();
  expect(a.length).toBe(64 * 64 * 4);
  expect(b).toEqual(a);
  await expect(lab.locator('[data-history]')).toHaveCount(2);

  // two regional adapters: the second limited to a painted left half, the first with a noise negative
  await lab.locator('[data-live="adapter-add"]').click();
  await expect(lab.locator('fieldset.live-adapter')).toHaveCount(2);
  const second = lab.locator('fieldset.live-adapter').nth(1);
  await second.locator('[data-live="reference"]').setInputFiles(PICTURE);
  await expect(second.locator('[data-live="ref-status"]')).toContainText('224×224');
  await second.locator('[data-live="mask-use"]').check();
  await second.locator('[data-rect]').nth(2).fill('32');
  await second.locator('[data-live="mask-rect-paint"]').click();
  await expect(second.locator('[data-live="mask-canvas"]')).toHaveAttribute('aria-label', /50% painted/);
  const first = lab.locator('fieldset.live-adapter').nth(0);
  await first.locator('[data-live="negative"] select').selectOption('noise');
  await first.locator('[data-path="adapters[0].negative.type"]').selectOption('gaussian');
  const s = await state(lab);
  expect(s.adapters).toHaveLength(2);
  expect(s.adapters[0].negative).toMatchObject({ kind: 'noise', type: 'gaussian', image: { name: 'opaque-3x2.png' } });
  const c = await generate();
  expect(c).not.toEqual(a);
  await expect(lab.locator('[data-history]')).toHaveCount(3);

  // the result views, fed by the panel: compare lists this visit's results at full size and names what changed
  const cmp = lab.locator('[data-live="compare"]');
  await expect(cmp.locator('[data-compare="a"] option')).toHaveCount(3);
  await expect(cmp.locator('[data-compare="diff"]')).toContainText('IPAdapter');
  await expect(cmp.locator('[data-compare="view"] canvas, [data-compare="view"] img').first()).toBeVisible();
  // the seed's layer experiment, one cell (the adapter at layer 0 only), through the panel's worker
  const exp = lab.locator('[data-live="experiment"]');
  await expect(lab.locator('[data-live="experiment-not-ready"]')).toBeHidden();
  await exp.locator('[data-experiment="layers"]').fill('0');
  await exp.locator('[data-experiment="layers"]').dispatchEvent('change');
  await exp.locator('[data-experiment="weights"]').fill('1');
  await exp.locator('[data-experiment="weights"]').dispatchEvent('change');
  await exp.locator('[data-experiment="baseline"]').uncheck();
  await exp.locator('[data-experiment="all-layers"]').uncheck();
  await exp.locator('[data-experiment="run"]').click();
  await expect(lab.locator('[data-live="generate"]')).toBeDisabled();
  await expect(exp.locator('[data-experiment="status"]')).toContainText('Finished: 1 image', { timeout: 240_000 });
  await expect(lab.locator('[data-live="generate"]')).toBeEnabled();
  await expect(cmp.locator('[data-compare="a"] option')).toHaveCount(4);
  // cancel: a longer run stopped after its first step
  await setState(lab, { steps: 30 });
  await lab.locator('[data-live="generate"]').click();
  await expect(lab.locator('[data-live="cancel"]')).toBeEnabled();
  await expect(lab.locator('[data-live="status"]')).toContainText('Step', { timeout: 60_000 });
  await lab.locator('[data-live="cancel"]').click();
  await expect(lab.locator('[data-live="status"]')).toContainText('Cancelled', { timeout: 60_000 });
  await expect(lab.locator('[data-live="generate"]')).toBeEnabled();
  // attention maps: recorded in the next run (layer 0 of the tiny UNet), drawn over the result. Last: the
  // probing UNet is a new session, slow to make on SwiftShader, and later plain runs would remake the plain one.
  await expect(lab.locator('[data-live="attention-empty"]')).toBeVisible();
  await lab.locator('[data-live="attention-record"]').check();
  await lab.locator('[data-live="attention-layer"]').selectOption('0');
  await setState(lab, { steps: 2 });
  await generate();
  await expect(lab.locator('[data-live="attention-empty"]')).toBeHidden();
  await expect(lab.locator('[data-attention="layer"]')).toHaveValue('0');
  await expect(lab.locator('[data-attention="description"]')).toContainText('layer 0');
  await axeClean(page);
  expect(foreign).toEqual([]);
});

test('tiny networks on wasm: image to image with denoise, and an image as the negative, end to end through the panel', async ({ page }) => {
  test.setTimeout(300_000);
  const { foreign } = guardOrigins(page);
  const lab = await openLab(page);
  // wasm: the same worker and pipeline as WebGPU, fast enough on this CPU for a few more runs
  const pickFiles = await useTinyNetworks(lab, 'wasm');
  await lab.locator('[data-live="fast-path"]').uncheck();
  await pickFiles();
  await setState(lab, { width: 64, height: 64, steps: 4, scheduler: 'ddim', seed: 7, cfg: 7.5 });
  await lab.locator('[data-live="load"]').click();
  await expect(lab.locator('[data-live="load-status"]')).toContainText('Loaded on wasm', { timeout: 90_000 });
  await lab.locator('[data-live="reference"]').first().setInputFiles(PICTURE);
  await expect(lab.locator('[data-live="ref-status"]').first()).toContainText('224×224');
  const generate = async () => {
    await lab.locator('[data-live="generate"]').click();
    await expect(lab.locator('[data-live="status"]')).toContainText('Done', { timeout: 120_000 });
    return lab.locator('[data-live="result"]').evaluate((c) => Array.from((c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 64, 64).data));
  };
  const TRANSPARENT = join(process.cwd(), 'test', 'assets', 'images', 'transparent-2x2.png');
  const plain = await generate();

  // image to image: an init image (composited on white) encoded by the VAE, KSampler's denoise 0.6
  await lab.locator('[data-live="img2img"]').check();
  await lab.locator('[data-live="init-image"]').setInputFiles(TRANSPARENT);
  await expect(lab.locator('[data-live="init-status"]')).toContainText('2×2');
  expect(await state(lab)).toMatchObject({ denoise: 0.6, initImage: expect.any(String) });
  const i2i = await generate();
  expect(i2i).not.toEqual(plain);
  expect(await generate()).toEqual(i2i); // same seed, same init image: same pixels
  await setState(lab, { denoise: 0.3 });
  expect(await generate()).not.toEqual(i2i);
  await lab.locator('[data-live="img2img"]').uncheck();
  expect((await state(lab)).initImage).toBeNull();
  expect(await generate()).toEqual(plain); // off again: the text-to-image run comes back exactly

  // an image as the adapter's negative (IPAdapterAdvanced's image_negative)
  const first = lab.locator('fieldset.live-adapter').nth(0);
  await first.locator('[data-live="negative"] select').first().selectOption('image');
  await first.locator('[data-live="negative-image"]').setInputFiles(TRANSPARENT);
  await expect.poll(async () => (await state(lab)).adapters[0].negative).toMatchObject({ kind: 'image', image: { name: expect.any(String) } });
  expect(await generate()).not.toEqual(plain);
  await expect(lab.locator('[data-history]')).toHaveCount(6);
  expect(foreign).toEqual([]);
});
