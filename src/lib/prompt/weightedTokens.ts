/**
 * ComfyUI's SD1Tokenizer.tokenize_with_weights for SD1.5 (comfy/sd1_clip.py, SDTokenizer with its
 * defaults: max_length 77, start 49406, end 49407, pad 49407, max_word_length 8), in TypeScript.
 *
 * 1. The prompt is split into weighted segments (parse.ts).
 * 2. Each segment is cut at " embedding:" / "\nembedding:" and every piece is tokenized *on its
 *    own* by the CLIP tokenizer (start/end tokens removed). So "a (b) c" is tokenized as "a ",
 *    "b", " c": BPE never merges across a bracket, which is why ids can differ from tokenizing
 *    the text without brackets.
 * 3. The pieces' token groups are packed into chunks of 77: [start, tokens…, end, pad…]. A group
 *    that no longer fits is moved whole to the next chunk (the current one is closed with end +
 *    padding) unless it has 8 tokens or more, in which case it is split. ComfyUI encodes every
 *    chunk and concatenates the results (77·k positions), so a long prompt is *not* truncated.
 */
import type { ClipTokenizer } from '../tokenizer/clipTokenizer';
import { type ParsedPrompt, type PromptDiagnostic, type WeightedSegment, parsePromptWeights } from './parse';

export const CHUNK_LENGTH = 77;
export const START_TOKEN = 49406;
export const END_TOKEN = 49407;
export const PAD_TOKEN = 49407;
/** Token groups at least this long may be split across chunks. */
export const MAX_WORD_LENGTH = 8;
export const EMBEDDING_IDENTIFIER = 'embedding:';

export interface WeightedToken {
  id: number;
  /** ComfyUI's weight for this position (1.0 for start, end and padding). */
  weight: number;
  /** ComfyUI's word id: 1 + index of the token group; 0 for start, end and padding. */
  wordId: number;
  /** [start, end) of the prompt text behind the token; -1 for start, end and padding. */
  start: number;
  end: number;
}

export interface WeightedTokenization extends ParsedPrompt {
  /** Chunks of exactly 77 positions; ComfyUI encodes each and concatenates them. */
  chunks: WeightedToken[][];
  /** ComfyUI's `has_weights`: some position has a weight ≠ 1, so the empty prompt must be encoded too. */
  hasWeights: boolean;
}

export interface TokenizeWithWeightsOptions {
  /**
   * What `embedding:name` does. 'missing' (default): what ComfyUI does when the file is not in its
   * embeddings folder — the name is dropped with a warning and the rest is tokenized. This page has
   * no textual-inversion embeddings, so that is what a reader's prompt gets. 'text': tokenize it as
   * ordinary text (ComfyUI's tokenizer when no embeddings folder is configured).
   */
  embeddings?: 'missing' | 'text';
}

interface Piece {
  text: string;
  /** offset of text[0] within the segment's text */
  at: number;
}

const PY_WS = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** Python's str.strip(chars) for a set of single characters. */
function stripChars(s: string, chars: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && chars.includes(s[a])) a++;
  while (b > a && chars.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

/** `re.split(' embedding:|\nembedding:', text)` with the identifier put back on pieces 1…n. */
function splitAtEmbeddings(text: string): Piece[] {
  const pieces: Piece[] = [];
  const re = /[ \n]embedding:/g;
  let last = 0;
  let first = true;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    pieces.push(first ? { text: text.slice(last, at), at: last } : { text: text.slice(last - EMBEDDING_IDENTIFIER.length, at), at: last - EMBEDDING_IDENTIFIER.length });
    first = false;
    last = at + m[0].length;
  }
  pieces.push(first ? { text: text.slice(last), at: last } : { text: text.slice(last - EMBEDDING_IDENTIFIER.length), at: last - EMBEDDING_IDENTIFIER.length });
  return pieces.filter((p) => p.text !== '');
}

interface Group {
  ids: number[];
  weight: number;
  spans: Array<[number, number]>;
}

