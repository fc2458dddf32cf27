/** <ipa-lab-mask>: two rectangular masks and what each UNet layer sees of them (lesson 8). */
import type { MaskLabState, MaskRect } from '../contract';
import { formatPercent } from '../../lib/labs/format';
import { clampRect, DEFAULT_RECTS, IMAGE_SIZES, KEY_STEP, maskLevels, moveRect, resizeRect } from '../../lib/labs/maskLab';
import { clamp, define, fill, LabBase, pick, type Strings } from '../shared/base';
import { drawGray, h, selectField } from '../shared/dom';
import { injectStyles } from '../shared/styles';

type K = 'size' | 'region' | 'regionA' | 'regionB' | 'hint' | 'editor' | 'levels' | 'levelCaption' | 'layerList' | 'cover' | 'pos' | 'summary' | 'maskOf';
const STRINGS: Strings<K> = {
  en: {
    size: 'Image size (pixels)',
    region: 'Select a region (then use the keyboard)',
    regionA: 'Region A (left reference)',
    regionB: 'Region B (right reference)',
    hint: 'Drag a region to move it, its bottom-right corner to resize it. Keyboard: focus a region button, arrow keys move it by 1/32 of the image, Shift + arrow keys resize it.',
    editor: 'Mask editor: region A at {a}, region B at {b}.',
    levels: 'What each cross-attention layer sees (white = full effect, black = none)',
    levelCaption: '{h}×{w} grid ({seq} positions)',
    layerList: 'layers {layers}',
    cover: 'A covers {a}, B covers {b}',
    pos: 'x {x}, y {y}, {w}×{h} px',
    summary: '{size} image. Region A {a}; region B {b}. At 64×64 A covers {a64} of the positions, at 8×8 {a8}; B {b64} and {b8}.',
    maskOf: 'Mask of region {r} at {h}×{w}: covers {c} of the positions.',
  },
  zh: {
    size: '图像尺寸（像素）',
    region: '选择一个区域（然后用键盘操作）',
    regionA: '区域 A（左边的参考图）',
    regionB: '区域 B（右边的参考图）',
    hint: '拖动区域可以移动它，拖动右下角可以调整大小。键盘：把焦点移到区域按钮上，方向键每次移动图像的 1/32，Shift + 方向键调整大小。',
    editor: '遮罩编辑器：区域 A 在 {a}，区域 B 在 {b}。',
    levels: '每个交叉注意力层看到的遮罩（白 = 完全生效，黑 = 不生效）',
    levelCaption: '{h}×{w} 网格（{seq} 个位置）',
    layerList: '第 {layers} 层',
    cover: 'A 覆盖 {a}，B 覆盖 {b}',
    pos: 'x {x}，y {y}，{w}×{h} 像素',
    summary: '{size} 的图像。区域 A {a}；区域 B {b}。在 64×64 层 A 覆盖 {a64} 的位置，在 8×8 层覆盖 {a8}；B 分别为 {b64} 和 {b8}。',
    maskOf: '区域 {r} 在 {h}×{w} 时的遮罩：覆盖 {c} 的位置。',
  },
};

const CSS = `
.mask-top { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
.mask-editor { touch-action: none; cursor: move; border: 1px solid var(--border); background: #000; max-width: 100%; height: auto; }
.mask-side { flex: 1; min-width: 14rem; display: grid; gap: 0.5rem; }
.mask-regions { display: flex; flex-wrap: wrap; gap: 0.5rem; }
.mask-regions .btn[aria-pressed=true] { outline: 3px solid var(--accent); outline-offset: 1px; font-weight: 600; }
.mask-swatch { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 2px; margin-right: 0.35rem; vertical-align: -0.05rem; }
.mask-swatch.a { background: var(--accent); }
.mask-swatch.b { background: var(--misc); }
.mask-levels { display: grid; grid-template-columns: repeat(auto-fill, minmax(10.5rem, 1fr)); gap: 0.75rem; }
.mask-level { margin: 0; border: 1px solid var(--border); border-radius: var(--radius); padding: 0.4rem; background: var(--bg); }
.mask-level .pair { display: flex; gap: 0.3rem; }
.mask-level canvas { image-rendering: pixelated; width: 72px; height: auto; border: 1px solid var(--border); background: #000; }
.mask-level figcaption { font-size: 0.8rem; color: var(--fg); margin-top: 0.25rem; }
.mask-level figcaption small { color: var(--muted); display: block; }
`;

const EDITOR_LONG = 320;

export class MaskLab extends LabBase<MaskLabState> {
  readonly lab = 'mask' as const;
  private t = STRINGS.en;
  private canvas!: HTMLCanvasElement;
  private size!: { el: HTMLElement; set(v: string): void };
  private regionButtons: HTMLButtonElement[] = [];
  private positions: HTMLElement[] = [];
  private levelsBox!: HTMLElement;
  private themeObserver?: MutationObserver;
  private drag: { index: number; mode: 'move' | 'resize'; start: [number, number]; rect: MaskRect } | null = null;

