/** <ipa-lab-weight-types>: per-layer weights, start/end on the σ schedule, layer_weights (lessons 7, 9). */
import type { WeightTypesLabState } from '../contract';
import { extent } from '../../lib/labs/chartScale';
import { formatFixed, formatShort } from '../../lib/labs/format';
import { layerWeightsMessage, scheduleMessage, scheduleView, SCHEDULER_NAMES, USES_COMPOSITION, WEIGHT_TYPES, weightTypesView, type WeightTypesView } from '../../lib/labs/weightTypesLab';
import { formatLayerWeights } from '../../lib/ipadapter/layerWeightsString';
import { isWeightType } from '../../lib/ipadapter/weightTypes';
import { clamp, define, fill, LabBase, pick, type Strings } from '../shared/base';
import { chart } from '../shared/chart';
import { h, nextId, numberField, radioField, s as svgEl, selectField, type NumberField } from '../shared/dom';
import { injectStyles } from '../shared/styles';

type K = 'model' | 'weightType' | 'weight' | 'composition' | 'compositionUnused' | 'layersTitle' | 'diagramLabel' | 'input' | 'middle' | 'output'
  | 'comp' | 'style' | 'swap' | 'chartLabel' | 'axisLayer' | 'axisWeight' | 'scheduleTitle' | 'startAt' | 'endAt' | 'scheduler' | 'steps'
  | 'active' | 'sigmaBounds' | 'axisStep' | 'axisSigma' | 'scheduleLabel' | 'lwTitle' | 'lwLabel' | 'lwHelp' | 'lwUsed' | 'lwBlank' | 'lwFill'
  | 'effective' | 'summary' | 'legendActive' | 'legendIdle' | 'tableCaption' | 'tLayer' | 'tModule' | 'tWidth' | 'tWeight';
