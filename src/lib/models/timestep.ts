/**
 * The UNet's sinusoidal timestep embedding ("time_proj" in diffusers), computed on the host.
 *
 * Why outside the graph: on onnxruntime-web's WebGPU provider Sin, Cos and Exp carry ~2e-4
 * absolute error (shared/reference/browser-runtime.md), and the embedding feeds every ResNet of
 * the UNet. Here it costs 320 sin/cos per call in JavaScript. The arithmetic mirrors what a
 * float32 PyTorch run does step by step (each intermediate rounded to float32), so the result
 * matches diffusers' `Timesteps` module to the last bit or two, not merely to float64 maths.
 *
 *   freq_i = exp(−ln(max_period) · i / (half − freq_shift)),  i = 0 … half−1
 *   emb    = [sin(t·freq), cos(t·freq)]  — or [cos, sin] when flip_sin_to_cos (SD1.5: flipped)
 */
export interface TimestepEmbeddingOptions {
  /** SD1.5: true (the UNet config's `flip_sin_to_cos`). */
  flipSinToCos?: boolean;
  /** SD1.5: 0 (the UNet config's `freq_shift`). */
  freqShift?: number;
  maxPeriod?: number;
}

const f = Math.fround;

/** Frequencies of the embedding, float32 as torch computes them. */
export function timestepFrequencies(dim: number, opts: TimestepEmbeddingOptions = {}): Float32Array {
  const half = Math.floor(dim / 2);
  const shift = opts.freqShift ?? 0;
  const negLog = f(-Math.log(opts.maxPeriod ?? 10000));
  const out = new Float32Array(half);
  for (let i = 0; i < half; i++) out[i] = f(Math.exp(f(f(negLog * i) / (half - shift))));
  return out;
}

/**
 * Embeds one timestep per batch element: returns a Float32Array of [timesteps.length, dim]
 * (row-major), the `time_proj` input of the UNet graph. Timesteps may be fractional (Euler,
 * DPM++ on interpolated sigmas); they are rounded to float32 first, as torch's `.float()` does.
 */
export function timestepEmbedding(timesteps: ArrayLike<number>, dim: number, opts: TimestepEmbeddingOptions = {}): Float32Array {
  const half = Math.floor(dim / 2);
  const flip = opts.flipSinToCos ?? true;
  const freqs = timestepFrequencies(dim, opts);
  const out = new Float32Array(timesteps.length * dim);
  for (let b = 0; b < timesteps.length; b++) {
    const t = f(timesteps[b]);
    const row = b * dim;
    for (let i = 0; i < half; i++) {
      const arg = f(t * freqs[i]);
      const s = f(Math.sin(arg));
      const c = f(Math.cos(arg));
      out[row + i] = flip ? c : s;
      out[row + half + i] = flip ? s : c;
    }
    // odd dims are zero-padded at the end (diffusers pads the last column)
  }
  return out;
}

/** The embedding for a diffusers UNet config (`block_out_channels[0]` wide, SD1.5: 320). */
export function unetTimeProj(
  timesteps: ArrayLike<number>,
  config: { block_out_channels: number[]; flip_sin_to_cos?: boolean; freq_shift?: number },
): Float32Array {
  return timestepEmbedding(timesteps, config.block_out_channels[0], {
    flipSinToCos: config.flip_sin_to_cos ?? true,
    freqShift: config.freq_shift ?? 0,
  });
}
