/**
 * <ipa-lab-live>: SD1.5 + IP-Adapter in this page. Capability check first (src/lib/live/capability),
 * then the reader's own weight files (identified with src/lib/weights/detect), a reference image
 * with its CLIP crop, the IPAdapter Advanced + KSampler inputs under ComfyUI's names, Generate with
 * a per-step preview, Cancel, ComfyUI workflow import/export and a local history.
 *
 * For tests and instructors with other networks: `element.advanced = { loadOptions, prompts }`
 * (tiny test networks need their own configs and token ids).
 */
import type { LabName } from '../contract';
import { LabBase, define, fill, pick } from '../shared/base';
import { h, nextId } from '../shared/dom';
import { STRINGS } from './strings';
import { decideCapability, defaultMemoryBudget, formatGB, GALLERY_FALLBACK, probeWebGpu, type Capability } from '../../lib/live/capability';
import { addHistory, fieldOf, fromBridge, HISTORY_KEY, readHistory, sanitizeLiveState, SIZES, toBridge, toGenerate, defaultLiveState, type HistoryEntry, type LiveState } from '../../lib/live/panel';
import { exportWorkflow, importWorkflow } from '../../lib/comfy';
import { decodeImageFile, prepImageForClipVision, type RgbImage } from '../../lib/image';
import { detectFromBytes, type Detected } from '../../lib/weights/detect';
import { validateSettings } from '../../lib/pipeline/settings';
import { PipelineClient, PipelineClientError } from '../../lib/pipeline/client';
import type { LoadOptions, ModelFiles } from '../../lib/pipeline/protocol';
import type { PromptInput } from '../../lib/pipeline/settings';
import { COMBINE_METHODS } from '../../lib/ipadapter/combineEmbeds';
import { EMBEDS_SCALING_MODES } from '../../lib/ipadapter/embedsScaling';
import { WEIGHT_TYPES } from '../../lib/ipadapter/weightTypes';
import { SCHEDULER_NAMES } from '../../lib/schedulers';

const CSS = `
ipa-lab-live .live-grid { display: grid; gap: 0.75rem; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); }
ipa-lab-live fieldset { border: 1px solid var(--border); border-radius: var(--radius, 6px); padding: 0.5rem 0.75rem; margin: 0 0 0.75rem; }
ipa-lab-live legend { font-weight: 600; padding: 0 0.25rem; }
ipa-lab-live .live-f { display: flex; flex-direction: column; gap: 0.2rem; margin-bottom: 0.5rem; }
ipa-lab-live .live-f input, ipa-lab-live .live-f select, ipa-lab-live .live-f textarea { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--border); border-radius: 4px; padding: 0.25rem 0.4rem; }
ipa-lab-live :is(input, select, textarea, button, summary):focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
ipa-lab-live .live-err { color: var(--danger, #b3261e); font-size: 0.9rem; margin: 0; }
ipa-lab-live .live-err:empty { display: none; }
ipa-lab-live .live-warn { border-left: 4px solid var(--accent); padding: 0.25rem 0.6rem; margin: 0.4rem 0; }
ipa-lab-live .live-blocked { border-left: 4px solid var(--danger, #b3261e); padding: 0.25rem 0.6rem; margin: 0.4rem 0; }
ipa-lab-live .live-muted { color: var(--muted); font-size: 0.9rem; }
ipa-lab-live canvas, ipa-lab-live img.live-thumb { image-rendering: pixelated; border: 1px solid var(--border); background: var(--surface); max-width: 100%; }
ipa-lab-live .live-out canvas { width: 256px; height: 256px; }
ipa-lab-live .live-crop { width: 112px; height: 112px; }
ipa-lab-live .live-row { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin: 0.5rem 0; }
ipa-lab-live .live-history { list-style: none; padding: 0; display: grid; gap: 0.5rem; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); }
ipa-lab-live .live-history li { border: 1px solid var(--border); border-radius: 4px; padding: 0.3rem; font-size: 0.85rem; }
ipa-lab-live .live-history img { width: 100%; height: auto; }
ipa-lab-live button { font: inherit; cursor: pointer; color: var(--fg); background: var(--surface); border: 1px solid var(--border); border-radius: 4px; padding: 0.3rem 0.7rem; }
ipa-lab-live button.live-primary { background: var(--accent); color: var(--accent-fg); border-color: var(--accent); }
ipa-lab-live button:disabled { opacity: 0.55; cursor: not-allowed; }
@media (prefers-reduced-motion: reduce) { ipa-lab-live * { transition: none !important; animation: none !important; } }
`;