const STRINGS: Strings<K> = {
  en: {
    model: 'Model',
    weightType: 'weight_type',
    weight: 'weight',
    composition: 'weight_composition',
    compositionUnused: 'weight_composition only matters for “style and composition” and “strong style and composition”.',
    layersTitle: 'The weight at each cross-attention layer',
    diagramLabel: 'UNet diagram: {n} cross-attention layers from the input blocks down to the middle and up through the output blocks; the fill shows each layer’s weight. {list}',
    input: 'input blocks',
    middle: 'middle',
    output: 'output blocks',
    comp: 'composition',
    style: 'style',
    swap: 'reference used as the negative here (precise type)',
    chartLabel: 'Bar chart of the weight per layer index: {list}',
    axisLayer: 'layer index t',
    axisWeight: 'weight',
    scheduleTitle: 'start_at and end_at on the noise schedule',
    startAt: 'start_at',
    endAt: 'end_at',
    scheduler: 'Scheduler',
    steps: 'Steps',
    active: 'Active at {n} of {total} steps{list}.',
    sigmaBounds: 'The adapter acts while σ is between σ(end_at) = {lo} and σ(start_at) = {hi}.',
    axisStep: 'step',
    axisSigma: 'σ (log)',
    scheduleLabel: 'Noise level σ at each of {total} steps; {n} steps are inside the start/end window.',
    legendActive: 'adapter active',
    legendIdle: 'adapter off',
    lwTitle: 'layer_weights (IPAdapter Mad Scientist)',
    lwLabel: 'layer_weights string',
    lwHelp: 'Write “index:value, index:value”. Listed layers get value × weight, the others 0, and the type becomes linear (precise types keep their swap). Leave empty to use the weight type.',
    lwUsed: 'Using layer_weights: the weight type is now “{t}”.',
    lwBlank: 'Empty: the weight type applies.',
    lwFill: 'Fill in from the current weight type',
    effective: 'effective weight type: {t}',
    summary: '{arch}, {type}, weight {w}: {list}. Active at {n} of {total} steps ({sched}).',
    tableCaption: 'Layers and weights',
    tLayer: 't',
    tModule: 'diffusers module',
    tWidth: 'width',
    tWeight: 'weight',
  },
  zh: {
    model: '底模',
    weightType: 'weight_type（权重类型）',
    weight: 'weight（权重）',
    composition: 'weight_composition（构图权重）',
    compositionUnused: '只有 “style and composition” 和 “strong style and composition” 会用到构图权重。',
    layersTitle: '每个交叉注意力层拿到的权重',
    diagramLabel: 'UNet 示意图：{n} 个交叉注意力层，从输入块往下到中间块，再经输出块往上；填充深浅表示该层的权重。{list}',
    input: '输入块',
    middle: '中间块',
    output: '输出块',
    comp: '构图',
    style: '风格',
    swap: '这一层把参考图当作负面（precise 类型）',
    chartLabel: '每个层编号的权重柱状图：{list}',
    axisLayer: '层编号 t',
    axisWeight: '权重',
    scheduleTitle: 'start_at 和 end_at 在噪声调度上的位置',
    startAt: 'start_at（开始）',
    endAt: 'end_at（结束）',
    scheduler: '采样器',
    steps: '步数',
    active: '在 {total} 步中有 {n} 步起作用{list}。',
    sigmaBounds: '当 σ 介于 σ(end_at) = {lo} 和 σ(start_at) = {hi} 之间时 IP-Adapter 起作用。',
    axisStep: '步',
    axisSigma: 'σ（对数）',
    scheduleLabel: '{total} 步中每一步的噪声水平 σ；其中 {n} 步落在开始/结束窗口内。',
    legendActive: 'IP-Adapter 起作用',
    legendIdle: '不起作用',
    lwTitle: 'layer_weights（IPAdapter Mad Scientist 节点）',
    lwLabel: 'layer_weights 字符串',
    lwHelp: '写成“编号:数值, 编号:数值”。列出的层得到 数值 × 权重，其余为 0，权重类型变成 linear（precise 类型保留其正负互换）。留空则按权重类型计算。',
    lwUsed: '正在使用 layer_weights：权重类型变为 “{t}”。',
    lwBlank: '留空：按权重类型计算。',
    lwFill: '按当前权重类型填入',
    effective: '实际权重类型：{t}',
    summary: '{arch}，{type}，权重 {w}：{list}。{total} 步中 {n} 步起作用（{sched}）。',
    tableCaption: '各层与权重',
    tLayer: 't',
    tModule: 'diffusers 模块',
    tWidth: '宽度',
    tWeight: '权重',
  },
};

const SCHED_LABEL: Record<string, string> = { ddim: 'DDIM', euler: 'Euler', euler_ancestral: 'Euler a', dpmpp_2m: 'DPM++ 2M', dpmpp_2m_karras: 'DPM++ 2M Karras', lcm: 'LCM' };

const CSS = `
.wt-diagram { width: 100%; max-width: 34rem; height: auto; display: block; font: 10px var(--font); }
.wt-diagram .box { stroke: var(--fg); stroke-width: 1; }
.wt-diagram .box.swap { stroke: var(--bad); stroke-width: 2.5; stroke-dasharray: 3 2; }
.wt-diagram .fill { fill: var(--accent); }
.wt-diagram .idx { fill: var(--fg); font-weight: 600; }
.wt-diagram .w { fill: var(--muted); }
.wt-diagram .tag { fill: var(--misc); font-weight: 600; }
.wt-diagram .stage { fill: var(--muted); font-size: 10px; }
.wt-diagram .path { fill: none; stroke: var(--border); stroke-width: 6; stroke-linecap: round; stroke-linejoin: round; }
.wt-errors { margin: 0.25rem 0; padding-left: 1.2rem; color: var(--bad); font-size: 0.9rem; }
.wt-lw-input[aria-invalid=true] { border-color: var(--bad) !important; outline-color: var(--bad); }
.wt-table { font-size: 0.82rem; }
.wt-table code { font-size: 0.8rem; }
`;

