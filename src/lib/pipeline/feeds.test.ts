// What the loop feeds the UNet for each IP-Adapter control, on SD1.5's real layer layout (16
// cross-attention layers, 4 mask levels), with stand-in networks that record the feeds.
import { describe, expect, test } from 'vitest';
import { SD15_UNET } from '../models/configs';
import { layerWeightsFor, swapsCondUncond, WEIGHT_TYPES } from '../ipadapter/weightTypes';
import { embedsScalingFor } from '../ipadapter/embedsScaling';
import { generate, PipelineError } from './generate';
import { fakeRunners, levelTokens } from './fakeRunners.testutil';
import type { AdapterSettings, GenerateSettings } from './settings';
import { IP_LAYERS } from '../ipadapter/weightTypes';
import { clipPreprocess } from '../image/clipPreprocess';
import { compositeOnWhite } from '../image/composite';
import { prepImageForClipVision } from '../image/prepForClipVision';

const info = { unet: SD15_UNET, vaeScale: 8, scalingFactor: 0.18215 };
const px = (v: number) => ({ data: new Float32Array(3 * 224 * 224).fill(v), size: 224 });
const base: GenerateSettings = { prompt: { ids: new Array(77).fill(49407).map((x, i) => (i === 0 ? 49406 : x)) }, negativePrompt: { ids: new Array(77).fill(7) }, width: 128, height: 128, steps: 4, guidance: 5, scheduler: 'ddim', seed: 1 };
const L = 16;

async function feeds(adapters: AdapterSettings[], extra: Partial<GenerateSettings> = {}, branchModels = [0, 0, 0, 0]) {
  const f = fakeRunners({ config: SD15_UNET, branchModels, record: true });
  const r = await generate(f.runners, info, { ...base, ...extra, adapters });
  return { calls: f.unetCalls, result: r, fake: f };
}
const vec = (t: { data: Float32Array }) => Array.from(t.data);
const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 6));

describe('per-layer scales fed to the UNet', () => {
  test.each(WEIGHT_TYPES.map((w) => [w]))('%s: ip_scale equals layerWeightsFor on every layer (precise: split over two branches)', async (type) => {
    const { calls } = await feeds([{ images: [px(0.3)], weight: 0.8, weightType: type }]);
    const want = layerWeightsFor(type, { weight: 0.8, arch: 'sd15' });
    const swap = swapsCondUncond(type, 'sd15');
    const normal = vec(calls[0].ip_scale_0);
    close(normal, want.map((w, i) => (swap[i] ? 0 : w)));
    const precise = swap.some(Boolean);
    close(vec(calls[0].ip_scale_1), precise ? want.map((w, i) => (swap[i] ? w : 0)) : new Array(L).fill(0));
    // unused branches are off
    close(vec(calls[0].ip_scale_3), new Array(L).fill(0));
  });

  test('precise types: the swapped branch gives uncond rows the reference and cond rows zeros', async () => {
    const { calls } = await feeds([{ images: [px(0.3)], weightType: 'style transfer precise' }]);
    const c = calls[0];
    const [B, T, D] = c.ip_tokens_0.dims;
    expect(B).toBe(2);
    const row = (name: string, b: number) => c[name].data.subarray(b * T * D, (b + 1) * T * D);
    // branch 0 (normal): uncond row = negative (zero embeds → projector(0)), cond row = reference
    expect(Array.from(row('ip_tokens_1', 0))).toEqual(Array.from(row('ip_tokens_0', 1)));
    expect(row('ip_tokens_1', 1).every((v) => v === 0)).toBe(true);
    expect(Array.from(row('ip_tokens_0', 0))).not.toEqual(Array.from(row('ip_tokens_0', 1)));
  });

  test('layer_weights (Mad Scientist) overrides the type and multiplies by weight', async () => {
    const { calls } = await feeds([{ images: [px(0.3)], weight: 0.5, weightType: 'ease in', layerWeights: '0:1, 6:2, 15:0.4' }]);
    const want = new Array(L).fill(0);
    want[0] = 0.5; want[6] = 1; want[15] = 0.2;
    close(vec(calls[0].ip_scale_0), want);
  });

  test('start/end: all scales 0 outside the window, per step', async () => {
    const { calls, result } = await feeds([{ images: [px(0.3)], startAt: 0.3, endAt: 0.8 }], { steps: 10 });
    expect(result.adapterActive[0].filter(Boolean).length).toBeGreaterThan(2);
    calls.forEach((c, k) => {
      const on = result.adapterActive[0][k];
      expect(vec(c.ip_scale_0).every((v) => v === (on ? 1 : 0))).toBe(true);
    });
    expect(result.adapterActive[0][0]).toBe(false);
    expect(result.adapterActive[0][9]).toBe(false);
  });

  test('embeds_scaling K+mean(V) w/ C penalty: k scale w·C/1280, λ 1, μ w′ − 1', async () => {
    const { calls } = await feeds([{ images: [px(0.3)], weight: 1.5, embedsScaling: 'K+mean(V) w/ C penalty' }]);
    const widths = IP_LAYERS.sd15.map((l) => l.width);
    close(vec(calls[0].ip_k_scale_0), widths.map((c) => (1.5 * c) / 1280));
    close(vec(calls[0].ip_scale_0), widths.map(() => 1));
    close(vec(calls[0].ip_v_mean_0), widths.map((c) => (1.5 * c) / 1280 - 1));
    expect(embedsScalingFor('K+mean(V) w/ C penalty', 1.5, 320).kScale).toBeCloseTo(0.375);
  });
});

