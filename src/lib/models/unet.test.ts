import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import type * as Ort from 'onnxruntime-web';
import { ort, relativeError } from '../../../test/ort';
import { loadFixtureFile } from '../../../test/load-fixture';
import { fixture } from '../../../test/fixtures';
import { createSession } from '../onnx/session';
import { Weights } from '../weights/weights';
import { buildUnet, unetCrossAttentionLayers, unetMaskLevels, type UnetConfig } from './unet';
import { unetTimeProj } from './timestep';
import { usedTensors } from './graphWeights';
import { Graph } from '../onnx/graph';
import { decoupledAttention } from './decoupledAttention';
import { branchScaleInputs } from './unet';
import { applyEmbedsScaling, EMBEDS_SCALING_MODES, embedsScalingFor } from '../ipadapter/embedsScaling';
import { ldmWeights } from '../weights/ldmKeyMap';

const config = JSON.parse(readFileSync(fixture('unet', 'config.json'), 'utf8')) as UnetConfig;
const layerMap = JSON.parse(readFileSync(fixture('unet', 'ip_layer_map.json'), 'utf8')) as { ip_layers: { ckpt_index: number; processor: string }[] };
const unetFile = loadFixtureFile('unet', 'weights.safetensors');
const baseFile = loadFixtureFile('unet', 'ip-adapter_sd15.safetensors');
const plusFile = loadFixtureFile('unet', 'ip-adapter-plus_sd15.safetensors');
const inputs = loadFixtureFile('unet', 'inputs.safetensors').file;
const outputs = loadFixtureFile('unet', 'outputs.safetensors').file;
const files = new Map([unetFile, baseFile, plusFile].map((f) => [f.weightFile.location, f.bytes]));
const unetWeights = new Weights([unetFile.weightFile]);
const base = new Weights([baseFile.weightFile]);
const plus = new Weights([plusFile.weightFile]);

const layers = unetCrossAttentionLayers(config);
const L = layers.length;
const levels = unetMaskLevels(config);
const B = 2;
const f32 = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);
const timestep = inputs.ints('timestep')[0];
const pair = inputs.ints('timestep_pair');

/** Feeds for the 3-branch graph: 0 = base (masked), 1 = plus, 2 = base again. */
function feeds(opts: { scales?: number[][]; timesteps?: number[]; masks?: Record<number, { data: Float32Array; batch: number }> } = {}) {
  const scales = [0, 1, 2].map((i) => opts.scales?.[i] ?? []);
  const vec = (s: number[]) => f32(Float32Array.from({ length: L }, (_, i) => s[i] ?? 0), [L]);
  const tokensBase = outputs.float32('ip_tokens_base'); // [2, 1, 4, 32]
  const tokensPlus = outputs.float32('ip_tokens_plus'); // [2, 1, 16, 32]
  const f: Record<string, Ort.Tensor> = {
    sample: f32(inputs.float32('sample'), [B, 4, 8, 8]),
    time_proj: f32(unetTimeProj(opts.timesteps ?? [timestep, timestep], config), [B, config.block_out_channels[0]]),
    encoder_hidden_states: f32(inputs.float32('encoder_hidden_states'), [B, 77, 32]),
    ip_tokens_0: f32(tokensBase, [B, 4, 32]),
    ip_tokens_1: f32(tokensPlus, [B, 16, 32]),
    ip_tokens_2: f32(tokensBase, [B, 4, 32]),
    ip_scale_0: vec(scales[0]),
    ip_scale_1: vec(scales[1]),
    ip_scale_2: vec(scales[2]),
  };
  for (const l of levels) {
    const m = opts.masks?.[l];
    const tokens = (8 >> l) * (8 >> l);
    f[`ip_mask_0_${l}`] = m ? f32(m.data, [m.batch, tokens]) : f32(new Float32Array(tokens).fill(1), [1, tokens]);
  }
  return f;
}
const all = (s: number) => new Array(L).fill(s);

