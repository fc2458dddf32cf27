/**
 * Model names as ComfyUI workflows write them → which of the lab's models they are.
 *
 * IPAdapterUnifiedLoader presets pick files by pattern (ComfyUI_IPAdapter_plus utils.py
 * get_ipadapter_file / get_clipvision_file); the same patterns classify the file names that
 * IPAdapterModelLoader and CLIPVisionLoader hold. Checkpoint names are only names: an SDXL model
 * is recognised by the usual words in its file name, and said so.
 */

/** IPAdapterUnifiedLoader's presets, exactly as the node lists them. */
export const UNIFIED_PRESETS = [
  'LIGHT - SD1.5 only (low strength)',
  'STANDARD (medium strength)',
  'VIT-G (medium strength)',
  'PLUS (high strength)',
  'PLUS FACE (portraits)',
  'FULL FACE - SD1.5 only (portraits stronger)',
] as const;
export type UnifiedPreset = (typeof UNIFIED_PRESETS)[number];

export function isUnifiedPreset(x: unknown): x is UnifiedPreset {
  return typeof x === 'string' && (UNIFIED_PRESETS as readonly string[]).includes(x);
}

/** The lab's adapter variants (shared/reference/ipadapter.md §2). */
export type AdapterVariant = 'light' | 'standard' | 'vit-g' | 'plus' | 'plus-face' | 'full-face';
export type ClipVisionVariant = 'vit-h' | 'vit-bigg';

export interface PresetFiles {
  variant: AdapterVariant;
  /** The SD1.5 file the preset loads (h94/IP-Adapter `models/`). */
  ipadapterFile: string;
  clipVision: ClipVisionVariant;
}

export const PRESET_FILES: Readonly<Record<UnifiedPreset, PresetFiles>> = {
  'LIGHT - SD1.5 only (low strength)': { variant: 'light', ipadapterFile: 'ip-adapter_sd15_light_v11.bin', clipVision: 'vit-h' },
  'STANDARD (medium strength)': { variant: 'standard', ipadapterFile: 'ip-adapter_sd15.safetensors', clipVision: 'vit-h' },
  'VIT-G (medium strength)': { variant: 'vit-g', ipadapterFile: 'ip-adapter_sd15_vit-G.safetensors', clipVision: 'vit-bigg' },
  'PLUS (high strength)': { variant: 'plus', ipadapterFile: 'ip-adapter-plus_sd15.safetensors', clipVision: 'vit-h' },
  'PLUS FACE (portraits)': { variant: 'plus-face', ipadapterFile: 'ip-adapter-plus-face_sd15.safetensors', clipVision: 'vit-h' },
  'FULL FACE - SD1.5 only (portraits stronger)': { variant: 'full-face', ipadapterFile: 'ip-adapter-full-face_sd15.safetensors', clipVision: 'vit-h' },
};

/** File names users keep the encoders under (models/clip_vision). */
export const CLIP_VISION_FILES: Readonly<Record<ClipVisionVariant, string>> = {
  'vit-h': 'CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors',
  'vit-bigg': 'CLIP-ViT-bigG-14-laion2B-39B-b160k.safetensors',
};

/** The preset for a variant (export writes it when the panel's choice is a preset). */
export function presetFor(variant: AdapterVariant): UnifiedPreset {
  return (Object.keys(PRESET_FILES) as UnifiedPreset[]).find((p) => PRESET_FILES[p].variant === variant)!;
}

/** Closest preset for a name the node does not offer (a typo, a renamed preset, a FaceID one). */
export function closestPreset(name: string): UnifiedPreset {
  const n = name.toLowerCase();
  if (n.startsWith('light')) return 'LIGHT - SD1.5 only (low strength)';
  if (n.startsWith('vit-g')) return 'VIT-G (medium strength)';
  if (n.startsWith('plus face') || n.includes('face') && n.includes('plus')) return 'PLUS FACE (portraits)';
  if (n.startsWith('full')) return 'FULL FACE - SD1.5 only (portraits stronger)';
  if (n.startsWith('plus')) return 'PLUS (high strength)';
  return 'STANDARD (medium strength)';
}

