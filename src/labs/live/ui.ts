/**
 * What the live panel's sections share: the context the lab gives them, labelled controls bound
 * to a state path (the lab reads and writes every `[data-path]` control itself), and drawing.
 *
 * A section is built once and then asked to render each state; a section whose structure depends
 * on the state (adapters, references, masks) rebuilds itself when that structure changes, and
 * keeps the keyboard focus where it was (`data-focus` keys).
 */
import { h, nextId } from '../shared/dom';
import type { LabLang } from '../../lib/labs/format';
import type { LiveState } from '../../lib/live/panel';
import type { Picture } from '../../lib/live/assets';
import type { LoadedAdapterFile } from '../../lib/live/assets';
import type { RgbImage } from '../../lib/image/types';
import type { LiveKey } from './strings';

export type T = Record<LiveKey, string>;

export interface PanelCtx {
  t: T;
  lng: LabLang;
  state(): LiveState;
  /** A reader's change: sanitized, shown, announced (lab:change). */
  update(next: LiveState): void;
  /** Pictures by LoadImage name (references, mask pictures, init image). */
  pictures: Map<string, Picture>;
  /**
   * Decodes a picture picked for the slot now named `current` and stores it (returns the name it
   * got), or shows the error under `errorFor` and returns null. A slot waiting for a picture the
   * settings name (an imported workflow's) keeps that name; otherwise the file's own name, made
   * unique among the other slots'.
   */
  pickPicture(file: File, errorFor: string, current: string | null): Promise<string | null>;
  /** The IP-Adapter files loaded now (in load order). */
  loadedAdapters(): readonly LoadedAdapterFile[];
  reducedMotion(): boolean;
}

export interface Section {
  el: HTMLElement;
  render(s: LiveState): void;
}

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
export type Kind = 'number' | 'text' | 'bool';

/** A labelled control bound to `path`, with its error line (`data-error-for`). */
export function field(path: string, label: string, control: Control, kind: Kind = 'text', help?: string): HTMLElement {
  const id = nextId('live-f');
  const errId = `${id}-err`;
  control.id = id;
  control.dataset.path = path;
  control.dataset.kind = kind;
  control.dataset.focus = path;
  const helpEl = help ? h('p', { class: 'live-muted', id: `${id}-help` }, help) : null;
  control.setAttribute('aria-describedby', helpEl ? `${errId} ${id}-help` : errId);
  const err = h('p', { class: 'live-err', id: errId, 'data-error-for': path });
  if (control instanceof HTMLInputElement && control.type === 'checkbox') {
    return h('div', { class: 'live-f live-check' }, h('label', { for: id }, control, ` ${label}`), helpEl, err);
  }
  return h('div', { class: 'live-f' }, h('label', { for: id }, label), control, helpEl, err);
}

export const numberInput = (min: number, max: number, step: number) => h('input', { type: 'number', min, max, step, inputmode: 'decimal' });
export const selectOf = (opts: readonly (string | number)[], labels?: Record<string, string>) =>
  h('select', {}, ...opts.map((o) => h('option', { value: String(o) }, labels?.[String(o)] ?? String(o))));
export const checkbox = () => h('input', { type: 'checkbox' });

export function button(text: string, focus: string, onClick: () => void, attrs: Record<string, string> = {}): HTMLButtonElement {
  const b = h('button', { type: 'button', 'data-focus': focus, ...attrs }, text);
  b.addEventListener('click', onClick);
  return b;
}

/** An error line for a path that has no control of its own (an image slot, a whole adapter). */
export const errorLine = (path: string) => h('p', { class: 'live-err', 'data-error-for': path, role: 'status' });

/** Replaces `box`'s children, keeping the focus on the control with the same `data-focus` key. */
export function rebuild(box: HTMLElement, children: Node[], fallbackFocus?: string): void {
  const active = document.activeElement as HTMLElement | null;
  const key = active && box.contains(active) ? active.dataset.focus ?? null : null;
  box.replaceChildren(...children);
  if (key === null) return;
  const again = box.querySelector<HTMLElement>(`[data-focus="${CSS.escape(key)}"]`) ?? (fallbackFocus ? box.querySelector<HTMLElement>(`[data-focus="${CSS.escape(fallbackFocus)}"]`) : null);
  again?.focus();
}

export function drawRgb(c: HTMLCanvasElement, img: RgbImage): void {
  c.width = img.width; c.height = img.height;
  const out = new ImageData(img.width, img.height);
  for (let i = 0, j = 0; i < img.width * img.height; i++, j += 3) { out.data[i * 4] = img.data[j]; out.data[i * 4 + 1] = img.data[j + 1]; out.data[i * 4 + 2] = img.data[j + 2]; out.data[i * 4 + 3] = 255; }
  c.getContext('2d')!.putImageData(out, 0, 0);
}

/** [3, h, w] in [0, 1] (the first image of the batch) → canvas. */
export function drawChw(c: HTMLCanvasElement, data: Float32Array, w: number, hgt: number): void {
  c.width = w; c.height = hgt;
  const out = new ImageData(w, hgt);
  const n = w * hgt;
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < 3; ch++) out.data[i * 4 + ch] = Math.round(Math.min(1, Math.max(0, data[ch * n + i])) * 255);
    out.data[i * 4 + 3] = 255;
  }
  c.getContext('2d')!.putImageData(out, 0, 0);
}

/** A theme colour for canvas drawing (the CSS variable's computed value). */
export const themeColor = (el: Element, name: string, fallback: string) => getComputedStyle(el).getPropertyValue(name).trim() || fallback;