describe('references, masks, batches', () => {
  test('regional: two adapters with complementary masks, each mask resized per level (ComfyUI rule)', async () => {
    const left = new Float32Array(32 * 32).map((_, i) => (i % 32 < 16 ? 1 : 0));
    const right = left.map((v) => 1 - v);
    const { calls } = await feeds([
      { images: [px(0.2)], mask: { data: left, width: 32, height: 32 } },
      { images: [px(0.7)], mask: { data: right, width: 32, height: 32 }, weight: 0.6 },
    ]);
    const c = calls[0];
    const tokens = levelTokens(SD15_UNET, 16, 16);
    expect(tokens).toEqual([256, 64, 16, 4]);
    tokens.forEach((S, l) => {
      const a = c[`ip_mask_0_${l}`];
      const b = c[`ip_mask_1_${l}`];
      expect(a.dims).toEqual([1, S]);
      a.data.forEach((v, i) => expect(v + b.data[i]).toBeCloseTo(1, 6));
      expect(a.data[0]).toBe(1);
      expect(a.data[S - 1]).toBe(0);
    });
    // each adapter's own scale and references; the unused branches get masks of ones
    expect(vec(c.ip_scale_1).every((v) => Math.abs(v - 0.6) < 1e-7)).toBe(true);
    expect(c.ip_tokens_0.data[c.ip_tokens_0.data.length - 1]).not.toBe(c.ip_tokens_1.data[c.ip_tokens_1.data.length - 1]);
    expect(c.ip_mask_3_0.data.every((v) => v === 1)).toBe(true);
  });

  test('combine: concat gives N·T tokens; average gives T', async () => {
    const two = [px(0.2), px(0.6)];
    expect((await feeds([{ images: two, combineEmbeds: 'concat' }])).calls[0].ip_tokens_0.dims).toEqual([2, 8, 768]);
    expect((await feeds([{ images: two, combineEmbeds: 'average' }])).calls[0].ip_tokens_0.dims).toEqual([2, 4, 768]);
  });

  test('unfold_batch: image i → latent i (last repeats), in both the cond and uncond rows', async () => {
    const { calls } = await feeds([{ images: [px(0.2), px(0.6)], unfoldBatch: true, negative: { kind: 'black' } }], { batchSize: 3 });
    const c = calls[0];
    const [B, T, D] = c.ip_tokens_0.dims;
    expect(B).toBe(6);
    const first = (b: number) => c.ip_tokens_0.data[b * T * D];
    // rows: uncond 0..2, cond 0..2
    expect(first(3)).not.toBe(first(4));
    expect(first(5)).toBe(first(4));
    expect(first(0)).toBe(first(1)); // one black negative, repeated
  });

  test('CFG layout: one call of 2n rows [uncond…, cond…], or two calls of n; no uncond pass at guidance ≤ 1', async () => {
    const batch = await feeds([], { batchSize: 2 });
    expect(batch.calls).toHaveLength(4);
    expect(batch.calls[0].sample.dims[0]).toBe(4);
    const sep = await feeds([], { batchSize: 2, cfgMode: 'separate' });
    expect(sep.calls).toHaveLength(8);
    expect(sep.calls[0].sample.dims[0]).toBe(2);
    const noCfg = await feeds([], { guidance: 1 });
    expect(noCfg.calls).toHaveLength(4);
    expect(noCfg.calls[0].sample.dims[0]).toBe(1);
    expect(Array.from(batch.result.images.subarray(0, 3))).toEqual([0.5, 0.5, 0.5]);
  });

  test('a prompt with (word:1.5) is tokenized by the real CLIP BPE and weighted against the empty prompt', async () => {
    const { fake, calls } = await feeds([], { prompt: 'a (cat:1.5)', negativePrompt: '' });
    // prompt, empty prompt (for the weighting), negative prompt
    expect(fake.textCalls.map((c) => Array.from(c.slice(0, 4)))).toEqual([[49406, 320, 2368, 49407], [49406, 49407, 49407, 49407], [49406, 49407, 49407, 49407]]);
    const e = calls[0].encoder_hidden_states;
    const D = 768;
    const cond = e.data.subarray(77 * D);
    // z' = (z − z_empty)·1.5 + z_empty at the "cat" position (2): (2368 % 1000 − 407)/1000·1.5 + 0.407
    expect(cond[2 * D]).toBeCloseTo((0.368 - 0.407) * 1.5 + 0.407, 5);
    expect(cond[1 * D]).toBeCloseTo(0.32, 6);
  });

  test('8-bit RGBA references are composited on white, prepped (pad) and CLIP-preprocessed by src/lib/image', async () => {
    const w = 40;
    const h = 20;
    const rgba = new Uint8Array(w * h * 4).map((_, i) => (i % 4 === 3 ? (i % 8 === 3 ? 0 : 255) : (i * 7) % 256));
    const { fake } = await feeds([{ images: [{ image: { width: w, height: h, data: rgba }, prep: { cropPosition: 'pad' } }] }]);
    const want = clipPreprocess(prepImageForClipVision(compositeOnWhite({ width: w, height: h, data: rgba }), { cropPosition: 'pad', size: 224 }), { size: 224 });
    expect(fake.imageCalls[0].dims).toEqual([1, 3, 224, 224]);
    expect(Array.from(fake.imageCalls[0].data)).toEqual(Array.from(want));
    const bad = await feeds([{ images: [{ image: { width: 3, height: 3, data: new Uint8Array(5) } }] }]).catch((e) => e);
    expect(bad.message).toContain('not 3×3×3 (RGB) or ×4 (RGBA)');
  });

  test('a setup the loaded UNet cannot host says which branches it needs', async () => {
    const err = await feeds([{ images: [px(0.3)], weightType: 'composition precise' }], {}, [0]).catch((e) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect(err.code).toBe('unet-branches');
    expect(err.message).toContain('[0, 0]');
  });

  test('cancel: an aborted signal stops before the next step', async () => {
    const f = fakeRunners({ config: SD15_UNET, branchModels: [], record: true });
    const ac = new AbortController();
    const p = generate(f.runners, info, { ...base, steps: 10 }, { signal: ac.signal, onProgress: (s) => { if (s.step === 3) ac.abort(); } });
    await expect(p).rejects.toMatchObject({ code: 'cancelled', message: 'Cancelled before step 4 of 10.' });
    expect(f.unetCalls).toHaveLength(3);
  });

  test('progress: previews per image each step, 16×16 RGBA at 128×128', async () => {
    const f = fakeRunners({ config: SD15_UNET, branchModels: [] });
    const seen: number[] = [];
    await generate(f.runners, info, { ...base, batchSize: 2 }, { onProgress: (p) => { seen.push(p.step); expect(p.previews).toHaveLength(2); expect(p.previews[0].rgba.length).toBe(16 * 16 * 4); } });
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  test('img2img: strength 0.5 of 4 steps runs the last 2, from the encoded image noised to the first of them', async () => {
    const f = fakeRunners({ config: SD15_UNET, branchModels: [], record: true });
    const image = { data: new Float32Array(3 * 128 * 128).fill(0.5), width: 128, height: 128 };
    const r = await generate(f.runners, info, { ...base, img2img: { image, strength: 0.5 } });
    expect(r.timesteps).toEqual([251, 1]);
    expect(f.unetCalls).toHaveLength(2);
  });
});
