/** Tiny DOM helpers for the labs (no framework: each lab is a few hundred lines of plain DOM). */

type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;
type Child = Node | string | number | null | undefined | false;

/** h('div', { class: 'x', onclick: fn }, 'text', child) */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

let uid = 0;
/** A page-unique id for label/aria wiring. */
export const nextId = (prefix: string) => `${prefix}-${++uid}`;

export interface NumberField {
  el: HTMLElement;
  range: HTMLInputElement;
  number: HTMLInputElement;
  set(value: number): void;
  setMax(max: number): void;
}

/**
 * A labelled slider with a number box beside it; both edit the same value. Arrow keys,
 * Page Up/Down, Home/End work on the slider; any value can be typed in the box.
 */
export function numberField(o: {
  label: string;
  min: number;
  max: number;
  step?: number;
  /** The slider's max when the box allows more (e.g. slider to 1024, box to 8192). */
  rangeMax?: number;
  value: number;
  name: string;
  onChange: (value: number) => void;
}): NumberField {
  const id = nextId(`lab-${o.name}`);
  const step = String(o.step ?? 1);
  const range = h('input', { type: 'range', id, name: o.name, min: o.min, max: o.rangeMax ?? o.max, step, value: o.value });
  const number = h('input', { type: 'number', min: o.min, max: o.max, step, value: o.value, 'aria-label': o.label, inputmode: 'decimal', class: 'lab-num' });
  const read = (input: HTMLInputElement) => {
    const v = Number(input.value);
    if (input.value.trim() !== '' && Number.isFinite(v)) o.onChange(v);
  };
  range.addEventListener('input', () => read(range));
  number.addEventListener('change', () => read(number));
  number.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') read(number);
  });
  const el = h('div', { class: 'lab-field' }, h('label', { for: id }, o.label), h('div', { class: 'lab-field-inputs' }, range, number));
  return {
    el,
    range,
    number,
    set(value: number) {
      if (Number(range.value) !== value) range.value = String(value);
      if (document.activeElement !== number || Number(number.value) !== value) {
        if (Number(number.value) !== value) number.value = String(value);
      }
    },
    setMax(max: number) {
      range.max = String(Math.min(max, o.rangeMax ?? max));
      number.max = String(max);
    },
  };
}

/** A labelled <select>. */
export function selectField(o: {
  label: string;
  name: string;
  options: { value: string; label: string }[];
  value: string;
  onChange: (value: string) => void;
}): { el: HTMLElement; select: HTMLSelectElement; set(v: string): void } {
  const id = nextId(`lab-${o.name}`);
  const select = h('select', { id, name: o.name }, ...o.options.map((opt) => h('option', { value: opt.value }, opt.label)));
  select.value = o.value;
  select.addEventListener('change', () => o.onChange(select.value));
  return {
    el: h('div', { class: 'lab-field' }, h('label', { for: id }, o.label), select),
    select,
    set(v: string) {
      if (select.value !== v) select.value = v;
    },
  };
}

/** Radio buttons in a fieldset (arrow keys move between them). */
export function radioField(o: {
  legend: string;
  name: string;
  options: { value: string; label: string }[];
  value: string;
  onChange: (value: string) => void;
}): { el: HTMLElement; set(v: string): void } {
  const group = nextId(`lab-${o.name}`);
  const inputs = o.options.map((opt) => {
    const input = h('input', { type: 'radio', name: group, value: opt.value });
    input.checked = opt.value === o.value;
    input.addEventListener('change', () => input.checked && o.onChange(opt.value));
    return { input, label: h('label', { class: 'lab-radio' }, input, ` ${opt.label}`) };
  });
  return {
    el: h('fieldset', { class: 'lab-field lab-radios' }, h('legend', {}, o.legend), ...inputs.map((i) => i.label)),
    set(v: string) {
      for (const i of inputs) i.input.checked = i.input.value === v;
    },
  };
}

/** Draws a grayscale matrix (values 0…1 unless lo/hi given) into a canvas, one pixel per entry. */
export function drawGray(canvas: HTMLCanvasElement, data: ArrayLike<number>, rows: number, cols: number, lo = 0, hi = 1): void {
  canvas.width = cols;
  canvas.height = rows;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(cols, rows);
  const span = hi - lo || 1;
  for (let i = 0; i < rows * cols; i++) {
    const v = Math.round(255 * Math.min(1, Math.max(0, (data[i] - lo) / span)));
    img.data[4 * i] = v;
    img.data[4 * i + 1] = v;
    img.data[4 * i + 2] = v;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}