type Role = 'checkpoint' | 'unet' | 'vae' | 'textEncoder' | 'imageEncoder' | 'adapter' | 'unknown';
const roleOf = (d: Detected): Role =>
  d.kind === 'checkpoint' ? 'checkpoint' : d.kind === 'diffusers-unet' ? 'unet' : d.kind === 'diffusers-vae' ? 'vae' : d.kind === 'clip-text' ? 'textEncoder' : d.kind === 'clip-vision' ? 'imageEncoder' : d.kind === 'ip-adapter' ? 'adapter' : 'unknown';

/** The first bytes of a safetensors file: the 8-byte length and the JSON header. */
async function headerBytes(file: File): Promise<Uint8Array> {
  const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  const n = Number(new DataView(head.buffer).getBigUint64(0, true));
  return new Uint8Array(await file.slice(0, Math.min(file.size, 8 + Math.min(n, 100 * 1024 * 1024))).arrayBuffer());
}

export interface LiveAdvanced {
  loadOptions?: LoadOptions;
  prompts?: { prompt: PromptInput; negativePrompt: PromptInput };
}

class LiveLab extends LabBase<LiveState> {
  readonly lab = 'live' as LabName;
  advanced: LiveAdvanced = {};
  private t = STRINGS.en;
  private cap: Capability | null = null;
  private client: PipelineClient | null = null;
  private files: { file: File; role: Role; detected: Detected }[] = [];
  private loaded = false;
  private reference: RgbImage | null = null;
  private running: AbortController | null = null;
  private inputs = new Map<keyof LiveState, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>();
  private errs = new Map<string, HTMLElement>();
  private el!: Record<'cap' | 'fileList' | 'loadStatus' | 'refCrop' | 'refStatus' | 'status' | 'preview' | 'result' | 'wfReport' | 'history', HTMLElement>;
  private btn!: Record<'load' | 'generate' | 'cancel', HTMLButtonElement>;

  protected defaults(): LiveState { return defaultLiveState(); }
  protected sanitize(s: LiveState): LiveState { return sanitizeLiveState(s); }

