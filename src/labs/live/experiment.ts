/**
 * Layer experiment view: the seed course's one-layer-at-a-time grid (src/lib/live/experiment.ts)
 * run through the panel's generator. Rows are layers, columns weights, two controls above; cells
 * fill in as results come, a failed cell says why and the run goes on, Cancel stops before the
 * next cell.
 *
 *   const view = mountExperiment(host, {
 *     base: settingsNow,                      // GenerateSettings with the adapter (toGenerate)
 *     generate: (s, signal) => client.generate(s, { signal }).then((r) => chwToRgba(r.images, r.width, r.height)),
 *   });
 *   view.update({ base: newSettings });       // the panel's settings changed
 *   await view.run();  view.cancel();  view.destroy();
 */
import type { LabLang } from '../../lib/labs/format';
import { IP_LAYERS } from '../../lib/ipadapter/weightTypes';
import type { GenerateSettings } from '../../lib/pipeline/settings';
import {
  layerExperiment, parseLayerList, parseWeightList, runExperiment, SD15_LAYERS, SEED_WEIGHTS, timeLeftMs,
  type CellEvent, type ExperimentCell, type GenerateFn, type RunSummary,
} from '../../lib/live/experiment';
import type { ResultImage } from '../../lib/live/resultImage';
import { pipelineErrorMessage } from '../../lib/pipeline/errorMessages';
import { fill, pick } from '../shared/base';
import { h, nextId } from '../shared/dom';
import { RESULT_STRINGS } from './results-strings';
import { formatDuration, imageElement, injectResultsCss, langOf, type MountedView } from './results-dom';

export interface ExperimentViewOptions {
  /** The panel's settings now, adapter included; null while there are none (no reference yet). */
  base: GenerateSettings | null;
  /** One generation; null while the models are not loaded. Reject with `{ code: 'cancelled' }` or an AbortError when the signal aborts. */
  generate: GenerateFn<ResultImage> | null;
  /** Default 1, 1.5, 2. */
  weights?: readonly number[];
  /** ComfyUI layer indices; default 0–15. */
  layers?: readonly number[];
  /** The two controls; default both on. */
  baseline?: boolean;
  allLayers?: boolean;
  /** Which adapter of `base` is studied; default 0. */
  adapter?: number;
  lang?: LabLang;
  /** Hears the end of each run (finished or cancelled). */
  onFinish?: (summary: RunSummary) => void;
  /** Hears each image as it arrives (e.g. to keep it in the history, or offer it to the compare view). */
  onCellDone?: (cell: ExperimentCell, image: ResultImage) => void;
}

export interface ExperimentView extends MountedView<Partial<ExperimentViewOptions>> {
  /** Starts a run (as the Run button does); null when it cannot start. */
  run(): Promise<RunSummary | null>;
  /** Stops the run before its next cell. */
  cancel(): void;
  readonly running: boolean;
}

