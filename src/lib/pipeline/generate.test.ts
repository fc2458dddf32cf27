import { beforeAll, describe, expect, test } from 'vitest';
import { ort, relativeError } from '../../../test/ort';
import { loadFixtureFile } from '../../../test/load-fixture';
import { SCHEDULER_NAMES } from '../schedulers';
import { generate, PipelineError, type GenerateResult } from './generate';
import { fixtureSettings, tinyPipeline, type TinyPipeline } from './tinyFixture.testutil';
import type { GenerateSettings } from './settings';

let t: TinyPipeline;
let noAdapter: GenerateResult;
const outputs = loadFixtureFile('pipeline_sd15', 'outputs.safetensors').file;
const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

beforeAll(async () => {
  t = await tinyPipeline(ort);
  noAdapter = await generate(t.runners, t.info, { ...fixtureSettings(t), adapters: [] });
});

const run = (s: Partial<GenerateSettings>, adapter: Record<string, unknown> = {}) => {
  const base = fixtureSettings(t);
  return generate(t.runners, t.info, { ...base, ...s, adapters: s.adapters ?? [{ ...base.adapters![0], ...adapter }] });
};

describe('the tiny pipeline against diffusers (pipeline_sd15 fixture)', () => {
  test('latents per step, final latents and image match to < 1e-3 relative', async () => {
    const r = await run({});
    const perStep = outputs.float32('latents_per_step');
    const per = 4 * 8 * 8;
    expect(r.latentsPerStep).toHaveLength(4);
    r.latentsPerStep!.forEach((l, i) => {
      const err = relativeError(l, perStep.subarray(i * per, (i + 1) * per));
      console.log(`step ${i + 1} latents: rel err ${err.toExponential(2)}`);
      expect(err).toBeLessThan(1e-3);
    });
    const fl = relativeError(r.latents, outputs.float32('final_latents'));
    const im = relativeError(r.images, outputs.float32('image'));
    console.log(`final latents ${fl.toExponential(2)}, image ${im.toExponential(2)}; timesteps ${r.timesteps.join(', ')}`);
    expect(fl).toBeLessThan(1e-3);
    expect(im).toBeLessThan(1e-3);
    expect(r.timesteps).toEqual([751, 501, 251, 1]);
    // the adapter matters: without it the image is another one
    expect(relativeError(noAdapter.images, outputs.float32('image'))).toBeGreaterThan(1e-2);
  });

  test('CFG as two calls gives the same image as the batch of two (fp32 rounding)', async () => {
    const a = await run({ cfgMode: 'separate' });
    expect(relativeError(a.images, outputs.float32('image'))).toBeLessThan(1e-3);
  });
});

describe('IP-Adapter controls are exact no-ops where they should be', () => {
  test('weight 0 = no adapter, bit for bit', async () => {
    expect(same((await run({}, { weight: 0 })).images, noAdapter.images)).toBe(true);
  });
  test('an all-zero layer_weights vector = no adapter, bit for bit', async () => {
    const r = await run({}, { layerWeights: '0:0, 3:0, 5:0' });
    expect(same(r.images, noAdapter.images)).toBe(true);
  });
  test('mask of zeros = no adapter; mask of ones = no mask', async () => {
    const zeros = await run({}, { mask: { data: new Float32Array(16 * 16), width: 16, height: 16 } });
    expect(same(zeros.images, noAdapter.images)).toBe(true);
    const plain = await run({});
    const ones = await run({}, { mask: { data: new Float32Array(16 * 16).fill(1), width: 16, height: 16 } });
    expect(same(ones.images, plain.images)).toBe(true);
    // a half mask is neither
    const half = new Float32Array(16 * 16).map((_, i) => (i % 16 < 8 ? 1 : 0));
    const h = await run({}, { mask: { data: half, width: 16, height: 16 } });
    expect(same(h.images, plain.images) || same(h.images, noAdapter.images)).toBe(false);
  });
  test('start_at 0.5 leaves the first steps (σ above σ(499.5)) identical to the no-adapter run', async () => {
    const r = await run({}, { startAt: 0.5 });
    // DDIM 4 steps: t = 751, 501 are above σ(499.5); 251, 1 are in the window
    expect(r.adapterActive[0]).toEqual([false, false, true, true]);
    expect(same(r.latentsPerStep![0], noAdapter.latentsPerStep![0])).toBe(true);
    expect(same(r.latentsPerStep![1], noAdapter.latentsPerStep![1])).toBe(true);
    expect(same(r.latentsPerStep![2], noAdapter.latentsPerStep![2])).toBe(false);
    const end = await run({}, { endAt: 0.5 });
    expect(end.adapterActive[0]).toEqual([true, true, false, false]);
  });
  test('concat of one image = the single image; the same image twice (concat) differs only by fp rounding', async () => {
    const single = await run({});
    const concat1 = await run({}, { combineEmbeds: 'concat', images: [t.images[0]] });
    expect(same(concat1.images, single.images)).toBe(true);
    // duplicated keys/values leave attention unchanged (up to rounding)
    const twice = await run({}, { combineEmbeds: 'concat', images: [t.images[0], t.images[0]] });
    expect(relativeError(twice.images, single.images)).toBeLessThan(1e-4);
    const avg = await run({}, { combineEmbeds: 'average', images: [t.images[0], t.images[1]] });
    expect(relativeError(avg.images, single.images)).toBeGreaterThan(1e-4);
  });
});

