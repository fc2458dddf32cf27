/**
 * The ComfyUI node types the bridge understands: their inputs and outputs (names and types, in
 * slot order) and their widgets as the UI format saves them (`widgets_values`, positional).
 *
 * Sources: ComfyUI's nodes.py (core nodes), ComfyUI_IPAdapter_plus v2 `IPAdapterPlus.py`
 * (INPUT_TYPES order is the widget order; `seed` widgets are followed by the frontend's
 * `control_after_generate` value), ComfyUI_essentials for the two `+` nodes in the regional example.
 *
 * A node type can have several widget layouts: the current one first, then those older versions
 * saved. Layouts are told apart by length and value types, e.g. IPAdapterAdvanced:
 * - current (since embeds_scaling was added, spring 2024): weight, weight_type, combine_embeds,
 *   start_at, end_at, embeds_scaling — 6 values;
 * - first v2 release (March 2024): the same without embeds_scaling — 5 values;
 * - a v1-style array (IPAdapterApply's weight, noise, weight_type, start_at, end_at, unfold_batch),
 *   6 values whose second is a number — what a v1 node saved, if a workflow was edited by hand.
 */
import { WEIGHT_TYPES } from '../ipadapter/weightTypes';
import { COMFY_SAMPLERS, COMFY_SCHEDULERS } from './samplers';

export type FieldKind = 'int' | 'float' | 'string' | 'bool' | 'control';

export interface WidgetField {
  name: string;
  kind: FieldKind;
  /** Used when a value is missing or of the wrong type. */
  default: unknown;
}

export interface Slot {
  name: string;
  type: string;
  optional?: boolean;
}

export interface NodeSchema {
  inputs: readonly Slot[];
  outputs: readonly Slot[];
  /** Widget layouts: [0] is what current versions save; the rest are older versions. */
  widgets: readonly (readonly WidgetField[])[];
  /** Size the export gives the node (ComfyUI's default for it, roughly). */
  size: readonly [number, number];
}

const f = (name: string, def: number): WidgetField => ({ name, kind: 'float', default: def });
const i = (name: string, def: number): WidgetField => ({ name, kind: 'int', default: def });
const s = (name: string, def: string): WidgetField => ({ name, kind: 'string', default: def });
const b = (name: string, def: boolean): WidgetField => ({ name, kind: 'bool', default: def });
const control: WidgetField = { name: 'control_after_generate', kind: 'control', default: 'fixed' };
const inp = (name: string, type: string, optional = false): Slot => (optional ? { name, type, optional } : { name, type });
const out = (name: string, type: string): Slot => ({ name, type });

/** The values the frontend's control_after_generate widget takes. */
export const CONTROL_VALUES = ['fixed', 'increment', 'decrement', 'randomize'] as const;

/** weight_type choices of IPAdapterAdvanced & co. ('strong style and composition' is set internally by the SDXL style+composition node, never offered). */
export const NODE_WEIGHT_TYPES: readonly string[] = WEIGHT_TYPES.filter((w) => w !== 'strong style and composition');
/** combine_embeds choices of the apply nodes (IPAdapterCombineEmbeds also has max and min). */
export const NODE_COMBINE_METHODS = ['concat', 'add', 'subtract', 'average', 'norm average'] as const;
/** The simple IPAdapter node's weight_type choices and what IPAdapterPlus.py turns them into. */
export const SIMPLE_WEIGHT_TYPES: Readonly<Record<string, string>> = { standard: 'linear', 'prompt is more important': 'ease out', 'style transfer': 'style transfer' };
/** v1 (before March 2024) weight types; v2 has none of them. */
export const V1_WEIGHT_TYPES = ['original', 'linear', 'channel penalty'] as const;
export const LOAD_IMAGE_MASK_CHANNELS = ['alpha', 'red', 'green', 'blue'] as const;
export const MASK_COLORS = ['red', 'green', 'blue', 'cyan', 'magenta', 'yellow', 'black', 'white'] as const;
export const IMAGE_SCALE_METHODS = ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos'] as const;

