/**
 * Attention maps: where, in the picture, each text token and each image token is attended to in
 * one cross-attention layer. The UNet's probe outputs (`attn_text_{t}`, `attn_ip_{a}_{t}`, see
 * src/lib/models/unet.ts) are softmax probabilities [B, heads, S, T]; a map is one token's column
 * reshaped to the latent grid of that layer.
 *
 * Contract between the pipeline (which fills it) and the live lab's view (which draws it).
 */

/** What to record during a generation. */
export interface AttentionMapRequest {
  /** ComfyUI layer indices (0..15 for SD1.5; src/lib/ipadapter/layerMaps). */
  layers: number[];
  /** Sampling step (0-based) whose UNet call is recorded; default the last step. */
  step?: number;
}

/** One layer's maps, averaged over heads, for the first image of the batch, conditional half of CFG. */
export interface AttentionMaps {
  layer: number;
  step: number;
  /** The layer's spatial grid (latent height / 2^level, latent width / 2^level). */
  h: number;
  w: number;
  /** Text branch: token-major [tokens × h·w]; text[k·h·w + p] = probability that position p attends to token k. */
  text: Float32Array;
  textTokens: number;
  /** Image branches: one per adapter branch (same layout, T_a tokens: 4, 16 or 257). Probabilities before λ and mask. */
  image: { adapter: number; tokens: number; maps: Float32Array }[];
}

/** Map of one token: a view (no copy) of h·w values. */
export function tokenMap(maps: Float32Array, token: number, h: number, w: number): Float32Array {
  const n = h * w;
  if (!Number.isInteger(token) || token < 0 || (token + 1) * n > maps.length) throw new RangeError(`token ${token} is outside 0..${maps.length / n - 1}`);
  return maps.subarray(token * n, (token + 1) * n);
}

/**
 * One row of a probe output [B, heads, S, T] averaged over heads, token-major [T, S]:
 * out[k·S + p] = mean over heads of probs[row, head, p, k].
 */
export function headMeanTokenMajor(probs: Float32Array, dims: readonly number[], row: number): Float32Array {
  const [B, heads, S, T] = dims;
  if (dims.length !== 4 || !(row >= 0 && row < B) || probs.length !== B * heads * S * T) {
    throw new RangeError(`a probe must be [batch, heads, positions, tokens] with row < batch (got dims ${dims.join('×')}, row ${row}).`);
  }
  const out = new Float32Array(T * S);
  const inv = 1 / heads;
  for (let hd = 0; hd < heads; hd++) {
    const base = (row * heads + hd) * S * T;
    for (let p = 0; p < S; p++) {
      const at = base + p * T;
      for (let k = 0; k < T; k++) out[k * S + p] += probs[at + k] * inv;
    }
  }
  return out;
}
