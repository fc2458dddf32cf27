/**
 * What a generation asks for, and the check that turns bad input into readable errors instead
 * of exceptions. The IP-Adapter fields and their ranges are those of ComfyUI_IPAdapter_plus v2's
 * IPAdapterAdvanced / Mad Scientist nodes (../shared/reference/ipadapter.md §3); their meaning is
 * implemented in src/lib/ipadapter/ and reused here, validators included.
 *
 * Plain data only (typed arrays, numbers, strings): a settings object crosses the worker
 * boundary with structured clone unchanged.
 */
import { COMBINE_METHODS, isCombineMethod, type CombineMethod } from '../ipadapter/combineEmbeds';
import { EMBEDS_SCALING_MODES, isEmbedsScaling, type EmbedsScaling } from '../ipadapter/embedsScaling';
import { NOISE_TYPES, isNoiseType, type NoiseType } from '../ipadapter/negativeNoise';
import { sigmaBounds } from '../ipadapter/startEnd';
import { maskAspectNotice } from '../ipadapter/attentionMask';
import { WEIGHT_TYPES, isWeightType, type WeightType } from '../ipadapter/weightTypes';
import { SCHEDULER_NAMES, isSchedulerName, type SchedulerName } from '../schedulers';
import { layerWeightsIssues, type LayerInfo } from './layerScales';
import { isRawReference, rawReferenceIssue, type ReferenceImage } from './references';
import type { AttentionMapRequest } from './attentionMaps';

/** Pixels ready for the CLIP image encoder: CHW [3, size, size], normalised (CLIPImageProcessor's output). */
export interface ClipPixels {
  data: Float32Array;
  size: number;
}

/** A greyscale mask, row-major height × width, 1 = full effect of the adapter, 0 = none. */
export interface MaskImage {
  data: Float32Array;
  width: number;
  height: number;
}

/** An RGB image as CHW [3, height, width] with values in [0, 1] (img2img's init image). */
export interface RgbTensor {
  data: Float32Array;
  width: number;
  height: number;
}

/**
 * A prompt: text (tokenized with SD1.5's CLIP BPE and ComfyUI's `(word:1.5)` weighting), token
 * ids (77·k, chunks of 77 with start/end/padding; optional per-position weights), or the text
 * encoder's output itself ([tokens, hidden], tokens = 77·k).
 */
export type PromptInput =
  | string
  | { ids: ArrayLike<number>; weights?: ArrayLike<number> }
  | { embeds: Float32Array; tokens: number };

/**
 * The image the unconditional branch of the adapter sees (ComfyUI's image_negative):
 * - default: ComfyUI without image_negative — zero embeddings for base adapters (image_embeds),
 *   a black image for Plus/full-face adapters (hidden states);
 * - black: a black image, for every adapter;
 * - image: a given (preprocessed) image;
 * - noise: IPAdapterNoise applied to the first reference (fade, dissolve, gaussian, shuffle).
 */
export type NegativeImage =
  | { kind: 'default' }
  | { kind: 'black' }
  | { kind: 'image'; image: ReferenceImage }
  | { kind: 'noise'; type: NoiseType; strength: number; blur?: number; seed?: number };

export interface AdapterSettings {
  /** Which loaded IP-Adapter file (0-based, in load order). Default 0. */
  model?: number;
  /**
   * Reference images, at least one: CLIP-preprocessed pixels, or 8-bit RGB/RGBA images that the
   * pipeline preprocesses (references.ts: src/lib/image's PrepImageForClipVision and CLIP rules).
   */
  images: ReferenceImage[];
  /** ComfyUI range −1 … 5; default 1. */
  weight?: number;
  /** Default 'linear'. */
  weightType?: WeightType;
  /** 'style and composition' types: the composition layers' weight (default 1). */
  compositionWeight?: number;
  /** 'style transfer precise': weight of the composition layers (default = weight). */
  styleBoost?: number;
  /** 'composition precise': weight of the style layers (default = weight). */
  compositionBoost?: number;
  /** Fractions of the noise schedule (sigma rule), default 0 and 1. */
  startAt?: number;
  endAt?: number;
  negative?: NegativeImage;
  /** How several reference images become one condition; default 'concat'. */
  combineEmbeds?: CombineMethod;
  /** Default 'V only'. */
  embedsScaling?: EmbedsScaling;
  /** Mad Scientist "idx:val, …" (blank = the weight type applies). */
  layerWeights?: string;
  /** Image i conditions latent i (the last image repeats). */
  unfoldBatch?: boolean;
  /** Attention mask (regional composition). */
  mask?: MaskImage;
}

