/**
 * DPM-Solver++(2M) (Lu et al. 2022), as diffusers' `DPMSolverMultistepScheduler` with its
 * defaults: algorithm_type "dpmsolver++", solver_order 2, solver_type "midpoint",
 * lower_order_final true, final_sigmas_type "zero". With `use_karras_sigmas: true` it is the
 * "DPM++ 2M Karras" of the WebUIs.
 *
 * In σ terms (α_t = 1/√(σ²+1), σ_t = σ·α_t, λ = log α_t − log σ_t):
 *   x0_i = (x − σ_t·ε)/α_t                                   (data prediction)
 *   h = λ_next − λ_i
 *   first order:  x_next = (σ_next/σ_i)·x − α_next·(e^{−h} − 1)·x0_i
 *   second order: D1 = (x0_i − x0_{i−1})·h/h_prev,
 *                 x_next = (σ_next/σ_i)·x − α_next·(e^{−h} − 1)·(x0_i + D1/2)
 * The first step (no history) and the last step (σ_next = 0) are first order.
 */
import {
  assertSameLength,
  assertStepCount,
  indexForTimestep,
  interpOnIndexGrid,
  karrasSigmas,
  linspace,
  resolveCommon,
  roundHalfEven,
  sigmaToT,
  trainingSchedule,
  type ResolvedConfig,
  type Scheduler,
  type SchedulerConfig,
  type StepOutput,
} from './schedule';

interface AlphaSigma {
  alpha: number;
  sigma: number;
  lambda: number;
}

/** k-diffusion σ → (α_t, σ_t, λ_t) of the VP formulation. σ = 0 gives λ = +∞. */
function alphaSigma(sigma: number): AlphaSigma {
  const alpha = 1 / Math.sqrt(sigma * sigma + 1);
  const s = sigma * alpha;
  return { alpha, sigma: s, lambda: Math.log(alpha) - Math.log(s) };
}

export class DPMSolverMultistepScheduler implements Scheduler {
  readonly name: string;
  readonly config: ResolvedConfig;
  readonly betas: Float64Array;
  readonly alphasCumprod: Float64Array;
  readonly trainingSigmas: Float64Array;
  readonly initNoiseSigma = 1;
  readonly stochastic = false;
  timesteps: Float64Array = new Float64Array(0);
  sigmas: Float64Array = new Float64Array(0);
  stepSigmas: Float64Array = new Float64Array(0);
  numInferenceSteps = 0;
  private stepIndex: number | null = null;
  /** x0 predictions of the previous and current step (solver_order = 2). */
  private history: (Float32Array | null)[] = [null, null];
  private lowerOrderNums = 0;

  constructor(config: SchedulerConfig, name = 'dpmpp_2m') {
    this.name = name;
    this.config = resolveCommon(config, {
      timestep_spacing: 'linspace',
      solver_order: 2,
      algorithm_type: 'dpmsolver++',
      solver_type: 'midpoint',
      lower_order_final: true,
      euler_at_final: false,
      use_karras_sigmas: false,
      final_sigmas_type: 'zero',
    });
    const c = this.config;
    if (c.algorithm_type !== 'dpmsolver++') {
      throw new Error(`algorithm_type "${String(c.algorithm_type)}" is not supported (only "dpmsolver++").`);
    }
    if (c.solver_order !== 1 && c.solver_order !== 2) {
      throw new Error(`solver_order ${String(c.solver_order)} is not supported (1 or 2).`);
    }
    if (c.solver_type !== 'midpoint') {
      throw new Error(`solver_type "${String(c.solver_type)}" is not supported (only "midpoint").`);
    }
    if (c.use_lu_lambdas) throw new Error('use_lu_lambdas is not supported.');
    const s = trainingSchedule(c);
    this.betas = s.betas;
    this.alphasCumprod = s.alphasCumprod;
    this.trainingSigmas = s.sigmas;
  }

