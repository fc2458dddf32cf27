/**
 * <ipa-lab-embedding>: prompt similarity and nearest tokens in an embedding table (lesson 2).
 *
 * It starts on the demo table and switches to CLIP's real token-embedding table when the reader
 * has it: read by itself from the live lab's cache (or an earlier fetch of the tensor), fetched
 * alone by byte range after the reader confirms the size and origin, or read from a file they
 * pick. Logic: src/lib/labs/embedding*.ts; downloads and cache: src/lib/download, src/lib/storage.
 */
import type { EmbeddingLabState } from '../contract';
import { comparePrompts, demoEmbeddingSource, DEMO_DIMENSIONS, nearestTokens, onEmbeddingSource, type EmbeddingSource, type Neighbour } from '../../lib/labs/embedding';
import { downloadTable, findCachedTable, prepareTableFetch, readCachedTable, textEncoderFiles, type TableFetchPlan } from '../../lib/labs/embeddingFetch';
import { readLocalTable, realEmbeddingSource, type RealTable } from '../../lib/labs/embeddingTable';
import { checkDisk, type Context } from '../../lib/download/fetcher';
import { validateManifest, type Manifest } from '../../lib/download/manifest';
import { manifestFetch } from '../../lib/download/session';
import { formatBytes } from '../../lib/download/strings';
import { WeightCache } from '../../lib/storage/cache';
import { openBestStore } from '../../lib/storage/open';
import { loadClipTokenizer, VOCAB_SIZE } from '../../lib/tokenizer';
import { formatFixed, formatInt } from '../../lib/labs/format';
import { define, fill, LabBase, pick } from '../shared/base';
import { h, nextId } from '../shared/dom';
import { injectStyles } from '../shared/styles';
import { errorMessage, STRINGS } from './strings';

const DIM_ZH: Record<string, string> = {
  animal: '动物', feline: '猫科', canine: '犬科', nature: '自然', 'warm colour': '暖色', vehicle: '交通工具', person: '人物', 'art style': '画风', photo: '照片', 'function word': '虚词',
};

const CSS = `
.emb-badge { display: inline-block; font-weight: 600; font-size: 0.85rem; padding: 0.1rem 0.5rem; border-radius: var(--radius); border: 2px dashed var(--warn); color: var(--fg); }
.emb-badge.real { border-style: solid; border-color: var(--good); }
.emb-sim { font-size: 1.05rem; font-weight: 600; }
.emb-near { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.15rem; max-width: 26rem; }
.emb-near li { display: grid; grid-template-columns: 7rem 1fr 3.5rem; gap: 0.5rem; align-items: center; font-size: 0.88rem; }
.emb-near .lab-bar { height: 0.75rem; background: var(--border); border-radius: 2px; overflow: hidden; }
.emb-near .lab-bar-fill { display: block; height: 100%; background: var(--accent); }
.emb-near .num { text-align: right; font-family: var(--mono); }
.emb-toks { font-family: var(--mono); font-size: 0.85rem; color: var(--muted); margin: 0.1rem 0 0; }
.emb-get progress { width: min(100%, 24rem); accent-color: var(--accent); }
.emb-get input[type=file] { max-width: 100%; }
.emb-get [hidden] { display: none !important; }
`;

type FetchState = 'idle' | 'checking' | 'confirm' | 'downloading' | 'reading' | 'done' | 'error';

/** The manifest this page carries (the downloads page does; tests put one in), else the site's. */
async function loadManifest(): Promise<Manifest> {
  const onPage = document.querySelector('script[type="application/json"][data-manifest]');
  const raw: unknown = onPage ? JSON.parse(onPage.textContent ?? '{}') : (await import('../../../models/manifest.json')).default;
  return validateManifest(raw);
}

