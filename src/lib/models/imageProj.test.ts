import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  buildImageProj, imageProjConfigFromWeights, imageProjInput, imageProjTokens, imageProjWeights, SD15_IMAGE_PROJ, type ImageProjConfig,
} from './imageProj';
import { computeNodeTypes, headerOnlyFile } from './graphInfo';
import { parameterCount, usedTensors } from './graphWeights';
import { createSession } from '../onnx/session';
import { floatToHalf, halfToFloat, parseSafetensors } from '../weights/safetensors';
import { Weights } from '../weights/weights';
import { loadFixtureFile } from '../../../test/load-fixture';
import { makeSafetensors } from '../../../test/make-safetensors';
import { fixture } from '../../../test/fixtures';
import { ort, relativeError } from '../../../test/ort';

const inputs = loadFixtureFile('ip_image_proj', 'inputs.safetensors').file;
const outputs = loadFixtureFile('ip_image_proj', 'outputs.safetensors').file;
const fixtureConfig = JSON.parse(readFileSync(fixture('ip_image_proj', 'config.json'), 'utf8'));

async function project(cfg: ImageProjConfig, w: Weights, files: Map<string, Uint8Array>, data: Float32Array, shape: number[], batch?: number) {
  const session = await createSession(ort, buildImageProj(cfg, w, { batch }), files);
  const r = await session.run({ [imageProjInput(cfg)]: new ort.Tensor('float32', data, shape) });
  await session.release();
  return r.ip_tokens;
}

function fromFixture(...parts: string[]) {
  const f = loadFixtureFile(...parts);
  return { w: new Weights([f.weightFile]), files: new Map([[f.weightFile.location, f.bytes]]) };
}

