/**
 * Lesson 7's start_at / end_at figure: the real SD1.5 noise level σ at each sampling step for a
 * scheduler, and whether IP-Adapter is active there. The σ bounds and the test come from
 * `src/lib/ipadapter/startEnd.ts` (ComfyUI semantics); the step σs from `src/lib/schedulers`.
 */
import { createScheduler } from '../schedulers';
import type { SchedulerConfig } from '../schedulers';
import { activeSteps, percentToSigma } from '../ipadapter/startEnd';

/** SD1.5's scheduler_config.json (runwayml), the keys the schedulers read. */
export const SD15_SCHEDULER_CONFIG: SchedulerConfig = {
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  steps_offset: 1,
  clip_sample: false,
};

/**
 * The two noise spacings the figure compares, by ComfyUI scheduler name. ComfyUI's "normal"
 * spaces timesteps evenly from 999 to 0, exactly as diffusers' Euler does with SD1.5's config;
 * "karras" is Karras et al.'s ρ = 7 spacing between σ_max and σ_min (diffusers DPM++ 2M Karras).
 */
export const WINDOW_SCHEDULERS = {
  normal: 'euler',
  karras: 'dpmpp_2m_karras',
} as const;
export type WindowSchedule = keyof typeof WINDOW_SCHEDULERS;

export interface WindowStep {
  /** 1-based step number, as a user counts them. */
  step: number;
  sigma: number;
  active: boolean;
}

export interface StepWindow {
  schedule: WindowSchedule;
  sigmaStart: number;
  sigmaEnd: number;
  steps: WindowStep[];
  activeCount: number;
}

/** σ of every step of `steps` sampling steps and whether start_at/end_at let the adapter act there. */
export function stepWindow(schedule: WindowSchedule, steps: number, startAt: number, endAt: number): StepWindow {
  const scheduler = createScheduler(WINDOW_SCHEDULERS[schedule], SD15_SCHEDULER_CONFIG);
  scheduler.setTimesteps(steps);
  const bounds = { sigmaStart: percentToSigma(startAt), sigmaEnd: percentToSigma(endAt) };
  const active = activeSteps(scheduler.stepSigmas, bounds);
  const rows = Array.from(scheduler.stepSigmas, (sigma, i) => ({ step: i + 1, sigma, active: active[i] }));
  return { schedule, ...bounds, steps: rows, activeCount: active.filter(Boolean).length };
}
