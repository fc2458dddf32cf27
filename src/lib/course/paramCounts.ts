/**
 * Trainable parameters of IP-Adapter, computed from layer widths and projector configs
 * (the same shapes the checkpoints hold). Lesson 1 and 4 quote these numbers.
 */
import { IP_LAYERS } from '../ipadapter/weightTypes';
import { SD15_CROSS_ATTENTION_DIM, SD15_CROSS_ATTENTION_LAYERS, type CrossAttentionLayer } from './sd15Layers';

/** Parameters of a Linear layer in → out. */
export const linear = (inDim: number, outDim: number, bias = true): number => inDim * outDim + (bias ? outDim : 0);
/** Parameters of a LayerNorm over `dim` features (scale and shift). */
export const layerNorm = (dim: number): number => 2 * dim;

/** to_k_ip and to_v_ip of one layer: two bias-free Linear(crossDim → C). */
export function kvParamsPerLayer(width: number, crossDim = SD15_CROSS_ATTENTION_DIM): number {
  return 2 * linear(crossDim, width, false);
}

/** The new K/V weights summed over all cross-attention layers: 2·768·Σ C. */
export function kvParams(
  layers: readonly Pick<CrossAttentionLayer, 'width'>[] = SD15_CROSS_ATTENTION_LAYERS,
  crossDim = SD15_CROSS_ATTENTION_DIM,
): number {
  return layers.reduce((s, l) => s + kvParamsPerLayer(l.width, crossDim), 0);
}

/** ImageProjModel (base, light, vit-G): Linear(clipDim → tokens·crossDim) + LayerNorm(crossDim). */
export function imageProjParams(clipDim = 1024, tokens = 4, crossDim = SD15_CROSS_ATTENTION_DIM): number {
  return linear(clipDim, tokens * crossDim) + layerNorm(crossDim);
}

export interface ResamplerConfig {
  /** width of the hidden states it reads (1280 for ViT-H/14's penultimate layer). */
  embeddingDim: number;
  /** its own working width (768 for SD1.5 Plus). */
  dim: number;
  /** output width (the UNet's cross-attention dim, 768). */
  outputDim: number;
  depth: number;
  heads: number;
  dimHead: number;
  numQueries: number;
  ffMult: number;
}

export const SD15_PLUS_RESAMPLER: ResamplerConfig = {
  embeddingDim: 1280,
  dim: 768,
  outputDim: 768,
  depth: 4,
  heads: 12,
  dimHead: 64,
  numQueries: 16,
  ffMult: 4,
};

/**
 * The Resampler of IP-Adapter Plus (a perceiver over the CLIP hidden states): learned latents,
 * proj_in, `depth` × (PerceiverAttention + FeedForward), proj_out, norm_out.
 */
export function resamplerParams(c: ResamplerConfig = SD15_PLUS_RESAMPLER): number {
  const inner = c.heads * c.dimHead;
  const attention = layerNorm(c.dim) * 2 + linear(c.dim, inner, false) + linear(c.dim, 2 * inner, false) + linear(inner, c.dim, false);
  const feedForward = layerNorm(c.dim) + linear(c.dim, c.dim * c.ffMult, false) + linear(c.dim * c.ffMult, c.dim, false);
  return (
    c.numQueries * c.dim + // latents
    linear(c.embeddingDim, c.dim) + // proj_in
    c.depth * (attention + feedForward) +
    linear(c.dim, c.outputDim) + // proj_out
    layerNorm(c.outputDim) // norm_out
  );
}

/** MLPProjModel (full-face): per token Linear(h → h), GELU, Linear(h → crossDim), LayerNorm. */
export function mlpProjParams(hiddenDim = 1280, crossDim = SD15_CROSS_ATTENTION_DIM): number {
  return linear(hiddenDim, hiddenDim) + linear(hiddenDim, crossDim) + layerNorm(crossDim);
}

export interface AdapterCount {
  kv: number;
  projector: number;
  total: number;
}

const count = (kv: number, projector: number): AdapterCount => ({ kv, projector, total: kv + projector });

/** SD1.5 IP-Adapter (standard, ViT-H/14: 1024-d image embedding, 4 tokens): 22,319,616. */
export const sd15Base = (): AdapterCount => count(kvParams(), imageProjParams(1024, 4));
/** SD1.5 IP-Adapter Plus (Resampler, 16 tokens): 49,087,488. */
export const sd15Plus = (): AdapterCount => count(kvParams(), resamplerParams());
/** SD1.5 IP-Adapter full-face (MLP over 257 tokens): 21,794,304. */
export const sd15FullFace = (): AdapterCount => count(kvParams(), mlpProjParams(1280));

/**
 * SDXL: 70 cross-attention modules (11 attention blocks of transformer depth 2 at 640 and 10 at
 * 1280), cross-attention dim 2048.
 */
export const SDXL_CROSS_ATTENTION_WIDTHS: readonly number[] = IP_LAYERS.sdxl.flatMap((l) => l.modules.map(() => l.width));
export const SDXL_CROSS_ATTENTION_DIM = 2048;

/** SDXL base adapter with an image embedding of `clipDim` (1280 for bigG, 1024 for the ViT-H version). */
export function sdxlBase(clipDim = 1280): AdapterCount {
  return count(
    kvParams(SDXL_CROSS_ATTENTION_WIDTHS.map((width) => ({ width })), SDXL_CROSS_ATTENTION_DIM),
    imageProjParams(clipDim, 4, SDXL_CROSS_ATTENTION_DIM),
  );
}

/** Frozen parts, for comparison (counted from the full-size SD1.5 and ViT-H/14 state dicts). */
export const FROZEN_PARAMS = {
  sd15Unet: 859_520_964,
  sd15TextEncoder: 123_060_480,
  sd15Vae: 83_653_863,
  vitH14ImageEncoder: 632_076_800,
} as const;

/** Round to millions with `digits` decimals, e.g. 22_319_616 → 22.32. */
export const millions = (n: number, digits = 2): number => Number((n / 1e6).toFixed(digits));
