/**
 * The tokenizer lab's view of a prompt (lesson 2), from the same code the in-browser pipeline
 * runs: the CLIP BPE tokenizer (src/lib/tokenizer) and ComfyUI's weighting and 77-token chunks
 * (src/lib/prompt). ComfyUI — and this course's pipeline — split a long prompt into several
 * chunks of 77; diffusers and the original CLIP code truncate after 75 prompt tokens. The view
 * shows both: the chunks, and where a truncating tool stops reading.
 */
import { UNICODE_TO_BYTE } from '../tokenizer/bytes';
import type { ClipTokenizer } from '../tokenizer/clipTokenizer';
import { CHUNK_LENGTH, END_TOKEN, PAD_TOKEN, START_TOKEN, tokenizeWithWeights } from '../prompt/weightedTokens';
import type { PromptDiagnostic } from '../prompt/parse';

export type CellKind = 'start' | 'end' | 'pad' | 'text';

export interface TokenCell {
  /** Position inside its chunk (0…76). */
  pos: number;
  chunk: number;
  id: number;
  kind: CellKind;
  /** The token as CLIP spells it (byte-level; `</w>` ends a word). */
  piece: string;
  /** The piece's bytes read as UTF-8 when they form whole characters, else their hex ("E8 83"). */
  display: string;
  /** True when the token is only part of a character's UTF-8 bytes. */
  partial: boolean;
  weight: number;
  /** [start, end) of the prompt text behind the token; null for start/end/padding. */
  span: [number, number] | null;
}

export interface TokenizerView {
  chunks: TokenCell[][];
  /** Prompt tokens (without start/end/padding), over all chunks. */
  promptTokens: number;
  /** What a truncating tokenizer (diffusers, CLIP) does with the same text. */
  truncation: { truncated: boolean; kept: number; dropped: number; cutAt: number | null };
  diagnostics: PromptDiagnostic[];
  hasWeights: boolean;
  /** CJK characters in the prompt and the tokens that carry them. */
  cjk: { chars: number; tokens: number };
}

const END_OF_WORD = '</w>';

/** The bytes of a BPE piece, its text when they are whole UTF-8 characters, or hex. */
export function pieceDisplay(piece: string): { display: string; partial: boolean } {
  const body = piece.endsWith(END_OF_WORD) ? piece.slice(0, -END_OF_WORD.length) : piece;
  const bytes: number[] = [];
  for (const ch of body) {
    const b = UNICODE_TO_BYTE.get(ch);
    if (b !== undefined) bytes.push(b);
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
    return { display: text, partial: false };
  } catch {
    return { display: bytes.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' '), partial: true };
  }
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]/u;

export function tokenizerView(prompt: string, tok: ClipTokenizer): TokenizerView {
  const w = tokenizeWithWeights(prompt, tok);
  const chunks = w.chunks.map((chunk, c) => {
    let ended = false;
    return chunk.map((t, pos): TokenCell => {
      let kind: CellKind = 'text';
      if (pos === 0 && t.id === START_TOKEN) kind = 'start';
      else if (t.start < 0 && t.id === END_TOKEN && !ended) {
        kind = 'end';
        ended = true;
      } else if (t.start < 0 && t.id === PAD_TOKEN) kind = 'pad';
      const piece = tok.idToToken(t.id) ?? '';
      const d = kind === 'text' ? pieceDisplay(piece) : { display: piece, partial: false };
      return { pos, chunk: c, id: t.id, kind, piece, display: d.display, partial: d.partial, weight: t.weight, span: t.start >= 0 ? [t.start, t.end] : null };
    });
  });
  const cells = chunks.flat().filter((x) => x.kind === 'text');
  const enc = tok.encodeForSD15(prompt);
  const cjkChars = [...prompt].filter((ch) => CJK.test(ch)).length;
  const cjkTokens = cells.filter((x) => x.span && CJK.test(prompt.slice(x.span[0], x.span[1]))).length;
  return {
    chunks,
    promptTokens: cells.length,
    truncation: { truncated: enc.truncated, kept: enc.keptTokens, dropped: enc.droppedTokens, cutAt: enc.cutAt },
    diagnostics: w.diagnostics,
    hasWeights: w.hasWeights,
    cjk: { chars: cjkChars, tokens: cjkTokens },
  };
}

export { CHUNK_LENGTH };
