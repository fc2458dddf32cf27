/**
 * The live panel's state and its bookkeeping. Pure: no DOM.
 *
 * The state IS the ComfyUI bridge's settings (src/lib/comfy/settings.ts: KSampler, the IPAdapter
 * nodes, LoadImage names, LoRAs, img2img), plus the masks painted in the panel, which a workflow
 * only names. So a workflow imports into the panel and exports from it without a second mapping,
 * and the pipeline's GenerateSettings come from comfy's `toGenerateSettings` alone (toGenerate).
 * Pixels (references, mask pictures, the init image) are not state: the panel holds them by name
 * (assets.ts) — a mirror window or a history entry shows the names and asks for the pictures.
 */
import {
  defaultAdapter, defaultBridgeSettings, DEFAULT_PREP, MASK_CHANNELS, toGenerateSettings, UNIFIED_PRESETS,
  type AdapterModelRef, type BridgeAdapter, type BridgeImage, type BridgeLora, type BridgeMask, type BridgeNegative,
  type ComfyBridgeSettings, type MappingIssue, type PipelineAssets, type PrepSettings,
} from '../comfy';
import { MASK_COLORS } from '../comfy/nodeTypes';
import { LAB_LIMITS } from '../comfy/labLimits';
import { COMBINE_METHODS } from '../ipadapter/combineEmbeds';
import { EMBEDS_SCALING_MODES } from '../ipadapter/embedsScaling';
import { NOISE_TYPES } from '../ipadapter/negativeNoise';
import { WEIGHT_TYPES } from '../ipadapter/weightTypes';
import { CROP_POSITIONS, PREP_INTERPOLATIONS } from '../image/prepForClipVision';
import { SCHEDULER_NAMES } from '../schedulers';
import type { GenerateSettings, PromptInput } from '../pipeline/settings';
import { decodeMask, encodeMask, gridSizeFor, regrid } from './maskGrid';

export interface LiveState extends ComfyBridgeSettings {
  /**
   * Masks painted in the panel, by the LoadImage name the adapters' attn_mask gives them:
   * encoded grids (maskGrid.ts). Only masks an adapter uses are kept.
   */
  masks: Record<string, string>;
}

export const SIZES = [64, 128, 256, 320, 384, 448, 512, 576, 640, 704, 768] as const;
/** How many adapters, references per adapter and LoRAs the panel holds (each costs a UNet branch / a file). */
export const MAX_ADAPTERS = 6;
export const MAX_IMAGES = 8;
export const MAX_LORAS = 6;
export const DEFAULT_REFERENCE = 'reference.png';

export function defaultLiveState(): LiveState {
  return {
    ...defaultBridgeSettings(),
    prompt: 'a portrait, best quality', negativePrompt: 'blurry, lowres',
    adapters: [defaultAdapter([{ name: DEFAULT_REFERENCE, prep: { ...DEFAULT_PREP } }])],
    masks: {},
  };
}

// ---- sanitizing (setState, history, storage: anything may come in) ----

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const num = (x: unknown, d: number) => (typeof x === 'number' && Number.isFinite(x) ? x : typeof x === 'string' && x.trim() !== '' && Number.isFinite(Number(x)) ? Number(x) : d);
const oneOf = <T extends string>(x: unknown, list: readonly T[], d: T): T => ((list as readonly unknown[]).includes(x) ? (x as T) : d);
const clampN = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const obj = (x: unknown): Record<string, unknown> => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {});
const list = (x: unknown, max: number): unknown[] => (Array.isArray(x) ? x.slice(0, max) : []);
const text = (x: unknown, d: string, max = 20_000) => (typeof x === 'string' ? x.slice(0, max) : d);
/** A file or image name: non-blank, at most 255 characters (what file systems allow), no prototype keys. */
export function cleanName(x: unknown, d: string): string {
  if (typeof x !== 'string') return d;
  const t = x.trim().slice(0, 255);
  return t && !FORBIDDEN.has(t) ? t : d;
}

