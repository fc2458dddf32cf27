/**
 * Where the weights come from: the reader's own files (identified by their headers,
 * src/lib/weights/detect) or the models the downloads page cached in this browser (never a
 * download from here: without a cache, a link to that page and its confirmation screen); LoRA
 * files with ComfyUI's strengths; the LCM fast path. The lab does the loading (onLoad).
 */
import { h, nextId } from '../shared/dom';
import { fill } from '../shared/base';
import type { LabLang } from '../../lib/labs/format';
import { detectFromBytes, type Detected } from '../../lib/weights/detect';
import type { ModelFile, ModelFiles } from '../../lib/pipeline/protocol';
import type { AdapterVariant } from '../../lib/comfy/models';
import type { LoadedAdapterFile } from '../../lib/live/assets';
import type { CachedModels } from '../../lib/live/cachedModels';
import { isFastPath, isLcmLora, LCM_LORA_NAME, withFastPath, withoutFastPath } from '../../lib/live/fastPath';
import { MAX_LORAS, type LiveState } from '../../lib/live/panel';
import { button, checkbox, field, numberInput, rebuild, type PanelCtx, type Section } from './ui';

type Role = 'checkpoint' | 'unet' | 'vae' | 'textEncoder' | 'imageEncoder' | 'adapter' | 'unknown';
const roleOf = (d: Detected): Role =>
  d.kind === 'checkpoint' ? 'checkpoint' : d.kind === 'diffusers-unet' ? 'unet' : d.kind === 'diffusers-vae' ? 'vae' : d.kind === 'clip-text' ? 'textEncoder' : d.kind === 'clip-vision' ? 'imageEncoder' : d.kind === 'ip-adapter' ? 'adapter' : 'unknown';
const variantOf = (d: Detected): AdapterVariant | null =>
  d.kind !== 'ip-adapter' || d.variant === 'faceid' ? null : d.variant === 'base' ? 'standard' : d.variant;

/** The first bytes of a safetensors file: the 8-byte length and the JSON header. */
async function headerBytes(file: File): Promise<Uint8Array> {
  const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  const n = Number(new DataView(head.buffer).getBigUint64(0, true));
  return new Uint8Array(await file.slice(0, Math.min(file.size, 8 + Math.min(n, 100 * 1024 * 1024))).arrayBuffer());
}

export interface ModelChoice {
  files: ModelFiles;
  adapters: LoadedAdapterFile[];
  /** The single-file checkpoint's name (CheckpointLoaderSimple), when one is used. */
  checkpoint: string | null;
}

export interface ModelsSection extends Section {
  /** What to load for this state: the files (LoRAs included), or why not (a sentence). */
  choice(s: LiveState): { ok: true; value: ModelChoice } | { ok: false; reason: string };
  loadStatus: HTMLElement;
  loadButton: HTMLButtonElement;
  /** A note under the fast-path switch (why it was turned on). */
  fastNote(text: string): void;
}