describe('UNet + IP-Adapter (tiny fixture, fp32, onnxruntime-web wasm)', () => {
  let session: Ort.InferenceSession;
  let plain: Ort.InferenceSession;
  beforeAll(async () => {
    const graph = buildUnet(config, unetWeights, {
      adapters: [{ weights: base, mask: true }, { weights: plus }, { weights: base }],
      probeLayers: [0, 2],
    });
    session = await createSession(ort, graph, files);
    plain = await createSession(ort, buildUnet(config, unetWeights), files);
  });
  const run = async (f: Record<string, Ort.Tensor>) => (await session.run(f)).out_sample.data as Float32Array;
  const report: Record<string, number> = {};
  const check = (name: string, got: Float32Array, expectedName: string, tol = 1e-4) => {
    const err = relativeError(got, outputs.float32(expectedName));
    report[name] = err;
    console.log(`${name} vs ${expectedName}: rel err ${err.toExponential(2)}`);
    expect(err).toBeLessThan(tol);
  };

  test('layer order: ComfyUI index (input → middle → output) ↔ h94 checkpoint index (down, up, mid last)', () => {
    const byModule = new Map(layers.map((l) => [l.modules[0], l]));
    for (const m of layerMap.ip_layers) expect(byModule.get(m.processor.replace(/\.processor$/, ''))?.ckptIndices).toEqual([m.ckpt_index]);
    expect(layers.map((l) => l.ckptIndices[0])).toEqual([1, 3, 11, 5, 7, 9]);
    expect(layers.map((l) => l.block)).toEqual(['input', 'input', 'middle', 'output', 'output', 'output']);
    expect(levels).toEqual([0, 1]);
  });

  test('plain UNet: out_plain, out_plain_timestep_pair', async () => {
    const f = feeds();
    const p = (await plain.run({ sample: f.sample, time_proj: f.time_proj, encoder_hidden_states: f.encoder_hidden_states })).out_sample.data as Float32Array;
    check('plain', p, 'out_plain');
    const fp = feeds({ timesteps: pair });
    const pp = (await plain.run({ sample: fp.sample, time_proj: fp.time_proj, encoder_hidden_states: fp.encoder_hidden_states })).out_sample.data as Float32Array;
    check('plain timestep pair', pp, 'out_plain_timestep_pair');
    // scale 0 on every layer of every branch gives the plain UNet's numbers exactly
    const zero = await run(feeds());
    expect(Array.from(zero)).toEqual(Array.from(p));
    check('3 branches at scale 0', zero, 'out_ip_scale0');
  });

  test('base adapter: scale 1, 0.5, the official code path, per-layer scales', async () => {
    check('base scale 1', await run(feeds({ scales: [all(1)] })), 'out_ip_scale1');
    check('base scale 1 vs official', await run(feeds({ scales: [all(1)] })), 'out_ip_official_scale1');
    check('base scale 0.5', await run(feeds({ scales: [all(0.5)] })), 'out_ip_scale0p5');
    // diffusers' per-processor scales are in ip_layer_map order; place them at ComfyUI indices
    const effective = outputs.float32('ip_layer_scales_effective');
    const comfy = new Array(L).fill(0);
    layerMap.ip_layers.forEach((m, i) => { comfy[layers.find((l) => l.ckptIndices[0] === m.ckpt_index)!.index] = effective[i]; });
    expect(comfy).toEqual([0, 0.75, 0.5, 0, 1, 0]);
    check('base per-layer', await run(feeds({ scales: [comfy] })), 'out_ip_layer_scales');
    // negative control: the same numbers in h94/diffusers order (mid last) are another weighting
    const wrongOrder = relativeError(await run(feeds({ scales: [Array.from(effective)] })), outputs.float32('out_ip_layer_scales'));
    console.log(`per-layer scales in diffusers order instead: rel err ${wrongOrder.toExponential(2)}`);
    expect(wrongOrder).toBeGreaterThan(1e-3);
  });

  test('Plus adapter (16 tokens): scale 1, 0.5, official', async () => {
    check('plus scale 1', await run(feeds({ scales: [[], all(1)] })), 'out_plus_scale1');
    check('plus scale 1 vs official', await run(feeds({ scales: [[], all(1)] })), 'out_plus_official_scale1');
    check('plus scale 0.5', await run(feeds({ scales: [[], all(0.5)] })), 'out_plus_scale0p5');
  });

  test('mask: per-level masks resized on the host (diffusers bicubic rule)', async () => {
    const masks = {
      0: { data: outputs.float32('mask_downsampled_8x8'), batch: 2 },
      1: { data: outputs.float32('mask_downsampled_4x4'), batch: 2 },
    };
    check('base scale 1 + mask', await run(feeds({ scales: [all(1)], masks })), 'out_ip_mask_scale1');
    expect(relativeError(outputs.float32('out_ip_scale1'), outputs.float32('out_ip_mask_scale1'))).toBeGreaterThan(1e-3);
    // a mask of ones changes nothing, bit for bit
    expect(Array.from(await run(feeds({ scales: [all(1)] })))).toEqual(Array.from(await run(feeds({ scales: [all(1)], masks: { 0: { data: new Float32Array(64).fill(1), batch: 1 }, 1: { data: new Float32Array(16).fill(1), batch: 1 } } }))));
  });

  test('token count is free: the same reference twice (8 tokens, one softmax) = once, as duplicated keys do not change attention', async () => {
    const t = outputs.float32('ip_tokens_base');
    const doubled = new Float32Array(B * 8 * 32);
    for (let b = 0; b < B; b++) for (let r = 0; r < 2; r++) doubled.set(t.subarray(b * 128, (b + 1) * 128), b * 256 + r * 128);
    check('base tokens concatenated twice, scale 1', await run({ ...feeds({ scales: [all(1)] }), ip_tokens_0: f32(doubled, [B, 8, 32]) }), 'out_ip_scale1');
  });

  test('several branches add up per layer: base 0.5 + the same adapter again at 0.5 = base 1', async () => {
    check('two base branches at 0.5', await run(feeds({ scales: [all(0.5), [], all(0.5)] })), 'out_ip_scale1');
  });

  test('attention-probability outputs: rows sum to 1, output unchanged', async () => {
    const out = await session.run(feeds({ scales: [all(1), all(1)] }));
    expect(out.attn_text_0.dims).toEqual([B, 8, 64, 77]);
    expect(out.attn_ip_0_0.dims).toEqual([B, 8, 64, 4]);
    expect(out.attn_ip_1_2.dims).toEqual([B, 8, 16, 16]);
    for (const name of ['attn_text_0', 'attn_ip_0_0', 'attn_ip_1_2', 'attn_ip_2_2']) {
      const t = out[name];
      const k = t.dims[3];
      const d = t.data as Float32Array;
      for (let r = 0; r < d.length / k; r += 7) {
        let s = 0;
        for (let j = 0; j < k; j++) s += d[r * k + j];
        expect(s).toBeCloseTo(1, 5);
      }
    }
  });

  test('every tensor of the UNet file and of the adapters\' ip_adapter.* is used; shared branches share weights', () => {
    const graph = buildUnet(config, unetWeights, { adapters: [{ weights: base }, { weights: plus }, { weights: base }] });
    const used = usedTensors(graph, [unetFile.weightFile, baseFile.weightFile, plusFile.weightFile]);
    const inFile = (f: typeof unetFile, prefix = '') => [...f.file.header.tensors.keys()].filter((k) => k.startsWith(prefix)).map((k) => `${f.weightFile.location}:${k}`);
    const expected = [...inFile(unetFile), ...inFile(baseFile, 'ip_adapter.'), ...inFile(plusFile, 'ip_adapter.')].sort();
    expect(used.map((t) => `${t.location}:${t.info.name}`).sort()).toEqual(expected);
    // the base adapter's 12 ip weights appear once although two branches use them
    expect(graph.initializers.filter((t) => t.name.startsWith(`${baseFile.weightFile.location}:`))).toHaveLength(12);
  });
});

