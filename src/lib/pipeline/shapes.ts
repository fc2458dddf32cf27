/**
 * Static session shapes. onnxruntime's WebGPU provider leaves the int64 shape arithmetic of a
 * graph with free dimensions (Shape → Gather → Concat feeding a Reshape: GroupNorm, attention
 * heads) on the CPU; with `freeDimensionOverrides` those values are constants, the optimiser
 * folds them, and every node runs on the GPU (test/e2e-webgpu/pipeline.spec.ts reads the
 * placement log).
 *
 * Which dimensions are fixed, per network:
 * - text encoder, image encoder, projectors: batch 1 (the runners encode one prompt chunk /
 *   one reference image at a time, which also makes them independent of the setup);
 * - UNet: batch, latent height and width. Its text/image token counts and mask sizes stay free
 *   (measured: no CPU node comes from them), so prompts of any length, any number of
 *   references and masks run on the same session;
 * - VAE decoder: batch 1 and the latent size; VAE encoder: batch 1 and the image size.
 *
 * So a session set serves one image size and one UNet batch. The UNet batch is 2 × batchSize
 * with classifier-free guidance in one call (cfgMode 'batch', the default) or batchSize with two
 * calls ('separate'); generate() adapts its calls to the session's batch (a no-guidance run on a
 * batch-2n session fills the second half with a copy of its rows).
 */
import type { Graph } from '../onnx/graph';

/** What a load declares (LoadOptions.shape): the image size and batch the sessions are made for. */
export interface SessionShape {
  width: number;
  height: number;
  /** Images per generation (default 1). */
  batchSize?: number;
  /** How CFG will run: both halves in one UNet call (default) or two calls. */
  cfgMode?: 'batch' | 'separate';
}

/** A resolved shape: what the sessions are made for. */
export interface StaticShape {
  width: number;
  height: number;
  batchSize: number;
  /** Rows of one UNet call. */
  unetBatch: number;
}

export type StaticNetwork = 'text' | 'image' | 'projector' | 'unet' | 'vaeDecoder' | 'vaeEncoder';

export function resolveShape(s: SessionShape, vaeScale: number): StaticShape {
  const batchSize = s.batchSize ?? 1;
  for (const [k, v] of [['width', s.width], ['height', s.height]] as const) {
    if (!Number.isInteger(v) || v <= 0 || v % vaeScale !== 0) {
      throw new RangeError(`shape.${k} must be a positive multiple of ${vaeScale} (got ${v}).`);
    }
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`shape.batchSize must be a whole number ≥ 1 (got ${batchSize}).`);
  return { width: s.width, height: s.height, batchSize, unetBatch: s.cfgMode === 'separate' ? batchSize : 2 * batchSize };
}

/** The free dimensions a graph's inputs name (dimParam). */
export function freeDims(graph: Graph): Set<string> {
  const names = new Set<string>();
  for (const i of graph.inputs) for (const d of i.type?.tensorType?.shape?.dim ?? []) if (d.dimParam) names.add(d.dimParam);
  return names;
}

/**
 * freeDimensionOverrides for one network: the fixed values above, limited to the dimensions
 * the graph really has (a name it lacks is dropped). `shape` null: only the batch-1 encoders.
 */
export function dimOverrides(net: StaticNetwork, graph: Graph, shape: StaticShape | null, vaeScale: number): Record<string, number> {
  const want: Record<string, number> = { batch: 1 };
  if (net === 'unet' || net === 'vaeDecoder' || net === 'vaeEncoder') {
    if (!shape) return {};
    const h = shape.height / vaeScale;
    const w = shape.width / vaeScale;
    if (net === 'unet') Object.assign(want, { batch: shape.unetBatch, height: h, width: w });
    if (net === 'vaeDecoder') Object.assign(want, { latent_height: h, latent_width: w });
    if (net === 'vaeEncoder') Object.assign(want, { height: shape.height, width: shape.width });
  }
  const have = freeDims(graph);
  return Object.fromEntries(Object.entries(want).filter(([k]) => have.has(k)));
}

export const sameShape = (a: StaticShape, b: StaticShape) =>
  a.width === b.width && a.height === b.height && a.unetBatch === b.unetBatch;

export const describeShape = (s: StaticShape) => `${s.width}×${s.height}, batch ${s.batchSize} (UNet batch ${s.unetBatch})`;
