import { describe, expect, it } from 'vitest';
import { CLIP_TAU_INIT, clipLoss, EXAMPLE_SIMILARITIES, exampleCells, rowSoftmax } from './contrastiveLoss';

describe('contrastive loss (lesson 2)', () => {
  it('rows of the softmax sum to 1', () => {
    for (const row of rowSoftmax(EXAMPLE_SIMILARITIES, CLIP_TAU_INIT)) expect(row.reduce((a, b) => a + b)).toBeCloseTo(1, 12);
  });
  it('at τ = 0.07 the cat photo gives 72% to its caption and 26% to the dog caption (quoted)', () => {
    const P = rowSoftmax(EXAMPLE_SIMILARITIES, CLIP_TAU_INIT);
    expect(P[0][0]).toBeCloseTo(0.718, 3);
    expect(P[0][1]).toBeCloseTo(0.264, 3);
    expect(P[2][2]).toBeCloseTo(0.961, 3);
    expect(clipLoss(EXAMPLE_SIMILARITIES, CLIP_TAU_INIT).loss).toBeCloseTo(0.239, 3);
  });
  it('without temperature (τ = 1) the loss is near log 3, chance level', () => {
    const l = clipLoss(EXAMPLE_SIMILARITIES, 1).loss;
    expect(l).toBeGreaterThan(0.95);
    expect(l).toBeLessThan(Math.log(3));
  });
  it('a perfectly separated batch has a lower loss than a confused one', () => {
    const confused = [[0.3, 0.3, 0.3], [0.3, 0.3, 0.3], [0.3, 0.3, 0.3]];
    expect(clipLoss(confused, CLIP_TAU_INIT).loss).toBeCloseTo(Math.log(3), 12);
    expect(clipLoss(EXAMPLE_SIMILARITIES, CLIP_TAU_INIT).loss).toBeLessThan(Math.log(3));
  });
  it('figure cells', () => {
    expect(exampleCells()).toHaveLength(9);
    expect(exampleCells().filter((c) => c.matching)).toHaveLength(3);
  });
});
