/**
 * One adapter's layer_weights (the IPAdapter Mad Scientist node): the text as ComfyUI takes it
 * and a grid of SD1.5's 16 cross-attention layers in ComfyUI's order, kept in step both ways
 * (src/lib/live/layerGrid.ts), the parser's messages in the reader's language, and a note on
 * SDXL's 11-layer map.
 */
import { h, nextId } from '../shared/dom';
import { fill } from '../shared/base';
import { gridFromString, layerBlockName, layerErrorText, SD15_LAYERS, setLayer } from '../../lib/live/layerGrid';
import { setAt, type LiveState } from '../../lib/live/panel';
import { button, field, type PanelCtx } from './ui';

export function createLayerGrid(ctx: PanelCtx, ai: number): { el: HTMLElement; render(s: LiveState): void } {
  const t = ctx.t;
  const path = `adapters[${ai}].layerWeights`;
  const text = h('input', { type: 'text', spellcheck: 'false', autocomplete: 'off', 'data-live': 'layer-weights' });
  const textField = field(path, t.layerText, text, 'text', t.layerHelp);
  const problems = h('ul', { class: 'live-err live-layer-errors', 'data-live': 'layer-errors', 'aria-live': 'polite' });
  const state = h('p', { class: 'live-muted', 'data-live': 'layer-state' });
  const groups = new Map<string, HTMLElement>();
  const cells = SD15_LAYERS.map((l) => {
    const id = nextId('live-layer');
    const inp = h('input', { type: 'number', id, step: 0.1, min: -1, max: 5, inputmode: 'decimal', 'data-layer': String(l.index), 'data-focus': `${path}.cell${l.index}` });
    inp.addEventListener('change', () => {
      if (inp.value.trim() === '' || !Number.isFinite(Number(inp.value))) return;
      const s = ctx.state();
      ctx.update(setAt(s, path, setLayer(s.adapters[ai].layerWeights, l.index, Number(inp.value))));
    });
    const cell = h('div', { class: 'live-layer-cell' }, h('label', { for: id }, fill(t.layerCell, { i: l.index, block: layerBlockName(l) })), inp);
    const g = groups.get(l.block) ?? h('div', { class: 'live-layer-group', role: 'group', 'aria-label': l.block });
    g.append(cell);
    groups.set(l.block, g);
    return inp;
  });
  const clear = button(t.layerClear, `${path}.clear`, () => ctx.update(setAt(ctx.state(), path, '')));
  const el = h('details', { class: 'live-layers', 'data-live': 'layers' },
    h('summary', {}, t.layerTitle),
    textField, problems, state,
    h('div', { class: 'live-layer-grid', 'data-live': 'layer-grid' }, ...groups.values()),
    h('div', { class: 'live-row' }, clear),
    h('p', { class: 'live-muted' }, t.layerSdxl),
  );

  function render(s: LiveState): void {
    const a = s.adapters[ai];
    if (!a) return;
    if (a.layerWeights !== '' && !el.open) el.open = true;
    const r = gridFromString(a.layerWeights);
    problems.replaceChildren(...r.errors.map((e) => h('li', { 'data-code': e.code }, layerErrorText(e, ctx.lng))));
    if (r.errors.length) text.setAttribute('aria-invalid', 'true'); else text.removeAttribute('aria-invalid');
    state.textContent = r.blank ? t.layerBlank : '';
    cells.forEach((c, k) => {
      const v = r.values && !r.blank ? String(r.values[k]) : '';
      if (c !== document.activeElement && c.value !== v) c.value = v;
      c.placeholder = r.blank ? '—' : '';
    });
  }
  return { el, render };
}
