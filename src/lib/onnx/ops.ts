import { float, type Graph } from './graph';
import type { Weights } from '../weights/weights';
import { loraBranch } from '../lora/sideBranch';

/**
 * The layers every network here is made of, in the upstream modules' terms (Linear, LayerNorm,
 * GroupNorm, Conv2d, attention). Each takes the graph, the weights under the module's prefix,
 * and input value names; each returns the output value name.
 *
 * Operator choices follow what onnxruntime-web's WebGPU provider runs on the GPU exactly (see
 * shared/reference/browser-runtime.md): GroupNorm as Reshape → InstanceNormalization → Reshape
 * → Mul → Add (GroupNormalization falls back to the CPU), attention as plain MatMul → Softmax →
 * MatMul (the fused ops were wrong at sequence lengths ≥ 32 on small subgroups).
 */

/**
 * torch.nn.Linear: y = x·Wᵀ + b, W stored [out, in]. When `w` carries LoRA side-branch factors
 * (`lora_side.*`, see lora/sideBranch.ts) their terms s·(x·Aᵀ)·Bᵀ are added; `lora: false` skips them.
 */
export function linear(g: Graph, w: Weights, x: string, opts: { bias?: boolean; in?: number; out?: number; lora?: boolean } = {}): string {
  const ref = w.ref('weight', opts.out !== undefined || opts.in !== undefined ? [opts.out ?? -1, opts.in ?? -1] : undefined);
  const name = ref.info.name;
  let y = g.op('MatMul', [x, g.weightT(name, ref)]);
  if (opts.bias !== false) y = g.op('Add', [y, g.weight(w.ref('bias').info.name, w.ref('bias', [ref.info.shape[0]]))]);
  return opts.lora === false ? y : loraBranch(g, w, x, y);
}

/** torch.nn.LayerNorm over the last axis (LayerNormalization, opset 17). */
export function layerNorm(g: Graph, w: Weights, x: string, eps = 1e-5, width?: number): string {
  const shape = width === undefined ? undefined : [width];
  const scale = w.ref('weight', shape);
  const bias = w.ref('bias', shape);
  return g.op('LayerNormalization', [x, g.weight(scale.info.name, scale), g.weight(bias.info.name, bias)], { axis: -1, epsilon: float(eps) });
}

/** torch.nn.GroupNorm on NCHW, as InstanceNormalization over [N, G, C/G·H·W]. */
export function groupNorm(g: Graph, w: Weights, x: string, groups: number, channels: number, eps = 1e-5): string {
  const shape = g.op('Shape', [x]);
  const grouped = g.op('Reshape', [x, g.ints([0, groups, -1])]);
  const ones = g.constant(new Array(groups).fill(1), [groups]);
  const zeros = g.constant(new Array(groups).fill(0), [groups]);
  const normed = g.op('InstanceNormalization', [grouped, ones, zeros], { epsilon: float(eps) });
  const back = g.op('Reshape', [normed, shape]);
  const gamma = w.ref('weight', [channels]);
  const beta = w.ref('bias', [channels]);
  const scaled = g.op('Mul', [back, g.weight(gamma.info.name, gamma, [channels, 1, 1])]);
  return g.op('Add', [scaled, g.weight(beta.info.name, beta, [channels, 1, 1])]);
}

/** torch.nn.Conv2d (NCHW), weights [out, in, kh, kw], optional bias; LoRA side-branch terms as in `linear`. */
export function conv2d(g: Graph, w: Weights, x: string, opts: { stride?: number; padding?: number; bias?: boolean } = {}): string {
  const weight = w.ref('weight');
  const [, , kh, kw] = weight.info.shape;
  const pad = opts.padding ?? 0;
  const inputs = [x, g.weight(weight.info.name, weight)];
  if (opts.bias !== false && w.has('bias')) {
    const b = w.ref('bias', [weight.info.shape[0]]);
    inputs.push(g.weight(b.info.name, b));
  }
  const strides: [number, number] = [opts.stride ?? 1, opts.stride ?? 1];
  const y = g.op('Conv', inputs, { kernel_shape: [kh, kw], strides, pads: [pad, pad, pad, pad] });
  return loraBranch(g, w, x, y, { strides, pads: [pad, pad, pad, pad] });
}

export const silu = (g: Graph, x: string) => g.op('Mul', [x, g.op('Sigmoid', [x])]);
/** Exact (erf) GELU, opset 20. */
export const gelu = (g: Graph, x: string) => g.op('Gelu', [x]);
/** CLIP's quick_gelu: x·σ(1.702x). */
export const quickGelu = (g: Graph, x: string) => g.op('Mul', [x, g.op('Sigmoid', [g.op('Mul', [x, g.scalar(1.702)])])]);

/** [B, S, H·D] → [B, H, S, D]. */
export function splitHeads(g: Graph, x: string, heads: number, headDim: number): string {
  return g.op('Transpose', [g.op('Reshape', [x, g.ints([0, 0, heads, headDim])])], { perm: [0, 2, 1, 3] });
}

/** [B, H, S, D] → [B, S, H·D]. */
export function mergeHeads(g: Graph, x: string, heads: number, headDim: number): string {
  return g.op('Reshape', [g.op('Transpose', [x], { perm: [0, 2, 1, 3] }), g.ints([0, 0, heads * headDim])]);
}

/**
 * Scaled dot-product attention on [B, S, H·D] inputs: softmax(Q·Kᵀ·scale + mask)·V.
 * Returns the output [B, Sq, H·D] and the probabilities [B, H, Sq, Sk] (for attention maps).
 * `mask` is added to the scores (e.g. the causal mask of CLIP's text encoder).
 */
export function attention(
  g: Graph, q: string, k: string, v: string, heads: number, headDim: number,
  opts: { scale?: number; mask?: string } = {},
): { out: string; probs: string } {
  const qh = splitHeads(g, q, heads, headDim);
  const kh = g.op('Transpose', [g.op('Reshape', [k, g.ints([0, 0, heads, headDim])])], { perm: [0, 2, 3, 1] });
  const vh = splitHeads(g, v, heads, headDim);
  let scores = g.op('Mul', [g.op('MatMul', [qh, kh]), g.scalar(opts.scale ?? 1 / Math.sqrt(headDim))]);
  if (opts.mask) scores = g.op('Add', [scores, opts.mask]);
  const probs = g.op('Softmax', [scores], { axis: -1 });
  return { out: mergeHeads(g, g.op('MatMul', [probs, vh]), heads, headDim), probs };
}
