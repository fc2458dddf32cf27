import { WeightFileError } from './errors';
import { parseSafetensorsHeader, type SafeDType, type SafetensorsHeader } from './safetensors';
import { LDM_PREFIX } from './ldmKeyMap';
import type { ImageProjConfig } from '../models/imageProj';

/**
 * What a weight file is, read from its header alone (names and shapes: the first few hundred kB
 * of a multi-GB download, fetched with an HTTP Range request). Readers drop files into the page
 * without saying what they are; this tells the page which builder to use, or why none fits.
 */

export type ModelFamily = 'sd15' | 'sd2' | 'sdxl' | 'unknown';
export type ImageEncoderName = 'ViT-H/14' | 'ViT-bigG/14' | 'ViT-L/14' | 'unknown';
export type EncoderInput = 'image_embeds' | 'penultimate_hidden_states';

export interface CheckpointInfo {
  kind: 'checkpoint';
  /** Single-file (LDM) checkpoint: model.diffusion_model.* (+ first_stage_model.*, cond_stage_model.*). */
  family: ModelFamily;
  hasVae: boolean;
  hasTextEncoder: boolean;
  /** 9 UNet input channels (image + mask + masked image latents). */
  inpainting: boolean;
  /** Width of the text features the UNet's cross-attention reads (SD1.5 768, SD2 1024, SDXL 2048). */
  crossAttentionDim: number;
  dtype: SafeDType;
}

export interface DiffusersUNetInfo { kind: 'diffusers-unet'; family: ModelFamily; crossAttentionDim: number; inpainting: boolean; dtype: SafeDType }
export interface DiffusersVaeInfo { kind: 'diffusers-vae'; legacyAttentionNames: boolean; dtype: SafeDType }
export interface ClipTextInfo { kind: 'clip-text'; family: ModelFamily; hiddenSize: number; layers: number; dtype: SafeDType }

export interface ClipVisionInfo {
  kind: 'clip-vision';
  encoder: ImageEncoderName;
  hiddenSize: number;
  layers: number;
  /** Width of image_embeds; undefined when the file has no visual_projection (CLIPVisionModel). */
  projectionDim: number | undefined;
  dtype: SafeDType;
}

export type IpAdapterVariant = 'base' | 'light' | 'vit-g' | 'plus' | 'plus-face' | 'full-face' | 'faceid';

export interface IpAdapterInfo {
  kind: 'ip-adapter';
  variant: IpAdapterVariant;
  family: ModelFamily;
  /** Undefined for FaceID (its projector reads InsightFace embeddings, not CLIP). */
  projector: ImageProjConfig | undefined;
  tokens: number | undefined;
  /** Number of cross-attention layers with to_k_ip/to_v_ip (SD1.5: 16, SDXL: 70); 0 for a projector-only file. */
  layers: number;
  projectorOnly: boolean;
  /** What image encoder output the projector's first layer takes, and how wide it is. */
  needs: { encoder: ImageEncoderName; input: EncoderInput; width: number; tensor: string; shape: number[] } | undefined;
  dtype: SafeDType;
}

export interface UnknownInfo { kind: 'unknown'; reason: string }

export type Detected = CheckpointInfo | DiffusersUNetInfo | DiffusersVaeInfo | ClipTextInfo | ClipVisionInfo | IpAdapterInfo | UnknownInfo;

/** Encoder widths: image_embeds = projection width, penultimate = hidden width. */
const ENCODERS: { name: ImageEncoderName; hidden: number; projection: number; layers: number }[] = [
  { name: 'ViT-H/14', hidden: 1280, projection: 1024, layers: 32 },
  { name: 'ViT-bigG/14', hidden: 1664, projection: 1280, layers: 48 },
  { name: 'ViT-L/14', hidden: 1024, projection: 768, layers: 24 },
];

