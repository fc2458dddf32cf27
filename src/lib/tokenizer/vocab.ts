/**
 * The CLIP BPE vocabulary (bpe_simple_vocab_16e6, 49408 tokens) used by SD1.5's text encoder.
 *
 * The whole vocabulary follows from the ordered merge list (see scripts/build-vocab.mjs for the
 * reasoning and the data format):
 *
 *   ids 0–255      the 256 byte symbols of bytes_to_unicode(), in that table's order
 *   ids 256–511    the same symbols followed by the end-of-word marker `</w>`
 *   id 512 + r     merge r's left part + right part (both are earlier tokens)
 *   49406, 49407   <|startoftext|>, <|endoftext|>
 *
 * The merges ship as id pairs in `clipMerges.data.ts` (~170 KB gzipped). That module is loaded only
 * through the dynamic `import()` in {@link loadClipVocab}, so bundlers emit it as a separate chunk
 * that a page fetches when a lab first needs the tokenizer. Pure TypeScript: runs in the browser, in
 * a Web Worker, under Node (Astro build, Vitest).
 */
import { BYTE_SYMBOLS } from './bytes';

export const VOCAB_SIZE = 49408;
export const START_OF_TEXT = 49406;
export const END_OF_TEXT = 49407;
export const START_OF_TEXT_TOKEN = '<|startoftext|>';
export const END_OF_TEXT_TOKEN = '<|endoftext|>';
/** 49152 − 256 − 2: the number of merges CLIP uses out of the 262k in the published file. */
export const MERGE_COUNT = 48894;
/** Id of the first merged token; ids below are the 512 byte symbols (plain and `</w>`). */
export const FIRST_MERGE_ID = 512;
/** The end-of-word marker CLIP appends to the last symbol of every word. */
export const END_OF_WORD = '</w>';

export interface ClipVocab {
  /** Token strings by id (byte-level symbols, `</w>` at word ends), length 49408. */
  readonly tokens: readonly string[];
  /** Token id by string. */
  readonly ids: ReadonlyMap<string, number>;
  /**
   * Merge rank by pair key `left * 65536 + right` (token ids). The merged token's id is
   * `FIRST_MERGE_ID + rank`.
   */
  readonly ranks: ReadonlyMap<number, number>;
}

/** Key of the pair (left, right) in {@link ClipVocab.ranks}. Ids are < 65536. */
export const pairKey = (left: number, right: number): number => left * 65536 + right;

function base64ToBytes(b64: string): Uint8Array {
  // atob exists in browsers, workers and Node ≥ 16.
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Builds the vocabulary from merges given as token-id pairs (left[r], right[r]). */
export function vocabFromMergeIds(left: ArrayLike<number>, right: ArrayLike<number>): ClipVocab {
  const count = left.length;
  if (right.length !== count) throw new Error('merge id arrays differ in length');
  const tokens: string[] = new Array(FIRST_MERGE_ID + count + 2);
  for (let i = 0; i < 256; i++) {
    tokens[i] = BYTE_SYMBOLS[i];
    tokens[256 + i] = BYTE_SYMBOLS[i] + END_OF_WORD;
  }
  const ranks = new Map<number, number>();
  for (let r = 0; r < count; r++) {
    const a = left[r];
    const b = right[r];
    if (a >= FIRST_MERGE_ID + r || b >= FIRST_MERGE_ID + r) throw new Error(`merge ${r} refers to a later token`);
    tokens[FIRST_MERGE_ID + r] = tokens[a] + tokens[b];
    ranks.set(pairKey(a, b), r);
  }
  tokens[FIRST_MERGE_ID + count] = START_OF_TEXT_TOKEN;
  tokens[FIRST_MERGE_ID + count + 1] = END_OF_TEXT_TOKEN;
  const ids = new Map<string, number>();
  tokens.forEach((t, i) => ids.set(t, i));
  return { tokens, ids, ranks };
}

/** Decodes the byte-planar base64 payload of clipMerges.data.ts. */
export function vocabFromPayload(b64: string, mergeCount: number): ClipVocab {
  const bytes = base64ToBytes(b64);
  const n = 2 * mergeCount;
  if (bytes.length !== 2 * n) throw new Error(`merge payload has ${bytes.length} bytes, expected ${2 * n}`);
  const left = new Uint16Array(mergeCount);
  const right = new Uint16Array(mergeCount);
  for (let r = 0; r < mergeCount; r++) {
    left[r] = (bytes[r] << 8) | bytes[n + r];
    right[r] = (bytes[mergeCount + r] << 8) | bytes[n + mergeCount + r];
  }
  return vocabFromMergeIds(left, right);
}

/**
 * Builds the vocabulary from merge lines as in OpenAI's merges file ("a b" per line, header
 * removed). Used to cross-check the compact payload; the site itself loads {@link loadClipVocab}.
 */
export function vocabFromMergeLines(lines: readonly string[]): ClipVocab {
  const ids = new Map<string, number>();
  for (let i = 0; i < 256; i++) {
    ids.set(BYTE_SYMBOLS[i], i);
    ids.set(BYTE_SYMBOLS[i] + END_OF_WORD, 256 + i);
  }
  const left = new Uint16Array(lines.length);
  const right = new Uint16Array(lines.length);
  lines.forEach((line, r) => {
    const [a, b] = line.split(' ');
    const ia = ids.get(a);
    const ib = ids.get(b);
    if (ia === undefined || ib === undefined) throw new Error(`merge ${r} "${line}" uses an unknown part`);
    left[r] = ia;
    right[r] = ib;
    ids.set(a + b, FIRST_MERGE_ID + r);
  });
  return vocabFromMergeIds(left, right);
}

let pending: Promise<ClipVocab> | undefined;

/** Loads (once) and decodes the bundled CLIP vocabulary. */
export function loadClipVocab(): Promise<ClipVocab> {
  pending ??= import('./clipMerges.data').then((m) => {
    const vocab = vocabFromPayload(m.CLIP_MERGES_B64, m.CLIP_MERGE_COUNT);
    if (vocab.tokens.length !== VOCAB_SIZE) throw new Error(`CLIP vocabulary has ${vocab.tokens.length} tokens`);
    return vocab;
  });
  pending.catch(() => {
    pending = undefined; // allow a retry after a failed chunk load
  });
  return pending;
}
