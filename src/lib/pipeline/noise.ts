/**
 * The pipeline's random numbers, all from the seeded Philox generator in
 * src/lib/schedulers/noise.ts (counter-based, exact integer arithmetic, deterministic series for
 * ln/sin/cos): the same seed and settings give the same numbers in every browser, in Node and
 * on every GPU. Only the networks' floating-point arithmetic differs between devices (WebGPU
 * vs wasm, one GPU vs another), so the same seed gives the same image on the same device and a
 * very close one elsewhere.
 *
 * Layout (image i of a batch, seed s):
 * - the initial latent (and img2img's added noise): the first 4·h·w normals of stream 0 under
 *   seed s + i, in [channel, y, x] order;
 * - the fresh noise of stochastic schedulers (Euler ancestral, LCM): stream 1 under seed s + i,
 *   4·h·w normals per step, drawn at every step.
 * So image i of a batch with seed s is the image of a single run with seed s + i (as in A1111),
 * and changing the batch size never changes the earlier images.
 *
 * These are not torch's numbers: a seed here names a different image than in diffusers or
 * ComfyUI (settings.initialNoise accepts someone else's noise).
 */
import { createNoiseGenerator, gaussianNoise, type NoiseGenerator } from '../schedulers/noise';

const seedFor = (seed: number, i: number) => (seed + i) % Number.MAX_SAFE_INTEGER;

/** [batch, perImage] N(0, 1) initial latents. */
export function initialNoise(seed: number, batch: number, perImage: number): Float32Array {
  const out = new Float32Array(batch * perImage);
  for (let i = 0; i < batch; i++) out.set(gaussianNoise(seedFor(seed, i), perImage, 0), i * perImage);
  return out;
}

/** The per-step noise source of a stochastic scheduler for a batch. */
export class StepNoise {
  private readonly gens: NoiseGenerator[];
  private readonly buffer: Float32Array;
  constructor(seed: number, batch: number, private readonly perImage: number) {
    this.gens = Array.from({ length: batch }, (_, i) => createNoiseGenerator(seedFor(seed, i), 1));
    this.buffer = new Float32Array(batch * perImage);
  }
  /** The next step's noise for the whole batch (the same buffer each call, refilled). */
  next(): Float32Array {
    this.gens.forEach((g, i) => g.fillNormals(this.buffer, i * this.perImage, this.perImage));
    return this.buffer;
  }
}