export class WeightTypesLab extends LabBase<WeightTypesLabState> {
  readonly lab = 'weight-types' as const;
  private t = STRINGS.en;
  private c!: {
    arch: { set(v: string): void };
    type: { set(v: string): void };
    weight: NumberField;
    comp: NumberField;
    start: NumberField;
    end: NumberField;
    sched: { set(v: string): void };
    steps: NumberField;
  };
  private compNote!: HTMLElement;
  private diagramBox!: HTMLElement;
  private barsBox!: HTMLElement;
  private tableBody!: HTMLTableSectionElement;
  private scheduleBox!: HTMLElement;
  private scheduleText!: HTMLElement;
  private lwInput!: HTMLInputElement;
  private lwStatus!: HTMLElement;
  private lwErrors!: HTMLElement;

  protected defaults(): WeightTypesLabState {
    return { arch: 'sd15', weightType: 'linear', weight: 1, compositionWeight: 1, startAt: 0, endAt: 1, scheduler: 'euler', steps: 20, layerWeights: '' };
  }

  protected sanitize(s: WeightTypesLabState): WeightTypesLabState {
    return {
      arch: s.arch === 'sdxl' ? 'sdxl' : 'sd15',
      weightType: isWeightType(s.weightType) ? s.weightType : 'linear',
      weight: Math.round(clamp(s.weight, -1, 5) * 100) / 100,
      compositionWeight: Math.round(clamp(s.compositionWeight, -1, 5) * 100) / 100,
      startAt: Math.round(clamp(s.startAt, 0, 1) * 1000) / 1000,
      endAt: Math.round(clamp(s.endAt, 0, 1) * 1000) / 1000,
      scheduler: (SCHEDULER_NAMES as readonly string[]).includes(s.scheduler) ? s.scheduler : 'euler',
      steps: Math.round(clamp(s.steps, 1, 150)),
      layerWeights: typeof s.layerWeights === 'string' ? s.layerWeights.slice(0, 400) : '',
    };
  }