  protected defaults(): MaskLabState {
    return { rects: [{ ...DEFAULT_RECTS[0] }, { ...DEFAULT_RECTS[1] }], selected: 0, width: 512, height: 512 };
  }

  protected sanitize(s: MaskLabState): MaskLabState {
    const size = IMAGE_SIZES.find((z) => z.width === s.width && z.height === s.height) ?? IMAGE_SIZES[0];
    const rects = Array.isArray(s.rects) ? s.rects : DEFAULT_RECTS;
    return {
      rects: [clampRect(rects[0] ?? DEFAULT_RECTS[0]), clampRect(rects[1] ?? DEFAULT_RECTS[1])],
      selected: Math.round(clamp(s.selected, 0, 1)),
      width: size.width,
      height: size.height,
    };
  }

  protected build(body: HTMLElement): void {
    injectStyles('ipa-lab-mask', CSS);
    const t = (this.t = pick(STRINGS, this.lng));
    this.canvas = h('canvas', { class: 'mask-editor', role: 'img', 'aria-label': '' });
    this.canvas.addEventListener('pointerdown', (e) => this.pointerDown(e));
    this.canvas.addEventListener('pointermove', (e) => this.pointerMove(e));
    const end = () => {
      if (this.drag) {
        this.drag = null;
        this.emit();
      }
    };
    this.canvas.addEventListener('pointerup', end);
    this.canvas.addEventListener('pointercancel', end);
    this.size = selectField({
      label: t.size,
      name: 'mask-size',
      options: IMAGE_SIZES.map((z) => ({ value: `${z.width}x${z.height}`, label: `${z.width} × ${z.height}` })),
      value: `${this.state.width}x${this.state.height}`,
      onChange: (v) => {
        const [width, height] = v.split('x').map(Number);
        this.update({ width, height });
      },
    });
    this.regionButtons = [t.regionA, t.regionB].map((label, i) => {
      const pos = h('small', { class: 'lab-note', 'data-pos': String(i) });
      this.positions[i] = pos;
      const b = h('button', { type: 'button', class: 'btn', 'data-region': String(i), 'aria-pressed': 'false', 'aria-describedby': '' }, h('span', { class: `mask-swatch ${i ? 'b' : 'a'}`, 'aria-hidden': 'true' }), label);
      b.addEventListener('click', () => this.update({ selected: i }));
      b.addEventListener('focus', () => this.state.selected !== i && this.update({ selected: i }));
      b.addEventListener('keydown', (e) => this.key(e, i));
      return b;
    });
    const hintId = `mask-hint-${Math.random().toString(36).slice(2, 8)}`;
    this.regionButtons.forEach((b) => b.setAttribute('aria-describedby', hintId));
    this.levelsBox = h('div', { class: 'mask-levels' });
    // the editor's colours come from the theme: redraw when the reader switches it
    this.themeObserver = new MutationObserver(() => this.drawEditor());
    this.themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    body.append(
      h(
        'div',
        { class: 'mask-top' },
        this.canvas,
        h(
          'div',
          { class: 'mask-side' },
          this.size.el,
          h('div', { class: 'lab-field' }, h('span', { class: 'lab-note' }, t.region), h('div', { class: 'mask-regions' }, ...this.regionButtons)),
          ...this.positions,
          h('p', { class: 'lab-note', id: hintId }, t.hint),
        ),
      ),
      h('div', { class: 'lab-part' }, h('h4', {}, t.levels), this.levelsBox),
    );
  }

  disconnectedCallback(): void {
    this.themeObserver?.disconnect();
  }

  private key(e: KeyboardEvent, i: number): void {
    const dir: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const d = dir[e.key];
    if (!d) return;
    e.preventDefault();
    const rects = [...this.state.rects] as [MaskRect, MaskRect];
    rects[i] = e.shiftKey ? resizeRect(rects[i], d[0] * KEY_STEP, d[1] * KEY_STEP) : moveRect(rects[i], d[0] * KEY_STEP, d[1] * KEY_STEP);
    this.update({ rects, selected: i });
  }

  private local(e: PointerEvent): [number, number] {
    const box = this.canvas.getBoundingClientRect();
    return [(e.clientX - box.left) / box.width, (e.clientY - box.top) / box.height];
  }

  private pointerDown(e: PointerEvent): void {
    const [px, py] = this.local(e);
    const order = [this.state.selected, 1 - this.state.selected];
    const box = this.canvas.getBoundingClientRect();
    const near = 12 / box.width;
    for (const i of order) {
      const r = this.state.rects[i];
      const inCorner = Math.abs(px - (r.x + r.w)) < near && Math.abs(py - (r.y + r.h)) < near * (box.width / box.height);
      const inside = px >= r.x && px <= r.x + r.w && py >= r.y && py <= r.y + r.h;
      if (inCorner || inside) {
        this.drag = { index: i, mode: inCorner ? 'resize' : 'move', start: [px, py], rect: { ...r } };
        this.canvas.setPointerCapture(e.pointerId);
        if (this.state.selected !== i) {
          this.state = this.sanitize({ ...this.state, selected: i });
          this.render();
        }
        return;
      }
    }
  }