  protected build(body: HTMLElement): void {
    const t = (this.t = pick(STRINGS, this.lng));
    if (!document.getElementById('ipa-lab-live-css')) document.head.append(h('style', { id: 'ipa-lab-live-css' }, CSS));
    const p = (cls: string, attrs: Record<string, string> = {}) => h('p', { class: cls, ...attrs });
    const canvas = (cls: string, label: string) => h('canvas', { class: cls, width: 64, height: 64, role: 'img', 'aria-label': label });
    this.el = {
      cap: h('div', { 'data-live': 'capability', 'aria-live': 'polite' }, p('live-muted', {}), ),
      fileList: h('ul', { 'data-live': 'files' }),
      loadStatus: p('live-muted', { 'data-live': 'load-status', 'aria-live': 'polite' }),
      refCrop: canvas('live-crop', t.refCrop),
      refStatus: p('live-muted', { 'data-live': 'ref-status' }),
      status: p('', { 'data-live': 'status', 'aria-live': 'polite' }),
      preview: canvas('', fill(t.previewAlt, { step: 0 })),
      result: canvas('', t.summaryIdle),
      wfReport: h('ul', { 'data-live': 'workflow-report', 'aria-live': 'polite' }),
      history: h('ul', { class: 'live-history', 'data-live': 'history' }),
    };
    this.el.cap.firstElementChild!.textContent = t.capChecking;
    this.el.preview.dataset.live = 'preview';
    this.el.result.dataset.live = 'result';
    this.el.refStatus.textContent = t.refNone;
    this.el.fileList.append(h('li', { class: 'live-muted' }, t.filesNone));

    const fileId = nextId('live-files');
    const filesInput = h('input', { type: 'file', id: fileId, multiple: true, accept: '.safetensors', 'data-live': 'model-files' });
    filesInput.addEventListener('change', () => void this.pickFiles([...(filesInput.files ?? [])]));
    this.btn = {
      load: h('button', { type: 'button', 'data-live': 'load', disabled: true }, t.load),
      generate: h('button', { type: 'button', class: 'live-primary', 'data-live': 'generate', disabled: true }, t.generate),
      cancel: h('button', { type: 'button', 'data-live': 'cancel', disabled: true }, t.cancel),
    };
    this.btn.load.addEventListener('click', () => void this.loadModels());
    this.btn.generate.addEventListener('click', () => void this.run());
    this.btn.cancel.addEventListener('click', () => this.running?.abort());

    const refId = nextId('live-ref');
    const refInput = h('input', { type: 'file', id: refId, accept: 'image/*', 'data-live': 'reference' });
    refInput.addEventListener('change', () => { const f = refInput.files?.[0]; if (f) void this.pickReference(f); });
    const refErr = p('live-err', { role: 'alert' });
    this.errs.set('reference', refErr);

    const wfId = nextId('live-wf');
    const wfInput = h('input', { type: 'file', id: wfId, accept: '.json,application/json', 'data-live': 'import' });
    wfInput.addEventListener('change', () => { const f = wfInput.files?.[0]; if (f) void f.text().then((s) => this.importText(s)); wfInput.value = ''; });
    const exportBtn = h('button', { type: 'button', 'data-live': 'export' }, t.exportWf);
    exportBtn.addEventListener('click', () => this.exportNow());
    const clearBtn = h('button', { type: 'button', 'data-live': 'history-clear' }, t.historyClear);
    clearBtn.addEventListener('click', () => { try { localStorage.removeItem(HISTORY_KEY); } catch { /* private mode */ } this.showHistory([]); });

    const sel = (k: keyof LiveState, opts: readonly (string | number)[]) => this.field(k, h('select', {}, ...opts.map((o) => h('option', { value: String(o) }, String(o)))));
    const numIn = (k: keyof LiveState, min: number, max: number, step: number) => this.field(k, h('input', { type: 'number', min, max, step, inputmode: 'decimal' }));

    body.append(
      h('fieldset', {}, h('legend', {}, t.capTitle), this.el.cap),
      h('fieldset', { 'data-live': 'models' }, h('legend', {}, t.modelsTitle),
        h('div', { class: 'live-f' }, h('label', { for: fileId }, t.pickFiles), filesInput, h('p', { class: 'live-muted' }, t.pickHelp)),
        this.el.fileList, h('p', { class: 'live-muted' }, t.downloadNotReady),
        h('div', { class: 'live-row' }, this.btn.load), this.el.loadStatus),
      h('div', { class: 'live-grid' },
        h('fieldset', {}, h('legend', {}, t.refTitle),
          h('div', { class: 'live-f' }, h('label', { for: refId }, t.refPick), refInput, refErr),
          h('figure', {}, this.el.refCrop, h('figcaption', { class: 'live-muted' }, t.refCrop)), this.el.refStatus),
        h('fieldset', {}, h('legend', {}, t.adapterTitle),
          numIn('weight', -1, 5, 0.05), sel('weightType', WEIGHT_TYPES), sel('combineEmbeds', COMBINE_METHODS),
          numIn('startAt', 0, 1, 0.05), numIn('endAt', 0, 1, 0.05), sel('embedsScaling', EMBEDS_SCALING_MODES)),
        h('fieldset', {}, h('legend', {}, 'KSampler'),
          this.field('prompt', h('textarea', { rows: 2 })), this.field('negativePrompt', h('textarea', { rows: 2 })),
          numIn('seed', 0, Number.MAX_SAFE_INTEGER, 1), numIn('steps', 1, 1000, 1), numIn('cfg', 0, 100, 0.5), sel('scheduler', SCHEDULER_NAMES),
          sel('width', SIZES), sel('height', SIZES)),
      ),
      h('div', { class: 'live-row' }, this.btn.generate, this.btn.cancel), this.el.status,
      h('div', { class: 'live-row live-out' }, this.el.preview, this.el.result),
      h('fieldset', {}, h('legend', {}, 'ComfyUI'),
        h('div', { class: 'live-row' }, h('label', { for: wfId }, t.importWf), wfInput, exportBtn), this.el.wfReport),
      h('fieldset', {}, h('legend', {}, t.historyTitle), this.el.history, h('div', { class: 'live-row' }, clearBtn)),
    );
    this.showHistory(readHistory(this.storage()));
    void this.checkCapability();
  }