/** ComfyUI's tokenize_with_weights for one SD1.5 prompt. Never throws on malformed syntax. */
export function tokenizeWithWeights(
  prompt: string,
  tokenizer: ClipTokenizer,
  options: TokenizeWithWeightsOptions = {},
): WeightedTokenization {
  const parsed = parsePromptWeights(prompt);
  const diagnostics: PromptDiagnostic[] = [...parsed.diagnostics];
  const groups: Group[] = [];

  const tokenizePiece = (seg: WeightedSegment, text: string, at: number, coarse?: [number, number]) => {
    const t = tokenizer.tokenize(text);
    const spans = t.offsets.map(([a, b]): [number, number] =>
      coarse ?? [seg.starts[at + a], seg.ends[at + Math.max(a, b - 1)]],
    );
    groups.push({ ids: t.ids, weight: seg.weight, spans });
  };

  for (const seg of parsed.segments) {
    for (const piece of splitAtEmbeddings(seg.text)) {
      if (piece.text.startsWith(EMBEDDING_IDENTIFIER) && (options.embeddings ?? 'missing') === 'missing') {
        const nameStart = seg.starts[piece.at];
        const pieceEnd = seg.ends[piece.at + piece.text.length - 1];
        const embeddingName = stripChars(piece.text.slice(EMBEDDING_IDENTIFIER.length), '\n');
        const words = embeddingName.split(PY_WS).filter((w) => w !== '');
        if (words.length === 0) {
          diagnostics.push({
            code: 'embedding-empty-name',
            severity: 'error',
            start: nameStart,
            end: pieceEnd,
            message: '"embedding:" without a name: ComfyUI stops with an error on this prompt. Here it is ignored.',
          });
          continue;
        }
        const name = words[0];
        let leftover = words.slice(1).join(' ');
        const stripped = stripChars(name, ',');
        const commaCase = stripped.length < name.length;
        if (commaCase) leftover = `${name.slice(stripped.length)} ${leftover}`;
        const nameAt = piece.text.indexOf(name, EMBEDDING_IDENTIFIER.length);
        const nameEnd = nameAt >= 0 ? seg.ends[piece.at + nameAt + name.length - 1] : pieceEnd;
        // the leftover is rebuilt text; its tokens get the span of the piece it came from
        const restAt = nameAt >= 0 ? piece.at + nameAt + (commaCase ? stripped.length : name.length) : -1;
        let restStart = restAt >= 0 && restAt < piece.at + piece.text.length ? seg.starts[restAt] : pieceEnd;
        if (restStart >= pieceEnd) restStart = nameStart;
        diagnostics.push({
          code: 'embedding-unavailable',
          severity: 'warning',
          start: nameStart,
          end: nameEnd,
          message: `Textual-inversion embedding "${stripped || name}" is not available here. ComfyUI skips an embedding it cannot find (a real one would insert its own learned vectors).`,
        });
        if (leftover !== '') tokenizePiece(seg, leftover, 0, [restStart, pieceEnd]);
        continue;
      }
      tokenizePiece(seg, piece.text, piece.at);
    }
  }

  // pack the groups into 77-token chunks (ComfyUI's batching, verbatim in behaviour)
  const special = (id: number): WeightedToken => ({ id, weight: 1.0, wordId: 0, start: -1, end: -1 });
  const chunks: WeightedToken[][] = [];
  let batch: WeightedToken[] = [special(START_TOKEN)];
  chunks.push(batch);
  groups.forEach((g, i) => {
    const isLarge = g.ids.length >= MAX_WORD_LENGTH;
    let from = 0;
    const take = (to: number) => {
      for (let k = from; k < to; k++) {
        batch.push({ id: g.ids[k], weight: g.weight, wordId: i + 1, start: g.spans[k][0], end: g.spans[k][1] });
      }
      from = to;
    };
    while (from < g.ids.length) {
      const left = g.ids.length - from;
      if (left + batch.length > CHUNK_LENGTH - 1) {
        const remaining = CHUNK_LENGTH - batch.length - 1;
        if (isLarge) {
          take(from + remaining);
          batch.push(special(END_TOKEN));
        } else {
          batch.push(special(END_TOKEN));
          for (let k = 0; k < remaining; k++) batch.push(special(PAD_TOKEN));
        }
        batch = [special(START_TOKEN)];
        chunks.push(batch);
      } else {
        take(g.ids.length);
      }
    }
  });
  batch.push(special(END_TOKEN));
  while (batch.length < CHUNK_LENGTH) batch.push(special(PAD_TOKEN));

  diagnostics.sort((a, b) => a.start - b.start || a.end - b.end);
  const hasWeights = chunks.some((c) => c.some((t) => t.weight !== 1.0));
  return { segments: parsed.segments, diagnostics, chunks, hasWeights };
}

/** The ids of a chunk, ready for the text encoder. */
export const chunkIds = (chunk: readonly WeightedToken[]): Int32Array => Int32Array.from(chunk, (t) => t.id);

/** The weights of a chunk (float64, as ComfyUI keeps them in Python floats). */
export const chunkWeights = (chunk: readonly WeightedToken[]): Float64Array => Float64Array.from(chunk, (t) => t.weight);