export const ENCODER_SOURCE: Record<ImageEncoderName, string> = {
  'ViT-H/14': 'h94/IP-Adapter models/image_encoder/model.safetensors (ComfyUI: clip_vision/CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors)',
  'ViT-bigG/14': 'h94/IP-Adapter sdxl_models/image_encoder/model.safetensors (ComfyUI: clip_vision/CLIP-ViT-bigG-14-laion2B-39B-b160k.safetensors)',
  'ViT-L/14': 'openai/clip-vit-large-patch14',
  unknown: 'the encoder the adapter was trained with',
};

function familyFromCross(d: number | undefined): ModelFamily {
  return d === 768 ? 'sd15' : d === 1024 ? 'sd2' : d === 2048 ? 'sdxl' : 'unknown';
}

function mainDtype(h: SafetensorsHeader): SafeDType {
  const counts = new Map<SafeDType, number>();
  for (const t of h.tensors.values()) if (t.dtype === 'F32' || t.dtype === 'F16' || t.dtype === 'BF16') counts.set(t.dtype, (counts.get(t.dtype) ?? 0) + 1);
  let best: SafeDType = 'F32';
  let n = -1;
  for (const [d, c] of counts) if (c > n) { best = d; n = c; }
  return best;
}

/** Recognises a weight file from its parsed header. `fileName` only separates look-alikes (light, plus-face). */
export function detectWeightFile(header: SafetensorsHeader, fileName = ''): Detected {
  const t = header.tensors;
  const keys = [...t.keys()];
  const shape = (k: string) => t.get(k)?.shape;
  const any = (prefix: string) => keys.some((k) => k.startsWith(prefix));
  const dtype = mainDtype(header);

  // Single-file checkpoints.
  const U = LDM_PREFIX.unet;
  if (t.has(`${U}input_blocks.0.0.weight`)) {
    const inpainting = shape(`${U}input_blocks.0.0.weight`)?.[1] === 9;
    const sdxl = any('conditioner.embedders.') || t.has(`${U}label_emb.0.0.weight`);
    const attn = keys.find((k) => k.startsWith(U) && k.endsWith('attn2.to_k.weight'));
    const cross = attn ? shape(attn)![1] : 0;
    const family = sdxl ? 'sdxl' : any('cond_stage_model.model.') ? 'sd2' : familyFromCross(cross);
    return {
      kind: 'checkpoint', family, inpainting, crossAttentionDim: cross, dtype,
      hasVae: any(LDM_PREFIX.vae) || any('vae.'),
      hasTextEncoder: any('cond_stage_model.') || any('conditioner.embedders.'),
    };
  }
  // Diffusers UNet.
  if (t.has('conv_in.weight') && t.has('time_embedding.linear_1.weight')) {
    const attn = keys.find((k) => k.endsWith('attn2.to_k.weight'));
    const cross = attn ? shape(attn)![1] : 0;
    return {
      kind: 'diffusers-unet', family: t.has('add_embedding.linear_1.weight') ? 'sdxl' : familyFromCross(cross),
      crossAttentionDim: cross, inpainting: shape('conv_in.weight')?.[1] === 9, dtype,
    };
  }
  // Diffusers VAE.
  if (t.has('decoder.conv_in.weight') && (t.has('post_quant_conv.weight') || t.has('encoder.conv_in.weight'))) {
    return { kind: 'diffusers-vae', legacyAttentionNames: any('decoder.mid_block.attentions.0.query.'), dtype };
  }
  // CLIP text encoder (transformers).
  const tok = shape('text_model.embeddings.token_embedding.weight');
  if (tok) {
    let layers = 0;
    while (t.has(`text_model.encoder.layers.${layers}.layer_norm1.weight`)) layers++;
    const d = tok[1];
    return { kind: 'clip-text', family: d === 768 ? 'sd15' : d === 1024 ? 'sd2' : d === 1280 ? 'sdxl' : 'unknown', hiddenSize: d, layers, dtype };
  }
  // CLIP vision (transformers).
  const patch = shape('vision_model.embeddings.patch_embedding.weight');
  if (patch) {
    let layers = 0;
    while (t.has(`vision_model.encoder.layers.${layers}.layer_norm1.weight`)) layers++;
    const hidden = patch[0];
    const projectionDim = shape('visual_projection.weight')?.[0];
    const known = ENCODERS.find((e) => e.hidden === hidden && e.layers === layers);
    return { kind: 'clip-vision', encoder: known?.name ?? 'unknown', hiddenSize: hidden, layers, projectionDim, dtype };
  }
  if (any('visual.transformer.resblocks.')) {
    return { kind: 'unknown', reason: 'This is a CLIP image encoder in open_clip naming (visual.transformer.resblocks.*). Use the transformers export instead: h94/IP-Adapter models/image_encoder/model.safetensors.' };
  }
  // IP-Adapter, whole (image_proj.* + ip_adapter.*) or the projector alone.
  const whole = any('image_proj.') || any('ip_adapter.');
  const p = whole ? 'image_proj.' : '';
  const projectorAlone = !whole && (t.has('latents') || t.has('proj_in.weight') || (t.has('proj.weight') && t.has('norm.weight')) || t.has('proj.0.weight'));
  if (whole || projectorAlone) return detectAdapter(header, p, fileName, !whole, dtype);
  return { kind: 'unknown', reason: 'The tensor names match no model this course knows (SD1.5 checkpoint, diffusers UNet/VAE/text encoder, CLIP image encoder, IP-Adapter).' };
}

