import { describe, expect, test } from 'vitest';
import { COMFY_SAMPLERS, COMFY_SCHEDULERS, closestScheduler, fromComfySampler, toComfySampler } from './samplers';
import { SCHEDULER_NAMES, isSchedulerName } from '../schedulers';

describe('KSampler names ↔ the lab\'s schedulers', () => {
  test('the exact pairs', () => {
    const exact: [string, string, string][] = [
      ['euler', 'normal', 'euler'],
      ['euler_ancestral', 'normal', 'euler_ancestral'],
      ['dpmpp_2m', 'normal', 'dpmpp_2m'],
      ['dpmpp_2m', 'karras', 'dpmpp_2m_karras'],
      ['ddim', 'ddim_uniform', 'ddim'],
      ['ddim', 'normal', 'ddim'],
      ['lcm', 'sgm_uniform', 'lcm'],
      ['lcm', 'normal', 'lcm'],
    ];
    for (const [sampler, scheduler, lab] of exact) expect(fromComfySampler(sampler, scheduler)).toEqual({ exact: true, scheduler: lab });
  });

  test('each lab scheduler is written as a pair that reads back as itself', () => {
    for (const s of SCHEDULER_NAMES) {
      const pair = toComfySampler(s);
      expect(COMFY_SAMPLERS).toContain(pair.sampler_name);
      expect(COMFY_SCHEDULERS).toContain(pair.scheduler);
      expect(fromComfySampler(pair.sampler_name, pair.scheduler)).toEqual({ exact: true, scheduler: s });
    }
    expect(toComfySampler('dpmpp_2m_karras')).toEqual({ sampler_name: 'dpmpp_2m', scheduler: 'karras' });
  });

  test('every other ComfyUI pair maps to a lab scheduler with a reason naming both names', () => {
    for (const sampler of COMFY_SAMPLERS) {
      for (const scheduler of COMFY_SCHEDULERS) {
        const m = fromComfySampler(sampler, scheduler);
        expect(isSchedulerName(m.scheduler)).toBe(true);
        if (!m.exact) {
          expect(m.reason).toContain(sampler);
          expect(m.reason).toContain(`Closest: ${m.scheduler}`);
        }
      }
    }
  });

  test('closest choices keep the family', () => {
    expect(closestScheduler('euler', 'karras')).toBe('euler');
    expect(closestScheduler('dpmpp_2m_sde_gpu', 'exponential')).toBe('dpmpp_2m_karras');
    expect(closestScheduler('dpmpp_2m_sde', 'normal')).toBe('dpmpp_2m');
    expect(closestScheduler('dpmpp_2s_ancestral', 'karras')).toBe('euler_ancestral');
    expect(closestScheduler('ddpm', 'karras')).toBe('euler_ancestral');
    expect(closestScheduler('uni_pc', 'simple')).toBe('dpmpp_2m');
    expect(closestScheduler('heun', 'normal')).toBe('euler');
    expect(closestScheduler('lcm', 'karras')).toBe('lcm');
    expect(closestScheduler('ddim', 'karras')).toBe('ddim');
    const odd = fromComfySampler('my_custom_sampler', 'normal');
    expect(odd).toMatchObject({ exact: false, scheduler: 'euler' });
    if (!odd.exact) expect(odd.reason).toMatch(/not one of ComfyUI's sampler names/);
    const oddSchedule = fromComfySampler('euler', 'zigzag');
    if (!oddSchedule.exact) expect(oddSchedule.reason).toMatch(/"zigzag" is not one of ComfyUI's schedulers/);
  });
});
