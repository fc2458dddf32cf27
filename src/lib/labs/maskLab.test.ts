import { describe, expect, it } from 'vitest';
import { clampRect, coverage, DEFAULT_RECTS, KEY_STEP, maskLevels, MIN_SIDE, moveRect, rectMask, resizeRect } from './maskLab';

describe('mask lab', () => {
  it('512×512: SD1.5 layers at 64×64, 32×32, 16×16 and 8×8 with the right layer indices', () => {
    const levels = maskLevels(DEFAULT_RECTS, 512, 512);
    expect(levels.map((l) => [l.size.h, l.size.w, l.seqLen])).toEqual([
      [64, 64, 4096],
      [32, 32, 1024],
      [16, 16, 256],
      [8, 8, 64],
    ]);
    expect(levels.map((l) => l.layers)).toEqual([[0, 1, 13, 14, 15], [2, 3, 10, 11, 12], [4, 5, 7, 8, 9], [6]]);
    for (const l of levels) for (const m of l.masks) expect(m.length).toBe(l.seqLen);
  });
  it('768×512 (landscape): mask grids keep the aspect, 64×96 down to 8×12', () => {
    const levels = maskLevels(DEFAULT_RECTS, 768, 512);
    expect(levels.map((l) => [l.size.h, l.size.w])).toEqual([[64, 96], [32, 48], [16, 24], [8, 12]]);
  });
  it('the left half of the image stays exactly the left half at 8×8', () => {
    const left = { x: 0, y: 0, w: 0.5, h: 1 };
    const [, , , l8] = maskLevels([left, left], 512, 512);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) expect(l8.masks[0][y * 8 + x]).toBe(x < 4 ? 1 : 0);
    expect(l8.coverage[0]).toBe(0.5);
  });
  it('coverage at each level is close to the region’s area', () => {
    const levels = maskLevels(DEFAULT_RECTS, 512, 512);
    const area = DEFAULT_RECTS[0].w * DEFAULT_RECTS[0].h;
    expect(coverage(rectMask(DEFAULT_RECTS[0], 512, 512))).toBeCloseTo(area, 6);
    for (const l of levels) expect(Math.abs(l.coverage[0] - area)).toBeLessThan(0.06);
  });
  it('rectangles stay inside the image and keep a minimum size', () => {
    expect(moveRect({ x: 0.9, y: 0.9, w: 0.2, h: 0.2 }, KEY_STEP, KEY_STEP)).toEqual({ x: 0.8, y: 0.8, w: 0.2, h: 0.2 });
    expect(resizeRect({ x: 0, y: 0, w: 0.1, h: 0.1 }, -1, -1)).toEqual({ x: 0, y: 0, w: MIN_SIDE, h: MIN_SIDE });
    expect(resizeRect({ x: 0.5, y: 0.5, w: 0.4, h: 0.4 }, 0.5, 0)).toMatchObject({ w: 0.5 });
    expect(clampRect({ x: NaN, y: -1, w: 2, h: 0.5 } as never)).toEqual({ x: 0, y: 0, w: 1, h: 0.5 });
  });
});
