/**
 * Comparing two results: which settings differ, named as ComfyUI names them (node and widget),
 * and how the two images share one frame in the overlay. Works on the panel's state (LiveState,
 * what the history keeps) and on the pipeline's GenerateSettings; keys this table does not know
 * still show up, under their own name, so nothing that differs is hidden.
 *
 * Pure: no DOM.
 */
import { toComfySampler } from '../comfy/samplers';
import { isSchedulerName } from '../schedulers';
import { resolveAdapter, type AdapterSettings } from '../pipeline/settings';
import type { HistoryEntry } from './panel';
import type { ResultImage } from './resultImage';

/** One result: its image and the settings that made it. */
export interface CompareItem {
  image: ResultImage;
  settings: object;
  /** Shown in the pickers; default: "seed …, weight …". */
  label?: string;
}

export interface SettingChange {
  /** The flattened settings key: `weight`, `adapters[0].weight`, `img2img.strength`… */
  key: string;
  /** ComfyUI node title (with "#2" for a second adapter), or 'lab' for what only this lab has. */
  node: string;
  /** The widget's name on that node. */
  widget: string;
  a: string;
  b: string;
  /** The two values print the same (images of one size with other pixels): say so in words. */
  samePreview?: boolean;
  /** The whole node is in one result only (a second adapter): a and b are 'on' or '—'. */
  wholeNode?: boolean;
}

interface Name { node: string; widget: string }

/** Top-level keys (LiveState and GenerateSettings). Order = the order of the list. */
const TOP: Record<string, Name> = {
  checkpoint: { node: 'CheckpointLoaderSimple', widget: 'ckpt_name' },
  loras: { node: 'LoraLoader', widget: 'lora_name, strength_model, strength_clip' },
  prompt: { node: 'CLIPTextEncode (positive)', widget: 'text' },
  negativePrompt: { node: 'CLIPTextEncode (negative)', widget: 'text' },
  seed: { node: 'KSampler', widget: 'seed' },
  steps: { node: 'KSampler', widget: 'steps' },
  cfg: { node: 'KSampler', widget: 'cfg' },
  guidance: { node: 'KSampler', widget: 'cfg' },
  // scheduler: split into sampler_name and scheduler below
  width: { node: 'EmptyLatentImage', widget: 'width' },
  height: { node: 'EmptyLatentImage', widget: 'height' },
  batchSize: { node: 'EmptyLatentImage', widget: 'batch_size' },
  denoise: { node: 'KSampler', widget: 'denoise' },
  initImage: { node: 'LoadImage (init image)', widget: 'image' },
  referenceName: { node: 'LoadImage', widget: 'image' },
  'img2img.strength': { node: 'KSampler', widget: 'denoise' },
  'img2img.image': { node: 'LoadImage (init image)', widget: 'image' },
};

/** IPAdapter fields, in the panel's state (flat) and in GenerateSettings.adapters[i]. */
const ADAPTER: Record<string, string> = {
  weight: 'weight', weightType: 'weight_type', compositionWeight: 'weight_composition', styleBoost: 'style_boost', compositionBoost: 'composition_boost',
  combineEmbeds: 'combine_embeds', startAt: 'start_at', endAt: 'end_at', embedsScaling: 'embeds_scaling', layerWeights: 'layer_weights',
  unfoldBatch: 'unfold_batch', negative: 'image_negative', mask: 'attn_mask', attnMask: 'attn_mask', images: 'image', model: 'preset / ipadapter_file',
};
const ADAPTER_NODE = 'IPAdapter Advanced';
const nodeOfAdapterField = (f: string) => (f === 'layerWeights' ? 'IPAdapter Mad Scientist' : f === 'images' ? 'LoadImage' : f === 'model' ? 'IPAdapter loader' : f === 'styleBoost' ? 'IPAdapter Precise Style Transfer' : f === 'compositionBoost' ? 'IPAdapter Precise Composition' : ADAPTER_NODE);

const ORDER = ['checkpoint', 'loras', 'prompt', 'negativePrompt', 'seed', 'steps', 'cfg', 'guidance', 'scheduler', 'width', 'height', 'batchSize', 'denoise', 'initImage', 'img2img.strength', 'img2img.image',
  'referenceName', ...Object.keys(ADAPTER)];