export type FileClass<V> = { ok: true; variant: V } | { ok: false; reason: string; closest: V | null };

/** An IP-Adapter file name → variant, with the same patterns as the unified loader. */
export function classifyIpadapterFile(file: string): FileClass<AdapterVariant> {
  const f = file.toLowerCase();
  if (/faceid|portrait/.test(f)) return { ok: false, reason: `"${file}" is a FaceID/portrait adapter; those need InsightFace face embeddings, which the lab does not compute.`, closest: 'plus-face' };
  if (/sdxl|_xl|xl_/.test(f)) return { ok: false, reason: `"${file}" is an SDXL adapter; the lab runs SD1.5, whose cross-attention takes 768-wide tokens, not SDXL's 2048.`, closest: f.includes('plus') ? 'plus' : 'standard' };
  if (/composition/.test(f)) return { ok: false, reason: `"${file}" (community composition adapter) is not among the lab's models.`, closest: 'plus' };
  if (/sd15.light/.test(f)) return { ok: true, variant: 'light' };
  if (/full.face.sd15/.test(f)) return { ok: true, variant: 'full-face' };
  if (/plus.face.sd15/.test(f)) return { ok: true, variant: 'plus-face' };
  if (/plus.sd15/.test(f)) return { ok: true, variant: 'plus' };
  if (/sd15.vit.g/.test(f)) return { ok: true, variant: 'vit-g' };
  if (/ip.adapter.sd15\.(safetensors|bin)$/.test(f) || /ip.adapter.sd15$/.test(f)) return { ok: true, variant: 'standard' };
  return { ok: false, reason: `"${file}" is not a file name the lab recognises as one of the SD1.5 IP-Adapters (standard, light, plus, plus-face, full-face, vit-G).`, closest: f.includes('plus') ? 'plus' : 'standard' };
}

/** A CLIP vision file name → the encoder, as get_clipvision_file matches it. */
export function classifyClipVisionFile(file: string): FileClass<ClipVisionVariant> {
  if (/ViT.bigG.14|ipadapter.*sdxl|sdxl.*model\.(bin|safetensors)/i.test(file)) return { ok: true, variant: 'vit-bigg' };
  if (/ViT.H.14|ipadapter.*sd15|sd1.?5.*model\.(bin|safetensors)|image.encoder/i.test(file)) return { ok: true, variant: 'vit-h' };
  if (/ViT.L.14|clip.vit.l/i.test(file)) return { ok: false, reason: `"${file}" is CLIP ViT-L, which no SD1.5 IP-Adapter was trained with (they use ViT-H, or ViT-bigG for vit-G).`, closest: 'vit-h' };
  return { ok: false, reason: `"${file}" is not a CLIP vision file name the lab recognises (CLIP-ViT-H-14-laion2B-s32B-b79K or CLIP-ViT-bigG-14-laion2B-39B-b160k).`, closest: 'vit-h' };
}

/** Words that mark a checkpoint as not SD1.5 (a name heuristic, said so in the message). */
export function checkpointArchProblem(name: string): string | null {
  const n = name.toLowerCase();
  if (/sdxl|sd_xl|xl([^a-z]|$)|(^|[^a-z])(pony|illustrious|noobai|playground)([^a-z]|$)/.test(n)) {
    return `"${name}" looks like an SDXL checkpoint (from its name); the lab runs SD1.5 models. Pick an SD1.5 checkpoint (Dreamshaper 8 or SD1.5) in the panel.`;
  }
  if (/(^|[^a-z])(flux|sd3|sd_3|sd35|cascade|hunyuan|ltx|auraflow)([^a-z]|$)/.test(n)) {
    return `"${name}" does not look like an SD1.5 checkpoint (from its name); the lab runs SD1.5 models.`;
  }
  return null;
}
