/**
 * The noise schedule shared by every scheduler: betas → alphas_cumprod → sigmas, the numpy
 * helpers that diffusers' `set_timesteps` relies on (linspace, round-half-to-even, interp),
 * timestep spacing, Karras sigmas, and the sigma → t inverse.
 *
 * Everything here is computed in float64. diffusers builds the schedule in float32 torch
 * tensors; the difference is ~1e-7 relative (tested against the fixtures' `betas` and
 * `alphas_cumprod`). Where diffusers *stores* float32 values that are fed onward (Euler's
 * timesteps and sigmas), the scheduler rounds them with `Math.fround` so that what reaches
 * the UNet is bit-identical to diffusers.
 *
 * Pure TypeScript, no DOM/Node APIs: runs in a Web Worker, at build time and in Vitest.
 */

/** The keys of a diffusers `scheduler_config.json` that these schedulers read. */
export interface SchedulerConfig {
  num_train_timesteps?: number;
  beta_start?: number;
  beta_end?: number;
  beta_schedule?: string;
  trained_betas?: number[] | null;
  steps_offset?: number;
  timestep_spacing?: string;
  set_alpha_to_one?: boolean;
  prediction_type?: string;
  clip_sample?: boolean;
  clip_sample_range?: number;
  thresholding?: boolean;
  rescale_betas_zero_snr?: boolean;
  /** Euler / DPM++ */
  use_karras_sigmas?: boolean;
  final_sigmas_type?: string;
  interpolation_type?: string;
  /** DPM++ */
  solver_order?: number;
  algorithm_type?: string;
  solver_type?: string;
  lower_order_final?: boolean;
  euler_at_final?: boolean;
  /** LCM */
  original_inference_steps?: number;
  timestep_scaling?: number;
  /** Anything else in the JSON (`_class_name`, `skip_prk_steps`, …) is ignored, as `from_config` does. */
  [key: string]: unknown;
}

/** Config after a scheduler class applied its own defaults (what diffusers calls `scheduler.config`). */
export type ResolvedConfig = Required<
  Pick<
    SchedulerConfig,
    | 'num_train_timesteps'
    | 'beta_start'
    | 'beta_end'
    | 'beta_schedule'
    | 'steps_offset'
    | 'timestep_spacing'
    | 'prediction_type'
  >
> &
  SchedulerConfig;

export type TimestepSpacing = 'linspace' | 'leading' | 'trailing';

export interface StepOutput {
  /** x_{t-1}: the sample to feed to the next step. */
  prevSample: Float32Array;
  /**
   * The model's estimate of the clean latent x_0 at this step, where diffusers exposes one:
   * DDIM / Euler / Euler ancestral `pred_original_sample`, LCM `denoised`. DPM++ keeps its
   * x_0 estimate internally and diffusers does not return it; neither do we.
   */
  predOriginalSample?: Float32Array;
}

/** Every scheduler implements this (see index.ts for the registry). */
export interface Scheduler {
  readonly name: string;
  readonly config: ResolvedConfig;
  /** Training schedule, length num_train_timesteps. */
  readonly betas: Float64Array;
  readonly alphasCumprod: Float64Array;
  /** Timesteps for the current step count (call `setTimesteps` first). Integers except for Euler and Euler ancestral. */
  readonly timesteps: Float64Array;
  /** k-diffusion sigmas (steps + 1, last is the final sigma) for Euler, Euler ancestral and DPM++; undefined for DDIM/LCM. */
  readonly sigmas: Float64Array | undefined;
  /**
   * The noise level σ the UNet sees at step i (length = steps), for every scheduler:
   * `sigmas[i]` for Euler, Euler ancestral and DPM++, σ(t_i) = √((1 − ᾱ_t)/ᾱ_t) for DDIM/LCM. This is what
   * IP-Adapter's start_at/end_at compare against (see ipadapter/startEnd.ts).
   */
  readonly stepSigmas: Float64Array;
  /** Multiply unit Gaussian noise by this to get the first sample. */
  readonly initNoiseSigma: number;
  /** True when `step` consumes fresh Gaussian noise (Euler ancestral, LCM). */
  readonly stochastic: boolean;
  readonly numInferenceSteps: number;
  setTimesteps(numInferenceSteps: number): void;
  /** What the UNet gets as its input at timestep t (Euler and Euler ancestral: x / √(σ² + 1); others: x unchanged). */
  scaleModelInput(sample: Float32Array, t: number): Float32Array;
  /**
   * One denoising step. `modelOutput` is the UNet's ε prediction for `sample` at `t`. `noise`
   * (N(0, 1), same length) is required by stochastic schedulers on the steps that draw noise;
   * see `noise.ts` for a seeded generator.
   */
  step(modelOutput: Float32Array, t: number, sample: Float32Array, noise?: Float32Array): StepOutput;
}

