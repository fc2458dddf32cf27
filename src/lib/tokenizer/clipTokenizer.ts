/**
 * SD1.5's CLIP tokenizer (OpenAI simple_tokenizer.py / transformers CLIPTokenizer), pure
 * TypeScript: the browser, a Web Worker and Node (Astro build, Vitest) all run the same code.
 *
 *   const tok = await loadClipTokenizer();
 *   tok.tokenize('a photo of a cat')      // { ids: [320, 1125, 539, 320, 2368], tokens: [...], offsets }
 *   tok.encodeForSD15('a photo of a cat')  // { inputIds: Int32Array(77) [49406, 320, …, 49407, 49407, …], … }
 *
 * Every token also carries the [start, end) range of the input characters it came from, so a UI
 * can highlight them, and encodeForSD15 reports where a prompt longer than 75 tokens is cut.
 */
import { BytePairEncoder, splitWords } from './bpe';
import { UNICODE_TO_BYTE } from './bytes';
import { type CleanMode, cleanForClip } from './textClean';
import {
  type ClipVocab,
  END_OF_TEXT,
  END_OF_TEXT_TOKEN,
  END_OF_WORD,
  START_OF_TEXT,
  START_OF_TEXT_TOKEN,
  VOCAB_SIZE,
  loadClipVocab,
} from './vocab';

export { END_OF_TEXT, START_OF_TEXT, VOCAB_SIZE, END_OF_TEXT_TOKEN, START_OF_TEXT_TOKEN };
export type { CleanMode };

/** Positions SD1.5's text encoder reads. */
export const CONTEXT_LENGTH = 77;
/** Prompt tokens that fit between the start and end tokens. */
export const MAX_PROMPT_TOKENS = CONTEXT_LENGTH - 2;
/** SD1.5 pads with the end token (SD2.x pads with 0). */
export const SD15_PAD = END_OF_TEXT;

/** [start, end) in UTF-16 code units of the text that was tokenized. */
export type Span = readonly [number, number];

export interface TokenizeResult {
  /** BPE ids without start/end tokens. */
  ids: number[];
  /** BPE pieces in CLIP's byte-level spelling; `</w>` marks a word end. */
  tokens: string[];
  /** For each token, the input characters it came from. */
  offsets: Span[];
}

export interface Sd15Encoding {
  /** 49406, the ids truncated to 75, 49407, then 49407 up to 77 positions. */
  inputIds: Int32Array;
  /** The 77 token strings (special tokens spelled `<|startoftext|>` / `<|endoftext|>`). */
  tokens: string[];
  /** Per position, the input characters behind it; null for start, end and padding. */
  offsets: (Span | null)[];
  /** Prompt tokens before truncation. */
  tokenCount: number;
  /** Prompt tokens that made it into the 77 positions (≤ 75). */
  keptTokens: number;
  /** True when the prompt had more than 75 tokens. */
  truncated: boolean;
  /** Prompt tokens that were dropped. */
  droppedTokens: number;
  /**
   * Where SD1.5 stops reading: the input offset at which the first dropped token begins, null if
   * nothing is dropped. (A token can start inside a character when BPE splits a multi-byte
   * character; the offset is then that character's start.)
   */
  cutAt: number | null;
}

export interface ClipTokenizerOptions {
  /** Text clean-up: 'ftfy' (OpenAI, diffusers; the default) or 'basic' (transformers without ftfy). */
  clean?: CleanMode;
}

export class ClipTokenizer {
  readonly vocab: ClipVocab;
  readonly clean: CleanMode;
  private readonly bpe: BytePairEncoder;

  constructor(vocab: ClipVocab, options: ClipTokenizerOptions = {}) {
    this.vocab = vocab;
    this.clean = options.clean ?? 'ftfy';
    this.bpe = new BytePairEncoder(vocab);
  }

  /** Another tokenizer over the same vocabulary with different options. */
  withOptions(options: ClipTokenizerOptions): ClipTokenizer {
    return new ClipTokenizer(this.vocab, { clean: this.clean, ...options });
  }

