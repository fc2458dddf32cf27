import { describe, expect, it } from 'vitest';
import { applyEmbedsScaling, EMBEDS_SCALING_MODES, embedsScalingFor, isEmbedsScaling } from './embedsScaling';

describe('embedsScalingFor', () => {
  it('lists ComfyUI’s four modes', () => {
    expect(EMBEDS_SCALING_MODES).toEqual(['V only', 'K+V', 'K+V w/ C penalty', 'K+mean(V) w/ C penalty']);
    expect(isEmbedsScaling('K+V')).toBe(true);
    expect(isEmbedsScaling('K only')).toBe(false);
  });

  it('V only: the output is scaled by w', () => {
    for (const c of [320, 640, 1280]) {
      expect(embedsScalingFor('V only', 0.8, c)).toEqual({ active: true, kScale: 1, vScale: 1, vMeanOnly: false, outScale: 0.8 });
    }
  });

  it('K+V: K and V by w at every width', () => {
    expect(embedsScalingFor('K+V', 1.5, 320)).toEqual({ active: true, kScale: 1.5, vScale: 1.5, vMeanOnly: false, outScale: 1 });
  });

  it('C penalty: w·C/1280 — ¼ at 320, ½ at 640, all at 1280', () => {
    const w = 2;
    expect([320, 640, 1280].map((c) => embedsScalingFor('K+V w/ C penalty', w, c).kScale)).toEqual([0.5, 1, 2]);
    expect([320, 640, 1280].map((c) => embedsScalingFor('K+V w/ C penalty', w, c).vScale)).toEqual([0.5, 1, 2]);
    expect(embedsScalingFor('K+mean(V) w/ C penalty', w, 640)).toEqual({ active: true, kScale: 1, vScale: 1, vMeanOnly: true, outScale: 1 });
  });

  it('weight 0 marks the layer inactive (ComfyUI skips it)', () => {
    for (const m of EMBEDS_SCALING_MODES) expect(embedsScalingFor(m, 0, 640).active).toBe(false);
    expect(embedsScalingFor('V only', -0.5, 640).active).toBe(true);
  });
});

describe('applyEmbedsScaling', () => {
  // 2 tokens × 3 channels
  const k = Float32Array.from([1, 2, 3, 4, 5, 6]);
  const v = Float32Array.from([1, 0, 2, 3, 4, -2]);

  it('K+V scales both', () => {
    const r = applyEmbedsScaling(k, v, 2, 3, embedsScalingFor('K+V', 2, 320));
    expect(Array.from(r.k)).toEqual([2, 4, 6, 8, 10, 12]);
    expect(Array.from(r.v)).toEqual([2, 0, 4, 6, 8, -4]);
  });

  it('K+mean(V): the per-channel token mean is scaled, the deviations are kept', () => {
    const plan = embedsScalingFor('K+mean(V) w/ C penalty', 2, 1280); // w' = 2
    const r = applyEmbedsScaling(k, v, 2, 3, plan);
    expect(Array.from(r.k)).toEqual([2, 4, 6, 8, 10, 12]);
    // means per channel: [2, 2, 0]; v − mean + 2·mean
    expect(Array.from(r.v)).toEqual([3, 2, 2, 5, 6, -2]);
  });

  it('V only leaves K and V alone (the output carries w)', () => {
    const r = applyEmbedsScaling(k, v, 2, 3, embedsScalingFor('V only', 3, 640));
    expect(Array.from(r.k)).toEqual(Array.from(k));
    expect(Array.from(r.v)).toEqual(Array.from(v));
  });

  it('checks shapes', () => {
    expect(() => applyEmbedsScaling(k, v, 3, 3, embedsScalingFor('K+V', 1, 320))).toThrow(/must both be 3×3/);
  });
});
