import type { Graph } from '../onnx/graph';

/**
 * Decoupled cross-attention (IP-Adapter, paper Eq. 5): one query, the text keys/values and any
 * number of image branches, each with its own keys/values, summed before the shared `to_out`:
 *
 *   Z = softmax(Q·K_tᵀ/√d)·V_t + Σ_a mask_a ⊙ λ_a · softmax(Q·(s_a·K_a)ᵀ/√d)·V_a  (+ μ_a·mean_tokens(V_a))
 *
 * λ_a = 0 adds exactly 0 (the plain UNet's numbers, bit for bit). `s_a` and `μ_a` are ComfyUI's
 * embeds_scaling knobs (K+V, K+mean(V) with channel penalty), see `ImageBranch`.
 *
 * Plain MatMul → Softmax → MatMul, no fused attention op: the com.microsoft fused kernels were
 * wrong on WebGPU at sequence ≥ 32 (shared/reference/browser-runtime.md). The 1/√d scale is
 * applied to Q once (one multiply of [B, S, C] instead of one per score matrix).
 */
export interface ImageBranch {
  /** to_k_ip(tokens), to_v_ip(tokens): [B, T, H·D]. */
  k: string;
  v: string;
  /** λ of this layer, a 0-d tensor (or anything broadcastable to [B, H, S, D]). */
  scale: string;
  /** Multiplies the keys (ComfyUI "K+V" / "K+mean(V)" scaling), 0-d. */
  kScale?: string;
  /** Adds μ·mean over tokens of V to the branch output before the mask (ComfyUI "K+mean(V)"), 0-d. */
  vMeanCoef?: string;
  /** [Bm, 1, S, 1] with Bm ∈ {1, B}: multiplies the branch's output per query position. */
  mask?: string;
}

export interface DecoupledAttentionResult {
  /** [B, S, H·D], before to_out. */
  out: string;
  /** Text (or self) attention probabilities [B, H, S, T_text]. */
  probs: string;
  /** One per branch: [B, H, S, T_a]. */
  branchProbs: string[];
}

/** [B, S, H·D] → [B, H, S, D]. */
const heads4 = (g: Graph, x: string, heads: number, dim: number) =>
  g.op('Transpose', [g.op('Reshape', [x, g.ints([0, 0, heads, dim])])], { perm: [0, 2, 1, 3] });
/** [B, T, H·D] → [B, H, D, T] (keys, ready for Q·Kᵀ). */
const keys4 = (g: Graph, x: string, heads: number, dim: number) =>
  g.op('Transpose', [g.op('Reshape', [x, g.ints([0, 0, heads, dim])])], { perm: [0, 2, 3, 1] });

function attend(g: Graph, qh: string, k: string, v: string, heads: number, dim: number) {
  const probs = g.op('Softmax', [g.op('MatMul', [qh, keys4(g, k, heads, dim)])], { axis: -1 });
  const vh = heads4(g, v, heads, dim);
  return { out: g.op('MatMul', [probs, vh]), probs, vh };
}

export function decoupledAttention(
  g: Graph, q: string, k: string, v: string, heads: number, headDim: number, branches: ImageBranch[] = [],
): DecoupledAttentionResult {
  const qh = heads4(g, g.op('Mul', [q, g.scalar(1 / Math.sqrt(headDim))]), heads, headDim);
  const text = attend(g, qh, k, v, heads, headDim);
  let sum = text.out;
  const branchProbs: string[] = [];
  branches.forEach((b, i) => g.scope(`ip${i}`, () => {
    const kb = b.kScale ? g.op('Mul', [b.k, b.kScale]) : b.k;
    const ip = attend(g, qh, kb, b.v, heads, headDim);
    branchProbs.push(ip.probs);
    let o = g.op('Mul', [ip.out, b.scale]);
    if (b.vMeanCoef) {
      const mean = g.op('ReduceMean', [ip.vh, g.ints([2])], { keepdims: 1 });
      o = g.op('Add', [o, g.op('Mul', [mean, b.vMeanCoef])]);
    }
    if (b.mask) o = g.op('Mul', [o, b.mask]);
    sum = g.op('Add', [sum, o]);
  }));
  const out = g.op('Reshape', [g.op('Transpose', [sum], { perm: [0, 2, 1, 3] }), g.ints([0, 0, heads * headDim])]);
  return { out, probs: text.probs, branchProbs };
}