  private storage(): Storage | null { try { return localStorage; } catch { return null; } }

  /** A labelled control bound to a state key, with its error line beside it. */
  private field(k: keyof LiveState, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement): HTMLElement {
    const id = nextId(`live-${k}`);
    const errId = `${id}-err`;
    control.id = id;
    control.name = k;
    control.dataset.field = k;
    control.setAttribute('aria-describedby', errId);
    control.addEventListener('change', () => {
      const v = control instanceof HTMLInputElement && control.type === 'number' ? Number(control.value) : control.value;
      this.update({ [k]: (k === 'width' || k === 'height') ? Number(v) : v } as Partial<LiveState>);
      this.errs.get(k)!.textContent = '';
      control.removeAttribute('aria-invalid');
      if (k === 'width' || k === 'height') void this.checkCapability();
    });
    this.inputs.set(k, control);
    const err = h('p', { class: 'live-err', id: errId, 'data-error-for': k });
    this.errs.set(k, err);
    return h('div', { class: 'live-f' }, h('label', { for: id }, (this.t as Record<string, string>)[k] ?? k), control, err);
  }

  protected render(): void {
    for (const [k, c] of this.inputs) if (c.value !== String(this.state[k])) c.value = String(this.state[k]);
    this.btn.generate.disabled = !this.loaded || !!this.running || this.cap?.verdict === 'blocked';
    this.btn.cancel.disabled = !this.running;
  }

  private async checkCapability(): Promise<void> {
    const t = this.t;
    const probe = await probeWebGpu(navigator);
    const dm = (navigator as { deviceMemory?: number }).deviceMemory;
    const c = (this.cap = decideCapability(probe, { adapter: 'base', width: this.state.width, height: this.state.height, cfg: this.state.cfg > 1 }, { memoryBudget: defaultMemoryBudget(dm) }));
    const box = this.el.cap;
    box.replaceChildren();
    box.dataset.verdict = c.verdict;
    if (c.floatType && c.limits && c.estimate) {
      box.append(h('p', {}, fill(t.capOk, { float: c.floatType })),
        h('p', { class: 'live-muted' }, fill(t.capAdapter, { name: c.adapterName ?? '—', buf: formatGB(c.limits.maxBufferSize), bind: formatGB(c.limits.maxStorageBufferBindingSize) })),
        h('p', { class: 'live-muted' }, fill(t.capEstimate, { w: this.state.width, h: this.state.height, total: formatGB(c.estimate.totalBytes), float: c.floatType })));
    }
    for (const m of c.messages) box.append(h('p', { class: m.level === 'blocked' ? 'live-blocked' : 'live-warn', 'data-code': m.code }, m.text[this.lng]));
    if (c.verdict === 'blocked') box.append(h('p', { class: 'live-muted', 'data-live': 'gallery' }, h('strong', {}, `${t.galleryTitle}: `), GALLERY_FALLBACK[this.lng]));
    this.render();
  }

