import { describe, expect, test } from 'vitest';
import { compositeOnWhite, hasTransparency } from './composite';
import { dropAlpha } from './types';

describe('compositeOnWhite', () => {
  const rgba = { width: 4, height: 1, data: Uint8Array.of(255, 0, 0, 255, 0, 255, 0, 0, 0, 0, 255, 128, 10, 20, 30, 51) };

  test('opaque stays, transparent becomes white, partial alpha blends with rounding', () => {
    const out = compositeOnWhite(rgba);
    expect(Array.from(out.data)).toEqual([
      255, 0, 0, // opaque red
      255, 255, 255, // the green under alpha 0 is gone
      127, 127, 255, // blue at 128/255: round(255·127/255) = 127
      Math.round((10 * 51 + 255 * 204) / 255), Math.round((20 * 51 + 255 * 204) / 255), Math.round((30 * 51 + 255 * 204) / 255),
    ]);
  });

  test('another background; dropping alpha keeps the hidden colour (what ComfyUI LoadImage does)', () => {
    expect(Array.from(compositeOnWhite(rgba, [0, 0, 0]).data.subarray(3, 6))).toEqual([0, 0, 0]);
    expect(Array.from(dropAlpha(rgba).data.subarray(3, 6))).toEqual([0, 255, 0]);
  });

  test('hasTransparency', () => {
    expect(hasTransparency(rgba)).toBe(true);
    expect(hasTransparency({ width: 1, height: 1, data: Uint8Array.of(1, 2, 3, 255) })).toBe(false);
  });
});