export function createModelsSection(ctx: PanelCtx, o: { onLoad: () => void; lang: LabLang }): ModelsSection {
  const t = ctx.t;
  let own: { file: File; role: Role; detected: Detected }[] = [];
  let cached: CachedModels | null = null;
  let source: 'own' | 'downloaded' = 'own';
  const loraFiles = new Map<string, File>();

  const fileList = h('ul', { 'data-live': 'files' }, h('li', { class: 'live-muted' }, t.filesNone));
  const cacheBox = h('div', { 'data-live': 'cache', 'aria-live': 'polite' });
  const loadStatus = h('p', { class: 'live-muted', 'data-live': 'load-status', 'aria-live': 'polite' });
  const loadButton = h('button', { type: 'button', 'data-live': 'load', disabled: true }, t.load);
  loadButton.addEventListener('click', () => o.onLoad());
  const label: Record<Role, string> = { checkpoint: t.roleCheckpoint, unet: t.roleUnet, vae: t.roleVae, textEncoder: t.roleText, imageEncoder: t.roleVision, adapter: t.roleAdapter, unknown: t.roleUnknown };

  const filesId = nextId('live-files');
  const filesInput = h('input', { type: 'file', id: filesId, multiple: true, accept: '.safetensors', 'data-live': 'model-files' });
  filesInput.addEventListener('change', () => void pickOwn([...(filesInput.files ?? [])]));
  const useCached = button(t.useDownloaded, 'use-downloaded', () => void useDownloaded(), { 'data-live': 'use-downloaded' });

  const loraId = nextId('live-lora');
  const loraInput = h('input', { type: 'file', id: loraId, multiple: true, accept: '.safetensors', 'data-live': 'lora-files' });
  loraInput.addEventListener('change', () => {
    let s = ctx.state();
    for (const f of loraInput.files ?? []) {
      loraFiles.set(f.name, f);
      if (isLcmLora(f.name) && s.loras.some((l) => isLcmLora(l.name) && l.name !== f.name)) {
        // a picked LCM-LoRA under its own name stands for the fast path's
        s = { ...s, loras: s.loras.map((l) => (isLcmLora(l.name) ? { ...l, name: f.name } : l)) };
      } else if (!s.loras.some((l) => l.name === f.name) && s.loras.length < MAX_LORAS) s = { ...s, loras: [...s.loras, { name: f.name, strengthModel: 1, strengthClip: 1 }] };
    }
    loraInput.value = '';
    ctx.update(s);
    refresh();
  });
  const loraRows = h('div', { 'data-live': 'loras' });
  const fast = checkbox();
  fast.setAttribute('data-live', 'fast-path');
  fast.addEventListener('change', () => {
    const s = ctx.state();
    const lcm = [...loraFiles.keys(), ...(cached?.loras.map((l) => l.name) ?? [])].find(isLcmLora);
    ctx.update(fast.checked ? withFastPath(s, lcm ?? LCM_LORA_NAME) : withoutFastPath(s));
    note.textContent = '';
  });
  const fastField = field('fastPath', t.fastPath, fast, 'bool', fill(t.fastPathHelp, { name: LCM_LORA_NAME }));
  fast.dataset.bind = 'custom';
  const note = h('p', { class: 'live-warn', 'data-live': 'fast-note' });
  note.hidden = true;

  const el = h('fieldset', { 'data-live': 'models' }, h('legend', {}, t.modelsTitle),
    h('div', { class: 'live-f' }, h('label', { for: filesId }, t.pickFiles), filesInput, h('p', { class: 'live-muted' }, t.pickHelp)),
    fileList,
    h('div', { class: 'live-row' }, useCached), cacheBox,
    h('fieldset', { class: 'live-sub' }, h('legend', {}, t.loraTitle),
      h('div', { class: 'live-f' }, h('label', { for: loraId }, t.loraPick), loraInput), loraRows, fastField, note),
    h('div', { class: 'live-row' }, loadButton), loadStatus,
  );

  async function pickOwn(list: File[]): Promise<void> {
    own = [];
    for (const file of list) {
      let detected: Detected;
      try { detected = detectFromBytes(await headerBytes(file), file.size, file.name); } catch (e) { detected = { kind: 'unknown', reason: e instanceof Error ? e.message : String(e) }; }
      own.push({ file, role: roleOf(detected), detected });
    }
    source = 'own';
    fileList.replaceChildren(...own.map((f) => h('li', { 'data-role': f.role }, `${f.file.name} — ${label[f.role]}${f.detected.kind === 'unknown' ? ` (${f.detected.reason})` : ''}`)));
    refresh();
  }

  async function useDownloaded(): Promise<void> {
    cacheBox.replaceChildren(h('p', { class: 'live-muted' }, t.checkingCache));
    try {
      // loaded only when asked: the manifest, the store and the cache reader are not in the lab's first bundle
      const [{ default: raw }, { validateManifest }, { openBestStore }, { WeightCache }, { findCachedModels }] = await Promise.all([
        import('../../../models/manifest.json'), import('../../lib/download/manifest'), import('../../lib/storage/open'), import('../../lib/storage/cache'), import('../../lib/live/cachedModels'),
      ]);
      const found = await findCachedModels(new WeightCache(await openBestStore()), validateManifest(raw), o.lang);
      if (!found) {
        cacheBox.replaceChildren(h('p', {}, t.cachedNone, ' ', h('a', { href: `/${o.lang}/lab/downloads/`, 'data-live': 'downloads-link' }, t.cachedNoneLink)), h('p', { class: 'live-muted' }, t.cachedNoneHelp));
        return;
      }
      cached = found;
      source = 'downloaded';
      cacheBox.replaceChildren(h('p', { 'data-live': 'cache-found' }, fill(t.cachedFound, { files: found.labels.join(', ') })));
      fileList.replaceChildren(...[found.files.unet, found.files.vae, found.files.textEncoder, found.files.imageEncoder, ...(found.files.adapters ?? [])]
        .filter((f): f is ModelFile => !!f).map((f) => h('li', {}, f.name)));
      refresh();
    } catch (e) {
      cacheBox.replaceChildren(h('p', { class: 'live-err' }, fill(t.cachedError, { error: e instanceof Error ? e.message : String(e) })));
    }
  }

  function loraFile(name: string): ModelFile | undefined {
    const f = loraFiles.get(name);
    if (f) return { name, data: f };
    if (source === 'downloaded') return cached?.loras.find((l) => l.name === name || (isLcmLora(l.name) && isLcmLora(name)))?.file;
    return undefined;
  }

  function choice(s: LiveState): { ok: true; value: ModelChoice } | { ok: false; reason: string } {
    const loras: NonNullable<ModelFiles['loras']> = [];
    for (const l of s.loras) {
      const file = loraFile(l.name);
      if (!file) return { ok: false, reason: fill(t.loraNeedFile, { name: l.name }) };
      loras.push({ file, strength: { unet: l.strengthModel, textEncoder: l.strengthClip } });
    }
    if (source === 'downloaded' && cached) return { ok: true, value: { files: { ...cached.files, loras }, adapters: cached.adapters, checkpoint: null } };
    const has = (r: Role) => own.some((f) => f.role === r);
    const missing: string[] = [];
    if (!has('checkpoint')) for (const r of ['unet', 'vae', 'textEncoder'] as const) if (!has(r)) missing.push(label[r]);
    if (!has('imageEncoder') && s.adapters.length) missing.push(label.imageEncoder);
    if (!has('adapter') && s.adapters.length) missing.push(label.adapter);
    if (missing.length) return { ok: false, reason: fill(t.missingParts, { parts: missing.join(', ') }) };
    const one = (r: Role) => { const f = own.find((x) => x.role === r); return f && { name: f.file.name, data: f.file as Blob }; };
    const adapterFiles = own.filter((f) => f.role === 'adapter');
    const ckpt = own.find((f) => f.role === 'checkpoint');
    return {
      ok: true,
      value: {
        files: {
          checkpoint: one('checkpoint'), unet: one('unet'), vae: one('vae'), textEncoder: one('textEncoder'), imageEncoder: one('imageEncoder'),
          adapters: adapterFiles.map((f) => ({ name: f.file.name, data: f.file })), loras,
        },
        adapters: adapterFiles.map((f) => ({ name: f.file.name, variant: variantOf(f.detected) })),
        checkpoint: ckpt ? ckpt.file.name : null,
      },
    };
  }

  let loraKey = '';
  function refresh(): void {
    const s = ctx.state();
    const c = choice(s);
    loadButton.disabled = !c.ok;
    if (!c.ok && (own.length || cached)) loadStatus.textContent = c.reason;
    else if (c.ok && (loadStatus.textContent ?? '').length && !loadStatus.dataset.done) loadStatus.textContent = '';
    for (const st of loraRows.querySelectorAll<HTMLElement>('[data-lora-status]')) {
      st.textContent = loraFile(st.dataset.loraStatus!) ? t.loraHave : t.loraMissing;
    }
  }

  function render(s: LiveState): void {
    const k = JSON.stringify(s.loras.map((l) => l.name));
    if (k !== loraKey) {
      loraKey = k;
      rebuild(loraRows, s.loras.length ? s.loras.map((l, i) => h('fieldset', { class: 'live-sub', 'data-lora': l.name },
        h('legend', {}, `${t.loraName}: ${l.name}`),
        h('p', { class: 'live-muted', 'data-lora-status': l.name }),
        h('div', { class: 'live-grid live-grid-tight' },
          field(`loras[${i}].strengthModel`, t.strengthModel, numberInput(-100, 100, 0.05), 'number'),
          field(`loras[${i}].strengthClip`, t.strengthClip, numberInput(-100, 100, 0.05), 'number')),
        button(fill(t.loraRemove, { name: l.name }), `loras[${i}].remove`, () => {
          const st = ctx.state();
          ctx.update({ ...st, loras: st.loras.filter((_, j) => j !== i) });
        }),
      )) : [h('p', { class: 'live-muted' }, t.loraNone)]);
    }
    fast.checked = isFastPath(s);
    refresh();
  }

  return {
    el, render, choice, loadStatus, loadButton,
    fastNote(text) { note.textContent = text; note.hidden = !text; },
  };
}
