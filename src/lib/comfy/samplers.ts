/**
 * KSampler's two names (sampler_name × scheduler, as ComfyUI writes them) ↔ the lab's scheduler
 * names (src/lib/schedulers: ddim, euler, euler_ancestral, dpmpp_2m, dpmpp_2m_karras, lcm).
 *
 * ComfyUI splits what diffusers calls a scheduler in two: the step rule (sampler_name) and the
 * noise levels it visits (scheduler). The lab's six are pairs:
 *
 * | lab               | ComfyUI (written by export) | also read as the same                |
 * |-------------------|-----------------------------|--------------------------------------|
 * | euler             | euler + normal              |                                      |
 * | euler_ancestral   | euler_ancestral + normal    |                                      |
 * | dpmpp_2m          | dpmpp_2m + normal           |                                      |
 * | dpmpp_2m_karras   | dpmpp_2m + karras           |                                      |
 * | ddim              | ddim + ddim_uniform         | ddim + normal                        |
 * | lcm               | lcm + sgm_uniform           | lcm + normal                         |
 *
 * (ddim_uniform visits timesteps 1, 1+k, 1+2k… as diffusers' DDIM does with steps_offset 1.)
 * Any other pair is unsupported; the closest lab scheduler is the same family (ancestral/SDE →
 * a stochastic one, multistep → DPM++ 2M, Karras-like schedules → dpmpp_2m_karras).
 */
import { SCHEDULER_NAMES, type SchedulerName } from '../schedulers';

/** ComfyUI's sampler_name values (comfy/samplers.py KSAMPLER_NAMES + ddim, uni_pc, uni_pc_bh2). */
export const COMFY_SAMPLERS = [
  'euler', 'euler_cfg_pp', 'euler_ancestral', 'euler_ancestral_cfg_pp', 'heun', 'heunpp2', 'dpm_2', 'dpm_2_ancestral',
  'lms', 'dpm_fast', 'dpm_adaptive', 'dpmpp_2s_ancestral', 'dpmpp_2s_ancestral_cfg_pp', 'dpmpp_sde', 'dpmpp_sde_gpu',
  'dpmpp_2m', 'dpmpp_2m_cfg_pp', 'dpmpp_2m_sde', 'dpmpp_2m_sde_gpu', 'dpmpp_2m_sde_heun', 'dpmpp_2m_sde_heun_gpu',
  'dpmpp_3m_sde', 'dpmpp_3m_sde_gpu', 'ddpm', 'lcm', 'ipndm', 'ipndm_v', 'deis', 'res_multistep', 'res_multistep_cfg_pp',
  'res_multistep_ancestral', 'res_multistep_ancestral_cfg_pp', 'gradient_estimation', 'gradient_estimation_cfg_pp',
  'er_sde', 'seeds_2', 'seeds_3', 'sa_solver', 'sa_solver_pece', 'ddim', 'uni_pc', 'uni_pc_bh2',
] as const;

/** ComfyUI's scheduler values. */
export const COMFY_SCHEDULERS = ['normal', 'karras', 'exponential', 'sgm_uniform', 'simple', 'ddim_uniform', 'beta', 'linear_quadratic', 'kl_optimal'] as const;

export interface ComfySamplerPair {
  sampler_name: string;
  scheduler: string;
}

export type SamplerMapping =
  | { exact: true; scheduler: SchedulerName }
  | { exact: false; scheduler: SchedulerName; reason: string };

const CANONICAL: Readonly<Record<SchedulerName, ComfySamplerPair>> = {
  ddim: { sampler_name: 'ddim', scheduler: 'ddim_uniform' },
  euler: { sampler_name: 'euler', scheduler: 'normal' },
  euler_ancestral: { sampler_name: 'euler_ancestral', scheduler: 'normal' },
  dpmpp_2m: { sampler_name: 'dpmpp_2m', scheduler: 'normal' },
  dpmpp_2m_karras: { sampler_name: 'dpmpp_2m', scheduler: 'karras' },
  lcm: { sampler_name: 'lcm', scheduler: 'sgm_uniform' },
};