  protected build(body: HTMLElement): void {
    injectStyles('ipa-lab-weight-types', CSS);
    const t = (this.t = pick(STRINGS, this.lng));
    const st = this.state;
    const arch = radioField({ legend: t.model, name: 'arch', options: [{ value: 'sd15', label: 'SD1.5' }, { value: 'sdxl', label: 'SDXL' }], value: st.arch, onChange: (v) => this.update({ arch: v as 'sd15' | 'sdxl' }) });
    const type = selectField({ label: t.weightType, name: 'weight-type', options: WEIGHT_TYPES.map((w) => ({ value: w, label: w })), value: st.weightType, onChange: (v) => this.update({ weightType: v }) });
    const weight = numberField({ name: 'weight', label: t.weight, min: -1, max: 5, rangeMax: 3, step: 0.05, value: st.weight, onChange: (v) => this.update({ weight: v }) });
    const comp = numberField({ name: 'composition', label: t.composition, min: -1, max: 5, rangeMax: 3, step: 0.05, value: st.compositionWeight, onChange: (v) => this.update({ compositionWeight: v }) });
    const start = numberField({ name: 'start-at', label: t.startAt, min: 0, max: 1, step: 0.01, value: st.startAt, onChange: (v) => this.update({ startAt: v }) });
    const end = numberField({ name: 'end-at', label: t.endAt, min: 0, max: 1, step: 0.01, value: st.endAt, onChange: (v) => this.update({ endAt: v }) });
    const sched = selectField({ label: t.scheduler, name: 'scheduler', options: SCHEDULER_NAMES.map((n) => ({ value: n, label: SCHED_LABEL[n] ?? n })), value: st.scheduler, onChange: (v) => this.update({ scheduler: v }) });
    const steps = numberField({ name: 'steps', label: t.steps, min: 1, max: 150, rangeMax: 60, value: st.steps, onChange: (v) => this.update({ steps: v }) });
    this.c = { arch, type, weight, comp, start, end, sched, steps };
    this.compNote = h('p', { class: 'lab-note' });
    this.diagramBox = h('div', {});
    this.barsBox = h('div', {});
    this.tableBody = h('tbody', {});
    this.scheduleBox = h('div', {});
    this.scheduleText = h('p', { class: 'lab-note', 'data-active': '' });
    const lwId = nextId('wt-lw');
    const helpId = `${lwId}-help`;
    this.lwInput = h('input', { type: 'text', id: lwId, class: 'wt-lw-input', spellcheck: 'false', autocomplete: 'off', placeholder: '3:1.0, 6:0.5', 'aria-describedby': helpId });
    this.lwInput.addEventListener('input', () => this.update({ layerWeights: this.lwInput.value }));
    this.lwStatus = h('p', { class: 'lab-note', 'aria-live': 'polite' });
    this.lwErrors = h('ul', { class: 'wt-errors', role: 'alert' });
    const fillBtn = h('button', { type: 'button', class: 'btn' }, t.lwFill);
    fillBtn.addEventListener('click', () => {
      const v = weightTypesView({ ...this.state, layerWeights: '' });
      const w = this.state.weight || 1;
      this.update({ layerWeights: formatLayerWeights(v.layers.map((l) => Math.round((l.weight / w) * 1000) / 1000)) });
    });
    body.append(
      h('div', { class: 'lab-controls' }, arch.el, type.el, weight.el, comp.el),
      this.compNote,
      h('section', { class: 'lab-part' }, h('h4', {}, t.layersTitle), this.diagramBox, this.barsBox,
        h('details', {}, h('summary', {}, t.tableCaption), h('table', { class: 'wt-table' }, h('thead', {}, h('tr', {}, ...[t.tLayer, t.tModule, t.tWidth, t.tWeight].map((c) => h('th', { scope: 'col' }, c)))), this.tableBody))),
      h('section', { class: 'lab-part' }, h('h4', {}, t.lwTitle), h('div', { class: 'lab-field' }, h('label', { for: lwId }, t.lwLabel), this.lwInput), h('p', { class: 'lab-note', id: helpId }, t.lwHelp), h('div', { class: 'lab-buttons' }, fillBtn), this.lwStatus, this.lwErrors),
      h('section', { class: 'lab-part' }, h('h4', {}, t.scheduleTitle), h('div', { class: 'lab-controls' }, start.el, end.el, sched.el, steps.el), this.scheduleText, this.scheduleBox,
        h('ul', { class: 'lab-legend', 'aria-hidden': 'true' }, h('li', {}, h('span', { class: 'sw sw-1' }), t.legendActive), h('li', {}, h('span', { class: 'sw', style: 'background: var(--muted)' }), t.legendIdle), h('li', {}, h('span', { class: 'sw sw-rule' }), 'σ(start_at), σ(end_at)'))),
    );
  }