  private async pickFiles(list: File[]): Promise<void> {
    const t = this.t;
    this.files = [];
    for (const file of list) {
      let detected: Detected;
      try { detected = detectFromBytes(await headerBytes(file), file.size, file.name); } catch (e) { detected = { kind: 'unknown', reason: e instanceof Error ? e.message : String(e) }; }
      this.files.push({ file, role: roleOf(detected), detected });
    }
    const label: Record<Role, string> = { checkpoint: t.roleCheckpoint, unet: t.roleUnet, vae: t.roleVae, textEncoder: t.roleText, imageEncoder: t.roleVision, adapter: t.roleAdapter, unknown: t.roleUnknown };
    this.el.fileList.replaceChildren(...this.files.map((f) => h('li', { 'data-role': f.role }, `${f.file.name} — ${label[f.role]}${f.detected.kind === 'unknown' ? ` (${f.detected.reason})` : ''}`)));
    const has = (r: Role) => this.files.some((f) => f.role === r);
    const missing: string[] = [];
    if (!has('checkpoint')) for (const r of ['unet', 'vae', 'textEncoder'] as const) if (!has(r)) missing.push(label[r]);
    if (!has('imageEncoder')) missing.push(label.imageEncoder);
    if (!has('adapter')) missing.push(label.adapter);
    this.el.loadStatus.textContent = missing.length ? fill(t.missingParts, { parts: missing.join(', ') }) : '';
    this.btn.load.disabled = missing.length > 0;
  }

  private async loadModels(): Promise<void> {
    const t = this.t;
    const one = (r: Role) => { const f = this.files.find((x) => x.role === r); return f && { name: f.file.name, data: f.file as Blob }; };
    const files: ModelFiles = {
      checkpoint: one('checkpoint'), unet: one('unet'), vae: one('vae'), textEncoder: one('textEncoder'), imageEncoder: one('imageEncoder'),
      adapters: this.files.filter((f) => f.role === 'adapter').slice(0, 1).map((f) => ({ name: f.file.name, data: f.file })),
    };
    this.btn.load.disabled = true;
    this.loaded = false;
    this.render();
    try {
      this.client ??= PipelineClient.create();
      const floatType = this.cap?.floatType ?? 'auto';
      const info = await this.client.load(files, { provider: 'webgpu', floatType, ...this.advanced.loadOptions, onProgress: (p) => { this.el.loadStatus.textContent = fill(t.loading, { stage: p.stage, done: p.done, total: p.total }); } });
      this.loaded = true;
      this.el.loadStatus.textContent = fill(t.loaded, { provider: info.provider, float: info.floatType, ms: Math.round(info.loadMs) });
    } catch (e) {
      this.el.loadStatus.textContent = this.errorText(e);
    } finally {
      this.btn.load.disabled = false;
      this.render();
    }
  }

  private errorText(e: unknown): string {
    if (e instanceof PipelineClientError) return `${this.t.errorPrefix} (${e.code}): ${e.message}`;
    return `${this.t.errorPrefix}: ${e instanceof Error ? e.message : String(e)}`;
  }

  private async pickReference(file: File): Promise<void> {
    const err = this.errs.get('reference')!;
    err.textContent = '';
    try {
      const img = await decodeImageFile(file);
      this.reference = img.rgb;
      const crop = prepImageForClipVision(img.rgb, { size: 224, cropPosition: 'center', interpolation: 'LANCZOS', sharpening: 0 });
      drawRgb(this.el.refCrop as HTMLCanvasElement, crop);
      this.el.refStatus.textContent = `${file.name}: ${img.original.width}×${img.original.height} → 224×224`;
      this.update({ referenceName: file.name });
    } catch (e) {
      const m = e as { message?: string; messages?: Record<string, string>; zh?: string };
      err.textContent = (m.messages && m.messages[this.lng]) || (this.lng === 'zh' && m.zh) || m.message || String(e);
    }
  }

  private clearErrors(): void {
    for (const [k, e] of this.errs) { e.textContent = ''; this.inputs.get(k as keyof LiveState)?.removeAttribute('aria-invalid'); }
  }

  private showFieldError(path: string, message: string): void {
    const f = fieldOf(path);
    const box = (f && this.errs.get(f)) || this.el.status;
    box.textContent = box === this.el.status ? `${path}: ${message}` : message;
    if (f) this.inputs.get(f as keyof LiveState)?.setAttribute('aria-invalid', 'true');
  }

