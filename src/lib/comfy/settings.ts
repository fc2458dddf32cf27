/**
 * The panel's settings in ComfyUI's terms: what a workflow holds and the bridge reads and writes.
 *
 * Unlike the pipeline's GenerateSettings (src/lib/pipeline/settings.ts), which holds pixels ready
 * for the networks, these hold *names* — files as ComfyUI's loaders list them, images as LoadImage
 * names them — and ComfyUI's own conventions (KSampler's steps and denoise, the
 * PrepImageForClipVision choices), so that a workflow → settings → workflow round trip is exact.
 * `toGenerateSettings` (pipeline.ts) turns them into GenerateSettings once the panel has decoded
 * the images.
 *
 * Plain JSON data: every field is present (no undefined), so settings compare with deep equality
 * and survive JSON and structured clone.
 */
import { WEIGHT_TYPES, type WeightType } from '../ipadapter/weightTypes';
import { COMBINE_METHODS, type CombineMethod } from '../ipadapter/combineEmbeds';
import { EMBEDS_SCALING_MODES, type EmbedsScaling } from '../ipadapter/embedsScaling';
import { NOISE_TYPES, type NoiseType } from '../ipadapter/negativeNoise';
import { CROP_POSITIONS, PREP_INTERPOLATIONS, type CropPosition, type PrepInterpolation } from '../image/prepForClipVision';
import type { MaskChannel } from '../image/mask';
import { SCHEDULER_NAMES, type SchedulerName } from '../schedulers';
import { MASK_COLORS, NODE_COMBINE_METHODS, NODE_WEIGHT_TYPES } from './nodeTypes';
import { UNIFIED_PRESETS, type UnifiedPreset } from './models';

/** PrepImageForClipVision's three widgets. */
export interface PrepSettings {
  interpolation: PrepInterpolation;
  cropPosition: CropPosition;
  /** 0 … 1. */
  sharpening: number;
}

/** An image by its LoadImage name, and the PrepImageForClipVision step before the encoder (null: none, CLIP's own centre crop). */
export interface BridgeImage {
  name: string;
  prep: PrepSettings | null;
}

export type MaskColor = (typeof MASK_COLORS)[number];
export const MASK_CHANNELS: readonly MaskChannel[] = ['luminance', 'alpha', 'inverted-alpha', 'red', 'green', 'blue'];

/**
 * An attention mask (attn_mask), from a picture:
 * - channel: one channel of the picture (src/lib/image/mask.ts MaskChannel). ComfyUI: LoadImageMask
 *   (alpha → inverted-alpha, as that node inverts it; red/green/blue), LoadImage's MASK output
 *   (inverted-alpha), ImageToMask (red/green/blue), InvertMask (alpha ↔ inverted-alpha).
 * - color: where the picture has one pure colour, ComfyUI_essentials' MaskFromRGBCMYBW+
 *   (the regional example): red = R ≥ 1 − t_r ∧ G < t_g ∧ B < t_b, and so on; see colorMask.ts.
 */
export type BridgeMask =
  | { kind: 'channel'; image: string; channel: MaskChannel }
  | { kind: 'color'; image: string; color: MaskColor; thresholds: [number, number, number] };

/**
 * What the adapter's unconditional branch sees (ComfyUI's image_negative):
 * - default: nothing connected;
 * - image: an image;
 * - noise: IPAdapterNoise, on `image` (its image_optional input; null = on a black image).
 */
export type BridgeNegative =
  | { kind: 'default' }
  | { kind: 'image'; image: BridgeImage }
  | { kind: 'noise'; type: NoiseType; strength: number; blur: number; image: BridgeImage | null };

/** Which IP-Adapter and image encoder: a unified-loader preset, or the two files. */
export type AdapterModelRef =
  | { loader: 'unified'; preset: UnifiedPreset; clipVisionFile: string | null }
  | { loader: 'files'; ipadapterFile: string; clipVisionFile: string };

export interface BridgeAdapter {
  model: AdapterModelRef;
  /** Reference images, in batch order (ImageBatch). At least one. */
  images: BridgeImage[];
  /** ComfyUI range −1 … 5. */
  weight: number;
  weightType: WeightType;
  combineEmbeds: CombineMethod;
  startAt: number;
  endAt: number;
  embedsScaling: EmbedsScaling;
  negative: BridgeNegative;
  attnMask: BridgeMask | null;
  /** Mad Scientist "idx:val, …" ('' = none: the weight type applies). Written as IPAdapterMS. */
  layerWeights: string;
  /** IPAdapterPreciseStyleTransfer's style_boost (null = not that node). */
  styleBoost: number | null;
  /** IPAdapterPreciseComposition's composition_boost (null = not that node). */
  compositionBoost: number | null;
  /** Image i conditions latent i (the *Batch nodes). */
  unfoldBatch: boolean;
}

