import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildClipTextEncoder } from './clipText';
import { clipTextConfigFromJson, SD15_TEXT } from './configs';
import { createSession } from '../onnx/session';
import { Weights } from '../weights/weights';
import { halfToFloat } from '../weights/safetensors';
import { ldmWeights } from '../weights/ldmKeyMap';
import { loadFixtureFile } from '../../../test/load-fixture';
import { fixture } from '../../../test/fixtures';
import { ort, relativeError } from '../../../test/ort';
import { computeNodeTypes as computeNodes, headerOnlyFile as fakeWeightFile } from './graphInfo';
import { parameterCount, usedTensors } from './graphWeights';

const cfg = clipTextConfigFromJson(JSON.parse(readFileSync(fixture('clip_text', 'config.json'), 'utf8')));
const weights = loadFixtureFile('clip_text', 'weights.safetensors');
const inputs = loadFixtureFile('clip_text', 'inputs.safetensors').file;
const outputs = loadFixtureFile('clip_text', 'outputs.safetensors').file;

async function run(w: Weights, files: Map<string, Uint8Array>, idsName: string, opts: Parameters<typeof buildClipTextEncoder>[2] = {}) {
  const g = buildClipTextEncoder(cfg, w, opts);
  const session = await createSession(ort, g, files);
  const ids = inputs.info(idsName);
  const data = BigInt64Array.from(inputs.ints(idsName), (v) => BigInt(v));
  const result = await session.run({ input_ids: new ort.Tensor('int64', data, ids.shape) });
  await session.release();
  return result;
}

/** Reference LayerNorm in float64, for the clip-skip output. */
function layerNormRef(x: Float32Array, gamma: Float32Array, beta: Float32Array, eps: number): Float32Array {
  const d = gamma.length;
  const out = new Float32Array(x.length);
  for (let r = 0; r < x.length / d; r++) {
    let mean = 0; let v = 0;
    for (let i = 0; i < d; i++) mean += x[r * d + i];
    mean /= d;
    for (let i = 0; i < d; i++) v += (x[r * d + i] - mean) ** 2;
    const inv = 1 / Math.sqrt(v / d + eps);
    for (let i = 0; i < d; i++) out[r * d + i] = (x[r * d + i] - mean) * inv * gamma[i] + beta[i];
  }
  return out;
}

