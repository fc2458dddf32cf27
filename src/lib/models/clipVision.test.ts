import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildClipVisionEncoder, visionTokens } from './clipVision';
import { clipVisionConfigFromJson, VIT_H_14 } from './configs';
import { computeNodeTypes, headerOnlyFile } from './graphInfo';
import { parameterCount, usedTensors } from './graphWeights';
import { createSession } from '../onnx/session';
import { Weights } from '../weights/weights';
import { floatToHalf, halfToFloat } from '../weights/safetensors';
import { loadFixtureFile } from '../../../test/load-fixture';
import { fixture } from '../../../test/fixtures';
import { ort, relativeError } from '../../../test/ort';

const cfg = clipVisionConfigFromJson(JSON.parse(readFileSync(fixture('clip_vision', 'config.json'), 'utf8')));
const weights = loadFixtureFile('clip_vision', 'weights.safetensors');
const inputs = loadFixtureFile('clip_vision', 'inputs.safetensors').file;
const outputs = loadFixtureFile('clip_vision', 'outputs.safetensors').file;
const w = new Weights([weights.weightFile]);
const files = new Map([[weights.weightFile.location, weights.bytes]]);

async function run(pixelsName: string, opts: Parameters<typeof buildClipVisionEncoder>[2]) {
  const session = await createSession(ort, buildClipVisionEncoder(cfg, w, opts), files);
  const info = inputs.info(pixelsName);
  const r = await session.run({ pixel_values: new ort.Tensor('float32', inputs.float32(pixelsName), info.shape) });
  await session.release();
  return r;
}

function check(actual: unknown, ref: string, label = ref) {
  const err = relativeError((actual as { data: Float32Array }).data, outputs.float32(ref));
  console.log(`clip_vision ${label}: max rel err ${err.toExponential(2)}`);
  expect(err, label).toBeLessThan(1e-4);
}

describe('CLIP vision encoder with projection (tiny fixture, fp32 on wasm)', () => {
  test('every output matches: image_embeds, hidden_states[-2], last_hidden_state, all hidden states', async () => {
    expect(visionTokens(cfg)).toBe(17);
    const r = await run('pixel_values', { outputs: ['image_embeds', 'penultimate_hidden_states', 'last_hidden_state', 'hidden_states'] });
    check(r.image_embeds, 'image_embeds');
    check(r.penultimate_hidden_states, 'hidden_states_m2', 'penultimate_hidden_states vs hidden_states_m2');
    check(r.last_hidden_state, 'last_hidden_state');
    for (const i of [0, 1, 2]) check(r[`hidden_states.${i}`], `hidden_states.${i}`);
  });

  test('the unconditional (all-zero) image, batch fixed to 1', async () => {
    const r = await run('zero_pixel_values', { batch: 1 });
    check(r.image_embeds, 'zero_image_embeds');
    check(r.penultimate_hidden_states, 'zero_hidden_states_m2');
  });

  test('Plus-only graph skips the last layer and the projection', () => {
    const g = buildClipVisionEncoder(cfg, w, { outputs: ['penultimate_hidden_states'] });
    const names = g.initializers.map((t) => t.name);
    expect(names.some((n) => n.includes('layers.1.'))).toBe(false);
    expect(names.some((n) => n.includes('visual_projection'))).toBe(false);
  });

  test('fp16 graph: same compute nodes, every weight converted', () => {
    const g32 = buildClipVisionEncoder(cfg, w);
    const g16 = buildClipVisionEncoder(cfg, w, { floatType: 'float16' });
    expect(computeNodeTypes(g16)).toEqual(computeNodeTypes(g32));
    expect(g16.conversions).toHaveLength(weights.file.header.tensors.size);
    expect(g16.inputs[0].type?.tensorType?.elemType).toBe(10);
  });

  test('fp16 graph also runs on wasm (onnxruntime\'s CPU provider) within fp16 precision', async () => {
    const session = await createSession(ort, buildClipVisionEncoder(cfg, w, { floatType: 'float16' }), files);
    const pixels = Uint16Array.from(inputs.float32('pixel_values'), floatToHalf);
    const r = await session.run({ pixel_values: new ort.Tensor('float16', pixels, inputs.info('pixel_values').shape) });
    await session.release();
    for (const [ours, ref] of [['image_embeds', 'image_embeds'], ['penultimate_hidden_states', 'hidden_states_m2']]) {
      const err = relativeError(Float32Array.from(r[ours].data as Uint16Array, halfToFloat), outputs.float32(ref));
      console.log(`clip_vision fp16 ${ours}: max rel err ${err.toExponential(2)}`);
      expect(err, ours).toBeLessThan(5e-3);
    }
  });
});

describe('ViT-H/14 at full size (headers only)', () => {
  const layout = JSON.parse(readFileSync(fixture('sd15_fullsize_layout.json'), 'utf8')) as {
    ip_image_encoder: { config: Record<string, unknown>; state_dict: Record<string, number[]> };
  };
  test('every tensor found with its shape; 632,076,800 parameters; config.json reader agrees', () => {
    expect(clipVisionConfigFromJson(layout.ip_image_encoder.config)).toEqual(VIT_H_14);
    const file = headerOnlyFile('models/image_encoder/model.safetensors', layout.ip_image_encoder.state_dict);
    const g = buildClipVisionEncoder(VIT_H_14, new Weights([file]));
    const fileParams = Object.values(layout.ip_image_encoder.state_dict).reduce((a, s) => a + s.reduce((x, y) => x * y, 1), 0);
    expect(fileParams).toBe(632_076_800);
    const used = usedTensors(g, [file]);
    expect(used).toHaveLength(520);
    expect(parameterCount(used)).toBe(fileParams);
    const plusOnly = usedTensors(buildClipVisionEncoder(VIT_H_14, new Weights([file]), { outputs: ['penultimate_hidden_states'] }), [file]);
    expect(parameterCount(plusOnly)).toBe(fileParams - 19_677_440 - 2 * 1280 - 1024 * 1280); // no last layer, post_layernorm, projection
    expect(visionTokens(VIT_H_14)).toBe(257);
  });
});
