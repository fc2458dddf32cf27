import { describe, expect, it } from 'vitest';
import { createNoiseGenerator } from '../schedulers/noise';
import { elasticTransform, gaussianBlur, gaussianKernel1d, imageSeed, negativeNoise, NOISE_TYPES, type RgbImage } from './negativeNoise';

function gradient(w: number, h: number): RgbImage {
  const data = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      data[i] = x / (w - 1);
      data[i + 1] = y / (h - 1);
      data[i + 2] = 0.5;
    }
  }
  return { data, width: w, height: h };
}

const img = gradient(32, 24);
const fracDiff = (a: Float32Array, b: Float32Array) => a.reduce((n, v, i) => n + (v !== b[i] ? 1 : 0), 0) / a.length;

describe('negativeNoise', () => {
  it('has ComfyUI’s four types', () => {
    expect(NOISE_TYPES).toEqual(['fade', 'dissolve', 'gaussian', 'shuffle']);
  });

  it('is deterministic: same image → same negative (seed from the image hash, like ComfyUI)', () => {
    for (const type of NOISE_TYPES) {
      const a = negativeNoise(img, { type, strength: 0.6 });
      const b = negativeNoise(img, { type, strength: 0.6 });
      expect(Array.from(a.data)).toEqual(Array.from(b.data));
      expect([a.width, a.height]).toEqual([32, 24]);
      expect(a.data.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
    expect(imageSeed(img)).toBe(Math.trunc(img.data.reduce((s, v) => s + v, 0)) % 1000000007);
    const other = negativeNoise(img, { type: 'fade', strength: 0.6, seed: 5 });
    expect(Array.from(other.data)).not.toEqual(Array.from(negativeNoise(img, { type: 'fade', strength: 0.6 }).data));
  });

  it('fade: x·(1 − s) + u·s, using the generator’s uniforms in order', () => {
    const s = 0.3;
    const out = negativeNoise(img, { type: 'fade', strength: s, seed: 11 });
    const u = createNoiseGenerator(11).uniformArray(img.data.length);
    out.data.forEach((v, i) => expect(v).toBeCloseTo(img.data[i] * (1 - s) + u[i] * s, 6));
    expect(Array.from(negativeNoise(img, { type: 'fade', strength: 0 }).data)).toEqual(Array.from(img.data));
  });

  it('dissolve: a fraction ≈ s of the values is replaced by uniform noise', () => {
    const big = gradient(64, 64);
    expect(fracDiff(negativeNoise(big, { type: 'dissolve', strength: 0 }).data, big.data)).toBe(0);
    const half = fracDiff(negativeNoise(big, { type: 'dissolve', strength: 0.5 }).data, big.data);
    expect(half).toBeGreaterThan(0.47);
    expect(half).toBeLessThan(0.53);
    expect(fracDiff(negativeNoise(big, { type: 'dissolve', strength: 1 }).data, big.data)).toBeGreaterThan(0.99);
  });

  it('gaussian: x + z·s, clamped', () => {
    const grey: RgbImage = { data: new Float32Array(64 * 64 * 3).fill(0.5), width: 64, height: 64 };
    const out = negativeNoise(grey, { type: 'gaussian', strength: 0.1 }).data;
    let m = 0;
    for (const v of out) m += v;
    m /= out.length;
    let sd = 0;
    for (const v of out) sd += (v - m) ** 2;
    sd = Math.sqrt(sd / out.length);
    expect(Math.abs(m - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(sd - 0.1)).toBeLessThan(0.005);
  });

  it('shuffle: strength 0 is a pure geometric scramble (no added noise), 1 is a noisy one', () => {
    const out0 = negativeNoise(img, { type: 'shuffle', strength: 0, seed: 3 });
    // same random field as the function draws internally, then the 180° flip
    const e = elasticTransform(img, 75, 3.5, createNoiseGenerator(3));
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < img.width; x++) {
        for (let c = 0; c < 3; c++) {
          const want = Math.min(1, Math.max(0, e.data[((img.height - 1 - y) * img.width + (img.width - 1 - x)) * 3 + c]));
          expect(out0.data[(y * img.width + x) * 3 + c]).toBeCloseTo(want, 6);
        }
      }
    }
    const out1 = negativeNoise(img, { type: 'shuffle', strength: 1 });
    expect(fracDiff(out1.data, img.data)).toBeGreaterThan(0.9);
  });

  it('without an image starts from black 224×224 (or `size`)', () => {
    const n = negativeNoise(null, { type: 'gaussian', strength: 1 });
    expect([n.width, n.height, n.data.length]).toEqual([224, 224, 224 * 224 * 3]);
    expect(negativeNoise(null, { type: 'fade', strength: 0, size: 8 }).data.every((v) => v === 0)).toBe(true);
  });

  it('blur: even sizes become odd, constant images stay constant', () => {
    const grey: RgbImage = { data: new Float32Array(10 * 10 * 3).fill(0.25), width: 10, height: 10 };
    const out = negativeNoise(grey, { type: 'fade', strength: 0, blur: 4 });
    expect(out.data.every((v) => Math.abs(v - 0.25) < 1e-6)).toBe(true);
    const noisy = negativeNoise(img, { type: 'dissolve', strength: 0.5 });
    const blurred = negativeNoise(img, { type: 'dissolve', strength: 0.5, blur: 4 });
    expect(Array.from(blurred.data)).toEqual(Array.from(gaussianBlur(noisy.data, 32, 24, 3, 5)));
  });

  it('rejects a data array that does not match the size', () => {
    expect(() => negativeNoise({ data: new Float32Array(10), width: 2, height: 2 }, { type: 'fade', strength: 1 })).toThrow(
      'An RGB image of 2×2 needs 12 values, got 10.',
    );
  });
});

describe('helpers', () => {
  it('gaussianKernel1d matches torchvision (k = 3, σ = 0.8 default for blur 3)', () => {
    const k = Array.from(gaussianKernel1d(3, 0.3 * ((3 - 1) * 0.5 - 1) + 0.8));
    const e = Math.exp(-0.5 / 0.64);
    [e, 1, e].map((v) => v / (1 + 2 * e)).forEach((v, i) => expect(k[i]).toBeCloseTo(v, 12));
  });
  it('elastic transform with α = 0 is the identity', () => {
    const r = elasticTransform(img, 0, 2, createNoiseGenerator(1));
    r.data.forEach((v, i) => expect(v).toBeCloseTo(img.data[i], 6));
  });
});
