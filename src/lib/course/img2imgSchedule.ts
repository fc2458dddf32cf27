/**
 * Image-to-image on the SD1.5 noise schedule (lesson 5): which steps run for a given denoise
 * strength, and how much of the reference survives in the starting latent.
 *
 * SD1.5 was trained with "scaled_linear" betas: β_t = (linspace(√0.00085, √0.012, 1000)_t)².
 * ᾱ_t = Π_{s≤t} (1 − β_s). A latent noised to step t is x_t = √ᾱ_t · x_0 + √(1 − ᾱ_t) · ε,
 * so √ᾱ_t is the fraction of the reference's signal left in it.
 *
 * The schedule comes from the pipeline's scheduler code (src/lib/schedulers/schedule.ts).
 */
import { resolveCommon, spacedTimesteps, trainingSchedule } from '../schedulers/schedule';

/** SD1.5's scheduler_config.json: scaled_linear betas 0.00085 → 0.012 over 1000 steps, steps_offset 1. */
export const SD15_SCHEDULE = { betaStart: 0.00085, betaEnd: 0.012, trainSteps: 1000, stepsOffset: 1 } as const;

const SD15_CONFIG = resolveCommon(
  {
    beta_schedule: 'scaled_linear',
    beta_start: SD15_SCHEDULE.betaStart,
    beta_end: SD15_SCHEDULE.betaEnd,
    num_train_timesteps: SD15_SCHEDULE.trainSteps,
    steps_offset: SD15_SCHEDULE.stepsOffset,
  },
  {},
);
const TRAINING = trainingSchedule(SD15_CONFIG);

/** β_t for the scaled-linear schedule: (linspace(√β_start, √β_end, N)_t)² (the pipeline's own code). */
export function scaledLinearBetas(): number[] {
  return Array.from(TRAINING.betas);
}

/** ᾱ_t = Π_{s ≤ t} (1 − β_s) for t = 0 … 999. */
export const ALPHAS_CUMPROD: readonly number[] = Array.from(TRAINING.alphasCumprod);

/** √ᾱ_t: how much of the clean latent is left at training timestep t. */
export const signalAt = (t: number): number => Math.sqrt(ALPHAS_CUMPROD[t]);
/** √(1 − ᾱ_t): how much noise is in it. */
export const noiseAt = (t: number): number => Math.sqrt(1 - ALPHAS_CUMPROD[t]);

/**
 * The timesteps a diffusers DDIM / PNDM sampler visits with the SD1.5 config
 * ("leading" spacing, steps_offset 1): 981, 961, …, 1 for 50 steps.
 */
export function leadingTimesteps(steps: number): number[] {
  return Array.from(spacedTimesteps('leading', steps, SD15_SCHEDULE.trainSteps, SD15_SCHEDULE.stepsOffset));
}

export interface Img2ImgStart {
  /** all timesteps of the schedule */
  timesteps: number[];
  /** the ones that run (the tail) */
  run: number[];
  skipped: number;
  /** the timestep the reference is noised to, or null when nothing runs */
  startTimestep: number | null;
  /** √ᾱ at the start: fraction of the reference left (1 when nothing runs) */
  signal: number;
  noise: number;
}

/**
 * diffusers' StableDiffusionImg2ImgPipeline (and A1111 by default): strength s runs the last
 * int(steps·s) steps of the usual schedule; the reference is noised to the first of them.
 */
export function img2imgDiffusers(strength: number, steps: number): Img2ImgStart {
  const timesteps = leadingTimesteps(steps);
  const init = Math.min(Math.floor(steps * strength + 1e-9), steps);
  const run = timesteps.slice(steps - init);
  const startTimestep = run.length ? run[0] : null;
  return {
    timesteps,
    run,
    skipped: steps - run.length,
    startTimestep,
    signal: startTimestep === null ? 1 : signalAt(startTimestep),
    noise: startTimestep === null ? 0 : noiseAt(startTimestep),
  };
}

/** σ_t = √((1 − ᾱ_t)/ᾱ_t), the k-diffusion noise level ComfyUI samples with. */
export const SIGMAS: readonly number[] = Array.from(TRAINING.sigmas);
const LOG_SIGMAS = SIGMAS.map(Math.log);

/** ComfyUI's σ(t) for fractional t: linear interpolation of log σ between integer timesteps. */
export function sigmaAt(t: number): number {
  const c = Math.min(Math.max(t, 0), SIGMAS.length - 1);
  const lo = Math.floor(c);
  const hi = Math.ceil(c);
  const w = c - lo;
  return Math.exp((1 - w) * LOG_SIGMAS[lo] + w * LOG_SIGMAS[hi]);
}

/** ComfyUI's "normal" scheduler (the KSampler default): σ at linspace(999, 0, steps), then 0. */
export function comfyNormalSigmas(steps: number): number[] {
  const last = SIGMAS.length - 1;
  const ts = steps === 1 ? [last] : Array.from({ length: steps }, (_, i) => last - (last * i) / (steps - 1));
  return [...ts.map(sigmaAt), 0];
}

export interface ComfyDenoise {
  /** length of the schedule ComfyUI builds: int(steps / denoise) */
  scheduleSteps: number;
  /** steps that actually run: always `steps` */
  runSteps: number;
  /** the σ values walked, starting noise level first */
  sigmas: number[];
  startSigma: number;
  /** fraction of the reference left at the start: 1/√(1 + σ²) (= √ᾱ) */
  signal: number;
}

/**
 * ComfyUI's KSampler with denoise < 1: it builds a longer schedule of int(steps/denoise) steps
 * and runs only its last `steps` — the step count stays the same, the starting noise drops.
 */
export function img2imgComfy(denoise: number, steps: number): ComfyDenoise {
  if (denoise > 0.9999) {
    const sigmas = comfyNormalSigmas(steps);
    return { scheduleSteps: steps, runSteps: steps, sigmas, startSigma: sigmas[0], signal: 1 / Math.sqrt(1 + sigmas[0] ** 2) };
  }
  const scheduleSteps = Math.floor(steps / denoise + 1e-9);
  const sigmas = comfyNormalSigmas(scheduleSteps).slice(-(steps + 1));
  return { scheduleSteps, runSteps: steps, sigmas, startSigma: sigmas[0], signal: 1 / Math.sqrt(1 + sigmas[0] ** 2) };
}

/** Figure data: for each strength, which of the `steps` steps run (diffusers convention). */
export function stepsGrid(steps = 20, strengths: readonly number[] = [0.3, 0.5, 0.75, 1]) {
  return strengths.flatMap((strength) => {
    const r = img2imgDiffusers(strength, steps);
    return r.timesteps.map((timestep, i) => ({ strength, step: i + 1, timestep, runs: i >= r.skipped }));
  });
}

/** Figure data: the signal fraction at the start as a function of strength, both conventions. */
export function signalCurves(diffusersSteps = 50, comfySteps = 20, points = 100) {
  const rows: { convention: 'diffusers' | 'comfy'; strength: number; signal: number }[] = [];
  for (let k = 1; k <= points; k++) {
    const s = k / points;
    rows.push({ convention: 'diffusers', strength: s, signal: img2imgDiffusers(s, diffusersSteps).signal });
    rows.push({ convention: 'comfy', strength: s, signal: img2imgComfy(s, comfySteps).signal });
  }
  return rows;
}