export interface BridgeLora {
  name: string;
  strengthModel: number;
  strengthClip: number;
}

export interface ComfyBridgeSettings {
  /** CheckpointLoaderSimple's ckpt_name. */
  checkpoint: string;
  /** LoraLoader nodes between the checkpoint and everything else, in order (the LCM-LoRA for the fast mode). */
  loras: BridgeLora[];
  prompt: string;
  negativePrompt: string;
  seed: number;
  /** KSampler's steps: the steps that run (with denoise < 1, ComfyUI stretches the schedule to ⌊steps/denoise⌋). */
  steps: number;
  cfg: number;
  scheduler: SchedulerName;
  width: number;
  height: number;
  batchSize: number;
  /** KSampler's denoise: 1 for text-to-image; the img2img strength otherwise. */
  denoise: number;
  /** Image-to-image: the init image's LoadImage name (scaled to width × height, then VAEEncode). */
  initImage: string | null;
  adapters: BridgeAdapter[];
}

export const DEFAULT_PREP: Readonly<PrepSettings> = Object.freeze({ interpolation: 'LANCZOS', cropPosition: 'center', sharpening: 0 });

export function defaultAdapter(images: BridgeImage[] = []): BridgeAdapter {
  return {
    model: { loader: 'unified', preset: 'STANDARD (medium strength)', clipVisionFile: null },
    images,
    weight: 1,
    weightType: 'linear',
    combineEmbeds: 'concat',
    startAt: 0,
    endAt: 1,
    embedsScaling: 'V only',
    negative: { kind: 'default' },
    attnMask: null,
    layerWeights: '',
    styleBoost: null,
    compositionBoost: null,
    unfoldBatch: false,
  };
}

export function defaultBridgeSettings(): ComfyBridgeSettings {
  return {
    checkpoint: 'dreamshaper_8.safetensors',
    loras: [],
    prompt: '',
    negativePrompt: '',
    seed: 0,
    steps: 20,
    cfg: 7,
    scheduler: 'dpmpp_2m_karras',
    width: 512,
    height: 512,
    batchSize: 1,
    denoise: 1,
    initImage: null,
    adapters: [],
  };
}

