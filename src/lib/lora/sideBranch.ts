import type { Graph, ExternalRef } from '../onnx/graph';
import type { TensorInfo } from '../weights/safetensors';
import type { Weights } from '../weights/weights';

/**
 * The LoRA side branch in the graph — the LoRA lesson's B·A made real:
 *
 *   linear: y = x·Wᵀ + b + s·(x·Aᵀ)·Bᵀ             A = down [r, in], B = up [out, r]
 *   conv:   y = conv(x, W) + b + s·conv₁ₓ₁(conv(x, A), B)   A [r, in, kh, kw] with W's stride and padding, B [out, r, 1, 1]
 *
 * with s = strength·alpha/r, one term per LoRA on that layer. The factors reach the builders
 * through `Weights`, under names next to the layer's own weight:
 *
 *   <module>.lora_side.<i>.down   <module>.lora_side.<i>.up   <module>.lora_side.<i>.scale ([1], float32; value also in the header metadata)
 *
 * (`lora/apply.ts` `loraSideBranches` makes such a view: the down/up entries point into the
 * LoRA file's bytes, nothing is copied). `ops.linear`, `ops.conv2d` and the UNet's `conv` call
 * `loraBranch` after their own op; without those names they build exactly the graph they built
 * before. The r-wide intermediate is scaled (r values per position, not `out`).
 */
export const LORA_SIDE = 'lora_side';

export const loraSideKey = (i: number, part: 'down' | 'up' | 'scale') => `${LORA_SIDE}.${i}.${part}`;

export interface ConvGeometry {
  strides: [number, number];
  /** ONNX pads [top, left, bottom, right]. */
  pads: number[];
}

const initName = (r: ExternalRef) => `${r.location}:${r.info.name}`;

/** Adds the LoRA terms found in `w` to `y` (the layer's output for input `x`); returns the new output. */
export function loraBranch(g: Graph, w: Weights, x: string, y: string, conv?: ConvGeometry): string {
  let out = y;
  for (let i = 0; w.has(loraSideKey(i, 'down')); i++) {
    const down = w.ref(loraSideKey(i, 'down'));
    const up = w.ref(loraSideKey(i, 'up'));
    const scale = scaleInput(g, w, loraSideKey(i, 'scale'));
    out = g.scope(`lora${i}`, () => {
      if (!conv) {
        const h = g.op('MatMul', [x, g.weightT(initName(down), down)]);
        return g.op('Add', [out, g.op('MatMul', [g.op('Mul', [h, scale]), g.weightT(initName(up), up)])]);
      }
      const [, , kh, kw] = down.info.shape;
      const h = g.op('Conv', [x, g.weight(initName(down), down)], { kernel_shape: [kh, kw], strides: conv.strides, pads: conv.pads });
      const t = g.op('Conv', [g.op('Mul', [h, scale]), g.weight(initName(up), up)], { kernel_shape: [1, 1] });
      return g.op('Add', [out, t]);
    });
  }
  return out;
}

/**
 * The scale as an inline scalar when the scales file states its value in its header metadata
 * (loraSideBranches does), else as an initializer. Inline matters: onnxruntime's MatMul-scale
 * fusion reads scalar initializers at session creation, which fails for external data in
 * onnxruntime-web ("Failed to get file size for external initializer").
 */
function scaleInput(g: Graph, w: Weights, key: string): string {
  const ref = w.ref(key, [1]);
  const stated = w.files.find((f) => f.location === ref.location)?.header.metadata[ref.info.name];
  const value = stated === undefined ? Number.NaN : Number(stated);
  return Number.isFinite(value) ? g.scalar(value) : g.weight(initName(ref), ref);
}

/** The shapes the side-branch names carry for a layer of this kind (same bytes as the file's factors). */
export function sideShapes(kind: 'linear' | 'conv', weight: number[], rank: number): { down: number[]; up: number[] } {
  return kind === 'linear'
    ? { down: [rank, weight[1]], up: [weight[0], rank] }
    : { down: [rank, weight[1], weight[2], weight[3]], up: [weight[0], rank, 1, 1] };
}

/** A renamed view of a tensor: same bytes, the side-branch name and shape. */
export function aliasInfo(info: TensorInfo, name: string, shape: number[]): TensorInfo {
  return { ...info, name, shape };
}