  /** The prompt's BPE ids and pieces, without start/end tokens, untruncated. */
  tokenize(text: string): TokenizeResult {
    const cleaned = cleanForClip(text, this.clean);
    const ids: number[] = [];
    const tokens: string[] = [];
    const offsets: Span[] = [];
    for (const w of splitWords(cleaned.text)) {
      const wordIds = this.bpe.encodeWord(w.word);
      // UTF-8 byte index → index into the word, to map tokens back to characters
      const charOfByte: number[] = [];
      for (let i = 0; i < w.word.length; ) {
        const cp = w.word.codePointAt(i) ?? 0;
        const units = cp > 0xffff ? 2 : 1;
        const nBytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        for (let k = 0; k < nBytes; k++) charOfByte.push(i);
        i += units;
      }
      let byte = 0;
      for (const id of wordIds) {
        const token = this.vocab.tokens[id];
        ids.push(id);
        tokens.push(token);
        const special = id === START_OF_TEXT || id === END_OF_TEXT;
        const nBytes = special ? charOfByte.length : token.endsWith(END_OF_WORD) ? token.length - END_OF_WORD.length : token.length;
        const firstChar = charOfByte[byte] ?? w.word.length - 1;
        const lastByte = Math.min(byte + nBytes, charOfByte.length) - 1;
        const lastCharStart = charOfByte[lastByte] ?? firstChar;
        const lastCp = w.word.codePointAt(lastCharStart) ?? 0;
        const lastChar = lastCharStart + (lastCp > 0xffff ? 2 : 1) - 1;
        let start = Infinity;
        let end = -Infinity;
        for (let c = w.start + firstChar; c <= w.start + lastChar; c++) {
          start = Math.min(start, cleaned.starts[c]);
          end = Math.max(end, cleaned.ends[c]);
        }
        offsets.push([start, end]);
        byte += nBytes;
      }
    }
    return { ids, tokens, offsets };
  }

  /** What SD1.5 feeds its text encoder for this prompt (77 positions). */
  encodeForSD15(text: string): Sd15Encoding {
    const t = this.tokenize(text);
    return sd15Encoding(t, (id) => this.vocab.tokens[id]);
  }

  /** Token string of an id (`</w>` at word ends). */
  idToToken(id: number): string | undefined {
    return this.vocab.tokens[id];
  }

  /** Id of a token string, if it is in the vocabulary. */
  tokenToId(token: string): number | undefined {
    return this.vocab.ids.get(token);
  }

  /**
   * Text of a list of ids as transformers' `decode` gives it: bytes decoded as UTF-8 (invalid
   * sequences become U+FFFD), `</w>` read as a space, ends trimmed.
   */
  decode(ids: readonly number[]): string {
    const chars = ids.map((id) => this.vocab.tokens[id] ?? '').join('');
    const bytes = new Uint8Array(chars.length);
    let n = 0;
    for (const ch of chars) {
      const b = UNICODE_TO_BYTE.get(ch);
      if (b !== undefined) bytes[n++] = b;
    }
    return new TextDecoder('utf-8').decode(bytes.subarray(0, n)).replaceAll(END_OF_WORD, ' ').trim();
  }
}

/** SD1.5's 77-position layout for an already tokenized prompt. */
export function sd15Encoding(t: TokenizeResult, tokenOf: (id: number) => string): Sd15Encoding {
  const kept = Math.min(t.ids.length, MAX_PROMPT_TOKENS);
  const inputIds = new Int32Array(CONTEXT_LENGTH).fill(SD15_PAD);
  const offsets: (Span | null)[] = new Array(CONTEXT_LENGTH).fill(null);
  inputIds[0] = START_OF_TEXT;
  for (let i = 0; i < kept; i++) {
    inputIds[1 + i] = t.ids[i];
    offsets[1 + i] = t.offsets[i];
  }
  inputIds[1 + kept] = END_OF_TEXT;
  const truncated = t.ids.length > MAX_PROMPT_TOKENS;
  return {
    inputIds,
    tokens: Array.from(inputIds, (id) => tokenOf(id)),
    offsets,
    tokenCount: t.ids.length,
    keptTokens: kept,
    truncated,
    droppedTokens: t.ids.length - kept,
    cutAt: truncated ? t.offsets[MAX_PROMPT_TOKENS][0] : null,
  };
}

/** SD1.5's input ids for a list of prompt ids (start, ≤ 75 ids, end, end-padding to 77). */
export function sd15InputIds(ids: readonly number[]): Int32Array {
  const out = new Int32Array(CONTEXT_LENGTH).fill(SD15_PAD);
  out[0] = START_OF_TEXT;
  const kept = Math.min(ids.length, MAX_PROMPT_TOKENS);
  for (let i = 0; i < kept; i++) out[1 + i] = ids[i];
  out[1 + kept] = END_OF_TEXT;
  return out;
}

/** The encoder input of the empty prompt: 49406, then 49407 × 76. */
export const emptyPromptIds = (): Int32Array => sd15InputIds([]);

let shared: Promise<ClipTokenizer> | undefined;

/** Loads the vocabulary (lazily, once) and returns a tokenizer. */
export async function loadClipTokenizer(options: ClipTokenizerOptions = {}): Promise<ClipTokenizer> {
  shared ??= loadClipVocab().then((v) => new ClipTokenizer(v));
  shared.catch(() => {
    shared = undefined;
  });
  const tok = await shared;
  return options.clean && options.clean !== tok.clean ? tok.withOptions(options) : tok;
}
