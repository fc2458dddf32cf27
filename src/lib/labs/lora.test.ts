import { describe, expect, it } from 'vitest';
import {
  clampDim,
  demoPicture,
  loraCosts,
  LoraTrainer,
  lowRank,
  meanSquaredError,
  paramsCurve,
  rankFloorMse,
  storedNumbers,
  svd,
  truncationErrors,
} from './lora';

describe('costs', () => {
  it('the seed example d = k = 100, r = 5: 10,000 versus 1,000', () => {
    const c = loraCosts(100, 100, 5);
    expect(c.fullParams).toBe(10_000);
    expect(c.loraParams).toBe(1_000);
    expect(c.bParams + c.aParams).toBe(1_000);
    expect(c.fullMultiplyAdds).toBe(10_000);
    expect(c.loraMultiplyAdds).toEqual({ first: 500, second: 500, total: 1_000 });
    expect(c.fraction).toBeCloseTo(0.1, 12);
    expect(c.breakEven).toBe(50);
    expect(c.isSeedExample).toBe(true);
  });
  it('an SD1.5 cross-attention key projection (320×768) at rank 8', () => {
    const c = loraCosts(320, 768, 8);
    expect(c.fullParams).toBe(245_760);
    expect(c.loraParams).toBe(8_704);
    expect(c.rankValid).toBe(true);
    expect(c.isSeedExample).toBe(false);
  });
  it('flags a rank above min(d, k)', () => {
    expect(loraCosts(4, 100, 5).rankValid).toBe(false);
  });
  it('clamps user input to positive integers', () => {
    expect(clampDim('12.4')).toBe(12);
    expect(clampDim(-3)).toBe(1);
    expect(clampDim('abc')).toBe(1);
    expect(clampDim(1e9)).toBe(8192);
  });
  it('curve of parameters against rank is linear in r and ends at min(d, k)', () => {
    const c = paramsCurve(100, 100);
    expect(c[0]).toEqual({ r: 1, lora: 200 });
    expect(c[c.length - 1]).toEqual({ r: 100, lora: 20_000 });
    expect(c.length).toBeLessThanOrEqual(62);
  });
});

describe('SVD (ml-matrix)', () => {
  it('known singular values: [[3, 0], [4, 5]] has 3√5 and √5', () => {
    const d = svd(2, 2, [3, 0, 4, 5]);
    expect(d.s[0]).toBeCloseTo(3 * Math.sqrt(5), 12);
    expect(d.s[1]).toBeCloseTo(Math.sqrt(5), 12);
    // full rank reconstructs exactly
    const back = lowRank(d, 2);
    [3, 0, 4, 5].forEach((x, i) => expect(back[i]).toBeCloseTo(x, 12));
  });
  it('a diagonal matrix: singular values are |diagonal| sorted', () => {
    const d = svd(3, 3, [1, 0, 0, 0, -7, 0, 0, 0, 3]);
    expect(Array.from(d.s)).toEqual([7, 3, 1].map((x) => expect.closeTo(x, 12)));
  });
  it('an outer product is rank 1', () => {
    const u = [1, 2, 3, 4];
    const v = [2, -1, 0.5];
    const m = u.flatMap((a) => v.map((b) => a * b));
    const d = svd(4, 3, m);
    expect(d.s[0]).toBeCloseTo(Math.hypot(...u) * Math.hypot(...v), 12);
    expect(d.s[1]).toBeLessThan(1e-12);
    const r1 = lowRank(d, 1);
    m.forEach((x, i) => expect(r1[i]).toBeCloseTo(x, 12));
  });
  it('a non-square matrix (3×2): known values √(a) from AᵀA', () => {
    // [[1,1],[0,1],[1,0]]: AᵀA = [[2,1],[1,2]], eigenvalues 3 and 1
    const d = svd(3, 2, [1, 1, 0, 1, 1, 0]);
    expect(d.s[0]).toBeCloseTo(Math.sqrt(3), 12);
    expect(d.s[1]).toBeCloseTo(1, 12);
  });
});

describe('the picture and its rank-r approximations', () => {
  const img = demoPicture();
  const d = svd(img.rows, img.cols, img.data);
  it('is 64×64, deterministic, values in [0, 1]', () => {
    expect(img.data.length).toBe(4096);
    expect(Math.min(...img.data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...img.data)).toBeLessThanOrEqual(1);
    expect(demoPicture().data).toEqual(img.data);
  });
  it('the truncation error equals the tail of the singular values (Eckart–Young)', () => {
    const errs = truncationErrors(d.s);
    const norm = Math.sqrt(img.data.reduce((a, x) => a + x * x, 0));
    expect(errs[0]).toBe(1);
    for (const r of [1, 5, 20]) {
      const approx = lowRank(d, r);
      const fro = Math.sqrt(meanSquaredError(approx, img.data) * img.data.length);
      expect(fro / norm).toBeCloseTo(errs[r], 9);
      expect(meanSquaredError(approx, img.data)).toBeCloseTo(rankFloorMse(d.s, r, img.data.length), 12);
    }
    expect(errs[64]).toBeLessThan(1e-9);
  });
  it('errors fall as r grows, and the picture is not low rank', () => {
    const errs = truncationErrors(d.s);
    for (let r = 1; r < errs.length; r++) expect(errs[r]).toBeLessThanOrEqual(errs[r - 1] + 1e-12);
    expect(errs[1]).toBeGreaterThan(0.2);
    expect(errs[8]).toBeLessThan(0.1);
  });
  it('storing rank r costs r·(rows + cols) numbers', () => {
    expect(storedNumbers(64, 64, 8)).toBe(1024);
  });
});

describe('training B·A by gradient descent', () => {
  const img = demoPicture();
  const floor = rankFloorMse(svd(64, 64, img.data).s, 4, 4096);
  it('starts with B = 0, so B·A = 0 and the model is unchanged', () => {
    const t = new LoraTrainer({ target: img.data, rows: 64, cols: 64, r: 4 });
    expect(t.b.every((x) => x === 0)).toBe(true);
    expect(t.current().every((x) => x === 0)).toBe(true);
    expect(t.losses[0]).toBeCloseTo(meanSquaredError(new Float64Array(4096), img.data), 12);
  });
  it('the loss decreases and approaches (never beats) the SVD floor', () => {
    const t = new LoraTrainer({ target: img.data, rows: 64, cols: 64, r: 4, learningRate: 0.05, maxSteps: 300 });
    t.step(20);
    const early = t.loss;
    expect(early).toBeLessThan(t.losses[0]);
    t.step(280);
    expect(t.loss).toBeLessThan(early);
    expect(t.loss).toBeGreaterThanOrEqual(floor * (1 - 1e-9));
    expect(t.loss).toBeLessThan(floor * 1.2);
  });
  it('stops by itself after maxSteps and is deterministic', () => {
    const a = new LoraTrainer({ target: img.data, rows: 64, cols: 64, r: 2, maxSteps: 25, seed: 7 });
    a.step(1000);
    expect(a.steps).toBe(25);
    expect(a.done).toBe(true);
    expect(a.losses.length).toBe(26);
    const b = new LoraTrainer({ target: img.data, rows: 64, cols: 64, r: 2, maxSteps: 25, seed: 7 });
    b.step(25);
    expect(b.losses).toEqual(a.losses);
  });
});
