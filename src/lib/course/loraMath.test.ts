import { describe, expect, it } from 'vitest';
import {
  breakEvenRank,
  fullMultiplyAdds,
  fullParams,
  loraForward,
  loraFraction,
  loraMultiplyAdds,
  loraParams,
  loraScale,
  matMul,
  matrixRank,
  paramsByRank,
  SD15_CROSS_ATTENTION_WIDTHS,
  SD15_EXAMPLE_LAYERS,
  sd15CrossAttentionKVLoraParams,
  sd15CrossAttentionKVParams,
} from './loraMath';

describe('the seed example: d = k = 100, r = 5', () => {
  it('counts 10,000 parameters for the full matrix and 1,000 for the two factors', () => {
    expect(fullParams(100, 100)).toBe(10_000);
    expect(loraParams(100, 100, 5)).toBe(1_000);
    expect(loraFraction(100, 100, 5)).toBeCloseTo(0.1);
  });
  it('counts 10,000 multiply-adds per vector for x·W and 500 + 500 for the factors', () => {
    expect(fullMultiplyAdds(100, 100)).toBe(10_000);
    expect(loraMultiplyAdds(100, 100, 5)).toEqual({ first: 500, second: 500, total: 1_000 });
  });
});

describe('real SD1.5 layers', () => {
  it('to_k of the first cross-attention is 320×768', () => {
    const [toK, square] = SD15_EXAMPLE_LAYERS;
    expect(fullParams(toK.d, toK.k)).toBe(245_760);
    expect(loraParams(toK.d, toK.k, 8)).toBe(8 * (320 + 768));
    expect(fullParams(square.d, square.k)).toBe(1_638_400);
    expect(loraParams(square.d, square.k, 64)).toBe(163_840);
  });
  it('break-even rank is d·k/(d+k), below min(d, k)', () => {
    expect(breakEvenRank(100, 100)).toBe(50);
    expect(breakEvenRank(1280, 1280)).toBe(640);
    expect(breakEvenRank(320, 768)).toBeCloseTo(225.88, 2);
    expect(loraParams(100, 100, 50)).toBe(fullParams(100, 100));
  });
  it('the 16 cross-attention widths add up to 12,480 and give IP-Adapter’s 19.17M K/V parameters', () => {
    expect(SD15_CROSS_ATTENTION_WIDTHS).toHaveLength(16);
    expect(SD15_CROSS_ATTENTION_WIDTHS.reduce((s, c) => s + c, 0)).toBe(12_480);
    expect(sd15CrossAttentionKVParams()).toBe(19_169_280);
    expect(sd15CrossAttentionKVLoraParams(128)).toBe(2 * 128 * (12_480 + 16 * 768));
  });
  it('paramsByRank pairs each rank with both counts', () => {
    expect(paramsByRank({ module: 'x', d: 100, k: 100 }, [1, 5])).toEqual([
      { rank: 1, lora: 200, full: 10_000 },
      { rank: 5, lora: 1_000, full: 10_000 },
    ]);
  });
  it('rejects nonsense sizes', () => {
    expect(() => loraParams(100, 100, 0)).toThrow(RangeError);
    expect(() => fullParams(1.5, 3)).toThrow(RangeError);
  });
});

describe('initialisation and rank', () => {
  const w0 = [
    [1, 2, 0],
    [0, 1, 3],
  ];
  const a = [[0.3, -1.2, 0.7]]; // r = 1, k = 3 (Gaussian in training; fixed here)
  const x = [1, -2, 0.5];

  it('B = 0 gives back the base layer exactly', () => {
    const b = [[0], [0]];
    expect(loraForward(w0, a, b, 1, x)).toEqual(matMul(w0, x.map((v) => [v])).map((r) => r[0]));
  });
  it('a non-zero B adds (α/r)·B·A·x', () => {
    const b = [[1], [2]];
    const ax = 0.3 * 1 + -1.2 * -2 + 0.7 * 0.5; // 3.05
    const base = [1 * 1 + 2 * -2, 1 * -2 + 3 * 0.5];
    const h = loraForward(w0, a, b, 2, x); // α/r = 2
    expect(h[0]).toBeCloseTo(base[0] + 2 * 1 * ax);
    expect(h[1]).toBeCloseTo(base[1] + 2 * 2 * ax);
    expect(loraScale(16, 8)).toBe(2);
  });
  it('B·A has rank at most r', () => {
    const bigA = [
      [1, 0, 2, -1, 3],
      [0, 1, 1, 4, -2],
    ]; // 2×5
    const bigB = [
      [1, 2],
      [3, -1],
      [0, 5],
      [2, 2],
    ]; // 4×2
    const delta = matMul(bigB, bigA); // 4×5
    expect(matrixRank(delta)).toBe(2);
    expect(matrixRank([[1, 2], [2, 4]])).toBe(1);
    expect(matrixRank([[1, 0], [0, 1]])).toBe(2);
  });
});
