/**
 * The live panel's result views, wired to the panel: compare two results, the seed's layer
 * experiment, and attention maps. The views themselves (compare.ts, experiment.ts,
 * attention-view.ts) know nothing of the panel; this file feeds them the panel's results, its
 * current settings and its pipeline client.
 *
 * Full-size results of this visit are kept in memory (at most SESSION_MAX) so that the compare
 * view shows real pixels; older history entries come in as their thumbnails.
 */
import type { GenerateSettings } from '../../lib/pipeline/settings';
import type { AttentionMapRequest, AttentionMaps } from '../../lib/pipeline/attentionMaps';
import type { HistoryEntry, LiveState } from '../../lib/live/panel';
import { compareItemFromHistory, type CompareItem } from '../../lib/live/compare';
import type { GenerateFn } from '../../lib/live/experiment';
import { chwToRgba, type RgbaImage, type ResultImage } from '../../lib/live/resultImage';
import type { LabLang } from '../../lib/labs/format';
import { h, nextId } from '../shared/dom';
import { pick } from '../shared/base';
import { mountCompare } from './compare';
import { mountExperiment, type ExperimentView } from './experiment';
import { mountAttentionView } from './attention-view';
import type { MountedView } from './results-dom';

const SESSION_MAX = 60;
/** SD1.5's 16 cross-attention layers in ComfyUI's order (the attention map's layer choice). */
const LAYERS = 16;

const STRINGS = {
  en: {
    title: 'Compare, experiment, look inside',
    record: 'Record attention maps of the next generation',
    recordLayer: 'Layer (ComfyUI index)',
    recordHelp: 'The UNet is rebuilt once with probe outputs for this layer (more GPU memory); the maps come from the last step.',
    attnNone: 'Tick “Record attention maps” and generate: the maps of the chosen layer appear here.',
    experimentNotReady: 'Load the models and give the adapter a reference image: the experiment then runs with the panel’s settings.',
    experimentCell: 'layer experiment:',
  },
  zh: {
    title: '对比、实验、看进去',
    record: '下一次生成时记录注意力图',
    recordLayer: '层（ComfyUI 编号）',
    recordHelp: 'UNet 会为这一层重建一次、带上探针输出（多占一些显存）；注意力图取自最后一步。',
    attnNone: '勾选“记录注意力图”后生成，所选层的注意力图会显示在这里。',
    experimentNotReady: '先加载模型并给 IP-Adapter 一张参考图，实验就会用面板上的设置运行。',
    experimentCell: '分层实验：',
  },
};

export interface ResultsOptions {
  lang: LabLang;
  /** The panel's pipeline settings now, or null when they are not runnable yet. */
  base: () => GenerateSettings | null;
  /** One generation through the panel's client; null while no models are loaded. */
  generate: () => GenerateFn<ResultImage> | null;
  /** The experiment started or finished a run (the panel disables its own Generate meanwhile). */
  onBusy: (busy: boolean) => void;
}

export interface ResultsSection {
  el: HTMLElement;
  /** What to record in the next generation (settings.attention), if the reader asked. */
  attentionRequest(): AttentionMapRequest | undefined;
  /** A finished generation of the panel. */
  addResult(r: { at: number; state: LiveState; images: Float32Array; width: number; height: number; attention?: AttentionMaps[] }): void;
  /** The history changed (newest first). */
  setHistory(items: readonly HistoryEntry[]): void;
  /** Models loaded or released, settings changed: the experiment's inputs follow. */
  refresh(): void;
  readonly experimentRunning: boolean;
  /** The panel left the page: stop a running experiment (the views stay, the panel may come back). */
  stop(): void;
  destroy(): void;
}