  protected render(): void {
    const t = this.t;
    const s = this.state;
    const L = this.lng;
    this.c.arch.set(s.arch);
    this.c.type.set(s.weightType);
    this.c.weight.set(s.weight);
    this.c.comp.set(s.compositionWeight);
    this.c.start.set(s.startAt);
    this.c.end.set(s.endAt);
    this.c.sched.set(s.scheduler);
    this.c.steps.set(s.steps);
    if (this.lwInput.value !== s.layerWeights) this.lwInput.value = s.layerWeights;
    this.compNote.textContent = USES_COMPOSITION.includes(s.weightType as never) ? '' : t.compositionUnused;

    const v = weightTypesView(s);
    const list = v.layers.map((l) => `${l.layer.index}: ${formatFixed(l.weight, 2)}`).join(', ');
    this.drawDiagram(v, list);
    this.drawBars(v, list);
    this.tableBody.replaceChildren(...v.layers.map((l) => h('tr', { 'data-layer': String(l.layer.index) }, h('td', { class: 'num' }, l.layer.index), h('td', {}, h('code', {}, l.layer.attention)), h('td', { class: 'num' }, l.layer.width), h('td', { class: 'num', 'data-weight': String(l.weight) }, formatFixed(l.weight, 3)))));

    // layer_weights
    const invalid = v.errors.length > 0;
    this.lwInput.setAttribute('aria-invalid', String(invalid));
    this.lwStatus.textContent = s.layerWeights.trim() === '' ? t.lwBlank : v.usedLayerWeights ? fill(t.lwUsed, { t: v.effectiveType }) : '';
    this.lwErrors.replaceChildren(...v.errors.map((e) => h('li', { 'data-code': e.code }, layerWeightsMessage(e, s.arch, L))));

    // schedule
    const sv = scheduleView(s.scheduler, s.steps, s.startAt, s.endAt);
    const activeSteps = sv.steps.filter((x) => x.active).map((x) => x.step);
    const ranges = activeSteps.length ? `: ${compressRanges(activeSteps)}` : '';
    const fmtSigma = (x: number) => (x === Infinity ? '∞' : formatShort(x));
    this.scheduleText.replaceChildren(
      ...(sv.ok ? [] : [h('span', { class: 'lab-error', role: 'alert' }, scheduleMessage(s.startAt, s.endAt, sv.error ?? '', L)), h('br', {})]),
      fill(t.active, { n: sv.activeCount, total: sv.steps.length, list: ranges }),
      ' ',
      fill(t.sigmaBounds, { lo: fmtSigma(sv.sigmaEnd), hi: fmtSigma(sv.sigmaStart) }),
    );
    this.scheduleText.dataset.active = String(sv.activeCount);
    const [lo, hi] = extent(sv.steps.map((x) => x.sigma).filter((x) => x > 0));
    const ch = chart({
      x: { domain: [0.5, sv.steps.length + 0.5], label: t.axisStep, tickCount: Math.min(10, sv.steps.length) },
      y: { domain: [Math.max(lo * 0.8, 1e-3), hi * 1.25], label: t.axisSigma, log: true },
      label: fill(t.scheduleLabel, { total: sv.steps.length, n: sv.activeCount }),
      height: 200,
    });
    if (sv.ok && Number.isFinite(sv.sigmaStart) && sv.sigmaStart <= hi * 1.25 && sv.sigmaStart >= lo * 0.8) ch.ruleY(sv.sigmaStart);
    if (sv.ok && sv.sigmaEnd > 0 && sv.sigmaEnd >= lo * 0.8 && sv.sigmaEnd <= hi * 1.25) ch.ruleY(sv.sigmaEnd);
    for (const x of sv.steps) if (x.sigma > 0) ch.dot(x.step, x.sigma, x.active ? 'mark-1' : 'mark-muted', x.active ? 4 : 2.5);
    this.scheduleBox.replaceChildren(ch.svg);

    this.say(fill(t.summary, { arch: s.arch === 'sd15' ? 'SD1.5' : 'SDXL', type: v.effectiveType, w: formatFixed(s.weight, 2), list, n: sv.activeCount, total: sv.steps.length, sched: SCHED_LABEL[s.scheduler] ?? s.scheduler }));
  }

