/**
 * Latent Consistency Model multistep sampling (Luo et al. 2023), as diffusers' `LCMScheduler`.
 * Meant for LCM-distilled UNets / LCM-LoRA; with a plain SD1.5 UNet it runs but gives poor
 * images at few steps — that contrast is a lesson in itself.
 *
 * Timesteps: the distillation schedule is every k-th training step, k = N // original_steps
 * (SD1.5: 1000 // 50 = 20 → 19, 39, …, 999); n of them are picked evenly from it, high to low:
 * 20 steps → 999, 959, 899, 859, …; 4 steps → 999, 759, 499, 259. (`timestep_spacing` is not
 * used by LCM.)
 *
 * step:  x0 = (x − √(1−ᾱ_t)·ε)/√ᾱ_t
 *        denoised = c_out·x0 + c_skip·x,  with s = 10·t: c_skip = 0.25/(s² + 0.25), c_out = s/√(s² + 0.25)
 *        x_next = √ᾱ_{t'}·denoised + √(1−ᾱ_{t'})·z   (z ~ N(0,1); the last step returns `denoised`)
 */
import {
  assertSameLength,
  assertStepCount,
  indexForTimestep,
  linspace,
  requireNoise,
  resolveCommon,
  sigmaOfTimestep,
  trainingSchedule,
  type ResolvedConfig,
  type Scheduler,
  type SchedulerConfig,
  type StepOutput,
} from './schedule';

const SIGMA_DATA = 0.5;

export class LCMScheduler implements Scheduler {
  readonly name: string = 'lcm';
  readonly config: ResolvedConfig;
  readonly betas: Float64Array;
  readonly alphasCumprod: Float64Array;
  readonly finalAlphaCumprod: number;
  readonly initNoiseSigma = 1;
  readonly stochastic = true;
  readonly sigmas = undefined;
  timesteps: Float64Array = new Float64Array(0);
  stepSigmas: Float64Array = new Float64Array(0);
  numInferenceSteps = 0;
  private stepIndex: number | null = null;

  constructor(config: SchedulerConfig) {
    this.config = resolveCommon(config, {
      timestep_spacing: 'leading',
      original_inference_steps: 50,
      timestep_scaling: 10,
      set_alpha_to_one: true,
      clip_sample: false,
      clip_sample_range: 1,
    });
    const s = trainingSchedule(this.config);
    this.betas = s.betas;
    this.alphasCumprod = s.alphasCumprod;
    this.finalAlphaCumprod = this.config.set_alpha_to_one ? 1 : this.alphasCumprod[0];
  }

  setTimesteps(numInferenceSteps: number): void {
    const nTrain = this.config.num_train_timesteps;
    assertStepCount(numInferenceSteps, nTrain);
    const original = this.config.original_inference_steps as number;
    if (numInferenceSteps > original) {
      throw new Error(
        `LCM: ${numInferenceSteps} steps is more than original_inference_steps (${original}); the distillation schedule has only ${original} timesteps.`,
      );
    }
    const k = Math.floor(nTrain / original);
    // 19, 39, …, 999 reversed
    const origin: number[] = [];
    for (let i = original; i >= 1; i--) origin.push(i * k - 1);
    const idx = linspace(0, origin.length, numInferenceSteps, false);
    this.timesteps = Float64Array.from(idx, (x) => origin[Math.floor(x)]);
    this.stepSigmas = this.timesteps.map((t) => sigmaOfTimestep(this.alphasCumprod, t));
    this.numInferenceSteps = numInferenceSteps;
    this.stepIndex = null;
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  /** The boundary-condition scalings (c_skip, c_out) at timestep t. */
  scalings(t: number): { cSkip: number; cOut: number } {
    const s = t * (this.config.timestep_scaling as number);
    return {
      cSkip: (SIGMA_DATA * SIGMA_DATA) / (s * s + SIGMA_DATA * SIGMA_DATA),
      cOut: s / Math.sqrt(s * s + SIGMA_DATA * SIGMA_DATA),
    };
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, noise?: Float32Array): StepOutput {
    if (this.numInferenceSteps === 0) throw new Error('LCM: call setTimesteps(steps) before step().');
    assertSameLength(sample, modelOutput, 'modelOutput');
    if (this.stepIndex === null) this.stepIndex = indexForTimestep(this.timesteps, t);
    const i = this.stepIndex;
    const n = this.numInferenceSteps;
    if (i >= n) throw new Error(`LCM: all ${n} steps are done; call setTimesteps again to restart.`);
    const last = i === n - 1;
    const prevT = last ? t : this.timesteps[i + 1];
    const aT = this.alphasCumprod[t];
    const aPrev = prevT >= 0 ? this.alphasCumprod[prevT] : this.finalAlphaCumprod;
    const { cSkip, cOut } = this.scalings(t);
    const sqrtA = Math.sqrt(aT);
    const sqrt1mA = Math.sqrt(1 - aT);
    const clip = this.config.clip_sample ? (this.config.clip_sample_range ?? 1) : Infinity;
    const z = last ? undefined : requireNoise(noise, sample, 'LCM (every step but the last)');
    const sqrtAPrev = Math.sqrt(aPrev);
    const sqrt1mAPrev = Math.sqrt(1 - aPrev);
    const denoised = new Float32Array(sample.length);
    const prev = new Float32Array(sample.length);
    for (let j = 0; j < sample.length; j++) {
      let x0 = (sample[j] - sqrt1mA * modelOutput[j]) / sqrtA;
      if (clip !== Infinity) x0 = Math.min(clip, Math.max(-clip, x0));
      const d = cOut * x0 + cSkip * sample[j];
      denoised[j] = d;
      prev[j] = z ? sqrtAPrev * d + sqrt1mAPrev * z[j] : d;
    }
    this.stepIndex = i + 1;
    return { prevSample: z ? prev : denoised.slice(), predOriginalSample: denoised };
  }
}
