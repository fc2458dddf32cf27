// The generation worker on onnxruntime-web's native WebGPU provider (SwiftShader here), with the
// tiny fixture networks given as Blobs, as OPFS gives them:
// - static shapes: every node of every session — those made at load and those the worker makes
//   later for a new image size and for image-to-image — is placed on WebGpuExecutionProvider
//   (ORT's verbose placement log), and the fixture image comes out;
// - device loss: a test hook destroys the GPUDevice mid-run; the run ends with 'device-lost',
//   then a new load (PipelineClient starts a fresh worker) and a new generation succeed, all
//   without reloading the page.
// Run: npx playwright test -c test/e2e-webgpu pipeline
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { fixture } from '../fixtures';
import { loadFixtureFile } from '../load-fixture';
import { relativeError } from '../ort';
import { pipelineConfig, tinyWeights } from '../../src/lib/pipeline/tinyFixture.testutil';
import { serve, type TestServer } from './server';

const PAGE = `<!doctype html><meta charset="utf-8"><title>pipeline worker on webgpu</title>
<script type="module">
import { PipelineClient } from '/client.js';
const blob = async (p) => (await fetch('/files/' + p)).blob();
let worker;
const client = new PipelineClient(() => (worker = new Worker('/worker.js', { type: 'module' })));
window.loseDevice = () => worker.postMessage({ type: '__lose-device', id: -1 });
const err = (e) => ({ code: e.code, message: e.message });
window.load = async (options) => {
  const files = {
    unet: { name: 'unet.safetensors', data: await blob('unet/weights.safetensors') },
    vae: { name: 'vae.safetensors', data: await blob('vae/weights.safetensors') },
    textEncoder: { name: 'text.safetensors', data: await blob('clip_text/weights.safetensors') },
    imageEncoder: { name: 'image_encoder.safetensors', data: await blob('clip_vision/weights.safetensors') },
    adapters: [{ name: 'ip-adapter_sd15.safetensors', data: await blob('unet/ip-adapter_sd15.safetensors') }],
  };
  try { return { info: await client.load(files, options), workers: client.workersStarted }; } catch (e) { return { error: err(e) }; }
};
window.generate = async (s, loseAtStep) => {
  const steps = [];
  const settings = {
    ...s, prompt: { ids: s.ids }, negativePrompt: { ids: s.emptyIds },
    initialNoise: s.latents ? Float32Array.from(s.latents) : undefined,
    img2img: s.init ? { image: { data: Float32Array.from(s.init), width: 64, height: 64 }, strength: 0.5 } : undefined,
    adapters: [{ images: [{ data: Float32Array.from(s.image), size: 32 }], weight: s.weight }],
  };
  try {
    const r = await client.generate(settings, { onProgress: (p) => { steps.push(p.step); if (p.step === loseAtStep) window.loseDevice(); } });
    return { steps, width: r.width, height: r.height, images: Array.from(r.images) };
  } catch (e) {
    return { steps, error: err(e) };
  }
};
window.ready = true;
</script>`;

const textIn = loadFixtureFile('clip_text', 'inputs.safetensors').file;
const px = loadFixtureFile('clip_vision', 'inputs.safetensors').file.float32('pixel_values');
const pipeIn = loadFixtureFile('pipeline_sd15', 'inputs.safetensors').file;
const pipeOut = loadFixtureFile('pipeline_sd15', 'outputs.safetensors').file;
const vaeIn = loadFixtureFile('vae', 'inputs.safetensors').file;
const cfg = pipelineConfig();
const settings = {
  ids: textIn.ints('input_ids').slice(0, 77), emptyIds: textIn.ints('uncond_input_ids'), image: Array.from(px.slice(0, 3072)),
  latents: Array.from(pipeIn.float32('latents')) as number[] | undefined, weight: cfg.ip_adapter_scale,
  width: 64, height: 64, steps: cfg.num_inference_steps, guidance: cfg.guidance_scale, scheduler: 'ddim', seed: 0,
};
const loadOptions = {
  provider: 'webgpu', floatType: 'float32', configs: tinyWeights().configs, schedulerConfig: cfg.scheduler_config,
  emptyPromptIds: settings.emptyIds, verbose: true, shape: { width: 64, height: 64 },
};

let server: TestServer;
test.beforeAll(async () => {
  const bundle = async (entry: string) => (await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'error' })).outputFiles[0].text;
  const blobs = new Map<string, Uint8Array | string>([
    ['/', PAGE],
    ['/worker.js', await bundle('test/e2e-webgpu/deviceLossHook.worker.ts')],
    ['/client.js', await bundle('src/lib/pipeline/client.ts')],
  ]);
  for (const p of ['unet/weights.safetensors', 'vae/weights.safetensors', 'clip_text/weights.safetensors', 'clip_vision/weights.safetensors', 'unet/ip-adapter_sd15.safetensors']) {
    blobs.set(`/files/${p}`, new Uint8Array(readFileSync(fixture(...p.split('/')))));
  }
  server = await serve(blobs);
});
test.afterAll(async () => { await server?.close(); });

