// Attention maps on the tiny fixture networks: a UNet built with probe outputs, one step
// recorded, reduced to per-layer token-major maps (first image, conditional half, mean over
// heads). Checked against the raw probe outputs reduced independently here, and for what a
// probability must be (each position's text probabilities sum to 1 over the tokens).
import { beforeAll, describe, expect, test } from 'vitest';
import { ort } from '../../../test/ort';
import { generate } from './generate';
import { fixtureSettings, tinyPipeline, tinyWeights, type TinyPipeline } from './tinyFixture.testutil';
import { tokensAtLevel, unetCrossAttentionLayers } from '../models/unet';
import { headMeanTokenMajor, tokenMap } from './attentionMaps';
import { PipelineClient } from './client';
import { inProcessWorker, tinyFiles, tinyLoadOptions, tinySettings } from './inProcessWorker.testutil';
import type { PipelineRunners, Tensor32 } from './runners';

let t: TinyPipeline;
let L = 0;
beforeAll(async () => {
  L = unetCrossAttentionLayers(tinyWeights().configs.unet).length;
  t = await tinyPipeline(ort, { probeLayers: [0, L - 1], vaeEncoder: false });
});

/** The runners, recording the raw probe outputs and the feeds of the probed call. */
function recording(r: PipelineRunners) {
  const seen: { feeds: Record<string, Tensor32>; probes: Record<string, Tensor32> }[] = [];
  const runners: PipelineRunners = {
    ...r,
    unet: {
      ...r.unet, inputNames: r.unet.inputNames, branchModels: r.unet.branchModels, probeLayers: r.unet.probeLayers, run: r.unet.run,
      async runWithProbes(feeds, names) {
        const res = await r.unet.runWithProbes!(feeds, names);
        seen.push({ feeds, probes: res.probes });
        return res;
      },
    },
  };
  return { runners, seen };
}

describe('attention maps', () => {
  test('dims per layer, probabilities over tokens, = the raw probes reduced independently (cond row of image 0, mean over heads)', async () => {
    const rec = recording(t.runners);
    const s = { ...fixtureSettings(t), attention: { layers: [L - 1, 0], step: 1 } };
    const r = await generate(rec.runners, t.info, s);
    expect(rec.seen).toHaveLength(1);
    expect(r.attention!.map((a) => [a.layer, a.step])).toEqual([[L - 1, 1], [0, 1]]);
    const layers = unetCrossAttentionLayers(t.info.unet);
    for (const a of r.attention!) {
      const { h, w } = tokensAtLevel(8, 8, layers[a.layer].level);
      expect([a.h, a.w, a.textTokens]).toEqual([h, w, 77]);
      expect(a.text).toHaveLength(77 * h * w);
      // every position's probabilities over the 77 text tokens sum to 1
      for (let p = 0; p < h * w; p++) {
        let sum = 0;
        for (let k = 0; k < 77; k++) sum += a.text[k * h * w + p];
        expect(sum).toBeCloseTo(1, 5);
      }
      expect(a.image).toHaveLength(1);
      expect(a.image[0]).toMatchObject({ adapter: 0, tokens: 4 });
      // independent reduction of the raw outputs: batch [uncond, cond] → row 1; [B, heads, S, T]
      for (const [name, got] of [[`attn_text_${a.layer}`, a.text], [`attn_ip_0_${a.layer}`, a.image[0].maps]] as const) {
        const raw = rec.seen[0].probes[name];
        const [B, heads, S, T] = raw.dims;
        expect(B).toBe(2);
        for (let k = 0; k < T; k++) {
          for (let p = 0; p < S; p++) {
            let m = 0;
            for (let hd = 0; hd < heads; hd++) m += raw.data[((1 * heads + hd) * S + p) * T + k];
            expect(got[k * S + p]).toBeCloseTo(m / heads, 6);
          }
        }
      }
      for (let p = 0; p < h * w; p++) {
        let sum = 0;
        for (let k = 0; k < 4; k++) sum += a.image[0].maps[k * h * w + p];
        expect(sum).toBeCloseTo(1, 5);
      }
      expect(tokenMap(a.text, 1, h, w)).toHaveLength(h * w);
    }
  });

  test('image maps are probabilities before the weight: layer 0 at step 0 is the same at weight 0.2 and 0.9', async () => {
    const run = (weight: number) => generate(t.runners, t.info, { ...fixtureSettings(t), adapters: [{ ...fixtureSettings(t).adapters![0], weight }], attention: { layers: [0], step: 0 } });
    const [a, b] = [(await run(0.2)).attention![0], (await run(0.9)).attention![0]];
    expect(Array.from(b.image[0].maps)).toEqual(Array.from(a.image[0].maps));
    // … while a later layer sees the weight through the hidden states
    expect(Array.from((await run(0.2)).images)).not.toEqual(Array.from((await run(0.9)).images));
  });

  test('headMeanTokenMajor rejects a wrong shape; a UNet without the layer says so', async () => {
    expect(() => headMeanTokenMajor(new Float32Array(8), [1, 2, 2, 3], 0)).toThrow(/batch, heads, positions, tokens/);
    const plain = await tinyPipeline(ort, { vaeEncoder: false });
    const e = await generate(plain.runners, plain.info, { ...fixtureSettings(plain), attention: { layers: [1] } }).catch((x) => x);
    expect(e.code).toBe('missing-model');
    expect(e.message).toContain('layers [1]');
    const bad = await generate(plain.runners, plain.info, { ...fixtureSettings(plain), attention: { layers: [99], step: 9 } }).catch((x) => x);
    expect(bad.code).toBe('invalid-settings');
    expect(bad.details.map((d: { path: string }) => d.path)).toEqual(['attention.layers', 'attention.step']);
  });

  test('through the worker: the probing UNet is made on demand (Blob files), maps come back; released bytes ask for options.probeLayers', async () => {
    const client = new PipelineClient(inProcessWorker());
    await client.load(tinyFiles(true), tinyLoadOptions());
    const r = await client.generate({ ...tinySettings(), attention: { layers: [2] } });
    expect(r.attention).toHaveLength(1);
    expect(r.attention![0]).toMatchObject({ layer: 2, step: 3, textTokens: 77 });
    expect(r.attention![0].text).toBeInstanceOf(Float32Array);

    const bytesOnly = new PipelineClient(inProcessWorker());
    await bytesOnly.load(tinyFiles(), tinyLoadOptions());
    const e = await bytesOnly.generate({ ...tinySettings(), attention: { layers: [2] } }).catch((x) => x);
    expect(e.code).toBe('missing-model');
    expect(e.message).toContain('options.probeLayers = [2]');
  });
});
