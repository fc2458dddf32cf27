/**
 * The panel's IP-Adapters: one IPAdapter Advanced node each (regional composition when they have
 * masks), with its model file, weight, weight_type, combine_embeds, start_at/end_at,
 * embeds_scaling, its reference images (LoadImage → PrepImageForClipVision, the CLIP crop
 * previewed), image_negative, attn_mask (masks.ts) and layer_weights (layer-grid.ts).
 * Add / remove buttons for adapters and references.
 */
import { h, nextId } from '../shared/dom';
import { fill } from '../shared/base';
import { DEFAULT_PREP, UNIFIED_PRESETS, type AdapterModelRef, type BridgeAdapter, type BridgeNegative } from '../../lib/comfy';
import { NODE_COMBINE_METHODS, NODE_WEIGHT_TYPES } from '../../lib/comfy/nodeTypes';
import { EMBEDS_SCALING_MODES } from '../../lib/ipadapter/embedsScaling';
import { NOISE_TYPES } from '../../lib/ipadapter/negativeNoise';
import { CROP_POSITIONS, PREP_INTERPOLATIONS, prepImageForClipVision } from '../../lib/image/prepForClipVision';
import { resolveAdapterModel } from '../../lib/live/assets';
import { DEFAULT_REFERENCE, imageNames, MAX_ADAPTERS, MAX_IMAGES, newAdapter, setAt, uniqueName, type LiveState } from '../../lib/live/panel';
import { createMaskEditor } from './masks';
import { createLayerGrid } from './layer-grid';
import { button, checkbox, drawRgb, errorLine, field, numberInput, rebuild, selectOf, type PanelCtx, type Section } from './ui';

type NegChoice = 'default' | 'black' | 'image' | 'noise';
export const negChoice = (n: BridgeNegative): NegChoice => (n.kind === 'default' ? 'default' : n.kind === 'image' ? 'image' : n.image === null ? 'black' : 'noise');

/** What decides the section's structure (a change rebuilds it). */
function shapeKey(s: LiveState, loaded: readonly { name: string }[]): string {
  return JSON.stringify([
    loaded.map((f) => f.name),
    s.adapters.map((a) => [
      JSON.stringify(a.model), a.images.map((i) => [i.name, i.prep !== null]), negChoice(a.negative),
      a.negative.kind === 'image' ? a.negative.image.name : '',
      a.attnMask ? [a.attnMask.image, Object.prototype.hasOwnProperty.call(s.masks, a.attnMask.image)] : null,
    ]),
  ]);
}

const refLabel = (m: AdapterModelRef) => (m.loader === 'unified' ? `IPAdapterUnifiedLoader: ${m.preset}` : m.ipadapterFile);

