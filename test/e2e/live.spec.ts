// The live lab (<ipa-lab-live>, lesson 1) on the built site: capability message without WebGPU,
// ComfyUI workflow import/export round trip, axe, and generation end to end on WebGPU
// (SwiftShader) with the tiny fixture networks given as local files: per-step preview, same seed
// = same pixels, cancel. No request leaves localhost.
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture } from '../fixtures';
import { guardOrigins } from './site';
import { loadFixtureFile } from '../load-fixture';
import { pipelineConfig, tinyWeights } from '../../src/lib/pipeline/tinyFixture.testutil';

const URL_EN = '/en/01-what-is-ip-adapter/';
const WORKFLOWS = process.env.IPA_WORKFLOWS ?? join(process.cwd(), '..', 'shared', 'comfy-workflows');

async function openLab(page: Page) {
  await page.goto(URL_EN);
  const lab = page.locator('ipa-lab-live');
  await lab.scrollIntoViewIfNeeded();
  await expect(lab).toHaveAttribute('data-ready', '', { timeout: 30_000 });
  return lab;
}

test('no WebGPU: a clear message and the gallery says no real renders exist', async ({ page }) => {
  const { foreign } = guardOrigins(page);
  await page.addInitScript(() => { delete (Navigator.prototype as unknown as { gpu?: unknown }).gpu; });
  const lab = await openLab(page);
  await expect(lab.locator('[data-code="no-webgpu"]')).toContainText('no WebGPU');
  await expect(lab.locator('[data-live="gallery"]')).toContainText('not been rendered');
  await expect(lab.locator('[data-live="generate"]')).toBeDisabled();
  expect(foreign).toEqual([]);
});

test('ComfyUI workflow import lists what it dropped; export → import round-trips; axe clean', async ({ page }) => {
  const { foreign } = guardOrigins(page);
  const lab = await openLab(page);
  await lab.locator('[data-live="import"]').setInputFiles(join(WORKFLOWS, 'ipadapter_advanced.json'));
  await expect(lab.locator('[data-live="workflow-report"]')).toContainText('Workflow imported');
  const state = await lab.evaluate((el) => (el as unknown as { getState(): unknown }).getState());
  const again = await lab.evaluate((el) => {
    const e = el as unknown as { exportJson(): { ok: boolean; json: string }; importText(s: string): void; getState(): unknown; setState(s: unknown): void };
    const r = e.exportJson();
    e.setState({ seed: 999, weight: 0.1 });
    e.importText(r.json);
    return e.getState();
  });
  expect(again).toEqual(state);
  const axe = await new AxeBuilder({ page }).include('ipa-lab-live').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);
  expect(foreign).toEqual([]);
});

test('tiny networks on WebGPU: preview per step, same seed = same pixels, cancel', async ({ page }) => {
  test.setTimeout(600_000); // the tiny pipeline (its VAE decode above all) is slow on SwiftShader's CPU WebGPU
  const { foreign } = guardOrigins(page);
  const lab = await openLab(page);
  const { configs } = tinyWeights();
  const textIn = loadFixtureFile('clip_text', 'inputs.safetensors').file;
  const ids = Array.from(textIn.ints('input_ids').slice(0, 77));
  const emptyIds = Array.from(textIn.ints('uncond_input_ids'));
  await lab.evaluate((el, a) => {
    (el as unknown as { advanced: unknown }).advanced = {
      loadOptions: { provider: 'webgpu', floatType: 'float32', configs: a.configs, schedulerConfig: a.sched, emptyPromptIds: a.emptyIds },
      prompts: { prompt: { ids: a.ids }, negativePrompt: { ids: a.emptyIds } },
    };
  }, { configs: JSON.parse(JSON.stringify(configs)), sched: pipelineConfig().scheduler_config, ids, emptyIds });
  const file = (name: string, ...p: string[]) => ({ name, mimeType: 'application/octet-stream', buffer: readFileSync(fixture(...p)) });
  await lab.locator('[data-live="model-files"]').setInputFiles([
    file('unet.safetensors', 'unet', 'weights.safetensors'), file('vae.safetensors', 'vae', 'weights.safetensors'),
    file('text_encoder.safetensors', 'clip_text', 'weights.safetensors'), file('image_encoder.safetensors', 'clip_vision', 'weights.safetensors'),
    file('ip-adapter_sd15.safetensors', 'unet', 'ip-adapter_sd15.safetensors'),
  ]);
  await expect(lab.locator('[data-live="load"]')).toBeEnabled();
  await lab.locator('[data-live="load"]').click();
  await expect(lab.locator('[data-live="load-status"]')).toContainText('Loaded on webgpu', { timeout: 90_000 });
  await lab.locator('[data-live="reference"]').setInputFiles(join(process.cwd(), 'test', 'assets', 'images', 'opaque-3x2.png'));
  await expect(lab.locator('[data-live="ref-status"]')).toContainText('224×224');
  await lab.evaluate((el) => (el as unknown as { setState(s: unknown): void }).setState({ width: 64, height: 64, steps: 2, scheduler: 'ddim', seed: 7, cfg: 7.5 }));
  const pixels = async () => {
    await lab.locator('[data-live="generate"]').click();
    await expect(lab.locator('[data-live="status"]')).toContainText('Done', { timeout: 240_000 });
    expect(await lab.locator('[data-live="preview"]').getAttribute('data-step')).toBe('2');
    return lab.locator('[data-live="result"]').evaluate((c) => Array.from((c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 64, 64).data));
  };
  const a = await pixels();
  const b = await pixels();
  expect(a.length).toBe(64 * 64 * 4);
  expect(b).toEqual(a);
  await expect(lab.locator('[data-history]')).toHaveCount(2);
  // cancel: a longer run stopped after its first step
  await lab.evaluate((el) => (el as unknown as { setState(s: unknown): void }).setState({ steps: 30 }));
  await lab.locator('[data-live="generate"]').click();
  await expect(lab.locator('[data-live="cancel"]')).toBeEnabled();
  await expect(lab.locator('[data-live="status"]')).toContainText('Step', { timeout: 30_000 });
  await lab.locator('[data-live="cancel"]').click();
  await expect(lab.locator('[data-live="status"]')).toContainText('Cancelled', { timeout: 30_000 });
  await expect(lab.locator('[data-live="generate"]')).toBeEnabled();
  expect(foreign).toEqual([]);
});
