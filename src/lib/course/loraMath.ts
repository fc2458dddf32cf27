/**
 * LoRA arithmetic for lesson 6 (IP-Adapter versus LoRA).
 *
 * Convention (the LoRA paper's, column vectors): a layer computes h = W₀·x with
 * W₀ ∈ ℝ^{d×k} (d outputs, k inputs). LoRA adds ΔW = (α/r)·B·A with B ∈ ℝ^{d×r},
 * A ∈ ℝ^{r×k}. PyTorch's nn.Linear(in=k, out=d) stores its weight with exactly this shape [d, k].
 *
 * The seed course writes row vectors, h = x·W; there every matrix is the transpose of the one
 * here, so its "A" is k×r and its "B" is r×d. The counts below do not depend on the convention.
 */

import { IP_LAYERS } from '../ipadapter/weightTypes';

/** Parameters of a full update of a d×k weight (or of the weight itself). */
export function fullParams(d: number, k: number): number {
  checkDims(d, k);
  return d * k;
}

/** Parameters of a rank-r LoRA on a d×k weight: B (d×r) plus A (r×k). */
export function loraParams(d: number, k: number, r: number): number {
  checkDims(d, k, r);
  return d * r + r * k;
}

/** Multiply-adds to apply the full d×k matrix to one input vector: d·k. */
export function fullMultiplyAdds(d: number, k: number): number {
  return fullParams(d, k);
}

/**
 * Multiply-adds to apply the LoRA branch to one input vector, factor by factor:
 * A·x costs r·k, then B·(A·x) costs d·r. (Multiplying B·A out first would cost d·r·k and
 * give back a full d×k matrix — the "merge" that tools do once, before sampling.)
 */
export function loraMultiplyAdds(d: number, k: number, r: number): { first: number; second: number; total: number } {
  checkDims(d, k, r);
  const first = r * k;
  const second = d * r;
  return { first, second, total: first + second };
}

/** loraParams / fullParams: the fraction of a full update that a rank-r LoRA trains. */
export function loraFraction(d: number, k: number, r: number): number {
  return loraParams(d, k, r) / fullParams(d, k);
}

/**
 * The rank at which a LoRA has as many parameters as the full matrix: r·(d + k) = d·k.
 * Above it (it is always below min(d, k)) the factorisation saves nothing.
 */
export function breakEvenRank(d: number, k: number): number {
  checkDims(d, k);
  return (d * k) / (d + k);
}

/** The scale LoRA multiplies its update by: α / r (kohya and diffusers default α = r → 1). */
export function loraScale(alpha: number, r: number): number {
  if (!(r > 0)) throw new RangeError(`rank must be positive, got ${r}`);
  return alpha / r;
}

/** A real linear layer of SD1.5, named the way diffusers names it. */
export interface LayerShape {
  /** module path in diffusers' UNet2DConditionModel */
  module: string;
  /** outputs (rows of the weight) */
  d: number;
  /** inputs (columns of the weight) */
  k: number;
}

/** Two SD1.5 layers the lesson's figure uses. */
export const SD15_EXAMPLE_LAYERS: readonly LayerShape[] = [
  // cross-attention key projection of the first down block: text token (768) → width 320
  { module: 'down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k', d: 320, k: 768 },
  // a square projection at the deepest width, e.g. the query of the middle block's cross-attention
  { module: 'mid_block.attentions.0.transformer_blocks.0.attn2.to_q', d: 1280, k: 1280 },
];

/**
 * Widths of SD1.5's 16 cross-attention layers in ComfyUI's order (input blocks, middle, output
 * blocks): 5×320, 5×640, 6×1280 in all, read from the pipeline's layer table. Each has to_k and
 * to_v: Linear(768 → width).
 */
export const SD15_CROSS_ATTENTION_WIDTHS: readonly number[] = IP_LAYERS.sd15.map((l) => l.width);

/** SD1.5 text (and IP-Adapter image-token) width: what to_k and to_v read. */
export const SD15_CONTEXT_DIM = 768;

/**
 * Parameters in the key and value projections of all 16 cross-attention layers — the shape of
 * IP-Adapter's new to_k_ip / to_v_ip (2·768·12480 = 19,169,280), or of a full update of the
 * originals.
 */
export function sd15CrossAttentionKVParams(): number {
  return SD15_CROSS_ATTENTION_WIDTHS.reduce((sum, c) => sum + 2 * fullParams(c, SD15_CONTEXT_DIM), 0);
}

/** A rank-r LoRA on the same 32 matrices (every cross-attention to_k and to_v). */
export function sd15CrossAttentionKVLoraParams(r: number): number {
  return SD15_CROSS_ATTENTION_WIDTHS.reduce((sum, c) => sum + 2 * loraParams(c, SD15_CONTEXT_DIM, r), 0);
}

/** Rows of parameter count against rank for one layer, for the figure. */
export function paramsByRank(layer: LayerShape, ranks: readonly number[]): { rank: number; lora: number; full: number }[] {
  return ranks.map((rank) => ({ rank, lora: loraParams(layer.d, layer.k, rank), full: fullParams(layer.d, layer.k) }));
}

// ---- tiny dense linear algebra, for the worked example and its tests ----

export type Matrix = number[][];

/** C = A·B for small dense matrices. */
export function matMul(a: Matrix, b: Matrix): Matrix {
  const n = a.length;
  const m = b[0]?.length ?? 0;
  const inner = b.length;
  if (a.some((row) => row.length !== inner)) throw new RangeError('matMul: inner dimensions differ');
  const out: Matrix = Array.from({ length: n }, () => new Array<number>(m).fill(0));
  for (let i = 0; i < n; i++) for (let p = 0; p < inner; p++) for (let j = 0; j < m; j++) out[i][j] += a[i][p] * b[p][j];
  return out;
}

/** h = W₀·x + (α/r)·B·(A·x), with x a column given as a plain array. */
export function loraForward(w0: Matrix, a: Matrix, b: Matrix, alpha: number, x: number[]): number[] {
  const r = a.length;
  const col = x.map((v) => [v]);
  const base = matMul(w0, col);
  const delta = matMul(b, matMul(a, col));
  const s = loraScale(alpha, r);
  return base.map((row, i) => row[0] + s * delta[i][0]);
}

/** Rank by Gaussian elimination with partial pivoting (tolerance relative to the largest entry). */
export function matrixRank(m: Matrix, tol = 1e-9): number {
  const a = m.map((row) => row.slice());
  const rows = a.length;
  const cols = a[0]?.length ?? 0;
  const scale = Math.max(1e-300, ...a.flat().map(Math.abs));
  let rank = 0;
  for (let c = 0; c < cols && rank < rows; c++) {
    let pivot = rank;
    for (let i = rank + 1; i < rows; i++) if (Math.abs(a[i][c]) > Math.abs(a[pivot][c])) pivot = i;
    if (Math.abs(a[pivot][c]) <= tol * scale) continue;
    [a[rank], a[pivot]] = [a[pivot], a[rank]];
    for (let i = rank + 1; i < rows; i++) {
      const f = a[i][c] / a[rank][c];
      for (let j = c; j < cols; j++) a[i][j] -= f * a[rank][j];
    }
    rank++;
  }
  return rank;
}

function checkDims(...dims: number[]): void {
  for (const n of dims) if (!Number.isInteger(n) || n <= 0) throw new RangeError(`dimensions must be positive integers, got ${n}`);
}
