/**
 * Classifier-free guidance: ε = ε_u + g·(ε_c − ε_u), elementwise (diffusers'
 * StableDiffusionPipeline and ComfyUI's default CFG). With g ≤ 1 diffusers skips the
 * unconditional pass entirely and uses ε_c; so does the pipeline (`needsUncond`).
 */

export const needsUncond = (guidance: number): boolean => guidance > 1;

/** Writes ε_u + g·(ε_c − ε_u) into `out` (default: a new array) and returns it. */
export function applyGuidance(uncond: Float32Array, cond: Float32Array, scale: number, out = new Float32Array(cond.length)): Float32Array {
  if (uncond.length !== cond.length) throw new Error(`guidance: ${uncond.length} unconditional vs ${cond.length} conditional values`);
  for (let i = 0; i < cond.length; i++) out[i] = uncond[i] + scale * (cond[i] - uncond[i]);
  return out;
}
