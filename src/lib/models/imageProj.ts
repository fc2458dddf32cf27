import { Graph, type Dim } from '../onnx/graph';
import { attention, gelu, layerNorm, linear } from '../onnx/ops';
import { WeightFileError } from '../weights/errors';
import type { Weights } from '../weights/weights';

/**
 * IP-Adapter's image projection models (the official tencent-ailab/IP-Adapter classes, keys as
 * in the h94 checkpoints under `image_proj.`): they turn CLIP image features into the extra
 * tokens the UNet's cross-attention reads through `to_k_ip` / `to_v_ip`.
 *
 * - ImageProjModel (base, light, vit-G): image_embeds [B, E] → Linear → [B, T·C] → [B, T, C] → LayerNorm. T = 4.
 * - Resampler (plus, plus-face): a perceiver. 16 learned latents attend to proj_in(hidden_states[-2])
 *   and to themselves for `depth` layers, each followed by a feed-forward; proj_out, LayerNorm.
 * - MLPProjModel (full-face): per token Linear → GELU → Linear → LayerNorm. 257 tokens in, 257 out.
 */

export interface ImageProjLinearConfig {
  kind: 'linear';
  clipEmbeddingsDim: number;
  crossAttentionDim: number;
  tokens: number;
}

export interface ResamplerConfig {
  kind: 'resampler';
  /** Width of the latents (= the UNet's cross-attention width for SD1.5 plus: 768). */
  dim: number;
  depth: number;
  dimHead: number;
  heads: number;
  numQueries: number;
  /** Width of the CLIP hidden states fed in (1280 for ViT-H/14). */
  embeddingDim: number;
  outputDim: number;
  ffMult: number;
}

export interface MlpProjConfig {
  kind: 'mlp';
  clipEmbeddingsDim: number;
  crossAttentionDim: number;
}

export type ImageProjConfig = ImageProjLinearConfig | ResamplerConfig | MlpProjConfig;

/** SD1.5 configurations of the h94 adapters. */
export const SD15_IMAGE_PROJ = {
  base: { kind: 'linear', clipEmbeddingsDim: 1024, crossAttentionDim: 768, tokens: 4 },
  plus: { kind: 'resampler', dim: 768, depth: 4, dimHead: 64, heads: 12, numQueries: 16, embeddingDim: 1280, outputDim: 768, ffMult: 4 },
  fullFace: { kind: 'mlp', clipEmbeddingsDim: 1280, crossAttentionDim: 768 },
} as const satisfies Record<string, ImageProjConfig>;

/**
 * The projector's weights whichever file they come in: a whole h94 adapter (`image_proj.*` and
 * `ip_adapter.*`) or a file holding only the projector's own keys.
 */
export function imageProjWeights(w: Weights): Weights {
  return w.keys().some((k) => k.startsWith('image_proj.')) ? w.under('image_proj.') : w;
}

/** Reads the projector's configuration off the tensor shapes (heads from to_q rows / 64, as diffusers does). */
export function imageProjConfigFromWeights(w: Weights): ImageProjConfig {
  if (w.has('latents')) {
    const [, numQueries, dim] = w.shape('latents');
    const [, embeddingDim] = w.shape('proj_in.weight');
    const [outputDim] = w.shape('proj_out.weight');
    let depth = 0;
    while (w.has(`layers.${depth}.0.to_q.weight`)) depth++;
    const dimHead = 64;
    const [inner] = w.shape('layers.0.0.to_q.weight');
    const [ffInner] = w.shape('layers.0.1.1.weight');
    return { kind: 'resampler', dim, depth, dimHead, heads: inner / dimHead, numQueries, embeddingDim, outputDim, ffMult: ffInner / dim };
  }
  if (w.has('proj.0.weight') && w.has('proj.3.weight')) {
    const [, clipEmbeddingsDim] = w.shape('proj.0.weight');
    const [crossAttentionDim] = w.shape('proj.2.weight');
    return { kind: 'mlp', clipEmbeddingsDim, crossAttentionDim };
  }
  if (w.has('proj.weight') && w.has('norm.weight')) {
    const [rows, clipEmbeddingsDim] = w.shape('proj.weight');
    const [crossAttentionDim] = w.shape('norm.weight');
    return { kind: 'linear', clipEmbeddingsDim, crossAttentionDim, tokens: rows / crossAttentionDim };
  }
  if (w.has('proj.0.weight')) {
    throw new WeightFileError('wrong-model', 'This image projection belongs to an IP-Adapter FaceID model (InsightFace face embeddings, not CLIP); FaceID is not supported here.');
  }
  throw new WeightFileError('wrong-model', 'These weights hold no IP-Adapter image projection (expected proj.weight + norm.weight, latents + layers.*, or proj.0…proj.3).');
}

export interface ImageProjOptions {
  floatType?: 'float32' | 'float16';
  batch?: Dim;
}

/** Name of the graph input each projector takes. */
export function imageProjInput(cfg: ImageProjConfig): 'image_embeds' | 'image_hidden_states' {
  return cfg.kind === 'linear' ? 'image_embeds' : 'image_hidden_states';
}