  private pointerMove(e: PointerEvent): void {
    if (!this.drag) return;
    const [px, py] = this.local(e);
    const dx = px - this.drag.start[0];
    const dy = py - this.drag.start[1];
    const r = this.drag.rect;
    const rects = [...this.state.rects] as [MaskRect, MaskRect];
    rects[this.drag.index] = this.drag.mode === 'move' ? moveRect(r, dx, dy) : resizeRect(r, dx, dy);
    this.state = this.sanitize({ ...this.state, rects });
    this.render();
  }

  protected render(): void {
    const t = this.t;
    const s = this.state;
    const L = this.lng;
    this.size.set(`${s.width}x${s.height}`);
    this.regionButtons.forEach((b, i) => b.setAttribute('aria-pressed', String(i === s.selected)));
    const px = (r: MaskRect) =>
      fill(t.pos, { x: Math.round(r.x * s.width), y: Math.round(r.y * s.height), w: Math.round(r.w * s.width), h: Math.round(r.h * s.height) });
    s.rects.forEach((r, i) => (this.positions[i].textContent = `${i ? 'B' : 'A'}: ${px(r)}`));
    this.drawEditor();
    this.canvas.setAttribute('aria-label', fill(t.editor, { a: px(s.rects[0]), b: px(s.rects[1]) }));

    const levels = maskLevels(s.rects, s.width, s.height);
    this.levelsBox.replaceChildren(
      ...levels.map((lv) => {
        const canvases = lv.masks.map((m, i) => {
          const c = h('canvas', { role: 'img', 'aria-label': fill(t.maskOf, { r: i ? 'B' : 'A', h: lv.size.h, w: lv.size.w, c: formatPercent(lv.coverage[i], 0, L) }) });
          // the seqLen values are the mask_h × mask_w grid, zero-padded or cropped (ComfyUI)
          drawGray(c, m, Math.ceil(lv.seqLen / lv.size.w), lv.size.w);
          return c;
        });
        return h(
          'figure',
          { class: 'mask-level', 'data-level': `${lv.size.h}x${lv.size.w}` },
          h('div', { class: 'pair' }, ...canvases),
          h(
            'figcaption',
            {},
            fill(t.levelCaption, { h: lv.size.h, w: lv.size.w, seq: lv.seqLen }),
            h('small', {}, fill(t.layerList, { layers: lv.layers.join(', ') })),
            h('small', { 'data-coverage': lv.coverage.map((c) => c.toFixed(4)).join(' ') }, fill(t.cover, { a: formatPercent(lv.coverage[0], 1, L), b: formatPercent(lv.coverage[1], 1, L) })),
          ),
        );
      }),
    );
    const first = levels[0];
    const last = levels[levels.length - 1];
    this.say(
      fill(t.summary, {
        size: `${s.width}×${s.height}`,
        a: px(s.rects[0]),
        b: px(s.rects[1]),
        a64: formatPercent(first.coverage[0], 1, L),
        a8: formatPercent(last.coverage[0], 1, L),
        b64: formatPercent(first.coverage[1], 1, L),
        b8: formatPercent(last.coverage[1], 1, L),
      }),
    );
  }

  private drawEditor(): void {
    const s = this.state;
    const scale = EDITOR_LONG / Math.max(s.width, s.height);
    const W = Math.round(s.width * scale);
    const H = Math.round(s.height * scale);
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    if (this.canvas.width !== W * dpr || this.canvas.height !== H * dpr) {
      this.canvas.width = W * dpr;
      this.canvas.height = H * dpr;
      this.canvas.style.width = `${W}px`;
    }
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, W, H);
    const css = getComputedStyle(this);
    const colours = [css.getPropertyValue('--accent').trim() || '#0b5cad', css.getPropertyValue('--misc').trim() || '#8250df'];
    s.rects.forEach((r, i) => {
      const x = r.x * W;
      const y = r.y * H;
      const w = r.w * W;
      const hh = r.h * H;
      ctx.globalAlpha = 0.85;
      ctx.fillStyle = '#fff';
      ctx.fillRect(x, y, w, hh);
      ctx.globalAlpha = 0.35;
      ctx.fillStyle = colours[i];
      ctx.fillRect(x, y, w, hh);
      ctx.globalAlpha = 1;
      ctx.strokeStyle = colours[i];
      ctx.lineWidth = i === s.selected ? 4 : 2;
      ctx.strokeRect(x + 1, y + 1, w - 2, hh - 2);
      ctx.fillStyle = colours[i];
      ctx.fillRect(x + w - 9, y + hh - 9, 9, 9); // resize handle
      ctx.fillStyle = '#000';
      ctx.font = 'bold 16px system-ui, sans-serif';
      ctx.fillText(i ? 'B' : 'A', x + 6, y + 20);
    });
  }
}

define('ipa-lab-mask', MaskLab);
