/**
 * Prompt → text-encoder states, as ComfyUI builds SD1.5 conditioning:
 *
 * 1. text is split by ComfyUI's weighting syntax and tokenized in chunks of 77
 *    (src/lib/prompt: tokenizeWithWeights; a long prompt becomes several chunks, not truncated);
 * 2. each chunk runs through the text encoder; the chunks' states are concatenated (77·k tokens);
 * 3. positions with weight ≠ 1 are pushed away from the empty prompt's states
 *    (applyTokenWeights: z' = (z − z_empty)·w + z_empty).
 *
 * Cond and uncond of different lengths are both repeated to their least common multiple of
 * tokens for the batched UNet call (ComfyUI's CONDCrossAttn.concat).
 */
import { applyTokenWeights, needsEmptyEncoding } from '../prompt/applyWeights';
import { chunkIds, chunkWeights, tokenizeWithWeights } from '../prompt/weightedTokens';
import type { PromptDiagnostic } from '../prompt/parse';
import { emptyPromptIds, loadClipTokenizer } from '../tokenizer';
import type { PromptInput } from './settings';
import type { TextEncoderRunner } from './runners';

export interface TextStates {
  /** [tokens, hidden] */
  embeds: Float32Array;
  tokens: number;
  hidden: number;
  /** Where a text prompt's weighting syntax was off (the prompt still runs). */
  diagnostics: PromptDiagnostic[];
}

const CHUNK = 77;

/** Token ids (77·k) and weights for a prompt; text needs the real CLIP tokenizer (loaded once). */
export async function promptIds(p: Exclude<PromptInput, { embeds: Float32Array }>): Promise<{ ids: Int32Array; weights: Float64Array; diagnostics: PromptDiagnostic[] }> {
  if (typeof p === 'string') {
    const tok = await loadClipTokenizer();
    const t = tokenizeWithWeights(p, tok);
    const ids = new Int32Array(t.chunks.length * CHUNK);
    const weights = new Float64Array(t.chunks.length * CHUNK);
    t.chunks.forEach((c, k) => { ids.set(chunkIds(c), k * CHUNK); weights.set(chunkWeights(c), k * CHUNK); });
    return { ids, weights, diagnostics: t.diagnostics };
  }
  const ids = Int32Array.from(p.ids);
  const weights = p.weights ? Float64Array.from(p.weights) : new Float64Array(ids.length).fill(1);
  return { ids, weights, diagnostics: [] };
}

/**
 * Encodes a prompt. `emptyIds` is the empty prompt's chunk for the weighting (SD1.5:
 * 49406 then 49407 × 76; a test network with another vocabulary passes its own).
 */
export async function encodePrompt(p: PromptInput, text: TextEncoderRunner | undefined, emptyIds: ArrayLike<number> = emptyPromptIds()): Promise<TextStates> {
  if (typeof p === 'object' && 'embeds' in p) {
    return { embeds: p.embeds, tokens: p.tokens, hidden: p.embeds.length / p.tokens, diagnostics: [] };
  }
  if (!text) throw new Error('No text encoder is loaded, so prompts must be given as embeddings.');
  const { ids, weights, diagnostics } = await promptIds(p);
  const chunks = ids.length / CHUNK;
  let z = await text.encode(ids, chunks);
  const hidden = z.length / ids.length;
  if (needsEmptyEncoding(weights)) {
    const zEmpty = await text.encode(Int32Array.from(emptyIds), 1);
    z = applyTokenWeights(z, zEmpty, weights, hidden);
  }
  return { embeds: z, tokens: ids.length, hidden, diagnostics };
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Repeats [tokens, hidden] states along the tokens to `tokens` (a multiple of its length). */
export function repeatTokens(s: TextStates, tokens: number): Float32Array {
  if (tokens === s.tokens) return s.embeds;
  if (tokens % s.tokens !== 0) throw new Error(`cannot repeat ${s.tokens} tokens to ${tokens}`);
  const out = new Float32Array(tokens * s.hidden);
  for (let r = 0; r < tokens / s.tokens; r++) out.set(s.embeds, r * s.embeds.length);
  return out;
}

/** The common token count of several conditionings: their least common multiple (ComfyUI). */
export function commonTokens(...states: TextStates[]): number {
  return states.reduce((acc, s) => (acc * s.tokens) / gcd(acc, s.tokens), 1);
}