const EXACT: Readonly<Record<string, SchedulerName>> = {
  'euler|normal': 'euler',
  'euler_ancestral|normal': 'euler_ancestral',
  'dpmpp_2m|normal': 'dpmpp_2m',
  'dpmpp_2m|karras': 'dpmpp_2m_karras',
  'ddim|ddim_uniform': 'ddim',
  'ddim|normal': 'ddim',
  'lcm|sgm_uniform': 'lcm',
  'lcm|normal': 'lcm',
};

const KARRAS_LIKE = new Set(['karras', 'exponential', 'kl_optimal', 'beta', 'polyexponential']);
const isComfySampler = (s: string) => (COMFY_SAMPLERS as readonly string[]).includes(s);
const isComfyScheduler = (s: string) => (COMFY_SCHEDULERS as readonly string[]).includes(s);

/** The lab's pair for a ComfyUI sampler family. */
function family(sampler: string): { base: SchedulerName; why: string } {
  if (sampler === 'lcm') return { base: 'lcm', why: 'LCM' };
  if (sampler === 'ddim') return { base: 'ddim', why: 'DDIM' };
  if (sampler.startsWith('dpmpp_')) {
    return sampler.includes('ancestral')
      ? { base: 'euler_ancestral', why: 'also adds fresh noise every step' }
      : { base: 'dpmpp_2m', why: 'the same DPM-Solver++ family' };
  }
  if (/ancestral|sde|ddpm|seeds_|sa_solver/.test(sampler)) return { base: 'euler_ancestral', why: 'also adds fresh noise every step' };
  if (/^(lms|ipndm|deis|res_multistep|uni_pc|gradient_estimation)/.test(sampler)) return { base: 'dpmpp_2m', why: 'also a multistep solver' };
  return { base: 'euler', why: 'the same kind of single-step ODE solver' };
}

/** The closest lab scheduler for any pair (exact pairs map to themselves). */
export function closestScheduler(sampler: string, scheduler: string): SchedulerName {
  const exact = EXACT[`${sampler}|${scheduler}`];
  if (exact) return exact;
  const { base } = family(sampler);
  return base === 'dpmpp_2m' && KARRAS_LIKE.has(scheduler) ? 'dpmpp_2m_karras' : base;
}

/** KSampler's sampler_name and scheduler → the lab's scheduler, or the closest one with a reason. */
export function fromComfySampler(sampler: string, scheduler: string): SamplerMapping {
  const key = `${sampler}|${scheduler}`;
  if (Object.prototype.hasOwnProperty.call(EXACT, key)) return { exact: true, scheduler: EXACT[key] };
  const closest = closestScheduler(sampler, scheduler);
  const lab = `the lab has ${SCHEDULER_NAMES.join(', ')}`;
  let reason: string;
  if (!isComfySampler(sampler)) reason = `"${sampler}" is not one of ComfyUI's sampler names (custom sampler node?); ${lab}. Closest: ${closest}.`;
  else if (!isComfyScheduler(scheduler)) reason = `"${scheduler}" is not one of ComfyUI's schedulers; ${lab}. Closest: ${closest}.`;
  else {
    const sameSampler = Object.keys(EXACT).filter((k) => k.startsWith(`${sampler}|`)).map((k) => k.split('|')[1]);
    const { why } = family(sampler);
    reason = sameSampler.length
      ? `ComfyUI's "${sampler}" sampler runs with the "${scheduler}" schedule here; the lab runs ${sampler} only with ${sameSampler.join(' or ')}. Closest: ${closest}.`
      : `ComfyUI's "${sampler}" sampler (with "${scheduler}") is not one of the lab's schedulers (${SCHEDULER_NAMES.join(', ')}). Closest: ${closest} (${why}${closest === 'dpmpp_2m_karras' ? `; "${scheduler}" spaces noise levels like Karras` : ''}).`;
  }
  return { exact: false, scheduler: closest, reason };
}

/** The lab's scheduler → the KSampler pair export writes. */
export function toComfySampler(s: SchedulerName): ComfySamplerPair {
  return { ...CANONICAL[s] };
}
