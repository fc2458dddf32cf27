/**
 * One adapter's attn_mask: painted here on a grid at the output's aspect (one cell per latent
 * position, src/lib/live/maskGrid.ts) with a brush, an eraser, clear / fill, and a rectangle set
 * by numbers for the keyboard; or, for an imported workflow, the mask picture it names (a
 * channel or a colour of it), which can be turned into a painted mask.
 */
import { h, nextId } from '../shared/dom';
import { fill } from '../shared/base';
import { featureMapSize, maskSizeFor } from '../../lib/ipadapter/attentionMask';
import { maskFor } from '../../lib/live/assets';
import { decodeMask, emptyGrid, encodeMask, gridFromValues, gridSizeFor, paintLine, paintRect, painted, type MaskGrid } from '../../lib/live/maskGrid';
import { imageNames, setAt, uniqueName, type LiveState } from '../../lib/live/panel';
import { button, checkbox, errorLine, field, themeColor, type PanelCtx } from './ui';

/** The grid sizes the UNet's layers resize the mask to (ComfyUI's rule), finest first. */
export function layerGridSizes(width: number, height: number): string {
  const lh = Math.max(1, Math.round(height / 8));
  const lw = Math.max(1, Math.round(width / 8));
  const out: string[] = [];
  for (const d of [2, 4, 8]) {
    const f = featureMapSize(lh, lw, d);
    const m = maskSizeFor(f.h * f.w, lh, lw);
    out.push(`${m.w}×${m.h}`);
  }
  return out.join(', ');
}

