import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures';
import { createScheduler, type SchedulerConfig } from '../schedulers';
import { sd15DiscreteSigmas } from '../schedulers/schedule';
import { activeSteps, isActiveAt, percentToSigma, sigmaAtTimestep, sigmaBounds } from './startEnd';

const table = sd15DiscreteSigmas();
const sd15 = JSON.parse(readFileSync(fixture('schedulers', 'sd15_scheduler_config.json'), 'utf8')) as SchedulerConfig;

describe('percentToSigma (ComfyUI percent_to_sigma)', () => {
  it('x ≤ 0 → +∞, x ≥ 1 → 0', () => {
    expect(percentToSigma(0)).toBe(Infinity);
    expect(percentToSigma(-0.5)).toBe(Infinity);
    expect(percentToSigma(1)).toBe(0);
    expect(percentToSigma(1.2)).toBe(0);
  });
  it('is σ((1 − x)·999) on the SD1.5 table, log-interpolated between integer timesteps', () => {
    expect(table.length).toBe(1000);
    expect(table[999]).toBeCloseTo(14.614642, 5); // SD1.5 σ_max
    expect(table[0]).toBeCloseTo(0.0291675, 6); // SD1.5 σ_min
    expect(percentToSigma(0.5)).toBeCloseTo(Math.sqrt(table[499] * table[500]), 12); // t = 499.5
    expect(percentToSigma(1 - 250 / 999)).toBeCloseTo(table[250], 10);
    expect(percentToSigma(0.001)).toBeCloseTo(sigmaAtTimestep(998.001, table), 12);
    expect(sigmaAtTimestep(-3, table)).toBeCloseTo(table[0], 14);
    expect(sigmaAtTimestep(2000, table)).toBeCloseTo(table[999], 12);
  });
  it('decreases as the fraction grows', () => {
    let prev = Infinity;
    for (let x = 0.01; x < 1; x += 0.01) {
      const s = percentToSigma(x);
      expect(s).toBeLessThan(prev);
      prev = s;
    }
  });
});

describe('sigmaBounds', () => {
  it('converts valid fractions', () => {
    const r = sigmaBounds(0.2, 0.8);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.bounds.sigmaStart).toBeCloseTo(sigmaAtTimestep(0.8 * 999, table), 12);
    expect(r.bounds.sigmaEnd).toBeCloseTo(sigmaAtTimestep(0.2 * 999, table), 12);
    expect(sigmaBounds(0, 1)).toEqual({ ok: true, bounds: { startAt: 0, endAt: 1, sigmaStart: Infinity, sigmaEnd: 0 } });
  });
  it('rejects start ≥ end and values outside [0, 1] with clear messages', () => {
    expect(sigmaBounds(0.6, 0.4)).toEqual({
      ok: false,
      error: 'start_at (0.6) must be smaller than end_at (0.4): the adapter is active from start_at to end_at of the noise schedule, so this range is empty.',
    });
    expect(sigmaBounds(0.5, 0.5).ok).toBe(false);
    expect(sigmaBounds(-0.1, 0.5)).toEqual({ ok: false, error: 'start_at must be between 0 and 1 (got -0.1).' });
    expect(sigmaBounds(0, 1.5)).toEqual({ ok: false, error: 'end_at must be between 0 and 1 (got 1.5).' });
    expect(sigmaBounds(Number.NaN, 1)).toEqual({ ok: false, error: 'start_at must be a number from 0 to 1 (got NaN).' });
  });
});

describe('isActiveAt / activeSteps', () => {
  it('includes both ends', () => {
    const b = { sigmaStart: 5, sigmaEnd: 1 };
    expect([0.999, 1, 3, 5, 5.001].map((s) => isActiveAt(s, b))).toEqual([false, true, true, true, false]);
    expect(isActiveAt(1e9, { sigmaStart: Infinity, sigmaEnd: 0 })).toBe(true);
    expect(isActiveAt(0, { sigmaStart: Infinity, sigmaEnd: 0 })).toBe(true);
  });

  it('end_at = 0.5 is a point on the noise schedule, not half the steps: 20 steps give 10 active steps with DDIM/Euler/LCM, 11 with DPM++ 2M (its t = 500), 9 with DPM++ 2M Karras', () => {
    const r = sigmaBounds(0, 0.5);
    if (!r.ok) throw new Error(r.error);
    const count = (name: string) => {
      const s = createScheduler(name, sd15);
      s.setTimesteps(20);
      return activeSteps(s.stepSigmas, r.bounds).filter(Boolean).length;
    };
    expect(count('ddim')).toBe(10);
    expect(count('euler')).toBe(10);
    expect(count('dpmpp_2m')).toBe(11); // timesteps …, 549, 500, 450, …: σ(500) ≥ σ(499.5)
    expect(count('dpmpp_2m_karras')).toBe(9);
    expect(count('lcm')).toBe(10);
  });

  it('start_at = 0.3 skips the first steps: the adapter joins once σ ≤ σ(699.3)', () => {
    const r = sigmaBounds(0.3, 1);
    if (!r.ok) throw new Error(r.error);
    const s = createScheduler('ddim', sd15);
    s.setTimesteps(20); // 951, 901, …, 1
    const act = activeSteps(s.stepSigmas, r.bounds);
    expect(act.indexOf(true)).toBe(6); // t = 651 is the first timestep ≤ 699.3
    expect(act.slice(6).every(Boolean)).toBe(true);
  });
});
