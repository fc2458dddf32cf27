/**
 * The 16 cross-attention layers of the Stable Diffusion 1.5 UNet, in execution order
 * (input blocks → middle → output blocks), as ComfyUI numbers them (`transformer_index` 0–15).
 *
 * Read off the SD1.5 UNet config: block_out_channels [320, 640, 1280, 1280],
 * down blocks CrossAttn×3 + plain, up blocks plain + CrossAttn×3, layers_per_block 2
 * (so 2 attention blocks per down stage and 3 per up stage), one transformer block each,
 * cross_attention_dim 768, 8 heads everywhere (diffusers' `attention_head_dim: 8` means heads).
 * The table itself is the pipeline's (src/lib/ipadapter/weightTypes.ts), so the lessons and the
 * code that runs the model cannot disagree.
 */
import { IP_LAYERS, type IpLayer } from '../ipadapter/weightTypes';

export type Stage = 'down' | 'mid' | 'up';

export interface CrossAttentionLayer {
  /** 0-based position in execution order (ComfyUI's transformer_index). */
  index: number;
  stage: Stage;
  /** diffusers module path of the attention block that holds this attn2. */
  module: string;
  /** channel width C of the latent features at this layer = inner dim of Q, K, V. */
  width: number;
  /** downsampling factor of this layer's feature map relative to the latent (1, 2, 4, 8). */
  downFactor: number;
  /** index `i` in the IP-Adapter checkpoint keys `ip_adapter.{i}.to_k_ip.weight` (diffusers order, mid last). */
  checkpointIndex: number;
}

/** Text-token width in SD1.5 (CLIP ViT-L/14 text encoder hidden size) = the K/V input width. */
export const SD15_CROSS_ATTENTION_DIM = 768;
/** Attention heads in every SD1.5 transformer block. */
export const SD15_HEADS = 8;
/** The VAE shrinks each side by 8: a 512×512 image is a 64×64 latent. */
export const VAE_SCALE = 8;

const STAGE_OF: Record<IpLayer['block'], Stage> = { input: 'down', middle: 'mid', output: 'up' };

/** A lesson-friendly view of the pipeline's own layer table (src/lib/ipadapter/weightTypes.ts). */
function fromIpLayer(l: IpLayer): CrossAttentionLayer {
  return {
    index: l.index,
    stage: STAGE_OF[l.block],
    module: l.attention,
    width: l.width,
    downFactor: l.downsample,
    checkpointIndex: l.ckptIndices[0],
  };
}

export const SD15_CROSS_ATTENTION_LAYERS: readonly CrossAttentionLayer[] = IP_LAYERS.sd15.map(fromIpLayer);

/** Side length of the feature map at a layer for a given image side in pixels (512 → 64/32/16/8). */
export function featureSide(layer: Pick<CrossAttentionLayer, 'downFactor'>, imageSide = 512): number {
  return imageSide / VAE_SCALE / layer.downFactor;
}

/** Number of query positions (pixels of the feature map) at a layer: 4096 at 64×64. */
export function queryCount(layer: Pick<CrossAttentionLayer, 'downFactor'>, imageWidth = 512, imageHeight = imageWidth): number {
  return (imageWidth / VAE_SCALE / layer.downFactor) * (imageHeight / VAE_SCALE / layer.downFactor);
}

/** Per-head dimension d of a layer: width / heads (40, 80, 160 in SD1.5). */
export function headDim(layer: Pick<CrossAttentionLayer, 'width'>, heads = SD15_HEADS): number {
  return layer.width / heads;
}

/** Shapes of one cross-attention at a layer, per head: Q (n×d), K (m×d), scores (n×m). */
export function crossAttentionShapes(layer: CrossAttentionLayer, tokens = 77, imageSide = 512) {
  const n = queryCount(layer, imageSide);
  const d = headDim(layer);
  return {
    queries: n,
    keys: tokens,
    headDim: d,
    heads: SD15_HEADS,
    q: [n, layer.width] as const,
    k: [tokens, layer.width] as const,
    scoresPerHead: [n, tokens] as const,
    scoreEntries: SD15_HEADS * n * tokens,
  };
}

/** Sum of the layer widths: 5·320 + 5·640 + 6·1280 = 12480. */
export function sumOfWidths(layers: readonly Pick<CrossAttentionLayer, 'width'>[] = SD15_CROSS_ATTENTION_LAYERS): number {
  return layers.reduce((s, l) => s + l.width, 0);
}