export interface BridgeIssue {
  /** `adapters[0].weight`, `seed`, … */
  path: string;
  message: string;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInt = (v: unknown): v is number => isNum(v) && Number.isInteger(v);
const isName = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0 && v.length <= 1000;
const oneOf = (v: unknown, list: readonly string[]) => typeof v === 'string' && list.includes(v);

/**
 * Checks settings against what ComfyUI's nodes accept (the export must load there): types,
 * widget ranges, choices the written node offers. The lab's own limits (sizes in multiples of 64,
 * batch ≤ 16, …) are the pipeline's validateSettings' job. Never throws.
 */
export function validateBridgeSettings(s: ComfyBridgeSettings): BridgeIssue[] {
  const issues: BridgeIssue[] = [];
  const bad = (path: string, message: string) => issues.push({ path, message });
  if (!s || typeof s !== 'object') return [{ path: '', message: 'The settings must be an object.' }];
  if (!isName(s.checkpoint)) bad('checkpoint', 'checkpoint must be a checkpoint file name.');
  if (!Array.isArray(s.loras)) bad('loras', 'loras must be a list.');
  else s.loras.forEach((l, k) => {
    if (!l || !isName(l.name)) bad(`loras[${k}].name`, 'A LoRA needs a file name.');
    if (!l || !isNum(l.strengthModel) || Math.abs(l.strengthModel) > 100) bad(`loras[${k}].strengthModel`, 'strength_model must be a number from −100 to 100.');
    if (!l || !isNum(l.strengthClip) || Math.abs(l.strengthClip) > 100) bad(`loras[${k}].strengthClip`, 'strength_clip must be a number from −100 to 100.');
  });
  if (typeof s.prompt !== 'string') bad('prompt', 'prompt must be text.');
  if (typeof s.negativePrompt !== 'string') bad('negativePrompt', 'negativePrompt must be text.');
  if (!isInt(s.seed) || s.seed < 0 || !Number.isSafeInteger(s.seed)) bad('seed', `seed must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER} (got ${String(s.seed)}).`);
  if (!isInt(s.steps) || s.steps < 1 || s.steps > 10000) bad('steps', `steps must be a whole number from 1 to 10000 (got ${String(s.steps)}).`);
  if (!isNum(s.cfg) || s.cfg < 0 || s.cfg > 100) bad('cfg', `cfg must be a number from 0 to 100 (got ${String(s.cfg)}).`);
  if (!oneOf(s.scheduler, SCHEDULER_NAMES)) bad('scheduler', `scheduler must be one of ${SCHEDULER_NAMES.join(', ')} (got ${String(s.scheduler)}).`);
  for (const side of ['width', 'height'] as const) {
    const v = s[side];
    if (!isInt(v) || v < 16 || v > 16384 || v % 8 !== 0) bad(side, `${side} must be a multiple of 8 from 16 to 16384, as EmptyLatentImage takes (got ${String(v)}).`);
  }
  if (!isInt(s.batchSize) || s.batchSize < 1 || s.batchSize > 4096) bad('batchSize', `batchSize must be a whole number from 1 to 4096 (got ${String(s.batchSize)}).`);
  if (!isNum(s.denoise) || s.denoise < 0 || s.denoise > 1) bad('denoise', `denoise must be from 0 to 1 (got ${String(s.denoise)}).`);
  if (s.initImage !== null && !isName(s.initImage)) bad('initImage', 'initImage must be an image name or null.');
  if (!Array.isArray(s.adapters)) bad('adapters', 'adapters must be a list.');
  else s.adapters.forEach((a, k) => checkAdapter(a, `adapters[${k}]`, bad));
  return issues;
}

function checkImage(img: BridgeImage, path: string, bad: (p: string, m: string) => void): void {
  if (!img || typeof img !== 'object' || !isName(img.name)) {
    bad(path, 'An image needs a LoadImage name.');
    return;
  }
  if (img.prep !== null) {
    const p = img.prep;
    if (!p || typeof p !== 'object') bad(`${path}.prep`, 'prep must be PrepImageForClipVision settings or null.');
    else {
      if (!oneOf(p.interpolation, PREP_INTERPOLATIONS)) bad(`${path}.prep.interpolation`, `interpolation must be one of ${PREP_INTERPOLATIONS.join(', ')}.`);
      if (!oneOf(p.cropPosition, CROP_POSITIONS)) bad(`${path}.prep.cropPosition`, `crop_position must be one of ${CROP_POSITIONS.join(', ')}.`);
      if (!isNum(p.sharpening) || p.sharpening < 0 || p.sharpening > 1) bad(`${path}.prep.sharpening`, 'sharpening must be from 0 to 1.');
    }
  }
}

function checkAdapter(a: BridgeAdapter, path: string, bad: (p: string, m: string) => void): void {
  if (!a || typeof a !== 'object') {
    bad(path, 'An adapter must be an object.');
    return;
  }
  const m = a.model;
  if (!m || typeof m !== 'object') bad(`${path}.model`, 'model must say which IP-Adapter to load.');
  else if (m.loader === 'unified') {
    if (!oneOf(m.preset, UNIFIED_PRESETS)) bad(`${path}.model.preset`, `preset must be one of the unified loader's: ${UNIFIED_PRESETS.join('; ')}.`);
    if (m.clipVisionFile !== null && !isName(m.clipVisionFile)) bad(`${path}.model.clipVisionFile`, 'clipVisionFile must be a file name or null.');
  } else if (m.loader === 'files') {
    if (!isName(m.ipadapterFile)) bad(`${path}.model.ipadapterFile`, 'ipadapterFile must be a file name.');
    if (!isName(m.clipVisionFile)) bad(`${path}.model.clipVisionFile`, 'With separate loaders, the CLIP vision file must be named (ComfyUI stops with "Missing CLIPVision model" otherwise).');
  } else bad(`${path}.model.loader`, 'loader must be "unified" or "files".');

  if (!Array.isArray(a.images) || a.images.length === 0) bad(`${path}.images`, 'An adapter needs at least one reference image.');
  else a.images.forEach((img, k) => checkImage(img, `${path}.images[${k}]`, bad));
  if (!isNum(a.weight) || a.weight < -1 || a.weight > 5) bad(`${path}.weight`, `weight must be from −1 to 5 (got ${String(a.weight)}).`);
  if (!oneOf(a.weightType, WEIGHT_TYPES)) bad(`${path}.weightType`, `weightType must be one of ${WEIGHT_TYPES.join(', ')}.`);
  else if (!NODE_WEIGHT_TYPES.includes(a.weightType)) bad(`${path}.weightType`, `"${a.weightType}" is set internally by ComfyUI's SDXL style & composition node; IPAdapter Advanced does not offer it.`);
  if (!oneOf(a.combineEmbeds, COMBINE_METHODS)) bad(`${path}.combineEmbeds`, `combineEmbeds must be one of ${COMBINE_METHODS.join(', ')}.`);
  else if (!(NODE_COMBINE_METHODS as readonly string[]).includes(a.combineEmbeds)) bad(`${path}.combineEmbeds`, `"${a.combineEmbeds}" exists only in IPAdapterCombineEmbeds; the apply nodes offer ${NODE_COMBINE_METHODS.join(', ')}.`);
  if (!isNum(a.startAt) || a.startAt < 0 || a.startAt > 1) bad(`${path}.startAt`, 'start_at must be from 0 to 1.');
  if (!isNum(a.endAt) || a.endAt < 0 || a.endAt > 1) bad(`${path}.endAt`, 'end_at must be from 0 to 1.');
  if (!oneOf(a.embedsScaling, EMBEDS_SCALING_MODES)) bad(`${path}.embedsScaling`, `embedsScaling must be one of ${EMBEDS_SCALING_MODES.join(', ')}.`);
  if (typeof a.layerWeights !== 'string') bad(`${path}.layerWeights`, 'layerWeights must be text ("" for none).');
  if (a.styleBoost !== null && (!isNum(a.styleBoost) || Math.abs(a.styleBoost) > 5)) bad(`${path}.styleBoost`, 'style_boost must be from −5 to 5, or null.');
  if (a.compositionBoost !== null && (!isNum(a.compositionBoost) || Math.abs(a.compositionBoost) > 5)) bad(`${path}.compositionBoost`, 'composition_boost must be from −5 to 5, or null.');
  const special = [a.layerWeights !== '' && 'layerWeights', a.styleBoost !== null && 'styleBoost', a.compositionBoost !== null && 'compositionBoost'].filter(Boolean);
  if (special.length > 1) bad(path, `${special.join(' and ')} belong to different ComfyUI nodes (IPAdapterMS, IPAdapterPreciseStyleTransfer, IPAdapterPreciseComposition); one adapter can use only one of them.`);
  if (a.styleBoost !== null && a.weightType !== 'style transfer precise') bad(`${path}.weightType`, 'With styleBoost, ComfyUI uses the weight type "style transfer precise".');
  if (a.compositionBoost !== null && a.weightType !== 'composition precise') bad(`${path}.weightType`, 'With compositionBoost, ComfyUI uses the weight type "composition precise".');
  if (a.unfoldBatch && a.layerWeights !== '') bad(`${path}.unfoldBatch`, 'IPAdapterMS has no batch (unfold) variant.');
  if (a.unfoldBatch && a.styleBoost === null && a.compositionBoost === null && a.combineEmbeds !== 'concat') bad(`${path}.combineEmbeds`, 'IPAdapterBatch (unfold_batch) has no combine_embeds: each image conditions its own latent. Use concat.');
  if (typeof a.unfoldBatch !== 'boolean') bad(`${path}.unfoldBatch`, 'unfoldBatch must be true or false.');

  const n = a.negative;
  if (!n || typeof n !== 'object') bad(`${path}.negative`, 'negative must be { kind: "default" | "image" | "noise" }.');
  else if (n.kind === 'image') checkImage(n.image, `${path}.negative.image`, bad);
  else if (n.kind === 'noise') {
    if (!oneOf(n.type, NOISE_TYPES)) bad(`${path}.negative.type`, `The noise type must be one of ${NOISE_TYPES.join(', ')}.`);
    if (!isNum(n.strength) || n.strength < 0 || n.strength > 1) bad(`${path}.negative.strength`, 'The noise strength must be from 0 to 1.');
    if (!isInt(n.blur) || n.blur < 0 || n.blur > 32) bad(`${path}.negative.blur`, 'blur must be a whole number from 0 to 32.');
    if (n.image !== null) checkImage(n.image, `${path}.negative.image`, bad);
  } else if (n.kind !== 'default') bad(`${path}.negative.kind`, 'negative.kind must be "default", "image" or "noise".');

  const mk = a.attnMask;
  if (mk !== null) {
    if (!mk || typeof mk !== 'object' || !isName(mk.image)) bad(`${path}.attnMask`, 'A mask needs the name of its picture.');
    else if (mk.kind === 'channel') {
      if (!oneOf(mk.channel, MASK_CHANNELS)) bad(`${path}.attnMask.channel`, `channel must be one of ${MASK_CHANNELS.join(', ')}.`);
    } else if (mk.kind === 'color') {
      if (!oneOf(mk.color, MASK_COLORS)) bad(`${path}.attnMask.color`, `color must be one of ${MASK_COLORS.join(', ')}.`);
      if (!Array.isArray(mk.thresholds) || mk.thresholds.length !== 3 || !mk.thresholds.every((t) => isNum(t) && t >= 0 && t <= 1)) bad(`${path}.attnMask.thresholds`, 'thresholds must be three numbers from 0 to 1 (r, g, b).');
    } else bad(`${path}.attnMask.kind`, 'attnMask.kind must be "channel" or "color".');
  }
}
