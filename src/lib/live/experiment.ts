/**
 * The seed course's layer experiment, run on SD1.5: the same seed and settings, the adapter at
 * ONE cross-attention layer at a time (every other layer 0) at weights 1, 1.5 and 2, next to two
 * controls — no adapter, and every layer at 1 (lesson 9, "Run the experiment yourself").
 *
 * Each cell is expressed the way ComfyUI's Mad Scientist node expresses it: a `layer_weights`
 * string "t:w" with the node weight 1 and weight type linear, written by the pipeline's own
 * `formatLayerWeights` and read back by `madScientistWeights` (src/lib/ipadapter), so the
 * per-layer vector a cell shows is the one the pipeline applies — no second copy of the layer map.
 *
 * The runner goes through the cells one at a time with a `generate(settings, signal)` it is
 * given (the panel owns the worker), reports each cell as it starts, finishes or fails, keeps
 * going after a failed cell, and stops before the next cell once the signal aborts.
 *
 * Pure: no DOM.
 */
import { formatLayerWeights, madScientistWeights } from '../ipadapter/layerWeightsString';
import { IP_LAYERS, layerCount } from '../ipadapter/weightTypes';
import type { AdapterSettings, GenerateSettings } from '../pipeline/settings';
import { WEIGHT_RANGE } from '../pipeline/settings';

export type Bilingual = { en: string; zh: string };

/** The seed's weights. */
export const SEED_WEIGHTS: readonly number[] = [1, 1.5, 2];
/** SD1.5's layers, ComfyUI's transformer_index 0…15. */
export const SD15_LAYERS: readonly number[] = IP_LAYERS.sd15.map((l) => l.index);
/** More cells than this is a mistake, not an experiment (16 layers × 6 weights + 2 controls). */
export const MAX_CELLS = 100;

export interface ExperimentOptions {
  /** Weights per layer; default 1, 1.5, 2. */
  weights?: readonly number[];
  /** ComfyUI layer indices to test; default all 16 of SD1.5. */
  layers?: readonly number[];
  /** Which of `base.adapters` is studied (the others are left out); default 0. */
  adapter?: number;
  /** The no-adapter control; default true. */
  baseline?: boolean;
  /** The every-layer-at-1 control; default true. */
  allLayers?: boolean;
}

export type CellKind = 'baseline' | 'all-layers' | 'layer';

export interface ExperimentCell {
  /** Stable key: `baseline`, `all`, `L3@1.5`. */
  id: string;
  kind: CellKind;
  /** ComfyUI layer index (kind 'layer'); null for the controls. */
  layer: number | null;
  /** The weight at that layer; null for the baseline. */
  weight: number | null;
  /** The Mad Scientist layer_weights string of the cell ('' for the two controls: no adapter; weight 1 linear everywhere). */
  layerWeights: string;
  /** Per-layer weights the pipeline applies (16 values; all 0 for the baseline). */
  vector: number[];
  settings: GenerateSettings;
}

export interface ExperimentIssue {
  code: 'no-adapter' | 'no-such-adapter' | 'no-weights' | 'bad-weight' | 'weight-out-of-range' | 'duplicate-weight'
    | 'no-layers' | 'bad-layer' | 'duplicate-layer' | 'too-many-cells';
  message: Bilingual;
}

export type ExperimentPlan = { ok: true; cells: ExperimentCell[] } | { ok: false; errors: ExperimentIssue[] };

const L = layerCount('sd15');

