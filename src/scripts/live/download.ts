/**
 * <ipa-downloads>: the panel that gets the weights onto the reader's machine. The markup
 * (choices, labels) is rendered at build time by DownloadPanel.astro; this script adds the
 * behaviour and renders what changes (confirmation, progress, cached files, local files).
 *
 * For other panels: `el.modelFiles()` gives the cached weights of the current selection as
 * safetensors Blobs (src/lib/download/session.ts ModelFileSet); `el.localWeights` the picked
 * local files. Events (bubbling): `ipa-weights-ready` {selection} when everything chosen is
 * on the device; `ipa-local-files` {weights, skipped} after a pick.
 */
import { isLang, type Lang } from '../../lib/i18n/lang';
import { confirmation, confirmationText, type Confirmation } from '../../lib/download/confirm';
import { DownloadError } from '../../lib/download/errors';
import { checkDisk, runDownloads, type Context, type Prepared } from '../../lib/download/fetcher';
import { recognise, picksFromDirectory, picksFromFileList, type LocalWeight, type Skipped } from '../../lib/download/local';
import { allowedOrigins, validateManifest, type Manifest, type Selection, type StoreDType } from '../../lib/download/manifest';
import type { FileProgress, TotalProgress } from '../../lib/download/progress';
import { jobsFor, manifestFetch, modelFiles, prepareAll, type ModelFileSet } from '../../lib/download/session';
import { errorText, formatBytes, formatDuration, formatSpeed, s, type Key } from '../../lib/download/strings';
import { WeightCache } from '../../lib/storage/cache';
import { openBestStore } from '../../lib/storage/open';

type State = 'idle' | 'checking' | 'confirm' | 'downloading' | 'paused' | 'done' | 'error';

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
};

export class IpaDownloads extends HTMLElement {
  manifest!: Manifest;
  cache!: WeightCache;
  lang: Lang = 'en';
  localWeights: LocalWeight[] = [];
  private prepared: Prepared[] = [];
  private abort: AbortController | null = null;
  private fetched = 0;
  private ready: Promise<void> | null = null;

  private q<T extends HTMLElement = HTMLElement>(sel: string): T {
    return this.querySelector<T>(sel)!;
  }

  private t(key: Key, vars?: Record<string, string | number>) {
    return s(this.lang, key, vars);
  }

  private set state(v: State) {
    this.dataset.state = v;
  }

  connectedCallback() {
    if (this.ready) return;
    this.ready = this.init();
  }

