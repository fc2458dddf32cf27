/**
 * Attention-map view: for a chosen cross-attention layer and token, where in the picture that
 * token is attended to — the map upsampled (bilinear) and laid over the result in viridis, with
 * an opacity slider, a legend, and a sentence saying where the map is strongest (the text
 * alternative). Maps follow src/lib/pipeline/attentionMaps.ts; the arithmetic is in
 * src/lib/live/attentionView.ts.
 *
 *   const view = mountAttentionView(host, { maps: result.attention, image: rgba, text: { ...encoding, prompt } });
 *   view.update({ maps, image });   view.destroy();
 */
import type { LabLang } from '../../lib/labs/format';
import type { AttentionMaps } from '../../lib/pipeline/attentionMaps';
import {
  bilinearUpsample, colourise, describeMap, layerLabel, legendGradient, mapsIssue, normalise, parseChoice, selectMap, tokenOptions,
  type TextTokens, type TokenOption,
} from '../../lib/live/attentionView';
import type { ResultImage } from '../../lib/live/resultImage';
import { fill, pick } from '../shared/base';
import { h, nextId } from '../shared/dom';
import { RESULT_STRINGS } from './results-strings';
import { imageElement, injectResultsCss, langOf, type MountedView } from './results-dom';

export interface AttentionViewOptions {
  /** One entry per recorded layer (the pipeline's AttentionMaps). */
  maps: readonly AttentionMaps[];
  /** The result the maps belong to; null shows the map alone. */
  image: ResultImage | null;
  /** The prompt's tokens from the project's tokenizer (Sd15Encoding's tokens and offsets, and the prompt), so text tokens read as words. */
  text?: TextTokens;
  /** ComfyUI layer index shown first; default the first in `maps`. */
  layer?: number;
  /** Token shown first, as a choice value (`m0` = all image tokens of branch 0, `t5`, `i0.2`); default m0, or the first prompt word. */
  token?: string;
  /** Opacity of the map over the image, 0…1; default 0.6. */
  opacity?: number;
  lang?: LabLang;
}

/** Longest side of the drawn map: the picture's size up to this (more is not visible, only slower). */
const MAX_SIDE = 512;

