/**
 * Scheduler registry. Names match the fixture files and the UI's scheduler picker:
 *
 * | name              | diffusers class                                   | stochastic |
 * |-------------------|---------------------------------------------------|------------|
 * | ddim              | DDIMScheduler (η = 0)                              | no         |
 * | euler             | EulerDiscreteScheduler                             | no         |
 * | euler_ancestral   | EulerAncestralDiscreteScheduler                    | yes        |
 * | dpmpp_2m          | DPMSolverMultistepScheduler                        | no         |
 * | dpmpp_2m_karras   | DPMSolverMultistepScheduler, use_karras_sigmas     | no         |
 * | lcm               | LCMScheduler                                       | yes        |
 *
 * `config` is a diffusers scheduler_config.json (SD1.5's is a PNDM config; each class takes
 * the keys it knows and its own defaults for the rest, as `Cls.from_config(config)` does).
 */
import { DDIMScheduler } from './ddim';
import { DPMSolverMultistepScheduler } from './dpmSolverMultistep';
import { EulerScheduler } from './euler';
import { EulerAncestralScheduler } from './eulerAncestral';
import { LCMScheduler } from './lcm';
import type { Scheduler, SchedulerConfig } from './schedule';

export const SCHEDULER_NAMES = ['ddim', 'euler', 'euler_ancestral', 'dpmpp_2m', 'dpmpp_2m_karras', 'lcm'] as const;
export type SchedulerName = (typeof SCHEDULER_NAMES)[number];

export function isSchedulerName(name: unknown): name is SchedulerName {
  return typeof name === 'string' && (SCHEDULER_NAMES as readonly string[]).includes(name);
}

/**
 * Builds a scheduler from a diffusers config. `overrides` are applied on top of `config`
 * (like `from_config(config, **overrides)`). Call `setTimesteps(steps)` before use.
 */
export function createScheduler(name: string, config: SchedulerConfig, overrides: SchedulerConfig = {}): Scheduler {
  const c: SchedulerConfig = { ...config, ...overrides };
  switch (name) {
    case 'ddim':
      return new DDIMScheduler(c);
    case 'euler':
      return new EulerScheduler(c);
    case 'euler_ancestral':
      return new EulerAncestralScheduler(c);
    case 'dpmpp_2m':
      return new DPMSolverMultistepScheduler(c, 'dpmpp_2m');
    case 'dpmpp_2m_karras':
      return new DPMSolverMultistepScheduler({ ...c, use_karras_sigmas: true }, 'dpmpp_2m_karras');
    case 'lcm':
      return new LCMScheduler(c);
    default:
      throw new Error(`Unknown scheduler "${name}". Valid names: ${SCHEDULER_NAMES.join(', ')}.`);
  }
}

export type { Scheduler, SchedulerConfig, StepOutput, ResolvedConfig } from './schedule';
export { sd15DiscreteSigmas, trainingSchedule } from './schedule';
export { DDIMScheduler } from './ddim';
export { EulerScheduler } from './euler';
export { EulerAncestralScheduler } from './eulerAncestral';
export { DPMSolverMultistepScheduler } from './dpmSolverMultistep';
export { LCMScheduler } from './lcm';
export { createNoiseGenerator, gaussianNoise, normalAt, type NoiseGenerator } from './noise';