// ---------------------------------------------------------------------------------------------
// numpy look-alikes

/** numpy.linspace(start, stop, num, endpoint) in float64, the way numpy computes it. */
export function linspace(start: number, stop: number, num: number, endpoint = true): Float64Array {
  const out = new Float64Array(num);
  if (num === 0) return out;
  const div = endpoint ? num - 1 : num;
  const delta = stop - start;
  const step = div > 0 ? delta / div : NaN;
  for (let i = 0; i < num; i++) {
    out[i] = step === 0 ? (i / div) * delta + start : i * step + start;
  }
  if (endpoint && num > 1) out[num - 1] = stop;
  if (num === 1) out[0] = start;
  return out;
}

/** numpy.round / torch.round: round half to even (Math.round rounds half up). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  if (Math.abs(x % 1) === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

/** numpy.interp(x, arange(len(fp)), fp): linear interpolation on an integer grid, clamped at the ends. */
export function interpOnIndexGrid(x: number, fp: ArrayLike<number>): number {
  const n = fp.length;
  if (x <= 0) return fp[0];
  if (x >= n - 1) return fp[n - 1];
  const i = Math.floor(x);
  const w = x - i;
  return fp[i] + (fp[i + 1] - fp[i]) * w;
}

// ---------------------------------------------------------------------------------------------
// the training schedule

/** Resolves the parts of a config every scheduler shares; each scheduler adds its own defaults. */
export function resolveCommon(config: SchedulerConfig, defaults: Partial<ResolvedConfig>): ResolvedConfig {
  const merged: SchedulerConfig = { ...defaults };
  for (const [k, v] of Object.entries(config)) {
    if (v !== undefined) merged[k] = v;
  }
  const resolved: ResolvedConfig = {
    ...merged,
    num_train_timesteps: merged.num_train_timesteps ?? 1000,
    beta_start: merged.beta_start ?? 0.0001,
    beta_end: merged.beta_end ?? 0.02,
    beta_schedule: merged.beta_schedule ?? 'linear',
    steps_offset: merged.steps_offset ?? 0,
    timestep_spacing: merged.timestep_spacing ?? 'leading',
    prediction_type: merged.prediction_type ?? 'epsilon',
  };
  if (resolved.prediction_type !== 'epsilon') {
    throw new Error(
      `prediction_type "${resolved.prediction_type}" is not supported: these schedulers implement SD1.5's "epsilon" only.`,
    );
  }
  if (resolved.thresholding) {
    throw new Error('thresholding (dynamic thresholding of x0) is not supported; SD1.5 does not use it.');
  }
  if (resolved.rescale_betas_zero_snr) {
    throw new Error('rescale_betas_zero_snr is not supported; SD1.5 does not use it.');
  }
  const spacing = resolved.timestep_spacing;
  if (spacing !== 'linspace' && spacing !== 'leading' && spacing !== 'trailing') {
    throw new Error(`timestep_spacing "${spacing}" is unknown; use "linspace", "leading" or "trailing".`);
  }
  return resolved;
}

