import { expect, test } from 'vitest';
import { applyTokenWeights, needsEmptyEncoding } from './applyWeights';

test('z_empty + (z − z_empty)·w per position; weight 1 leaves the row alone', () => {
  // 3 positions × 2 values
  const z = new Float32Array([1, 2, 3, 4, 5, 6]);
  const zEmpty = new Float32Array([0, 0, 1, 1, 1, 2]);
  const out = applyTokenWeights(z, zEmpty, [2, 1, 0.5], 2);
  expect(Array.from(out)).toEqual([2, 4, 3, 4, 3, 4]);
  // w = 0 gives the empty prompt's vector, w = 1 the original
  expect(Array.from(applyTokenWeights(z, zEmpty, [0, 0, 0], 2))).toEqual(Array.from(zEmpty));
  // input is not modified
  expect(Array.from(z)).toEqual([1, 2, 3, 4, 5, 6]);
});

test('rows with weight exactly 1 are not recomputed (ComfyUI skips them)', () => {
  const z = new Float32Array([0.1, 0.2, 0.3, 0.4]);
  const zEmpty = new Float32Array([NaN, NaN, 0, 0]);
  const out = applyTokenWeights(z, zEmpty, [1.0, 2.0], 2);
  expect(Array.from(out)).toEqual([Math.fround(0.1), Math.fround(0.2), Math.fround(0.6), Math.fround(0.8)]);
});

test('float32 arithmetic step by step (reference values from numpy float32)', () => {
  // 3 positions × 4 values; expected = (float32(z) − float32(e)) · float32(w) + float32(e), each step in float32
  const z = new Float32Array([0.1, -2.5, 3.3333, 1e-3, 0.2, 0.4, 0.6, 0.8, 7.77, -0.01, 12.5, 0.333]);
  const e = new Float32Array([0.3, 0.7, -1.25, 5.0, 0.11, 0.22, 0.33, 0.44, 1.0, 2.0, 3.0, 4.0]);
  const out = applyTokenWeights(z, e, [1.1, 1.0, -0.7], 4);
  const expected = [
    0.07999998331069946, -2.820000171661377, 3.791630268096924, -0.4989004135131836,
    ...Array.from(z.subarray(4, 8)),
    -3.738999843597412, 3.4070000648498535, -3.6500000953674316, 6.566900253295898,
  ];
  expect(Array.from(out)).toEqual(expected);
  // nested weight 1.1² = 1.2100000000000002, first row
  const out2 = applyTokenWeights(z, e, [1.2100000000000002, 1, 1], 4);
  expect(Array.from(out2.subarray(0, 4))).toEqual([0.05799998342990875, -3.1720001697540283, 4.295793533325195, -1.048790454864502]);
});

test('several chunks share the empty-prompt rows position by position', () => {
  // chunkLength 2, hidden 1, two chunks
  const z = new Float32Array([10, 20, 30, 40]);
  const zEmpty = new Float32Array([1, 2]);
  const out = applyTokenWeights(z, zEmpty, [1, 2, 0.5, 1], 1);
  expect(Array.from(out)).toEqual([10, 38, 15.5, 40]);
});

test('the empty-prompt encoding is only needed when a weight differs from 1', () => {
  expect(needsEmptyEncoding([1, 1, 1])).toBe(false);
  expect(needsEmptyEncoding([1, 1.1, 1])).toBe(true);
  const z = new Float32Array([1, 2]);
  expect(Array.from(applyTokenWeights(z, undefined, [1, 1], 1))).toEqual([1, 2]);
  expect(() => applyTokenWeights(z, undefined, [1, 2], 1)).toThrow(/empty-prompt/);
  expect(() => applyTokenWeights(z, new Float32Array(3), [1, 2], 1)).toThrow(/whole chunks/);
  expect(() => applyTokenWeights(z, undefined, [1], 1)).toThrow(/weights/);
});
