import type { UnetConfig } from './unet';
import type { VaeConfig } from './vae';

export type { UnetConfig, VaeConfig };

/**
 * The shapes of the networks, as plain objects. CLIP configs use our field names (camelCase);
 * UNet and VAE configs keep the diffusers names their builders read. The `*FromJson` readers take
 * the upstream `config.json` objects (transformers `CLIPTextConfig` /
 * `CLIPVisionConfig`, full `CLIPConfig` with `text_config` / `vision_config`, diffusers
 * `UNet2DConditionModel` / `AutoencoderKL`) and fill in the upstream defaults for missing keys.
 */

export type HiddenAct = 'quick_gelu' | 'gelu';

export interface ClipTextConfig {
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  /** Sequence length: SD1.5 always runs 77 tokens. */
  maxPositions: number;
  hiddenAct: HiddenAct;
  layerNormEps: number;
  /**
   * transformers' pooling rule: with eos_token_id 2 (the legacy value in SD1.5's config) the
   * pooled token is argmax(input_ids), i.e. the first <|endoftext|> (49407, the largest id);
   * otherwise the first position equal to eos_token_id.
   */
  eosTokenId: number;
}

export interface ClipVisionConfig {
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  patchSize: number;
  imageSize: number;
  numChannels: number;
  /** Width of `image_embeds` (visual_projection output). */
  projectionDim: number;
  hiddenAct: HiddenAct;
  layerNormEps: number;
}

// ---- real configurations ----

/** SD1.5 `text_encoder/config.json` (OpenAI CLIP ViT-L/14 text tower). */
export const SD15_TEXT: ClipTextConfig = {
  vocabSize: 49408, hiddenSize: 768, intermediateSize: 3072, numLayers: 12, numHeads: 12,
  maxPositions: 77, hiddenAct: 'quick_gelu', layerNormEps: 1e-5, eosTokenId: 2,
};

/** h94/IP-Adapter `models/image_encoder` = OpenCLIP ViT-H/14 laion2B-s32B-b79K. */
export const VIT_H_14: ClipVisionConfig = {
  hiddenSize: 1280, intermediateSize: 5120, numLayers: 32, numHeads: 16, patchSize: 14, imageSize: 224,
  numChannels: 3, projectionDim: 1024, hiddenAct: 'gelu', layerNormEps: 1e-5,
};

/** h94/IP-Adapter `sdxl_models/image_encoder` = OpenCLIP ViT-bigG/14 (only for the vit-G adapters). */
export const VIT_BIGG_14: ClipVisionConfig = {
  hiddenSize: 1664, intermediateSize: 8192, numLayers: 48, numHeads: 16, patchSize: 14, imageSize: 224,
  numChannels: 3, projectionDim: 1280, hiddenAct: 'gelu', layerNormEps: 1e-5,
};

/** SD1.5 `unet/config.json` (diffusers names; the UNet builder's own config type). */
export const SD15_UNET: UnetConfig = {
  in_channels: 4, out_channels: 4, block_out_channels: [320, 640, 1280, 1280],
  down_block_types: ['CrossAttnDownBlock2D', 'CrossAttnDownBlock2D', 'CrossAttnDownBlock2D', 'DownBlock2D'],
  up_block_types: ['UpBlock2D', 'CrossAttnUpBlock2D', 'CrossAttnUpBlock2D', 'CrossAttnUpBlock2D'],
  layers_per_block: 2, attention_head_dim: 8, cross_attention_dim: 768, norm_num_groups: 32, norm_eps: 1e-5,
  flip_sin_to_cos: true, freq_shift: 0, downsample_padding: 1, mid_block_scale_factor: 1,
  use_linear_projection: false, sample_size: 64,
};

/** SD1.5 `vae/config.json`. */
export const SD15_VAE: VaeConfig = {
  in_channels: 3, out_channels: 3, latent_channels: 4, block_out_channels: [128, 256, 512, 512],
  layers_per_block: 2, norm_num_groups: 32, scaling_factor: 0.18215, act_fn: 'silu', sample_size: 512,
  down_block_types: ['DownEncoderBlock2D', 'DownEncoderBlock2D', 'DownEncoderBlock2D', 'DownEncoderBlock2D'],
  up_block_types: ['UpDecoderBlock2D', 'UpDecoderBlock2D', 'UpDecoderBlock2D', 'UpDecoderBlock2D'],
};

// ---- readers for upstream config.json objects ----

type Json = Record<string, unknown>;

function num(o: Json, key: string, fallback?: number): number {
  const v = o[key];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw new Error(`config.json: "${key}" is missing`);
  }
  throw new Error(`config.json: "${key}" should be a number, found ${JSON.stringify(v)}`);
}

function act(o: Json, fallback: HiddenAct): HiddenAct {
  const v = o.hidden_act ?? fallback;
  if (v === 'quick_gelu' || v === 'gelu') return v;
  throw new Error(`config.json: hidden_act "${String(v)}" is not supported (quick_gelu or gelu)`);
}