export function createAdaptersSection(ctx: PanelCtx): Section {
  const t = ctx.t;
  const list = h('div', { class: 'live-adapters' });
  const addBtn = button(t.adapterAdd, 'adapter-add', () => {
    const s = ctx.state();
    if (s.adapters.length >= MAX_ADAPTERS) return;
    ctx.update({ ...s, adapters: [...s.adapters, newAdapter(s)] });
    focusLater(`adapters[${s.adapters.length}].weight`);
  }, { 'data-live': 'adapter-add' });
  const el = h('fieldset', { 'data-live': 'adapters' }, h('legend', {}, t.adaptersTitle), list, h('div', { class: 'live-row' }, addBtn), errorLine('adapters'));
  let key = '';
  let children: { render(s: LiveState): void }[] = [];

  const focusLater = (focus: string) => queueMicrotask(() => el.querySelector<HTMLElement>(`[data-focus="${CSS.escape(focus)}"]`)?.focus());
  const patch = (path: string, value: unknown) => ctx.update(setAt(ctx.state(), path, value));

  function modelField(ai: number, a: BridgeAdapter): HTMLElement {
    const loaded = ctx.loadedAdapters();
    const options: { value: AdapterModelRef; label: string }[] = loaded.map((f) => ({
      value: { loader: 'files', ipadapterFile: f.name, clipVisionFile: a.model.clipVisionFile ?? 'CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors' },
      label: fill(t.modelLoaded, { name: f.name }),
    }));
    for (const p of UNIFIED_PRESETS.filter((p) => !p.startsWith('VIT-G'))) options.push({ value: { loader: 'unified', preset: p, clipVisionFile: null }, label: `IPAdapterUnifiedLoader: ${p}` });
    const current = JSON.stringify(a.model);
    const same = (m: AdapterModelRef) => (m.loader === 'files' && a.model.loader === 'files' ? m.ipadapterFile === a.model.ipadapterFile : JSON.stringify(m) === current);
    if (!options.some((o) => same(o.value))) options.unshift({ value: a.model, label: refLabel(a.model) });
    const sel = h('select', { 'data-bind': 'custom' });
    for (const o of options) {
      const ok = resolveAdapterModel(o.value, loaded) !== null;
      sel.append(h('option', { value: JSON.stringify(o.value) }, ok || !loaded.length ? o.label : fill(t.modelNotLoadedOpt, { name: o.label })));
    }
    sel.value = JSON.stringify(options.find((o) => same(o.value))!.value);
    sel.addEventListener('change', () => patch(`adapters[${ai}].model`, JSON.parse(sel.value)));
    const f = field(`adapters[${ai}].model`, t.adapterModel, sel);
    sel.dataset.bind = 'custom';
    return f;
  }

  function referenceSlot(ai: number, ji: number, a: BridgeAdapter): HTMLElement {
    const path = `adapters[${ai}].images[${ji}]`;
    const img = a.images[ji];
    const fileId = nextId('live-ref');
    const input = h('input', { type: 'file', id: fileId, accept: 'image/*', 'data-live': 'reference', 'data-focus': `${path}.file`, 'data-ref': path });
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (!file) return;
      void (async () => {
        const name = await ctx.pickPicture(file, path, img.name);
        if (!name) return;
        let next = setAt(ctx.state(), `${path}.name`, name);
        const neg = next.adapters[ai].negative;
        if (ji === 0 && neg.kind === 'noise' && neg.image) next = setAt(next, `adapters[${ai}].negative.image`, { ...next.adapters[ai].images[0] });
        ctx.update(next);
      })();
    });
    const crop = h('canvas', { class: 'live-crop', width: 224, height: 224, role: 'img', 'aria-label': t.refCrop, 'data-crop': path });
    const status = h('p', { class: 'live-muted', 'data-ref-status': path, 'data-live': 'ref-status' });
    const prepBox = checkbox();
    prepBox.checked = img.prep !== null;
    prepBox.dataset.bind = 'custom';
    prepBox.addEventListener('change', () => patch(`${path}.prep`, prepBox.checked ? { ...DEFAULT_PREP } : null));
    const prepField = field(`${path}.prep`, t.prepOn, prepBox, 'bool', img.prep ? undefined : t.prepOff);
    prepBox.dataset.bind = 'custom';
    const n = ji + 1;
    return h('fieldset', { class: 'live-ref', 'data-slot': path },
      h('legend', {}, fill(t.refLegend, { n })),
      h('div', { class: 'live-f' }, h('label', { for: fileId }, fill(t.refPick, { n })), input),
      status, errorLine(path),
      h('figure', { class: 'live-fig' }, crop, h('figcaption', { class: 'live-muted' }, t.refCrop)),
      prepField,
      img.prep ? h('div', { class: 'live-grid live-grid-tight' },
        field(`${path}.prep.cropPosition`, t.cropPosition, selectOf(CROP_POSITIONS)),
        field(`${path}.prep.interpolation`, t.interpolation, selectOf(PREP_INTERPOLATIONS)),
        field(`${path}.prep.sharpening`, t.sharpening, numberInput(0, 1, 0.05), 'number')) : null,
      a.images.length > 1 ? button(fill(t.refRemove, { n }), `${path}.remove`, () => {
        const s = ctx.state();
        ctx.update(setAt(s, `adapters[${ai}].images`, s.adapters[ai].images.filter((_, k) => k !== ji)));
        focusLater(`adapters[${ai}].images.add`);
      }) : null,
    );
  }

  function negativeBlock(ai: number, a: BridgeAdapter): HTMLElement {
    const path = `adapters[${ai}].negative`;
    const choice = negChoice(a.negative);
    const labels: Record<NegChoice, string> = { default: t.negDefault, black: t.negBlack, image: t.negImage, noise: t.negNoise };
    const sel = selectOf(['default', 'black', 'image', 'noise'], labels);
    sel.value = choice;
    sel.addEventListener('change', () => {
      const s = ctx.state();
      const ad = s.adapters[ai];
      const v = sel.value as NegChoice;
      const neg: BridgeNegative = v === 'default' ? { kind: 'default' }
        : v === 'black' ? { kind: 'noise', type: 'fade', strength: 0, blur: 0, image: null }
        : v === 'image' ? { kind: 'image', image: { name: uniqueName('negative.png', imageNames(s)), prep: null } }
        : { kind: 'noise', type: 'fade', strength: 1, blur: 0, image: ad.images[0] ? { ...ad.images[0] } : { name: DEFAULT_REFERENCE, prep: null } };
      patch(path, neg);
    });
    const kindField = field(`${path}.kind`, t.negKind, sel);
    sel.dataset.bind = 'custom';
    const parts: (HTMLElement | null)[] = [kindField];
    if (a.negative.kind === 'image') {
      const id = nextId('live-neg');
      const input = h('input', { type: 'file', id, accept: 'image/*', 'data-focus': `${path}.file`, 'data-live': 'negative-image' });
      const negName = a.negative.image.name;
      input.addEventListener('change', () => {
        const file = input.files?.[0];
        if (!file) return;
        void ctx.pickPicture(file, path, negName).then((name) => { if (name) patch(`${path}.image.name`, name); });
      });
      parts.push(h('div', { class: 'live-f' }, h('label', { for: id }, t.negPick), input), h('p', { class: 'live-muted', 'data-ref-status': `${path}.image` }));
    } else if (choice === 'noise') {
      parts.push(h('div', { class: 'live-grid live-grid-tight' },
        field(`${path}.type`, t.noiseType, selectOf(NOISE_TYPES)),
        field(`${path}.strength`, t.noiseStrength, numberInput(0, 1, 0.05), 'number'),
        field(`${path}.blur`, t.noiseBlur, numberInput(0, 32, 1), 'number')));
    }
    return h('fieldset', { class: 'live-neg', 'data-live': 'negative' }, h('legend', {}, t.negTitle), ...parts, errorLine(path));
  }

  function adapterBox(ai: number, s: LiveState): { el: HTMLElement; parts: { render(s: LiveState): void }[] } {
    const a = s.adapters[ai];
    const p = `adapters[${ai}]`;
    const n = ai + 1;
    const mask = createMaskEditor(ctx, ai);
    const layers = createLayerGrid(ctx, ai);
    const refs = h('div', { class: 'live-refs' }, ...a.images.map((_, ji) => referenceSlot(ai, ji, a)));
    const addRef = a.images.length < MAX_IMAGES ? button(t.refAdd, `${p}.images.add`, () => {
      const st = ctx.state();
      ctx.update(setAt(st, `${p}.images`, [...st.adapters[ai].images, { name: uniqueName(DEFAULT_REFERENCE, imageNames(st)), prep: { ...DEFAULT_PREP } }]));
      focusLater(`${p}.images[${a.images.length}].file`);
    }, { 'data-live': 'reference-add' }) : null;
    const remove = button(fill(t.adapterRemove, { n }), `${p}.remove`, () => {
      const st = ctx.state();
      ctx.update({ ...st, adapters: st.adapters.filter((_, k) => k !== ai) });
      focusLater('adapter-add');
    }, { 'data-live': 'adapter-remove' });
    const box = h('fieldset', { class: 'live-adapter', 'data-adapter': String(ai) },
      h('legend', {}, fill(t.adapterLegend, { n })),
      errorLine(p),
      modelField(ai, a),
      h('div', { class: 'live-grid live-grid-tight' },
        field(`${p}.weight`, t.weight, numberInput(-1, 5, 0.05), 'number'),
        field(`${p}.weightType`, t.weightType, selectOf(NODE_WEIGHT_TYPES)),
        field(`${p}.combineEmbeds`, t.combineEmbeds, selectOf(NODE_COMBINE_METHODS)),
        field(`${p}.startAt`, t.startAt, numberInput(0, 1, 0.05), 'number'),
        field(`${p}.endAt`, t.endAt, numberInput(0, 1, 0.05), 'number'),
        field(`${p}.embedsScaling`, t.embedsScaling, selectOf(EMBEDS_SCALING_MODES)),
        a.styleBoost !== null ? field(`${p}.styleBoost`, 'style_boost', numberInput(-5, 5, 0.05), 'number') : null,
        a.compositionBoost !== null ? field(`${p}.compositionBoost`, 'composition_boost', numberInput(-5, 5, 0.05), 'number') : null),
      h('fieldset', { class: 'live-sub' }, h('legend', {}, t.refTitle), refs, addRef),
      negativeBlock(ai, a),
      mask.el,
      layers.el,
      h('div', { class: 'live-row' }, remove),
    );
    return { el: box, parts: [mask, layers] };
  }

  function render(s: LiveState): void {
    const k = shapeKey(s, ctx.loadedAdapters());
    if (k !== key) {
      key = k;
      const boxes = s.adapters.map((_, ai) => adapterBox(ai, s));
      children = boxes.flatMap((b) => b.parts);
      rebuild(list, boxes.map((b) => b.el), 'adapter-add');
    }
    addBtn.disabled = s.adapters.length >= MAX_ADAPTERS;
    for (const c of children) c.render(s);
    // each reference's status and crop preview (redrawn when its picture or prep changes)
    for (const st of el.querySelectorAll<HTMLElement>('[data-ref-status]')) {
      const name = imageAt(s, st.dataset.refStatus!);
      const pic = name ? ctx.pictures.get(name) : undefined;
      st.textContent = !name ? '' : pic ? fill(t.refLoaded, { name, w: pic.rgb.width, h: pic.rgb.height }) : fill(t.refNotLoaded, { name });
      st.dataset.loaded = pic ? 'true' : 'false';
    }
    for (const c of el.querySelectorAll<HTMLCanvasElement>('canvas[data-crop]')) {
      const path = c.dataset.crop!;
      const img = s.adapters[Number(/^adapters\[(\d+)\]/.exec(path)![1])]?.images[Number(/images\[(\d+)\]$/.exec(path)![1])];
      const pic = img && ctx.pictures.get(img.name);
      const ck = JSON.stringify([img?.name, img?.prep, !!pic]);
      if (c.dataset.key === ck) continue;
      c.dataset.key = ck;
      if (!pic || !img) { c.getContext('2d')?.clearRect(0, 0, c.width, c.height); continue; }
      // prep null: CLIP's own resize + centre crop (bicubic), shown with the same crop geometry
      const p = img.prep ?? { cropPosition: 'center' as const, interpolation: 'BICUBIC' as const, sharpening: 0 };
      drawRgb(c, prepImageForClipVision(pic.rgb, { size: 224, ...p }));
    }
  }

  return { el, render };
}

/** The image name at a slot path (`adapters[0].images[1]`, `adapters[0].negative.image`). */
function imageAt(s: LiveState, path: string): string | null {
  const m = /^adapters\[(\d+)\]\.(?:images\[(\d+)\]|negative\.image)$/.exec(path);
  if (!m) return null;
  const a = s.adapters[Number(m[1])];
  if (!a) return null;
  if (m[2] !== undefined) return a.images[Number(m[2])]?.name ?? null;
  return a.negative.kind === 'image' ? a.negative.image.name : null;
}