const advancedCommon = [f('weight', 1), s('weight_type', 'linear'), s('combine_embeds', 'concat'), f('start_at', 0), f('end_at', 1)];
const v1Apply = [f('weight', 1), f('noise', 0), s('weight_type', 'original'), f('start_at', 0), f('end_at', 1), b('unfold_batch', false)];
const applyInputs = [
  inp('model', 'MODEL'), inp('ipadapter', 'IPADAPTER'), inp('image', 'IMAGE'),
  inp('image_negative', 'IMAGE', true), inp('attn_mask', 'MASK', true), inp('clip_vision', 'CLIP_VISION', true),
];
const precise = (boost: string, def: number) => [[f('weight', 1), f(boost, def), s('combine_embeds', 'concat'), f('start_at', 0), f('end_at', 1), s('embeds_scaling', 'V only')]];
const modelOut = [out('MODEL', 'MODEL')];

export const NODE_SCHEMAS: Readonly<Record<string, NodeSchema>> = Object.freeze({
  // ComfyUI core
  CheckpointLoaderSimple: { inputs: [], outputs: [out('MODEL', 'MODEL'), out('CLIP', 'CLIP'), out('VAE', 'VAE')], widgets: [[s('ckpt_name', '')]], size: [315, 98] },
  LoraLoader: { inputs: [inp('model', 'MODEL'), inp('clip', 'CLIP')], outputs: [out('MODEL', 'MODEL'), out('CLIP', 'CLIP')], widgets: [[s('lora_name', ''), f('strength_model', 1), f('strength_clip', 1)]], size: [315, 126] },
  LoraLoaderModelOnly: { inputs: [inp('model', 'MODEL')], outputs: modelOut, widgets: [[s('lora_name', ''), f('strength_model', 1)]], size: [315, 82] },
  CLIPSetLastLayer: { inputs: [inp('clip', 'CLIP')], outputs: [out('CLIP', 'CLIP')], widgets: [[i('stop_at_clip_layer', -1)]], size: [315, 58] },
  VAELoader: { inputs: [], outputs: [out('VAE', 'VAE')], widgets: [[s('vae_name', '')]], size: [315, 58] },
  CLIPVisionLoader: { inputs: [], outputs: [out('CLIP_VISION', 'CLIP_VISION')], widgets: [[s('clip_name', '')]], size: [315, 58] },
  CLIPTextEncode: { inputs: [inp('clip', 'CLIP')], outputs: [out('CONDITIONING', 'CONDITIONING')], widgets: [[s('text', '')]], size: [400, 200] },
  ConditioningCombine: { inputs: [inp('conditioning_1', 'CONDITIONING'), inp('conditioning_2', 'CONDITIONING')], outputs: [out('CONDITIONING', 'CONDITIONING')], widgets: [[]], size: [230, 46] },
  KSampler: {
    inputs: [inp('model', 'MODEL'), inp('positive', 'CONDITIONING'), inp('negative', 'CONDITIONING'), inp('latent_image', 'LATENT')],
    outputs: [out('LATENT', 'LATENT')],
    widgets: [
      [f('seed', 0), control, i('steps', 20), f('cfg', 8), s('sampler_name', 'euler'), s('scheduler', 'normal'), f('denoise', 1)],
      [f('seed', 0), i('steps', 20), f('cfg', 8), s('sampler_name', 'euler'), s('scheduler', 'normal'), f('denoise', 1)],
    ],
    size: [315, 262],
  },
  KSamplerAdvanced: {
    inputs: [inp('model', 'MODEL'), inp('positive', 'CONDITIONING'), inp('negative', 'CONDITIONING'), inp('latent_image', 'LATENT')],
    outputs: [out('LATENT', 'LATENT')],
    widgets: [
      [s('add_noise', 'enable'), f('noise_seed', 0), control, i('steps', 20), f('cfg', 8), s('sampler_name', 'euler'), s('scheduler', 'normal'), i('start_at_step', 0), i('end_at_step', 10000), s('return_with_leftover_noise', 'disable')],
      [s('add_noise', 'enable'), f('noise_seed', 0), i('steps', 20), f('cfg', 8), s('sampler_name', 'euler'), s('scheduler', 'normal'), i('start_at_step', 0), i('end_at_step', 10000), s('return_with_leftover_noise', 'disable')],
    ],
    size: [315, 334],
  },
  EmptyLatentImage: { inputs: [], outputs: [out('LATENT', 'LATENT')], widgets: [[i('width', 512), i('height', 512), i('batch_size', 1)]], size: [315, 106] },
  RepeatLatentBatch: { inputs: [inp('samples', 'LATENT')], outputs: [out('LATENT', 'LATENT')], widgets: [[i('amount', 1)]], size: [315, 58] },
  VAEEncode: { inputs: [inp('pixels', 'IMAGE'), inp('vae', 'VAE')], outputs: [out('LATENT', 'LATENT')], widgets: [[]], size: [210, 46] },
  VAEDecode: { inputs: [inp('samples', 'LATENT'), inp('vae', 'VAE')], outputs: [out('IMAGE', 'IMAGE')], widgets: [[]], size: [210, 46] },
  LoadImage: { inputs: [], outputs: [out('IMAGE', 'IMAGE'), out('MASK', 'MASK')], widgets: [[s('image', ''), s('upload', 'image')], [s('image', '')]], size: [315, 314] },
  LoadImageMask: { inputs: [], outputs: [out('MASK', 'MASK')], widgets: [[s('image', ''), s('channel', 'alpha'), s('upload', 'image')], [s('image', ''), s('channel', 'alpha')]], size: [315, 318] },
  ImageToMask: { inputs: [inp('image', 'IMAGE')], outputs: [out('MASK', 'MASK')], widgets: [[s('channel', 'red')]], size: [315, 58] },
  InvertMask: { inputs: [inp('mask', 'MASK')], outputs: [out('MASK', 'MASK')], widgets: [[]], size: [210, 26] },
  ImageBatch: { inputs: [inp('image1', 'IMAGE'), inp('image2', 'IMAGE')], outputs: [out('IMAGE', 'IMAGE')], widgets: [[]], size: [210, 46] },
  ImageScale: { inputs: [inp('image', 'IMAGE')], outputs: [out('IMAGE', 'IMAGE')], widgets: [[s('upscale_method', 'bicubic'), i('width', 512), i('height', 512), s('crop', 'center')]], size: [315, 130] },
  SaveImage: { inputs: [inp('images', 'IMAGE')], outputs: [], widgets: [[s('filename_prefix', 'ComfyUI')]], size: [315, 270] },
  PreviewImage: { inputs: [inp('images', 'IMAGE')], outputs: [], widgets: [[]], size: [315, 246] },

  // ComfyUI_IPAdapter_plus v2
  IPAdapterUnifiedLoader: { inputs: [inp('model', 'MODEL'), inp('ipadapter', 'IPADAPTER', true)], outputs: [out('model', 'MODEL'), out('ipadapter', 'IPADAPTER')], widgets: [[s('preset', 'STANDARD (medium strength)')]], size: [315, 78] },
  IPAdapterModelLoader: { inputs: [], outputs: [out('IPADAPTER', 'IPADAPTER')], widgets: [[s('ipadapter_file', '')]], size: [315, 58] },
  IPAdapter: {
    inputs: [inp('model', 'MODEL'), inp('ipadapter', 'IPADAPTER'), inp('image', 'IMAGE'), inp('attn_mask', 'MASK', true)],
    outputs: modelOut,
    widgets: [[f('weight', 1), f('start_at', 0), f('end_at', 1), s('weight_type', 'standard')], [f('weight', 1), f('start_at', 0), f('end_at', 1)]],
    size: [315, 190],
  },
  IPAdapterAdvanced: { inputs: applyInputs, outputs: modelOut, widgets: [[...advancedCommon, s('embeds_scaling', 'V only')], advancedCommon, v1Apply], size: [315, 278] },
  IPAdapterBatch: {
    inputs: applyInputs,
    outputs: modelOut,
    widgets: [
      [f('weight', 1), s('weight_type', 'linear'), f('start_at', 0), f('end_at', 1), s('embeds_scaling', 'V only'), i('encode_batch_size', 0)],
      [f('weight', 1), s('weight_type', 'linear'), f('start_at', 0), f('end_at', 1), s('embeds_scaling', 'V only')],
      [f('weight', 1), s('weight_type', 'linear'), f('start_at', 0), f('end_at', 1)],
    ],
    size: [315, 278],
  },
  IPAdapterMS: {
    inputs: [...applyInputs, inp('insightface', 'INSIGHTFACE', true)],
    outputs: modelOut,
    widgets: [
      [f('weight', 1), f('weight_faceidv2', 1), s('weight_type', 'linear'), s('combine_embeds', 'concat'), f('start_at', 0), f('end_at', 1), s('embeds_scaling', 'V only'), s('layer_weights', '')],
      [f('weight', 1), s('weight_type', 'linear'), s('combine_embeds', 'concat'), f('start_at', 0), f('end_at', 1), s('embeds_scaling', 'V only'), s('layer_weights', '')],
    ],
    size: [315, 390],
  },
  IPAdapterPreciseStyleTransfer: { inputs: applyInputs, outputs: modelOut, widgets: precise('style_boost', 1), size: [315, 278] },
  IPAdapterPreciseStyleTransferBatch: { inputs: applyInputs, outputs: modelOut, widgets: precise('style_boost', 1), size: [315, 278] },
  IPAdapterPreciseComposition: { inputs: applyInputs, outputs: modelOut, widgets: precise('composition_boost', 0), size: [315, 278] },
  IPAdapterPreciseCompositionBatch: { inputs: applyInputs, outputs: modelOut, widgets: precise('composition_boost', 0), size: [315, 278] },
  IPAdapterApply: {
    inputs: [inp('ipadapter', 'IPADAPTER'), inp('clip_vision', 'CLIP_VISION'), inp('image', 'IMAGE'), inp('model', 'MODEL'), inp('attn_mask', 'MASK', true)],
    outputs: modelOut,
    widgets: [v1Apply],
    size: [315, 258],
  },
  IPAdapterEncoder: {
    inputs: [inp('ipadapter', 'IPADAPTER'), inp('image', 'IMAGE'), inp('mask', 'MASK', true), inp('clip_vision', 'CLIP_VISION', true)],
    outputs: [out('pos_embed', 'EMBEDS'), out('neg_embed', 'EMBEDS')],
    widgets: [[f('weight', 1)]],
    size: [315, 118],
  },
  IPAdapterCombineEmbeds: {
    inputs: [inp('embed1', 'EMBEDS'), inp('embed2', 'EMBEDS', true), inp('embed3', 'EMBEDS', true), inp('embed4', 'EMBEDS', true), inp('embed5', 'EMBEDS', true)],
    outputs: [out('EMBEDS', 'EMBEDS')],
    widgets: [[s('method', 'concat')]],
    size: [315, 138],
  },
  IPAdapterEmbeds: {
    inputs: [inp('model', 'MODEL'), inp('ipadapter', 'IPADAPTER'), inp('pos_embed', 'EMBEDS'), inp('neg_embed', 'EMBEDS', true), inp('attn_mask', 'MASK', true), inp('clip_vision', 'CLIP_VISION', true)],
    outputs: modelOut,
    widgets: [
      [f('weight', 1), s('weight_type', 'linear'), f('start_at', 0), f('end_at', 1), s('embeds_scaling', 'V only')],
      [f('weight', 1), s('weight_type', 'linear'), f('start_at', 0), f('end_at', 1)],
    ],
    size: [315, 230],
  },
  IPAdapterNoise: { inputs: [inp('image_optional', 'IMAGE', true)], outputs: [out('IMAGE', 'IMAGE')], widgets: [[s('type', 'fade'), f('strength', 1), i('blur', 0)]], size: [315, 106] },
  PrepImageForClipVision: { inputs: [inp('image', 'IMAGE')], outputs: [out('IMAGE', 'IMAGE')], widgets: [[s('interpolation', 'LANCZOS'), s('crop_position', 'center'), f('sharpening', 0)]], size: [315, 106] },
  IPAdapterRegionalConditioning: {
    inputs: [inp('image', 'IMAGE'), inp('mask', 'MASK', true), inp('positive', 'CONDITIONING', true), inp('negative', 'CONDITIONING', true)],
    outputs: [out('IPADAPTER_PARAMS', 'IPADAPTER_PARAMS'), out('POSITIVE', 'CONDITIONING'), out('NEGATIVE', 'CONDITIONING')],
    widgets: [[f('image_weight', 1), f('prompt_weight', 1), s('weight_type', 'linear'), f('start_at', 0), f('end_at', 1)]],
    size: [315, 222],
  },
  IPAdapterCombineParams: {
    inputs: [inp('params_1', 'IPADAPTER_PARAMS'), inp('params_2', 'IPADAPTER_PARAMS'), inp('params_3', 'IPADAPTER_PARAMS', true), inp('params_4', 'IPADAPTER_PARAMS', true), inp('params_5', 'IPADAPTER_PARAMS', true)],
    outputs: [out('IPADAPTER_PARAMS', 'IPADAPTER_PARAMS')],
    widgets: [[]],
    size: [240, 126],
  },
  IPAdapterFromParams: {
    inputs: [inp('model', 'MODEL'), inp('ipadapter', 'IPADAPTER'), inp('ipadapter_params', 'IPADAPTER_PARAMS'), inp('image_negative', 'IMAGE', true), inp('clip_vision', 'CLIP_VISION', true)],
    outputs: modelOut,
    widgets: [[s('combine_embeds', 'concat'), s('embeds_scaling', 'V only')]],
    size: [315, 146],
  },

  // ComfyUI_essentials (used by the regional example)
  'MaskFromRGBCMYBW+': {
    inputs: [inp('image', 'IMAGE')],
    outputs: MASK_COLORS.map((c) => out(c, 'MASK')),
    widgets: [
      [f('threshold_r', 0.15), f('threshold_g', 0.15), f('threshold_b', 0.15), i('remove_isolated_pixels', 0), b('fill_holes', false)],
      [f('threshold_r', 0.15), f('threshold_g', 0.15), f('threshold_b', 0.15)],
    ],
    size: [315, 262],
  },
  'ConditioningCombineMultiple+': {
    inputs: [1, 2, 3, 4, 5].map((k) => inp(`conditioning_${k}`, 'CONDITIONING', k > 2)),
    outputs: [out('CONDITIONING', 'CONDITIONING')],
    widgets: [[]],
    size: [230, 126],
  },
});

