/**
 * The per-step preview without the VAE: each latent pixel's 4 channels times a fixed 4×3 matrix
 * give an RGB colour (ComfyUI's Latent2RGB previewer with SD1.5's `latent_rgb_factors`,
 * comfy/latent_formats.py). One 4×3 product per latent pixel — 64×64 at 512×512 — so it costs
 * microseconds, against a VAE decode that costs more than a UNet step.
 *
 *   rgb = latent[c, y, x] · F[c]   (F below),  byte = ⌊clamp((rgb + 1)/2, 0, 1)·255⌋
 *
 * ComfyUI previews the predicted clean latent x0 (what the denoiser thinks the image is), not
 * the noisy sample: that is `previewMode` 'x0', the default.
 */

/** SD1.5's latent → RGB factors (rows: latent channels 0–3; columns: R, G, B). */
export const SD15_LATENT_RGB_FACTORS: readonly (readonly [number, number, number])[] = [
  [0.3512, 0.2297, 0.3227],
  [0.325, 0.4974, 0.235],
  [-0.2829, 0.1762, 0.2721],
  [-0.212, -0.2616, -0.7177],
];

export interface PreviewImage {
  width: number;
  height: number;
  /** RGBA bytes, row-major (an ImageData's layout). */
  rgba: Uint8ClampedArray;
}

/**
 * RGBA preview of image `index` of a latent batch [batch, 4, h, w]. `out` may be passed to
 * reuse a buffer of h·w·4 bytes.
 */
export function latentToRgb(latents: Float32Array, h: number, w: number, index = 0, out?: Uint8ClampedArray, factors = SD15_LATENT_RGB_FACTORS): PreviewImage {
  const hw = h * w;
  const channels = factors.length;
  const base = index * channels * hw;
  if (latents.length < base + channels * hw) throw new Error(`latentToRgb: image ${index} is outside a latent of ${latents.length} values (${channels}×${h}×${w} each).`);
  const rgba = out && out.length === hw * 4 ? out : new Uint8ClampedArray(hw * 4);
  const [f0, f1, f2, f3] = factors;
  // factors as plain locals: the loop runs every step on the main path (~4× faster than indexing them)
  const r0 = f0[0], r1 = f1[0], r2 = f2[0], r3 = f3?.[0] ?? 0;
  const g0 = f0[1], g1 = f1[1], g2 = f2[1], g3 = f3?.[1] ?? 0;
  const b0 = f0[2], b1 = f1[2], b2 = f2[2], b3 = f3?.[2] ?? 0;
  // floor(clamp((v + 1) / 2, 0, 1) · 255); `| 0` floors the positive values, NaN → 0 as before
  const byte = (v: number) => { const x = (v + 1) / 2; return x <= 0 ? 0 : x >= 1 ? 255 : (x * 255) | 0; };
  for (let p = 0; p < hw; p++) {
    const c0 = latents[base + p];
    const c1 = latents[base + hw + p];
    const c2 = latents[base + 2 * hw + p];
    const c3 = channels > 3 ? latents[base + 3 * hw + p] : 0;
    const o = p * 4;
    rgba[o] = byte(c0 * r0 + c1 * r1 + c2 * r2 + c3 * r3);
    rgba[o + 1] = byte(c0 * g0 + c1 * g1 + c2 * g2 + c3 * g3);
    rgba[o + 2] = byte(c0 * b0 + c1 * b1 + c2 * b2 + c3 * b3);
    rgba[o + 3] = 255;
  }
  return { width: w, height: h, rgba };
}

/**
 * x0 from ε for schedulers that do not report it (DPM++): the sample is variance-preserving
 * (x = √ᾱ·x0 + √(1−ᾱ)·ε) with ᾱ = 1/(1 + σ²).
 */
export function predictX0(sample: Float32Array, eps: Float32Array, sigma: number, out = new Float32Array(sample.length)): Float32Array {
  const a = 1 / Math.sqrt(1 + sigma * sigma);
  const s = sigma * a;
  for (let i = 0; i < sample.length; i++) out[i] = (sample[i] - s * eps[i]) / a;
  return out;
}

/** Float image batch [n, 3, H, W] in [0, 1] → RGBA bytes of image `index` (for a canvas). */
export function imageToRgba(image: Float32Array, height: number, width: number, index = 0): Uint8ClampedArray {
  const hw = height * width;
  const base = index * 3 * hw;
  const out = new Uint8ClampedArray(hw * 4);
  for (let p = 0; p < hw; p++) {
    out[p * 4] = Math.round(image[base + p] * 255);
    out[p * 4 + 1] = Math.round(image[base + hw + p] * 255);
    out[p * 4 + 2] = Math.round(image[base + 2 * hw + p] * 255);
    out[p * 4 + 3] = 255;
  }
  return out;
}