export class EmbeddingLab extends LabBase<EmbeddingLabState> {
  readonly lab = 'embedding' as const;
  private t = STRINGS.en;
  private src: EmbeddingSource = demoEmbeddingSource();
  /** The real table's source, kept when the reader goes back to the demo table. */
  private real?: EmbeddingSource & { table: RealTable };
  private inputs!: { a: HTMLInputElement; b: HTMLInputElement; probe: HTMLInputElement; file: HTMLInputElement };
  private sourceBox!: HTMLElement;
  private compareOut!: HTMLElement;
  private tokLines!: [HTMLElement, HTMLElement];
  private nearOut!: HTMLElement;
  private datalist!: HTMLDataListElement;
  private get$!: { box: HTMLElement; status: HTMLElement; confirm: HTMLElement; confirmText: HTMLElement; progress: HTMLProgressElement; progressBox: HTMLElement; error: HTMLElement; check: HTMLButtonElement; toggle: HTMLButtonElement };
  private env?: Promise<{ manifest: Manifest; cache: WeightCache; persistent: boolean }>;
  private plan?: TableFetchPlan;
  private abort?: AbortController;
  private nearCache?: { key: string; src: EmbeddingSource; near: Neighbour[] };
  private unsubscribe?: () => void;

  protected defaults(): EmbeddingLabState {
    return { promptA: 'a cat on grass', promptB: 'a kitten in a garden', probe: 'cat' };
  }

  protected sanitize(s: EmbeddingLabState): EmbeddingLabState {
    const str = (v: unknown, d: string) => (typeof v === 'string' ? v.slice(0, 300) : d);
    return { promptA: str(s.promptA, ''), promptB: str(s.promptB, ''), probe: str(s.probe, '').slice(0, 40) };
  }

  /** Switches to another table (e.g. CLIP's real one); the state stays. */
  useSource(src: EmbeddingSource): void {
    this.src = src;
    this.fillSuggestions();
    this.render();
  }