describe('IP-Adapter image projection (tiny fixtures, fp32 on wasm)', () => {
  const sources = {
    'split-out weights file': { base: ['ip_image_proj', 'weights_base.safetensors'], plus: ['ip_image_proj', 'weights_plus.safetensors'] },
    'h94 single file (image_proj.*)': { base: ['unet', 'ip-adapter_sd15.safetensors'], plus: ['unet', 'ip-adapter-plus_sd15.safetensors'] },
  };
  for (const [label, src] of Object.entries(sources)) {
    test(`ImageProjModel, 4 tokens, from the ${label}`, async () => {
      const { w, files } = fromFixture(...src.base);
      const cfg = imageProjConfigFromWeights(imageProjWeights(w));
      const c = fixtureConfig.ImageProjModel;
      expect(cfg).toEqual({ kind: 'linear', clipEmbeddingsDim: c.clip_embeddings_dim, crossAttentionDim: c.cross_attention_dim, tokens: c.clip_extra_context_tokens });
      const t = await project(cfg, w, files, inputs.float32('image_embeds'), [2, 16]);
      expect(t.dims).toEqual([2, 4, 32]);
      const err = relativeError(t.data as Float32Array, outputs.float32('base_tokens'));
      const zero = await project(cfg, w, files, new Float32Array(32), [2, 16]);
      const errZero = relativeError(zero.data as Float32Array, outputs.float32('base_tokens_zero'));
      console.log(`ip_image_proj (${label}) base_tokens ${err.toExponential(2)}, base_tokens_zero ${errZero.toExponential(2)}`);
      expect(err).toBeLessThan(1e-4);
      expect(errZero).toBeLessThan(1e-4);
    });

    test(`Resampler, 16 tokens, from the ${label}`, async () => {
      const { w, files } = fromFixture(...src.plus);
      const cfg = imageProjConfigFromWeights(imageProjWeights(w));
      const c = fixtureConfig.Resampler;
      expect(cfg).toEqual({
        kind: 'resampler', dim: c.dim, depth: c.depth, dimHead: c.dim_head, heads: c.heads, numQueries: c.num_queries,
        embeddingDim: c.embedding_dim, outputDim: c.output_dim, ffMult: c.ff_mult,
      });
      const t = await project(cfg, w, files, inputs.float32('image_hidden_states'), [2, 17, 32]);
      expect(t.dims).toEqual([2, 16, 32]);
      const err = relativeError(t.data as Float32Array, outputs.float32('plus_tokens'));
      const zero = await project(cfg, w, files, inputs.float32('zero_image_hidden_states'), [1, 17, 32], 1); // fixed batch
      const errZero = relativeError(zero.data as Float32Array, outputs.float32('plus_tokens_zero'));
      console.log(`ip_image_proj (${label}) plus_tokens ${err.toExponential(2)}, plus_tokens_zero ${errZero.toExponential(2)}`);
      expect(err).toBeLessThan(1e-4);
      expect(errZero).toBeLessThan(1e-4);
    });
  }

  test('MLPProjModel (full-face), one output token per input token, against a float64 reference', async () => {
    // No upstream fixture for full-face: random weights in the official layout, checked against
    // the module's definition (Linear → GELU(erf) → Linear → LayerNorm, per token) computed here.
    const E = 12; const C = 8; const T = 5; const B = 2;
    let seed = 1;
    const rnd = (n: number, s = 0.5) => Float32Array.from({ length: n }, () => { seed = (seed * 16807) % 2147483647; return (seed / 2147483647 - 0.5) * 2 * s; });
    const t = {
      'image_proj.proj.0.weight': { dtype: 'F32' as const, shape: [E, E], data: rnd(E * E) },
      'image_proj.proj.0.bias': { dtype: 'F32' as const, shape: [E], data: rnd(E, 0.1) },
      'image_proj.proj.2.weight': { dtype: 'F32' as const, shape: [C, E], data: rnd(C * E) },
      'image_proj.proj.2.bias': { dtype: 'F32' as const, shape: [C], data: rnd(C, 0.1) },
      'image_proj.proj.3.weight': { dtype: 'F32' as const, shape: [C], data: Float32Array.from(rnd(C, 0.2), (v) => 1 + v) },
      'image_proj.proj.3.bias': { dtype: 'F32' as const, shape: [C], data: rnd(C, 0.1) },
      'ip_adapter.1.to_k_ip.weight': { dtype: 'F32' as const, shape: [4, C], data: rnd(4 * C) },
    };
    const bytes = makeSafetensors(t, 5);
    const file = parseSafetensors(bytes, 'ip-adapter-full-face_sd15.safetensors');
    const w = new Weights([{ location: 'full-face', header: file.header, label: 'full-face' }]);
    const cfg = imageProjConfigFromWeights(imageProjWeights(w));
    expect(cfg).toEqual({ kind: 'mlp', clipEmbeddingsDim: E, crossAttentionDim: C });
    expect(imageProjTokens(cfg, T)).toBe(T);
    const x = rnd(B * T * E, 2);
    const got = await project(cfg, w, new Map([['full-face', bytes]]), x, [B, T, E]);
    expect(got.dims).toEqual([B, T, C]);

    const erf = (z: number) => { // Abramowitz–Stegun 7.1.26, |error| < 1.5e-7
      const s = Math.sign(z); const a = Math.abs(z); const k = 1 / (1 + 0.3275911 * a);
      return s * (1 - (((((1.061405429 * k - 1.453152027) * k) + 1.421413741) * k - 0.284496736) * k + 0.254829592) * k * Math.exp(-a * a));
    };
    const lin = (v: number[], W: Float32Array, b: Float32Array, o: number, i: number) =>
      Array.from({ length: o }, (_, r) => v.reduce((acc, xv, c) => acc + xv * W[r * i + c], b[r]));
    const ref: number[] = [];
    for (let n = 0; n < B * T; n++) {
      const row = Array.from(x.subarray(n * E, (n + 1) * E));
      const h = lin(row, t['image_proj.proj.0.weight'].data, t['image_proj.proj.0.bias'].data, E, E).map((v) => 0.5 * v * (1 + erf(v / Math.SQRT2)));
      const y = lin(h, t['image_proj.proj.2.weight'].data, t['image_proj.proj.2.bias'].data, C, E);
      const mean = y.reduce((a, v) => a + v, 0) / C;
      const variance = y.reduce((a, v) => a + (v - mean) ** 2, 0) / C;
      y.forEach((v, i) => ref.push(((v - mean) / Math.sqrt(variance + 1e-5)) * t['image_proj.proj.3.weight'].data[i] + t['image_proj.proj.3.bias'].data[i]));
    }
    const err = relativeError(got.data as Float32Array, ref);
    console.log(`ip_image_proj full-face MLPProjModel vs float64 reference: ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-4);
  });

  test('fp16 graphs: same compute nodes, every weight converted', () => {
    for (const name of ['weights_base.safetensors', 'weights_plus.safetensors']) {
      const { w } = fromFixture('ip_image_proj', name);
      const cfg = imageProjConfigFromWeights(w);
      const g32 = buildImageProj(cfg, w);
      const g16 = buildImageProj(cfg, w, { floatType: 'float16' });
      expect(computeNodeTypes(g16)).toEqual(computeNodeTypes(g32));
      expect(g16.conversions.length).toBeGreaterThan(0);
      expect(g16.conversions.every((c) => c.to === 'float16')).toBe(true);
      expect(g32.conversions).toHaveLength(0);
    }
  });

  test('fp16 graphs also run on wasm (onnxruntime\'s CPU provider) within fp16 precision', async () => {
    const cases = [['weights_base.safetensors', 'image_embeds', 'base_tokens'], ['weights_plus.safetensors', 'image_hidden_states', 'plus_tokens']] as const;
    for (const [file, input, output] of cases) {
      const { w, files } = fromFixture('ip_image_proj', file);
      const session = await createSession(ort, buildImageProj(imageProjConfigFromWeights(w), w, { floatType: 'float16' }), files);
      const x = Uint16Array.from(inputs.float32(input), floatToHalf);
      const r = await session.run({ [input]: new ort.Tensor('float16', x, inputs.info(input).shape) });
      await session.release();
      const err = relativeError(Float32Array.from(r.ip_tokens.data as Uint16Array, halfToFloat), outputs.float32(output));
      console.log(`ip_image_proj fp16 ${output}: max rel err ${err.toExponential(2)}`);
      expect(err, output).toBeLessThan(5e-3);
    }
  });
});

describe('SD1.5 adapters at full size (headers only)', () => {
  const layout = JSON.parse(readFileSync(fixture('sd15_fullsize_layout.json'), 'utf8')) as Record<string, Record<string, number[]>>;
  const count = (shapes: Record<string, number[]>, prefix = '') =>
    Object.entries(shapes).filter(([k]) => k.startsWith(prefix)).reduce((a, [, s]) => a + s.reduce((x, y) => x * y, 1), 0);

  test('ip-adapter_sd15: 4-token projector 3,150,336 of 22,319,616 parameters', () => {
    const shapes = layout['ip-adapter_sd15.safetensors'];
    const w = new Weights([headerOnlyFile('ip-adapter_sd15.safetensors', shapes)]);
    const cfg = imageProjConfigFromWeights(imageProjWeights(w));
    expect(cfg).toEqual(SD15_IMAGE_PROJ.base);
    const g = buildImageProj(cfg, w);
    expect(parameterCount(usedTensors(g, w.files))).toBe(count(shapes, 'image_proj.'));
    expect(count(shapes, 'image_proj.')).toBe(3_150_336);
    expect(count(shapes)).toBe(22_319_616);
    expect(count(shapes, 'ip_adapter.')).toBe(2 * 768 * 12480);
  });

  test('ip-adapter-plus_sd15: Resampler 29,918,208 of 49,087,488 parameters', () => {
    const shapes = layout['ip-adapter-plus_sd15.safetensors'];
    const w = new Weights([headerOnlyFile('ip-adapter-plus_sd15.safetensors', shapes)]);
    const cfg = imageProjConfigFromWeights(imageProjWeights(w));
    expect(cfg).toEqual(SD15_IMAGE_PROJ.plus);
    const g = buildImageProj(cfg, w, { batch: 2 });
    expect(parameterCount(usedTensors(g, w.files))).toBe(count(shapes, 'image_proj.'));
    expect(count(shapes, 'image_proj.')).toBe(29_918_208);
    expect(count(shapes)).toBe(49_087_488);
  });

  test('ip-adapter-full-face_sd15 (layout from the module definition): 2,625,024 + 19,169,280 parameters', () => {
    const shapes: Record<string, number[]> = {
      'image_proj.proj.0.weight': [1280, 1280], 'image_proj.proj.0.bias': [1280],
      'image_proj.proj.2.weight': [768, 1280], 'image_proj.proj.2.bias': [768],
      'image_proj.proj.3.weight': [768], 'image_proj.proj.3.bias': [768],
    };
    for (const [k, s] of Object.entries(layout['ip-adapter_sd15.safetensors'])) if (k.startsWith('ip_adapter.')) shapes[k] = s;
    const w = new Weights([headerOnlyFile('ip-adapter-full-face_sd15.safetensors', shapes)]);
    const cfg = imageProjConfigFromWeights(imageProjWeights(w));
    expect(cfg).toEqual(SD15_IMAGE_PROJ.fullFace);
    expect(parameterCount(usedTensors(buildImageProj(cfg, w), w.files))).toBe(2_625_024);
    expect(count(shapes)).toBe(2_625_024 + 19_169_280);
  });
});

describe('a projector built for the wrong encoder width', () => {
  test('Plus with bigG-wide hidden states: wrong shape, expected vs found', () => {
    const layout = JSON.parse(readFileSync(fixture('sd15_fullsize_layout.json'), 'utf8')) as Record<string, Record<string, number[]>>;
    const shapes = { ...layout['ip-adapter-plus_sd15.safetensors'], 'image_proj.proj_in.weight': [768, 1664] };
    const w = new Weights([headerOnlyFile('odd-plus.safetensors', shapes)]);
    expect(() => buildImageProj(SD15_IMAGE_PROJ.plus, w)).toThrow('The tensor "image_proj.proj_in.weight" in odd-plus.safetensors has shape [768, 1664], expected [768, 1280].');
  });
});
