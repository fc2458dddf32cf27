import { describe, expect, it } from 'vitest';
import { ellipseMask, maskCoverage, maskPanels, maskRuns, splitMask } from './maskPanels';

describe('a left/right mask as SD1.5 layers see it (768×512 image)', () => {
  const W = 768;
  const H = 512;
  const mask = splitMask(W, H, 360);
  const panels = maskPanels(mask, H, W, W, H, 'sd15');

  it('has four resolutions, 64×96 down to 8×12, covering all 16 layers', () => {
    expect(panels.map((p) => `${p.h}×${p.w}`)).toEqual(['64×96', '32×48', '16×24', '8×12']);
    expect(panels.flatMap((p) => p.layers).sort((a, b) => a - b)).toEqual([...Array(16).keys()]);
    expect(panels[0].layers).toEqual([0, 1, 13, 14, 15]);
    expect(panels[3].layers).toEqual([6]);
  });
  it('keeps a hard edge but snaps it to the coarser grid', () => {
    // 360 px of 768 = 46.9 %; 8×12 cells are 64 px wide, sampled at their centres
    expect(panels[0].whiteFraction).toBeCloseTo(45 / 96, 6);
    expect(panels[3].whiteFraction).toBeCloseTo(6 / 12, 6);
    for (const p of panels) for (const v of p.values) expect(v >= 0 && v <= 1).toBe(true);
    // at 32×48 a sample lands between pixel 359 (white) and 360 (black): a grey edge cell
    expect(panels[1].values[22]).toBeCloseTo(0.5, 6);
  });
  it('the inverted mask is the complement at every layer', () => {
    const other = maskPanels(splitMask(W, H, 360, true), H, W, W, H, 'sd15');
    other.forEach((p, i) => p.values.forEach((v, j) => expect(v + panels[i].values[j]).toBe(1)));
  });
  it('maskRuns draws one white run per row', () => {
    const runs = maskRuns(panels[3]);
    expect(runs).toHaveLength(8);
    expect(runs[0]).toEqual({ row: 0, col: 0, len: 6, value: 1 });
  });
});

describe('an ellipse (one person) at every layer', () => {
  const W = 768;
  const H = 512;
  const mask = ellipseMask(W, H, 0.3 * W, 0.55 * H, 0.17 * W, 0.4 * H);
  const panels = maskPanels(mask, H, W, W, H, 'sd15');
  it('keeps roughly the same covered area at every resolution', () => {
    const full = maskCoverage(mask);
    expect(full).toBeCloseTo(Math.PI * 0.17 * 0.4, 2);
    for (const p of panels) expect(Math.abs(maskCoverage(p.values) - full)).toBeLessThan(0.03);
  });
  it('is blocky at 12×8: every value is 0, 1 or a bilinear mix', () => {
    const coarse = panels[panels.length - 1];
    expect(coarse.w * coarse.h).toBe(96);
    for (const v of coarse.values) expect(v >= 0 && v <= 1).toBe(true);
  });
});