export function createMaskEditor(ctx: PanelCtx, ai: number): { el: HTMLElement; render(s: LiveState): void } {
  const t = ctx.t;
  const path = `adapters[${ai}].attnMask`;
  const s0 = ctx.state();
  const a0 = s0.adapters[ai];
  const mask0 = a0.attnMask;
  const isPainted = !!mask0 && Object.prototype.hasOwnProperty.call(s0.masks, mask0.image);

  const use = checkbox();
  use.checked = !!mask0;
  use.setAttribute('data-live', 'mask-use');
  use.addEventListener('change', () => {
    const s = ctx.state();
    if (!use.checked) { ctx.update(setAt(s, path, null)); return; }
    const name = uniqueName('painted-mask.png', imageNames(s));
    const g = gridSizeFor(s.width, s.height);
    const next = setAt(s, path, { kind: 'channel', image: name, channel: 'red' });
    ctx.update({ ...next, masks: { ...next.masks, [name]: encodeMask(emptyGrid(g.width, g.height)) } });
  });
  const useField = field(`${path}.use`, t.maskUse, use, 'bool');
  use.dataset.bind = 'custom';
  const parts: (HTMLElement | null)[] = [useField];
  let draw: ((s: LiveState) => void) | null = null;

  const commit = (g: MaskGrid) => {
    const s = ctx.state();
    const name = s.adapters[ai]?.attnMask?.image;
    if (name) ctx.update({ ...s, masks: { ...s.masks, [name]: encodeMask(g) } });
  };
  const current = (): MaskGrid | null => {
    const s = ctx.state();
    const name = s.adapters[ai]?.attnMask?.image;
    return name ? decodeMask(s.masks[name]) : null;
  };

  if (mask0 && isPainted) {
    const canvas = h('canvas', { class: 'live-mask', role: 'img', 'data-live': 'mask-canvas', 'data-mask': String(ai) });
    const info = h('p', { class: 'live-muted', 'data-mask-info': '' });
    const toolName = nextId('live-tool');
    const radio = (value: string, label: string, checked: boolean) => {
      const id = nextId('live-tool-r');
      return h('span', {}, h('input', { type: 'radio', name: toolName, id, value, checked, 'data-focus': `${path}.tool.${value}` }), h('label', { for: id }, ` ${label}`));
    };
    const tools = h('fieldset', { class: 'lab-radios' }, h('legend', {}, t.maskTool), radio('1', t.maskBrush, true), radio('0', t.maskErase, false));
    const sizeId = nextId('live-brush');
    const size = h('input', { type: 'number', id: sizeId, min: 0.5, max: 32, step: 0.5, value: 2, 'data-focus': `${path}.size` });
    const value = (): 0 | 1 => (tools.querySelector<HTMLInputElement>('input:checked')?.value === '0' ? 0 : 1);

    // pointer painting: a local grid during the stroke, one state change when it ends
    let stroke: { g: MaskGrid; x: number; y: number } | null = null;
    const cell = (e: PointerEvent, g: MaskGrid) => {
      const r = canvas.getBoundingClientRect();
      return { x: ((e.clientX - r.left) / r.width) * g.width, y: ((e.clientY - r.top) / r.height) * g.height };
    };
    canvas.addEventListener('pointerdown', (e) => {
      const g = current();
      if (!g) return;
      canvas.setPointerCapture?.(e.pointerId);
      const p = cell(e, g);
      stroke = { g: paintLine(g, p.x, p.y, p.x, p.y, Number(size.value) || 2, value()), ...p };
      paint(stroke.g);
      e.preventDefault();
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!stroke) return;
      const p = cell(e, stroke.g);
      stroke = { g: paintLine(stroke.g, stroke.x, stroke.y, p.x, p.y, Number(size.value) || 2, value()), ...p };
      paint(stroke.g);
    });
    const end = () => { if (stroke) { const g = stroke.g; stroke = null; commit(g); } };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);

    const paint = (g: MaskGrid) => {
      canvas.width = g.width; canvas.height = g.height;
      const c = canvas.getContext('2d')!;
      c.fillStyle = themeColor(canvas, '--surface', '#eee');
      c.fillRect(0, 0, g.width, g.height);
      c.fillStyle = themeColor(canvas, '--accent', '#1a5fb4');
      for (let y = 0; y < g.height; y++) for (let x = 0; x < g.width; x++) if (g.data[y * g.width + x]) c.fillRect(x, y, 1, 1);
    };

    // the keyboard's way: a rectangle in output pixels
    const rectInputs = (['x', 'y', 'w', 'h'] as const).map((k) => {
      const id = nextId('live-rect');
      const inp = h('input', { type: 'number', id, min: 0, step: 8, 'data-focus': `${path}.rect.${k}`, 'data-rect': k });
      const label = { x: t.maskRectX, y: t.maskRectY, w: t.maskRectW, h: t.maskRectH }[k];
      return { k, inp, el: h('div', { class: 'live-f' }, h('label', { for: id }, label), inp) };
    });
    const s1 = ctx.state();
    const init = { x: 0, y: 0, w: Math.round(s1.width / 2), h: s1.height };
    for (const r of rectInputs) r.inp.value = String(init[r.k]);
    const applyRect = (v: 0 | 1) => {
      const g = current();
      const s = ctx.state();
      if (!g) return;
      const n = (k: string) => Number(rectInputs.find((r) => r.k === k)!.inp.value) || 0;
      commit(paintRect(g, { x: n('x') / s.width, y: n('y') / s.height, w: n('w') / s.width, h: n('h') / s.height }, v));
    };
    parts.push(
      h('figure', { class: 'live-fig' }, canvas, h('figcaption', { class: 'live-muted' }, info)),
      h('div', { class: 'live-row' }, tools, h('div', { class: 'live-f' }, h('label', { for: sizeId }, t.maskSize), size),
        button(t.maskClear, `${path}.clear`, () => { const g = current(); if (g) commit(emptyGrid(g.width, g.height)); }, { 'data-live': 'mask-clear' }),
        button(t.maskFill, `${path}.fill`, () => { const g = current(); if (g) commit(emptyGrid(g.width, g.height, 1)); })),
      h('div', { class: 'live-row' }, button(fill(t.maskSave, { name: mask0.image }), `${path}.save`, () => saveMask(), { 'data-live': 'mask-save' }), h('span', { class: 'live-muted' }, t.maskSaveHelp)),
      h('fieldset', { class: 'live-sub' }, h('legend', {}, t.maskRect), h('div', { class: 'live-grid live-grid-tight' }, ...rectInputs.map((r) => r.el)),
        h('div', { class: 'live-row' },
          button(t.maskRectPaint, `${path}.rect.paint`, () => applyRect(1), { 'data-live': 'mask-rect-paint' }),
          button(t.maskRectErase, `${path}.rect.erase`, () => applyRect(0)))),
    );
    /** The mask as ComfyUI reads it: a white-on-black PNG at the output size, under the name the workflow uses. */
    const saveMask = () => {
      const g = current();
      const s = ctx.state();
      const name = s.adapters[ai]?.attnMask?.image;
      if (!g || !name) return;
      const small = document.createElement('canvas');
      small.width = g.width; small.height = g.height;
      const px = new ImageData(g.width, g.height);
      for (let i = 0; i < g.data.length; i++) { const v = g.data[i] ? 255 : 0; px.data.set([v, v, v, 255], i * 4); }
      small.getContext('2d')!.putImageData(px, 0, 0);
      const out = document.createElement('canvas');
      out.width = Math.max(1, s.width); out.height = Math.max(1, s.height);
      const c = out.getContext('2d')!;
      c.imageSmoothingEnabled = false;
      c.drawImage(small, 0, 0, out.width, out.height);
      out.toBlob((blob) => {
        if (!blob) return;
        const url = URL.createObjectURL(blob);
        const a = h('a', { href: url, download: name });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      }, 'image/png');
    };
    draw = (s) => {
      const name = s.adapters[ai]?.attnMask?.image;
      const code = name ? s.masks[name] : undefined;
      const g = decodeMask(code);
      if (!g || stroke) return;
      if (canvas.dataset.code !== code) { canvas.dataset.code = code; paint(g); }
      const pct = `${Math.round(painted(g) * 100)}%`;
      canvas.setAttribute('aria-label', fill(t.maskCanvas, { n: ai + 1, pct }));
      canvas.style.aspectRatio = `${g.width} / ${g.height}`;
      info.textContent = fill(t.maskGrid, { w: g.width, h: g.height, sizes: layerGridSizes(s.width, s.height) });
      for (const r of rectInputs) r.inp.max = String(r.k === 'x' || r.k === 'w' ? s.width : s.height);
    };
  } else if (mask0) {
    // a mask picture named by an imported workflow
    const how = mask0.kind === 'color' ? `MaskFromRGBCMYBW+ ${mask0.color}` : `channel ${mask0.channel}`;
    const id = nextId('live-maskpic');
    const input = h('input', { type: 'file', id, accept: 'image/*', 'data-focus': `${path}.file` });
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (file) void ctx.pickPicture(file, path, mask0.image).then((name) => { if (name) ctx.update(setAt(ctx.state(), `${path}.image`, name)); });
    });
    const status = h('p', { class: 'live-muted', 'data-mask-status': '' });
    parts.push(
      h('p', {}, fill(t.maskFromPicture, { name: mask0.image, how })),
      h('div', { class: 'live-f' }, h('label', { for: id }, t.maskPicturePick), input), status,
      h('div', { class: 'live-row' }, button(t.maskPaintInstead, `${path}.paint-instead`, () => {
        const s = ctx.state();
        const a = s.adapters[ai];
        if (!a.attnMask) return;
        const g = gridSizeFor(s.width, s.height);
        const m = maskFor(a.attnMask, s, ctx.pictures);
        const grid = m ? gridFromValues(m.data, m.width, m.height, g.width, g.height) : emptyGrid(g.width, g.height);
        const name = uniqueName('painted-mask.png', imageNames(s));
        const next = setAt(s, path, { kind: 'channel', image: name, channel: 'red' });
        ctx.update({ ...next, masks: { ...next.masks, [name]: encodeMask(grid) } });
      })),
    );
    draw = (s) => {
      const name = s.adapters[ai]?.attnMask?.image;
      status.textContent = name && ctx.pictures.has(name) ? `${name}: ✓` : fill(t.refNotLoaded, { name: name ?? '' });
    };
  }
  const el = h('fieldset', { class: 'live-maskbox', 'data-live': 'mask' }, h('legend', {}, t.maskTitle), ...parts, errorLine(path));
  return { el, render: (s) => draw?.(s) };
}