  private drawDiagram(v: WeightTypesView, list: string): void {
    const t = this.t;
    const n = v.layers.length;
    const W = 480;
    const levels = [...new Set(v.layers.map((l) => l.layer.downsample))].sort((a, b) => a - b);
    const gap = levels.length > 3 ? 40 : 55;
    const yOf = (ds: number) => 36 + levels.indexOf(ds as 1 | 2 | 4 | 8) * gap;
    const H = 36 + (levels.length - 1) * gap + 44;
    const xOf = (i: number) => 26 + (i * (W - 52)) / (n - 1);
    const maxW = Math.max(1, ...v.layers.map((l) => Math.abs(l.weight)));
    const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, class: 'wt-diagram', role: 'img', 'aria-label': fill(t.diagramLabel, { n, list }) });
    svg.append(svgEl('polyline', { class: 'path', points: v.layers.map((l, i) => `${xOf(i)},${yOf(l.layer.downsample)}`).join(' ') }));
    const firstMid = v.layers.findIndex((l) => l.layer.block === 'middle');
    svg.append(
      svgEl('text', { class: 'stage', x: xOf(0), y: 12 }, `↓ ${t.input}`),
      svgEl('text', { class: 'stage', x: xOf(firstMid), y: yOf(v.layers[firstMid].layer.downsample) + 34, 'text-anchor': 'middle' }, t.middle),
      svgEl('text', { class: 'stage', x: xOf(n - 1), y: 12, 'text-anchor': 'end' }, `${t.output} ↑`),
    );
    v.layers.forEach((l, i) => {
      const x = xOf(i);
      const y = yOf(l.layer.downsample);
      const size = 22;
      const g = svgEl('g', {});
      g.append(
        svgEl('rect', { x: x - size / 2, y: y - size / 2, width: size, height: size, rx: 3, fill: 'var(--bg)' }),
        svgEl('rect', { class: 'fill', x: x - size / 2, y: y - size / 2, width: size, height: size, rx: 3, 'fill-opacity': Math.min(1, Math.abs(l.weight) / maxW).toFixed(3) }),
        svgEl('rect', { class: `box${l.swap ? ' swap' : ''}`, x: x - size / 2, y: y - size / 2, width: size, height: size, rx: 3, fill: 'none' }),
        svgEl('text', { class: 'idx', x, y: y + 3.5, 'text-anchor': 'middle', style: Math.abs(l.weight) / maxW > 0.55 ? 'fill: var(--accent-fg)' : '' }, String(l.layer.index)),
        svgEl('text', { class: 'w', x, y: y + size / 2 + 11, 'text-anchor': 'middle' }, formatFixed(l.weight, 2)),
      );
      if (l.composition || l.style) g.append(svgEl('text', { class: 'tag', x, y: y - size / 2 - 4, 'text-anchor': 'middle' }, l.composition ? t.comp : t.style));
      if (l.swap) g.append(svgEl('title', {}, t.swap));
      svg.append(g);
    });
    this.diagramBox.replaceChildren(svg);
  }

  private drawBars(v: WeightTypesView, list: string): void {
    const t = this.t;
    const n = v.layers.length;
    const ws = v.layers.map((l) => l.weight);
    const lo = Math.min(0, ...ws);
    const hi = Math.max(1, ...ws);
    const ch = chart({
      x: { domain: [-0.5, n - 0.5], label: t.axisLayer, ticks: v.layers.map((l) => l.layer.index), format: (x) => String(x) },
      y: { domain: [lo, hi * 1.05], label: t.axisWeight },
      label: fill(t.chartLabel, { list }),
      height: 180,
    });
    v.layers.forEach((l, i) => ch.bar(i - 0.35, i + 0.35, 0, l.weight, l.swap ? 'mark-2' : 'mark-1'));
    ch.ruleY(0, 'rule-accent');
    this.barsBox.replaceChildren(ch.svg);
  }
}

/** [1,2,3,5,7,8] → "1–3, 5, 7–8". */
function compressRanges(xs: number[]): string {
  const out: string[] = [];
  let a = xs[0];
  let b = xs[0];
  for (const x of [...xs.slice(1), NaN]) {
    if (x === b + 1) b = x;
    else {
      out.push(a === b ? String(a) : `${a}–${b}`);
      a = b = x;
    }
  }
  return out.join(', ');
}

define('ipa-lab-weight-types', WeightTypesLab);
