/**
 * A small worked example for lesson 4: one query (one latent pixel) attending to three text
 * tokens and four image tokens, computed three ways — the base model (text only), IP-Adapter's
 * decoupled cross-attention (two softmaxes, added with weight λ) and the rejected alternative
 * (one softmax over the concatenated text + image tokens).
 *
 * Scores are q·k/√d, already divided; the numbers are chosen by hand to be easy to follow.
 */

export const EXAMPLE_TEXT_TOKENS = ['a', 'cat', 'grass'] as const;
export const EXAMPLE_TEXT_SCORES = [0, 2, 1] as const;
export const EXAMPLE_IMAGE_TOKENS = ['img1', 'img2', 'img3', 'img4'] as const;
export const EXAMPLE_IMAGE_SCORES = [2, 1.5, 1, 0.5] as const;

/** softmax(s)_j = exp(s_j) / Σ_k exp(s_k), computed stably. */
export function softmax(scores: readonly number[]): number[] {
  const max = Math.max(...scores);
  const e = scores.map((s) => Math.exp(s - max));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
}

/** Σ_j exp(s_j): the softmax's normaliser (its "mass"). */
export const partition = (scores: readonly number[]): number => scores.reduce((a, s) => a + Math.exp(s), 0);

/** Weighted sum of value vectors: Σ_j w_j v_j. */
export function mix(weights: readonly number[], values: readonly (readonly number[])[]): number[] {
  const out = new Array(values[0].length).fill(0);
  weights.forEach((w, j) => values[j].forEach((v, c) => (out[c] += w * v)));
  return out;
}

/** IP-Adapter: softmax over text + λ · softmax over image. Text weights never change. */
export function decoupled(textScores: readonly number[], imageScores: readonly number[], lambda = 1) {
  return { text: softmax(textScores), image: softmax(imageScores).map((w) => lambda * w) };
}

/** The rejected design: one softmax over the concatenation. Text and image compete for one unit of weight. */
export function concatenated(textScores: readonly number[], imageScores: readonly number[]) {
  const all = softmax([...textScores, ...imageScores]);
  const text = all.slice(0, textScores.length);
  const image = all.slice(textScores.length);
  return { text, image, textShare: text.reduce((a, b) => a + b, 0) };
}

/**
 * The share of attention that stays on the text when image tokens join the same softmax:
 * p = Z_text / (Z_text + Z_image). Concatenated attention equals p·(text attention) + (1 − p)·(image attention).
 */
export function textShare(textScores: readonly number[], imageScores: readonly number[]): number {
  const zt = partition(textScores);
  return zt / (zt + partition(imageScores));
}

/** Text share when `n` image tokens, each with score `imageScore`, join the softmax. */
export function textShareWithTokens(n: number, imageScore = 1, textScores: readonly number[] = EXAMPLE_TEXT_SCORES): number {
  return textShare(textScores, Array(n).fill(imageScore));
}

export type Scheme = 'base' | 'decoupled' | 'concat';

/** Rows for the figure: one bar per (scheme, token). */
export function exampleRows(lambda = 1) {
  const base = softmax(EXAMPLE_TEXT_SCORES);
  const dec = decoupled(EXAMPLE_TEXT_SCORES, EXAMPLE_IMAGE_SCORES, lambda);
  const cat = concatenated(EXAMPLE_TEXT_SCORES, EXAMPLE_IMAGE_SCORES);
  const rows: { scheme: Scheme; token: string; source: 'text' | 'image'; weight: number }[] = [];
  EXAMPLE_TEXT_TOKENS.forEach((token, j) => {
    rows.push({ scheme: 'base', token, source: 'text', weight: base[j] });
    rows.push({ scheme: 'decoupled', token, source: 'text', weight: dec.text[j] });
    rows.push({ scheme: 'concat', token, source: 'text', weight: cat.text[j] });
  });
  EXAMPLE_IMAGE_TOKENS.forEach((token, j) => {
    rows.push({ scheme: 'decoupled', token, source: 'image', weight: dec.image[j] });
    rows.push({ scheme: 'concat', token, source: 'image', weight: cat.image[j] });
  });
  return rows;
}

/** Token counts of the real projectors: base/light/vit-G 4, Plus 16, full-face 257. */
export const PROJECTOR_TOKENS = [4, 16, 257] as const;

/**
 * Plain scaled dot-product attention for one query (lesson 3):
 * weights = softmax(q·k_j / √d), output = Σ_j weights_j · v_j.
 */
export function singleQueryAttention(q: readonly number[], keys: readonly (readonly number[])[], values: readonly (readonly number[])[]) {
  const d = q.length;
  const scores = keys.map((k) => k.reduce((s, kc, c) => s + kc * q[c], 0) / Math.sqrt(d));
  const weights = softmax(scores);
  return { scores, weights, output: mix(weights, values) };
}

/** The lesson-3 hand example: d = 2, three tokens. */
export const HAND_EXAMPLE = {
  q: [2, 0],
  keys: [
    [1, 0],
    [0, 1],
    [1, 1],
  ],
  values: [
    [1, 0],
    [0, 1],
    [0, 0],
  ],
} as const;
