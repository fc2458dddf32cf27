// The generation worker in Chromium on onnxruntime-web's native WebGPU provider (SwiftShader on
// CPU-only machines: fp32 only), with the tiny fixture networks: the whole pipeline (text and
// image encoders, projector, UNet with IP-Adapter, VAE) loads from bytes, generates the
// pipeline_sd15 fixture's image, matches the wasm result in Node, cancels within a step and
// releases its sessions; the verbose ORT log says where every node ran.
//
// The page and the worker bundle are served by a Playwright route on the preview server's origin
// (nothing is added to the site); the worker fetches onnxruntime-web's wasm from the site's own
// /ort/ (scripts/copy-ort.mjs, part of `npm run build`).
import { test, expect, type Page } from '@playwright/test';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import * as ort from 'onnxruntime-web';
import { fixture } from '../fixtures';
import { loadFixtureFile } from '../load-fixture';
import { relativeError } from '../ort';
import { generate } from '../../src/lib/pipeline/generate';
import { fixtureSettings, pipelineConfig, tinyPipeline, tinyWeights } from '../../src/lib/pipeline/tinyFixture.testutil';

ort.env.wasm.numThreads = 1;
const PREFIX = '/__pipeline_test';
const ORT_DIST = join(process.cwd(), 'node_modules', 'onnxruntime-web', 'dist');

const PAGE = `<!doctype html><meta charset="utf-8"><title>pipeline worker check</title>
<script type="module">
import { PipelineClient } from '${PREFIX}/client.js';
const bytes = async (p) => new Uint8Array(await (await fetch('${PREFIX}/files/' + p)).arrayBuffer());
let client;
window.pipelineLoad = async (options) => {
  client = new PipelineClient(new Worker('${PREFIX}/worker.js', { type: 'module' }));
  const files = {
    unet: { name: 'unet.safetensors', data: await bytes('unet/weights.safetensors') },
    vae: { name: 'vae.safetensors', data: await bytes('vae/weights.safetensors') },
    textEncoder: { name: 'text.safetensors', data: await bytes('clip_text/weights.safetensors') },
    imageEncoder: { name: 'image_encoder.safetensors', data: await bytes('clip_vision/weights.safetensors') },
    adapters: [{ name: 'ip-adapter_sd15.safetensors', data: await bytes('unet/ip-adapter_sd15.safetensors') }],
  };
  try { return { info: await client.load(files, options) }; } catch (e) { return { error: { code: e.code, message: e.message } }; }
};
const settingsFrom = (s) => ({
  ...s,
  prompt: { ids: s.ids }, negativePrompt: { ids: s.emptyIds },
  initialNoise: s.latents ? Float32Array.from(s.latents) : undefined,
  adapters: [{ images: [{ data: Float32Array.from(s.image), size: 32 }], weight: s.weight }],
});
window.pipelineGenerate = async (s, cancelAtStep) => {
  const steps = [];
  let cancel;
  const t0 = performance.now();
  try {
    const r = await client.generate(settingsFrom(s), { onProgress: (p) => {
      steps.push({ step: p.step, preview: [p.previews[0].width, p.previews[0].height, p.previews[0].rgba.length] });
      if (p.step === cancelAtStep) cancel = client.cancel({ release: true });
    } });
    return { steps, ms: performance.now() - t0, images: Array.from(r.images), latents: Array.from(r.latents) };
  } catch (e) {
    return { steps, error: { code: e.code, message: e.message }, cancelled: cancel && await cancel, status: await client.status() };
  }
};
window.ready = true;
</script>`;

let workerJs = '';
let clientJs = '';
test.beforeAll(async () => {
  const bundle = async (entry: string) => (await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'error' })).outputFiles[0].text;
  [workerJs, clientJs] = await Promise.all([bundle('src/workers/generate.worker.ts'), bundle('src/lib/pipeline/client.ts')]);
});

