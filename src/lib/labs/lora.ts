/**
 * The LoRA lab's computations (lesson 6), in the LoRA paper's column-vector convention:
 * a layer computes h = W·x with W ∈ ℝ^{d×k}; LoRA learns ΔW = B·A with B ∈ ℝ^{d×r}, A ∈ ℝ^{r×k}.
 *
 * 1. Costs: parameters and multiply-adds of W versus B·A (from src/lib/course/loraMath.ts).
 * 2. A real rank-r approximation: the SVD of a grayscale picture (a matrix you can see),
 *    truncated to r terms — by Eckart–Young the best rank-r matrix there is.
 * 3. Training: B·A learns a target update by gradient descent, B starting at 0 so the model
 *    starts exactly unchanged; its loss can never go below the SVD's rank-r error.
 */
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { breakEvenRank, fullMultiplyAdds, fullParams, loraFraction, loraMultiplyAdds, loraParams } from '../course/loraMath';
import { gaussian } from './random';

// ---------------------------------------------------------------------------------------------
// 1. costs

export const LORA_LIMITS = { min: 1, max: 8192 } as const;
/** The seed course's example. */
export const SEED_EXAMPLE = { d: 100, k: 100, r: 5 } as const;

export interface LoraCosts {
  d: number;
  k: number;
  r: number;
  fullParams: number;
  loraParams: number;
  /** B's share (d·r) and A's share (r·k) of loraParams. */
  bParams: number;
  aParams: number;
  fullMultiplyAdds: number;
  /** A·x (r·k), then B·(A·x) (d·r). */
  loraMultiplyAdds: { first: number; second: number; total: number };
  fraction: number;
  breakEven: number;
  /** r ≤ min(d, k): a larger r cannot add rank and only costs more. */
  rankValid: boolean;
  isSeedExample: boolean;
}

/** Clamps a user-entered dimension to a positive integer in the lab's range. */
export function clampDim(x: unknown, max: number = LORA_LIMITS.max): number {
  const n = Math.round(Number(x));
  if (!Number.isFinite(n)) return 1;
  return Math.min(max, Math.max(LORA_LIMITS.min, n));
}

export function loraCosts(d: number, k: number, r: number): LoraCosts {
  return {
    d,
    k,
    r,
    fullParams: fullParams(d, k),
    loraParams: loraParams(d, k, r),
    bParams: d * r,
    aParams: r * k,
    fullMultiplyAdds: fullMultiplyAdds(d, k),
    loraMultiplyAdds: loraMultiplyAdds(d, k, r),
    fraction: loraFraction(d, k, r),
    breakEven: breakEvenRank(d, k),
    rankValid: r <= Math.min(d, k),
    isSeedExample: d === SEED_EXAMPLE.d && k === SEED_EXAMPLE.k && r === SEED_EXAMPLE.r,
  };
}

/** Parameters against rank for the chart: r = 1 … rMax (about 60 points at most). */
export function paramsCurve(d: number, k: number, rMax = Math.min(d, k)): { r: number; lora: number }[] {
  const n = Math.max(1, Math.min(rMax, Math.min(d, k)));
  const step = Math.max(1, Math.ceil(n / 60));
  const out: { r: number; lora: number }[] = [];
  for (let r = 1; r <= n; r += step) out.push({ r, lora: loraParams(d, k, r) });
  if (out[out.length - 1].r !== n) out.push({ r: n, lora: loraParams(d, k, n) });
  return out;
}

// ---------------------------------------------------------------------------------------------
// 2. a picture and its SVD

/** A grayscale picture as a row-major matrix with values in [0, 1]. */
export interface GrayImage {
  rows: number;
  cols: number;
  data: Float64Array;
}

/**
 * The lab's picture, drawn procedurally (no download, same pixels everywhere): a sky gradient,
 * a sun, a house with a pitched roof, a door and a window, and the ground. Axis-aligned
 * rectangles are rank 1 each; the disc and the roof's diagonals need many ranks — which is what
 * the reader sees as r grows.
 */
