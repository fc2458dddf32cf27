import { describe, expect, test } from 'vitest';
import { decodeMask, emptyGrid, encodeMask, gridFromValues, gridSizeFor, maskImageOf, paintDisc, paintLine, paintRect, painted, regrid } from './maskGrid';
import { layerMasks } from '../ipadapter/attentionMask';

describe('painted masks', () => {
  test('one cell per latent position, at the output aspect', () => {
    expect(gridSizeFor(512, 512)).toEqual({ width: 64, height: 64 });
    expect(gridSizeFor(768, 512)).toEqual({ width: 96, height: 64 });
    expect(gridSizeFor(4096, 8)).toEqual({ width: 256, height: 1 });
  });

  test('encode → decode is exact; the text is short for painted regions', () => {
    const g = paintDisc(paintRect(emptyGrid(64, 64), { x: 0.5, y: 0, w: 0.5, h: 1 }, 1), 10, 10, 4, 1);
    const t = encodeMask(g);
    expect(t.length).toBeLessThan(600);
    const back = decodeMask(t)!;
    expect(back.width).toBe(64);
    expect(Array.from(back.data)).toEqual(Array.from(g.data));
    expect(encodeMask(emptyGrid(3, 2))).toBe('3x2:6');
    expect(encodeMask(emptyGrid(3, 2, 1))).toBe('3x2:0.6');
  });

  test('decode refuses texts that are not a mask', () => {
    for (const bad of ['', '3x2', '3x2:5', '3x2:7', '0x2:0', '300x2:0', '3x2:0.6.1', 42, null, '3x2:-1']) expect(decodeMask(bad)).toBeNull();
  });

  test('brush and eraser: a disc of cell centres, a stroke without gaps', () => {
    const g = paintDisc(emptyGrid(9, 9), 4.5, 4.5, 1.5, 1);
    expect(painted(g) * 81).toBe(9); // the 3×3 block around the centre (corners at √2 ≤ 1.5)
    const e = paintDisc(g, 4.5, 4.5, 0.5, 0);
    expect(e.data[4 * 9 + 4]).toBe(0);
    expect(g.data[4 * 9 + 4]).toBe(1); // not mutated
    const line = paintLine(emptyGrid(20, 3), 0.5, 1.5, 19.5, 1.5, 0.5, 1);
    expect(Array.from(line.data.slice(20, 40))).toEqual(new Array(20).fill(1));
  });

  test('the rectangle tool uses the mask lab pixel rule', () => {
    const g = paintRect(emptyGrid(8, 4), { x: 0.25, y: 0.5, w: 0.5, h: 0.5 }, 1);
    expect(Array.from(g.data)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0]);
  });

  test('regrid keeps the regions in place; an imported mask thresholds at ½', () => {
    const g = paintRect(emptyGrid(4, 2), { x: 0, y: 0, w: 0.5, h: 1 }, 1);
    expect(Array.from(regrid(g, 8, 1).data)).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    expect(Array.from(gridFromValues([0.2, 0.7, 0.5, 0], 2, 2, 2, 2).data)).toEqual([0, 1, 1, 0]);
  });

  test('at the latent grid, the finest layers see the painted mask unchanged', () => {
    const g = paintRect(emptyGrid(8, 8), { x: 0, y: 0, w: 0.5, h: 0.5 }, 1);
    const m = maskImageOf(g);
    const lm = layerMasks(m.data, 8, 8, 8, 8, 'sd15');
    expect(Array.from(lm.bySeqLen.get(64)!)).toEqual(Array.from(m.data));
  });
});