export function mountExperiment(host: HTMLElement, options: ExperimentViewOptions): ExperimentView {
  injectResultsCss();
  let o: ExperimentViewOptions = { ...options };
  const lang = langOf(o.lang);
  const t = pick(RESULT_STRINGS, lang);
  let ac: AbortController | null = null;
  let cells: ExperimentCell[] = [];
  const cellEls = new Map<string, HTMLElement>();
  const headingId = nextId('lr-exp');

  const textField = (label: string, help: string, value: string, name: string) => {
    const id = nextId(`lr-exp-${name}`);
    const helpId = `${id}-help`;
    const errId = `${id}-err`;
    const input = h('input', { type: 'text', id, name, value, 'aria-describedby': `${helpId} ${errId}`, 'data-experiment': name, spellcheck: 'false', autocomplete: 'off' });
    const err = h('p', { class: 'lr-error', id: errId, 'aria-live': 'polite' });
    input.addEventListener('change', () => plan());
    return { input, err, el: h('div', { class: 'lab-field' }, h('label', { for: id }, label), input, h('p', { class: 'lab-note', id: helpId }, help), err) };
  };
  const check = (label: string, on: boolean, name: string) => {
    const input = h('input', { type: 'checkbox', 'data-experiment': name });
    input.checked = on;
    input.addEventListener('change', () => plan());
    return { input, el: h('label', { class: 'lab-radio' }, input, ` ${label}`) };
  };
  const wField = textField(t.expWeights, t.expWeightsHelp, (o.weights ?? SEED_WEIGHTS).join(', '), 'weights');
  const lField = textField(t.expLayers, t.expLayersHelp, compactLayers(o.layers ?? SD15_LAYERS), 'layers');
  const cBase = check(t.expBaseline, o.baseline ?? true, 'baseline');
  const cAll = check(t.expAllLayers, o.allLayers ?? true, 'all-layers');
  const runBtn = h('button', { type: 'button', class: 'btn btn-primary', 'data-experiment': 'run' }, t.expRun);
  const cancelBtn = h('button', { type: 'button', class: 'btn', 'data-experiment': 'cancel', disabled: true }, t.expCancel);
  const planErr = h('p', { class: 'lr-error', 'data-experiment': 'errors', 'aria-live': 'polite' });
  const progress = h('progress', { class: 'lr-progress', max: 1, value: 0, 'data-experiment': 'progress' });
  const status = h('p', { class: 'lab-summary', 'aria-live': 'polite', 'data-experiment': 'status' });
  const progressId = nextId('lr-exp-progress');
  progress.id = progressId;
  progress.setAttribute('aria-labelledby', `${headingId} ${progressId}-label`);
  const progressLabel = h('span', { id: `${progressId}-label`, class: 'lr-cap' });
  const grid = h('div', { class: 'lr-grid-wrap', 'data-experiment': 'grid' });
  const root = h('section', { class: 'lr-root', 'data-results': 'experiment', 'aria-labelledby': headingId },
    h('h4', { id: headingId }, t.expTitle),
    h('p', { class: 'lab-note' }, t.expIntro),
    h('div', { class: 'lr-row' }, wField.el, lField.el, h('fieldset', { class: 'lab-field lab-radios' }, h('legend', {}, t.expControls), cBase.el, cAll.el)),
    h('div', { class: 'lab-buttons' }, runBtn, cancelBtn),
    planErr,
    h('div', {}, progress, ' ', progressLabel),
    status, grid);
  host.append(root);

  runBtn.addEventListener('click', () => void run());
  cancelBtn.addEventListener('click', () => cancel());

  /** Whether the grid shows a run's results (kept until the reader changes the plan or runs again). */
  let shown = false;

  /** Reads the fields into a plan; shows what is wrong. */
  function plan(): boolean {
    shown = false;
    wField.err.textContent = '';
    lField.err.textContent = '';
    wField.input.removeAttribute('aria-invalid');
    lField.input.removeAttribute('aria-invalid');
    planErr.textContent = '';
    const w = parseWeightList(wField.input.value);
    const l = parseLayerList(lField.input.value);
    if (!w.ok) { wField.err.textContent = w.error[lang]; wField.input.setAttribute('aria-invalid', 'true'); }
    if (!l.ok) { lField.err.textContent = l.error[lang]; lField.input.setAttribute('aria-invalid', 'true'); }
    cells = [];
    if (w.ok && l.ok) {
      const p = layerExperiment(o.base ?? { prompt: '', width: 64, height: 64, steps: 1, guidance: 1, scheduler: 'euler', seed: 0, adapters: [] }, {
        weights: w.values, layers: l.values, baseline: cBase.input.checked, allLayers: cAll.input.checked, adapter: o.adapter,
      });
      if (p.ok) cells = p.cells;
      else {
        for (const e of p.errors) {
          const field = /weight/.test(e.code) ? wField : /layer|cells/.test(e.code) ? lField : null;
          if (field) { field.err.textContent = [field.err.textContent, e.message[lang]].filter(Boolean).join(' '); field.input.setAttribute('aria-invalid', 'true'); }
          else planErr.textContent = e.message[lang];
        }
      }
    }
    if (!o.generate && !planErr.textContent) planErr.textContent = t.expNoGenerate;
    buildGrid();
    progress.max = Math.max(1, cells.length);
    progress.value = 0;
    progressLabel.textContent = fill(t.expProgress, { done: 0, total: cells.length });
    if (cells.length) say(fill(t.expIdle, { n: cells.length }));
    syncButtons();
    return cells.length > 0;
  }

  function syncButtons(): void {
    const busy = !!ac;
    runBtn.disabled = busy || cells.length === 0 || !o.generate || !o.base;
    cancelBtn.disabled = !busy;
    for (const i of [wField.input, lField.input, cBase.input, cAll.input]) i.disabled = busy;
  }

  function cellLabel(c: ExperimentCell): string {
    if (c.kind === 'baseline') return t.expCellBaseline;
    if (c.kind === 'all-layers') return t.expCellAll;
    return fill(t.expCellLayer, { layer: c.layer!, weight: c.weight! });
  }

  function cellEl(c: ExperimentCell): HTMLElement {
    const el = h('div', { class: 'lr-cell', 'data-cell': c.id, 'data-status': 'pending' },
      h('div', { class: 'lr-slot' }, t.expPending),
      h('span', { class: 'lr-cell-label' }, c.kind === 'layer' ? h('code', {}, c.layerWeights) : cellLabel(c)));
    cellEls.set(c.id, el);
    return el;
  }

  function rowHead(layer: number): string {
    const info = IP_LAYERS.sd15[layer];
    const block = { input: t.expBlockInput, middle: t.expBlockMiddle, output: t.expBlockOutput }[info.block];
    return `${layer} · ${block} · ${info.width}`;
  }

  function buildGrid(): void {
    cellEls.clear();
    grid.replaceChildren();
    if (!cells.length) return;
    const controls = cells.filter((c) => c.kind !== 'layer');
    const layerCells = cells.filter((c) => c.kind === 'layer');
    const weights = [...new Set(layerCells.map((c) => c.weight!))];
    const layers = [...new Set(layerCells.map((c) => c.layer!))];
    if (controls.length) {
      grid.append(h('div', { class: 'lr-row', 'data-experiment': 'controls', role: 'group', 'aria-label': t.expControls }, ...controls.map(cellEl)));
    }
    if (layerCells.length) {
      const byKey = new Map(layerCells.map((c) => [`${c.layer}@${c.weight}`, c]));
      const seed = o.base?.seed ?? 0;
      grid.append(h('table', { class: 'lr-grid' },
        h('caption', {}, fill(t.expGridCaption, { seed })),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t.expLayerHead), ...weights.map((w) => h('th', { scope: 'col' }, fill(t.expWeightHead, { w }))))),
        h('tbody', {}, ...layers.map((l) => h('tr', {},
          h('th', { scope: 'row' }, rowHead(l)),
          ...weights.map((w) => h('td', {}, cellEl(byKey.get(`${l}@${w}`)!))))))));
    }
  }

  /** The pipeline's error codes (src/lib/pipeline/protocol.ts, errorMessages.ts) in the reader's language, then the worker's own words. */
  function errorText(e: unknown): string {
    const x = e as { message?: string; code?: string; messages?: Partial<Record<LabLang, string>> } | null;
    if (x?.messages?.[lang]) return x.messages[lang]!;
    const msg = typeof x?.message === 'string' ? x.message : String(e);
    const explained = x?.code ? pipelineErrorMessage(x.code, lang) : null;
    if (explained) return explained.title;
    const known: Record<string, string> = { busy: t.errBusy, 'not-loaded': t.errNotLoaded, 'invalid-settings': t.errInvalid, runtime: t.errRuntime };
    const what = x?.code ? known[x.code] : undefined;
    return what ? `${what}: ${msg}` : x?.code ? `${msg} (${x.code})` : msg;
  }

  /** Errors after which every later cell would fail the same way: the run stops and says what to do. */
  const stopOn = (e: unknown) => {
    const code = (e as { code?: string } | null)?.code;
    return !!code && (code === 'not-loaded' || pipelineErrorMessage(code, lang) !== null);
  };

  function show(e: CellEvent<ResultImage>): void {
    if (e.status !== 'running') shown = true;
    const el = cellEls.get(e.cell.id);
    if (!el) return;
    el.dataset.status = e.status;
    const slot = el.firstElementChild as HTMLElement;
    if (e.status === 'done' && e.image !== undefined) {
      const img = imageElement(e.image, `${cellLabel(e.cell)}${e.cell.layerWeights ? ` (layer_weights ${e.cell.layerWeights})` : ''}`);
      img.setAttribute('data-cell-image', '');
      slot.replaceWith(img);
      return;
    }
    slot.textContent = e.status === 'running' ? t.expRunning : e.status === 'failed' ? fill(t.expFailed, { error: errorText(e.error) }) : e.status === 'cancelled' ? t.expCellCancelled : t.expPending;
    if (e.status === 'failed') slot.setAttribute('role', 'note');
  }

  async function run(): Promise<RunSummary | null> {
    if (ac || !o.generate || !o.base) return null;
    if (!plan()) return null;
    const generate = o.generate;
    const todo = cells;
    const controller = (ac = new AbortController());
    syncButtons();
    if (document.activeElement === runBtn || !root.contains(document.activeElement)) cancelBtn.focus();
    const times: number[] = [];
    let finished = 0;
    const summary = await runExperiment(todo, generate, {
      signal: controller.signal,
      stopOn,
      onCell: (e) => {
        show(e);
        if (e.status === 'done' && e.image !== undefined) {
          try { o.onCellDone?.(e.cell, e.image); } catch { /* the caller's problem, not the run's */ }
        }
        if (e.status === 'done' || e.status === 'failed') {
          finished++;
          if (e.ms !== undefined) times.push(e.ms);
          progress.value = finished;
          const left = timeLeftMs(times, todo.length - finished);
          progressLabel.textContent = left !== null && finished < todo.length
            ? fill(t.expProgressLeft, { done: finished, total: todo.length, time: formatDuration(left, lang) })
            : fill(t.expProgress, { done: finished, total: todo.length });
        }
      },
    });
    const focusWasCancel = document.activeElement === cancelBtn;
    ac = null;
    syncButtons();
    if (focusWasCancel) runBtn.focus();
    if (summary.stoppedBy !== null) {
      const code = (summary.stoppedBy as { code?: string } | null)?.code ?? '';
      const m = pipelineErrorMessage(code, lang);
      say(fill(t.expStopped, { done: summary.done, total: todo.length, why: m ? `${m.title} ${m.action}` : errorText(summary.stoppedBy) }));
    } else {
      say(summary.aborted ? fill(t.expCancelled, { done: summary.done + summary.failed, total: todo.length }) : fill(t.expDone, { done: summary.done, failed: summary.failed }));
    }
    try { o.onFinish?.(summary); } catch { /* the caller's problem, not the run's */ }
    return summary;
  }

  function cancel(): void {
    ac?.abort();
  }

  function say(text: string): void {
    if (status.textContent !== text) status.textContent = text;
  }

  plan();
  return {
    run,
    cancel,
    get running() { return !!ac; },
    update(patch) {
      o = { ...o, ...patch };
      if (patch.weights) wField.input.value = patch.weights.join(', ');
      if (patch.layers) lField.input.value = compactLayers(patch.layers);
      if (patch.baseline !== undefined) cBase.input.checked = patch.baseline;
      if (patch.allLayers !== undefined) cAll.input.checked = patch.allLayers;
      // a new base or generator does not disturb a grid that is filling in, nor wipe a finished one
      // (the panel sends its settings after every change; Run plans again with the latest)
      const inputsOnly = Object.keys(patch).every((k) => k === 'base' || k === 'generate');
      if (!ac && !(inputsOnly && shown)) plan(); else syncButtons();
    },
    destroy() {
      ac?.abort();
      root.remove();
    },
  };
}

/** [0,1,2,3,6] → "0-3, 6". */
function compactLayers(layers: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < layers.length; ) {
    let j = i;
    while (j + 1 < layers.length && layers[j + 1] === layers[j] + 1) j++;
    out.push(j > i ? `${layers[i]}-${layers[j]}` : String(layers[i]));
    i = j + 1;
  }
  return out.join(', ');
}