function cleanPrep(x: unknown): PrepSettings | null {
  if (x === null) return null;
  const p = obj(x);
  return {
    interpolation: oneOf(p.interpolation, PREP_INTERPOLATIONS, DEFAULT_PREP.interpolation),
    cropPosition: oneOf(p.cropPosition, CROP_POSITIONS, DEFAULT_PREP.cropPosition),
    sharpening: clampN(num(p.sharpening, 0), 0, 1),
  };
}

function cleanImage(x: unknown, d = DEFAULT_REFERENCE): BridgeImage {
  const i = obj(x);
  return { name: cleanName(i.name, d), prep: 'prep' in i ? cleanPrep(i.prep) : { ...DEFAULT_PREP } };
}

function cleanModel(x: unknown): AdapterModelRef {
  const m = obj(x);
  if (m.loader === 'files') return { loader: 'files', ipadapterFile: cleanName(m.ipadapterFile, 'ip-adapter_sd15.safetensors'), clipVisionFile: cleanName(m.clipVisionFile, 'CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors') };
  return { loader: 'unified', preset: oneOf(m.preset, UNIFIED_PRESETS, 'STANDARD (medium strength)'), clipVisionFile: typeof m.clipVisionFile === 'string' ? cleanName(m.clipVisionFile, '') || null : null };
}

function cleanNegative(x: unknown): BridgeNegative {
  const n = obj(x);
  if (n.kind === 'image') return { kind: 'image', image: cleanImage(n.image, 'negative.png') };
  if (n.kind === 'noise') {
    return {
      kind: 'noise', type: oneOf(n.type, NOISE_TYPES, 'fade'), strength: clampN(num(n.strength, 1), 0, 1),
      blur: Math.trunc(clampN(num(n.blur, 0), 0, 32)), image: n.image === null || n.image === undefined ? null : cleanImage(n.image),
    };
  }
  return { kind: 'default' };
}

function cleanMask(x: unknown): BridgeMask | null {
  if (x === null || x === undefined) return null;
  const m = obj(x);
  const image = cleanName(m.image, '');
  if (!image) return null;
  if (m.kind === 'color') {
    const t = list(m.thresholds, 3);
    return { kind: 'color', image, color: oneOf(m.color, MASK_COLORS, 'white'), thresholds: [0, 1, 2].map((k) => clampN(num(t[k], 0.15), 0, 1)) as [number, number, number] };
  }
  return { kind: 'channel', image, channel: oneOf(m.channel, MASK_CHANNELS, 'red') };
}

const boost = (x: unknown) => (x === null || x === undefined ? null : clampN(num(x, 1), -5, 5));

function cleanAdapter(x: unknown): BridgeAdapter {
  const a = obj(x);
  const d = defaultAdapter();
  return {
    model: cleanModel(a.model),
    images: list(a.images, MAX_IMAGES).map((i) => cleanImage(i)),
    weight: clampN(num(a.weight, d.weight), LAB_LIMITS.weight[0], LAB_LIMITS.weight[1]),
    weightType: oneOf(a.weightType, WEIGHT_TYPES, d.weightType),
    combineEmbeds: oneOf(a.combineEmbeds, COMBINE_METHODS, d.combineEmbeds),
    startAt: clampN(num(a.startAt, d.startAt), 0, 1),
    endAt: clampN(num(a.endAt, d.endAt), 0, 1),
    embedsScaling: oneOf(a.embedsScaling, EMBEDS_SCALING_MODES, d.embedsScaling),
    negative: cleanNegative(a.negative),
    attnMask: cleanMask(a.attnMask),
    layerWeights: text(a.layerWeights, '', 2000),
    styleBoost: boost(a.styleBoost),
    compositionBoost: boost(a.compositionBoost),
    unfoldBatch: a.unfoldBatch === true,
  };
}

function cleanLora(x: unknown): BridgeLora {
  const l = obj(x);
  return { name: cleanName(l.name, 'lora.safetensors'), strengthModel: clampN(num(l.strengthModel, 1), -100, 100), strengthClip: clampN(num(l.strengthClip, 1), -100, 100) };
}