describe('embeds_scaling (ComfyUI) through the graph inputs', () => {
  /** softmax(q·kᵀ/√d)·v per head, row-major [S, C] / [T, C]. */
  function attentionRef(q: Float32Array, k: Float32Array, v: Float32Array, S: number, T: number, H: number, D: number): Float64Array {
    const C = H * D;
    const out = new Float64Array(S * C);
    for (let h = 0; h < H; h++) for (let s = 0; s < S; s++) {
      const logits = new Float64Array(T);
      for (let t = 0; t < T; t++) { let dot = 0; for (let d = 0; d < D; d++) dot += q[s * C + h * D + d] * k[t * C + h * D + d]; logits[t] = dot / Math.sqrt(D); }
      const max = Math.max(...logits);
      let z = 0;
      for (let t = 0; t < T; t++) { logits[t] = Math.exp(logits[t] - max); z += logits[t]; }
      for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) out[s * C + h * D + d] += (logits[t] / z) * v[t * C + h * D + d];
    }
    return out;
  }

  test('one layer: λ/s/μ inputs reproduce applyEmbedsScaling + outScale for all four modes', async () => {
    const [S, Tt, Ti, H, D] = [6, 5, 4, 2, 4];
    const C = H * D;
    let seed = 1;
    const rnd = (n: number) => Float32Array.from({ length: n }, () => { seed = (seed * 16807) % 2147483647; return (seed / 2147483647 - 0.5) * 3; });
    const [q, kt, vt, ki, vi] = [rnd(S * C), rnd(Tt * C), rnd(Tt * C), rnd(Ti * C), rnd(Ti * C)];
    const mask = Float32Array.from({ length: S }, (_, i) => (i % 3) / 2);
    const g = new Graph('decoupled', 'float32');
    const inp = (name: string, dims: number[]) => g.input(name, 'float32', dims);
    const res = decoupledAttention(g, inp('q', [1, S, C]), inp('k', [1, Tt, C]), inp('v', [1, Tt, C]), H, D, [{
      k: inp('ki', [1, Ti, C]), v: inp('vi', [1, Ti, C]), scale: inp('scale', []), kScale: inp('ks', []), vMeanCoef: inp('vm', []),
      mask: g.op('Unsqueeze', [inp('mask', [1, S]), g.ints([1, 3])]),
    }]);
    g.output('out', res.out, 'float32', [1, S, C]);
    const session = await createSession(ort, g, new Map());
    const text = attentionRef(q, kt, vt, S, Tt, H, D);
    for (const mode of EMBEDS_SCALING_MODES) for (const w of [0, 0.6, 1.7]) {
      const plan = embedsScalingFor(mode, w, 640);
      const { scale, kScale, vMean } = branchScaleInputs([plan]);
      const out = (await session.run({
        q: f32(q, [1, S, C]), k: f32(kt, [1, Tt, C]), v: f32(vt, [1, Tt, C]), ki: f32(ki, [1, Ti, C]), vi: f32(vi, [1, Ti, C]),
        scale: f32(scale, []), ks: f32(kScale, []), vm: f32(vMean, []), mask: f32(mask, [1, S]),
      })).out.data as Float32Array;
      const expected = Float64Array.from(text);
      if (plan.active) {
        const scaled = applyEmbedsScaling(ki, vi, Ti, C, plan);
        const ip = attentionRef(q, scaled.k, scaled.v, S, Ti, H, D);
        for (let s = 0; s < S; s++) for (let c = 0; c < C; c++) expected[s * C + c] += ip[s * C + c] * plan.outScale * mask[s];
      }
      const err = relativeError(out, expected);
      expect(err, `${mode} w=${w}`).toBeLessThan(1e-6);
    }
  });

  test('UNet with embedsScaling inputs: V only at 1 = out_ip_scale1; K+V at 1 gives the same', async () => {
    const graph = buildUnet(config, unetWeights, { adapters: [{ weights: base }], embedsScaling: true });
    const session = await createSession(ort, graph, files);
    const f = feeds();
    for (const mode of ['V only', 'K+V'] as const) {
      const { scale, kScale, vMean } = branchScaleInputs(layers.map(() => embedsScalingFor(mode, 1, 1280)));
      const out = await session.run({
        sample: f.sample, time_proj: f.time_proj, encoder_hidden_states: f.encoder_hidden_states, ip_tokens_0: f.ip_tokens_0,
        ip_scale_0: f32(scale, [L]), ip_k_scale_0: f32(kScale, [L]), ip_v_mean_0: f32(vMean, [L]),
      });
      expect(relativeError(out.out_sample.data as Float32Array, outputs.float32('out_ip_scale1')), mode).toBeLessThan(1e-4);
    }
  });
});

