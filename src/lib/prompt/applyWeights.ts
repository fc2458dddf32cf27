/**
 * How ComfyUI turns token weights into a conditioning tensor (ClipTokenWeightEncoder
 * .encode_token_weights in comfy/sd1_clip.py, the default "comfy" interpretation):
 *
 *   if any weight ≠ 1: also encode the empty prompt [49406, 49407, 49407, …] (z_empty)
 *   for every chunk k, position j with weight w ≠ 1:
 *       z[k][j] = (z[k][j] − z_empty[j]) · w + z_empty[j]
 *   positions with w == 1 are left untouched; the chunks are concatenated along the tokens.
 *
 * So a weight does not scale the token's vector; it scales its *difference* from what the empty
 * prompt produces at the same position, pushing it further from (w > 1) or closer to (w < 1) "no
 * prompt". z is the text encoder's output (last layer after the final layer norm, or the layer
 * CLIP-skip picks), float32.
 */

/** ComfyUI's has_weights: the empty-prompt encoding is needed only if some weight differs from 1. */
export const needsEmptyEncoding = (weights: ArrayLike<number>): boolean => {
  for (let i = 0; i < weights.length; i++) if (weights[i] !== 1.0) return true;
  return false;
};

/**
 * Applies ComfyUI's token weights.
 *
 * @param z       encoder output of all chunks, row-major [chunks · chunkLength, hidden]
 * @param zEmpty  encoder output of the empty prompt, [chunkLength, hidden]; may be omitted when no
 *                weight differs from 1
 * @param weights one weight per row of z (e.g. from `chunkWeights`, chunks concatenated)
 * @returns a new Float32Array; rows with weight exactly 1 are copied bit for bit. The arithmetic is
 *          done in float32 one operation at a time (subtract, multiply by the weight rounded to
 *          float32, add), which is how torch evaluates that expression on float32 tensors with a
 *          Python-float weight.
 */
export function applyTokenWeights(
  z: Float32Array,
  zEmpty: Float32Array | undefined,
  weights: ArrayLike<number>,
  hidden: number,
): Float32Array {
  if (hidden <= 0 || z.length % hidden !== 0) throw new Error(`z has ${z.length} values, not a multiple of ${hidden}`);
  const rows = z.length / hidden;
  if (weights.length !== rows) throw new Error(`${weights.length} weights for ${rows} token rows`);
  const out = new Float32Array(z);
  if (!needsEmptyEncoding(weights)) return out;
  if (!zEmpty) throw new Error('weights differ from 1, so the empty-prompt encoding is needed');
  if (zEmpty.length % hidden !== 0) throw new Error(`zEmpty has ${zEmpty.length} values, not a multiple of ${hidden}`);
  const chunkLength = zEmpty.length / hidden;
  if (rows % chunkLength !== 0) throw new Error(`${rows} rows are not whole chunks of ${chunkLength}`);
  const f = Math.fround;
  for (let j = 0; j < rows; j++) {
    const w = weights[j];
    if (w === 1.0) continue;
    const w32 = f(w);
    const e0 = (j % chunkLength) * hidden;
    const z0 = j * hidden;
    for (let c = 0; c < hidden; c++) {
      const e = zEmpty[e0 + c];
      out[z0 + c] = f(f(f(z[z0 + c] - e) * w32) + e);
    }
  }
  return out;
}
