/**
 * Byte-level BPE as CLIP does it: split the cleaned, lower-cased text into words with CLIP's
 * pattern, turn each word into its UTF-8 bytes (one vocabulary symbol per byte, the last one in its
 * `</w>` form), then repeatedly merge the adjacent pair with the lowest merge rank until no pair
 * has a rank.
 *
 * Everything works on token ids rather than strings: a merge of (left id, right id) produces id
 * 512 + rank, which is exactly the id of the concatenated string in CLIP's vocabulary.
 */
import { BYTE_TO_ID } from './bytes';
import {
  type ClipVocab,
  END_OF_TEXT,
  END_OF_TEXT_TOKEN,
  FIRST_MERGE_ID,
  START_OF_TEXT,
  START_OF_TEXT_TOKEN,
  pairKey,
} from './vocab';
import { PY_WHITESPACE } from './textClean';

/**
 * CLIP's pre-tokenisation pattern (simple_tokenizer.py / CLIPTokenizer), compiled with Unicode
 * property escapes and IGNORECASE as upstream does. Upstream's `\s` is spelled out with Python's
 * whitespace set; after whitespace_clean only U+0020 is left, so the choice never shows, but it
 * keeps the pattern identical on any input.
 */
export const CLIP_WORD_PATTERN = new RegExp(
  `<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^${PY_WHITESPACE}\\p{L}\\p{N}]+`,
  'giu',
);

export interface WordSpan {
  word: string;
  /** [start, end) in the string that was split */
  start: number;
  end: number;
}

/** `re.findall(pat, text)`, with positions. */
export function splitWords(text: string): WordSpan[] {
  const out: WordSpan[] = [];
  for (const m of text.matchAll(CLIP_WORD_PATTERN)) {
    const start = m.index ?? 0;
    out.push({ word: m[0], start, end: start + m[0].length });
  }
  return out;
}

const utf8 = new TextEncoder();

export class BytePairEncoder {
  private readonly cache = new Map<string, readonly number[]>();

  constructor(
    private readonly vocab: ClipVocab,
    private readonly cacheLimit = 20_000,
  ) {}

  /** Token ids of one word from {@link splitWords}. */
  encodeWord(word: string): readonly number[] {
    if (word === START_OF_TEXT_TOKEN) return [START_OF_TEXT];
    if (word === END_OF_TEXT_TOKEN) return [END_OF_TEXT];
    const hit = this.cache.get(word);
    if (hit) return hit;

    const bytes = utf8.encode(word);
    let symbols: number[] = Array.from(bytes, (b) => BYTE_TO_ID[b]);
    if (symbols.length === 0) return [];
    symbols[symbols.length - 1] += 256; // the word's last symbol carries </w>

    const ranks = this.vocab.ranks;
    while (symbols.length > 1) {
      let best = Infinity;
      let left = -1;
      let right = -1;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const r = ranks.get(pairKey(symbols[i], symbols[i + 1]));
        if (r !== undefined && r < best) {
          best = r;
          left = symbols[i];
          right = symbols[i + 1];
        }
      }
      if (best === Infinity) break;
      const merged = FIRST_MERGE_ID + best;
      // merge every occurrence, left to right, without overlaps
      const next: number[] = [];
      for (let i = 0; i < symbols.length; ) {
        if (symbols[i] === left && i + 1 < symbols.length && symbols[i + 1] === right) {
          next.push(merged);
          i += 2;
        } else {
          next.push(symbols[i]);
          i += 1;
        }
      }
      symbols = next;
    }

    if (this.cache.size >= this.cacheLimit) this.cache.clear();
    this.cache.set(word, symbols);
    return symbols;
  }
}
