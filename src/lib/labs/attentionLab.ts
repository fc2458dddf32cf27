/**
 * The attention lab's numbers (lessons 3–4): one query (a latent position) attends to visible
 * text tokens and image tokens, computed three ways with the functions of lesson 4's figure
 * (src/lib/course/attentionExample.ts): the base model (text only), IP-Adapter's decoupled
 * cross-attention (two softmaxes, Z = Z_text + λ·Z_image) and the rejected single softmax over
 * the concatenated tokens.
 *
 * The vectors are small (d = 4) and chosen by hand so that each dimension means something a
 * reader can follow: [cat, grass, light, filler]. Scores are q·k/√d.
 */
import { concatenated, decoupled, mix, softmax, textShare } from '../course/attentionExample';

export const DIM = 4;
export const FEATURES = { en: ['cat', 'grass', 'light', 'filler'], zh: ['猫', '草地', '光', '虚词'] } as const;

export interface LabToken {
  label: string;
  key: number[];
  value: number[];
}

/** The prompt "a cat on grass". */
export const TEXT_TOKENS: readonly LabToken[] = [
  { label: 'a', key: [0.2, 0.1, 0.1, 1.0], value: [0, 0, 0, 0.5] },
  { label: 'cat', key: [2.0, 0.0, 0.0, 0.3], value: [1, 0, 0, 0] },
  { label: 'on', key: [0.1, 0.1, 0.1, 0.8], value: [0, 0, 0, 0.3] },
  { label: 'grass', key: [0.0, 2.0, 0.2, 0.2], value: [0, 1, 0, 0] },
];

/** Four image tokens of a reference photo: an orange cat in sunlight on a lawn. */
export const IMAGE_TOKENS: readonly LabToken[] = [
  { label: 'img1', key: [2.2, 0.0, 0.5, 0.2], value: [1, 0, 0.3, 0] },
  { label: 'img2', key: [1.5, 0.3, 1.0, 0.0], value: [0.8, 0, 0.6, 0] },
  { label: 'img3', key: [0.2, 0.2, 2.0, 0.0], value: [0, 0, 1, 0] },
  { label: 'img4', key: [0.0, 1.2, 0.6, 0.2], value: [0, 0.7, 0.4, 0] },
];

/** Latent positions to pick as the query. */
export const QUERIES: readonly { id: string; en: string; zh: string; q: number[] }[] = [
  { id: 'head', en: "the cat's head", zh: '猫头的位置', q: [1.5, 0.0, 0.2, 0.3] },
  { id: 'ground', en: 'the ground below', zh: '下方的地面', q: [0.0, 1.5, 0.0, 0.3] },
  { id: 'sky', en: 'the bright sky', zh: '明亮的天空', q: [0.0, 0.0, 1.5, 0.3] },
  { id: 'edge', en: 'an edge between them', zh: '交界处', q: [0.5, 0.5, 0.5, 0.5] },
];

export const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
const add = (a: number[], b: number[], k = 1) => a.map((x, i) => x + k * b[i]);

export interface AttentionResult {
  q: number[];
  lambda: number;
  text: LabToken[];
  image: LabToken[];
  /** q·k/√d for each text / image token. */
  textScores: number[];
  imageScores: number[];
  /** The base model: softmax over the text tokens only. */
  base: number[];
  /** Decoupled: text softmax (unchanged) and λ·image softmax. */
  decoupledText: number[];
  decoupledImage: number[];
  /** The image softmax before λ. */
  imageSoftmax: number[];
  /** One softmax over the concatenation. */
  concatText: number[];
  concatImage: number[];
  /** Share of the single softmax left to the text: p = Z_text / (Z_text + Z_image). */
  textShare: number;
  /** Outputs (d_v = 4): base, text branch, image branch (before λ), decoupled sum, concatenated. */
  zText: number[];
  zImage: number[];
  zDecoupled: number[];
  zConcat: number[];
}

export function attentionLab(queryIndex: number, lambda: number, imageTokens: number): AttentionResult {
  const q = QUERIES[Math.max(0, Math.min(QUERIES.length - 1, queryIndex))].q;
  const text = TEXT_TOKENS.slice();
  const image = IMAGE_TOKENS.slice(0, Math.max(0, Math.min(IMAGE_TOKENS.length, imageTokens)));
  const score = (t: LabToken) => dot(q, t.key) / Math.sqrt(DIM);
  const textScores = text.map(score);
  const imageScores = image.map(score);
  const base = softmax(textScores);
  const zText = mix(base, text.map((t) => t.value));
  let decoupledImage: number[] = [];
  let imageSoftmax: number[] = [];
  let zImage = new Array(DIM).fill(0);
  let concatText = base;
  let concatImage: number[] = [];
  let share = 1;
  if (image.length > 0) {
    const dec = decoupled(textScores, imageScores, lambda);
    decoupledImage = dec.image;
    imageSoftmax = softmax(imageScores);
    zImage = mix(imageSoftmax, image.map((t) => t.value));
    const cat = concatenated(textScores, imageScores);
    concatText = cat.text;
    concatImage = cat.image;
    share = textShare(textScores, imageScores);
  }
  const zConcat = image.length > 0 ? mix([...concatText, ...concatImage], [...text, ...image].map((t) => t.value)) : zText;
  return {
    q,
    lambda,
    text,
    image,
    textScores,
    imageScores,
    base,
    decoupledText: base,
    decoupledImage,
    imageSoftmax,
    concatText,
    concatImage,
    textShare: share,
    zText,
    zImage,
    zDecoupled: add(zText, zImage, lambda),
    zConcat,
  };
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
export { sum };
