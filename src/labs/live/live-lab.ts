/**
 * <ipa-lab-live>: SD1.5 + IP-Adapter in this page. Capability check first (src/lib/live/capability),
 * then the weights (the reader's files or the downloads page's cache: models.ts), the KSampler
 * inputs, the IP-Adapters (references.ts, with masks.ts and layer-grid.ts), image to image
 * (img2img.ts), Generate with a per-step preview, Cancel, a local history and the ComfyUI bridge.
 *
 * The state is the ComfyUI bridge's settings (src/lib/live/panel.ts): every control is bound to
 * a path in it (`data-path`), an imported workflow simply becomes the state, and the pipeline's
 * settings come from comfy's one mapping (toGenerate → toGenerateSettings).
 *
 * Other modules mount into `resultsSlot` (after the output and the history) and listen for
 * `live:result` events ({ state, width, height, images }).
 *
 * For tests and instructors with other networks: `element.advanced = { loadOptions, prompts }`
 * (tiny test networks need their own configs and token ids).
 */
import type { LabName } from '../contract';
import { LabBase, define, fill, pick } from '../shared/base';
import { h, nextId } from '../shared/dom';
import { STRINGS } from './strings';
import { decideCapability, defaultMemoryBudget, formatGB, GALLERY_FALLBACK, probeWebGpu, type Capability } from '../../lib/live/capability';
import {
  addHistory, clearHistory, errorTargets, fromBridge, getAt, imageNames, readHistory, sanitizeLiveState, setAt, SIZES, toBridge, toGenerate,
  defaultLiveState, cleanName, isPlaceholderName, uniqueName, type HistoryEntry, type LiveState,
} from '../../lib/live/panel';
import { branchModelsFor, panelAssets, resolveAdapterModel, type LoadedAdapterFile, type Picture } from '../../lib/live/assets';
import { slowGpuReason, withFastPath } from '../../lib/live/fastPath';
import { exportWorkflow, importWorkflow, type BridgeLora, type MappingIssue } from '../../lib/comfy';
import { decodeImageFile } from '../../lib/image';
import { validateSettings, type PromptInput } from '../../lib/pipeline/settings';
import { PipelineClient, PipelineClientError } from '../../lib/pipeline/client';
import type { LoadOptions } from '../../lib/pipeline/protocol';
import { SCHEDULER_NAMES } from '../../lib/schedulers';
import { createAdaptersSection } from './references';
import { createImg2imgSection } from './img2img';
import { createModelsSection, type ModelsSection } from './models';
import { drawChw, field, numberInput, selectOf, type PanelCtx, type Section, type T } from './ui';
import { createResultsSection, type ResultsSection } from './results';
import { chwToRgba } from '../../lib/live/resultImage';
import { PIPELINE_ERROR_MESSAGES, type RecoverableCode } from '../../lib/pipeline/errorMessages';
import type { GenerateSettings } from '../../lib/pipeline/settings';

