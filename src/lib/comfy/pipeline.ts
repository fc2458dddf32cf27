/**
 * Bridge settings (names, ComfyUI conventions) ↔ the pipeline's GenerateSettings (pixels, the
 * lab's conventions), src/lib/pipeline/settings.ts.
 *
 * The panel keeps ComfyBridgeSettings as its state (what it shows, saves, exports) and decodes the
 * named images itself (src/lib/image: decode, PrepImageForClipVision, CLIP preprocessing, masks);
 * `toGenerateSettings` puts the pixels in place through `PipelineAssets`. `fromGenerateSettings`
 * goes back, given the names behind the pixels.
 *
 * Conventions that differ:
 * - img2img: ComfyUI's KSampler with `steps` S and denoise d < 1 runs S steps of a schedule of
 *   ⌊S/d⌋ steps (comfy/samplers.py: new_steps = int(steps/denoise), the last S+1 sigmas); the
 *   pipeline (diffusers' rule) runs ⌊N·s⌋ of N. So N = ⌊S/d⌋ and s = S/N run the very same steps.
 * - negative "black" (pipeline) = IPAdapterNoise with strength 0 and no image (noise on a black
 *   224×224 image, scaled by 0); the pipeline's noise negative is made from the first reference.
 * - GenerateSettings has no checkpoint or LoRA: the panel loads those with its model choice.
 */
import type { AdapterSettings, GenerateSettings, MaskImage, NegativeImage, ReferenceImage, RgbTensor } from '../pipeline/settings';
import { img2imgStartIndex } from '../pipeline/img2img';
import type { AdapterModelRef, BridgeAdapter, BridgeImage, BridgeLora, BridgeMask, BridgeNegative, ComfyBridgeSettings } from './settings';

export interface PipelineAssets {
  /**
   * A named image for the encoder (null/undefined: not available): CLIP-ready pixels after its
   * PrepImageForClipVision step, or the 8-bit image with `prep` for the worker to preprocess.
   */
  clipPixels(image: BridgeImage): ReferenceImage | null | undefined;
  /** The mask picture read as the mask says (src/lib/image/mask.ts maskFromImage, or colorMask.ts). */
  mask(mask: BridgeMask): MaskImage | null | undefined;
  /** The init image resized to width × height, RGB [3, h, w] in [0, 1]. */
  initImage(name: string, width: number, height: number): RgbTensor | null | undefined;
  /** Index of the loaded IP-Adapter file this adapter uses (AdapterSettings.model). */
  adapterModel(model: AdapterModelRef): number | null | undefined;
  /**
   * Whether a LoRA is loaded with these strengths (LoRAs are merged when the models load, so
   * GenerateSettings has none). Absent: only the LCM-LoRA counts as applied.
   */
  loraLoaded?(lora: BridgeLora): boolean;
}

export interface MappingIssue {
  path: string;
  message: string;
}

export type ToPipelineResult =
  | { ok: true; settings: GenerateSettings; warnings: MappingIssue[] }
  | { ok: false; errors: MappingIssue[]; warnings: MappingIssue[] };

export type FromPipelineResult =
  | { ok: true; settings: ComfyBridgeSettings; warnings: MappingIssue[] }
  | { ok: false; errors: MappingIssue[]; warnings: MappingIssue[] };

/** KSampler (steps, denoise) → the pipeline's (steps, img2img strength) that run the same steps. */
export function comfyStepsToLab(steps: number, denoise: number): { steps: number; strength: number } {
  if (denoise > 0.9999) return { steps, strength: 1 }; // ComfyUI's own threshold for "full"
  const total = Math.trunc(steps / denoise);
  return { steps: total, strength: steps / total };
}

/** The pipeline's (steps, strength) → KSampler (steps, denoise) that run the same steps. */
export function labStepsToComfy(steps: number, strength: number): { steps: number; denoise: number } {
  if (strength >= 1) return { steps, denoise: 1 };
  const runs = steps - img2imgStartIndex(steps, strength);
  if (runs <= 0) return { steps: 0, denoise: 0 };
  let d = runs / steps;
  // Python's int(runs / d) must give back `steps`; nudge d down past any rounding.
  for (let k = 0; k < 4 && Math.trunc(runs / d) < steps; k++) d *= 1 - Number.EPSILON;
  return { steps: runs, denoise: d };
}

const sameImage = (a: BridgeImage | null, b: BridgeImage | undefined) => !!a && !!b && JSON.stringify(a) === JSON.stringify(b);

