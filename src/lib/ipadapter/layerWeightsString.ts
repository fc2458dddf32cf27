/**
 * The `layer_weights` string of ComfyUI's "IPAdapter Mad Scientist" node: "idx:val, idx:val, …"
 * gives layer idx the weight val·weight; unlisted layers get 0. A non-empty string turns the
 * weight type into 'linear' unless it is one of the two "precise" types, whose cond/uncond
 * swap still applies.
 *
 * ComfyUI parses it with int()/float() and raises (or silently ignores an index it does not
 * have). Here user input never throws: every problem comes back as an error that quotes the
 * entry and, for indices, states the valid range.
 */
import { layerCount, layerWeightsFor, swapsCondUncond, type Arch, type WeightType } from './weightTypes';

export type LayerWeightsErrorCode =
  | 'empty-entry'
  | 'missing-colon'
  | 'too-many-colons'
  | 'bad-index'
  | 'index-out-of-range'
  | 'bad-value'
  | 'duplicate-index';

export interface LayerWeightsError {
  code: LayerWeightsErrorCode;
  /** The entry as written (trimmed), e.g. "3:x". */
  entry: string;
  /** 1-based position of the entry in the comma-separated list. */
  position: number;
  /** A readable English message naming the entry (and the valid range for index errors). */
  message: string;
}

export interface LayerWeightsParse {
  ok: boolean;
  /** True when the string has no entries (empty or whitespace): ComfyUI then ignores layer_weights. */
  blank: boolean;
  /** Per-layer values as written (before × weight), unlisted layers 0; null when there are errors. */
  values: number[] | null;
  /** Which layers the string names. */
  listed: boolean[];
  errors: LayerWeightsError[];
}

const INDEX_RE = /^\d+$/;
const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a layer_weights string for an architecture (valid indices 0…15 for SD1.5, 0…10 for SDXL). */
export function parseLayerWeights(input: string, arch: Arch): LayerWeightsParse {
  const n = layerCount(arch);
  const range = `0–${n - 1}`;
  const archName = arch === 'sd15' ? 'SD1.5' : 'SDXL';
  const values = new Array<number>(n).fill(0);
  const listed = new Array<boolean>(n).fill(false);
  const errors: LayerWeightsError[] = [];
  const text = typeof input === 'string' ? input : '';
  if (text.trim() === '') return { ok: true, blank: true, values, listed, errors };

  const firstPosition = new Map<number, number>();
  text.split(',').forEach((raw, i) => {
    const entry = raw.trim();
    const position = i + 1;
    const fail = (code: LayerWeightsErrorCode, message: string) => errors.push({ code, entry, position, message });
    if (entry === '') {
      fail('empty-entry', `Entry ${position} is empty (two commas in a row, or a comma at the start or end). Write entries as "index:value", separated by commas.`);
      return;
    }
    const parts = entry.split(':');
    if (parts.length < 2) {
      fail('missing-colon', `"${entry}" (entry ${position}) has no ":". Write it as "index:value", e.g. "3:1.0"; separate entries with commas.`);
      return;
    }
    if (parts.length > 2) {
      fail('too-many-colons', `"${entry}" (entry ${position}) has more than one ":". Write one "index:value" per entry and separate entries with commas.`);
      return;
    }
    const idxText = parts[0].trim();
    const valText = parts[1].trim();
    let idx: number | null = null;
    if (!INDEX_RE.test(idxText)) {
      fail('bad-index', `"${entry}" (entry ${position}): the layer index "${idxText}" is not a whole number. ${archName} layer indices are ${range}.`);
    } else {
      idx = Number(idxText);
      if (idx > n - 1) {
        fail('index-out-of-range', `"${entry}" (entry ${position}): there is no layer ${idx}. ${archName} layer indices are ${range}.`);
        idx = null;
      }
    }
    const value = NUMBER_RE.test(valText) ? Number(valText) : NaN;
    if (!Number.isFinite(value)) {
      fail('bad-value', `"${entry}" (entry ${position}): the weight "${valText}" is not a number (write e.g. 1, 0.5 or -0.2).`);
      return;
    }
    if (idx === null) return;
    const seen = firstPosition.get(idx);
    if (seen !== undefined) {
      fail('duplicate-index', `"${entry}" (entry ${position}) sets layer ${idx} again (entry ${seen} already did). Give each layer once.`);
      return;
    }
    firstPosition.set(idx, position);
    values[idx] = value;
    listed[idx] = true;
  });
  if (errors.length > 0) return { ok: false, blank: false, values: null, listed, errors };
  return { ok: true, blank: false, values, listed, errors };
}

export interface MadScientistPlan {
  ok: boolean;
  /** Final per-layer weights (0 = layer skipped). On errors, the weight type's own weights, so a preview still shows something. */
  weights: number[];
  /** The weight type ComfyUI ends up using: 'linear' when layer_weights is used, unless precise. */
  effectiveType: WeightType;
  /** Layers where the reference becomes the negative (precise types only). */
  swapCondUncond: boolean[];
  /** True when the layer_weights string was used. */
  usedLayerWeights: boolean;
  errors: LayerWeightsError[];
}

/**
 * What the Mad Scientist node does with (weight_type, weight, layer_weights): per-layer weights,
 * effective type and swap layers. A blank string means the weight type applies as usual.
 */
export function madScientistWeights(
  layerWeights: string,
  opts: { type: WeightType; weight: number; arch: Arch; compositionWeight?: number; styleBoost?: number; compositionBoost?: number },
): MadScientistPlan {
  const parsed = parseLayerWeights(layerWeights, opts.arch);
  const precise = opts.type === 'style transfer precise' || opts.type === 'composition precise';
  if (parsed.blank || !parsed.ok) {
    return {
      ok: parsed.ok,
      weights: layerWeightsFor(opts.type, opts),
      effectiveType: opts.type,
      swapCondUncond: swapsCondUncond(opts.type, opts.arch),
      usedLayerWeights: false,
      errors: parsed.errors,
    };
  }
  const effectiveType: WeightType = precise ? opts.type : 'linear';
  return {
    ok: true,
    weights: (parsed.values as number[]).map((v) => v * opts.weight),
    effectiveType,
    swapCondUncond: swapsCondUncond(effectiveType, opts.arch),
    usedLayerWeights: true,
    errors: [],
  };
}

/** Formats a per-layer vector back into a layer_weights string (non-zero layers only). */
export function formatLayerWeights(values: readonly number[]): string {
  return values
    .map((v, i) => [i, v] as const)
    .filter(([, v]) => v !== 0)
    .map(([i, v]) => `${i}:${v}`)
    .join(', ');
}