/** Nodes that carry no computation: reroutes, primitives (their value is read by the node they feed), notes. */
export const PRIMITIVE_TYPES = new Set(['PrimitiveNode', 'PrimitiveInt', 'PrimitiveFloat', 'PrimitiveString', 'PrimitiveStringMultiline', 'PrimitiveBoolean']);
export const PASSIVE_TYPES = new Set(['Reroute', 'Note', 'MarkdownNote', ...PRIMITIVE_TYPES]);

/** IPAdapter_plus nodes the lab does not run, with the reason shown to the reader. */
export const UNSUPPORTED_IPADAPTER_NODES: Readonly<Record<string, string>> = Object.freeze({
  IPAdapterFaceID: 'FaceID adapters need InsightFace face embeddings, which the lab does not compute',
  IPAAdapterFaceIDBatch: 'FaceID adapters need InsightFace face embeddings, which the lab does not compute',
  IPAdapterFaceIDKolors: 'FaceID/Kolors adapters are not SD1.5 adapters',
  IPAdapterUnifiedLoaderFaceID: 'FaceID adapters need InsightFace face embeddings, which the lab does not compute',
  IPAdapterInsightFaceLoader: 'InsightFace is not part of the lab',
  IPAdapterUnifiedLoaderCommunity: 'the community presets (Composition, Kolors) are not among the lab\'s models',
  IPAdapterStyleComposition: 'style + composition with two images is an SDXL-only node',
  IPAdapterStyleCompositionBatch: 'style + composition with two images is an SDXL-only node',
  IPAdapterTiled: 'tiled references are not implemented in the lab',
  IPAdapterTiledBatch: 'tiled references are not implemented in the lab',
  IPAdapterClipVisionEnhancer: 'the ClipVision enhancer (tiled encoding) is not implemented in the lab',
  IPAdapterClipVisionEnhancerBatch: 'the ClipVision enhancer (tiled encoding) is not implemented in the lab',
  IPAdapterEmbedsBatch: 'batched pre-computed embeds are not implemented in the lab',
  IPAdapterLoadEmbeds: 'saved .ipadpt embeddings cannot be read by the lab',
  IPAdapterWeights: 'per-frame weight schedules (animation) are not part of the lab',
});

