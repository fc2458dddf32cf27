// The encoder-side graphs (CLIP text, CLIP vision + projection, IP-Adapter projectors) on
// onnxruntime-web's native WebGPU provider in headless Chromium: every node placed on WebGPU
// (verbose placement log) and the tiny fixtures' outputs reproduced in fp32.
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import type { Graph } from '../../src/lib/onnx/graph';
import { buildClipTextEncoder } from '../../src/lib/models/clipText';
import { buildClipVisionEncoder } from '../../src/lib/models/clipVision';
import { buildImageProj, imageProjConfigFromWeights } from '../../src/lib/models/imageProj';
import { clipTextConfigFromJson, clipVisionConfigFromJson } from '../../src/lib/models/configs';
import { Weights } from '../../src/lib/weights/weights';
import { loadFixtureFile } from '../load-fixture';
import { fixture } from '../fixtures';
import { relativeError } from '../ort';
import { serve, type TestServer } from './server';

const PAGE = `<!doctype html><meta charset="utf-8"><title>webgpu check</title>
<script type="module">
import * as ort from '/ort/ort.webgpu.min.mjs';
ort.env.wasm.wasmPaths = '/ort/';
ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'verbose';
const bytes = async (p) => new Uint8Array(await (await fetch(p)).arrayBuffer());
window.runGraph = async (model, externalPaths, feeds) => {
  const adapter = await navigator.gpu?.requestAdapter();
  if (!adapter) return { error: 'no WebGPU adapter' };
  const externalData = await Promise.all(externalPaths.map(async (path) => ({ path, data: await bytes('/files/' + path) })));
  const session = await ort.InferenceSession.create(await bytes(model), {
    executionProviders: ['webgpu'], logSeverityLevel: 0, logVerbosityLevel: 0, externalData,
  });
  const inputs = {};
  for (const [name, f] of Object.entries(feeds)) {
    inputs[name] = f.type === 'int64'
      ? new ort.Tensor('int64', BigInt64Array.from(f.data, (v) => BigInt(v)), f.shape)
      : new ort.Tensor('float32', Float32Array.from(f.data), f.shape);
  }
  const out = await session.run(inputs);
  const result = {};
  for (const [k, v] of Object.entries(out)) result[k] = Array.from(v.data);
  await session.release();
  return { adapter: adapter.info?.vendor + ' ' + adapter.info?.architecture, result };
};
window.ready = true;
</script>`;

interface Feed { type: 'int64' | 'float32'; data: number[]; shape: number[] }
interface Case { name: string; graph: Graph; files: Map<string, Uint8Array>; feeds: Record<string, Feed>; expected: Record<string, Float32Array> }

function fixtureWeights(...parts: string[]) {
  const f = loadFixtureFile(...parts);
  return { w: new Weights([f.weightFile]), files: new Map([[f.weightFile.location, f.bytes]]) };
}
const f32 = (file: ReturnType<typeof loadFixtureFile>['file'], name: string): Feed => ({ type: 'float32', data: Array.from(file.float32(name)), shape: file.info(name).shape });

