/**
 * The embedding-space lab's computations (lesson 2): cosine similarity between prompts and the
 * nearest tokens of a token, over an embedding table given as an `EmbeddingSource`.
 *
 * Two sources plug into the same interface:
 * - `demoEmbeddingSource()`: a small deterministic table (44 words × 10 dimensions) built by
 *   hand for this lesson, so the idea can be shown with nothing downloaded. Its numbers are
 *   illustrations, not CLIP's; the lab labels it as such.
 * - `tableEmbeddingSource()`: a real token-embedding table (SD1.5's text encoder:
 *   `text_model.embeddings.token_embedding.weight`, 49,408 × 768) with the CLIP tokenizer.
 *   embeddingTable.ts finds and reads it (the live lab's cache, a byte-range fetch of just that
 *   tensor, or a file on the reader's disk); whoever has it may also call
 *   `provideEmbeddingSource(source)`, and every embedding lab on the page switches to it.
 */
import { halfToFloat } from '../weights/safetensors';
import { mulberry32 } from './random';

export { halfToFloat };

export interface TokenizedPrompt {
  ids: number[];
  /** What each id stands for, for display. */
  pieces: string[];
  /**
   * What the table has no row for: words outside the demo table's small vocabulary, or token
   * ids past the end of a smaller test table. Empty for CLIP's full table.
   */
  unknown: string[];
}