describe('single-file (LDM) checkpoint through weights/ldmKeyMap', () => {
  test('UNet from checkpoint.safetensors: out_plain and the base adapter at scale 1', async () => {
    const ckpt = loadFixtureFile('ldm_single_file', 'checkpoint.safetensors');
    const ldm = ldmWeights(ckpt.weightFile, 'unet');
    const graph = buildUnet(config, ldm, { adapters: [{ weights: base }] });
    const used = usedTensors(graph, [ckpt.weightFile, baseFile.weightFile]).filter((t) => t.location === ckpt.weightFile.location);
    expect(used).toHaveLength(304);
    const session = await createSession(ort, graph, new Map([[ckpt.weightFile.location, ckpt.bytes], [baseFile.weightFile.location, baseFile.bytes]]));
    const f = feeds();
    const run = async (s: number) => (await session.run({
      sample: f.sample, time_proj: f.time_proj, encoder_hidden_states: f.encoder_hidden_states, ip_tokens_0: f.ip_tokens_0,
      ip_scale_0: f32(new Float32Array(L).fill(s), [L]),
    })).out_sample.data as Float32Array;
    const e0 = relativeError(await run(0), outputs.float32('out_plain'));
    const e1 = relativeError(await run(1), outputs.float32('out_ip_scale1'));
    console.log(`single-file UNet: out_plain rel err ${e0.toExponential(2)}, out_ip_scale1 ${e1.toExponential(2)}`);
    expect(e0).toBeLessThan(1e-4);
    expect(e1).toBeLessThan(1e-4);
  });
});

describe('float16 graph (weights converted fp32 → fp16, GroupNorm statistics in fp32)', () => {
  test('UNet + base adapter at scale 1 on wasm: within fp16 precision of the fp32 reference, no NaN', async () => {
    const graph = buildUnet(config, unetWeights, { floatType: 'float16', adapters: [{ weights: base }] });
    expect(graph.conversions.length).toBe(304 + 12);
    const session = await createSession(ort, graph, files);
    const f = feeds({ scales: [all(1)] });
    const out = (await session.run({
      sample: f.sample, time_proj: f.time_proj, encoder_hidden_states: f.encoder_hidden_states, ip_tokens_0: f.ip_tokens_0, ip_scale_0: f.ip_scale_0,
    })).out_sample.data as Float32Array;
    const err = relativeError(out, outputs.float32('out_ip_scale1'));
    console.log(`fp16 UNet + base adapter vs out_ip_scale1: rel err ${err.toExponential(2)}`);
    expect(out.every(Number.isFinite)).toBe(true);
    expect(err).toBeLessThan(5e-3);
  });
});