/**
 * Training betas. `scaled_linear` (SD1.5): linspace(√β_start, √β_end, N)²; `linear`:
 * linspace(β_start, β_end, N); or the config's explicit `trained_betas`.
 */
export function makeBetas(config: ResolvedConfig): Float64Array {
  const n = config.num_train_timesteps;
  if (config.trained_betas && config.trained_betas.length > 0) {
    if (config.trained_betas.length !== n) {
      throw new Error(`trained_betas has ${config.trained_betas.length} entries but num_train_timesteps is ${n}.`);
    }
    return Float64Array.from(config.trained_betas);
  }
  switch (config.beta_schedule) {
    case 'scaled_linear': {
      const r = linspace(Math.sqrt(config.beta_start), Math.sqrt(config.beta_end), n);
      return r.map((x) => x * x);
    }
    case 'linear':
      return linspace(config.beta_start, config.beta_end, n);
    default:
      throw new Error(
        `beta_schedule "${config.beta_schedule}" is not supported; use "scaled_linear" (SD1.5), "linear" or trained_betas.`,
      );
  }
}

/** ᾱ_t = ∏_{s ≤ t} (1 − β_s). */
export function alphasCumprodFrom(betas: Float64Array): Float64Array {
  const out = new Float64Array(betas.length);
  let p = 1;
  for (let i = 0; i < betas.length; i++) {
    p *= 1 - betas[i];
    out[i] = p;
  }
  return out;
}

/** The discrete k-diffusion sigma table σ_t = √((1 − ᾱ_t)/ᾱ_t), t = 0 … N−1 (increasing). */
export function sigmasFromAlphasCumprod(alphasCumprod: Float64Array): Float64Array {
  return alphasCumprod.map((a) => Math.sqrt((1 - a) / a));
}

export interface TrainingSchedule {
  betas: Float64Array;
  alphasCumprod: Float64Array;
  /** σ_t for every training timestep. */
  sigmas: Float64Array;
}

export function trainingSchedule(config: ResolvedConfig): TrainingSchedule {
  const betas = makeBetas(config);
  const alphasCumprod = alphasCumprodFrom(betas);
  return { betas, alphasCumprod, sigmas: sigmasFromAlphasCumprod(alphasCumprod) };
}

/** The SD1.5 training schedule's sigma table (scaled_linear, 0.00085 → 0.012, 1000 steps). */
let sd15Sigmas: Float64Array | undefined;
export function sd15DiscreteSigmas(): Float64Array {
  if (!sd15Sigmas) {
    sd15Sigmas = trainingSchedule(
      resolveCommon({ beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, num_train_timesteps: 1000 }, {}),
    ).sigmas;
  }
  return sd15Sigmas;
}

// ---------------------------------------------------------------------------------------------
// inference timesteps

export function assertStepCount(numInferenceSteps: number, numTrain: number): void {
  if (!Number.isInteger(numInferenceSteps) || numInferenceSteps < 1) {
    throw new Error(`The number of inference steps must be a whole number ≥ 1 (got ${numInferenceSteps}).`);
  }
  if (numInferenceSteps > numTrain) {
    throw new Error(
      `The number of inference steps (${numInferenceSteps}) cannot exceed num_train_timesteps (${numTrain}).`,
    );
  }
}

/**
 * Timesteps, high to low, for DDIM/Euler-style spacing (diffusers `set_timesteps`, "Common
 * Diffusion Noise Schedules and Sample Steps are Flawed", Table 2):
 * - linspace: linspace(0, N−1, n), reversed (float; DDIM rounds it).
 * - leading:  arange(n)·(N // n), reversed, + steps_offset. SD1.5's DDIM: 951, 901, …, 1.
 * - trailing: round(arange(N, 0, −N/n)) − 1.
 */