/** Bridge settings + decoded pixels → GenerateSettings. Never throws. */
export function toGenerateSettings(s: ComfyBridgeSettings, assets: PipelineAssets): ToPipelineResult {
  const errors: MappingIssue[] = [];
  const warnings: MappingIssue[] = [];
  const err = (path: string, message: string) => errors.push({ path, message });
  const warn = (path: string, message: string) => warnings.push({ path, message });

  s.loras.forEach((l, k) => {
    if (assets.loraLoaded) {
      if (!assets.loraLoaded(l)) err(`loras[${k}]`, `The LoRA "${l.name}" (strength_model ${l.strengthModel}, strength_clip ${l.strengthClip}) is not loaded: LoRAs are merged when the models load, so load them again.`);
    } else if (!/lcm/i.test(l.name)) warn(`loras[${k}]`, `The LoRA "${l.name}" is not applied: the lab applies only the LCM-LoRA, which the panel loads with its fast mode.`);
  });

  const adapters: AdapterSettings[] = [];
  s.adapters.forEach((a, k) => {
    const path = `adapters[${k}]`;
    const model = assets.adapterModel(a.model);
    if (model === null || model === undefined) err(`${path}.model`, `The IP-Adapter for ${describeModel(a.model)} is not loaded.`);
    const images: ReferenceImage[] = [];
    a.images.forEach((img, j) => {
      const px = assets.clipPixels(img);
      if (px) images.push(px);
      else err(`${path}.images[${j}]`, `The reference image "${img.name}" is not loaded.`);
    });
    const negative = mapNegative(a, path, assets, err, warn);
    let mask: MaskImage | undefined;
    if (a.attnMask) {
      mask = assets.mask(a.attnMask) ?? undefined;
      if (!mask) err(`${path}.attnMask`, `The mask picture "${a.attnMask.image}" is not loaded.`);
    }
    const out: AdapterSettings = {
      model: model ?? 0,
      images,
      weight: a.weight,
      weightType: a.weightType,
      startAt: a.startAt,
      endAt: a.endAt,
      negative,
      combineEmbeds: a.combineEmbeds,
      embedsScaling: a.embedsScaling,
      layerWeights: a.layerWeights,
      unfoldBatch: a.unfoldBatch,
    };
    if (mask) out.mask = mask;
    if (a.styleBoost !== null) out.styleBoost = a.styleBoost;
    if (a.compositionBoost !== null) out.compositionBoost = a.compositionBoost;
    adapters.push(out);
  });

  const settings: GenerateSettings = {
    prompt: s.prompt,
    negativePrompt: s.negativePrompt,
    width: s.width,
    height: s.height,
    steps: s.steps,
    guidance: s.cfg,
    scheduler: s.scheduler,
    seed: s.seed,
    batchSize: s.batchSize,
    adapters,
  };
  if (s.initImage !== null) {
    const { steps, strength } = comfyStepsToLab(s.steps, s.denoise);
    settings.steps = steps;
    const image = assets.initImage(s.initImage, s.width, s.height);
    if (!image) err('initImage', `The init image "${s.initImage}" is not loaded.`);
    else settings.img2img = { image, strength };
  } else if (s.denoise < 1) {
    warn('denoise', `denoise ${s.denoise} without an init image is not something the lab runs; it runs the full schedule (denoise 1).`);
  }
  return errors.length ? { ok: false, errors, warnings } : { ok: true, settings, warnings };
}

function describeModel(m: AdapterModelRef): string {
  return m.loader === 'unified' ? `the preset "${m.preset}"` : `"${m.ipadapterFile}"`;
}

function mapNegative(
  a: BridgeAdapter, path: string, assets: PipelineAssets,
  err: (p: string, m: string) => void, warn: (p: string, m: string) => void,
): NegativeImage {
  const n = a.negative;
  if (n.kind === 'default') return { kind: 'default' };
  if (n.kind === 'image') {
    const image = assets.clipPixels(n.image);
    if (!image) {
      err(`${path}.negative`, `The negative image "${n.image.name}" is not loaded.`);
      return { kind: 'default' };
    }
    return { kind: 'image', image };
  }
  if (n.image === null) {
    if (n.strength === 0) return { kind: 'black' };
    warn(`${path}.negative`, `IPAdapterNoise without an image makes ${n.type} noise on a black picture; the lab's noise negative is made from the first reference, so the closest it runs is a black negative.`);
    return { kind: 'black' };
  }
  if (!sameImage(n.image, a.images[0])) {
    warn(`${path}.negative`, `IPAdapterNoise runs on "${n.image.name}", not on the first reference; the lab makes its noise negative from the first reference ("${a.images[0]?.name ?? '?'}").`);
  }
  return { kind: 'noise', type: n.type, strength: n.strength, blur: n.blur };
}

