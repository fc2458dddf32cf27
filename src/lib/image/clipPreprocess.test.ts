import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadFixtureFile } from '../../../test/load-fixture';
import { fixture } from '../../../test/fixtures';
import { CLIP_MEAN, CLIP_STD, clipPixelsToRgb, clipPreprocess, shortSideResize } from './clipPreprocess';
import { FILTERS, pilResize, type PilFilter } from './resample';
import type { RgbImage } from './types';

const pre = loadFixtureFile('clip_vision', 'preprocess.safetensors').file;
const cfg = JSON.parse(readFileSync(fixture('clip_vision', 'preprocess_config.json'), 'utf8')) as {
  size: { shortest_edge: number }; crop_size: { height: number }; image_mean: number[]; image_std: number[]; resample: number;
};
const info = pre.info('image_uint8_hwc');
const [H, W] = info.shape;
const input: RgbImage = { width: W, height: H, data: pre.bytes.slice(info.begin, info.end) };
const expected = pre.float32('pixel_values');
const S = cfg.size.shortest_edge;

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** A deterministic pseudo-random RGB image. */
function noise(width: number, height: number, seed = 1): RgbImage {
  let s = seed;
  const data = Uint8Array.from({ length: width * height * 3 }, () => { s = (s * 1103515245 + 12345) >>> 0; return s >>> 24; });
  return { width, height, data };
}

describe('CLIP preprocessing (CLIPImageProcessor)', () => {
  test('the fixture config is the one implemented: PIL bicubic, CLIP mean/std', () => {
    expect(cfg.resample).toBe(3); // PIL.Image.BICUBIC
    expect(cfg.crop_size.height).toBe(S);
    expect(cfg.image_mean).toEqual([...CLIP_MEAN]);
    expect(cfg.image_std).toEqual([...CLIP_STD]);
  });

  test('matches transformers on the fixture image bit for bit (43×59 uint8 → [1, 3, 32, 32])', () => {
    const got = clipPreprocess(input, { size: S });
    expect(got.length).toBe(expected.length);
    const err = maxAbs(got, expected);
    console.log(`clipPreprocess vs CLIPImageProcessor: max |Δ| = ${err}`);
    expect(err).toBe(0);
  });

  test('a batch is the images one after another (NCHW)', () => {
    const other = noise(40, 30);
    const both = clipPreprocess([input, other], { size: S });
    expect(both.length).toBe(2 * 3 * S * S);
    expect(Array.from(both.subarray(0, 3 * S * S))).toEqual(Array.from(clipPreprocess(input, { size: S })));
    expect(Array.from(both.subarray(3 * S * S))).toEqual(Array.from(clipPreprocess(other, { size: S })));
  });

  test("short side to `size`: transformers truncates the long side, ComfyUI rounds it", () => {
    expect(shortSideResize(59, 43, 32)).toEqual({ width: 43, height: 32 }); // int(32·59/43) = int(43.9)
    expect(shortSideResize(59, 43, 32, 'comfyui')).toEqual({ width: 44, height: 32 });
    expect(shortSideResize(300, 400, 224)).toEqual({ width: 224, height: 298 }); // 298.67
    expect(shortSideResize(300, 400, 224, 'comfyui')).toEqual({ width: 224, height: 299 });
  });

  test('ComfyUI clip_preprocess: identical on a size×size image, within one 8-bit level after a resize', () => {
    const square = noise(32, 32, 7);
    expect(Array.from(clipPreprocess(square, { size: 32, mode: 'comfyui' }))).toEqual(Array.from(clipPreprocess(square, { size: 32 })));
    // A square input shrinks to size×size in both: only the 8-bit rounding between passes differs.
    const big = noise(80, 80, 3);
    const level = 1 / 255 / Math.min(...CLIP_STD);
    const d = maxAbs(clipPreprocess(big, { size: 32, mode: 'comfyui' }), clipPreprocess(big, { size: 32 }));
    console.log(`ComfyUI vs transformers on an 80×80 image: max |Δ| = ${(d / level).toFixed(2)} levels`);
    expect(d).toBeLessThanOrEqual(level * 1.0001);
    // On the fixture image the long side differs (44 vs 43 px), so the crop moves by half a pixel.
    expect(maxAbs(clipPreprocess(input, { size: S, mode: 'comfyui' }), expected)).toBeGreaterThan(level);
  });

  test('undoing the normalisation gives back the resized, cropped pixels', () => {
    const rgb = clipPixelsToRgb(clipPreprocess(input, { size: S }), S);
    const resized = pilResize(input.data, W, H, 3, 43, 32, 'bicubic');
    const left = 5;
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) for (let c = 0; c < 3; c++) {
      expect(rgb.data[(y * S + x) * 3 + c]).toBe(resized[(y * 43 + x + left) * 3 + c]);
    }
  });

  test('rejects a crop larger than the resize target', () => {
    expect(() => clipPreprocess(input, { size: 32, cropSize: 40 })).toThrow(/crop 40/);
    expect(() => clipPreprocess({ width: 2, height: 2, data: new Uint8Array(5) })).toThrow(/not 2×2×3/);
  });
});

describe('Pillow resampling', () => {
  const filters: PilFilter[] = ['nearest', 'box', 'bilinear', 'hamming', 'bicubic', 'lanczos'];

  test('every filter keeps a flat image flat (weights sum to one in fixed point)', () => {
    const flat = new Uint8Array(17 * 13 * 3).fill(200);
    for (const f of filters) for (const [w, h] of [[5, 4], [40, 31], [17, 13]]) {
      expect(new Set(pilResize(flat, 17, 13, 3, w, h, f))).toEqual(new Set([200]));
    }
  });

  test('box filter halving = the rounded mean of each 2×2 block', () => {
    const img = noise(8, 6, 5);
    const out = pilResize(img.data, 8, 6, 3, 4, 3, 'box');
    for (let y = 0; y < 3; y++) for (let x = 0; x < 4; x++) for (let c = 0; c < 3; c++) {
      const px = (yy: number, xx: number) => img.data[(yy * 8 + xx) * 3 + c];
      // horizontal pass rounds to 8 bits first, then the vertical one
      const top = Math.floor((px(2 * y, 2 * x) + px(2 * y, 2 * x + 1)) / 2 + 0.5);
      const bottom = Math.floor((px(2 * y + 1, 2 * x) + px(2 * y + 1, 2 * x + 1)) / 2 + 0.5);
      expect(out[(y * 4 + x) * 3 + c]).toBe(Math.floor((top + bottom) / 2 + 0.5));
    }
  });

  test('nearest samples pixel centres; same size is a copy', () => {
    const img = Uint8Array.from({ length: 6 }, (_, i) => i * 10); // 6×1 grey
    expect(Array.from(pilResize(img, 6, 1, 1, 3, 1, 'nearest'))).toEqual([10, 30, 50]);
    expect(Array.from(pilResize(img, 6, 1, 1, 6, 1, 'lanczos'))).toEqual(Array.from(img));
  });

  test('filter kernels: interpolating at integers, bicubic a = −0.5', () => {
    for (const k of ['bilinear', 'hamming', 'bicubic', 'lanczos'] as const) {
      expect(FILTERS[k].f(0)).toBe(1);
      expect(Math.abs(FILTERS[k].f(1))).toBeLessThan(1e-12);
    }
    expect(FILTERS.bicubic.f(1.5)).toBeCloseTo(-0.0625, 12); // ((1.5−5)·1.5+8)·1.5−4)·(−0.5)
  });
});
