import { describe, expect, it } from 'vitest';
import { COMBINE_METHODS, combineEmbeds, combineNegative, concatTokens, type Embeds } from './combineEmbeds';

// three images, T = 1 token, D = 2: e0 = [1, 2], e1 = [3, −4], e2 = [0, 2]
const three: Embeds = { data: Float32Array.from([1, 2, 3, -4, 0, 2]), n: 3, t: 1, d: 2 };
const vals = (e: Embeds) => Array.from(e.data);

describe('combineEmbeds', () => {
  it('add / average / subtract / max / min', () => {
    expect(vals(combineEmbeds(three, 'add').embeds)).toEqual([4, 0]);
    const avg = vals(combineEmbeds(three, 'average').embeds);
    expect(avg[0]).toBeCloseTo(4 / 3, 6);
    expect(avg[1]).toBe(0);
    expect(vals(combineEmbeds(three, 'subtract').embeds)).toEqual([-0.5, 3]); // e0 − mean(e1, e2)
    expect(vals(combineEmbeds(three, 'max').embeds)).toEqual([3, 2]);
    expect(vals(combineEmbeds(three, 'min').embeds)).toEqual([0, -4]);
    for (const m of ['add', 'average', 'subtract', 'max', 'min', 'norm average'] as const) {
      const r = combineEmbeds(three, m);
      expect(r.concatAfterProjection).toBe(false);
      expect([r.embeds.n, r.embeds.t, r.embeds.d]).toEqual([1, 1, 2]);
    }
  });

  it('norm average divides each coordinate by its norm across the images (torch.norm(dim=0)), then averages', () => {
    const r = vals(combineEmbeds(three, 'norm average').embeds);
    expect(r[0]).toBeCloseTo((1 + 3 + 0) / Math.sqrt(1 + 9 + 0) / 3, 6);
    expect(r[1]).toBeCloseTo((2 - 4 + 2) / Math.sqrt(4 + 16 + 4) / 3, 6); // = 0
    // all-zero coordinate: 0 here (torch would give NaN)
    const z: Embeds = { data: Float32Array.from([0, 1, 0, 1]), n: 2, t: 1, d: 2 };
    expect(vals(combineEmbeds(z, 'norm average').embeds)).toEqual([0, Math.fround(1 / Math.SQRT2)]);
  });

  it('works token by token for T > 1', () => {
    const e: Embeds = { data: Float32Array.from([1, 2, 3, 4, /* image 1 */ 10, 20, 30, 40]), n: 2, t: 2, d: 2 };
    const r = combineEmbeds(e, 'add').embeds;
    expect([r.n, r.t, r.d]).toEqual([1, 2, 2]);
    expect(vals(r)).toEqual([11, 22, 33, 44]);
  });

  it('concat keeps the N embeddings for per-image projection; concatTokens then joins the projected tokens', () => {
    const r = combineEmbeds(three, 'concat');
    expect(r.concatAfterProjection).toBe(true);
    expect(vals(r.embeds)).toEqual(vals(three));
    expect(r.embeds.data).not.toBe(three.data);
    const projected: Embeds = { data: Float32Array.from([1, 1, 2, 2, 3, 3]), n: 3, t: 1, d: 2 };
    const joined = concatTokens(projected);
    expect([joined.n, joined.t, joined.d]).toEqual([1, 3, 2]);
    expect(vals(joined)).toEqual([1, 1, 2, 2, 3, 3]);
  });

  it('one image is returned unchanged by every method', () => {
    const one: Embeds = { data: Float32Array.from([5, -6]), n: 1, t: 1, d: 2 };
    for (const m of COMBINE_METHODS) {
      const r = combineEmbeds(one, m);
      expect(vals(r.embeds)).toEqual([5, -6]);
      expect(r.concatAfterProjection).toBe(false);
    }
  });

  it('rejects a shape that does not match the data', () => {
    expect(() => combineEmbeds({ data: new Float32Array(5), n: 3, t: 1, d: 2 }, 'add')).toThrow(
      'Embeddings of shape [3, 1, 2] need 6 values, got 5.',
    );
  });
});

describe('combineNegative', () => {
  const negs: Embeds = { data: Float32Array.from([7, 7, 8, 8]), n: 2, t: 1, d: 2 };
  it('concat: one negative per image, the last repeated or extra ones dropped (tensor_to_size)', () => {
    expect(vals(combineNegative(negs, 3, 'concat').embeds)).toEqual([7, 7, 8, 8, 8, 8]);
    expect(vals(combineNegative(negs, 1, 'concat').embeds)).toEqual([7, 7]);
    const one: Embeds = { data: Float32Array.from([0, 0]), n: 1, t: 1, d: 2 };
    expect(combineNegative(one, 3, 'concat').embeds.n).toBe(3);
  });
  it('other methods: image 0’s negative', () => {
    for (const m of ['add', 'average', 'norm average', 'subtract', 'max', 'min'] as const) {
      expect(vals(combineNegative(negs, 3, m).embeds)).toEqual([7, 7]);
    }
  });
});
