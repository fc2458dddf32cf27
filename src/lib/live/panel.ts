/**
 * The live panel's state (ComfyUI's names: KSampler + IPAdapter Advanced), its mapping to the
 * ComfyUI bridge and to the pipeline's GenerateSettings, and the local history. Pure: no DOM.
 */
import { defaultAdapter, defaultBridgeSettings, DEFAULT_PREP, type ComfyBridgeSettings } from '../comfy';
import { COMBINE_METHODS, type CombineMethod } from '../ipadapter/combineEmbeds';
import { EMBEDS_SCALING_MODES, type EmbedsScaling } from '../ipadapter/embedsScaling';
import { WEIGHT_TYPES, type WeightType } from '../ipadapter/weightTypes';
import { SCHEDULER_NAMES, type SchedulerName } from '../schedulers';
import type { GenerateSettings, PromptInput } from '../pipeline/settings';
import type { RgbImage } from '../image';

export interface LiveState {
  prompt: string;
  negativePrompt: string;
  seed: number;
  steps: number;
  cfg: number;
  scheduler: SchedulerName;
  width: number;
  height: number;
  weight: number;
  weightType: WeightType;
  combineEmbeds: CombineMethod;
  startAt: number;
  endAt: number;
  embedsScaling: EmbedsScaling;
  /** The reference image's file name (LoadImage's image widget). */
  referenceName: string;
}

export const SIZES = [64, 128, 256, 320, 384, 448, 512, 576, 640, 704, 768] as const;

export function defaultLiveState(): LiveState {
  return {
    prompt: 'a portrait, best quality', negativePrompt: 'blurry, lowres', seed: 0, steps: 20, cfg: 7, scheduler: 'dpmpp_2m_karras',
    width: 512, height: 512, weight: 1, weightType: 'linear', combineEmbeds: 'concat', startAt: 0, endAt: 1, embedsScaling: 'V only', referenceName: 'reference.png',
  };
}

const num = (x: unknown, d: number) => (typeof x === 'number' && Number.isFinite(x) ? x : typeof x === 'string' && x.trim() !== '' && Number.isFinite(Number(x)) ? Number(x) : d);
const oneOf = <T extends string>(x: unknown, list: readonly T[], d: T): T => ((list as readonly unknown[]).includes(x) ? (x as T) : d);
const clampN = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Repairs a state: unknown values to defaults, numbers into ComfyUI's ranges. Sizes are NOT rounded (validateSettings explains a bad one). */
export function sanitizeLiveState(s: Partial<LiveState>): LiveState {
  const d = defaultLiveState();
  return {
    prompt: typeof s.prompt === 'string' ? s.prompt : d.prompt,
    negativePrompt: typeof s.negativePrompt === 'string' ? s.negativePrompt : d.negativePrompt,
    seed: Math.trunc(clampN(num(s.seed, d.seed), 0, Number.MAX_SAFE_INTEGER)),
    steps: Math.trunc(clampN(num(s.steps, d.steps), 1, 1000)),
    cfg: clampN(num(s.cfg, d.cfg), 0, 100),
    scheduler: oneOf(s.scheduler, SCHEDULER_NAMES, d.scheduler),
    width: Math.trunc(num(s.width, d.width)),
    height: Math.trunc(num(s.height, d.height)),
    weight: clampN(num(s.weight, d.weight), -1, 5),
    weightType: oneOf(s.weightType, WEIGHT_TYPES, d.weightType),
    combineEmbeds: oneOf(s.combineEmbeds, COMBINE_METHODS, d.combineEmbeds),
    startAt: clampN(num(s.startAt, d.startAt), 0, 1),
    endAt: clampN(num(s.endAt, d.endAt), 0, 1),
    embedsScaling: oneOf(s.embedsScaling, EMBEDS_SCALING_MODES, d.embedsScaling),
    referenceName: typeof s.referenceName === 'string' && s.referenceName ? s.referenceName : d.referenceName,
  };
}

/** The panel as ComfyUI bridge settings (one adapter, one reference image, PrepImageForClipVision's defaults). */
export function toBridge(s: LiveState, checkpoint = 'dreamshaper_8.safetensors'): ComfyBridgeSettings {
  const b = defaultBridgeSettings();
  const a = defaultAdapter([{ name: s.referenceName, prep: { ...DEFAULT_PREP } }]);
  return {
    ...b, checkpoint, prompt: s.prompt, negativePrompt: s.negativePrompt, seed: s.seed, steps: s.steps, cfg: s.cfg, scheduler: s.scheduler, width: s.width, height: s.height,
    adapters: [{ ...a, weight: s.weight, weightType: s.weightType, combineEmbeds: s.combineEmbeds, startAt: s.startAt, endAt: s.endAt, embedsScaling: s.embedsScaling }],
  };
}