export function createResultsSection(o: ResultsOptions): ResultsSection {
  const t = pick(STRINGS, o.lang);
  const session = new Map<number, { image: RgbaImage; state: LiveState }>();
  let history: readonly HistoryEntry[] = [];
  let extra: CompareItem[] = [];

  const compareHost = h('div', { 'data-live': 'compare' });
  const experimentHost = h('div', { 'data-live': 'experiment' });
  const attentionHost = h('div', { 'data-live': 'attention' });
  const notReady = h('p', { class: 'live-muted', 'data-live': 'experiment-not-ready' }, t.experimentNotReady);

  const recordId = nextId('live-attn-rec');
  const layerId = nextId('live-attn-layer');
  const record = h('input', { type: 'checkbox', id: recordId, 'data-live': 'attention-record' });
  const layer = h('select', { id: layerId, 'data-live': 'attention-layer', 'aria-describedby': `${layerId}-help` },
    ...Array.from({ length: LAYERS }, (_, i) => h('option', { value: String(i) }, String(i))));
  layer.value = '10'; // SD1.5 up2 (1/16 of the picture): detailed enough to read, cheap to record
  const attnEmpty = h('p', { class: 'live-muted', 'data-live': 'attention-empty' }, t.attnNone);

  // A new result is compared with the one before it (a = 1, b = 0, newest first).
  const compareItems = (): CompareItem[] => {
    const fromHistory = history.map((e) => {
      const full = session.get(e.at);
      return full ? { image: full.image, settings: full.state } : compareItemFromHistory(e);
    });
    return [...extra, ...fromHistory];
  };
  const compare: MountedView<{ items?: readonly CompareItem[]; a?: number; b?: number }> = mountCompare(compareHost, { items: compareItems(), lang: o.lang });

  let experiment: ExperimentView;
  const refresh = () => {
    const base = o.base();
    const generate = o.generate();
    notReady.hidden = !!(base && generate);
    if (!experiment.running) experiment.update({ base, generate });
  };
  experiment = mountExperiment(experimentHost, {
    base: null, generate: null, lang: o.lang,
    onCellDone: (cell, image) => {
      // experiment images join the compare list (newest first) for this visit, not the stored history
      if (typeof image === 'string') return;
      extra = [{ image, settings: cell.settings, label: `${t.experimentCell} ${cell.id}` }, ...extra].slice(0, SESSION_MAX);
      compare.update({ items: compareItems(), a: 1, b: 0 });
    },
    onFinish: () => { o.onBusy(false); refresh(); },
  });
  // A run starts from the view's own button (its listener runs first and sets `running`): the
  // panel hears it here and keeps its Generate off until onFinish.
  experimentHost.addEventListener('click', (e) => {
    if ((e.target as HTMLElement).closest('[data-experiment="run"]')) o.onBusy(experiment.running);
  });

  let attention: MountedView<Record<string, unknown>> | null = null;

  const el = h('section', { class: 'live-results-views', 'data-live': 'results-views' },
    h('h3', {}, t.title),
    compareHost,
    notReady, experimentHost,
    h('fieldset', { 'data-live': 'attention-maps' },
      h('legend', {}, 'Attention'),
      h('div', { class: 'live-row' },
        h('label', { for: recordId }, record, ` ${t.record}`),
        h('label', { for: layerId }, t.recordLayer), layer),
      h('p', { class: 'live-muted', id: `${layerId}-help` }, t.recordHelp),
      attnEmpty, attentionHost));

  return {
    el,
    attentionRequest: () => (record.checked ? { layers: [Number(layer.value)] } : undefined),
    addResult(r) {
      const image = chwToRgba(r.images, r.width, r.height);
      session.set(r.at, { image, state: r.state });
      if (session.size > SESSION_MAX) session.delete(session.keys().next().value as number);
      compare.update({ items: compareItems(), a: 1, b: 0 });
      if (r.attention?.length) {
        attnEmpty.hidden = true;
        const prompt = r.state.prompt;
        const opts = { maps: r.attention, image, lang: o.lang };
        if (attention) attention.update(opts);
        else attention = mountAttentionView(attentionHost, opts) as MountedView<Record<string, unknown>>;
        // words instead of token numbers, once the tokenizer's vocabulary is here (lazy, ~170 kB)
        void import('../../lib/tokenizer').then(async ({ loadClipTokenizer }) => {
          const tok = await loadClipTokenizer();
          const enc = tok.encodeForSD15(prompt);
          attention?.update({ text: { pieces: enc.tokens, offsets: enc.offsets, prompt } });
        }).catch(() => { /* token numbers stay */ });
      }
      refresh();
    },
    setHistory(items) {
      history = items;
      compare.update({ items: compareItems(), a: 1, b: 0 });
    },
    refresh,
    get experimentRunning() { return experiment.running; },
    stop() { experiment.cancel(); },
    destroy() {
      experiment.cancel();
      experiment.destroy();
      compare.destroy();
      attention?.destroy();
    },
  };
}