function detectAdapter(header: SafetensorsHeader, p: string, fileName: string, projectorOnly: boolean, dtype: SafeDType): IpAdapterInfo | UnknownInfo {
  const t = header.tensors;
  const shape = (k: string) => t.get(p + k)?.shape;
  let layers = 0;
  for (const k of t.keys()) if (/^ip_adapter\.\d+\.to_k_ip\.weight$/.test(k)) layers++;
  const name = fileName.toLowerCase();
  const base = { kind: 'ip-adapter' as const, layers, projectorOnly, dtype };
  const encoderFor = (input: EncoderInput, width: number) =>
    ENCODERS.find((e) => (input === 'image_embeds' ? e.projection : e.hidden) === width)?.name ?? 'unknown';

  const latents = shape('latents');
  if (latents) {
    const [dimHeads] = shape('layers.0.0.to_q.weight') ?? [64];
    const projIn = shape('proj_in.weight') ?? [0, 0];
    const out = shape('proj_out.weight')?.[0] ?? latents[2];
    let depth = 0;
    while (t.has(`${p}layers.${depth}.0.to_q.weight`)) depth++;
    const projector: ImageProjConfig = {
      kind: 'resampler', dim: latents[2], depth, dimHead: 64, heads: dimHeads / 64, numQueries: latents[1],
      embeddingDim: projIn[1], outputDim: out, ffMult: (shape('layers.0.1.1.weight')?.[0] ?? 4 * latents[2]) / latents[2],
    };
    return {
      ...base, variant: name.includes('face') ? 'plus-face' : 'plus', family: familyFromCross(out), projector, tokens: latents[1],
      needs: { encoder: encoderFor('penultimate_hidden_states', projIn[1]), input: 'penultimate_hidden_states', width: projIn[1], tensor: `${p}proj_in.weight`, shape: projIn },
    };
  }
  const mlp0 = shape('proj.0.weight');
  if (mlp0 && shape('proj.3.weight')) {
    const c = shape('proj.2.weight')?.[0] ?? 0;
    return {
      ...base, variant: 'full-face', family: familyFromCross(c), tokens: undefined,
      projector: { kind: 'mlp', clipEmbeddingsDim: mlp0[1], crossAttentionDim: c },
      needs: { encoder: encoderFor('penultimate_hidden_states', mlp0[1]), input: 'penultimate_hidden_states', width: mlp0[1], tensor: `${p}proj.0.weight`, shape: mlp0 },
    };
  }
  const proj = shape('proj.weight');
  const norm = shape('norm.weight');
  if (proj && norm) {
    const c = norm[0];
    const e = proj[1];
    const encoder = encoderFor('image_embeds', e);
    const variant: IpAdapterVariant = encoder === 'ViT-bigG/14' && familyFromCross(c) === 'sd15' ? 'vit-g' : name.includes('light') ? 'light' : 'base';
    return {
      ...base, variant, family: familyFromCross(c), tokens: proj[0] / c,
      projector: { kind: 'linear', clipEmbeddingsDim: e, crossAttentionDim: c, tokens: proj[0] / c },
      needs: { encoder, input: 'image_embeds', width: e, tensor: `${p}proj.weight`, shape: proj },
    };
  }
  // FaceID: MLP from a 512-d InsightFace embedding (proj.0 … norm), or FaceID-Plus' perceiver.
  const faceid = mlp0 !== undefined || [...t.keys()].some((k) => k.startsWith(`${p}perceiver_resampler.`));
  if (!faceid) {
    return { kind: 'unknown', reason: 'This looks like an IP-Adapter file, but its image_proj.* tensors match none of the known projectors (ImageProjModel, Resampler, MLPProjModel): the file may be incomplete.' };
  }
  const cross = shape('norm.weight')?.[0] ?? t.get('ip_adapter.1.to_k_ip.weight')?.shape[1];
  return { ...base, variant: 'faceid', family: familyFromCross(cross), projector: undefined, tokens: undefined, needs: undefined };
}

