/**
 * The contrastive (InfoNCE) objective CLIP is trained with (lesson 2), on a tiny batch.
 * For a batch of N (image, caption) pairs with cosine similarities S (N × N, row = image,
 * column = caption) and temperature τ:
 *   L_img→txt = −(1/N) Σ_i log softmax_j(S_ij / τ)_i
 *   L_txt→img = −(1/N) Σ_j log softmax_i(S_ij / τ)_j
 *   L = (L_img→txt + L_txt→img) / 2
 */

/** log Σ exp, stable. */
const logSumExp = (xs: readonly number[]): number => {
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
};

/** Row-wise softmax of S/τ: for each image, the probability it assigns to each caption. */
export function rowSoftmax(S: readonly (readonly number[])[], tau: number): number[][] {
  return S.map((row) => {
    const z = row.map((s) => s / tau);
    const lse = logSumExp(z);
    return z.map((x) => Math.exp(x - lse));
  });
}

const transpose = (S: readonly (readonly number[])[]): number[][] => S[0].map((_, j) => S.map((row) => row[j]));

/** Cross-entropy of picking the diagonal, averaged over rows. */
function diagonalCrossEntropy(S: readonly (readonly number[])[], tau: number): number {
  return S.reduce((sum, row, i) => sum + (logSumExp(row.map((s) => s / tau)) - row[i] / tau), 0) / S.length;
}

/** Symmetric InfoNCE loss as CLIP uses it. */
export function clipLoss(S: readonly (readonly number[])[], tau: number): { imageToText: number; textToImage: number; loss: number } {
  const imageToText = diagonalCrossEntropy(S, tau);
  const textToImage = diagonalCrossEntropy(transpose(S), tau);
  return { imageToText, textToImage, loss: (imageToText + textToImage) / 2 };
}

/** CLIP's learned temperature starts at 0.07 and is capped at 0.01 (logit scale ≤ 100). */
export const CLIP_TAU_INIT = 0.07;
export const CLIP_TAU_MIN = 0.01;

/** A made-up batch of three pairs: cosine similarities after some training. */
export const EXAMPLE_CAPTIONS = ['a photo of a cat', 'a photo of a dog', 'a bowl of noodles'] as const;
export const EXAMPLE_SIMILARITIES: readonly (readonly number[])[] = [
  [0.31, 0.24, 0.05],
  [0.22, 0.29, 0.06],
  [0.04, 0.07, 0.33],
];

/** Long-format rows for the heatmap figure. */
export function exampleCells(tau = CLIP_TAU_INIT) {
  const P = rowSoftmax(EXAMPLE_SIMILARITIES, tau);
  return EXAMPLE_SIMILARITIES.flatMap((row, i) =>
    row.map((s, j) => ({ image: i, caption: j, similarity: s, probability: P[i][j], matching: i === j })),
  );
}