describe('determinism, batch, schedulers', () => {
  test('the same seed twice gives identical pixels; another seed does not', async () => {
    const s = { initialNoise: undefined, seed: 42, keepLatents: false };
    const a = await run(s);
    const b = await run(s);
    expect(same(a.images, b.images)).toBe(true);
    const c = await run({ ...s, seed: 43 });
    expect(same(a.images, c.images)).toBe(false);
  });
  test('a batch of 2 with seed s = single runs with seeds s and s + 1', async () => {
    const s = { initialNoise: undefined, seed: 7, keepLatents: false };
    const batch = await run({ ...s, batchSize: 2 });
    const one = await run({ ...s });
    const two = await run({ ...s, seed: 8 });
    const n = 3 * 64 * 64;
    expect(relativeError(batch.images.subarray(0, n), one.images)).toBeLessThan(1e-5);
    expect(relativeError(batch.images.subarray(n), two.images)).toBeLessThan(1e-5);
  });
  test.each(SCHEDULER_NAMES.map((n) => [n]))('%s runs end to end (seeded, 4 steps)', async (name) => {
    const r = await run({ scheduler: name, initialNoise: undefined, seed: 3, keepLatents: false, steps: 4 });
    expect(r.images.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(true);
    expect(r.timings.stepMs).toHaveLength(4);
  });
});

describe('errors come back readable', () => {
  test('invalid settings → PipelineError invalid-settings naming the problem', async () => {
    await expect(run({ scheduler: 'heun' })).rejects.toMatchObject({ code: 'invalid-settings', message: expect.stringContaining('ddim, euler') });
    const e = await run({}, { layerWeights: '3:x' }).catch((x) => x);
    expect(e).toBeInstanceOf(PipelineError);
    expect(e.message).toContain('"3:x"');
  });
});

describe('more controls on the tiny networks', () => {
  test('two adapters (regions) add up: base 0.35 + base 0.35 = base 0.7', async () => {
    const a = fixtureSettings(t).adapters![0];
    const r = await run({ adapters: [{ ...a, weight: 0.35 }, { ...a, weight: 0.35 }] });
    expect(relativeError(r.images, outputs.float32('image'))).toBeLessThan(1e-4);
  });
  test('Plus adapter (Resampler, black-image negative): weight 0 = none, weight 1 changes the image', async () => {
    const plus = { images: [t.images[1]], model: 1 };
    expect(same((await run({ adapters: [{ ...plus, weight: 0 }] })).images, noAdapter.images)).toBe(true);
    expect(relativeError((await run({ adapters: [{ ...plus, weight: 1 }] })).images, noAdapter.images)).toBeGreaterThan(1e-3);
  });
  test('embeds_scaling: K+V at weight 1 = V only at 1 exactly; at 0.5 they differ', async () => {
    const v1 = await run({}, { weight: 1 });
    expect(same((await run({}, { weight: 1, embedsScaling: 'K+V' })).images, v1.images)).toBe(true);
    const v05 = await run({}, { weight: 0.5 });
    const kv05 = await run({}, { weight: 0.5, embedsScaling: 'K+V' });
    expect(relativeError(kv05.images, v05.images)).toBeGreaterThan(1e-4);
    const mean = await run({}, { weight: 1.5, embedsScaling: 'K+mean(V) w/ C penalty' });
    expect(mean.images.every(Number.isFinite)).toBe(true);
  });
  test('negative image: "image" with a black image = "black"; both differ from the zero-embeds default', async () => {
    const { blackClipPixels } = await import('./imageCond');
    const black = await run({}, { negative: { kind: 'black' } });
    const img = await run({}, { negative: { kind: 'image', image: blackClipPixels(32) } });
    expect(same(black.images, img.images)).toBe(true);
    expect(relativeError(black.images, outputs.float32('image'))).toBeGreaterThan(1e-4);
    const noisy = await run({}, { negative: { kind: 'noise', type: 'gaussian', strength: 0.5 } });
    expect(relativeError(noisy.images, black.images)).toBeGreaterThan(1e-4);
  });
  test('unfold_batch: latent i of a batch = single run of image i with seed s + i', async () => {
    const s = { initialNoise: undefined, seed: 11, keepLatents: false };
    const both = await run({ ...s, batchSize: 2 }, { images: [t.images[0], t.images[1]], unfoldBatch: true });
    const one = await run({ ...s }, { images: [t.images[0]] });
    const two = await run({ ...s, seed: 12 }, { images: [t.images[1]] });
    const n = 3 * 64 * 64;
    expect(relativeError(both.images.subarray(0, n), one.images)).toBeLessThan(1e-5);
    expect(relativeError(both.images.subarray(n), two.images)).toBeLessThan(1e-5);
  });
  test('img2img: the init latent is the VAE mean × 0.18215 (vae fixture); strength 0.5 runs 2 of 4 steps', async () => {
    const vaeIn = loadFixtureFile('vae', 'inputs.safetensors').file;
    const vaeOut = loadFixtureFile('vae', 'outputs.safetensors').file;
    const image = { data: vaeIn.float32('image').map((v) => (v + 1) / 2), width: 64, height: 64 };
    const none = await run({ img2img: { image, strength: 0.1 }, initialNoise: undefined, keepLatents: false });
    expect(none.timesteps).toEqual([]);
    expect(relativeError(none.latents, vaeOut.float32('latent_mean_scaled'))).toBeLessThan(1e-4);
    const half = await run({ img2img: { image, strength: 0.5 }, initialNoise: undefined });
    expect(half.timesteps).toEqual([251, 1]);
    expect(half.latentsPerStep).toHaveLength(2);
  });
});