const STYLE = `
ipa-lab-live .live-grid { display: grid; gap: 0.75rem; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); }
ipa-lab-live .live-grid-tight { grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: 0.25rem 0.75rem; }
ipa-lab-live fieldset { border: 1px solid var(--border); border-radius: var(--radius, 6px); padding: 0.5rem 0.75rem; margin: 0 0 0.75rem; min-width: 0; }
ipa-lab-live fieldset.live-adapter { border-width: 2px; }
ipa-lab-live legend { font-weight: 600; padding: 0 0.25rem; }
ipa-lab-live .live-f { display: flex; flex-direction: column; gap: 0.2rem; margin-bottom: 0.5rem; min-width: 0; }
ipa-lab-live .live-check label { display: flex; gap: 0.4rem; align-items: center; }
ipa-lab-live .live-f input, ipa-lab-live .live-f select, ipa-lab-live .live-f textarea, ipa-lab-live .live-layer-cell input { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--border); border-radius: 4px; padding: 0.25rem 0.4rem; max-width: 100%; }
ipa-lab-live :is(input, select, textarea, button, summary, canvas):focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
ipa-lab-live .live-err { color: var(--danger, #b3261e); font-size: 0.9rem; margin: 0; }
ipa-lab-live .live-err:empty { display: none; }
ipa-lab-live .live-warn { border-left: 4px solid var(--accent); padding: 0.25rem 0.6rem; margin: 0.4rem 0; }
ipa-lab-live .live-blocked { border-left: 4px solid var(--danger, #b3261e); padding: 0.25rem 0.6rem; margin: 0.4rem 0; }
ipa-lab-live .live-muted { color: var(--muted); font-size: 0.9rem; }
ipa-lab-live canvas, ipa-lab-live img.live-thumb { image-rendering: pixelated; border: 1px solid var(--border); background: var(--surface); max-width: 100%; }
ipa-lab-live .live-out canvas { width: 256px; height: 256px; object-fit: contain; }
ipa-lab-live .live-crop { width: 112px; height: 112px; }
ipa-lab-live .live-mask { width: 256px; max-width: 100%; height: auto; touch-action: none; cursor: crosshair; }
ipa-lab-live .live-fig { margin: 0.25rem 0; }
ipa-lab-live .live-refs { display: grid; gap: 0.5rem; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); }
ipa-lab-live .live-layer-grid { display: flex; flex-wrap: wrap; gap: 0.5rem; }
ipa-lab-live .live-layer-group { display: grid; grid-template-columns: repeat(auto-fill, minmax(6.5rem, 1fr)); gap: 0.25rem; flex: 1 1 14rem; border: 1px dashed var(--border); padding: 0.25rem; border-radius: 4px; }
ipa-lab-live .live-layer-cell { display: flex; flex-direction: column; font-size: 0.8rem; }
ipa-lab-live .live-layer-cell input { width: 100%; }
ipa-lab-live .live-row { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin: 0.5rem 0; }
ipa-lab-live .live-history { list-style: none; padding: 0; display: grid; gap: 0.5rem; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); }
ipa-lab-live .live-history li { border: 1px solid var(--border); border-radius: 4px; padding: 0.3rem; font-size: 0.85rem; }
ipa-lab-live .live-history img { width: 100%; height: auto; }
ipa-lab-live button { font: inherit; cursor: pointer; color: var(--fg); background: var(--surface); border: 1px solid var(--border); border-radius: 4px; padding: 0.3rem 0.7rem; }
ipa-lab-live button.live-primary { background: var(--accent); color: var(--accent-fg); border-color: var(--accent); }
ipa-lab-live button:disabled { opacity: 0.55; cursor: not-allowed; }
@media (prefers-reduced-motion: reduce) { ipa-lab-live * { transition: none !important; animation: none !important; scroll-behavior: auto !important; } }
`;

export interface LiveAdvanced {
  loadOptions?: LoadOptions;
  prompts?: { prompt: PromptInput; negativePrompt: PromptInput };
}

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

class LiveLab extends LabBase<LiveState> {
  readonly lab = 'live' as LabName;
  advanced: LiveAdvanced = {};
  /** Where other views (compare, experiments, attention maps) mount, after the output and history. */
  resultsSlot!: HTMLElement;
  private t: T = STRINGS.en;
  private cap: Capability | null = null;
  private client: PipelineClient | null = null;
  private loaded: { adapters: LoadedAdapterFile[]; loras: BridgeLora[] } | null = null;
  private readonly pictures = new Map<string, Picture>();
  private running: AbortController | null = null;
  /** The reader or a presenter set something: the capability check no longer picks the fast path. */
  private touched = false;
  private sections: Section[] = [];
  private models!: ModelsSection;
  private results: ResultsSection | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private el!: Record<'cap' | 'status' | 'preview' | 'result' | 'wfReport' | 'history', HTMLElement>;
  private btn!: Record<'generate' | 'cancel', HTMLButtonElement>;

  protected defaults(): LiveState { return defaultLiveState(); }
  protected sanitize(s: LiveState): LiveState { return sanitizeLiveState(s); }