export type CfgMode = 'batch' | 'separate';
export type PreviewMode = 'x0' | 'latent' | 'none';

export interface GenerateSettings {
  prompt: PromptInput;
  /** Default: the empty prompt. */
  negativePrompt?: PromptInput;
  /** Pixels, multiples of 64. */
  width: number;
  height: number;
  steps: number;
  /** Classifier-free guidance scale; ≤ 1 runs the conditional branch only (as diffusers). */
  guidance: number;
  scheduler: string;
  /** 0 … 2⁵³ − 1. Image i of a batch uses seed + i (see noise.ts in this folder). */
  seed: number;
  /** Images per run, 1 … 16. Default 1. */
  batchSize?: number;
  /** CFG as one UNet call on a batch of two (default) or two calls. */
  cfgMode?: CfgMode;
  adapters?: AdapterSettings[];
  /** Image-to-image: the init image (its size must equal width × height) and the denoise strength (0, 1]. */
  img2img?: { image: RgbTensor; strength: number };
  /** What the per-step preview shows: the predicted clean latent (default), the noisy latent, or nothing. */
  preview?: PreviewMode;
  /**
   * Replaces the seeded initial noise: [batch, 4, h, w], N(0, 1) (it is multiplied by the
   * scheduler's init_noise_sigma). To reproduce another tool's latents, or a fixture.
   */
  initialNoise?: Float32Array;
  /** Also return the latents after every step (tests, figures). */
  keepLatents?: boolean;
  /**
   * Record attention maps of these cross-attention layers at one step (attentionMaps.ts). The
   * worker then runs a UNet built with probe outputs for those layers (more memory).
   */
  attention?: AttentionMapRequest;
}

export interface SettingsIssue {
  /** Where: `steps`, `adapters[1].layerWeights`, … */
  path: string;
  code: string;
  message: string;
}

export interface ValidationContext {
  /** The UNet's cross-attention layers (ComfyUI order); default SD1.5's 16. */
  layers?: readonly LayerInfo[];
  /** Number of loaded adapter files; undefined = do not check `model`. */
  adapterModels?: number;
  /** Pixel size of the CLIP encoder's input; undefined = do not check. */
  clipSize?: number;
  latentChannels?: number;
}

export type ValidationResult = { ok: true; errors: []; notices: SettingsIssue[] } | { ok: false; errors: SettingsIssue[]; notices: SettingsIssue[] };