describe('CLIP text encoder (tiny fixture, fp32 on wasm)', () => {
  const diffusers = new Weights([weights.weightFile]);
  const files = new Map([[weights.weightFile.location, weights.bytes]]);

  test('diffusers/transformers layout: every output matches', async () => {
    const r = await run(diffusers, files, 'input_ids', { penultimate: true, hiddenStates: true, pooled: true });
    const checks: [string, string][] = [
      ['last_hidden_state', 'last_hidden_state'], ['pooler_output', 'pooler_output'],
      ['hidden_states.0', 'hidden_states.0'], ['hidden_states.1', 'hidden_states.1'], ['hidden_states.2', 'hidden_states.2'],
      ['penultimate_hidden_state', 'hidden_states.1'],
    ];
    for (const [ours, ref] of checks) {
      const err = relativeError(r[ours].data as Float32Array, outputs.float32(ref));
      console.log(`clip_text ${ours} vs ${ref}: max rel err ${err.toExponential(2)}`);
      expect(err, ours).toBeLessThan(1e-4);
    }
    const u = await run(diffusers, files, 'uncond_input_ids');
    const err = relativeError(u.last_hidden_state.data as Float32Array, outputs.float32('uncond_last_hidden_state'));
    console.log(`clip_text uncond_last_hidden_state: max rel err ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-4);
  });

  test('clip skip 1 = final_layer_norm(hidden_states[-2]), with the last layer not built', async () => {
    const r = await run(diffusers, files, 'input_ids', { clipSkip: 1 });
    const ref = layerNormRef(outputs.float32('hidden_states.1'), weights.file.float32('text_model.final_layer_norm.weight'),
      weights.file.float32('text_model.final_layer_norm.bias'), cfg.layerNormEps);
    expect(relativeError(r.last_hidden_state.data as Float32Array, ref)).toBeLessThan(1e-4);
    const g = buildClipTextEncoder(cfg, diffusers, { clipSkip: 1 });
    expect(g.initializers.some((t) => t.name.includes('layers.1.'))).toBe(false);
  });

  test('single-file LDM checkpoint: the same outputs through the key map', async () => {
    const ckpt = loadFixtureFile('ldm_single_file', 'checkpoint.safetensors');
    const w = ldmWeights(ckpt.weightFile, 'text_encoder');
    const r = await run(w, new Map([[ckpt.weightFile.location, ckpt.bytes]]), 'input_ids', { pooled: true, hiddenStates: true });
    for (const name of ['last_hidden_state', 'pooler_output', 'hidden_states.0', 'hidden_states.1', 'hidden_states.2']) {
      const err = relativeError(r[name].data as Float32Array, outputs.float32(name));
      console.log(`clip_text (single file) ${name}: max rel err ${err.toExponential(2)}`);
      expect(err, name).toBeLessThan(1e-4);
    }
  });

  test('fp16 graph: same compute nodes, every weight converted', () => {
    const g32 = buildClipTextEncoder(cfg, diffusers, { pooled: true });
    const g16 = buildClipTextEncoder(cfg, diffusers, { pooled: true, floatType: 'float16' });
    expect(computeNodes(g16)).toEqual(computeNodes(g32));
    expect(g16.conversions.map((c) => c.to)).toEqual(new Array(36).fill('float16'));
    expect(g16.conversions).toHaveLength(36);
    expect(g32.conversions).toHaveLength(0);
    expect(g16.inputs[0].type?.tensorType?.elemType).toBe(7); // int64 ids
    expect(g16.outputs[0].type?.tensorType?.elemType).toBe(10); // float16 embeddings
  });

  test('fp16 graph also runs on wasm (onnxruntime\'s CPU provider) within fp16 precision', async () => {
    const g = buildClipTextEncoder(cfg, diffusers, { pooled: true, floatType: 'float16' });
    const session = await createSession(ort, g, files);
    const ids = BigInt64Array.from(inputs.ints('input_ids'), (v) => BigInt(v));
    const r = await session.run({ input_ids: new ort.Tensor('int64', ids, inputs.info('input_ids').shape) });
    await session.release();
    for (const name of ['last_hidden_state', 'pooler_output']) {
      const err = relativeError(Float32Array.from(r[name].data as Uint16Array, halfToFloat), outputs.float32(name));
      console.log(`clip_text fp16 ${name}: max rel err ${err.toExponential(2)}`);
      expect(err, name).toBeLessThan(5e-3);
    }
  });
});

describe('CLIP text encoder at SD1.5 size (headers only)', () => {
  const layout = JSON.parse(readFileSync(fixture('sd15_fullsize_layout.json'), 'utf8')) as { text_encoder: { state_dict: Record<string, number[]> } };
  test('diffusers text_encoder: every tensor found with its shape; 123,060,480 parameters', () => {
    const file = fakeWeightFile('text_encoder/model.safetensors', layout.text_encoder.state_dict);
    const g = buildClipTextEncoder(SD15_TEXT, new Weights([file]), { penultimate: true });
    const fileParams = [...file.header.tensors.values()].reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0);
    const used = usedTensors(g, [file]);
    expect(file.header.tensors.size).toBe(196);
    expect(used).toHaveLength(196);
    expect(parameterCount(used)).toBe(fileParams);
    expect(fileParams).toBe(123_060_480);
    expect(g.toBytes().byteLength).toBeLessThan(2_000_000);
  });

  test('single-file checkpoint: the text part, through the LDM key map', () => {
    const single = JSON.parse(readFileSync(fixture('ldm_single_file', 'sd15_fullsize_single_file_layout.json'), 'utf8')) as {
      tensors: { key: string; shape: number[]; dtype: string }[];
      optional_tensors: { key: string; shape: number[]; dtype: string }[];
    };
    const all = Object.fromEntries([...single.tensors, ...single.optional_tensors].map((t) => [t.key, t.shape]));
    const file = fakeWeightFile('v1-5-pruned-emaonly.safetensors', all);
    const g = buildClipTextEncoder(SD15_TEXT, ldmWeights(file, 'text_encoder'));
    const used = usedTensors(g, [file]);
    expect(used).toHaveLength(196); // all but the position_ids buffer
    expect(parameterCount(used)).toBe(123_060_480);
  });
});

describe('bad weight files give readable errors while building', () => {
  const layout = JSON.parse(readFileSync(fixture('sd15_fullsize_layout.json'), 'utf8')) as { text_encoder: { state_dict: Record<string, number[]> } };
  const catchError = (fn: () => unknown) => { try { fn(); } catch (e) { return e as Error & { code?: string }; } throw new Error('no error'); };

  test('a missing tensor is named, with the file', () => {
    const shapes = { ...layout.text_encoder.state_dict };
    delete shapes['text_model.encoder.layers.7.mlp.fc2.bias'];
    const file = fakeWeightFile('text_encoder/model.safetensors', shapes);
    const e = catchError(() => buildClipTextEncoder(SD15_TEXT, new Weights([file])));
    expect(e.code).toBe('missing-tensor');
    expect(e.message).toBe('The tensor "text_model.encoder.layers.7.mlp.fc2.bias" is missing from text_encoder/model.safetensors. The file may be of another model, or incomplete.');
  });

  test('a wrong shape says expected vs found (an SD2 text encoder given as SD1.5)', () => {
    const shapes = { ...layout.text_encoder.state_dict, 'text_model.embeddings.token_embedding.weight': [49408, 1024] };
    const file = fakeWeightFile('sd2/text_encoder/model.safetensors', shapes);
    const e = catchError(() => buildClipTextEncoder(SD15_TEXT, new Weights([file])));
    expect(e.code).toBe('wrong-shape');
    expect(e.message).toBe('The tensor "text_model.embeddings.token_embedding.weight" in sd2/text_encoder/model.safetensors has shape [49408, 1024], expected [49408, 768].');
  });
});
