import { describe, expect, test } from 'vitest';
import { contrastAdaptiveSharpening, prepGeometry, prepImageForClipVision } from './prepForClipVision';
import { clipPreprocess } from './clipPreprocess';
import type { RgbImage } from './types';

/** A w×h image whose rows (or columns) are coloured by region: first third red, then green, then blue. */
function bands(width: number, height: number, vertical: boolean): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const t = vertical ? y / height : x / width;
    const c = t < 1 / 3 ? 0 : t < 2 / 3 ? 1 : 2;
    data[(y * width + x) * 3 + c] = 255;
  }
  return { width, height, data };
}
const pixel = (img: RgbImage, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

describe('PrepImageForClipVision (ComfyUI_IPAdapter_plus)', () => {
  test('crop geometry for each position, portrait and landscape', () => {
    expect(prepGeometry(200, 300, 'center')).toEqual({ kind: 'crop', x: 0, y: 50, side: 200 });
    expect(prepGeometry(200, 300, 'top')).toEqual({ kind: 'crop', x: 0, y: 0, side: 200 });
    expect(prepGeometry(200, 300, 'bottom')).toEqual({ kind: 'crop', x: 0, y: 100, side: 200 });
    expect(prepGeometry(300, 200, 'left')).toEqual({ kind: 'crop', x: 0, y: 0, side: 200 });
    expect(prepGeometry(300, 200, 'right')).toEqual({ kind: 'crop', x: 100, y: 0, side: 200 });
    // "left" on a portrait image moves nothing vertically: the centre row band stays
    expect(prepGeometry(200, 300, 'left')).toEqual({ kind: 'crop', x: 0, y: 50, side: 200 });
  });

  test('pad adds (long − short) // 2 of black on each side; an odd difference stays one pixel short', () => {
    expect(prepGeometry(200, 300, 'pad')).toEqual({ kind: 'pad', padX: 50, padY: 0 });
    expect(prepGeometry(300, 201, 'pad')).toEqual({ kind: 'pad', padX: 0, padY: 49 });
    expect(prepGeometry(64, 64, 'pad')).toEqual({ kind: 'pad', padX: 0, padY: 0 });
  });

  test('top / center / bottom keep the matching band of a tall image', () => {
    const tall = bands(30, 90, true);
    const opts = { size: 6, interpolation: 'NEAREST' as const };
    expect(pixel(prepImageForClipVision(tall, { ...opts, cropPosition: 'top' }), 3, 3)).toEqual([255, 0, 0]);
    expect(pixel(prepImageForClipVision(tall, { ...opts, cropPosition: 'center' }), 3, 3)).toEqual([0, 255, 0]);
    expect(pixel(prepImageForClipVision(tall, { ...opts, cropPosition: 'bottom' }), 3, 3)).toEqual([0, 0, 255]);
    const wide = bands(90, 30, false);
    expect(pixel(prepImageForClipVision(wide, { ...opts, cropPosition: 'left' }), 3, 3)).toEqual([255, 0, 0]);
    expect(pixel(prepImageForClipVision(wide, { ...opts, cropPosition: 'right' }), 3, 3)).toEqual([0, 0, 255]);
  });

  test('pad keeps the whole picture, with black bars', () => {
    const tall = bands(30, 90, true);
    const out = prepImageForClipVision(tall, { size: 9, interpolation: 'NEAREST', cropPosition: 'pad' });
    expect(pixel(out, 0, 4)).toEqual([0, 0, 0]); // left bar
    expect(pixel(out, 8, 4)).toEqual([0, 0, 0]); // right bar
    expect(pixel(out, 4, 0)).toEqual([255, 0, 0]); // top of the picture
    expect(pixel(out, 4, 8)).toEqual([0, 0, 255]); // bottom
  });

  test('default LANCZOS to 224, then clipPreprocess leaves the 224×224 image as it is', () => {
    const img = bands(300, 200, false);
    const prepped = prepImageForClipVision(img);
    expect([prepped.width, prepped.height]).toEqual([224, 224]);
    const pixels = clipPreprocess(prepped);
    expect(pixels.length).toBe(3 * 224 * 224);
    expect(Array.from(clipPreprocess(prepped, { mode: 'comfyui' }))).toEqual(Array.from(pixels));
  });

  test('sharpening: 0 changes nothing, a flat interior stays flat, an edge gains contrast', () => {
    const img = bands(30, 30, false);
    expect(Array.from(prepImageForClipVision(img, { size: 30, interpolation: 'NEAREST', sharpening: 0 }).data)).toEqual(Array.from(img.data));
    const grey: RgbImage = { width: 8, height: 8, data: new Uint8Array(8 * 8 * 3) };
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) grey.data.fill(x < 4 ? 100 : 150, (y * 8 + x) * 3, (y * 8 + x) * 3 + 3);
    const s = contrastAdaptiveSharpening(grey, 1);
    expect(pixel(s, 1, 4)).toEqual([100, 100, 100]);
    expect(s.data[(4 * 8 + 3) * 3]).toBeLessThan(100); // dark side of the edge gets darker
    expect(s.data[(4 * 8 + 4) * 3]).toBeGreaterThan(150); // bright side brighter
  });

  test('bad options name the valid ones', () => {
    const img = bands(4, 4, true);
    expect(() => prepImageForClipVision(img, { cropPosition: 'middle' as never })).toThrow(/top, bottom, left, right, center, pad/);
    expect(() => prepImageForClipVision(img, { interpolation: 'CUBIC' as never })).toThrow(/LANCZOS, BICUBIC/);
    expect(() => prepImageForClipVision(img, { sharpening: 2 })).toThrow(/between 0 and 1/);
  });
});
