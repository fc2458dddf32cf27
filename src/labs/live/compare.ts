/**
 * Compare view: two results from the history side by side, or overlaid with a divider the reader
 * drags (an <input type=range>, so arrow keys, Page Up/Down and Home/End move it), and the table
 * of settings that differ, named as ComfyUI names them (src/lib/live/compare.ts).
 *
 *   const view = mountCompare(host, { items: history.map(compareItemFromHistory) });
 *   view.update({ items: newHistory });      // e.g. after a generation
 *   view.destroy();
 */
import type { LabLang } from '../../lib/labs/format';
import { compareFrame, diffSettings, splitClip, type CompareItem, type SettingChange } from '../../lib/live/compare';
import { fill, pick } from '../shared/base';
import { h, nextId } from '../shared/dom';
import { RESULT_STRINGS } from './results-strings';
import { imageElement, injectResultsCss, langOf, type MountedView } from './results-dom';

export type CompareMode = 'side' | 'overlay';

export interface CompareOptions {
  /** The results to pick from, newest first (the history's order). */
  items: readonly CompareItem[];
  /** Indices into `items`; default A = 1 (the one before), B = 0 (the newest). */
  a?: number;
  b?: number;
  /** Default 'side'. */
  mode?: CompareMode;
  /** Divider position in the overlay, % of the width showing A; default 50. */
  split?: number;
  /** Default: the page's language. */
  lang?: LabLang;
}

type Settings = Record<string, unknown> & { seed?: unknown; steps?: unknown; weight?: unknown; adapters?: { weight?: unknown }[] };