export function demoPicture(size = 64): GrayImage {
  const n = size;
  const s = n / 64;
  const data = new Float64Array(n * n);
  const inRect = (x: number, y: number, x0: number, y0: number, x1: number, y1: number) =>
    x >= x0 * s && x < x1 * s && y >= y0 * s && y < y1 * s;
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      let v = 0.2 + 0.35 * (y / n); // sky, lighter towards the horizon
      const dx = x + 0.5 - 47 * s;
      const dy = y + 0.5 - 15 * s;
      if (dx * dx + dy * dy <= (8.5 * s) ** 2) v = 0.97; // sun
      if (y >= 52 * s) v = 0.32; // ground
      if (inRect(x, y, 8, 34, 36, 54)) v = 0.78; // walls
      // roof: a triangle from (5, 34) over the apex (22, 20) to (39, 34)
      const ry = y + 0.5;
      const rx = x + 0.5;
      if (ry >= 20 * s && ry < 34 * s && Math.abs(rx - 22 * s) <= ((ry - 20 * s) / 14) * 17 * s) v = 0.1;
      if (inRect(x, y, 13, 42, 20, 54)) v = 0.12; // door
      if (inRect(x, y, 25, 38, 32, 45)) v = 0.98; // window
      if (inRect(x, y, 28, 38, 29, 45) || inRect(x, y, 25, 41, 32, 42)) v = 0.12; // window bars
      data[y * n + x] = v;
    }
  }
  return { rows: n, cols: n, data };
}

export interface Svd {
  rows: number;
  cols: number;
  /** Singular values, largest first. */
  s: Float64Array;
  /** Left singular vectors as columns: u[i·p + j] is U[i][j] (p = number of values). */
  u: Float64Array;
  /** Right singular vectors as columns: v[i·p + j] is V[i][j]. */
  v: Float64Array;
}

/** Thin SVD, M = U·diag(s)·Vᵀ, by ml-matrix (Golub–Kahan, as in JAMA / LAPACK's dgesvd). */
export function svd(rows: number, cols: number, data: ArrayLike<number>): Svd {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.set(i, j, data[i * cols + j]);
  const dec = new SingularValueDecomposition(m, { autoTranspose: true });
  const s = Float64Array.from(dec.diagonal);
  const p = s.length;
  const U = dec.leftSingularVectors;
  const V = dec.rightSingularVectors;
  const u = new Float64Array(rows * p);
  const v = new Float64Array(cols * p);
  for (let i = 0; i < rows; i++) for (let j = 0; j < p; j++) u[i * p + j] = U.get(i, j);
  for (let i = 0; i < cols; i++) for (let j = 0; j < p; j++) v[i * p + j] = V.get(i, j);
  return { rows, cols, s, u, v };
}

/** Σ_{j<r} s_j·u_j·v_jᵀ: the best rank-r approximation (Eckart–Young). */
export function lowRank(d: Svd, r: number): Float64Array {
  const { rows, cols, s, u, v } = d;
  const p = s.length;
  const rr = Math.max(0, Math.min(r, p));
  const out = new Float64Array(rows * cols);
  for (let j = 0; j < rr; j++) {
    const sj = s[j];
    for (let i = 0; i < rows; i++) {
      const a = sj * u[i * p + j];
      if (a === 0) continue;
      const row = i * cols;
      for (let c = 0; c < cols; c++) out[row + c] += a * v[c * p + j];
    }
  }
  return out;
}

/**
 * Relative Frobenius error of the rank-r truncation for r = 0 … p:
 * ‖M − M_r‖_F / ‖M‖_F = √(Σ_{j≥r} s_j²) / √(Σ_j s_j²).
 */
export function truncationErrors(s: ArrayLike<number>): number[] {
  const p = s.length;
  // tail sums from the smallest value up: no cancellation, so r = p gives exactly 0
  const tail = new Array<number>(p + 1).fill(0);
  for (let r = p - 1; r >= 0; r--) tail[r] = tail[r + 1] + s[r] * s[r];
  const total = tail[0];
  return tail.map((t) => (total > 0 ? Math.sqrt(t / total) : 0));
}

/** Mean squared difference per entry: ‖X − Y‖²_F / (rows·cols). */
export function meanSquaredError(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < x.length; i++) e += (x[i] - y[i]) ** 2;
  return e / x.length;
}

/** The smallest mean squared error any rank-r B·A can reach on a matrix with these singular values. */
export function rankFloorMse(s: ArrayLike<number>, r: number, entries: number): number {
  let tail = 0;
  for (let j = r; j < s.length; j++) tail += s[j] * s[j];
  return tail / entries;
}

/** Numbers needed to store a rank-r factorisation of a rows×cols matrix: r·(rows + cols). */
export const storedNumbers = (rows: number, cols: number, r: number) => r * (rows + cols);

// ---------------------------------------------------------------------------------------------
// 3. training B·A

export interface TrainerOptions {
  /** Target update ΔW (rows × cols, row-major). */
  target: Float64Array;
  rows: number;
  cols: number;
  r: number;
  seed?: number;
  /** Adam step size. */
  learningRate?: number;
  /** The run stops by itself after this many steps. */
  maxSteps?: number;
}