/** The list of runs. Never throws: a bad option comes back as an issue in both languages. */
export function layerExperiment(base: GenerateSettings, o: ExperimentOptions = {}): ExperimentPlan {
  const weights = o.weights ?? SEED_WEIGHTS;
  const layers = o.layers ?? SD15_LAYERS;
  const which = o.adapter ?? 0;
  const errors: ExperimentIssue[] = [];
  const adapters = Array.isArray(base?.adapters) ? base.adapters : [];
  if (adapters.length === 0) {
    errors.push({ code: 'no-adapter', message: {
      en: 'The experiment needs the IP-Adapter: choose a reference image first (it runs the adapter one layer at a time).',
      zh: '这个实验要用到 IP-Adapter：请先选一张参考图（实验会每次只在一层打开 IP-Adapter）。',
    } });
  } else if (!Number.isInteger(which) || which < 0 || which >= adapters.length) {
    errors.push({ code: 'no-such-adapter', message: {
      en: `There is no adapter ${which + 1}: the settings have ${adapters.length}.`,
      zh: `没有第 ${which + 1} 个 IP-Adapter：当前设置里只有 ${adapters.length} 个。`,
    } });
  }
  const [lo, hi] = WEIGHT_RANGE;
  if (weights.length === 0) errors.push({ code: 'no-weights', message: { en: 'Give at least one weight, e.g. 1, 1.5, 2.', zh: '至少给一个权重，例如 1, 1.5, 2。' } });
  const seenW = new Set<number>();
  for (const w of weights) {
    if (typeof w !== 'number' || !Number.isFinite(w)) {
      errors.push({ code: 'bad-weight', message: { en: `"${String(w)}" is not a number; weights look like 1 or 1.5.`, zh: `“${String(w)}”不是数字；权重写成 1 或 1.5 这样。` } });
    } else if (w < lo || w > hi) {
      errors.push({ code: 'weight-out-of-range', message: {
        en: `Weight ${w} is outside ComfyUI's range ${lo} to ${hi}.`,
        zh: `权重 ${w} 超出了 ComfyUI 允许的范围（${lo} 到 ${hi}）。`,
      } });
    } else if (seenW.has(w)) {
      errors.push({ code: 'duplicate-weight', message: { en: `Weight ${w} is listed twice.`, zh: `权重 ${w} 重复了。` } });
    } else seenW.add(w);
  }
  if (layers.length === 0) errors.push({ code: 'no-layers', message: { en: `Pick at least one layer (SD1.5 has 0–${L - 1}).`, zh: `至少选一层（SD1.5 的层号是 0–${L - 1}）。` } });
  const seenL = new Set<number>();
  for (const t of layers) {
    if (!Number.isInteger(t) || t < 0 || t >= L) {
      errors.push({ code: 'bad-layer', message: {
        en: `There is no layer ${String(t)}: SD1.5's cross-attention layers are 0–${L - 1} (ComfyUI's index).`,
        zh: `没有第 ${String(t)} 层：SD1.5 的交叉注意力层是 0–${L - 1}（ComfyUI 的编号）。`,
      } });
    } else if (seenL.has(t)) {
      errors.push({ code: 'duplicate-layer', message: { en: `Layer ${t} is listed twice.`, zh: `第 ${t} 层重复了。` } });
    } else seenL.add(t);
  }
  const count = layers.length * weights.length + (o.baseline ?? true ? 1 : 0) + (o.allLayers ?? true ? 1 : 0);
  if (count > MAX_CELLS) {
    errors.push({ code: 'too-many-cells', message: {
      en: `That is ${count} generations; at most ${MAX_CELLS} run in one experiment. Use fewer layers or weights.`,
      zh: `这样要生成 ${count} 张图；一次实验最多 ${MAX_CELLS} 张。请减少层数或权重个数。`,
    } });
  }
  if (errors.length) return { ok: false, errors };

  const studied = adapters[which];
  const withAdapter = (layerWeights: string): GenerateSettings => {
    const a: AdapterSettings = { ...studied, weight: 1, weightType: 'linear', layerWeights };
    return { ...base, batchSize: 1, preview: 'none', adapters: [a] };
  };
  const vectorOf = (s: string) => madScientistWeights(s, { type: 'linear', weight: 1, arch: 'sd15' }).weights;
  const cells: ExperimentCell[] = [];
  if (o.baseline ?? true) {
    cells.push({ id: 'baseline', kind: 'baseline', layer: null, weight: null, layerWeights: '', vector: new Array<number>(L).fill(0), settings: { ...base, batchSize: 1, preview: 'none', adapters: [] } });
  }
  if (o.allLayers ?? true) {
    // weight 1, linear, no layer_weights: every layer of whatever UNet runs it (a tiny test UNet too)
    cells.push({ id: 'all', kind: 'all-layers', layer: null, weight: 1, layerWeights: '', vector: vectorOf(''), settings: withAdapter('') });
  }
  for (const t of layers) {
    for (const w of weights) {
      const v = new Array<number>(L).fill(0);
      v[t] = w;
      const s = formatLayerWeights(v);
      cells.push({ id: `L${t}@${w}`, kind: 'layer', layer: t, weight: w, layerWeights: s, vector: vectorOf(s), settings: withAdapter(s) });
    }
  }
  return { ok: true, cells };
}

/** Reads a list like "1, 1.5, 2" (commas, spaces or 、). */
export function parseWeightList(text: string): { ok: true; values: number[] } | { ok: false; error: Bilingual } {
  const parts = text.split(/[\s,，、]+/).filter(Boolean);
  if (parts.length === 0) return { ok: false, error: { en: 'Give at least one weight, e.g. 1, 1.5, 2.', zh: '至少给一个权重，例如 1, 1.5, 2。' } };
  const values: number[] = [];
  for (const p of parts) {
    const v = /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(p) ? Number(p) : NaN;
    if (!Number.isFinite(v)) return { ok: false, error: { en: `"${p}" is not a number; write weights like 1, 1.5, 2.`, zh: `“${p}”不是数字；权重请写成 1, 1.5, 2 这样。` } };
    values.push(v);
  }
  return { ok: true, values };
}