type Win = {
  load(o: unknown): Promise<{ info?: { provider: string; shape: unknown }; workers?: number; error?: { code: string; message: string } }>;
  generate(s: unknown, loseAt?: number): Promise<{ steps: number[]; width?: number; height?: number; images?: number[]; error?: { code: string; message: string } }>;
};

async function open(page: Page): Promise<string[]> {
  const logs: string[] = [];
  page.on('console', (m) => {
    logs.push(m.text());
    if (/placed on|error|lost/i.test(m.text()) && m.text().length < 400) console.log(`  [page] ${m.text().replace(/^.*VerifyEachNodeIsAssignedToAnEp\]\s*/, '')}`);
  });
  page.on('pageerror', (e) => console.log(`  [pageerror] ${e.message}`));
  await page.goto(server.url + '/');
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  return logs;
}

/** One line per session from ORT's verbose log (duplicate console lines removed). */
const placements = (logs: string[]) => logs
  .filter((l, i) => l !== logs[i - 1] && /VerifyEachNodeIsAssignedToAnEp\]\s+(All nodes|Node\(s\)) placed on/.test(l))
  .map((l) => l.replace(/^.*VerifyEachNodeIsAssignedToAnEp\]\s*/, ''));

// One test, so that SwiftShader makes as few sessions as possible (each costs tens of seconds of CPU):
// static shapes at load, a real device loss mid-run, recovery in the same page, and a session made
// later (the VAE encoder for image-to-image) — all on WebGPU. Size changes are tested on wasm (host tests).
test('static shapes on WebGPU; device lost mid-run → device-lost, then load and image-to-image work again without reloading the page', async ({ page }) => {
  test.setTimeout(900_000);
  const t0 = Date.now();
  const mark = (what: string) => console.log(`${((Date.now() - t0) / 1000).toFixed(0)} s: ${what}`);
  const logs = await open(page);
  const loaded = await page.evaluate((o) => (window as unknown as Win).load(o), loadOptions);
  expect(loaded.error).toBeUndefined();
  expect(loaded.workers).toBe(1);
  expect(loaded.info).toMatchObject({ provider: 'webgpu', shape: { width: 64, height: 64, batchSize: 1, unetBatch: 2 } });
  mark('loaded');
  const atLoad = placements(logs);
  console.log(`at load: ${atLoad.join(' | ')}`);
  expect(atLoad).toHaveLength(5); // text, image encoder, projector, UNet, VAE decoder (no VAE encoder yet)

  const r = await page.evaluate((s) => (window as unknown as Win).generate(s), settings);
  mark('generated 64×64');
  expect(r.error).toBeUndefined();
  const err = relativeError(r.images!, pipeOut.float32('image'));
  console.log(`fixture image on WebGPU with static shapes: max rel err ${err.toExponential(2)}`);
  expect(err).toBeLessThan(1e-3);

  const lost = await page.evaluate((s) => (window as unknown as Win).generate(s, 2), { ...settings, latents: undefined, steps: 30 });
  console.log(`device destroyed at step 2: ${lost.error?.code}: ${lost.error?.message} (steps ${lost.steps.join(', ')})`);
  expect(lost.error?.code).toBe('device-lost');
  expect(lost.steps.length).toBeLessThan(30);
  mark('device lost');

  const again = await page.evaluate((o) => (window as unknown as Win).load(o), loadOptions);
  expect(again.error).toBeUndefined();
  expect(again.workers).toBe(2); // a fresh worker, a fresh GPUDevice
  mark('loaded again');
  // image-to-image: the VAE encoder session is made now, on the new device
  const i2i = await page.evaluate((s) => (window as unknown as Win).generate(s), { ...settings, latents: undefined, init: Array.from(vaeIn.float32('image').map((v) => (v + 1) / 2)) });
  expect(i2i.error).toBeUndefined();
  expect(i2i.steps).toEqual([1, 2]);
  mark('image-to-image');

  const all = placements(logs);
  console.log(`later: ${all.slice(atLoad.length).join(' | ')}`);
  expect(all.length).toBe(5 + 5 + 1); // the second load's five, then the VAE encoder
  for (const line of all) expect(line).toMatch(/^All nodes placed on \[WebGpuExecutionProvider\]\. Number of nodes: \d+/);
});