export function mountAttentionView(host: HTMLElement, options: AttentionViewOptions): MountedView<Partial<AttentionViewOptions>> {
  injectResultsCss();
  let o: AttentionViewOptions = { opacity: 0.6, ...options };
  const lang = langOf(o.lang);
  const t = pick(RESULT_STRINGS, lang);
  const headingId = nextId('lr-att');
  const layerSel = h('select', { id: nextId('lr-att-layer'), 'data-attention': 'layer' });
  const tokenSel = h('select', { id: nextId('lr-att-token'), 'data-attention': 'token' });
  const opId = nextId('lr-att-opacity');
  const opacity = h('input', { type: 'range', id: opId, min: 0, max: 100, step: 5, value: Math.round((o.opacity ?? 0.6) * 100), 'data-attention': 'opacity' });
  const descId = nextId('lr-att-desc');
  const desc = h('p', { class: 'lr-desc', id: descId, 'aria-live': 'polite', 'data-attention': 'description' });
  const note = h('p', { class: 'lab-note', 'data-attention': 'note' });
  const heat = h('canvas', { class: 'lr-heat', 'aria-hidden': 'true', 'data-attention': 'heat' });
  const figure = h('figure', { class: 'lr-map', 'aria-describedby': descId, 'data-attention': 'figure', style: 'margin: 0;' });
  const range = h('span', { class: 'lr-range', 'data-attention': 'range' });
  const legend = h('div', { class: 'lr-legend', 'data-attention': 'legend' },
    h('span', { class: 'lr-legend-title' }, t.attLegendTitle),
    h('span', {}, t.attLegendLow),
    h('div', { class: 'lr-bar', role: 'img', 'aria-label': `${t.attLegendTitle}: ${t.attLegendLow} → ${t.attLegendHigh}`, style: `background: ${legendGradient()};` }),
    h('span', {}, t.attLegendHigh),
    range);
  const controls = h('div', { class: 'lr-row' },
    h('div', { class: 'lab-field' }, h('label', { for: layerSel.id }, t.attLayer), layerSel),
    h('div', { class: 'lab-field' }, h('label', { for: tokenSel.id }, t.attToken), tokenSel),
    h('div', { class: 'lab-field' }, h('label', { for: opId }, t.attOpacity), opacity));
  const body = h('div', { class: 'lr-root' }, controls, figure, legend, desc);
  const root = h('section', { class: 'lr-root', 'data-results': 'attention', 'aria-labelledby': headingId }, h('h4', { id: headingId }, t.attTitle), note, body);
  host.append(root);

  let current: AttentionMaps | null = null;
  let options_: TokenOption[] = [];
  let imageSize: [number, number] | null = null;

  layerSel.addEventListener('change', () => { o.layer = Number(layerSel.value); selectLayer(); });
  tokenSel.addEventListener('change', () => { o.token = tokenSel.value; draw(); });
  const setOpacity = () => {
    const v = Number(opacity.value) / 100;
    o.opacity = v;
    heat.style.opacity = String(v);
    opacity.setAttribute('aria-valuetext', `${Math.round(v * 100)}%`);
  };
  opacity.addEventListener('input', setOpacity);

  function usable(): AttentionMaps[] {
    return o.maps.filter((m) => !mapsIssue(m));
  }

  function build(): void {
    note.textContent = '';
    const ok = usable();
    const broken = o.maps.map(mapsIssue).filter((x): x is { en: string; zh: string } => !!x);
    if (broken.length) note.textContent = fill(t.attBroken, { error: broken.map((b) => b[lang]).join(' ') });
    body.hidden = ok.length === 0;
    if (ok.length === 0) {
      if (!broken.length) note.textContent = t.attNone;
      desc.textContent = '';
      return;
    }
    layerSel.replaceChildren(...ok.map((m) => h('option', { value: String(m.layer) }, layerLabel(m)[lang])));
    if (!ok.some((m) => m.layer === o.layer)) o.layer = ok[0].layer;
    layerSel.value = String(o.layer);
    // the picture
    figure.replaceChildren();
    imageSize = null;
    if (o.image) {
      const img = imageElement(o.image, t.attTitle, (w, hh) => { imageSize = [w, hh]; draw(); }, () => { note.textContent = t.attNoImage; });
      img.setAttribute('aria-hidden', 'true');
      figure.append(img, heat);
    } else {
      note.textContent = [note.textContent, t.attNoImage].filter(Boolean).join(' ');
      const m0 = ok[0];
      figure.append(h('div', { class: 'lr-img', style: `aspect-ratio: ${m0.w} / ${m0.h}; background: var(--surface);` }), heat);
    }
    selectLayer();
  }

  function selectLayer(): void {
    current = usable().find((m) => m.layer === o.layer) ?? null;
    if (!current) return;
    options_ = tokenOptions(current, o.text);
    const groups: [string, TokenOption[]][] = [[t.attTextGroup, options_.filter((x) => x.group === 'text')], [t.attImageGroup, options_.filter((x) => x.group === 'image')]];
    tokenSel.replaceChildren(...groups.filter(([, l]) => l.length).map(([label, l]) => h('optgroup', { label }, ...l.map((x) => h('option', { value: x.value }, x.label[lang])))));
    if (!o.token || !options_.some((x) => x.value === o.token)) {
      const firstWord = options_.find((x) => x.group === 'text' && x.choice.kind === 'text' && x.choice.index > 0) ?? options_[0];
      o.token = options_.some((x) => x.value === 'm0') ? 'm0' : firstWord?.value;
    }
    tokenSel.value = o.token ?? '';
    draw();
  }

  function draw(): void {
    const m = current;
    const choice = o.token ? parseChoice(o.token) : null;
    const opt = options_.find((x) => x.value === o.token);
    if (!m || !choice || !opt) return;
    const map = selectMap(m, choice);
    // drawn at the picture's size (capped), so the bilinear steps are ours, not the browser's
    const [iw, ih] = imageSize ?? [m.w * 16, m.h * 16];
    const s = Math.min(1, MAX_SIDE / Math.max(iw, ih));
    const W = Math.max(1, Math.round(iw * s));
    const H = Math.max(1, Math.round(ih * s));
    const up = bilinearUpsample(map, m.h, m.w, H, W);
    const n = normalise(up);
    heat.width = W;
    heat.height = H;
    heat.getContext('2d')?.putImageData(new ImageData(colourise(n.values, 1), W, H), 0, 0);
    heat.dataset.token = opt.value;
    heat.dataset.layer = String(m.layer);
    setOpacity();
    const raw = normalise(map);
    range.textContent = `${fill(t.attRange, { min: sig(raw.min), max: sig(raw.max) })} · ${fill(t.attStep, { step: m.step + 1 })}`;
    const where = describeMap(map, m.h, m.w).text[lang];
    const text = fill(t.attAlt, { token: opt.label[lang], layer: layerLabel(m)[lang], where });
    if (desc.textContent !== text) desc.textContent = text;
  }

  build();
  return {
    update(patch) {
      o = { ...o, ...patch };
      if (patch.opacity !== undefined) { opacity.value = String(Math.round(patch.opacity * 100)); setOpacity(); }
      if (patch.maps || patch.image !== undefined || patch.text) build();
      else if (patch.layer !== undefined) { layerSel.value = String(patch.layer); selectLayer(); }
      else if (patch.token !== undefined) { tokenSel.value = patch.token; draw(); }
    },
    destroy() {
      root.remove();
    },
  };
}

/** A probability with 3 significant digits. */
const sig = (x: number) => (x === 0 ? '0' : Math.abs(x) >= 0.001 ? String(+x.toPrecision(3)) : x.toExponential(2));