  private async init() {
    const lang = this.dataset.lang;
    this.lang = isLang(lang) ? lang : 'en';
    this.manifest = validateManifest(JSON.parse(this.q('script[data-manifest]').textContent ?? '{}'));
    this.renderChoices();
    this.cache = new WeightCache(await openBestStore());
    this.q('form[data-form]').addEventListener('submit', (e) => { e.preventDefault(); void this.check(); });
    this.q('[data-start]').addEventListener('click', () => void this.start());
    this.q('[data-cancel]').addEventListener('click', () => { this.q('[data-confirm]').hidden = true; this.state = 'idle'; });
    this.q('[data-pause]').addEventListener('click', () => this.abort?.abort());
    this.q('[data-resume]').addEventListener('click', () => void this.resume());
    this.q('[data-delete-all]').addEventListener('click', () => void this.cache.deleteAll().then(() => this.renderManage()));
    this.q<HTMLInputElement>('input[data-pick-files]').addEventListener('change', (e) => void this.pickLocal(picksFromFileList((e.target as HTMLInputElement).files ?? [])));
    this.q<HTMLInputElement>('input[data-pick-folder]').addEventListener('change', (e) => void this.pickLocal(picksFromFileList((e.target as HTMLInputElement).files ?? [])));
    const picker = (window as unknown as { showDirectoryPicker?: () => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker;
    const dirButton = this.q<HTMLButtonElement>('[data-pick-dir]');
    if (picker) {
      dirButton.hidden = false;
      dirButton.addEventListener('click', async () => {
        try { await this.pickLocal(await picksFromDirectory(await picker.call(window))); } catch { /* the reader closed the picker */ }
      });
    }
    this.state = 'idle';
    await this.renderManage();
    this.dataset.ready = 'true';
  }

  /** The choice fieldsets from the manifest this element was given (the build renders the same). */
  private renderChoices() {
    const m = this.manifest;
    const lang = this.lang;
    const choice = (type: 'radio' | 'checkbox', name: string, value: string, checked: boolean, label: string, note?: string) => {
      const input = document.createElement('input');
      Object.assign(input, { type, name, value, checked });
      return el('label', { className: 'ipa-choice' }, input, ` ${label}`, ...(note ? [el('small', { className: 'ipa-note' }, note)] : []));
    };
    const set = (legend: Key, ...items: HTMLElement[]) => el('fieldset', {}, el('legend', {}, this.t(legend)), ...items);
    const toggle = (name: string, label: Key, checked: boolean) => {
      const input = document.createElement('input');
      Object.assign(input, { type: 'checkbox', name, checked });
      return el('label', { className: 'ipa-choice' }, input, ` ${this.t(label)}`);
    };
    this.q('[data-choices]').replaceChildren(
      set('base', ...m.choices.base.map((b) => choice('radio', 'base', b.id, b.default, b.label[lang], b.note?.[lang]))),
      set('adapters', ...m.choices.adapters.map((a) => choice('checkbox', 'adapter', a.id, a.default, a.label[lang], a.note?.[lang]))),
      set('extras', ...m.choices.loras.map((l) => choice('checkbox', 'lora', l.id, false, l.label[lang], l.note?.[lang])), toggle('img2img', 'img2img', false), toggle('f16', 'storeF16', true)),
    );
  }

  /** The selection the form shows. */
  selection(): Selection {
    const form = this.q<HTMLFormElement>('form[data-form]');
    const data = new FormData(form);
    return {
      base: String(data.get('base') ?? this.manifest.choices.base.find((b) => b.default)!.id),
      adapters: data.getAll('adapter').map(String),
      loras: data.getAll('lora').map(String),
      img2img: data.get('img2img') === 'on',
      dtype: (data.get('f16') === 'on' ? 'F16' : 'keep') as StoreDType,
    };
  }

  private context(signal?: AbortSignal): Context {
    return { cache: this.cache, settings: this.manifest.settings, signal };
  }

  private status(text: string) {
    this.q('[data-status]').textContent = text;
  }

  private showErrors(errors: { label: string; error: DownloadError }[]) {
    const box = this.q('[data-errors]');
    box.replaceChildren(...errors.map((e) => el('p', { className: 'ipa-error' }, errorText(e.error, this.lang))));
  }

  async check(): Promise<Confirmation | undefined> {
    await this.ready;
    this.state = 'checking';
    this.status(this.t('checking'));
    this.showErrors([]);
    this.q('[data-confirm]').hidden = true;
    const sel = this.selection();
    try {
      const jobs = jobsFor(this.manifest, sel, manifestFetch(this.manifest), (n) => { this.fetched += n; });
      const res = await prepareAll(jobs, this.context());
      this.prepared = res.prepared;
      this.showErrors(res.errors);
      const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
      const c = confirmation(res.prepared, { origins: allowedOrigins(this.manifest), estimate });
      this.renderConfirm(c);
      if (res.errors.length) this.state = 'error';
      else if (c.nothingToDo) {
        this.state = 'done';
        this.status(this.t('nothingToDo'));
        this.dispatchEvent(new CustomEvent('ipa-weights-ready', { bubbles: true, detail: { selection: sel } }));
      } else {
        this.state = 'confirm';
        this.status('');
      }
      return c;
    } catch (e) {
      this.state = 'error';
      this.status('');
      this.showErrors([{ label: '', error: e instanceof DownloadError ? e : new DownloadError('storage', (e as Error).message) }]);
      return undefined;
    }
  }

  private renderConfirm(c: Confirmation) {
    const text = confirmationText(c, this.lang);
    const box = this.q('[data-confirm]');
    this.q('[data-confirm-lines]').replaceChildren(...text.lines.map((l) => el('li', {}, l)));
    this.q('[data-confirm-rows]').replaceChildren(...text.rows.map((l) => el('li', {}, l)));
    const start = this.q<HTMLButtonElement>('[data-start]');
    start.disabled = !c.fits || c.nothingToDo;
    box.hidden = c.nothingToDo && c.rows.length === 0;
    box.dataset.fetch = String(c.fetch);
    box.dataset.store = String(c.store);
    if (!c.fits) this.showErrors([{ label: '', error: new DownloadError('disk', 'not enough disk', { need: c.store, free: c.free }) }]);
  }

  async start() {
    await this.ready;
    try {
      const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
      checkDisk(estimate, this.prepared.reduce((a, p) => a + p.storeTotal - p.storeDone, 0));
    } catch (e) {
      this.showErrors([{ label: '', error: e as DownloadError }]);
      this.state = 'error';
      return;
    }
    await navigator.storage?.persist?.().catch(() => false);
    this.q('[data-confirm]').hidden = true;
    await this.run();
  }

  private async resume() {
    const sel = this.selection();
    const res = await prepareAll(jobsFor(this.manifest, sel, manifestFetch(this.manifest), (n) => { this.fetched += n; }), this.context());
    this.prepared = res.prepared;
    this.showErrors(res.errors);
    await this.run();
  }

  private async run() {
    this.abort = new AbortController();
    this.state = 'downloading';
    this.showErrors([]);
    const progress = this.q('[data-progress]');
    progress.hidden = false;
    this.q('[data-pause]').hidden = false;
    this.q('[data-resume]').hidden = true;
    const result = await runDownloads(this.prepared, this.context(this.abort.signal), (files, total) => this.renderProgress(files, total));
    this.abort = null;
    this.q('[data-pause]').hidden = true;
    const errors = result.files.filter((f) => f.error).map((f) => ({ label: f.id, error: f.error! }));
    const paused = errors.some((e) => e.error.code === 'aborted');
    const real = errors.filter((e) => e.error.code !== 'aborted');
    this.showErrors(real);
    if (paused || real.some((e) => e.error.code === 'network' || e.error.code === 'quota')) this.q('[data-resume]').hidden = false;
    if (real.length) {
      this.state = 'error';
      this.status(this.t('someFailed'));
    } else if (paused) {
      this.state = 'paused';
      this.status(this.t('statePaused'));
    } else {
      this.state = 'done';
      this.status(this.t('allDone', { bytes: formatBytes(this.fetched, this.lang) }));
      this.dispatchEvent(new CustomEvent('ipa-weights-ready', { bubbles: true, detail: { selection: this.selection() } }));
    }
    await this.renderManage();
  }

  private renderProgress(files: FileProgress[], total: TotalProgress) {
    const label = (f: { done: number; total: number; rate: number; eta: number | undefined }) => {
      const amount = this.t('progressLine', { done: formatBytes(f.done, this.lang), total: formatBytes(f.total, this.lang) });
      const speed = f.rate > 0 && f.eta !== undefined ? this.t('speedLine', { speed: formatSpeed(f.rate, this.lang), eta: formatDuration(f.eta, this.lang) }) : '';
      return [amount, speed].filter(Boolean).join(' · ');
    };
    const stateKey: Record<FileProgress['state'], Key> = {
      waiting: 'stateWaiting', header: 'stateWaiting', downloading: 'stateDownloading', verifying: 'stateVerifying',
      done: 'stateDone', cached: 'stateCached', error: 'stateError', paused: 'statePaused',
    };
    const row = (id: string, name: string, f: { done: number; total: number; rate: number; eta: number | undefined }, state: string) => {
      const bar = el('progress', { max: Math.max(1, f.total), value: Math.min(f.done, f.total) });
      bar.setAttribute('aria-label', name);
      const li = el('li', {}, el('span', { className: 'ipa-file' }, name), bar, el('span', { className: 'ipa-meta' }, `${label(f)} · ${state}`));
      li.dataset.file = id;
      li.dataset.done = String(f.done);
      return li;
    };
    this.q('[data-files]').replaceChildren(...files.map((f) => {
      const li = row(f.id, this.labelOf(f.id), f, this.t(stateKey[f.state]));
      li.dataset.state = f.state;
      return li;
    }));
    const totalRow = row('total', this.t('total'), total, '');
    this.q('[data-total]').replaceChildren(totalRow);
  }

  private labelOf(fileId: string) {
    return this.manifest.files.find((f) => f.id === fileId)?.label[this.lang] ?? fileId;
  }

  async renderManage() {
    const files = await this.cache.list();
    const table = this.q<HTMLTableElement>('[data-manage-table]');
    const body = table.tBodies[0];
    const total = files.reduce((a, f) => a + f.bytes, 0);
    const storeName: Record<string, Key> = { opfs: 'opfs', 'cache-storage': 'cacheStorage', memory: 'memory' };
    this.q('[data-manage-summary]').textContent = files.length
      ? this.t('manageUsing', { store: this.t(storeName[this.cache.store.kind]), bytes: formatBytes(total, this.lang) })
      : this.t('manageEmpty');
    table.hidden = files.length === 0;
    this.q<HTMLButtonElement>('[data-delete-all]').hidden = files.length === 0;
    body.replaceChildren(...files.map((f) => {
      const byRef = this.manifest.files.find((m) => m.repo === f.ref.repo && m.path === f.ref.path);
      const name = byRef ? byRef.label[this.lang] : f.label;
      const del = el('button', { type: 'button', className: 'btn' }, this.t('delete'));
      del.setAttribute('aria-label', this.t('deleteNamed', { name }));
      del.addEventListener('click', () => void this.cache.deleteFile(f.key).then(() => this.renderManage()));
      const complete = f.artefacts.length > 0 && f.artefacts.every((a) => a.complete);
      const tr = el('tr', {},
        el('td', {}, name, el('br'), el('small', {}, `${f.ref.repo} ${f.ref.path}`)),
        el('td', {}, f.artefacts.map((a) => `${a.parts.join(', ')} (${a.dtype})`).join('; ')),
        el('td', {}, formatBytes(f.bytes, this.lang)),
        el('td', {}, this.t(complete ? 'complete' : 'partial')),
        el('td', {}, del));
      tr.dataset.key = f.key;
      return tr;
    }));
  }

  private async pickLocal(picks: Parameters<typeof recognise>[0]) {
    const { weights, skipped } = await recognise(picks);
    this.localWeights = weights;
    this.renderLocal(weights, skipped);
    this.dispatchEvent(new CustomEvent('ipa-local-files', { bubbles: true, detail: { weights, skipped } }));
  }

  private renderLocal(weights: LocalWeight[], skipped: Skipped[]) {
    const table = this.q<HTMLTableElement>('[data-local-table]');
    table.hidden = weights.length === 0;
    table.tBodies[0].replaceChildren(...weights.map((w) => el('tr', {},
      el('td', {}, w.path),
      el('td', {}, w.folder),
      el('td', {}, w.description, ...(w.note ? [el('br'), el('small', {}, w.note)] : [])),
      el('td', {}, formatBytes(w.size, this.lang)))));
    this.q('[data-local-none]').hidden = weights.length > 0;
    this.q('[data-local-skipped]').replaceChildren(...skipped.map((x) => el('li', {}, `${x.path}: ${this.t('skipped')} — ${x.reason}`)));
  }

  /** The cached weights of the current selection, as safetensors Blobs for the pipeline. */
  modelFiles(sel = this.selection()): Promise<ModelFileSet> {
    return modelFiles(this.cache, this.manifest, sel);
  }
}

if (!customElements.get('ipa-downloads')) customElements.define('ipa-downloads', IpaDownloads);