  private async run(): Promise<void> {
    const t = this.t;
    this.clearErrors();
    if (!this.loaded || !this.client) { this.el.status.textContent = t.notLoaded; return; }
    if (!this.reference) { this.errs.get('reference')!.textContent = t.needRef; return; }
    const settings = toGenerate(this.state, this.reference, this.advanced.prompts);
    const v = validateSettings(settings);
    if (!v.ok) { for (const e of v.errors) this.showFieldError(e.path, e.message); return; }
    const state = this.getState();
    const ac = (this.running = new AbortController());
    this.el.status.textContent = '';
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
      this.el.status.textContent = fill(t.done, { ms: Math.round(r.timings.totalMs) });
      this.say(fill(t.done, { ms: Math.round(r.timings.totalMs) }));
      this.showHistory(addHistory(this.storage(), { at: Date.now(), state, thumb: thumbnail(c), ms: Math.round(r.timings.totalMs) }));
    } catch (e) {
      if (e instanceof PipelineClientError && e.code === 'cancelled') this.el.status.textContent = fill(t.cancelled, { step: lastStep });
      else if (e instanceof PipelineClientError && e.code === 'invalid-settings' && Array.isArray(e.details)) for (const d of e.details as { path: string; message: string }[]) this.showFieldError(d.path, d.message);
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
    this.update(state);
    list.append(h('li', {}, t.imported));
    for (const n of r.report.unknownNodes) list.append(h('li', { 'data-unknown-node': n.type }, fill(t.importUnknownNode, { type: n.type, id: String(n.id), reason: n.reason })));
    for (const u of r.report.unsupportedValues) list.append(h('li', { 'data-unsupported': u.field }, fill(t.importUnsupported, { nodeType: u.nodeType, node: String(u.node), field: u.field, value: JSON.stringify(u.value), reason: u.reason })));
    for (const d of dropped) list.append(h('li', { 'data-dropped': '' }, d));
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

  private showHistory(list: HistoryEntry[]): void {
    const t = this.t;
    if (!list.length) { this.el.history.replaceChildren(h('li', { class: 'live-muted' }, t.historyEmpty)); return; }
    this.el.history.replaceChildren(...list.map((e) => {
      const desc = fill(t.historyItem, { seed: e.state.seed, steps: e.state.steps, weight: e.state.weight, weightType: e.state.weightType });
      const use = h('button', { type: 'button' }, t.historyUse);
      use.addEventListener('click', () => this.update(e.state));
      return h('li', { 'data-history': '' }, h('img', { class: 'live-thumb', src: e.thumb, alt: `${e.state.prompt} — ${desc}` }), h('p', {}, desc), use);
    }));
  }

  /** setState: a new size (or CFG) changes the memory estimate, so the capability check runs again. */
  protected override applied(before: LiveState): void {
    if (before.width !== this.state.width || before.height !== this.state.height || before.cfg !== this.state.cfg) void this.checkCapability();
  }

  disconnectedCallback(): void {
    this.running?.abort();
    this.client?.terminate();
    this.client = null;
    this.loaded = false;
  }
}

function drawRgb(c: HTMLCanvasElement, img: RgbImage): void {
  c.width = img.width; c.height = img.height;
  const out = new ImageData(img.width, img.height);
  for (let i = 0, j = 0; i < img.width * img.height; i++, j += 3) { out.data[i * 4] = img.data[j]; out.data[i * 4 + 1] = img.data[j + 1]; out.data[i * 4 + 2] = img.data[j + 2]; out.data[i * 4 + 3] = 255; }
  c.getContext('2d')!.putImageData(out, 0, 0);
}

/** [3, h, w] in [0, 1] (the first image of the batch) → canvas. */
function drawChw(c: HTMLCanvasElement, data: Float32Array, w: number, h: number): void {
  c.width = w; c.height = h;
  const out = new ImageData(w, h);
  const n = w * h;
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < 3; ch++) out.data[i * 4 + ch] = Math.round(Math.min(1, Math.max(0, data[ch * n + i])) * 255);
    out.data[i * 4 + 3] = 255;
  }
  c.getContext('2d')!.putImageData(out, 0, 0);
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