/** ComfyUI's IPAdapterAdvanced range for weight (and the style/composition weights). */
export const WEIGHT_RANGE = [-1, 5] as const;
export const MAX_BATCH = 16;
export const MAX_SIDE = 2048;

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Checks a settings object. Never throws: every problem is an issue with a path and a sentence. */
export function validateSettings(s: GenerateSettings, ctx: ValidationContext = {}): ValidationResult {
  const errors: SettingsIssue[] = [];
  const notices: SettingsIssue[] = [];
  const err = (path: string, code: string, message: string) => errors.push({ path, code, message });
  if (!s || typeof s !== 'object') {
    err('', 'not-an-object', 'The settings must be an object.');
    return { ok: false, errors, notices };
  }
  checkPrompt(s.prompt, 'prompt', err, false);
  if (s.negativePrompt !== undefined) checkPrompt(s.negativePrompt, 'negativePrompt', err, true);

  for (const side of ['width', 'height'] as const) {
    const v = s[side];
    if (!isNum(v) || !Number.isInteger(v)) err(side, 'not-an-integer', `${side} must be a whole number of pixels (got ${String(v)}).`);
    else if (v < 64 || v > MAX_SIDE || v % 64 !== 0) {
      const lo = Math.max(64, Math.floor(v / 64) * 64);
      const hi = Math.min(MAX_SIDE, Math.max(64, Math.ceil(v / 64) * 64));
      err(side, 'bad-size', `${side} must be a multiple of 64 from 64 to ${MAX_SIDE} (SD1.5's latent is 1/8 of the image and the UNet halves it three times); got ${v}. Try ${lo === hi ? lo : `${lo} or ${hi}`}.`);
    }
  }
  if (!isNum(s.steps) || !Number.isInteger(s.steps) || s.steps < 1 || s.steps > 1000) err('steps', 'bad-steps', `steps must be a whole number from 1 to 1000 (got ${String(s.steps)}).`);
  if (!isNum(s.guidance) || s.guidance < 0 || s.guidance > 100) err('guidance', 'bad-guidance', `guidance (CFG scale) must be a number from 0 to 100 (got ${String(s.guidance)}).`);
  if (!isSchedulerName(s.scheduler)) err('scheduler', 'unknown-scheduler', `Unknown scheduler "${String(s.scheduler)}". Valid schedulers: ${SCHEDULER_NAMES.join(', ')}.`);
  else if (s.scheduler === 'lcm' && isNum(s.steps) && s.steps > 50) err('steps', 'bad-steps', `LCM runs at most 50 steps (its distillation schedule); got ${s.steps}. LCM is meant for 4–8.`);
  if (!isNum(s.seed) || !Number.isSafeInteger(s.seed) || s.seed < 0) err('seed', 'bad-seed', `seed must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER} (got ${String(s.seed)}).`);
  const batch = s.batchSize ?? 1;
  if (!isNum(batch) || !Number.isInteger(batch) || batch < 1 || batch > MAX_BATCH) err('batchSize', 'bad-batch', `batchSize must be a whole number from 1 to ${MAX_BATCH} (got ${String(batch)}).`);
  if (s.cfgMode !== undefined && s.cfgMode !== 'batch' && s.cfgMode !== 'separate') err('cfgMode', 'bad-cfg-mode', `cfgMode must be "batch" or "separate" (got "${String(s.cfgMode)}").`);
  if (s.preview !== undefined && !['x0', 'latent', 'none'].includes(s.preview)) err('preview', 'bad-preview', `preview must be "x0", "latent" or "none" (got "${String(s.preview)}").`);
  if (s.attention !== undefined) {
    const L = ctx.layers?.length ?? 16;
    const a = s.attention as Partial<AttentionMapRequest> | null;
    const layers = a?.layers;
    if (!Array.isArray(layers) || layers.length === 0 || layers.some((t) => !Number.isInteger(t) || t < 0 || t >= L) || new Set(layers).size !== layers.length) {
      err('attention.layers', 'bad-attention-layers', `attention.layers must list different cross-attention layers from 0 to ${L - 1} (ComfyUI's numbering; got ${JSON.stringify(layers)}).`);
    }
    if (a?.step !== undefined && (!Number.isInteger(a.step) || a.step < 0 || (isNum(s.steps) && a.step >= s.steps))) {
      err('attention.step', 'bad-attention-step', `attention.step must be a sampling step from 0 to ${isNum(s.steps) ? s.steps - 1 : 'steps − 1'} (0-based; default the last); got ${String(a.step)}.`);
    }
  }

  if (s.img2img !== undefined) {
    const { image, strength } = s.img2img;
    if (!isNum(strength) || strength <= 0 || strength > 1) err('img2img.strength', 'bad-strength', `img2img strength must be greater than 0 and at most 1 (got ${String(strength)}); 1 ignores the init image's content, small values keep more of it.`);
    if (!image || !(image.data instanceof Float32Array) || image.data.length !== 3 * image.width * image.height) err('img2img.image', 'bad-image', 'The init image must be RGB as [3, height, width] float values in [0, 1].');
    else if (image.width !== s.width || image.height !== s.height) err('img2img.image', 'size-mismatch', `The init image is ${image.width}×${image.height} but the output is ${s.width}×${s.height}; resize it to the output size first.`);
  }
  if (s.initialNoise !== undefined && isNum(s.width) && isNum(s.height)) {
    const want = batch * (ctx.latentChannels ?? 4) * (s.width / 8) * (s.height / 8);
    if (!(s.initialNoise instanceof Float32Array) || s.initialNoise.length !== want) err('initialNoise', 'bad-noise', `initialNoise must hold ${want} values ([${batch}, ${ctx.latentChannels ?? 4}, ${s.height / 8}, ${s.width / 8}]), got ${s.initialNoise?.length}.`);
  }

  const adapters = s.adapters ?? [];
  if (!Array.isArray(adapters)) err('adapters', 'not-a-list', 'adapters must be a list.');
  else adapters.forEach((a, i) => checkAdapter(a, `adapters[${i}]`, s, ctx, err, notices));

  return errors.length ? { ok: false, errors, notices } : { ok: true, errors: [], notices };
}

