// The encoder-side graphs (CLIP text, CLIP vision + projection, IP-Adapter projectors) on
// onnxruntime-web's native WebGPU provider in headless Chromium: every node placed on WebGPU
// (verbose placement log) and the tiny fixtures' outputs reproduced in fp32.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { buildClipTextEncoder } from '../../src/lib/models/clipText';
import { buildClipVisionEncoder } from '../../src/lib/models/clipVision';
import { buildImageProj, imageProjConfigFromWeights } from '../../src/lib/models/imageProj';
import { clipTextConfigFromJson, clipVisionConfigFromJson } from '../../src/lib/models/configs';
import { Weights } from '../../src/lib/weights/weights';
import { loadFixtureFile } from '../load-fixture';
import { fixture } from '../fixtures';
import { relativeError } from '../ort';
import type { TestServer } from './server';
import { openHarness, runCase, serveCases, type Feed, type GraphCase as Case } from './harness';




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

test.beforeAll(async () => { server = await serveCases(all); });
test.afterAll(async () => { await server?.close(); });

test('encoders and projectors: every node on WebGPU, fixture outputs reproduced (fp32)', async ({ page }) => {
  test.setTimeout(300_000);
  const logs = await openHarness(page, server.url);
  for (const [i, c] of all.entries()) {
    const r = await runCase(page, logs, c, i);
    expect(r.error, c.name).toBeUndefined();
    const placement = r.placement;
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
