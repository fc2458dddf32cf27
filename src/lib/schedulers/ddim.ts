/**
 * DDIM (Song et al. 2020), deterministic (η = 0), as diffusers' `DDIMScheduler`.
 *
 * x0 = (x_t − √(1−ᾱ_t)·ε) / √ᾱ_t
 * x_{t'} = √ᾱ_{t'}·x0 + √(1−ᾱ_{t'})·ε,  t' = t − N // n
 * where ᾱ_{t'} for t' < 0 is ᾱ_0 (set_alpha_to_one = false, SD1.5) or 1.
 */
import {
  assertSameLength,
  assertStepCount,
  resolveCommon,
  sigmaOfTimestep,
  spacedTimesteps,
  trainingSchedule,
  roundHalfEven,
  type ResolvedConfig,
  type Scheduler,
  type SchedulerConfig,
  type StepOutput,
  type TimestepSpacing,
} from './schedule';

export class DDIMScheduler implements Scheduler {
  readonly name: string = 'ddim';
  readonly config: ResolvedConfig;
  readonly betas: Float64Array;
  readonly alphasCumprod: Float64Array;
  readonly finalAlphaCumprod: number;
  readonly initNoiseSigma = 1;
  readonly stochastic = false;
  readonly sigmas = undefined;
  timesteps: Float64Array = new Float64Array(0);
  stepSigmas: Float64Array = new Float64Array(0);
  numInferenceSteps = 0;

  constructor(config: SchedulerConfig) {
    this.config = resolveCommon(config, {
      timestep_spacing: 'leading',
      set_alpha_to_one: true,
      clip_sample: true,
      clip_sample_range: 1,
    });
    const s = trainingSchedule(this.config);
    this.betas = s.betas;
    this.alphasCumprod = s.alphasCumprod;
    this.finalAlphaCumprod = this.config.set_alpha_to_one ? 1 : this.alphasCumprod[0];
  }

  setTimesteps(numInferenceSteps: number): void {
    const n = this.config.num_train_timesteps;
    assertStepCount(numInferenceSteps, n);
    const spacing = this.config.timestep_spacing as TimestepSpacing;
    let ts = spacedTimesteps(spacing, numInferenceSteps, n, this.config.steps_offset);
    // DDIM's timesteps are int64 in diffusers: linspace is rounded (half to even).
    if (spacing === 'linspace') ts = ts.map(roundHalfEven);
    this.timesteps = ts;
    this.stepSigmas = ts.map((t) => sigmaOfTimestep(this.alphasCumprod, t));
    this.numInferenceSteps = numInferenceSteps;
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): StepOutput {
    if (this.numInferenceSteps === 0) throw new Error('DDIM: call setTimesteps(steps) before step().');
    assertSameLength(sample, modelOutput, 'modelOutput');
    const prevT = t - Math.floor(this.config.num_train_timesteps / this.numInferenceSteps);
    const aT = this.alphasCumprod[t];
    if (aT === undefined) throw new Error(`DDIM: timestep ${t} is outside 0…${this.alphasCumprod.length - 1}.`);
    const aPrev = prevT >= 0 ? this.alphasCumprod[prevT] : this.finalAlphaCumprod;
    const sqrtA = Math.sqrt(aT);
    const sqrt1mA = Math.sqrt(1 - aT);
    const sqrtAPrev = Math.sqrt(aPrev);
    const dirCoef = Math.sqrt(1 - aPrev); // η = 0: no variance term
    const clip = this.config.clip_sample ? (this.config.clip_sample_range ?? 1) : Infinity;
    const prev = new Float32Array(sample.length);
    const x0 = new Float32Array(sample.length);
    for (let i = 0; i < sample.length; i++) {
      const eps = modelOutput[i];
      let p = (sample[i] - sqrt1mA * eps) / sqrtA;
      if (clip !== Infinity) {
        p = Math.min(clip, Math.max(-clip, p));
      }
      x0[i] = p;
      // diffusers keeps the model's ε for the direction term (use_clipped_model_output = false).
      prev[i] = sqrtAPrev * p + dirCoef * eps;
    }
    return { prevSample: prev, predOriginalSample: x0 };
  }
}
