/**
 * start_at / end_at: fractions of the *noise schedule*, not of the step count (ComfyUI
 * `model_sampling.percent_to_sigma`). Fraction x maps to σ_x = σ((1 − x)·999), where σ(t) is
 * the model's discrete σ table interpolated linearly in log σ between integer timesteps;
 * x ≤ 0 gives +∞ and x ≥ 1 gives 0. The adapter runs at a step whose σ satisfies
 * σ_end ≤ σ ≤ σ_start (both ends included, as in CrossAttentionPatch).
 *
 * So end_at = 0.5 is σ(499.5) ≈ 1.62, not "half the steps": at 20 steps the adapter runs for
 * 10 steps with DDIM, Euler or LCM, 11 with DPM++ 2M (whose timesteps include 500) and 9 with
 * DPM++ 2M Karras (tested in startEnd.test.ts). `activeSteps` shows it for any scheduler.
 */
import { sd15DiscreteSigmas } from '../schedulers/schedule';

export interface SigmaBounds {
  startAt: number;
  endAt: number;
  /** Upper σ bound (from start_at); +∞ when start_at ≤ 0. */
  sigmaStart: number;
  /** Lower σ bound (from end_at); 0 when end_at ≥ 1. */
  sigmaEnd: number;
}

export type SigmaBoundsResult = { ok: true; bounds: SigmaBounds } | { ok: false; error: string };

/**
 * σ at fractional training timestep t on a discrete σ table (ComfyUI `ModelSamplingDiscrete.sigma`):
 * t clamped to [0, N−1], log σ interpolated linearly between ⌊t⌋ and ⌈t⌉.
 */
export function sigmaAtTimestep(t: number, table: ArrayLike<number>): number {
  const n = table.length;
  const tc = Math.min(n - 1, Math.max(0, t));
  const lo = Math.floor(tc);
  const hi = Math.ceil(tc);
  const w = tc - lo;
  return Math.exp((1 - w) * Math.log(table[lo]) + w * Math.log(table[hi]));
}

/** ComfyUI percent_to_sigma: x ≤ 0 → +∞ (ComfyUI uses 999999999.9), x ≥ 1 → 0, else σ((1 − x)·999). */
export function percentToSigma(x: number, table: ArrayLike<number> = sd15DiscreteSigmas()): number {
  if (x <= 0) return Infinity;
  if (x >= 1) return 0;
  return sigmaAtTimestep((1 - x) * (table.length - 1), table);
}

/** Validates start_at/end_at and converts them to σ bounds. Never throws on user input. */
export function sigmaBounds(
  startAt: number,
  endAt: number,
  table: ArrayLike<number> = sd15DiscreteSigmas(),
): SigmaBoundsResult {
  for (const [name, v] of [
    ['start_at', startAt],
    ['end_at', endAt],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) return { ok: false, error: `${name} must be a number from 0 to 1 (got ${String(v)}).` };
    if (v < 0 || v > 1) return { ok: false, error: `${name} must be between 0 and 1 (got ${v}).` };
  }
  if (startAt >= endAt) {
    return {
      ok: false,
      error: `start_at (${startAt}) must be smaller than end_at (${endAt}): the adapter is active from start_at to end_at of the noise schedule, so this range is empty.`,
    };
  }
  return { ok: true, bounds: { startAt, endAt, sigmaStart: percentToSigma(startAt, table), sigmaEnd: percentToSigma(endAt, table) } };
}

/** Whether the adapter runs at noise level σ: σ_end ≤ σ ≤ σ_start. */
export function isActiveAt(sigma: number, bounds: Pick<SigmaBounds, 'sigmaStart' | 'sigmaEnd'>): boolean {
  return sigma <= bounds.sigmaStart && sigma >= bounds.sigmaEnd;
}

/** For each step's σ (e.g. `scheduler.stepSigmas`), whether the adapter is active. */
export function activeSteps(stepSigmas: ArrayLike<number>, bounds: Pick<SigmaBounds, 'sigmaStart' | 'sigmaEnd'>): boolean[] {
  return Array.from(stepSigmas, (s) => isActiveAt(s, bounds));
}