async function openPage(page: Page, logs: string[]) {
  const ortFromSite = { served: 0, fallback: 0 };
  await page.context().route(`**${PREFIX}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname.slice(PREFIX.length);
    if (path === '/' || path === '') return route.fulfill({ contentType: 'text/html', body: PAGE });
    if (path === '/worker.js') return route.fulfill({ contentType: 'text/javascript', body: workerJs });
    if (path === '/client.js') return route.fulfill({ contentType: 'text/javascript', body: clientJs });
    if (path.startsWith('/files/')) return route.fulfill({ contentType: 'application/octet-stream', body: readFileSync(fixture(...path.slice(7).split('/'))) });
    return route.fulfill({ status: 404 });
  });
  // /ort/ comes from the site (npm run build copies it); when someone built with plain `astro build`,
  // fall back to node_modules so this test still checks the pipeline (the site check below fails then).
  await page.context().route('**/ort/*', async (route) => {
    const res = await route.fetch().catch(() => null);
    if (res && res.ok()) { ortFromSite.served++; return route.fulfill({ response: res }); }
    const file = join(ORT_DIST, new URL(route.request().url()).pathname.split('/').pop()!);
    if (!existsSync(file)) return route.fulfill({ status: 404 });
    ortFromSite.fallback++;
    return route.fulfill({ body: readFileSync(file), contentType: file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript' });
  });
  // (Playwright reports the worker's console messages on the page)
  page.on('console', (m) => logs.push(m.text()));
  await page.goto(`${PREFIX}/`);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  return ortFromSite;
}

interface Placement { webgpu: number; cpu: { type: string; name: string }[] }

/** The verbose log's placement report, one entry per session (duplicate console lines removed). */
function placementBySession(logs: string[]): Placement[] {
  const lines = logs.filter((l, i) => l !== logs[i - 1]).map((l) => l.replace(/^.*VerifyEachNodeIsAssignedToAnEp\]\s*/, ''));
  const out: Placement[] = [];
  let cur: Placement | null = null;
  let inCpu = false;
  for (const l of lines) {
    let m: RegExpExecArray | null;
    if ((m = /^All nodes placed on \[WebGpuExecutionProvider\]\. Number of nodes: (\d+)/.exec(l))) { out.push({ webgpu: Number(m[1]), cpu: [] }); cur = null; inCpu = false; }
    else if ((m = /^Node\(s\) placed on \[CPUExecutionProvider\]\. Number of nodes: (\d+)/.exec(l))) { cur = { webgpu: 0, cpu: [] }; out.push(cur); inCpu = true; }
    else if ((m = /^Node\(s\) placed on \[WebGpuExecutionProvider\]\. Number of nodes: (\d+)/.exec(l)) && cur) { cur.webgpu = Number(m[1]); inCpu = false; }
    else if (inCpu && cur && (m = /^\s*(\w+) \((.*)\)\s*$/.exec(l))) cur.cpu.push({ type: m[1], name: m[2] });
  }
  return out;
}
const summarise = (nodes: { type: string }[]) => Object.entries(nodes.reduce<Record<string, number>>((a, n) => ({ ...a, [n.type]: (a[n.type] ?? 0) + 1 }), {})).map(([t, k]) => `${t} ×${k}`).join(', ');

const textIn = loadFixtureFile('clip_text', 'inputs.safetensors').file;
const px = loadFixtureFile('clip_vision', 'inputs.safetensors').file.float32('pixel_values');
const pipeIn = loadFixtureFile('pipeline_sd15', 'inputs.safetensors').file;
const pipeOut = loadFixtureFile('pipeline_sd15', 'outputs.safetensors').file;
const cfg = pipelineConfig();
const plainSettings = {
  ids: textIn.ints('input_ids').slice(0, 77), emptyIds: textIn.ints('uncond_input_ids'), image: Array.from(px.slice(0, 3072)),
  latents: Array.from(pipeIn.float32('latents')), weight: cfg.ip_adapter_scale,
  width: 64, height: 64, steps: cfg.num_inference_steps, guidance: cfg.guidance_scale, scheduler: 'ddim', seed: 0,
};

test('the built site serves onnxruntime-web’s wasm from /ort/ (same origin, no CDN)', async ({ request }) => {
  const res = await request.get('/ort/ort-wasm-simd-threaded.asyncify.wasm');
  expect(res.status(), 'run `npm run build` (it runs scripts/copy-ort.mjs)').toBe(200);
  expect((await res.body()).byteLength).toBeGreaterThan(1e6);
});

test('pipeline worker on WebGPU: fixture image, = wasm result, every node on WebGPU, cancel releases', async ({ page }) => {
  test.setTimeout(600_000);
  const logs: string[] = [];
  const foreign: string[] = [];
  page.on('request', (r) => { const u = new URL(r.url()); if (!['127.0.0.1', 'localhost'].includes(u.hostname) && !['data:', 'blob:'].includes(u.protocol)) foreign.push(r.url()); });
  const ortServed = await openPage(page, logs);
  const { configs } = tinyWeights();
  const loadOptions = { provider: 'webgpu', floatType: 'float32', configs, schedulerConfig: cfg.scheduler_config, emptyPromptIds: plainSettings.emptyIds, verbose: true, shape: { width: 64, height: 64 } };
  const loaded = await page.evaluate((o) => (window as unknown as { pipelineLoad(o: unknown): Promise<{ info?: { provider: string; device?: string }; error?: unknown }> }).pipelineLoad(o), loadOptions);
  expect(loaded.error).toBeUndefined();
  expect(loaded.info!.provider).toBe('webgpu');
  console.log(`loaded on ${loaded.info!.provider} (${loaded.info!.device ?? 'unknown adapter'}); ort wasm from the site: ${ortServed.served}, fallback: ${ortServed.fallback}`);

  const sessions = placementBySession(logs);
  // no VAE encoder: it is made on the first image-to-image generation
  const stages = ['text encoder', 'image encoder', 'projector 0', 'unet', 'vae decoder'];
  expect(sessions).toHaveLength(stages.length);
  sessions.forEach((s, i) => console.log(`${stages[i]}: ${s.webgpu} nodes on WebGPU, ${s.cpu.length} on CPU${s.cpu.length ? ` (${summarise(s.cpu)})` : ''}`));
  // With static shapes (load option `shape`) onnxruntime folds the int64 shape arithmetic it would
  // otherwise place on the CPU provider: every node of every session runs on WebGPU.
  for (const [i, s] of sessions.entries()) expect(s.cpu, stages[i]).toEqual([]);

  const r = await page.evaluate((s) => (window as unknown as { pipelineGenerate(s: unknown): Promise<{ steps: { step: number; preview: number[] }[]; ms: number; images: number[]; latents: number[]; error?: unknown }> }).pipelineGenerate(s), plainSettings);
  expect(r.error).toBeUndefined();
  expect(r.steps.map((s) => s.step)).toEqual([1, 2, 3, 4]);
  expect(r.steps[0].preview).toEqual([8, 8, 256]);
  const t = await tinyPipeline(ort);
  const wasm = await generate(t.runners, t.info, fixtureSettings(t));
  const vsWasm = relativeError(r.images, wasm.images);
  const vsFixture = relativeError(r.images, pipeOut.float32('image'));
  const latents = relativeError(r.latents, pipeOut.float32('final_latents'));
  console.log(`webgpu generate ${r.ms.toFixed(0)} ms; image vs wasm ${vsWasm.toExponential(2)}, vs diffusers ${vsFixture.toExponential(2)}; final latents vs diffusers ${latents.toExponential(2)}`);
  expect(vsWasm).toBeLessThan(1e-4);
  expect(vsFixture).toBeLessThan(1e-3);

  const c = await page.evaluate((s) => (window as unknown as { pipelineGenerate(s: unknown, at: number): Promise<{ steps: { step: number }[]; error?: { code: string; message: string }; cancelled?: { atStep: number; released: boolean }; status: { loaded: unknown } }> }).pipelineGenerate(s, 2), { ...plainSettings, latents: undefined, steps: 30 });
  console.log(`cancel: ${c.error?.message} after steps ${c.steps.map((s) => s.step).join(', ')}`);
  expect(c.error?.code).toBe('cancelled');
  expect(c.steps.length).toBeLessThanOrEqual(3);
  expect(c.cancelled).toMatchObject({ released: true });
  expect(c.status.loaded).toBeNull();
  expect(foreign).toEqual([]);
});