export interface BridgeNames {
  checkpoint: string;
  loras?: BridgeLora[];
  /** The init image's name, when GenerateSettings has img2img. */
  initImage?: string | null;
  /** For each adapter of the GenerateSettings: the names behind its pixels. */
  adapters: { model: AdapterModelRef; images: BridgeImage[]; negativeImage?: BridgeImage; mask?: BridgeMask }[];
}

/** GenerateSettings + the names behind its pixels → bridge settings (for export). Never throws. */
export function fromGenerateSettings(gs: GenerateSettings, names: BridgeNames): FromPipelineResult {
  const errors: MappingIssue[] = [];
  const warnings: MappingIssue[] = [];
  const err = (path: string, message: string) => errors.push({ path, message });
  const text = (p: unknown, path: string): string => {
    if (typeof p === 'string') return p;
    if (p === undefined) return '';
    err(path, `${path} is token ids or embeddings; a ComfyUI workflow needs the text (CLIPTextEncode).`);
    return '';
  };
  const gsAdapters = gs.adapters ?? [];
  if (names.adapters.length !== gsAdapters.length) err('adapters', `${gsAdapters.length} adapters but names for ${names.adapters.length}.`);
  const adapters: BridgeAdapter[] = gsAdapters.map((a, k): BridgeAdapter => {
    const nm = names.adapters[k] ?? { model: { loader: 'unified', preset: 'STANDARD (medium strength)', clipVisionFile: null }, images: [] };
    const path = `adapters[${k}]`;
    if (nm.images.length !== a.images.length) err(`${path}.images`, `${a.images.length} reference images but ${nm.images.length} names.`);
    let negative: BridgeNegative = { kind: 'default' };
    const neg = a.negative ?? { kind: 'default' };
    if (neg.kind === 'black') negative = { kind: 'noise', type: 'fade', strength: 0, blur: 0, image: null };
    else if (neg.kind === 'image') {
      if (!nm.negativeImage) err(`${path}.negative`, 'The negative image has no name.');
      negative = nm.negativeImage ? { kind: 'image', image: nm.negativeImage } : { kind: 'default' };
    } else if (neg.kind === 'noise') {
      negative = { kind: 'noise', type: neg.type, strength: neg.strength, blur: neg.blur ?? 0, image: nm.images[0] ?? null };
      if (neg.seed !== undefined) warnings.push({ path: `${path}.negative.seed`, message: 'IPAdapterNoise seeds itself from the image; the explicit noise seed is not written.' });
    }
    if (a.mask && !nm.mask) err(`${path}.mask`, 'The mask has no name.');
    return {
      model: nm.model,
      images: nm.images,
      weight: a.weight ?? 1,
      weightType: a.weightType ?? 'linear',
      combineEmbeds: a.combineEmbeds ?? 'concat',
      startAt: a.startAt ?? 0,
      endAt: a.endAt ?? 1,
      embedsScaling: a.embedsScaling ?? 'V only',
      negative,
      attnMask: a.mask && nm.mask ? nm.mask : null,
      layerWeights: a.layerWeights ?? '',
      styleBoost: a.styleBoost ?? null,
      compositionBoost: a.compositionBoost ?? null,
      unfoldBatch: a.unfoldBatch ?? false,
    };
  });
  let steps = gs.steps;
  let denoise = 1;
  let initImage: string | null = null;
  if (gs.img2img) {
    const c = labStepsToComfy(gs.steps, gs.img2img.strength);
    steps = c.steps;
    denoise = c.denoise;
    if (steps === 0) err('img2img.strength', `strength ${gs.img2img.strength} runs no step of ${gs.steps}.`);
    initImage = names.initImage ?? null;
    if (!initImage) err('initImage', 'The init image has no name.');
  }
  const settings: ComfyBridgeSettings = {
    checkpoint: names.checkpoint,
    loras: names.loras ?? [],
    prompt: text(gs.prompt, 'prompt'),
    negativePrompt: text(gs.negativePrompt, 'negativePrompt'),
    seed: gs.seed,
    steps,
    cfg: gs.guidance,
    scheduler: gs.scheduler as ComfyBridgeSettings['scheduler'],
    width: gs.width,
    height: gs.height,
    batchSize: gs.batchSize ?? 1,
    denoise,
    initImage,
    adapters,
  };
  return errors.length ? { ok: false, errors, warnings } : { ok: true, settings, warnings };
}
