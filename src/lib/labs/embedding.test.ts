import { describe, expect, it } from 'vitest';
import { comparePrompts, cosine, demoEmbeddingSource, halfToFloat, nearestTokens, onEmbeddingSource, promptVector, provideEmbeddingSource, tableEmbeddingSource } from './embedding';

describe('embedding lab', () => {
  const src = demoEmbeddingSource();
  it('cosine: 1 for the same direction, 0 for orthogonal, −1 opposite', () => {
    expect(cosine([1, 2], [2, 4])).toBeCloseTo(1, 12);
    expect(cosine([1, 0], [0, 3])).toBe(0);
    expect(cosine([1, 1], [-1, -1])).toBeCloseTo(-1, 12);
    expect(cosine([0, 0], [1, 1])).toBe(0);
  });
  it('the demo table is deterministic, unit rows, and labelled demo', () => {
    expect(src.kind).toBe('demo');
    expect(src.size).toBe(44);
    for (let id = 0; id < src.size; id++) expect(Math.hypot(...src.vector(id))).toBeCloseTo(1, 6);
  });
  it('nearest tokens of "cat" are felines, not vehicles', () => {
    const cat = src.tokenize('cat').ids[0];
    const near = nearestTokens(src, src.vector(cat), 3, new Set([cat])).map((n) => n.token);
    expect(near.slice(0, 3).sort()).toEqual(['kitten', 'lion', 'tiger']);
    const all = nearestTokens(src, src.vector(cat), 44, new Set([cat]));
    expect(all.findIndex((n) => n.token === 'car')).toBeGreaterThan(all.findIndex((n) => n.token === 'dog'));
  });
  it('prompt similarity: cat on grass is closer to kitten in a garden than to a red car', () => {
    const near = comparePrompts(src, 'a cat on grass', 'a kitten in a garden').cosine as number;
    const far = comparePrompts(src, 'a cat on grass', 'a red car on the road').cosine as number;
    expect(near).toBeGreaterThan(far);
    expect(comparePrompts(src, 'cat', 'cat').cosine).toBeCloseTo(1, 6);
  });
  it('unknown words are reported, not guessed; an empty prompt has no vector', () => {
    const t = src.tokenize('A zebra and a cat');
    expect(t.pieces).toEqual(['a', 'a', 'cat']);
    expect(t.unknown).toEqual(['zebra', 'and']);
    expect(promptVector(src, [])).toBeNull();
    expect(comparePrompts(src, 'zebra', 'cat').cosine).toBeNull();
  });
  it('a real table (fp16 bits) plugs into the same interface', () => {
    // 3 rows × 2 dims: [1, 0], [0.5, 0.5], [0, -2] as IEEE half bits
    const table = new Uint16Array([0x3c00, 0x0000, 0x3800, 0x3800, 0x0000, 0xc000]);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x0001)).toBeCloseTo(5.96e-8, 10);
    const words = ['x', 'y', 'z'];
    const real = tableEmbeddingSource({ table, dim: 2, tokenize: (t) => ({ ids: [words.indexOf(t)], pieces: [t] }), token: (id) => words[id], special: [2] });
    expect(real.kind).toBe('real');
    expect(Array.from(real.vector(1))).toEqual([0.5, 0.5]);
    expect(nearestTokens(real, [1, 0.1], 5).map((n) => n.token)).toEqual(['x', 'y']);
    let got: unknown;
    const sub = onEmbeddingSource((s) => (got = s));
    provideEmbeddingSource(real);
    expect(got).toBe(real);
    expect(onEmbeddingSource(() => {}).current).toBe(real);
    sub.unsubscribe();
  });
});
