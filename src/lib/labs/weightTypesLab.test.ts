import { describe, expect, it } from 'vitest';
import { layerWeightsMessage, scheduleView, weightTypesView } from './weightTypesLab';

const base = { weight: 1, compositionWeight: 1, layerWeights: '' };

describe('weight-type lab', () => {
  it('SD1.5 linear: 16 layers, all at the weight', () => {
    const v = weightTypesView({ ...base, arch: 'sd15', weightType: 'linear', weight: 0.8 });
    expect(v.layers.map((l) => l.weight)).toEqual(new Array(16).fill(0.8));
    expect(v.layers.filter((l) => l.composition).map((l) => l.layer.index)).toEqual([4, 5]);
  });
  it('SDXL style transfer: only layer 6; style and composition: 3 gets the composition weight', () => {
    const st = weightTypesView({ ...base, arch: 'sdxl', weightType: 'style transfer' });
    expect(st.layers.map((l) => l.weight)).toEqual([0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    const sc = weightTypesView({ ...base, arch: 'sdxl', weightType: 'style and composition', weight: 0.9, compositionWeight: 0.4 });
    expect(sc.layers[3].weight).toBe(0.4);
    expect(sc.layers[6].weight).toBe(0.9);
  });
  it('precise types mark the swapped layers', () => {
    const v = weightTypesView({ ...base, arch: 'sdxl', weightType: 'style transfer precise' });
    expect(v.layers.filter((l) => l.swap).map((l) => l.layer.index)).toEqual([3]);
  });
  it('a layer_weights string overrides the type (linear), errors are explained in both languages', () => {
    const v = weightTypesView({ ...base, arch: 'sdxl', weightType: 'ease in', weight: 0.5, layerWeights: '3:1, 6:2' });
    expect(v.usedLayerWeights).toBe(true);
    expect(v.effectiveType).toBe('linear');
    expect(v.layers[3].weight).toBe(0.5);
    expect(v.layers[6].weight).toBe(1);
    const bad = weightTypesView({ ...base, arch: 'sdxl', weightType: 'linear', layerWeights: '11:1, 3=1' });
    expect(bad.errors.map((e) => e.code)).toEqual(['index-out-of-range', 'missing-colon']);
    expect(layerWeightsMessage(bad.errors[0], 'sdxl', 'zh')).toContain('0–10');
    expect(layerWeightsMessage(bad.errors[0], 'sdxl', 'en')).toContain('0–10');
    expect(bad.layers.every((l) => l.weight === 1)).toBe(true); // preview keeps the type's weights
  });
  it('end_at = 0.5 at 20 steps: 10 active steps with Euler, 9 with DPM++ 2M Karras', () => {
    expect(scheduleView('euler', 20, 0, 0.5).activeCount).toBe(10);
    expect(scheduleView('dpmpp_2m_karras', 20, 0, 0.5).activeCount).toBe(9);
    const v = scheduleView('ddim', 30, 0.2, 0.8);
    expect(v.steps.length).toBe(30);
    for (const s of v.steps) expect(s.active).toBe(s.sigma <= v.sigmaStart && s.sigma >= v.sigmaEnd);
  });
  it('start_at ≥ end_at is an error, nothing active', () => {
    const v = scheduleView('euler', 20, 0.6, 0.4);
    expect(v.ok).toBe(false);
    expect(v.activeCount).toBe(0);
    expect(v.error).toMatch(/start_at/);
  });
});