export function schemaOf(type: string): NodeSchema | undefined {
  return Object.prototype.hasOwnProperty.call(NODE_SCHEMAS, type) ? NODE_SCHEMAS[type] : undefined;
}

/** The node types export writes and the structural validator checks counts for. */
export function isKnownType(type: string): boolean {
  return schemaOf(type) !== undefined || PASSIVE_TYPES.has(type);
}

/**
 * Choices ComfyUI checks when a prompt is queued (a value outside the list is refused with
 * "Value not in list"), for the widgets export writes. File-name widgets are open lists.
 */
export const WIDGET_CHOICES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = Object.freeze({
  KSampler: { control_after_generate: CONTROL_VALUES, sampler_name: COMFY_SAMPLERS, scheduler: COMFY_SCHEDULERS },
  IPAdapterUnifiedLoader: {
    preset: ['LIGHT - SD1.5 only (low strength)', 'STANDARD (medium strength)', 'VIT-G (medium strength)', 'PLUS (high strength)', 'PLUS FACE (portraits)', 'FULL FACE - SD1.5 only (portraits stronger)'],
  },
  IPAdapter: { weight_type: Object.keys(SIMPLE_WEIGHT_TYPES) },
  IPAdapterAdvanced: { weight_type: NODE_WEIGHT_TYPES, combine_embeds: NODE_COMBINE_METHODS, embeds_scaling: ['V only', 'K+V', 'K+V w/ C penalty', 'K+mean(V) w/ C penalty'] },
  IPAdapterBatch: { weight_type: NODE_WEIGHT_TYPES, embeds_scaling: ['V only', 'K+V', 'K+V w/ C penalty', 'K+mean(V) w/ C penalty'] },
  IPAdapterMS: { weight_type: NODE_WEIGHT_TYPES, combine_embeds: NODE_COMBINE_METHODS, embeds_scaling: ['V only', 'K+V', 'K+V w/ C penalty', 'K+mean(V) w/ C penalty'] },
  IPAdapterPreciseStyleTransfer: { combine_embeds: NODE_COMBINE_METHODS, embeds_scaling: ['V only', 'K+V', 'K+V w/ C penalty', 'K+mean(V) w/ C penalty'] },
  IPAdapterPreciseStyleTransferBatch: { combine_embeds: NODE_COMBINE_METHODS, embeds_scaling: ['V only', 'K+V', 'K+V w/ C penalty', 'K+mean(V) w/ C penalty'] },
  IPAdapterPreciseComposition: { combine_embeds: NODE_COMBINE_METHODS, embeds_scaling: ['V only', 'K+V', 'K+V w/ C penalty', 'K+mean(V) w/ C penalty'] },
  IPAdapterPreciseCompositionBatch: { combine_embeds: NODE_COMBINE_METHODS, embeds_scaling: ['V only', 'K+V', 'K+V w/ C penalty', 'K+mean(V) w/ C penalty'] },
  IPAdapterNoise: { type: ['fade', 'dissolve', 'gaussian', 'shuffle'] },
  PrepImageForClipVision: { interpolation: ['LANCZOS', 'BICUBIC', 'HAMMING', 'BILINEAR', 'BOX', 'NEAREST'], crop_position: ['top', 'bottom', 'left', 'right', 'center', 'pad'] },
  LoadImageMask: { channel: LOAD_IMAGE_MASK_CHANNELS },
  ImageToMask: { channel: ['red', 'green', 'blue', 'alpha'] },
  ImageScale: { upscale_method: IMAGE_SCALE_METHODS, crop: ['disabled', 'center'] },
});