/** Number of image tokens the projector makes (`inputTokens`: CLIP tokens in, for MLPProjModel). */
export function imageProjTokens(cfg: ImageProjConfig, inputTokens = 257): number {
  return cfg.kind === 'linear' ? cfg.tokens : cfg.kind === 'resampler' ? cfg.numQueries : inputTokens;
}

/**
 * Builds the projector. Inputs: `image_embeds` [B, E] (linear) or `image_hidden_states`
 * [B, tokens, E] (resampler, mlp). Output: `ip_tokens` [B, T, C]. `w` is either file layout
 * (see imageProjWeights).
 */
export function buildImageProj(cfg: ImageProjConfig, weights: Weights, opts: ImageProjOptions = {}): Graph {
  const floatType = opts.floatType ?? 'float32';
  const batch = opts.batch ?? 'batch';
  const w = imageProjWeights(weights);
  const g = new Graph(`ip_image_proj_${cfg.kind}`, floatType);
  if (cfg.kind === 'linear') {
    const { clipEmbeddingsDim: E, crossAttentionDim: C, tokens: T } = cfg;
    const x = g.input('image_embeds', floatType, [batch, E]);
    const y = linear(g, w.under('proj.'), x, { in: E, out: T * C });
    const tokens = g.op('Reshape', [y, g.ints([-1, T, C])]);
    g.output('ip_tokens', layerNorm(g, w.under('norm.'), tokens, 1e-5, C), floatType, [batch, T, C]);
  } else if (cfg.kind === 'mlp') {
    const { clipEmbeddingsDim: E, crossAttentionDim: C } = cfg;
    const x = g.input('image_hidden_states', floatType, [batch, 'tokens', E]);
    const h = gelu(g, linear(g, w.under('proj.0.'), x, { in: E, out: E }));
    const y = linear(g, w.under('proj.2.'), h, { in: E, out: C });
    g.output('ip_tokens', layerNorm(g, w.under('proj.3.'), y, 1e-5, C), floatType, [batch, 'tokens', C]);
  } else {
    resampler(g, cfg, w, batch);
  }
  return g;
}

function resampler(g: Graph, cfg: ResamplerConfig, w: Weights, batch: Dim): void {
  const { dim, dimHead, heads, numQueries: Q, embeddingDim: E, outputDim } = cfg;
  const inner = dimHead * heads;
  const x0 = g.input('image_hidden_states', g.floatType, [batch, 'tokens', E]);
  const x = g.scope('proj_in', () => linear(g, w.under('proj_in.'), x0, { in: E, out: dim }));
  const lat = w.ref('latents', [1, Q, dim]);
  // latents.repeat(B, 1, 1). A fixed batch makes it a constant (folded away). A free batch takes
  // the batch from the input as x[:, :1, :1]·0 (inputs are finite): a Shape → Expand pair would
  // put the Shape node on the CPU provider in a WebGPU session.
  const initial = g.weight(lat.info.name, lat);
  let latents = typeof batch === 'number'
    ? g.op('Expand', [initial, g.ints([batch, 1, 1])])
    : g.op('Add', [initial, g.op('Mul', [g.op('Slice', [x0, g.ints([0, 0]), g.ints([1, 1]), g.ints([1, 2])]), g.scalar(0)])]);
  const s = g.scalar(1 / Math.sqrt(Math.sqrt(dimHead)));
  for (let i = 0; i < cfg.depth; i++) {
    const a = w.under(`layers.${i}.0.`);
    const f = w.under(`layers.${i}.1.`);
    latents = g.scope(`layers.${i}.attn`, () => {
      const xn = layerNorm(g, a.under('norm1.'), x, 1e-5, dim);
      const ln = layerNorm(g, a.under('norm2.'), latents, 1e-5, dim);
      const q = linear(g, a.under('to_q.'), ln, { in: dim, out: inner, bias: false });
      const kvIn = g.op('Concat', [xn, ln], { axis: 1 });
      const kv = linear(g, a.under('to_kv.'), kvIn, { in: dim, out: 2 * inner, bias: false });
      const [k, v] = g.opN('Split', [kv, g.ints([inner, inner])], 2, { axis: -1 }); // .chunk(2, dim=-1)
      // The official code scales q and k by dim_head^-¼ each (kinder to fp16 than one scale after).
      const { out } = attention(g, g.op('Mul', [q, s]), g.op('Mul', [k, s]), v, heads, dimHead, { scale: 1 });
      const o = linear(g, a.under('to_out.'), out, { in: inner, out: dim, bias: false });
      return g.op('Add', [o, latents]);
    });
    latents = g.scope(`layers.${i}.ff`, () => {
      const ffInner = dim * cfg.ffMult;
      const h = layerNorm(g, f.under('0.'), latents, 1e-5, dim);
      const up = gelu(g, linear(g, f.under('1.'), h, { in: dim, out: ffInner, bias: false }));
      return g.op('Add', [linear(g, f.under('3.'), up, { in: ffInner, out: dim, bias: false }), latents]);
    });
  }
  const out = linear(g, w.under('proj_out.'), latents, { in: dim, out: outputDim });
  g.output('ip_tokens', layerNorm(g, w.under('norm_out.'), out, 1e-5, outputDim), g.floatType, [batch, Q, outputDim]);
}