export interface EmbeddingSource {
  /** The hand-made demo table, or a real token-embedding table read from a weight file. */
  kind: 'demo' | 'real';
  /** Rows in the table. */
  size: number;
  /** Numbers per row. */
  dim: number;
  tokenize(text: string): TokenizedPrompt;
  /** Row `id` of the table. */
  vector(id: number): Float32Array;
  /** Display text of a token id. */
  token(id: number): string;
  /** Ids that may appear as neighbours (e.g. CLIP without its start/end tokens). */
  isCandidate(id: number): boolean;
  /** Words to suggest for the probe box. */
  suggestions: readonly string[];
  /** Cosine of `vec` with every row at once (fast path for large tables); index = id. */
  cosines?(vec: ArrayLike<number>): Float32Array;
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** A prompt summarised as the mean of its token vectors (null when it has no tokens). */
export function promptVector(src: EmbeddingSource, ids: readonly number[]): Float32Array | null {
  if (ids.length === 0) return null;
  const out = new Float32Array(src.dim);
  for (const id of ids) {
    const v = src.vector(id);
    for (let c = 0; c < src.dim; c++) out[c] += v[c] / ids.length;
  }
  return out;
}

export interface Neighbour {
  id: number;
  token: string;
  cosine: number;
}

/** The n rows most similar (by cosine) to `vec`, excluding `exclude`. */
export function nearestTokens(src: EmbeddingSource, vec: ArrayLike<number>, n: number, exclude: ReadonlySet<number> = new Set()): Neighbour[] {
  const best: Neighbour[] = [];
  const all = src.cosines?.(vec);
  for (let id = 0; id < src.size; id++) {
    if (exclude.has(id) || !src.isCandidate(id)) continue;
    const c = all ? all[id] : cosine(vec, src.vector(id));
    if (best.length < n || c > best[best.length - 1].cosine) {
      best.push({ id, token: src.token(id), cosine: c });
      best.sort((a, b) => b.cosine - a.cosine);
      if (best.length > n) best.pop();
    }
  }
  return best;
}

/** Cosine similarity of two prompts' mean vectors, with their tokenizations. */
export function comparePrompts(src: EmbeddingSource, a: string, b: string) {
  const ta = src.tokenize(a);
  const tb = src.tokenize(b);
  const va = promptVector(src, ta.ids);
  const vb = promptVector(src, tb.ids);
  return { a: ta, b: tb, cosine: va && vb ? cosine(va, vb) : null };
}

// ---------------------------------------------------------------------------------------------
// the demo table

/** Dimensions of the demo table, named so the reader can see why words are close. */
export const DEMO_DIMENSIONS = ['animal', 'feline', 'canine', 'nature', 'warm colour', 'vehicle', 'person', 'art style', 'photo', 'function word'] as const;

// word: weights on the dimensions above (unlisted = 0)
const DEMO_WORDS: Record<string, Partial<Record<(typeof DEMO_DIMENSIONS)[number], number>>> = {
  cat: { animal: 1, feline: 1 },
  kitten: { animal: 1, feline: 0.9, person: 0.1 },
  tiger: { animal: 1, feline: 0.8, nature: 0.3, 'warm colour': 0.4 },
  lion: { animal: 1, feline: 0.8, nature: 0.3, 'warm colour': 0.3 },
  dog: { animal: 1, canine: 1 },
  puppy: { animal: 1, canine: 0.9, person: 0.1 },
  wolf: { animal: 1, canine: 0.8, nature: 0.4 },
  fox: { animal: 1, canine: 0.6, feline: 0.2, nature: 0.3, 'warm colour': 0.5 },
  bird: { animal: 1, nature: 0.5 },
  horse: { animal: 1, nature: 0.3, vehicle: 0.2 },
  grass: { nature: 1 },
  tree: { nature: 1 },
  flower: { nature: 0.9, 'warm colour': 0.3, 'art style': 0.1 },
  forest: { nature: 1, animal: 0.1 },
  leaf: { nature: 0.9 },
  garden: { nature: 0.9, person: 0.1 },
  red: { 'warm colour': 1 },
  orange: { 'warm colour': 1, nature: 0.1 },
  golden: { 'warm colour': 0.9, photo: 0.1 },
  sunset: { 'warm colour': 0.8, nature: 0.5, photo: 0.2 },
  fire: { 'warm colour': 0.9 },
  car: { vehicle: 1 },
  truck: { vehicle: 1 },
  bicycle: { vehicle: 0.9, person: 0.1 },
  train: { vehicle: 1 },
  road: { vehicle: 0.7, nature: 0.1 },
  man: { person: 1 },
  woman: { person: 1 },
  girl: { person: 1 },
  boy: { person: 1 },
  portrait: { person: 0.8, photo: 0.4, 'art style': 0.3 },
  face: { person: 0.9, photo: 0.2 },
  painting: { 'art style': 1 },
  watercolor: { 'art style': 1, 'warm colour': 0.1 },
  sketch: { 'art style': 0.9 },
  anime: { 'art style': 0.9, person: 0.2 },
  photo: { photo: 1 },
  photograph: { photo: 1 },
  a: { 'function word': 1 },
  the: { 'function word': 1 },
  of: { 'function word': 1 },
  on: { 'function word': 1 },
  in: { 'function word': 1 },
  with: { 'function word': 1 },
};

/** The demo table's words (also suggested as probes on the real table: each is one CLIP token). */
export const DEMO_WORDS_LIST: readonly string[] = Object.keys(DEMO_WORDS);

let demo: EmbeddingSource | undefined;

/**
 * The demo table: each word's hand-set weights plus a little seeded noise (so no two words are
 * identical), normalised to length 1. Tokenization is by whole words, lower-cased.
 */
export function demoEmbeddingSource(): EmbeddingSource {
  if (demo) return demo;
  const words = Object.keys(DEMO_WORDS);
  const dim = DEMO_DIMENSIONS.length;
  const rand = mulberry32(20230813); // the IP-Adapter paper's submission date
  const rows = words.map((w) => {
    const v = new Float32Array(dim);
    DEMO_DIMENSIONS.forEach((d, c) => (v[c] = (DEMO_WORDS[w][d] ?? 0) + 0.12 * (rand() - 0.5)));
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
  const index = new Map(words.map((w, i) => [w, i]));
  demo = {
    kind: 'demo',
    size: words.length,
    dim,
    suggestions: words,
    tokenize(text: string) {
      const ids: number[] = [];
      const pieces: string[] = [];
      const unknown: string[] = [];
      for (const w of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
        const id = index.get(w);
        if (id === undefined) unknown.push(w);
        else {
          ids.push(id);
          pieces.push(w);
        }
      }
      return { ids, pieces, unknown };
    },
    vector: (id) => rows[id],
    token: (id) => words[id],
    isCandidate: () => true,
  };
  return demo;
}

// ---------------------------------------------------------------------------------------------
// the real table

/**
 * A source over a real token-embedding table (row-major size × dim, fp32, or fp16 as raw
 * Uint16 bits) and a tokenizer (for CLIP: ClipTokenizer.tokenize, without start/end tokens).
 * A tokenizer may report what the table lacks in `unknown` (ids past a small test table's end).
 */
export function tableEmbeddingSource(o: {
  table: Float32Array | Uint16Array;
  dim: number;
  tokenize(text: string): { ids: number[]; pieces: string[]; unknown?: string[] };
  token(id: number): string;
  /** Ids never listed as neighbours (CLIP: 49406, 49407). */
  special?: readonly number[];
  suggestions?: readonly string[];
}): EmbeddingSource {
  const size = Math.floor(o.table.length / o.dim);
  const special = new Set(o.special ?? []);
  const f16 = o.table instanceof Uint16Array;
  const vector = (id: number): Float32Array => {
    const start = id * o.dim;
    if (!f16) return (o.table as Float32Array).subarray(start, start + o.dim);
    const out = new Float32Array(o.dim);
    for (let c = 0; c < o.dim; c++) out[c] = halfToFloat(o.table[start + c]);
    return out;
  };
  // 1/‖row‖, computed once: a search over CLIP's 49,408 rows is then one dot product per row.
  let inverseNorms: Float32Array | undefined;
  const norms = () => {
    if (inverseNorms) return inverseNorms;
    inverseNorms = new Float32Array(size);
    for (let id = 0; id < size; id++) {
      const v = vector(id);
      let sq = 0;
      for (let c = 0; c < o.dim; c++) sq += v[c] * v[c];
      inverseNorms[id] = sq > 0 ? 1 / Math.sqrt(sq) : 0;
    }
    return inverseNorms;
  };
  return {
    kind: 'real',
    size,
    dim: o.dim,
    suggestions: o.suggestions ?? [],
    tokenize: (text) => {
      const t = o.tokenize(text);
      return { ids: t.ids, pieces: t.pieces, unknown: t.unknown ?? [] };
    },
    vector,
    token: o.token,
    isCandidate: (id) => !special.has(id),
    cosines(vec) {
      const inv = norms();
      let sq = 0;
      for (let c = 0; c < o.dim; c++) sq += vec[c] * vec[c];
      const out = new Float32Array(size);
      if (sq === 0) return out;
      const q = 1 / Math.sqrt(sq);
      for (let id = 0; id < size; id++) {
        let dot = 0;
        if (f16) {
          const v = vector(id);
          for (let c = 0; c < o.dim; c++) dot += vec[c] * v[c];
        } else {
          const t = o.table as Float32Array;
          for (let c = 0, at = id * o.dim; c < o.dim; c++, at++) dot += vec[c] * t[at];
        }
        out[id] = dot * q * inv[id];
      }
      return out;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// plugging the real table in

type Listener = (src: EmbeddingSource) => void;
let provided: EmbeddingSource | undefined;
const listeners = new Set<Listener>();

/** Makes a source (e.g. CLIP's real table) available to every embedding lab on the page. */
export function provideEmbeddingSource(src: EmbeddingSource): void {
  provided = src;
  for (const l of listeners) l(src);
}

/** The provided source, if any, and a subscription for one provided later. */
export function onEmbeddingSource(listener: Listener): { current: EmbeddingSource | undefined; unsubscribe(): void } {
  listeners.add(listener);
  return { current: provided, unsubscribe: () => listeners.delete(listener) };
}