  protected build(body: HTMLElement): void {
    const t = (this.t = pick(STRINGS, this.lng));
    if (!document.getElementById('ipa-lab-live-css')) document.head.append(h('style', { id: 'ipa-lab-live-css' }, STYLE));
    const canvas = (label: string, live: string) => h('canvas', { width: 64, height: 64, role: 'img', 'aria-label': label, 'data-live': live });
    this.el = {
      cap: h('div', { 'data-live': 'capability', 'aria-live': 'polite' }, h('p', { class: 'live-muted' }, t.capChecking)),
      status: h('p', { 'data-live': 'status', 'aria-live': 'polite' }),
      preview: canvas(fill(t.previewAlt, { step: 0 }), 'preview'),
      result: canvas(t.summaryIdle, 'result'),
      wfReport: h('ul', { 'data-live': 'workflow-report', 'aria-live': 'polite' }),
      history: h('ul', { class: 'live-history', 'data-live': 'history' }),
    };
    this.btn = {
      generate: h('button', { type: 'button', class: 'live-primary', 'data-live': 'generate', disabled: true }, t.generate),
      cancel: h('button', { type: 'button', 'data-live': 'cancel', disabled: true }, t.cancel),
    };
    this.btn.generate.addEventListener('click', () => void this.run());
    this.btn.cancel.addEventListener('click', () => this.running?.abort());

    const ctx: PanelCtx = {
      t, lng: this.lng,
      state: () => this.state,
      update: (next) => { this.touched = true; this.update(next); },
      pictures: this.pictures,
      pickPicture: (file, errorFor, current) => this.pickPicture(file, errorFor, current),
      loadedAdapters: () => this.loaded?.adapters ?? [],
      reducedMotion: () => this.reducedMotion,
    };
    this.models = createModelsSection(ctx, { onLoad: () => void this.loadModels(), lang: this.lng });
    const adapters = createAdaptersSection(ctx);
    const img2img = createImg2imgSection(ctx);
    this.sections = [this.models, adapters, img2img];

    const wfId = nextId('live-wf');
    const wfInput = h('input', { type: 'file', id: wfId, accept: '.json,application/json', 'data-live': 'import' });
    wfInput.addEventListener('change', () => { const f = wfInput.files?.[0]; if (f) void f.text().then((s) => this.importText(s)); wfInput.value = ''; });
    const exportBtn = h('button', { type: 'button', 'data-live': 'export' }, t.exportWf);
    exportBtn.addEventListener('click', () => this.exportNow());
    const clearBtn = h('button', { type: 'button', 'data-live': 'history-clear' }, t.historyClear);
    clearBtn.addEventListener('click', () => { clearHistory(this.storage()); this.showHistory([]); });
    this.resultsSlot = h('div', { class: 'live-results', 'data-live': 'results' });
    this.results = createResultsSection({
      lang: this.lng,
      base: () => this.settingsNow(),
      generate: () => {
        const client = this.client;
        if (!this.loaded || !client) return null;
        return (s, signal) => client.generate(s, { signal }).then((r) => chwToRgba(r.images, r.width, r.height));
      },
      onBusy: () => this.render(),
    });
    this.resultsSlot.append(this.results.el);

    body.append(
      h('fieldset', {}, h('legend', {}, t.capTitle), this.el.cap),
      this.models.el,
      h('fieldset', { 'data-live': 'ksampler' }, h('legend', {}, 'KSampler'),
        h('div', { class: 'live-grid' },
          field('prompt', t.prompt, h('textarea', { rows: 2 })), field('negativePrompt', t.negativePrompt, h('textarea', { rows: 2 }))),
        h('div', { class: 'live-grid live-grid-tight' },
          field('seed', t.seed, numberInput(0, Number.MAX_SAFE_INTEGER, 1), 'number'), field('steps', t.steps, numberInput(1, 1000, 1), 'number'),
          field('cfg', t.cfg, numberInput(0, 100, 0.5), 'number'), field('scheduler', t.scheduler, selectOf(SCHEDULER_NAMES)),
          field('width', t.width, selectOf(SIZES), 'number'), field('height', t.height, selectOf(SIZES), 'number'))),
      adapters.el,
      img2img.el,
      h('div', { class: 'live-row' }, this.btn.generate, this.btn.cancel), this.el.status,
      h('div', { class: 'live-row live-out' }, this.el.preview, this.el.result),
      h('fieldset', {}, h('legend', {}, 'ComfyUI'),
        h('div', { class: 'live-row' }, h('label', { for: wfId }, t.importWf), wfInput, exportBtn), this.el.wfReport),
      h('fieldset', {}, h('legend', {}, t.historyTitle), this.el.history, h('div', { class: 'live-row' }, clearBtn)),
      this.resultsSlot,
    );
    body.addEventListener('change', (e) => this.onControl(e.target as HTMLElement));
    this.showHistory(readHistory(this.storage()));
    void this.checkCapability();
  }