/** Numeric bounds ComfyUI checks on queue (min, max), for the widgets export writes. */
export const WIDGET_RANGES: Readonly<Record<string, Readonly<Record<string, readonly [number, number]>>>> = Object.freeze({
  KSampler: { seed: [0, 2 ** 64] /* 0xffffffffffffffff as a double */, steps: [1, 10000], cfg: [0, 100], denoise: [0, 1] },
  EmptyLatentImage: { width: [16, 16384], height: [16, 16384], batch_size: [1, 4096] },
  ImageScale: { width: [0, 16384], height: [0, 16384] },
  RepeatLatentBatch: { amount: [1, 64] },
  LoraLoader: { strength_model: [-100, 100], strength_clip: [-100, 100] },
  IPAdapterAdvanced: { weight: [-1, 5], start_at: [0, 1], end_at: [0, 1] },
  IPAdapterBatch: { weight: [-1, 5], start_at: [0, 1], end_at: [0, 1] },
  IPAdapterMS: { weight: [-1, 5], start_at: [0, 1], end_at: [0, 1] },
  IPAdapterPreciseStyleTransfer: { weight: [-1, 5], style_boost: [-5, 5], start_at: [0, 1], end_at: [0, 1] },
  IPAdapterPreciseStyleTransferBatch: { weight: [-1, 5], style_boost: [-5, 5], start_at: [0, 1], end_at: [0, 1] },
  IPAdapterPreciseComposition: { weight: [-1, 5], composition_boost: [-5, 5], start_at: [0, 1], end_at: [0, 1] },
  IPAdapterPreciseCompositionBatch: { weight: [-1, 5], composition_boost: [-5, 5], start_at: [0, 1], end_at: [0, 1] },
  IPAdapterNoise: { strength: [0, 1], blur: [0, 32] },
  PrepImageForClipVision: { sharpening: [0, 1] },
  'MaskFromRGBCMYBW+': { threshold_r: [0, 1], threshold_g: [0, 1], threshold_b: [0, 1] },
});