/** Parses the header from the first bytes of a file and recognises it. */
export function detectFromBytes(prefix: Uint8Array, fileSize: number | undefined, fileName: string): Detected {
  return detectWeightFile(parseSafetensorsHeader(prefix, fileSize, fileName), fileName);
}

const FAMILY_NAME: Record<ModelFamily, string> = { sd15: 'Stable Diffusion 1.5', sd2: 'Stable Diffusion 2.x', sdxl: 'SDXL', unknown: 'an unknown model family' };

/** Throws a readable 'wrong-model' error unless the file is an SD1.5 single-file checkpoint. */
export function requireSd15Checkpoint(d: Detected, label: string): asserts d is CheckpointInfo {
  if (d.kind !== 'checkpoint') {
    const what = d.kind === 'unknown' ? d.reason : `It is a ${describe(d)}, not a single-file checkpoint.`;
    throw new WeightFileError('wrong-model', `${label} is not a Stable Diffusion 1.5 checkpoint. ${what}`);
  }
  if (d.family === 'sdxl') {
    throw new WeightFileError('wrong-model',
      `${label} is an SDXL checkpoint (it has two text encoders under conditioner.embedders.* and a UNet whose cross-attention reads 2048-wide text features). `
      + 'This pipeline builds Stable Diffusion 1.5 models (one 768-wide text encoder, 64×64 latents at 512 px); an SDXL UNet has a different structure and is three times larger, and it needs SDXL IP-Adapters. '
      + 'Pick an SD1.5-based checkpoint (for example v1-5-pruned-emaonly, Dreamshaper 8, Realistic Vision).');
  }
  if (d.family !== 'sd15') {
    throw new WeightFileError('wrong-model',
      `${label} is a ${FAMILY_NAME[d.family]} checkpoint (its UNet's cross-attention reads ${d.crossAttentionDim}-wide text features; SD1.5's reads 768). Pick an SD1.5-based checkpoint.`);
  }
  if (d.inpainting) {
    throw new WeightFileError('wrong-model', `${label} is an SD1.5 inpainting checkpoint (its UNet takes 9 input channels, not 4). Pick a regular SD1.5 checkpoint.`);
  }
}

/** Throws a readable 'wrong-model' error unless the adapter is made for an SD1.5 UNet. */
export function requireSd15Adapter(a: IpAdapterInfo, label: string): void {
  if (a.family === 'sd15') return;
  throw new WeightFileError('wrong-model',
    `${label} is an IP-Adapter for ${FAMILY_NAME[a.family]}: its image tokens are ${a.projector?.kind === 'resampler' ? a.projector.outputDim : a.projector?.crossAttentionDim ?? '?'} wide, `
    + 'and an SD1.5 UNet\'s cross-attention reads 768-wide tokens. Use the SD1.5 adapters (h94/IP-Adapter models/ip-adapter*_sd15.safetensors).');
}