/**
 * Repairs a state: unknown values to defaults, numbers into ComfyUI's (or the lab's narrower)
 * ranges, lists to the panel's limits, painted masks that no adapter uses dropped and the others
 * re-gridded to the output size. Sizes are NOT rounded (validateSettings explains a bad one).
 */
export function sanitizeLiveState(input: Partial<LiveState> | unknown): LiveState {
  const s = obj(input);
  const d = defaultLiveState();
  const width = Math.trunc(num(s.width, d.width));
  const height = Math.trunc(num(s.height, d.height));
  const adapters = Array.isArray(s.adapters) ? list(s.adapters, MAX_ADAPTERS).map(cleanAdapter) : d.adapters;
  const grid = gridSizeFor(width, height);
  const masks: Record<string, string> = {};
  const given = obj(s.masks);
  for (const a of adapters) {
    const name = a.attnMask?.image;
    if (!name || masks[name] !== undefined || !Object.prototype.hasOwnProperty.call(given, name)) continue;
    const g = decodeMask(given[name]);
    if (g) masks[name] = encodeMask(regrid(g, grid.width, grid.height));
  }
  return {
    checkpoint: cleanName(s.checkpoint, d.checkpoint),
    loras: list(s.loras, MAX_LORAS).map(cleanLora),
    prompt: text(s.prompt, d.prompt),
    negativePrompt: text(s.negativePrompt, d.negativePrompt),
    seed: Math.trunc(clampN(num(s.seed, d.seed), 0, Number.MAX_SAFE_INTEGER)),
    steps: Math.trunc(clampN(num(s.steps, d.steps), 1, LAB_LIMITS.maxSteps)),
    cfg: clampN(num(s.cfg, d.cfg), 0, 100),
    scheduler: oneOf(s.scheduler, SCHEDULER_NAMES, d.scheduler),
    width, height,
    batchSize: Math.trunc(clampN(num(s.batchSize, 1), 1, LAB_LIMITS.maxBatch)),
    // denoise 0 runs no step (and ComfyUI's steps/denoise divides by it): the lab's floor is 0.01
    denoise: clampN(num(s.denoise, 1), 0.01, 1),
    initImage: s.initImage === null || s.initImage === undefined ? null : cleanName(s.initImage, '') || null,
    adapters,
    masks,
  };
}

// ---- the bridge ----

/** The panel as ComfyUI bridge settings (for export): the state without the painted pixels. */
export function toBridge(s: LiveState): ComfyBridgeSettings {
  const { masks: _masks, ...b } = s;
  return JSON.parse(JSON.stringify(b)) as ComfyBridgeSettings;
}

/**
 * Bridge settings (an imported workflow) into the panel. Everything is kept; `dropped` lists what
 * the panel keeps for export but does not show or run, by ComfyUI's names.
 */
export function fromBridge(b: ComfyBridgeSettings, masks: Record<string, string> = {}): { state: LiveState; dropped: string[] } {
  const state = sanitizeLiveState({ ...b, masks });
  const dropped: string[] = [];
  if (state.batchSize !== 1) dropped.push(`batch_size ${state.batchSize} (kept for export; the panel runs and shows one image)`);
  state.adapters.forEach((a, k) => {
    if (a.unfoldBatch) dropped.push(`adapter ${k + 1}: unfold_batch (IPAdapterBatch; kept for export, the panel runs one image)`);
  });
  return { state, dropped };
}

/** The pipeline's settings for one run, through comfy's one mapping. `prompts` overrides the text (token ids for test networks). */
export function toGenerate(
  s: LiveState, assets: PipelineAssets, prompts?: { prompt: PromptInput; negativePrompt: PromptInput },
): { ok: true; settings: GenerateSettings; warnings: MappingIssue[] } | { ok: false; errors: MappingIssue[]; warnings: MappingIssue[] } {
  const r = toGenerateSettings(toBridge(s), assets);
  if (!r.ok) return r;
  const settings: GenerateSettings = prompts ? { ...r.settings, prompt: prompts.prompt, negativePrompt: prompts.negativePrompt } : r.settings;
  return { ok: true, settings, warnings: r.warnings };
}

