// The UNet with decoupled cross-attention and the VAE on onnxruntime-web's native WebGPU
// provider: every node on WebGPU and the tiny fixtures reproduced in fp32. The sessions get
// static shapes (freeDimensionOverrides), as the pipeline's do; with them onnxruntime folds
// the Shape nodes of GroupNorm and the token reshapes, which would otherwise run on the CPU.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { buildUnet, unetCrossAttentionLayers, unetMaskLevels, type UnetConfig } from '../../src/lib/models/unet';
import { buildVaeDecoder } from '../../src/lib/models/vae';
import { unetTimeProj } from '../../src/lib/models/timestep';
import { Weights } from '../../src/lib/weights/weights';
import { loadFixtureFile } from '../load-fixture';
import { fixture } from '../fixtures';
import { relativeError } from '../ort';
import type { TestServer } from './server';
import { openHarness, runCase, serveCases, type Feed, type GraphCase } from './harness';

const config = JSON.parse(readFileSync(fixture('unet', 'config.json'), 'utf8')) as UnetConfig;
const unetFile = loadFixtureFile('unet', 'weights.safetensors');
const baseFile = loadFixtureFile('unet', 'ip-adapter_sd15.safetensors');
const inputs = loadFixtureFile('unet', 'inputs.safetensors').file;
const outputs = loadFixtureFile('unet', 'outputs.safetensors').file;
const vaeFile = loadFixtureFile('vae', 'weights.safetensors');
const vaeIn = loadFixtureFile('vae', 'inputs.safetensors').file;
const vaeOut = loadFixtureFile('vae', 'outputs.safetensors').file;
const vaeConfig = JSON.parse(readFileSync(fixture('vae', 'config.json'), 'utf8'));

const L = unetCrossAttentionLayers(config).length;
const levels = unetMaskLevels(config);
const f32 = (data: ArrayLike<number>, shape: number[]): Feed => ({ type: 'float32', data: Array.from(data), shape });
const t = inputs.ints('timestep')[0];

function unetCase(name: string, scale: number, mask: boolean, expected: string): GraphCase {
  const graph = buildUnet(config, new Weights([unetFile.weightFile]), { adapters: [{ weights: new Weights([baseFile.weightFile]), mask }] });
  const feeds: Record<string, Feed> = {
    sample: f32(inputs.float32('sample'), [2, 4, 8, 8]),
    time_proj: f32(unetTimeProj([t, t], config), [2, config.block_out_channels[0]]),
    encoder_hidden_states: f32(inputs.float32('encoder_hidden_states'), [2, 77, 32]),
    ip_tokens_0: f32(outputs.float32('ip_tokens_base'), [2, 4, 32]),
    ip_scale_0: f32(new Array(L).fill(scale), [L]),
  };
  const overrides: Record<string, number> = { batch: 2, height: 8, width: 8, text_tokens: 77, ip_tokens_0: 4 };
  if (mask) {
    const down = [outputs.float32('mask_downsampled_8x8'), outputs.float32('mask_downsampled_4x4')];
    for (const l of levels) {
      const tokens = (8 >> l) * (8 >> l);
      feeds[`ip_mask_0_${l}`] = down[l] ? f32(down[l], [2, tokens]) : f32(new Array(tokens).fill(1), [2, tokens]);
      overrides[`tokens_level_${l}`] = tokens;
    }
    overrides.ip_mask_batch_0 = 2;
  }
  return {
    name, graph, files: new Map([unetFile, baseFile].map((f) => [f.weightFile.location, f.bytes])),
    feeds, expected: { out_sample: outputs.float32(expected) }, options: { freeDimensionOverrides: overrides },
  };
}

const cases: GraphCase[] = [
  unetCase('UNet + base adapter, scale 1', 1, false, 'out_ip_scale1'),
  unetCase('UNet + base adapter, scale 1, mask', 1, true, 'out_ip_mask_scale1'),
  {
    name: 'VAE decoder', graph: buildVaeDecoder(vaeConfig, new Weights([vaeFile.weightFile])),
    files: new Map([[vaeFile.weightFile.location, vaeFile.bytes]]),
    feeds: { latents: f32(vaeIn.float32('latents'), [1, 4, 8, 8]) },
    expected: { decoded: vaeOut.float32('decoded') },
    options: { freeDimensionOverrides: { batch: 1, latent_height: 8, latent_width: 8 } },
  },
];

let server: TestServer;
test.beforeAll(async () => { server = await serveCases(cases); });
test.afterAll(async () => { await server?.close(); });

test('UNet (decoupled attention, mask) and VAE: every node on WebGPU, fixture outputs reproduced (fp32)', async ({ page }) => {
  test.setTimeout(300_000);
  const logs = await openHarness(page, server.url);
  for (const [i, c] of cases.entries()) {
    const r = await runCase(page, logs, c, i);
    expect(r.error, c.name).toBeUndefined();
    console.log(`${c.name} on ${r.adapter}: ${r.placement.join(' | ')}`);
    expect(r.placement.some((l) => /All nodes placed on \[WebGpuExecutionProvider\]/.test(l)), `${c.name}: ${r.placement.join(' | ')}`).toBe(true);
    for (const [name, ref] of Object.entries(c.expected)) {
      const err = relativeError(r.result[name], ref);
      console.log(`  webgpu ${c.name} ${name}: max rel err ${err.toExponential(2)}`);
      expect(err, `${c.name} ${name}`).toBeLessThan(1e-4);
    }
  }
});