/** A transformers CLIPTextConfig (or a full CLIPConfig, whose `text_config` is used). */
export function clipTextConfigFromJson(json: Json): ClipTextConfig {
  const o = (json.text_config as Json | undefined) ?? json;
  return {
    vocabSize: num(o, 'vocab_size', 49408),
    hiddenSize: num(o, 'hidden_size', 512),
    intermediateSize: num(o, 'intermediate_size', 2048),
    numLayers: num(o, 'num_hidden_layers', 12),
    numHeads: num(o, 'num_attention_heads', 8),
    maxPositions: num(o, 'max_position_embeddings', 77),
    hiddenAct: act(o, 'quick_gelu'),
    layerNormEps: num(o, 'layer_norm_eps', 1e-5),
    eosTokenId: num(o, 'eos_token_id', 2),
  };
}

/** A transformers CLIPVisionConfig (or a full CLIPConfig, whose `vision_config` is used). */
export function clipVisionConfigFromJson(json: Json): ClipVisionConfig {
  const o = (json.vision_config as Json | undefined) ?? json;
  const projection = num(o, 'projection_dim', num(json, 'projection_dim', 512));
  return {
    hiddenSize: num(o, 'hidden_size', 768),
    intermediateSize: num(o, 'intermediate_size', 3072),
    numLayers: num(o, 'num_hidden_layers', 12),
    numHeads: num(o, 'num_attention_heads', 12),
    patchSize: num(o, 'patch_size', 32),
    imageSize: num(o, 'image_size', 224),
    numChannels: num(o, 'num_channels', 3),
    projectionDim: projection,
    hiddenAct: act(o, 'quick_gelu'),
    layerNormEps: num(o, 'layer_norm_eps', 1e-5),
  };
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`config.json: ${message}`);
}

const isNums = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'number');
const isNames = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');

/**
 * A diffusers UNet2DConditionModel config.json, checked and completed with diffusers' defaults
 * (the UNet builder reads the diffusers field names). SDXL configs are refused with a reason.
 */
export function unetConfigFromJson(o: Json): UnetConfig {
  if (o.addition_embed_type === 'text_time') {
    throw new Error('config.json describes an SDXL UNet (addition_embed_type "text_time"); this course builds SD1.5 models.');
  }
  const c = { ...o } as Json;
  const defaults: Json = {
    in_channels: 4, out_channels: 4, block_out_channels: [320, 640, 1280, 1280],
    down_block_types: SD15_UNET.down_block_types, up_block_types: SD15_UNET.up_block_types,
    layers_per_block: 2, attention_head_dim: 8, cross_attention_dim: 1280, norm_num_groups: 32, norm_eps: 1e-5,
    flip_sin_to_cos: true, freq_shift: 0, use_linear_projection: false,
  };
  for (const [k, v] of Object.entries(defaults)) if (c[k] === undefined || c[k] === null) c[k] = v;
  for (const k of ['in_channels', 'out_channels', 'cross_attention_dim', 'norm_num_groups']) check(typeof c[k] === 'number', `"${k}" should be a number`);
  check(isNums(c.block_out_channels), '"block_out_channels" should be a list of numbers');
  check(isNames(c.down_block_types) && isNames(c.up_block_types), 'the block types should be lists of names');
  const levels = (c.block_out_channels as number[]).length;
  check((c.down_block_types as string[]).length === levels && (c.up_block_types as string[]).length === levels,
    `${levels} block_out_channels but ${(c.down_block_types as string[]).length} down and ${(c.up_block_types as string[]).length} up blocks`);
  check(typeof c.layers_per_block === 'number' || isNums(c.layers_per_block), '"layers_per_block" should be a number or a list');
  check(typeof c.attention_head_dim === 'number' || isNums(c.attention_head_dim), '"attention_head_dim" should be a number or a list');
  return c as unknown as UnetConfig;
}

/** A diffusers AutoencoderKL config.json, checked and completed with diffusers' defaults. */
export function vaeConfigFromJson(o: Json): VaeConfig {
  const c = { ...o } as Json;
  const defaults: Json = {
    in_channels: 3, out_channels: 3, latent_channels: 4, block_out_channels: [64], layers_per_block: 1,
    norm_num_groups: 32, scaling_factor: 0.18215, act_fn: 'silu',
  };
  for (const [k, v] of Object.entries(defaults)) if (c[k] === undefined || c[k] === null) c[k] = v;
  for (const k of ['in_channels', 'out_channels', 'latent_channels', 'layers_per_block', 'norm_num_groups', 'scaling_factor']) {
    check(typeof c[k] === 'number', `"${k}" should be a number`);
  }
  check(isNums(c.block_out_channels), '"block_out_channels" should be a list of numbers');
  return c as unknown as VaeConfig;
}