// ---- paths: one address for a control, a bridge field and an error ----

type PathKey = string | number;

export function parsePath(path: string): PathKey[] {
  const out: PathKey[] = [];
  for (const m of path.matchAll(/([A-Za-z_]\w*)|\[(\d+)\]/g)) out.push(m[1] ?? Number(m[2]));
  return out;
}

/** The value at `adapters[0].images[1].prep.cropPosition` (undefined when absent). */
export function getAt(o: unknown, path: string): unknown {
  let cur: unknown = o;
  for (const k of parsePath(path)) {
    if (cur === null || typeof cur !== 'object' || (typeof k === 'string' && FORBIDDEN.has(k))) return undefined;
    cur = (cur as Record<PathKey, unknown>)[k];
  }
  return cur;
}

/** A copy of `o` with the value at `path` replaced (intermediate objects copied, never mutated). */
export function setAt<T>(o: T, path: string, value: unknown): T {
  const keys = parsePath(path);
  if (keys.some((k) => typeof k === 'string' && FORBIDDEN.has(k))) return o;
  const put = (cur: unknown, i: number): unknown => {
    if (i === keys.length) return value;
    const k = keys[i];
    const base = Array.isArray(cur) ? cur.slice() : cur && typeof cur === 'object' ? { ...(cur as object) } : typeof k === 'number' ? [] : {};
    (base as Record<PathKey, unknown>)[k] = put((cur as Record<PathKey, unknown> | undefined)?.[k], i + 1);
    return base;
  };
  return put(o, 0) as T;
}

/** A GenerateSettings path (validateSettings, the worker) → the bridge path of the control that sets it. */
export function bridgePath(path: string): string {
  return path
    .replace(/^guidance$/, 'cfg')
    .replace(/^img2img\.strength$/, 'denoise')
    .replace(/^img2img(\.image)?$/, 'initImage')
    .replace(/^(adapters\[\d+\])\.mask\b/, '$1.attnMask')
    .replace(/^(adapters\[\d+\]\.negative)\.image$/, '$1');
}

/** Where an error at `path` can be shown, most specific first: the path, then each parent. */
export function errorTargets(path: string): string[] {
  const p = bridgePath(path);
  const out = [p];
  let cur = p;
  for (;;) {
    const next = cur.replace(/(\.\w+|\[\d+\])$/, '');
    if (next === cur || next === '') break;
    out.push(next);
    cur = next;
  }
  return out;
}

// ---- names ----

/** `name` if no other holder uses it, else "stem (2).ext", "stem (3).ext", … */
export function uniqueName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  for (let k = 2; ; k++) {
    const n = `${stem} (${k})${ext}`;
    if (!taken.has(n)) return n;
  }
}

/** The names the panel gives empty slots ("reference.png", "init (2).png", …): a picked file brings its own name. */
export const isPlaceholderName = (name: string) => /^(reference|init|negative|painted-mask)( \(\d+\))?\.png$/.test(name);

/** Every image name the state uses (references, negative images, mask pictures, the init image). */
export function imageNames(s: ComfyBridgeSettings): Set<string> {
  const out = new Set<string>();
  for (const a of s.adapters) {
    for (const i of a.images) out.add(i.name);
    if (a.negative.kind === 'image') out.add(a.negative.image.name);
    if (a.negative.kind === 'noise' && a.negative.image) out.add(a.negative.image.name);
    if (a.attnMask) out.add(a.attnMask.image);
  }
  if (s.initImage) out.add(s.initImage);
  return out;
}

/** A new adapter for the panel: the first one's model, one empty reference slot. */
export function newAdapter(s: LiveState): BridgeAdapter {
  const a = defaultAdapter([{ name: uniqueName(DEFAULT_REFERENCE, imageNames(s)), prep: { ...DEFAULT_PREP } }]);
  if (s.adapters[0]) a.model = JSON.parse(JSON.stringify(s.adapters[0].model)) as AdapterModelRef;
  return a;
}