/**
 * Learns B (rows×r) and A (r×cols) so that B·A ≈ target, minimising the mean squared error
 * L = ‖B·A − T‖²_F / (rows·cols) with Adam (β₁ 0.9, β₂ 0.999; what LoRA trainers use).
 * As in LoRA, A starts Gaussian (std 1/√r here) and B starts at 0, so B·A = 0 at step 0: the
 * model starts unchanged. Deterministic for a given seed.
 */
export class LoraTrainer {
  readonly rows: number;
  readonly cols: number;
  readonly r: number;
  readonly maxSteps: number;
  readonly learningRate: number;
  readonly target: Float64Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
  /** Loss before any step, then after each step. */
  readonly losses: number[] = [];
  steps = 0;
  private readonly product: Float64Array;
  private readonly err: Float64Array;
  private readonly ga: Float64Array;
  private readonly gb: Float64Array;
  private readonly ma: Float64Array;
  private readonly va: Float64Array;
  private readonly mb: Float64Array;
  private readonly vb: Float64Array;

  constructor(o: TrainerOptions) {
    this.rows = o.rows;
    this.cols = o.cols;
    this.r = o.r;
    this.target = o.target;
    this.maxSteps = o.maxSteps ?? 600;
    this.learningRate = o.learningRate ?? 0.02;
    const rand = gaussian(o.seed ?? 1);
    this.a = Float64Array.from({ length: o.r * o.cols }, () => rand() / Math.sqrt(o.r));
    this.b = new Float64Array(o.rows * o.r);
    this.product = new Float64Array(o.rows * o.cols);
    this.err = new Float64Array(o.rows * o.cols);
    this.ga = new Float64Array(this.a.length);
    this.gb = new Float64Array(this.b.length);
    this.ma = new Float64Array(this.a.length);
    this.va = new Float64Array(this.a.length);
    this.mb = new Float64Array(this.b.length);
    this.vb = new Float64Array(this.b.length);
    this.losses.push(this.computeLoss());
  }

  get done(): boolean {
    return this.steps >= this.maxSteps;
  }

  get loss(): number {
    return this.losses[this.losses.length - 1];
  }

  /** B·A (rows × cols). */
  current(): Float64Array {
    this.multiply();
    return this.product.slice();
  }

  private multiply(): void {
    const { rows, cols, r, a, b, product } = this;
    product.fill(0);
    for (let i = 0; i < rows; i++) {
      for (let p = 0; p < r; p++) {
        const bip = b[i * r + p];
        if (bip === 0) continue;
        const ap = p * cols;
        const row = i * cols;
        for (let j = 0; j < cols; j++) product[row + j] += bip * a[ap + j];
      }
    }
  }

  private computeLoss(): number {
    this.multiply();
    return meanSquaredError(this.product, this.target);
  }

  /** Takes up to `n` steps (never past maxSteps); returns the loss after them. */
  step(n = 1): number {
    const { rows, cols, r, a, b, err, ga, gb } = this;
    const scale = 2 / (rows * cols);
    const lr = this.learningRate;
    const b1 = 0.9;
    const b2 = 0.999;
    for (let s = 0; s < n && !this.done; s++) {
      this.multiply();
      for (let i = 0; i < err.length; i++) err[i] = (this.product[i] - this.target[i]) * scale;
      // dL/dB = E·Aᵀ (rows×r), dL/dA = Bᵀ·E (r×cols)
      gb.fill(0);
      ga.fill(0);
      for (let i = 0; i < rows; i++) {
        const row = i * cols;
        for (let p = 0; p < r; p++) {
          const ap = p * cols;
          let acc = 0;
          const bip = b[i * r + p];
          for (let j = 0; j < cols; j++) {
            const e = err[row + j];
            acc += e * a[ap + j];
            ga[ap + j] += bip * e;
          }
          gb[i * r + p] = acc;
        }
      }
      const t = this.steps + 1;
      const c1 = 1 - b1 ** t;
      const c2 = 1 - b2 ** t;
      const adam = (w: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array) => {
        for (let i = 0; i < w.length; i++) {
          m[i] = b1 * m[i] + (1 - b1) * g[i];
          v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
          w[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + 1e-8);
        }
      };
      adam(a, ga, this.ma, this.va);
      adam(b, gb, this.mb, this.vb);
      this.steps = t;
      this.losses.push(this.computeLoss());
    }
    return this.loss;
  }
}