/**
 * Checks that an adapter and an image encoder belong together; throws 'encoder-mismatch' with
 * the explanation readers need for the most common IP-Adapter error, the size mismatch
 * "[…, 1280] vs […, 1024]".
 */
export function checkAdapterEncoder(adapter: IpAdapterInfo, adapterLabel: string, encoder: ClipVisionInfo, encoderLabel: string): void {
  const need = adapter.needs;
  if (!need) {
    throw new WeightFileError('encoder-mismatch', `${adapterLabel} is an IP-Adapter FaceID model: it reads InsightFace face embeddings, not a CLIP image encoder, and is not supported here.`);
  }
  const has = need.input === 'image_embeds' ? encoder.projectionDim : encoder.hiddenSize;
  if (has === need.width) return;
  const what = need.input === 'image_embeds'
    ? 'the pooled, projected image embedding (image_embeds)'
    : 'the per-patch hidden states of the penultimate layer (hidden_states[-2])';
  const encoderName = encoder.encoder === 'unknown' ? `an unrecognised CLIP image encoder (${encoder.hiddenSize} wide, ${encoder.layers} layers)` : `CLIP ${encoder.encoder}`;
  const gives = has === undefined
    ? `${encoderLabel} is ${encoderName} saved without its visual_projection, so it has no image_embeds at all`
    : `${encoderLabel} is ${encoderName}, whose ${need.input === 'image_embeds' ? 'image_embeds are' : 'hidden states are'} ${has} wide`;
  const rows = need.shape[0];
  const expected = need.encoder === 'unknown' ? 'the encoder it was trained with' : `CLIP ${need.encoder}`;
  const other = (ENCODERS.find((e) => e.name === need.encoder));
  const sameNumber = ENCODERS.filter((e) => e.hidden === need.width || e.projection === need.width).map((e) =>
    `${e.name}: image_embeds ${e.projection}, hidden states ${e.hidden}`);
  throw new WeightFileError('encoder-mismatch',
    `${adapterLabel} does not fit this image encoder. The adapter's first layer (${need.tensor}, shape [${need.shape.join(', ')}]) takes ${what}, ${need.width} numbers per token, as made by ${expected}. `
    + `${gives}. `
    + `Loading them together is what gives the well-known "size mismatch … [${rows}, ${need.width}] vs [${rows}, ${has ?? '—'}]" error: each adapter is trained on one image encoder and only accepts that encoder's output width. `
    + `The same number can mean different encoders (${sameNumber.join('; ')}), so the width alone does not name the encoder: what matters is which output the adapter reads. `
    + (other ? `Use ${ENCODER_SOURCE[other.name]} with this adapter, or pick an adapter made for ${encoderName}.` : 'Use the image encoder the adapter was published with.'));
}

/** A short human description of what was detected. */
export function describe(d: Detected): string {
  switch (d.kind) {
    case 'checkpoint': return `${FAMILY_NAME[d.family]} single-file checkpoint${d.inpainting ? ' (inpainting)' : ''}`;
    case 'diffusers-unet': return `${FAMILY_NAME[d.family]} UNet (diffusers layout)`;
    case 'diffusers-vae': return 'VAE (diffusers layout)';
    case 'clip-text': return `CLIP text encoder, ${d.hiddenSize} wide, ${d.layers} layers (${FAMILY_NAME[d.family]})`;
    case 'clip-vision': return `CLIP image encoder ${d.encoder === 'unknown' ? `(${d.hiddenSize} wide, ${d.layers} layers)` : d.encoder}`;
    case 'ip-adapter': return `IP-Adapter ${d.variant} for ${FAMILY_NAME[d.family]}${d.projectorOnly ? ' (image projection only)' : ''}`;
    case 'unknown': return 'unrecognised weight file';
  }
}
