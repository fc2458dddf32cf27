import { describe, expect, it } from 'vitest';
import { chwToRgba, isRgbaImage } from './resultImage';

describe('chwToRgba', () => {
  it("the pipeline's [batch, 3, h, w] floats → RGBA rows of one image, clipped", () => {
    // batch of 2, 2×1 pixels: image 1 is red then blue, with an overshoot and a negative value
    const chw = Float32Array.from([
      0, 0, 0, 0, 0, 0, // image 0
      1.2, 0, /* G */ 0, 0.5, /* B */ -0.1, 1, // image 1
    ]);
    const img = chwToRgba(chw, 2, 1, 1);
    expect(Array.from(img.data)).toEqual([255, 0, 0, 255, 0, 128, 255, 255]);
    expect(isRgbaImage(img)).toBe(true);
  });
  it('refuses an index past the batch, naming the sizes', () => {
    expect(() => chwToRgba(new Float32Array(6), 2, 1, 1)).toThrow(/needs 12 values, got 6/);
  });
  it('isRgbaImage checks the length', () => {
    expect(isRgbaImage({ width: 2, height: 2, data: new Uint8ClampedArray(15) })).toBe(false);
    expect(isRgbaImage('data:image/png;base64,')).toBe(false);
  });
});