  setTimesteps(numInferenceSteps: number): void {
    const c = this.config;
    const nTrain = c.num_train_timesteps;
    assertStepCount(numInferenceSteps, nTrain);
    const n = numInferenceSteps;
    // lambda_min_clipped = −∞ (the default) clips nothing: last_timestep = N.
    const last = nTrain;
    let ts: Float64Array;
    if (c.timestep_spacing === 'linspace') {
      const l = linspace(0, last - 1, n + 1).map(roundHalfEven);
      ts = new Float64Array(n);
      for (let i = 0; i < n; i++) ts[i] = l[n - i];
    } else if (c.timestep_spacing === 'leading') {
      const ratio = Math.floor(last / (n + 1));
      ts = new Float64Array(n);
      for (let i = 0; i < n; i++) ts[i] = (n - i) * ratio + c.steps_offset;
    } else {
      const ratio = nTrain / n;
      ts = new Float64Array(n);
      for (let i = 0; i < n; i++) ts[i] = roundHalfEven(last - i * ratio) - 1;
    }

    const table = this.trainingSigmas;
    let sig: Float64Array;
    if (c.use_karras_sigmas) {
      sig = karrasSigmas(table[0], table[table.length - 1], n);
      const logSigmas = table.map(Math.log);
      ts = sig.map((s) => roundHalfEven(sigmaToT(s, logSigmas)));
    } else {
      sig = ts.map((t) => interpOnIndexGrid(t, table));
    }
    let last_: number;
    if (c.final_sigmas_type === 'zero') last_ = 0;
    else if (c.final_sigmas_type === 'sigma_min') last_ = c.use_karras_sigmas ? sig[n - 1] : table[0];
    else throw new Error(`final_sigmas_type "${String(c.final_sigmas_type)}" is unknown; use "zero" or "sigma_min".`);
    const sigmas = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) sigmas[i] = Math.fround(sig[i]);
    sigmas[n] = Math.fround(last_);

    this.timesteps = ts;
    this.sigmas = sigmas;
    this.stepSigmas = sigmas.slice(0, n);
    this.numInferenceSteps = n;
    this.stepIndex = null;
    this.history = [null, null];
    this.lowerOrderNums = 0;
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): StepOutput {
    if (this.numInferenceSteps === 0) throw new Error(`${this.name}: call setTimesteps(steps) before step().`);
    assertSameLength(sample, modelOutput, 'modelOutput');
    if (this.stepIndex === null) this.stepIndex = indexForTimestep(this.timesteps, t);
    const i = this.stepIndex;
    const n = this.numInferenceSteps;
    if (i >= n) throw new Error(`${this.name}: all ${n} steps are done; call setTimesteps again to restart.`);
    const c = this.config;

    const lowerOrderFinal =
      i === n - 1 && (Boolean(c.euler_at_final) || (Boolean(c.lower_order_final) && n < 15) || c.final_sigmas_type === 'zero');
    // (diffusers' lower_order_second only matters for solver_order 3, not implemented here.)

    // data prediction x0 from ε
    const cur = alphaSigma(this.sigmas[i]);
    const x0 = new Float32Array(sample.length);
    for (let j = 0; j < sample.length; j++) x0[j] = (sample[j] - cur.sigma * modelOutput[j]) / cur.alpha;
    this.history = [this.history[1], x0];

    const next = alphaSigma(this.sigmas[i + 1]);
    const h = next.lambda - cur.lambda;
    const ratio = next.sigma / cur.sigma; // 0 when σ_next = 0
    const coef = next.alpha * (Math.exp(-h) - 1);
    const prev = new Float32Array(sample.length);

    if (c.solver_order === 1 || this.lowerOrderNums < 1 || lowerOrderFinal) {
      for (let j = 0; j < sample.length; j++) prev[j] = ratio * sample[j] - coef * x0[j];
    } else {
      const before = alphaSigma(this.sigmas[i - 1]);
      const h0 = cur.lambda - before.lambda;
      const r0 = h0 / h;
      const m1 = this.history[0] as Float32Array;
      for (let j = 0; j < sample.length; j++) {
        const d1 = (x0[j] - m1[j]) / r0;
        prev[j] = ratio * sample[j] - coef * x0[j] - 0.5 * coef * d1;
      }
    }
    if (this.lowerOrderNums < (c.solver_order as number)) this.lowerOrderNums++;
    this.stepIndex = i + 1;
    return { prevSample: prev };
  }
}
