import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures';
import { parseSafetensors, type SafetensorsFile } from '../weights/safetensors';
import { createScheduler, SCHEDULER_NAMES, type SchedulerConfig } from './index';
import { interpOnIndexGrid, linspace, roundHalfEven, sd15DiscreteSigmas, sigmaToT } from './schedule';

const sd15Config = JSON.parse(
  readFileSync(fixture('schedulers', 'sd15_scheduler_config.json'), 'utf8'),
) as SchedulerConfig;
// Python's json writes -Infinity (lambda_min_clipped), which JSON.parse rejects.
const resolvedConfigs = JSON.parse(
  readFileSync(fixture('schedulers', 'scheduler_configs.json'), 'utf8').replace(/:\s*-Infinity/g, ': "-Infinity"'),
) as Record<
  string,
  { class: string; overrides: SchedulerConfig; resolved_config: Record<string, unknown> }
>;

function load(name: string): SafetensorsFile {
  return parseSafetensors(new Uint8Array(readFileSync(fixture('schedulers', `${name}.safetensors`))), `${name}.safetensors`);
}

/** max |a − b| / max(1, max |b|): the error relative to the tensor's scale. */
function relErr(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let err = 0;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) {
    err = Math.max(err, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return err / scale;
}

const TOL = 1e-4;

describe('schedule helpers', () => {
  it('linspace follows numpy (k·step + start, last = stop)', () => {
    expect(Array.from(linspace(0, 999, 5))).toEqual([0, 249.75, 499.5, 749.25, 999]);
    expect(Array.from(linspace(0, 50, 4, false))).toEqual([0, 12.5, 25, 37.5]);
    expect(Array.from(linspace(3, 7, 1))).toEqual([3]);
  });
  it('roundHalfEven rounds .5 to the even neighbour, like numpy and torch', () => {
    expect([0.5, 1.5, 2.5, 499.5, -2.5, -3.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 500, -2, -4, 2, 3]);
  });
  it('interp clamps at the ends', () => {
    expect(interpOnIndexGrid(-1, [1, 2, 3])).toBe(1);
    expect(interpOnIndexGrid(5, [1, 2, 3])).toBe(3);
    expect(interpOnIndexGrid(1.25, [1, 2, 3])).toBe(2.25);
  });
  it('sigmaToT inverts the table at the table points', () => {
    const s = sd15DiscreteSigmas();
    const log = s.map(Math.log);
    for (const t of [0, 1, 250, 500, 998, 999]) expect(sigmaToT(s[t], log)).toBeCloseTo(t, 6);
    expect(sigmaToT(1e-6, log)).toBe(0); // below the table → clamped
  });
});

describe('createScheduler', () => {
  it('rejects an unknown name and lists the valid ones', () => {
    expect(() => createScheduler('pndm', sd15Config)).toThrow(
      'Unknown scheduler "pndm". Valid names: ddim, euler, euler_ancestral, dpmpp_2m, dpmpp_2m_karras, lcm.',
    );
  });
  it('resolves each class’s defaults like diffusers from_config (timestep_spacing, steps_offset, …)', () => {
    for (const name of SCHEDULER_NAMES) {
      const want = resolvedConfigs[name].resolved_config;
      const s = createScheduler(name, sd15Config);
      for (const key of ['timestep_spacing', 'steps_offset', 'set_alpha_to_one', 'use_karras_sigmas', 'final_sigmas_type',
        'solver_order', 'algorithm_type', 'solver_type', 'lower_order_final', 'original_inference_steps', 'timestep_scaling',
        'beta_schedule', 'beta_start', 'beta_end', 'num_train_timesteps', 'prediction_type', 'clip_sample']) {
        if (key in want) expect(s.config[key], `${name}.${key}`).toEqual(want[key]);
      }
    }
  });
  it('rejects configs it does not implement with a clear message', () => {
    expect(() => createScheduler('ddim', { ...sd15Config, prediction_type: 'v_prediction' })).toThrow(/prediction_type "v_prediction"/);
    expect(() => createScheduler('euler', { ...sd15Config, beta_schedule: 'squaredcos_cap_v2' })).toThrow(/beta_schedule/);
    expect(() => createScheduler('ddim', { ...sd15Config, timestep_spacing: 'weird' })).toThrow(/timestep_spacing "weird"/);
  });
  it('other timestep spacings follow diffusers’ formulas (not in the fixtures)', () => {
    const ts = (name: string, spacing: string, n: number) => {
      const s = createScheduler(name, sd15Config, { timestep_spacing: spacing });
      s.setTimesteps(n);
      return { t: Array.from(s.timesteps), s };
    };
    expect(ts('ddim', 'trailing', 4).t).toEqual([999, 749, 499, 249]); // round(arange(1000, 0, −250)) − 1
    expect(ts('ddim', 'linspace', 4).t).toEqual([999, 666, 333, 0]);
    expect(ts('dpmpp_2m', 'leading', 4).t).toEqual([801, 601, 401, 201]); // arange(5)·(1000 // 5), drop 0, + 1
    expect(ts('dpmpp_2m', 'trailing', 4).t).toEqual([999, 749, 499, 249]);
    const euler = ts('euler', 'leading', 4);
    expect(euler.t).toEqual([751, 501, 251, 1]);
    // leading spacing: init_noise_sigma = √(σ_max² + 1) (diffusers)
    const sMax = euler.s.sigmas?.[0] as number;
    expect(euler.s.initNoiseSigma).toBeCloseTo(Math.sqrt(sMax * sMax + 1), 5);
  });

  it('validates the step count and the timestep passed to step()', () => {
    const s = createScheduler('euler', sd15Config);
    expect(() => s.setTimesteps(0)).toThrow(/whole number ≥ 1/);
    expect(() => s.setTimesteps(1001)).toThrow(/cannot exceed/);
    s.setTimesteps(4);
    const x = new Float32Array(4);
    expect(() => s.step(x, 123, x)).toThrow(/Timestep 123 is not one of this scheduler's timesteps/);
    const lcm = createScheduler('lcm', sd15Config);
    lcm.setTimesteps(4);
    expect(() => lcm.step(x, 999, x)).toThrow(/pass noise/);
    expect(() => lcm.setTimesteps(51)).toThrow(/original_inference_steps \(50\)/);
  });
});

describe.each(SCHEDULER_NAMES.map((n) => [n]))('%s matches diffusers 0.30.3 (fixture)', (name) => {
  const f = load(name);
  const makeScheduler = () => createScheduler(name, sd15Config);

  it('training betas and alphas_cumprod', () => {
    const s = makeScheduler();
    expect(relErr(s.betas, f.float32('betas'))).toBeLessThan(1e-6);
    expect(relErr(s.alphasCumprod, f.float32('alphas_cumprod'))).toBeLessThan(1e-6);
  });

  for (const steps of [20, 4]) {
    const p = `steps${steps}`;
    it(`${steps} steps: timesteps, sigmas, init_noise_sigma`, () => {
      const s = makeScheduler();
      s.setTimesteps(steps);
      const info = f.info(`${p}.timesteps`);
      const want = info.dtype === 'I64' ? f.ints(`${p}.timesteps`) : Array.from(f.float32(`${p}.timesteps`));
      expect(Array.from(s.timesteps)).toEqual(want); // exact, float32 included
      if (f.has(`${p}.sigmas`)) {
        expect(s.sigmas).toBeDefined();
        expect(relErr(s.sigmas as Float64Array, f.float32(`${p}.sigmas`))).toBeLessThan(1e-6);
        expect(Array.from(s.stepSigmas)).toEqual(Array.from(s.sigmas as Float64Array).slice(0, steps));
      } else {
        expect(s.sigmas).toBeUndefined();
        // DDIM/LCM: the σ the UNet sees is σ(t) from the training table
        const table = sd15DiscreteSigmas();
        expect(Array.from(s.stepSigmas)).toEqual(Array.from(s.timesteps, (t) => table[t]));
      }
      expect(s.initNoiseSigma).toBeCloseTo(f.float32(`${p}.init_noise_sigma`)[0], 5);
      expect(s.stepSigmas.length).toBe(steps);
    });

    it(`${steps} steps: the whole trajectory (scale_model_input, prev_sample, pred_original_sample)`, () => {
      const s = makeScheduler();
      s.setTimesteps(steps);
      const size = f.info(`${p}.x_init`).shape.reduce((a, b) => a * b, 1);
      const outs = f.float32(`${p}.model_outputs`);
      const scaled = f.float32(`${p}.scaled_model_inputs`);
      const prevs = f.float32(`${p}.prev_samples`);
      const x0s = f.has(`${p}.pred_original_samples`) ? f.float32(`${p}.pred_original_samples`) : null;
      const noise = f.has(`${p}.step_noise`) ? f.float32(`${p}.step_noise`) : null;
      expect(s.stochastic).toBe(noise !== null);
      let x = f.float32(`${p}.x_init`);
      let worst = 0;
      for (let i = 0; i < steps; i++) {
        const t = s.timesteps[i];
        const sl = (a: Float32Array) => a.subarray(i * size, (i + 1) * size);
        const input = s.scaleModelInput(x, t);
        worst = Math.max(worst, relErr(input, sl(scaled)));
        const out = s.step(sl(outs), t, x, noise ? sl(noise) : undefined);
        const e = relErr(out.prevSample, sl(prevs));
        worst = Math.max(worst, e);
        expect(e, `prev_sample at step ${i} (t=${t})`).toBeLessThanOrEqual(TOL);
        if (x0s) {
          expect(out.predOriginalSample).toBeDefined();
          expect(relErr(out.predOriginalSample as Float32Array, sl(x0s)), `pred_original_sample at step ${i}`).toBeLessThanOrEqual(TOL);
        }
        x = out.prevSample; // free-running: our own output feeds the next step
      }
      expect(worst).toBeLessThanOrEqual(TOL);
      if (process.env.SCHED_REPORT) console.log(`${name} ${steps} steps: worst relative error ${worst.toExponential(2)}`);
    });
  }

  it('setTimesteps restarts the state (same result twice)', () => {
    const s = makeScheduler();
    const run = () => {
      s.setTimesteps(4);
      let x = f.float32('steps4.x_init');
      const size = x.length;
      const outs = f.float32('steps4.model_outputs');
      const noise = f.has('steps4.step_noise') ? f.float32('steps4.step_noise') : null;
      for (let i = 0; i < 4; i++) {
        const t = s.timesteps[i];
        s.scaleModelInput(x, t);
        x = s.step(outs.subarray(i * size, (i + 1) * size), t, x, noise?.subarray(i * size, (i + 1) * size)).prevSample;
      }
      return x;
    };
    expect(Array.from(run())).toEqual(Array.from(run()));
  });
});