function checkPrompt(p: PromptInput, path: string, err: (p: string, c: string, m: string) => void, optional: boolean): void {
  if (typeof p === 'string') return;
  if (p === undefined && optional) return;
  if (p && typeof p === 'object' && 'ids' in p) {
    const n = p.ids?.length ?? 0;
    if (n === 0 || n % 77 !== 0) err(path, 'bad-ids', `${path}: token ids come in chunks of 77 (start, tokens, end, padding); got ${n}.`);
    if (p.weights !== undefined && p.weights.length !== n) err(path, 'bad-weights', `${path}: ${p.weights.length} weights for ${n} token ids.`);
    return;
  }
  if (p && typeof p === 'object' && 'embeds' in p) {
    if (!(p.embeds instanceof Float32Array) || !Number.isInteger(p.tokens) || p.tokens < 1 || p.embeds.length % p.tokens !== 0) {
      err(path, 'bad-embeds', `${path}: embeds must be a Float32Array of [tokens, hidden] with tokens = ${String(p.tokens)}.`);
    }
    return;
  }
  err(path, 'bad-prompt', `${path} must be text, { ids } or { embeds, tokens }.`);
}

function checkAdapter(
  a: AdapterSettings, path: string, s: GenerateSettings, ctx: ValidationContext,
  err: (p: string, c: string, m: string) => void, notices: SettingsIssue[],
): void {
  if (!a || typeof a !== 'object') { err(path, 'not-an-object', `${path} must be an object.`); return; }
  const model = a.model ?? 0;
  if (!Number.isInteger(model) || model < 0) err(`${path}.model`, 'bad-model', `${path}.model must be the index of a loaded IP-Adapter file (got ${String(model)}).`);
  else if (ctx.adapterModels !== undefined && model >= ctx.adapterModels) {
    err(`${path}.model`, 'no-such-model', ctx.adapterModels === 0
      ? `${path} uses IP-Adapter file ${model}, but no IP-Adapter file is loaded.`
      : `${path} uses IP-Adapter file ${model}, but only ${ctx.adapterModels} ${ctx.adapterModels === 1 ? 'is' : 'are'} loaded (0–${ctx.adapterModels - 1}).`);
  }
  if (!Array.isArray(a.images) || a.images.length === 0) err(`${path}.images`, 'no-images', `${path} needs at least one reference image.`);
  else a.images.forEach((img, j) => checkClipPixels(img, `${path}.images[${j}]`, ctx, err));

  const [lo, hi] = WEIGHT_RANGE;
  const range = (key: 'weight' | 'compositionWeight' | 'styleBoost' | 'compositionBoost', label: string) => {
    const v = a[key];
    if (v === undefined) return;
    if (!isNum(v)) err(`${path}.${key}`, 'not-a-number', `${label} must be a number (got ${String(v)}).`);
    else if (v < lo || v > hi) {
      err(`${path}.${key}`, 'weight-out-of-range', `${label} ${v} is outside ComfyUI's range ${lo} to ${hi}${v < lo ? ': negative weights push away from the reference, but below −1 the image falls apart' : ''}.`);
    }
  };
  range('weight', 'weight');
  range('compositionWeight', 'composition weight');
  range('styleBoost', 'style boost');
  range('compositionBoost', 'composition boost');

  if (a.weightType !== undefined && !isWeightType(a.weightType)) err(`${path}.weightType`, 'unknown-weight-type', `Unknown weight type "${String(a.weightType)}". Valid: ${WEIGHT_TYPES.join(', ')}.`);
  if (a.combineEmbeds !== undefined && !isCombineMethod(a.combineEmbeds)) err(`${path}.combineEmbeds`, 'unknown-combine', `Unknown combine_embeds "${String(a.combineEmbeds)}". Valid: ${COMBINE_METHODS.join(', ')}.`);
  if (a.embedsScaling !== undefined && !isEmbedsScaling(a.embedsScaling)) err(`${path}.embedsScaling`, 'unknown-embeds-scaling', `Unknown embeds_scaling "${String(a.embedsScaling)}". Valid: ${EMBEDS_SCALING_MODES.join(', ')}.`);

  const b = sigmaBounds(a.startAt ?? 0, a.endAt ?? 1);
  if (!b.ok) err(`${path}.${/end_at/.test(b.error) && !/start_at/.test(b.error) ? 'endAt' : 'startAt'}`, 'bad-start-end', b.error);

  if (a.layerWeights !== undefined) {
    if (typeof a.layerWeights !== 'string') err(`${path}.layerWeights`, 'not-a-string', 'layer_weights must be a string like "0:1, 5:0.5".');
    else {
      const type = isWeightType(a.weightType) ? a.weightType : 'linear';
      for (const issue of layerWeightsIssues(a.layerWeights, type, ctx.layers)) err(`${path}.layerWeights`, issue.code, issue.message);
    }
  }
  const neg = a.negative;
  if (neg !== undefined) {
    if (!neg || typeof neg !== 'object' || !['default', 'black', 'image', 'noise'].includes(neg.kind)) err(`${path}.negative`, 'bad-negative', 'negative must be { kind: "default" | "black" | "image" | "noise" }.');
    else if (neg.kind === 'image') checkClipPixels(neg.image, `${path}.negative.image`, ctx, err);
    else if (neg.kind === 'noise') {
      if (!isNoiseType(neg.type)) err(`${path}.negative.type`, 'unknown-noise', `Unknown noise type "${String(neg.type)}". Valid: ${NOISE_TYPES.join(', ')}.`);
      if (!isNum(neg.strength) || neg.strength < 0 || neg.strength > 1) err(`${path}.negative.strength`, 'bad-strength', `The negative noise strength must be from 0 to 1 (got ${String(neg.strength)}).`);
      if (neg.blur !== undefined && (!isNum(neg.blur) || neg.blur < 0 || neg.blur > 32)) err(`${path}.negative.blur`, 'bad-blur', `blur must be from 0 to 32 (got ${String(neg.blur)}).`);
    }
  }
  if (a.mask !== undefined) {
    const m = a.mask;
    if (!m || !(m.data instanceof Float32Array) || !(m.width >= 1) || !(m.height >= 1) || m.data.length !== m.width * m.height) {
      err(`${path}.mask`, 'bad-mask', 'The mask must be greyscale values (Float32Array) of width × height.');
    } else if (isNum(s.width) && isNum(s.height)) {
      const n = maskAspectNotice(m.height, m.width, s.height / 8, s.width / 8);
      if (n) notices.push({ path: `${path}.mask`, code: n.code, message: n.message });
    }
  }
}