const isTyped = (v: unknown): v is ArrayLike<number> => ArrayBuffer.isView(v) && !(v instanceof DataView);

/**
 * One level of keys: top-level fields, `adapters[i].field` and `img2img.field`. Everything else
 * (images, masks, the negative image, unknown objects) is one value, compared and shown whole.
 */
function flatten(s: Record<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(s)) {
    if (v === undefined) continue;
    if (k === 'adapters' && Array.isArray(v)) {
      v.forEach((a, i) => {
        if (a && typeof a === 'object') for (const [f, x] of Object.entries(a)) { if (x !== undefined) out.set(`adapters[${i}].${f}`, x); }
        else out.set(`adapters[${i}]`, a);
      });
    } else if (k === 'img2img' && v && typeof v === 'object' && !isTyped(v)) {
      for (const [f, x] of Object.entries(v)) if (x !== undefined) out.set(`img2img.${f}`, x);
    } else out.set(k, v);
  }
  return out;
}

/** Something with pixels (a reference image, a mask): compared and shown whole. */
function isImageLike(v: unknown): boolean {
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return isTyped(o.data) || (!!o.image && typeof o.image === 'object' && isTyped((o.image as Record<string, unknown>).data));
}

function equal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (isTyped(a) && isTyped(b)) {
    if (a.length !== b.length || a.constructor !== b.constructor) return false;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
    return true;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
    const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

/** A short, readable value: long text cut, numbers as written, images by size. */
export function formatValue(v: unknown): string {
  if (v === undefined) return '—';
  if (typeof v === 'string') return v.length > 120 ? `"${v.slice(0, 117)}…"` : `"${v}"`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (isTyped(v)) return `[${v.length} values]`;
  if (isImageLike(v)) {
    const o = v as { width?: number; height?: number; size?: number; image?: { width?: number; height?: number }; data?: unknown };
    const w = o.image?.width ?? o.width ?? o.size;
    const h = o.image?.height ?? o.height ?? o.size;
    return w && h ? `image ${w}×${h}` : 'image';
  }
  if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
  const o = v as Record<string, unknown>;
  // The bridge's objects, in ComfyUI's words
  if (typeof o.name === 'string' && 'prep' in o) {
    const p = o.prep as { interpolation?: string; cropPosition?: string; sharpening?: number } | null;
    return `"${o.name}"${p ? ` (PrepImageForClipVision ${p.interpolation}, ${p.cropPosition}, ${p.sharpening})` : ''}`;
  }
  if (typeof o.name === 'string' && 'strengthModel' in o) return `"${o.name}" ${String(o.strengthModel)}/${String(o.strengthClip)}`;
  if (o.loader === 'unified') return `"${String(o.preset)}"`;
  if (o.loader === 'files') return `"${String(o.ipadapterFile)}" + "${String(o.clipVisionFile)}"`;
  try {
    const s = JSON.stringify(v);
    return s.length > 120 ? `${s.slice(0, 117)}…` : s;
  } catch {
    return String(v);
  }
}

/** GenerateSettings' defaults filled in, so that "left at the default" and "set to the default" agree. */
function normalise(s: object): Record<string, unknown> {
  const o = { ...(s as Record<string, unknown>) };
  if (Array.isArray(o.adapters)) {
    o.batchSize ??= 1;
    o.adapters = (o.adapters as AdapterSettings[]).map((a) => (a && typeof a === 'object' ? resolveAdapter(a) : a));
  }
  return o;
}

function nameOf(key: string): Name {
  if (Object.hasOwn(TOP, key)) return TOP[key];
  const m = /^adapters\[(\d+)\]\.(\w+)$/.exec(key);
  if (m) {
    const n = Number(m[1]);
    const field = m[2];
    const node = nodeOfAdapterField(field) + (n > 0 ? ` #${n + 1}` : '');
    return { node, widget: Object.hasOwn(ADAPTER, field) ? ADAPTER[field] : field };
  }
  if (Object.hasOwn(ADAPTER, key)) return { node: nodeOfAdapterField(key), widget: ADAPTER[key] };
  return { node: 'lab', widget: key };
}

/** Panel order: prompt, KSampler, latent, image-to-image, then each adapter's widgets; unknown keys last. */
function rank(key: string): number {
  const m = /^adapters\[(\d+)\]\.(\w+)/.exec(key);
  if (m) {
    const f = Object.keys(ADAPTER).indexOf(m[2]);
    return 1000 + Number(m[1]) * 100 + (f < 0 ? 99 : f);
  }
  const i = ORDER.indexOf(key);
  return i < 0 ? 1_000_000 : i;
}

/**
 * The settings that differ between two results, in panel order (prompt, KSampler, latent size,
 * IPAdapter…), unknown keys last. A lab scheduler name counts as ComfyUI's two widgets
 * (sampler_name and scheduler), and only the one(s) that changed are listed.
 */
export function diffSettings(a: object, b: object): SettingChange[] {
  const na = normalise(a);
  const nb = normalise(b);
  const fa = flatten(na);
  const fb = flatten(nb);
  const out: SettingChange[] = [];
  // An adapter only one side has is one change, not one per widget.
  const ca = Array.isArray(na.adapters) ? na.adapters.length : 0;
  const cb = Array.isArray(nb.adapters) ? nb.adapters.length : 0;
  const whole: SettingChange[] = [];
  for (let i = Math.min(ca, cb); i < Math.max(ca, cb); i++) {
    for (const m of [fa, fb]) for (const k of [...m.keys()]) if (k.startsWith(`adapters[${i}]`)) m.delete(k);
    const node = ADAPTER_NODE + (i > 0 ? ` #${i + 1}` : '');
    whole.push({ key: `adapters[${i}]`, node, widget: '', a: i < ca ? 'on' : '—', b: i < cb ? 'on' : '—', wholeNode: true });
  }
  const keys = [...new Set([...fa.keys(), ...fb.keys()])];
  keys.sort((x, y) => rank(x) - rank(y) || (x < y ? -1 : x > y ? 1 : 0));
  for (const key of keys) {
    const va = fa.get(key);
    const vb = fb.get(key);
    if (equal(va, vb)) continue;
    if (key === 'scheduler' && isSchedulerName(va) && isSchedulerName(vb)) {
      const pa = toComfySampler(va);
      const pb = toComfySampler(vb);
      if (pa.sampler_name !== pb.sampler_name) out.push({ key, node: 'KSampler', widget: 'sampler_name', a: `"${pa.sampler_name}"`, b: `"${pb.sampler_name}"` });
      if (pa.scheduler !== pb.scheduler) out.push({ key, node: 'KSampler', widget: 'scheduler', a: `"${pa.scheduler}"`, b: `"${pb.scheduler}"` });
      continue;
    }
    const n = key === 'scheduler' ? { node: 'KSampler', widget: 'sampler_name + scheduler' } : nameOf(key);
    const c: SettingChange = { key, ...n, a: formatValue(va), b: formatValue(vb) };
    if (c.a === c.b) c.samePreview = true;
    out.push(c);
  }
  return [...out, ...whole];
}

// ---- the overlay ----

export interface CompareFrame {
  /** Aspect ratio (width / height) of the shared frame: A's. */
  aspect: number;
  sameSize: boolean;
  /** The two aspects differ by more than 1 %: B is stretched to A's frame in the overlay. */
  stretched: boolean;
}

/** How two images of given sizes share one frame. */
export function compareFrame(a: { width: number; height: number }, b: { width: number; height: number }): CompareFrame {
  const ra = a.width / a.height;
  const rb = b.width / b.height;
  return { aspect: ra, sameSize: a.width === b.width && a.height === b.height, stretched: Math.abs(ra / rb - 1) > 0.01 };
}

/** The slider (0…100, % of the width showing A from the left) → the CSS clip of A over B. */
export function splitClip(percent: number): string {
  const p = Number.isFinite(percent) ? Math.min(100, Math.max(0, percent)) : 50;
  return `inset(0 ${+(100 - p).toFixed(3)}% 0 0)`;
}

/** A history entry as a compare item (the panel's history keeps LiveState and a thumbnail). */
export function compareItemFromHistory(e: HistoryEntry): CompareItem {
  return { image: e.thumb, settings: e.state };
}
