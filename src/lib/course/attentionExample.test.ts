import { describe, expect, it } from 'vitest';
import {
  concatenated,
  decoupled,
  EXAMPLE_IMAGE_SCORES,
  EXAMPLE_TEXT_SCORES,
  exampleRows,
  mix,
  softmax,
  textShare,
  textShareWithTokens,
} from './attentionExample';

const round3 = (xs: number[]) => xs.map((x) => Number(x.toFixed(3)));

describe('attention example (lesson 4)', () => {
  it('softmax sums to 1', () => {
    expect(softmax([1, 2, 3]).reduce((a, b) => a + b)).toBeCloseTo(1, 12);
  });
  it('text-only weights are 0.090, 0.665, 0.245 (quoted in the lesson)', () => {
    expect(round3(softmax(EXAMPLE_TEXT_SCORES))).toEqual([0.09, 0.665, 0.245]);
  });
  it('decoupled keeps the text weights exactly; λ scales only the image branch', () => {
    const d = decoupled(EXAMPLE_TEXT_SCORES, EXAMPLE_IMAGE_SCORES, 0.5);
    expect(d.text).toEqual(softmax(EXAMPLE_TEXT_SCORES));
    expect(d.image.reduce((a, b) => a + b)).toBeCloseTo(0.5, 12);
    expect(round3(decoupled(EXAMPLE_TEXT_SCORES, EXAMPLE_IMAGE_SCORES).image)).toEqual([0.455, 0.276, 0.167, 0.102]);
  });
  it('λ = 0 gives back the base model exactly', () => {
    const V = [[1, 0], [0, 1], [2, 2]];
    const Vi = [[5, 5], [-1, 3], [0, 7], [9, 9]];
    const d = decoupled(EXAMPLE_TEXT_SCORES, EXAMPLE_IMAGE_SCORES, 0);
    const out = mix(d.text, V).map((x, c) => x + mix(d.image, Vi)[c]);
    expect(out).toEqual(mix(softmax(EXAMPLE_TEXT_SCORES), V));
  });
  it('concatenation leaves the text 40.6% of the weight (0.037, 0.270, 0.099)', () => {
    const c = concatenated(EXAMPLE_TEXT_SCORES, EXAMPLE_IMAGE_SCORES);
    expect(c.textShare).toBeCloseTo(0.406, 3);
    expect(round3(c.text)).toEqual([0.037, 0.27, 0.099]);
    expect(textShare(EXAMPLE_TEXT_SCORES, EXAMPLE_IMAGE_SCORES)).toBeCloseTo(c.textShare, 12);
  });
  it('concatenated attention = p·text attention + (1 − p)·image attention', () => {
    const V = [[1, 0], [0, 1], [2, 2]];
    const Vi = [[5, 5], [-1, 3], [0, 7], [9, 9]];
    const c = concatenated(EXAMPLE_TEXT_SCORES, EXAMPLE_IMAGE_SCORES);
    const joint = mix([...c.text, ...c.image], [...V, ...Vi]);
    const p = c.textShare;
    const split = mix(softmax(EXAMPLE_TEXT_SCORES), V).map((x, k) => p * x + (1 - p) * mix(softmax(EXAMPLE_IMAGE_SCORES), Vi)[k]);
    joint.forEach((x, k) => expect(x).toBeCloseTo(split[k], 12));
  });
  it('more image tokens drown the text: 4 → 50.5%, 16 → 20.3%, 257 → 1.6%', () => {
    expect(textShareWithTokens(4)).toBeCloseTo(0.505, 3);
    expect(textShareWithTokens(16)).toBeCloseTo(0.203, 3);
    expect(textShareWithTokens(257)).toBeCloseTo(0.0157, 4);
  });
  it('figure rows: 3 base + 7 decoupled + 7 concat', () => {
    expect(exampleRows()).toHaveLength(17);
  });
});

describe('single-query attention (lesson 3 hand example)', () => {
  it('q = (2, 0): scores 1.414, 0, 1.414; weights 0.446, 0.108, 0.446; output (0.446, 0.108)', async () => {
    const { singleQueryAttention, HAND_EXAMPLE } = await import('./attentionExample');
    const r = singleQueryAttention(HAND_EXAMPLE.q, HAND_EXAMPLE.keys, HAND_EXAMPLE.values);
    expect(round3(r.scores)).toEqual([1.414, 0, 1.414]);
    expect(round3(r.weights)).toEqual([0.446, 0.108, 0.446]);
    expect(round3(r.output)).toEqual([0.446, 0.108]);
  });
});

describe('lesson 4 exercise numbers', () => {
  it('four image tokens that all score 0 still take 26% from the text (text keeps 73.5%)', () => {
    expect(textShare(EXAMPLE_TEXT_SCORES, [0, 0, 0, 0])).toBeCloseTo(0.735, 3);
  });
});