export function mountCompare(host: HTMLElement, options: CompareOptions): MountedView<Partial<CompareOptions>> {
  injectResultsCss();
  let o = { a: 1, b: 0, mode: 'side', split: 50, ...options } as Required<Omit<CompareOptions, 'lang'>> & { lang?: LabLang };
  const lang = langOf(o.lang);
  const t = pick(RESULT_STRINGS, lang);
  const headingId = nextId('lr-cmp');
  const selA = h('select', { id: nextId('lr-cmp-a'), 'data-compare': 'a' });
  const selB = h('select', { id: nextId('lr-cmp-b'), 'data-compare': 'b' });
  const group = nextId('lr-cmp-mode');
  const radio = (mode: CompareMode, label: string) => {
    const input = h('input', { type: 'radio', name: group, value: mode, 'data-compare-mode': mode });
    input.addEventListener('change', () => { if (input.checked) set({ mode }); });
    return { input, el: h('label', { class: 'lab-radio' }, input, ` ${label}`) };
  };
  const radios = [radio('side', t.cmpSide), radio('overlay', t.cmpOverlay)];
  const note = h('p', { class: 'lab-note', 'data-compare': 'note' });
  const view = h('div', { 'data-compare': 'view' });
  const diffBox = h('div', { 'data-compare': 'diff' });
  const summary = h('p', { class: 'lab-summary', 'aria-live': 'polite', 'data-compare': 'summary' });
  const root = h('section', { class: 'lr-root', 'data-results': 'compare', 'aria-labelledby': headingId },
    h('h4', { id: headingId }, t.cmpTitle),
    h('div', { class: 'lr-row' },
      h('div', { class: 'lab-field' }, h('label', { for: selA.id }, t.cmpA), selA),
      h('div', { class: 'lab-field' }, h('label', { for: selB.id }, t.cmpB), selB),
      h('fieldset', { class: 'lab-field lab-radios' }, h('legend', {}, t.cmpMode), ...radios.map((r) => r.el))),
    note, view, diffBox, summary);
  host.append(root);

  selA.addEventListener('change', () => set({ a: Number(selA.value) }));
  selB.addEventListener('change', () => set({ b: Number(selB.value) }));

  const labelOf = (item: CompareItem, i: number): string => {
    if (item.label) return item.label;
    const s = item.settings as Settings;
    const weight = s.weight ?? s.adapters?.[0]?.weight ?? '—';
    return fill(t.cmpItem, { n: i + 1, seed: String(s.seed ?? '—'), steps: String(s.steps ?? '—'), weight: String(weight) });
  };

  let range: HTMLInputElement | null = null;
  let lastPair = '';

  function renderPickers(): void {
    const opts = (sel: HTMLSelectElement, value: number) => {
      sel.replaceChildren(...o.items.map((it, i) => h('option', { value: String(i) }, labelOf(it, i))));
      sel.value = String(value);
    };
    opts(selA, o.a);
    opts(selB, o.b);
    for (const r of radios) r.input.checked = r.input.value === o.mode;
  }

  function renderView(): void {
    const { items } = o;
    view.replaceChildren();
    diffBox.replaceChildren();
    note.textContent = '';
    range = null;
    const enough = items.length >= 2;
    selA.disabled = selB.disabled = !enough;
    for (const r of radios) r.input.disabled = !enough;
    if (!enough) { note.textContent = t.cmpNeedTwo; say(''); return; }
    if (o.a === o.b) note.textContent = t.cmpSameItem;
    const A = items[o.a];
    const B = items[o.b];
    const altA = fill(t.cmpAltA, { label: labelOf(A, o.a) });
    const altB = fill(t.cmpAltB, { label: labelOf(B, o.b) });
    const sizes: { a?: [number, number]; b?: [number, number] } = {};
    const failed = (fig: HTMLElement) => () => fig.append(h('p', { class: 'lr-error' }, t.cmpImageFailed));
    const sized = (k: 'a' | 'b') => (w: number, hh: number) => {
      sizes[k] = [w, hh];
      if (sizes.a && sizes.b) {
        const f = compareFrame({ width: sizes.a[0], height: sizes.a[1] }, { width: sizes.b[0], height: sizes.b[1] });
        const parts = [];
        if (!f.sameSize) parts.push(fill(t.cmpSizes, { a: `${sizes.a[0]}×${sizes.a[1]}`, b: `${sizes.b[0]}×${sizes.b[1]}` }));
        if (f.stretched && o.mode === 'overlay') parts.push(t.cmpStretched);
        if (o.a !== o.b) note.textContent = parts.join(' ');
        if (o.mode === 'overlay') frame.style.aspectRatio = `${sizes.a[0]} / ${sizes.a[1]}`;
      }
    };
    const frame = h('div', { class: 'lr-frame', style: 'position: relative; aspect-ratio: 1 / 1;' });
    if (o.mode === 'side') {
      const figA = h('figure', { 'data-compare': 'figure-a' });
      const figB = h('figure', { 'data-compare': 'figure-b' });
      figA.append(imageElement(A.image, altA, sized('a'), failed(figA)), h('figcaption', {}, altA));
      figB.append(imageElement(B.image, altB, sized('b'), failed(figB)), h('figcaption', {}, altB));
      view.append(h('div', { class: 'lr-pair' }, figA, figB));
    } else {
      const imgB = imageElement(B.image, altB, sized('b'), failed(view));
      imgB.style.cssText = 'position: absolute; inset: 0; width: 100%; height: 100%; object-fit: fill;';
      const top = h('div', { class: 'lr-top', 'data-compare': 'top' });
      top.append(imageElement(A.image, altA, sized('a'), failed(view)));
      const divider = h('div', { class: 'lr-divider', 'aria-hidden': 'true', 'data-compare': 'divider' });
      frame.append(imgB, top, divider);
      const id = nextId('lr-split');
      range = h('input', { type: 'range', id, min: 0, max: 100, step: 1, value: o.split, 'data-compare': 'split' });
      const place = () => {
        const p = Number(range!.value);
        o.split = p;
        top.style.clipPath = splitClip(p);
        divider.style.left = `${p}%`;
        range!.setAttribute('aria-valuetext', fill(t.cmpSplitValue, { p }));
      };
      range.addEventListener('input', place);
      place();
      view.append(h('div', { class: 'lr-overlay' }, frame, h('label', { for: id, class: 'lr-cap' }, t.cmpSplit), range));
    }
    renderDiff(diffSettings(A.settings, B.settings));
  }

  function renderDiff(changes: SettingChange[]): void {
    const id = nextId('lr-diff');
    if (changes.length === 0) {
      diffBox.append(h('p', { 'data-compare': 'same' }, t.cmpSame));
      say(t.cmpSame);
      return;
    }
    const val = (c: SettingChange, v: string) => (c.wholeNode ? (v === 'on' ? t.cmpNodeOn : t.cmpNodeOff) : v);
    diffBox.append(h('table', { class: 'lr-diff', 'aria-labelledby': id },
      h('caption', { id }, t.cmpDiffTitle),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t.cmpNode), h('th', { scope: 'col' }, t.cmpWidget), h('th', { scope: 'col' }, 'A'), h('th', { scope: 'col' }, 'B'))),
      h('tbody', {}, ...changes.map((c) => h('tr', { 'data-key': c.key },
        h('td', {}, c.node), h('td', {}, c.widget ? h('code', {}, c.widget) : '—'),
        h('td', {}, h('code', {}, val(c, c.a))),
        h('td', {}, h('code', {}, val(c, c.b)), c.samePreview ? ` (${t.cmpSamePreview})` : ''))))));
    say(fill(t.cmpDiffCount, { n: changes.length }));
  }

  function say(text: string): void {
    if (summary.textContent !== text) summary.textContent = text;
  }

  function clampIndices(): void {
    const n = o.items.length;
    const fix = (i: number, d: number) => (Number.isInteger(i) && i >= 0 && i < n ? i : Math.max(0, Math.min(n - 1, d)));
    o.a = fix(o.a, 1);
    o.b = fix(o.b, 0);
  }

  function set(patch: Partial<CompareOptions>): void {
    o = { ...o, ...patch };
    clampIndices();
    const pair = `${o.a}|${o.b}|${o.mode}|${o.items.length}`;
    renderPickers();
    if (range && patch.split !== undefined) { range.value = String(patch.split); range.dispatchEvent(new Event('input')); }
    // the divider's own moves do not rebuild the images (focus stays on the slider)
    if (pair !== lastPair || patch.items) { lastPair = pair; renderView(); }
  }

  set({});
  return {
    update: (patch) => set(patch),
    destroy: () => root.remove(),
  };
}