  protected build(body: HTMLElement): void {
    injectStyles('ipa-lab-embedding', CSS);
    const t = (this.t = pick(STRINGS, this.lng));
    const listId = nextId('emb-words');
    this.datalist = h('datalist', { id: listId });
    const text = (name: string, label: string, key: keyof EmbeddingLabState, extra: Record<string, string> = {}) => {
      const id = nextId(`emb-${name}`);
      const input = h('input', { type: 'text', id, name, spellcheck: 'false', autocomplete: 'off', value: this.state[key], ...extra });
      input.addEventListener('input', () => this.update({ [key]: input.value } as Partial<EmbeddingLabState>));
      return { input, el: h('div', { class: 'lab-field' }, h('label', { for: id }, label), input) };
    };
    const a = text('prompt-a', t.promptA, 'promptA');
    const b = text('prompt-b', t.promptB, 'promptB');
    const probe = text('probe', t.probe, 'probe', { list: listId });
    const fileId = nextId('emb-file');
    const hintId = nextId('emb-file-hint');
    const file = h('input', { type: 'file', id: fileId, accept: '.safetensors', 'aria-describedby': hintId, 'data-table-file': '' });
    file.addEventListener('change', () => {
      const f = file.files?.[0];
      if (f) void this.readLocal(f);
      file.value = '';
    });
    this.inputs = { a: a.input, b: b.input, probe: probe.input, file };
    this.sourceBox = h('div', {});
    this.compareOut = h('p', { class: 'emb-sim', 'data-similarity': '' });
    this.tokLines = [h('p', { class: 'emb-toks' }), h('p', { class: 'emb-toks' })];
    this.nearOut = h('div', {});
    this.fillSuggestions();

    const checkHintId = nextId('emb-check-hint');
    const check = h('button', { type: 'button', class: 'btn', 'data-action': 'check', 'aria-describedby': checkHintId, onclick: () => void this.check() }, t.check);
    const confirmText = h('div', { 'data-confirm-text': '' });
    const confirm = h(
      'div',
      { 'data-confirm': '', hidden: true },
      confirmText,
      h(
        'div',
        { class: 'lab-buttons' },
        h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'download', onclick: () => void this.download() }, t.download),
        h('button', { type: 'button', class: 'btn', 'data-action': 'cancel', onclick: () => this.cancel() }, t.cancel),
      ),
    );
    const progress = h('progress', { max: 1, value: 0, 'aria-label': t.progressLabel });
    const progressBox = h('div', { hidden: true, class: 'lab-buttons' }, progress, h('button', { type: 'button', class: 'btn', 'data-action': 'abort', onclick: () => this.abort?.abort() }, t.cancel));
    const toggle = h('button', { type: 'button', class: 'btn', 'data-action': 'toggle', hidden: true, onclick: () => this.toggleTable() }, t.useDemo);
    this.get$ = {
      box: h('section', { class: 'lab-part emb-get', 'data-fetch-state': 'idle' }),
      status: h('p', { class: 'lab-note', role: 'status', 'data-fetch-status': '' }),
      confirm, confirmText, progress, progressBox,
      error: h('p', { class: 'lab-error', role: 'alert', 'data-fetch-error': '' }),
      check, toggle,
    };
    this.get$.box.append(
      h('h4', {}, t.getTitle),
      h('p', { class: 'lab-note' }, fill(t.getIntro, { clip: formatInt(VOCAB_SIZE, this.lng) })),
      h('div', { class: 'lab-buttons' }, check, toggle),
      h('p', { class: 'lab-note', id: checkHintId, 'data-check-hint': '' }),
      confirm,
      progressBox,
      this.get$.status,
      this.get$.error,
      h('div', { class: 'lab-field' }, h('label', { for: fileId }, t.pick), file, h('p', { class: 'lab-note', id: hintId }, t.pickHint)),
    );

    body.append(
      this.sourceBox,
      h('section', { class: 'lab-part' }, h('h4', {}, t.compareTitle), h('div', { class: 'lab-controls' }, h('div', {}, a.el, this.tokLines[0]), h('div', {}, b.el, this.tokLines[1])), this.compareOut),
      h('section', { class: 'lab-part' }, h('h4', {}, t.neighboursTitle), h('div', { class: 'lab-controls' }, probe.el), this.nearOut, this.datalist),
      this.get$.box,
    );
    const sub = onEmbeddingSource((src) => this.useSource(src));
    this.unsubscribe = sub.unsubscribe;
    if (sub.current) this.src = sub.current;
    void this.lookInCache();
  }

  disconnectedCallback(): void {
    this.unsubscribe?.();
    this.abort?.abort();
  }

  // ---- the real table ----

  private environment() {
    this.env ??= (async () => {
      const store = await openBestStore();
      return { manifest: await loadManifest(), cache: new WeightCache(store), persistent: store.kind !== 'memory' };
    })();
    this.env.catch(() => (this.env = undefined));
    return this.env;
  }

  private setFetch(state: FetchState, status = '', error = ''): void {
    this.get$.box.dataset.fetchState = state;
    this.get$.status.textContent = status;
    this.get$.error.textContent = error;
    this.get$.confirm.hidden = state !== 'confirm';
    this.get$.progressBox.hidden = state !== 'downloading';
    const busy = state === 'checking' || state === 'downloading' || state === 'reading';
    this.get$.check.disabled = busy;
    this.inputs.file.disabled = busy;
  }

  private fail(e: unknown): void {
    this.setFetch('error', '', errorMessage(e, this.lng));
  }

  /** On mount: the live lab's download (or an earlier fetch) already has the table? Use it. */
  private async lookInCache(): Promise<void> {
    try {
      const { manifest, cache } = await this.environment();
      this.get$.box.querySelector('[data-check-hint]')!.textContent = fill(this.t.checkHint, { host: hostOf(manifest) });
      const hit = await findCachedTable(cache, manifest);
      if (!hit || this.real) return;
      this.setFetch('reading', this.t.readingCache);
      await this.useTable(await readCachedTable(cache, manifest, hit));
    } catch (e) {
      this.fail(e);
    }
  }

  private async useTable(table: RealTable): Promise<void> {
    const tok = await loadClipTokenizer();
    this.real = realEmbeddingSource(table, tok);
    this.setFetch('done');
    this.useSource(this.real);
  }

  /** Reads the header (the reader pressed "Check the download") and shows what a fetch costs. */
  private async check(): Promise<void> {
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    this.setFetch('checking', this.t.checking);
    try {
      const { manifest, cache } = await this.environment();
      const ctx: Context = { cache, settings: manifest.settings, signal: abort.signal };
      const plan = await prepareTableFetch(manifest, ctx, manifestFetch(manifest));
      if (plan.fetchBytes === 0) {
        await this.useTable(await downloadTable(plan, manifest, ctx));
        return;
      }
      this.plan = plan;
      const { persistent } = await this.environment();
      const L = this.lng;
      this.get$.confirmText.replaceChildren(
        h('p', {}, fill(this.t.confirm, { bytes: formatBytes(plan.fetchBytes, L), host: new URL(plan.origin).host, shape: plan.shape.map((d) => formatInt(d, L)).join(' × '), dtype: plan.dtype, file: plan.file.repo + ' ' + plan.file.path })),
        h('p', { class: 'lab-note' }, persistent ? fill(this.t.confirmStored, { bytes: formatBytes(plan.storeBytes, L) }) : this.t.memoryOnly),
      );
      this.setFetch('confirm');
      this.get$.confirm.querySelector<HTMLButtonElement>('[data-action="download"]')?.focus();
    } catch (e) {
      this.fail(e);
    }
  }

  private cancel(): void {
    this.plan = undefined;
    this.setFetch('idle');
    this.get$.check.focus();
  }

  /** The reader confirmed: fetch the table's byte range into the cache and use it. */
  private async download(): Promise<void> {
    const plan = this.plan;
    if (!plan) return;
    this.plan = undefined;
    const abort = (this.abort = new AbortController());
    try {
      const { manifest, cache } = await this.environment();
      checkDisk(await navigator.storage?.estimate?.().catch(() => undefined), plan.storeBytes);
      const total = plan.fetchBytes;
      let done = 0;
      this.get$.progress.max = total;
      this.get$.progress.value = 0;
      const show = () => {
        this.get$.progress.value = done;
        this.get$.status.textContent = fill(this.t.downloading, { done: formatBytes(done, this.lng), total: formatBytes(total, this.lng) });
      };
      this.setFetch('downloading');
      show();
      const table = await downloadTable(plan, manifest, { cache, settings: manifest.settings, signal: abort.signal }, (n) => {
        done += n;
        show();
      });
      await this.useTable(table);
    } catch (e) {
      this.fail(e);
    }
  }

  private async readLocal(file: File): Promise<void> {
    this.abort?.abort();
    this.setFetch('reading', fill(this.t.reading, { file: file.name }));
    try {
      await this.useTable(await readLocalTable(file, file.name));
    } catch (e) {
      this.fail(e);
    }
  }

  private toggleTable(): void {
    if (!this.real) return;
    this.useSource(this.src === this.real ? demoEmbeddingSource() : this.real);
  }

  // ---- the view ----

  private fillSuggestions(): void {
    this.datalist?.replaceChildren(...this.src.suggestions.slice(0, 200).map((w) => h('option', { value: w })));
  }

  private describeSource(): HTMLElement[] {
    const t = this.t;
    const L = this.lng;
    if (this.src.kind === 'demo') {
      const dims = DEMO_DIMENSIONS.map((d) => (L === 'zh' ? DIM_ZH[d] : d)).join(L === 'zh' ? '、' : ', ');
      return [
        h('span', { class: 'emb-badge', 'data-source': 'demo' }, t.demoBadge),
        h('p', { class: 'lab-note' }, fill(t.demoNote, { n: this.src.size, d: this.src.dim, dims, clip: formatInt(VOCAB_SIZE, L) })),
      ];
    }
    const table = (this.src as Partial<{ table: RealTable }>).table;
    if (!table) return [h('span', { class: 'emb-badge real', 'data-source': 'real' }, t.realBadge)];
    const host = table.from ? new URL(table.from).host : '';
    const origin =
      table.origin === 'local' ? fill(t.originLocal, { file: table.file })
        : table.origin === 'download' ? fill(t.originDownload, { host, file: table.file, bytes: formatBytes(table.fetched, L) })
          : table.fromLiveLab ? fill(t.originCacheLive, { file: table.file })
            : fill(t.originCacheFetched, { host, file: table.file });
    const test = table.vocabulary === 'test';
    return [
      h('span', { class: 'emb-badge real', 'data-source': 'real', 'data-origin': table.origin, 'data-vocabulary': table.vocabulary }, test ? t.testBadge : t.realBadge),
      h('p', { class: 'lab-note', 'data-origin-note': '' }, origin),
      h('p', { class: 'lab-note' }, fill(t.realNote, { rows: formatInt(table.rows, L), dim: formatInt(table.dim, L), tensor: table.tensor, dtype: table.dtype })),
      ...(test ? [h('p', { class: 'lab-note' }, fill(t.testNote, { rows: formatInt(table.rows, L), clip: formatInt(VOCAB_SIZE, L) }))] : []),
    ];
  }

  protected render(): void {
    const t = this.t;
    const s = this.state;
    if (this.inputs.a.value !== s.promptA) this.inputs.a.value = s.promptA;
    if (this.inputs.b.value !== s.promptB) this.inputs.b.value = s.promptB;
    if (this.inputs.probe.value !== s.probe) this.inputs.probe.value = s.probe;
    const demo = this.src.kind === 'demo';
    this.sourceBox.replaceChildren(...this.describeSource());
    if (this.real) {
      this.get$.toggle.hidden = false;
      this.get$.toggle.textContent = this.src === this.real ? t.useDemo : t.useReal;
    }

    const cmp = comparePrompts(this.src, s.promptA, s.promptB);
    [cmp.a, cmp.b].forEach((tok, i) => {
      const parts = [fill(t.tokens, { t: tok.pieces.join(' · ') || '—' })];
      if (tok.unknown.length) parts.push(fill(demo ? t.unknown : t.unknownReal, { w: tok.unknown.join(', ') }));
      this.tokLines[i].textContent = parts.join(' — ');
    });
    const c = cmp.cosine === null ? null : formatFixed(cmp.cosine, 3);
    this.compareOut.textContent = c === null ? t.noTokens : fill(t.similarity, { c });
    this.compareOut.dataset.similarity = c ?? '';

    const probe = this.src.tokenize(s.probe.trim());
    let nearText = '—';
    if (probe.ids.length === 0) {
      this.nearOut.replaceChildren(h('p', { class: 'lab-note' }, fill(t.probeUnknown, { w: s.probe.trim(), s: this.src.suggestions.slice(0, 8).join(', ') })));
    } else {
      const id = probe.ids[0];
      // a search over CLIP's 49,408 rows takes tens of ms: only when the probe or the table changes
      const key = `${id}`;
      if (this.nearCache?.key !== key || this.nearCache.src !== this.src) {
        this.nearCache = { key, src: this.src, near: nearestTokens(this.src, this.src.vector(id), 8, new Set([id])) };
      }
      const near = this.nearCache.near;
      nearText = near.map((n) => `${n.token} ${formatFixed(n.cosine, 2)}`).join(', ');
      this.nearOut.replaceChildren(
        h('p', { class: 'lab-note', id: `${this.inputs.probe.id}-near` }, fill(t.nearest, { w: this.src.token(id) })),
        h(
          'ol',
          { class: 'emb-near', 'aria-labelledby': `${this.inputs.probe.id}-near` },
          ...near.map((n) => h('li', { 'data-token': n.token, 'data-id': n.id }, h('span', {}, n.token), h('span', { class: 'lab-bar', 'aria-hidden': 'true' }, h('span', { class: 'lab-bar-fill', style: `width: ${Math.max(0, n.cosine * 100).toFixed(1)}%` })), h('span', { class: 'num' }, formatFixed(n.cosine, 3)))),
        ),
      );
    }
    const kind = demo ? t.demoBadge : (this.src as Partial<{ table: RealTable }>).table?.vocabulary === 'test' ? t.testBadge : t.realBadge;
    this.say(fill(t.summary, { kind, c: c ?? '—', w: s.probe.trim(), n: nearText }));
  }
}

/** The host readers know the manifest's first text encoder by (huggingface.co). */
function hostOf(m: Manifest): string {
  const f = textEncoderFiles(m)[0];
  return f ? new URL(m.hosts[m.repos[f.repo].host].base).host : '';
}

define('ipa-lab-embedding', EmbeddingLab);
