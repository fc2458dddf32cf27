/**
 * Image-to-image as diffusers' StableDiffusionImg2ImgPipeline does it (the rule the lesson's
 * figure draws, course/img2imgSchedule.ts): with strength s the sampler runs the last
 * int(steps·s) steps of the usual schedule, starting from the init image's latent noised to the
 * first of them. The latent is the VAE encoder's mean × scaling_factor (latent_dist.mode(), so
 * the same image always gives the same latent).
 */
import type { Scheduler } from '../schedulers';

/** Index of the first step that runs, or `steps` when none does. */
export function img2imgStartIndex(steps: number, strength: number): number {
  const init = Math.min(Math.floor(steps * strength + 1e-9), steps);
  return steps - init;
}

/**
 * x0 noised to the noise level of step `index`: x0 + σ·ε for Euler's σ-space samples,
 * √ᾱ·x0 + √(1 − ᾱ)·ε otherwise (DDIM, DPM++, LCM: ᾱ = 1/(1 + σ²)) — each scheduler's add_noise.
 */
export function addNoise(scheduler: Scheduler, x0: Float32Array, noise: Float32Array, index: number): Float32Array {
  const sigma = scheduler.stepSigmas[index];
  const out = new Float32Array(x0.length);
  if (scheduler.name === 'euler' || scheduler.name === 'euler_ancestral') {
    for (let i = 0; i < x0.length; i++) out[i] = x0[i] + sigma * noise[i];
  } else {
    const a = 1 / Math.sqrt(1 + sigma * sigma);
    const s = sigma * a;
    for (let i = 0; i < x0.length; i++) out[i] = a * x0[i] + s * noise[i];
  }
  return out;
}