/** Bridge settings into the panel; what the panel cannot show is listed (by name) in `dropped`. */
export function fromBridge(b: ComfyBridgeSettings): { state: LiveState; dropped: string[] } {
  const a = b.adapters[0];
  const dropped: string[] = [];
  if (b.adapters.length > 1) dropped.push(`${b.adapters.length - 1} more IPAdapter node(s) (this panel runs one)`);
  if (a && a.images.length > 1) dropped.push(`${a.images.length - 1} more reference image(s)`);
  if (a?.attnMask) dropped.push('attn_mask');
  if (a && a.negative.kind !== 'default') dropped.push('image_negative');
  if (a?.layerWeights) dropped.push('layer_weights');
  if (b.loras.length) dropped.push(`LoRA: ${b.loras.map((l) => l.name).join(', ')}`);
  if (b.initImage) dropped.push(`image-to-image (${b.initImage})`);
  if (b.batchSize !== 1) dropped.push(`batch_size ${b.batchSize}`);
  const state = sanitizeLiveState({
    prompt: b.prompt, negativePrompt: b.negativePrompt, seed: b.seed, steps: b.steps, cfg: b.cfg, scheduler: b.scheduler, width: b.width, height: b.height,
    ...(a ? { weight: a.weight, weightType: a.weightType, combineEmbeds: a.combineEmbeds, startAt: a.startAt, endAt: a.endAt, embedsScaling: a.embedsScaling, referenceName: a.images[0]?.name } : {}),
  });
  return { state, dropped };
}

/** The pipeline's settings for one run. `prompts` overrides the text (token ids for test networks with their own vocabulary). */
export function toGenerate(s: LiveState, reference: RgbImage | null, prompts?: { prompt: PromptInput; negativePrompt: PromptInput }): GenerateSettings {
  return {
    prompt: prompts?.prompt ?? s.prompt, negativePrompt: prompts?.negativePrompt ?? s.negativePrompt,
    width: s.width, height: s.height, steps: s.steps, guidance: s.cfg, scheduler: s.scheduler, seed: s.seed,
    adapters: reference ? [{
      images: [{ image: reference, prep: { ...DEFAULT_PREP } }],
      weight: s.weight, weightType: s.weightType, combineEmbeds: s.combineEmbeds, startAt: s.startAt, endAt: s.endAt, embedsScaling: s.embedsScaling,
    }] : [],
  };
}

/** validateSettings paths → the panel's field names. */
export function fieldOf(path: string): keyof LiveState | 'reference' | null {
  const map: Record<string, keyof LiveState> = {
    prompt: 'prompt', negativePrompt: 'negativePrompt', width: 'width', height: 'height', steps: 'steps', guidance: 'cfg', scheduler: 'scheduler', seed: 'seed',
  };
  if (map[path]) return map[path];
  const m = /^adapters\[0\]\.(\w+)/.exec(path);
  if (m) {
    const f = m[1];
    if (f === 'images') return 'reference';
    if (['weight', 'weightType', 'combineEmbeds', 'startAt', 'endAt', 'embedsScaling'].includes(f)) return f as keyof LiveState;
  }
  return null;
}

// ---- history ----

export interface HistoryEntry {
  at: number;
  state: LiveState;
  /** A small JPEG/PNG data URL (≤ 128 px side). */
  thumb: string;
  ms: number;
}

export const HISTORY_KEY = 'ipa-live-history-v1';
/** At most this many entries and this many characters in storage (thumbnails are small data URLs). */
export const HISTORY_MAX = 24;
export const HISTORY_MAX_CHARS = 1_000_000;

export function readHistory(store: Pick<Storage, 'getItem'> | null): HistoryEntry[] {
  try {
    const raw = store?.getItem(HISTORY_KEY);
    const list = raw ? (JSON.parse(raw) as unknown) : [];
    if (!Array.isArray(list)) return [];
    return list.filter((e): e is HistoryEntry => !!e && typeof e === 'object' && typeof (e as HistoryEntry).thumb === 'string' && (e as HistoryEntry).thumb.startsWith('data:image/'))
      .map((e) => ({ at: Number(e.at) || 0, ms: Number(e.ms) || 0, thumb: e.thumb, state: sanitizeLiveState(e.state ?? {}) }));
  } catch {
    return [];
  }
}

/** Newest first; drops the oldest until under the count and size limits; a full storage drops more (never throws). */
export function addHistory(store: Pick<Storage, 'getItem' | 'setItem'> | null, entry: HistoryEntry): HistoryEntry[] {
  let list = [entry, ...readHistory(store)].slice(0, HISTORY_MAX);
  while (list.length > 1 && JSON.stringify(list).length > HISTORY_MAX_CHARS) list = list.slice(0, -1);
  for (;;) {
    try {
      store?.setItem(HISTORY_KEY, JSON.stringify(list));
      return list;
    } catch {
      if (list.length <= 1) return list;
      list = list.slice(0, Math.ceil(list.length / 2));
    }
  }
}
