/**
 * Euler (Karras et al. 2022, Algorithm 2 with s_churn = 0), as diffusers'
 * `EulerDiscreteScheduler`. Works in k-diffusion's σ parametrisation: x = x0 + σ·ε.
 *
 * model input = x / √(σ² + 1)
 * x0 = x − σ·ε;  d = (x − x0)/σ = ε;  x_next = x + d·(σ_next − σ)
 *
 * Timesteps are fractional (linspace(0, 999, n) reversed for SD1.5) and σ at each is the
 * linear interpolation of the training σ table. Like diffusers, both are stored as float32.
 */
import {
  assertSameLength,
  assertStepCount,
  indexForTimestep,
  interpOnIndexGrid,
  resolveCommon,
  spacedTimesteps,
  trainingSchedule,
  type ResolvedConfig,
  type Scheduler,
  type SchedulerConfig,
  type StepOutput,
  type TimestepSpacing,
} from './schedule';

/** Shared by Euler and Euler ancestral: σ-table timesteps, model-input scaling, step index. */
export abstract class SigmaScheduler implements Scheduler {
  abstract readonly name: string;
  abstract readonly stochastic: boolean;
  readonly config: ResolvedConfig;
  readonly betas: Float64Array;
  readonly alphasCumprod: Float64Array;
  /** σ_t of the training schedule, t = 0 … N−1. */
  readonly trainingSigmas: Float64Array;
  timesteps: Float64Array = new Float64Array(0);
  sigmas: Float64Array = new Float64Array(0);
  stepSigmas: Float64Array = new Float64Array(0);
  numInferenceSteps = 0;
  protected stepIndex: number | null = null;

  constructor(config: SchedulerConfig, defaults: Partial<ResolvedConfig>) {
    this.config = resolveCommon(config, defaults);
    if (this.config.use_karras_sigmas) {
      throw new Error(`${this.constructor.name}: use_karras_sigmas is not implemented here; use "dpmpp_2m_karras".`);
    }
    if (this.config.interpolation_type !== undefined && this.config.interpolation_type !== 'linear') {
      throw new Error(`interpolation_type "${String(this.config.interpolation_type)}" is not supported (only "linear").`);
    }
    const s = trainingSchedule(this.config);
    this.betas = s.betas;
    this.alphasCumprod = s.alphasCumprod;
    this.trainingSigmas = s.sigmas;
  }

  /**
   * diffusers' quirk, kept for parity: with linspace/trailing spacing the first sample is
   * scaled by σ_max, with leading spacing by √(σ_max² + 1).
   */
  get initNoiseSigma(): number {
    let max = 0;
    for (const s of this.sigmas) max = Math.max(max, s);
    const spacing = this.config.timestep_spacing;
    return spacing === 'linspace' || spacing === 'trailing' ? max : Math.fround(Math.sqrt(max * max + 1));
  }

  setTimesteps(numInferenceSteps: number): void {
    const n = this.config.num_train_timesteps;
    assertStepCount(numInferenceSteps, n);
    // float32 in diffusers (np.float32 linspace / astype(np.float32))
    const ts = spacedTimesteps(
      this.config.timestep_spacing as TimestepSpacing,
      numInferenceSteps,
      n,
      this.config.steps_offset,
    ).map(Math.fround);
    const sigmas = new Float64Array(numInferenceSteps + 1);
    for (let i = 0; i < numInferenceSteps; i++) sigmas[i] = Math.fround(interpOnIndexGrid(ts[i], this.trainingSigmas));
    const finalType = this.config.final_sigmas_type ?? 'zero';
    if (finalType === 'sigma_min') sigmas[numInferenceSteps] = Math.fround(this.trainingSigmas[0]);
    else if (finalType === 'zero') sigmas[numInferenceSteps] = 0;
    else throw new Error(`final_sigmas_type "${String(finalType)}" is unknown; use "zero" or "sigma_min".`);
    this.timesteps = ts;
    this.sigmas = sigmas;
    this.stepSigmas = sigmas.slice(0, numInferenceSteps);
    this.numInferenceSteps = numInferenceSteps;
    this.stepIndex = null;
  }

  protected currentIndex(t: number): number {
    if (this.numInferenceSteps === 0) throw new Error(`${this.name}: call setTimesteps(steps) first.`);
    if (this.stepIndex === null) this.stepIndex = indexForTimestep(this.timesteps, t);
    if (this.stepIndex >= this.numInferenceSteps) {
      throw new Error(`${this.name}: all ${this.numInferenceSteps} steps are done; call setTimesteps again to restart.`);
    }
    return this.stepIndex;
  }

  scaleModelInput(sample: Float32Array, t: number): Float32Array {
    const sigma = this.sigmas[this.currentIndex(t)];
    const k = 1 / Math.sqrt(sigma * sigma + 1);
    const out = new Float32Array(sample.length);
    for (let i = 0; i < sample.length; i++) out[i] = sample[i] * k;
    return out;
  }

  abstract step(modelOutput: Float32Array, t: number, sample: Float32Array, noise?: Float32Array): StepOutput;
}

export class EulerScheduler extends SigmaScheduler {
  readonly name: string = 'euler';
  readonly stochastic = false;

  constructor(config: SchedulerConfig) {
    super(config, { timestep_spacing: 'linspace', final_sigmas_type: 'zero', interpolation_type: 'linear', use_karras_sigmas: false });
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): StepOutput {
    assertSameLength(sample, modelOutput, 'modelOutput');
    const i = this.currentIndex(t);
    const sigma = this.sigmas[i];
    const dt = this.sigmas[i + 1] - sigma;
    const prev = new Float32Array(sample.length);
    const x0 = new Float32Array(sample.length);
    for (let j = 0; j < sample.length; j++) {
      const p = sample[j] - sigma * modelOutput[j];
      x0[j] = p;
      const d = (sample[j] - p) / sigma;
      prev[j] = sample[j] + d * dt;
    }
    this.stepIndex = i + 1;
    return { prevSample: prev, predOriginalSample: x0 };
  }
}