function cases(): Case[] {
  const textIn = loadFixtureFile('clip_text', 'inputs.safetensors').file;
  const textOut = loadFixtureFile('clip_text', 'outputs.safetensors').file;
  const text = fixtureWeights('clip_text', 'weights.safetensors');
  const textCfg = clipTextConfigFromJson(JSON.parse(readFileSync(fixture('clip_text', 'config.json'), 'utf8')));

  const visIn = loadFixtureFile('clip_vision', 'inputs.safetensors').file;
  const visOut = loadFixtureFile('clip_vision', 'outputs.safetensors').file;
  const vis = fixtureWeights('clip_vision', 'weights.safetensors');
  const visCfg = clipVisionConfigFromJson(JSON.parse(readFileSync(fixture('clip_vision', 'config.json'), 'utf8')));

  const projIn = loadFixtureFile('ip_image_proj', 'inputs.safetensors').file;
  const projOut = loadFixtureFile('ip_image_proj', 'outputs.safetensors').file;
  const base = fixtureWeights('unet', 'ip-adapter_sd15.safetensors');
  const plus = fixtureWeights('unet', 'ip-adapter-plus_sd15.safetensors');
  return [
    {
      name: 'clip text encoder', graph: buildClipTextEncoder(textCfg, text.w, { hiddenStates: true }), files: text.files,
      feeds: { input_ids: { type: 'int64', data: textIn.ints('input_ids'), shape: textIn.info('input_ids').shape } },
      expected: Object.fromEntries(['last_hidden_state', 'hidden_states.0', 'hidden_states.1', 'hidden_states.2'].map((n) => [n, textOut.float32(n)])),
    },
    {
      name: 'clip vision encoder', graph: buildClipVisionEncoder(visCfg, vis.w), files: vis.files,
      feeds: { pixel_values: f32(visIn, 'pixel_values') },
      expected: { image_embeds: visOut.float32('image_embeds'), penultimate_hidden_states: visOut.float32('hidden_states_m2') },
    },
    {
      name: 'ImageProjModel (base)', graph: buildImageProj(imageProjConfigFromWeights(base.w.under('image_proj.')), base.w), files: base.files,
      feeds: { image_embeds: f32(projIn, 'image_embeds') }, expected: { ip_tokens: projOut.float32('base_tokens') },
    },
    {
      name: 'Resampler (plus)', graph: buildImageProj(imageProjConfigFromWeights(plus.w.under('image_proj.')), plus.w), files: plus.files,
      feeds: { image_hidden_states: f32(projIn, 'image_hidden_states') }, expected: { ip_tokens: projOut.float32('plus_tokens') },
    },
  ];
}

let server: TestServer;
const all = cases();

test.beforeAll(async () => {
  const blobs = new Map<string, Uint8Array | string>([['/', PAGE]]);
  all.forEach((c, i) => {
    blobs.set(`/model${i}.onnx`, c.graph.toBytes());
    for (const [location, bytes] of c.files) blobs.set(`/files/${location}`, bytes);
  });
  server = await serve(blobs);
});
test.afterAll(async () => { await server?.close(); });

async function runCase(page: Page, logs: string[], c: Case, i: number) {
  const from = logs.length;
  const r = await page.evaluate(
    ([model, paths, feeds]) => (window as unknown as { runGraph: (...a: unknown[]) => Promise<{ error?: string; adapter?: string; result: Record<string, number[]> }> }).runGraph(model, paths, feeds),
    [`/model${i}.onnx`, [...c.graph.locations], c.feeds] as const,
  );
  return { ...r, logs: logs.slice(from) };
}

test('encoders and projectors: every node on WebGPU, fixture outputs reproduced (fp32)', async ({ page }) => {
  test.setTimeout(300_000);
  const logs: string[] = [];
  page.on('console', (m) => logs.push(m.text()));
  await page.goto(server.url + '/');
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  for (const [i, c] of all.entries()) {
    const r = await runCase(page, logs, c, i);
    expect(r.error, c.name).toBeUndefined();
    const placement = r.logs.filter((l) => /placed on \[/.test(l)).map((l) => l.replace(/^.*VerifyEachNodeIsAssignedToAnEp\]\s*/, ''));
    console.log(`${c.name} on ${r.adapter}: ${placement.join(' | ')}`);
    expect(placement.some((l) => /All nodes placed on \[WebGpuExecutionProvider\]/.test(l)), c.name).toBe(true);
    expect(placement.some((l) => /\[CPUExecutionProvider\]/.test(l)), c.name).toBe(false);
    for (const [name, ref] of Object.entries(c.expected)) {
      const err = relativeError(r.result[name], ref);
      console.log(`  webgpu ${c.name} ${name}: max rel err ${err.toExponential(2)}`);
      expect(err, `${c.name} ${name}`).toBeLessThan(1e-4);
    }
  }
});