// ---- history ----

export interface HistoryEntry {
  at: number;
  state: LiveState;
  /** A small JPEG/PNG data URL (≤ 128 px side). */
  thumb: string;
  ms: number;
}

export const HISTORY_KEY = 'ipa-live-history-v2';
/** Entries saved before the panel's state became the bridge's (flat IPAdapter Advanced fields). */
export const LEGACY_HISTORY_KEY = 'ipa-live-history-v1';
/** At most this many entries and this many characters in storage (thumbnails are small data URLs). */
export const HISTORY_MAX = 24;
export const HISTORY_MAX_CHARS = 1_000_000;

/** A v1 entry's flat state (one adapter, one reference) → the panel's state. */
export function fromLegacyState(x: unknown): LiveState {
  const o = obj(x);
  const d = defaultLiveState();
  const a0 = d.adapters[0];
  const adapter = {
    ...a0, images: [{ name: cleanName(o.referenceName, DEFAULT_REFERENCE), prep: { ...DEFAULT_PREP } }],
    weight: o.weight, weightType: o.weightType, combineEmbeds: o.combineEmbeds, startAt: o.startAt, endAt: o.endAt, embedsScaling: o.embedsScaling,
  };
  return sanitizeLiveState({
    prompt: o.prompt, negativePrompt: o.negativePrompt, seed: o.seed, steps: o.steps, cfg: o.cfg, scheduler: o.scheduler,
    width: o.width, height: o.height, adapters: [adapter],
  });
}

function entries(raw: string | null | undefined, legacy: boolean): HistoryEntry[] {
  const parsed = raw ? (JSON.parse(raw) as unknown) : [];
  if (!Array.isArray(parsed)) return [];
  return parsed
    .filter((e): e is HistoryEntry => !!e && typeof e === 'object' && typeof (e as HistoryEntry).thumb === 'string' && (e as HistoryEntry).thumb.startsWith('data:image/'))
    .map((e) => ({ at: Number(e.at) || 0, ms: Number(e.ms) || 0, thumb: e.thumb, state: legacy ? fromLegacyState(e.state) : sanitizeLiveState(e.state ?? {}) }));
}

/** The saved history; v1 entries (before this state) are read into today's state; anything unreadable is skipped. */
export function readHistory(store: Pick<Storage, 'getItem'> | null): HistoryEntry[] {
  try {
    const now = entries(store?.getItem(HISTORY_KEY), false);
    let old: HistoryEntry[] = [];
    try { old = entries(store?.getItem(LEGACY_HISTORY_KEY), true); } catch { /* a broken v1 list is dropped */ }
    return [...now, ...old].slice(0, HISTORY_MAX);
  } catch {
    return [];
  }
}

/** Newest first; drops the oldest until under the count and size limits; a full storage drops more (never throws). */
export function addHistory(store: Pick<Storage, 'getItem' | 'setItem'> & Partial<Pick<Storage, 'removeItem'>> | null, entry: HistoryEntry): HistoryEntry[] {
  let items = [entry, ...readHistory(store)].slice(0, HISTORY_MAX);
  while (items.length > 1 && JSON.stringify(items).length > HISTORY_MAX_CHARS) items = items.slice(0, -1);
  for (;;) {
    try {
      store?.setItem(HISTORY_KEY, JSON.stringify(items));
      try { store?.removeItem?.(LEGACY_HISTORY_KEY); } catch { /* nothing to migrate again */ }
      return items;
    } catch {
      if (items.length <= 1) return items;
      items = items.slice(0, Math.ceil(items.length / 2));
    }
  }
}

export function clearHistory(store: Pick<Storage, 'removeItem'> | null): void {
  try {
    store?.removeItem(HISTORY_KEY);
    store?.removeItem(LEGACY_HISTORY_KEY);
  } catch { /* private mode */ }
}