function checkClipPixels(img: ReferenceImage, path: string, ctx: ValidationContext, err: (p: string, c: string, m: string) => void): void {
  if (img && isRawReference(img)) {
    const issue = rawReferenceIssue(img);
    if (issue) err(path, 'bad-image', `${path} ${issue}`);
    return;
  }
  if (!img || !(img.data instanceof Float32Array) || !Number.isInteger(img.size) || img.data.length !== 3 * img.size * img.size) {
    err(path, 'bad-image', `${path} must be CLIP-preprocessed pixels (a Float32Array of [3, size, size]) or { image: RGB/RGBA bytes }.`);
  } else if (ctx.clipSize !== undefined && img.size !== ctx.clipSize) {
    err(path, 'bad-image-size', `${path} is ${img.size}×${img.size} but the image encoder takes ${ctx.clipSize}×${ctx.clipSize}.`);
  }
}

/** Settings with every default filled in (after validation). */
export interface ResolvedAdapter extends Required<Omit<AdapterSettings, 'mask' | 'styleBoost' | 'compositionBoost'>> {
  mask?: MaskImage;
  styleBoost?: number;
  compositionBoost?: number;
}

export function resolveAdapter(a: AdapterSettings): ResolvedAdapter {
  return {
    model: a.model ?? 0,
    images: a.images,
    weight: a.weight ?? 1,
    weightType: a.weightType ?? 'linear',
    compositionWeight: a.compositionWeight ?? 1,
    styleBoost: a.styleBoost,
    compositionBoost: a.compositionBoost,
    startAt: a.startAt ?? 0,
    endAt: a.endAt ?? 1,
    negative: a.negative ?? { kind: 'default' },
    combineEmbeds: a.combineEmbeds ?? 'concat',
    embedsScaling: a.embedsScaling ?? 'V only',
    layerWeights: a.layerWeights ?? '',
    unfoldBatch: a.unfoldBatch ?? false,
    mask: a.mask,
  };
}

export type { SchedulerName, WeightType, CombineMethod, EmbedsScaling, NoiseType, ReferenceImage };