export function spacedTimesteps(
  spacing: TimestepSpacing,
  numInferenceSteps: number,
  numTrain: number,
  stepsOffset: number,
): Float64Array {
  const n = numInferenceSteps;
  const out = new Float64Array(n);
  if (spacing === 'linspace') {
    const l = linspace(0, numTrain - 1, n);
    for (let i = 0; i < n; i++) out[i] = l[n - 1 - i];
  } else if (spacing === 'leading') {
    const ratio = Math.floor(numTrain / n);
    for (let i = 0; i < n; i++) out[i] = (n - 1 - i) * ratio + stepsOffset;
  } else {
    const ratio = numTrain / n;
    for (let i = 0; i < n; i++) out[i] = roundHalfEven(numTrain - i * ratio) - 1;
  }
  return out;
}

/** Karras et al. (2022) ρ = 7 sigmas between σ_max and σ_min, n of them. */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, n: number, rho = 7): Float64Array {
  const ramp = linspace(0, 1, n);
  const minInv = sigmaMin ** (1 / rho);
  const maxInv = sigmaMax ** (1 / rho);
  return ramp.map((r) => (maxInv + r * (minInv - maxInv)) ** rho);
}

/**
 * The fractional training timestep whose σ is `sigma`: linear interpolation in log σ between
 * the two neighbouring table entries (diffusers `_sigma_to_t`), clamped to [0, N−1].
 */
export function sigmaToT(sigma: number, logSigmas: Float64Array): number {
  const logSigma = Math.log(Math.max(sigma, 1e-10));
  const n = logSigmas.length;
  // low = last index whose log σ ≤ log_sigma (table is increasing), clipped to n − 2
  let low = 0;
  for (let i = 0; i < n; i++) if (logSigma - logSigmas[i] >= 0) low = i;
  // diffusers: cumsum(dists >= 0).argmax() — the first index reaching the final count; for an
  // increasing table that is the last index with logσ_i ≤ logσ, or 0 when there is none.
  low = Math.min(low, n - 2);
  const high = low + 1;
  const lo = logSigmas[low];
  const hi = logSigmas[high];
  let w = (lo - logSigma) / (lo - hi);
  w = Math.min(1, Math.max(0, w));
  return (1 - w) * low + w * high;
}

// ---------------------------------------------------------------------------------------------
// step-index bookkeeping shared by the multistep / sigma-based schedulers

/**
 * diffusers `index_for_timestep`: the position of t in the schedule; when t occurs more than
 * once, the second occurrence (so img2img starting mid-schedule does not skip a sigma).
 */
export function indexForTimestep(timesteps: Float64Array, t: number): number {
  const hits: number[] = [];
  for (let i = 0; i < timesteps.length; i++) if (timesteps[i] === t) hits.push(i);
  if (hits.length === 0) {
    throw new Error(
      `Timestep ${t} is not one of this scheduler's timesteps [${Array.from(timesteps).join(', ')}]; ` +
        'pass the values from scheduler.timesteps (after setTimesteps).',
    );
  }
  return hits.length > 1 ? hits[1] : hits[0];
}

export function assertSameLength(a: Float32Array, b: Float32Array, what: string): void {
  if (a.length !== b.length) {
    throw new Error(`${what} has ${b.length} elements but the sample has ${a.length}.`);
  }
}

export function requireNoise(noise: Float32Array | undefined, sample: Float32Array, who: string): Float32Array {
  if (!noise) {
    throw new Error(
      `${who} draws fresh Gaussian noise at this step: pass noise (a Float32Array of N(0, 1) values, ` +
        `${sample.length} of them), e.g. from createNoiseGenerator(seed).normalArray(n) in schedulers/noise.ts.`,
    );
  }
  assertSameLength(sample, noise, 'noise');
  return noise;
}

/** σ(t) for an integer training timestep t (used for DDIM/LCM step sigmas). */
export function sigmaOfTimestep(alphasCumprod: Float64Array, t: number): number {
  const a = alphasCumprod[t];
  return Math.sqrt((1 - a) / a);
}
