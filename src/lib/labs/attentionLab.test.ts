import { describe, expect, it } from 'vitest';
import { attentionLab, IMAGE_TOKENS, QUERIES, sum, TEXT_TOKENS } from './attentionLab';

describe('attention lab', () => {
  it('every softmax sums to 1: text alone, image alone, and the concatenation', () => {
    for (let q = 0; q < QUERIES.length; q++) {
      for (let n = 0; n <= IMAGE_TOKENS.length; n++) {
        const r = attentionLab(q, 0.7, n);
        expect(sum(r.base)).toBeCloseTo(1, 12);
        expect(sum(r.decoupledText)).toBeCloseTo(1, 12);
        if (n > 0) {
          expect(sum(r.imageSoftmax)).toBeCloseTo(1, 12);
          expect(sum(r.decoupledImage)).toBeCloseTo(0.7, 12);
        }
        expect(sum(r.concatText) + sum(r.concatImage)).toBeCloseTo(1, 12);
      }
    }
  });
  it('decoupled text weights do not depend on λ or on the image tokens', () => {
    const a = attentionLab(0, 0, 4);
    const b = attentionLab(0, 2, 1);
    expect(a.decoupledText).toEqual(b.decoupledText);
    expect(a.decoupledText).toEqual(attentionLab(0, 1, 0).base);
  });
  it('λ = 0 gives back the base model exactly', () => {
    const r = attentionLab(1, 0, 4);
    expect(r.zDecoupled).toEqual(r.zText);
  });
  it('image tokens crowd out the text in one softmax, more with more tokens', () => {
    const shares = [0, 1, 2, 3, 4].map((n) => attentionLab(0, 1, n).textShare);
    expect(shares[0]).toBe(1);
    for (let n = 1; n < shares.length; n++) expect(shares[n]).toBeLessThan(shares[n - 1]);
    const r = attentionLab(0, 1, 4);
    expect(sum(r.concatText)).toBeCloseTo(r.textShare, 12);
    r.concatText.forEach((w, j) => expect(w).toBeCloseTo(r.textShare * r.base[j], 12));
  });
  it('concatenated output is the mixture p·Z_text + (1 − p)·Z_image', () => {
    const r = attentionLab(3, 1, 3);
    r.zConcat.forEach((z, c) => expect(z).toBeCloseTo(r.textShare * r.zText[c] + (1 - r.textShare) * r.zImage[c], 12));
  });
  it('scores are q·k/√d', () => {
    const r = attentionLab(0, 1, 4);
    const q = QUERIES[0].q;
    expect(r.textScores[1]).toBeCloseTo(q.reduce((s, x, i) => s + x * TEXT_TOKENS[1].key[i], 0) / 2, 12);
    // the cat's head looks at "cat" most
    expect(r.base.indexOf(Math.max(...r.base))).toBe(1);
  });
});