  private storage(): Storage | null { try { return localStorage; } catch { return null; } }

  /** Every `[data-path]` control writes its value at its path (custom ones handle themselves). */
  private onControl(c: HTMLElement): void {
    const path = c.dataset.path;
    if (!path || c.dataset.bind === 'custom' || !(c instanceof HTMLInputElement || c instanceof HTMLSelectElement || c instanceof HTMLTextAreaElement)) return;
    const kind = c.dataset.kind;
    let v: unknown = c.value;
    if (kind === 'bool') v = (c as HTMLInputElement).checked;
    else if (kind === 'number') {
      if (c.value.trim() === '' || !Number.isFinite(Number(c.value))) { this.render(); return; }
      v = Number(c.value);
    }
    for (const p of errorTargets(path)) this.errorBox(p)?.replaceChildren();
    c.removeAttribute('aria-invalid');
    this.touched = true;
    this.update(setAt(this.state, path, v));
  }

  protected render(): void {
    if (!this.sections) return;
    for (const s of this.sections) s.render(this.state);
    for (const c of this.querySelectorAll<Control>('[data-path]')) {
      if (c.dataset.bind === 'custom') continue;
      const v = getAt(this.state, c.dataset.path!);
      if (c instanceof HTMLInputElement && c.type === 'checkbox') c.checked = v === true;
      else if (c.value !== String(v ?? '')) {
        // a value the list does not offer (an imported 1024 wide, say) is shown as an extra option
        if (c instanceof HTMLSelectElement && v !== undefined && ![...c.options].some((o) => o.value === String(v))) c.append(h('option', { value: String(v) }, String(v)));
        c.value = String(v ?? '');
      }
    }
    this.btn.generate.disabled = !this.loaded || !!this.running || this.cap?.verdict === 'blocked' || !!this.results?.experimentRunning;
    this.btn.cancel.disabled = !this.running;
    // the experiment follows the panel's settings (computed a moment after the last change)
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => { this.refreshTimer = null; this.results?.refresh(); }, 150);
  }

  private async checkCapability(): Promise<void> {
    const t = this.t;
    const probe = await probeWebGpu(navigator);
    const dm = (navigator as { deviceMemory?: number }).deviceMemory;
    const s = this.state;
    const c = (this.cap = decideCapability(probe, { adapter: 'base', width: s.width, height: s.height, cfg: s.cfg > 1, img2img: s.initImage !== null }, { memoryBudget: defaultMemoryBudget(dm) }));
    const box = this.el.cap;
    box.replaceChildren();
    box.dataset.verdict = c.verdict;
    if (c.floatType && c.limits && c.estimate) {
      box.append(h('p', {}, fill(t.capOk, { float: c.floatType })),
        h('p', { class: 'live-muted' }, fill(t.capAdapter, { name: c.adapterName ?? '—', buf: formatGB(c.limits.maxBufferSize), bind: formatGB(c.limits.maxStorageBufferBindingSize) })),
        h('p', { class: 'live-muted' }, fill(t.capEstimate, { w: s.width, h: s.height, total: formatGB(c.estimate.totalBytes), float: c.floatType })));
    }
    for (const m of c.messages) box.append(h('p', { class: m.level === 'blocked' ? 'live-blocked' : 'live-warn', 'data-code': m.code }, m.text[this.lng]));
    if (c.verdict === 'blocked') box.append(h('p', { class: 'live-muted', 'data-live': 'gallery' }, h('strong', {}, `${t.galleryTitle}: `), GALLERY_FALLBACK[this.lng]));
    // A slow GPU starts on the LCM fast path, unless someone already chose settings.
    const slow = slowGpuReason(c);
    if (slow && !this.touched) {
      this.touched = true;
      this.update(withFastPath(this.state));
      this.models.fastNote(slow === 'software' ? t.fastAutoSoftware : t.fastAutoNoF16);
    }
    this.render();
  }

  /** See PanelCtx.pickPicture. */
  private async pickPicture(file: File, errorFor: string, current: string | null): Promise<string | null> {
    const box = this.errorBox(errorFor);
    box?.replaceChildren();
    try {
      const img = await decodeImageFile(file);
      const taken = imageNames(this.state);
      if (current) taken.delete(current);
      const waiting = current !== null && !this.pictures.has(current) && !isPlaceholderName(current);
      const name = waiting ? current : uniqueName(cleanName(file.name, 'image.png'), taken);
      this.pictures.set(name, { rgba: img.rgba, rgb: img.rgb });
      return name;
    } catch (e) {
      const m = e as { message?: string; messages?: Record<string, string> };
      box?.replaceChildren((m.messages && m.messages[this.lng]) || m.message || String(e));
      return null;
    }
  }

  private async loadModels(): Promise<void> {
    const t = this.t;
    const c = this.models.choice(this.state);
    const status = this.models.loadStatus;
    delete status.dataset.done;
    if (!c.ok) { status.textContent = c.reason; return; }
    const { files, adapters, checkpoint } = c.value;
    this.models.loadButton.disabled = true;
    this.loaded = null;
    this.render();
    try {
      this.client ??= PipelineClient.create();
      const floatType = this.cap?.floatType ?? 'auto';
      const info = await this.client.load(files, {
        // static shapes for the size in the panel: every node on the GPU; another size remakes the UNet/VAE sessions on first use
        shape: { width: this.state.width, height: this.state.height, batchSize: this.state.batchSize },
        provider: 'webgpu', floatType, branchModels: branchModelsFor(this.state, adapters), ...this.advanced.loadOptions,
        onProgress: (p) => { status.textContent = fill(t.loading, { stage: p.stage, done: p.done, total: p.total }); },
      });
      this.loaded = { adapters, loras: this.state.loras.map((l) => ({ ...l })) };
      status.textContent = fill(t.loaded, { provider: info.provider, float: info.floatType, ms: Math.round(info.loadMs) });
      status.dataset.done = 'true';
      // adapters whose model names no loaded file take the first one; a single checkpoint names itself
      let s = this.state;
      s.adapters.forEach((a, k) => {
        if (adapters.length && resolveAdapterModel(a.model, adapters) === null) {
          s = setAt(s, `adapters[${k}].model`, { loader: 'files', ipadapterFile: adapters[0].name, clipVisionFile: files.imageEncoder?.name ?? 'CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors' });
        }
      });
      if (checkpoint) s = { ...s, checkpoint };
      if (s !== this.state) this.update(s);
    } catch (e) {
      status.textContent = this.errorText(e);
    } finally {
      this.models.loadButton.disabled = false;
      this.render();
    }
  }

  private errorText(e: unknown): string {
    if (e instanceof PipelineClientError) {
      const help = (PIPELINE_ERROR_MESSAGES as Partial<Record<string, Record<'en' | 'zh', { title: string; action: string }>>>)[e.code]?.[this.lng];
      // after these the worker holds no models: Load is needed again (no page reload)
      if (['device-lost', 'out-of-memory', 'worker-failed', 'terminated'].includes(e.code as RecoverableCode)) this.loaded = null;
      return help ? `${help.title} ${help.action} (${e.code}: ${e.message})` : `${this.t.errorPrefix} (${e.code}): ${e.message}`;
    }
    return `${this.t.errorPrefix}: ${e instanceof Error ? e.message : String(e)}`;
  }

  private errorBox(path: string): HTMLElement | null {
    return this.querySelector<HTMLElement>(`[data-error-for="${CSS.escape(path)}"]`);
  }

  private clearErrors(): void {
    for (const e of this.querySelectorAll<HTMLElement>('[data-error-for]')) e.replaceChildren();
    for (const c of this.querySelectorAll('[aria-invalid]')) if (!(c as HTMLElement).dataset.live?.startsWith('layer')) c.removeAttribute('aria-invalid');
  }

  /** A mapping or validation problem, in the reader's language where the reader can fix it, at the nearest control. */
  private showError(issue: MappingIssue): void {
    const t = this.t;
    const p = issue.path;
    const localized =
      /^adapters\[\d+\]\.images\[\d+\]$/.test(p) && /not loaded/.test(issue.message) ? t.needRef
      : /^adapters\[\d+\]\.model$/.test(p) && /not loaded/.test(issue.message) ? t.needModel
      : /^adapters\[\d+\]\.negative$/.test(p) && /not loaded/.test(issue.message) ? t.needNegImage
      : /^adapters\[\d+\]\.attnMask$/.test(p) && /not loaded/.test(issue.message) ? t.needMaskPicture
      : p === 'initImage' && /not loaded/.test(issue.message) ? t.needInit
      : /^loras\[\d+\]$/.test(p) && /not loaded/.test(issue.message) ? t.loraChanged
      : null;
    const text = localized ? (this.lng === 'en' ? localized : `${localized}（${issue.message}）`) : issue.message;
    for (const target of errorTargets(p)) {
      const box = this.errorBox(target);
      if (!box) continue;
      box.append(box.childNodes.length ? ' ' : '', text);
      this.querySelector(`[data-path="${CSS.escape(target)}"]`)?.setAttribute('aria-invalid', 'true');
      return;
    }
    this.el.status.append(h('span', { class: 'live-err', 'data-error-path': p }, `${p}: ${text} `));
  }

  /** The pipeline's settings for the panel as it is, or null when they are not runnable (quietly: for the experiment). */
  private settingsNow(): GenerateSettings | null {
    if (!this.loaded) return null;
    const m = toGenerate(this.state, panelAssets(this.state, { pictures: this.pictures, adapters: this.loaded.adapters, loras: this.loaded.loras }), this.advanced.prompts);
    return m.ok && validateSettings(m.settings).ok ? m.settings : null;
  }

  private async run(): Promise<void> {
    const t = this.t;
    this.clearErrors();
    this.el.status.replaceChildren();
    if (!this.loaded || !this.client) { this.el.status.textContent = t.notLoaded; return; }
    const m = toGenerate(this.state, panelAssets(this.state, { pictures: this.pictures, adapters: this.loaded.adapters, loras: this.loaded.loras }), this.advanced.prompts);
    if (!m.ok) { for (const e of m.errors) this.showError(e); return; }
    const attention = this.results?.attentionRequest();
    const settings = attention ? { ...m.settings, attention } : m.settings;
    const v = validateSettings(settings);
    if (!v.ok) { for (const e of v.errors) this.showError(e); return; }
    const notes = [...m.warnings, ...v.notices].map((w) => `${t.warnPrefix}: ${w.message}`);
    const state = this.getState();
    const ac = (this.running = new AbortController());
    this.render();
    let lastStep = 0;
    try {
      const r = await this.client.generate(settings, {
        signal: ac.signal,
        onProgress: (p) => {
          lastStep = p.step;
          this.el.status.textContent = fill(t.step, { step: p.step, steps: p.steps });
          const pv = p.previews[0];
          if (pv) {
            const c = this.el.preview as HTMLCanvasElement;
            c.width = pv.width; c.height = pv.height;
            c.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(pv.rgba), pv.width, pv.height), 0, 0);
            c.dataset.step = String(p.step);
            c.setAttribute('aria-label', fill(t.previewAlt, { step: p.step }));
          }
        },
      });
      const c = this.el.result as HTMLCanvasElement;
      drawChw(c, r.images, r.width, r.height);
      c.setAttribute('aria-label', fill(t.resultAlt, { prompt: state.prompt }));
      c.dataset.seed = String(state.seed);
      const done = fill(t.done, { ms: Math.round(r.timings.totalMs) });
      this.el.status.replaceChildren(done, ...notes.map((n) => h('span', { class: 'live-muted', 'data-live': 'notice' }, ` ${n}`)));
      this.say(done);
      const at = Date.now();
      this.results?.addResult({ at, state, images: r.images, width: r.width, height: r.height, attention: r.attention });
      this.showHistory(addHistory(this.storage(), { at, state, thumb: thumbnail(c), ms: Math.round(r.timings.totalMs) }));
      this.dispatchEvent(new CustomEvent('live:result', { bubbles: true, detail: { state, width: r.width, height: r.height, images: r.images } }));
    } catch (e) {
      if (e instanceof PipelineClientError && e.code === 'cancelled') this.el.status.textContent = fill(t.cancelled, { step: lastStep });
      else if (e instanceof PipelineClientError && e.code === 'invalid-settings' && Array.isArray(e.details)) for (const d of e.details as MappingIssue[]) this.showError(d);
      else this.el.status.textContent = this.errorText(e);
    } finally {
      this.running = null;
      this.render();
    }
  }

  importText(text: string): void {
    const t = this.t;
    const r = importWorkflow(text);
    const list = this.el.wfReport;
    list.replaceChildren();
    if (!r.ok) { list.append(h('li', { class: 'live-err', 'data-code': r.code }, fill(t.importFailed, { error: r.error }))); return; }
    const { state, dropped } = fromBridge(r.settings);
    this.touched = true;
    this.update(state);
    list.append(h('li', {}, t.imported));
    const needed = [...imageNames(state)].filter((n) => !this.pictures.has(n));
    if (needed.length) list.append(h('li', { 'data-live': 'import-needs' }, fill(t.importNeeds, { names: needed.join(', ') })));
    for (const n of r.report.unknownNodes) list.append(h('li', { 'data-unknown-node': n.type }, fill(t.importUnknownNode, { type: n.type, id: String(n.id), reason: n.reason })));
    for (const u of r.report.unsupportedValues) list.append(h('li', { 'data-unsupported': u.field }, fill(t.importUnsupported, { nodeType: u.nodeType, node: String(u.node), field: u.field, value: JSON.stringify(u.value), reason: u.reason })));
    for (const d of dropped) list.append(h('li', { 'data-dropped': '' }, fill(t.notShown, { what: d })));
  }

  /** The current settings as a ComfyUI workflow (JSON text), or an error. */
  exportJson(): { ok: true; json: string } | { ok: false; error: string } {
    const r = exportWorkflow(toBridge(this.state));
    return r.ok ? { ok: true, json: r.json } : { ok: false, error: r.error };
  }

  private exportNow(): void {
    const r = this.exportJson();
    this.el.wfReport.replaceChildren();
    if (!r.ok) { this.el.wfReport.append(h('li', { class: 'live-err' }, r.error)); return; }
    const file = `ipadapter-lab-seed${this.state.seed}.json`;
    const url = URL.createObjectURL(new Blob([r.json], { type: 'application/json' }));
    const a = h('a', { href: url, download: file });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    this.el.wfReport.append(h('li', {}, fill(this.t.exported, { file })));
  }

  private showHistory(items: HistoryEntry[]): void {
    const t = this.t;
    this.results?.setHistory(items);
    if (!items.length) { this.el.history.replaceChildren(h('li', { class: 'live-muted' }, t.historyEmpty)); return; }
    this.el.history.replaceChildren(...items.map((e) => {
      const a0 = e.state.adapters[0];
      const desc = fill(t.historyItem, { seed: e.state.seed, steps: e.state.steps, adapters: e.state.adapters.length, weight: a0?.weight ?? '—', weightType: a0?.weightType ?? '—' });
      const use = h('button', { type: 'button' }, t.historyUse);
      use.addEventListener('click', () => { this.touched = true; this.update(e.state); });
      return h('li', { 'data-history': '' }, h('img', { class: 'live-thumb', src: e.thumb, alt: `${e.state.prompt} — ${desc}` }), h('p', {}, desc), use);
    }));
  }

  /** setState: a new size, CFG or img2img changes the memory estimate, so the capability check runs again. */
  protected override applied(before: LiveState): void {
    this.touched = true;
    const s = this.state;
    if (before.width !== s.width || before.height !== s.height || before.cfg !== s.cfg || (before.initImage === null) !== (s.initImage === null)) void this.checkCapability();
  }

  protected override update(patch: Partial<LiveState>): void {
    const before = this.state;
    super.update(patch);
    const s = this.state;
    if (before.width !== s.width || before.height !== s.height || (before.cfg > 1) !== (s.cfg > 1) || (before.initImage === null) !== (s.initImage === null)) void this.checkCapability();
  }

  disconnectedCallback(): void {
    this.running?.abort();
    this.results?.stop();
    this.client?.terminate();
    this.client = null;
    this.loaded = null;
  }
}

function thumbnail(src: HTMLCanvasElement): string {
  const s = Math.min(1, 128 / Math.max(src.width, src.height));
  const c = document.createElement('canvas');
  c.width = Math.max(1, Math.round(src.width * s)); c.height = Math.max(1, Math.round(src.height * s));
  c.getContext('2d')!.drawImage(src, 0, 0, c.width, c.height);
  return c.toDataURL('image/jpeg', 0.8);
}

define('ipa-lab-live', LiveLab);
export { LiveLab };