/** Reads a list of layers like "0-3, 6, 9-15" (ranges inclusive; – and ~ work as dashes). */
export function parseLayerList(text: string): { ok: true; values: number[] } | { ok: false; error: Bilingual } {
  const parts = text.split(/[\s,，、]+/).filter(Boolean);
  if (parts.length === 0) return { ok: false, error: { en: `Pick at least one layer (SD1.5 has 0–${L - 1}).`, zh: `至少选一层（SD1.5 的层号是 0–${L - 1}）。` } };
  const values: number[] = [];
  for (const p of parts) {
    const m = /^(\d+)(?:\s*[-–~]\s*(\d+))?$/.exec(p);
    if (!m) return { ok: false, error: { en: `"${p}" is not a layer or a range; write e.g. 0-3, 6, 9-15.`, zh: `“${p}”不是层号或范围；请写成 0-3, 6, 9-15 这样。` } };
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) return { ok: false, error: { en: `"${p}": a range goes from low to high (${b}-${a}).`, zh: `“${p}”：范围要从小写到大（${b}-${a}）。` } };
    for (let t = a; t <= b && values.length <= MAX_CELLS; t++) values.push(t);
  }
  return { ok: true, values };
}

// ---- the runner ----

export type CellStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

export interface CellEvent<I> {
  cell: ExperimentCell;
  index: number;
  status: CellStatus;
  /** status 'done'. */
  image?: I;
  /** status 'failed': what went wrong, as the generate function said it. */
  error?: unknown;
  /** Time the cell took (done or failed). */
  ms?: number;
}

export interface RunSummary {
  done: number;
  failed: number;
  /** Cells not run because the run was cancelled or stopped (the running one included when it stopped). */
  cancelled: number;
  aborted: boolean;
  /** The error that stopped the run (one that `stopOn` said every later cell would hit too), else null. */
  stoppedBy: unknown;
}

export type GenerateFn<I> = (settings: GenerateSettings, signal: AbortSignal) => Promise<I>;

/** Whether an error is the answer to our own cancel (the pipeline client rejects with code 'cancelled'). */
function isAbortError(e: unknown, signal: AbortSignal): boolean {
  if (signal.aborted) return true;
  const x = e as { name?: string; code?: string } | null;
  return !!x && (x.name === 'AbortError' || x.code === 'cancelled');
}

/**
 * Runs the cells in order, one at a time. `onCell` hears every change (running → done/failed,
 * or cancelled). A failed cell does not stop the run — unless `stopOn(error)` says the error
 * will hit every later cell too (the GPU lost, the models released): then the rest are marked
 * cancelled at once instead of failing one by one. After `signal` aborts, no further cell
 * starts; the running one ends as its generate call ends (rejecting → 'cancelled').
 */
export async function runExperiment<I>(
  cells: readonly ExperimentCell[],
  generate: GenerateFn<I>,
  o: { signal?: AbortSignal; onCell?: (e: CellEvent<I>) => void; stopOn?: (error: unknown) => boolean; now?: () => number } = {},
): Promise<RunSummary> {
  const signal = o.signal ?? new AbortController().signal;
  const now = o.now ?? (() => (typeof performance !== 'undefined' ? performance.now() : Date.now()));
  const emit = (e: CellEvent<I>) => { try { o.onCell?.(e); } catch { /* a view's bug must not stop the run */ } };
  const sum: RunSummary = { done: 0, failed: 0, cancelled: 0, aborted: false, stoppedBy: null };
  const skipFrom = (i: number) => {
    for (let j = i; j < cells.length; j++) emit({ cell: cells[j], index: j, status: 'cancelled' });
    sum.cancelled += cells.length - i;
  };
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (signal.aborted) {
      skipFrom(i);
      sum.aborted = true;
      return sum;
    }
    emit({ cell, index: i, status: 'running' });
    const t0 = now();
    try {
      const image = await generate(cell.settings, signal);
      sum.done++;
      emit({ cell, index: i, status: 'done', image, ms: now() - t0 });
    } catch (error) {
      if (isAbortError(error, signal)) {
        sum.cancelled++;
        emit({ cell, index: i, status: 'cancelled' });
      } else {
        sum.failed++;
        emit({ cell, index: i, status: 'failed', error, ms: now() - t0 });
        let stop = false;
        try { stop = !!o.stopOn?.(error); } catch { /* keep going */ }
        if (stop) {
          sum.stoppedBy = error;
          skipFrom(i + 1);
          return sum;
        }
      }
    }
  }
  sum.aborted = signal.aborted;
  return sum;
}

/** Time left, from the mean of the cells so far (null before the first one ends). */
export function timeLeftMs(finishedMs: readonly number[], remaining: number): number | null {
  if (finishedMs.length === 0) return null;
  return (finishedMs.reduce((a, b) => a + b, 0) / finishedMs.length) * remaining;
}
