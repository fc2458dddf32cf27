/** <ipa-lab-lora>: LoRA's arithmetic, a rank-r picture and a live training run (lesson 6). */
import type { LoraLabState } from '../contract';
import { extent } from '../../lib/labs/chartScale';
import { formatFixed, formatInt, formatPercent } from '../../lib/labs/format';
import {
  clampDim,
  demoPicture,
  LORA_LIMITS,
  loraCosts,
  LoraTrainer,
  lowRank,
  rankFloorMse,
  SEED_EXAMPLE,
  storedNumbers,
  svd,
  truncationErrors,
  type LoraCosts,
  type Svd,
} from '../../lib/labs/lora';
import { clamp, define, fill, LabBase, pick } from '../shared/base';
import { chart, type Chart } from '../shared/chart';
import { drawGray, h, numberField, type NumberField } from '../shared/dom';
import { STRINGS } from './strings';
import type { paramsPlot } from './paramsPlot';

type State = LoraLabState;

const MAX_STEPS = 500;
const LEARNING_RATE = 0.05;
const SEED = 2106; // LoRA's arXiv number, for a memorable seed

const fmtLoss = (x: number) => (x >= 0.01 ? formatFixed(x, 4) : x.toExponential(2));

export class LoraLab extends LabBase<State> {
  readonly lab = 'lora' as const;
  private t = STRINGS.en;
  private fields!: { d: NumberField; k: NumberField; r: NumberField; ir: NumberField };
  private table!: HTMLTableElement;
  private cells!: Record<string, HTMLElement>;
  private notes!: HTMLElement;
  private paramsChartBox!: HTMLElement;
  /** The Plot chart, loaded when the lab mounts (null: its chunk could not load). */
  private plot?: typeof paramsPlot | null;
  private picture = demoPicture(64);
  private dec!: Svd;
  private errors!: number[];
  private canvases!: { original: HTMLCanvasElement; approx: HTMLCanvasElement; diff: HTMLCanvasElement; trained: HTMLCanvasElement };
  private captions!: { approx: HTMLElement; trained: HTMLElement };
  private pictureNote!: HTMLElement;
  private errorChartBox!: HTMLElement;
  private errorChart?: { chart: Chart; dot: SVGCircleElement };
  private buttons!: { start: HTMLButtonElement; stop: HTMLButtonElement; reset: HTMLButtonElement };
  private trainStatus!: HTMLElement;
  private trainNote!: HTMLElement;
  private readouts!: { step: HTMLElement; loss: HTMLElement; floor: HTMLElement };
  private lossChartBox!: HTMLElement;
  private lossChart?: { chart: Chart; curve: SVGPolylineElement; rank: number };
  private trainer?: LoraTrainer;
  private trainerRun = -1;
  private timer = 0;
  private finished = false;

  protected defaults(): State {
    return { ...SEED_EXAMPLE, imageRank: 8, running: false, run: 0 };
  }

  protected sanitize(s: State): State {
    const d = clampDim(s.d);
    const k = clampDim(s.k);
    return {
      d,
      k,
      r: clampDim(s.r, LORA_LIMITS.max),
      imageRank: Math.round(clamp(s.imageRank, 1, 64)),
      running: s.running === true,
      run: Math.max(0, Math.round(clamp(s.run, 0, 1e9))),
    };
  }

  protected prepare(): Promise<void> {
    // Plot comes in its own chunk (shared with any lab that draws with it); the table works without it.
    return import('./paramsPlot').then(
      (m) => { this.plot = m.paramsPlot; },
      () => { this.plot = null; },
    );
  }

  protected build(body: HTMLElement): void {
    const t = (this.t = pick(STRINGS, this.lng));
    this.dec = svd(this.picture.rows, this.picture.cols, this.picture.data);
    this.errors = truncationErrors(this.dec.s);

    // 1 · counting
    const field = (name: 'd' | 'k' | 'r', label: string, rangeMax: number) =>
      numberField({ name, label, min: 1, max: LORA_LIMITS.max, rangeMax, value: this.state[name], onChange: (v) => this.update({ [name]: v } as Partial<State>) });
    const d = field('d', t.d, 1280);
    const k = field('k', t.k, 1280);
    const r = field('r', t.r, 256);
    const preset = (label: string, p: Partial<State>) => h('button', { type: 'button', class: 'btn', onclick: () => this.update(p) }, label);
    this.cells = {};
    const cell = (key: string, cls = 'num') => (this.cells[key] = h('td', { class: cls }));
    const row = (key: string, label: string) => h('tr', { 'data-row': key }, h('th', { scope: 'row' }, label), cell(`${key}-full`), cell(`${key}-lora`));
    this.table = h(
      'table',
      { class: 'lab-costs' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t.colWhat), h('th', { scope: 'col', class: 'num' }, t.colFull), h('th', { scope: 'col', class: 'num' }, t.colLora))),
      h('tbody', {}, row('params', t.rowParams), row('macs', t.rowMacs), h('tr', {}, h('th', { scope: 'row' }, t.rowShare), h('td', { class: 'num' }, '100 %'), cell('share'))),
    );
    this.notes = h('div', {});
    this.paramsChartBox = h('div', {});
    const ir = numberField({ name: 'image-rank', label: t.imageRank, min: 1, max: 64, value: this.state.imageRank, onChange: (v) => this.update({ imageRank: v }) });
    this.fields = { d, k, r, ir };

    // 2 · the picture
    const canvas = (label: string) => h('canvas', { class: 'lab-pixels', role: 'img', 'aria-label': label, width: 64, height: 64 });
    this.canvases = { original: canvas(t.original), approx: canvas(''), diff: canvas(t.diff), trained: canvas('') };
    this.captions = { approx: h('figcaption', {}), trained: h('figcaption', {}) };
    drawGray(this.canvases.original, this.picture.data, 64, 64);
    this.pictureNote = h('p', { class: 'lab-note' });
    this.errorChartBox = h('div', {});

    // 3 · training
    this.buttons = {
      start: h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'start', onclick: () => this.update({ running: true }) }, t.start),
      stop: h('button', { type: 'button', class: 'btn', 'data-action': 'stop', onclick: () => this.update({ running: false }) }, t.stop),
      reset: h('button', { type: 'button', class: 'btn', 'data-action': 'reset', onclick: () => this.update({ running: false, run: this.state.run + 1 }) }, t.reset),
    };
    this.trainStatus = h('p', { class: 'lab-note', role: 'status', 'data-train-status': '' });
    this.trainNote = h('p', { class: 'lab-note' });
    this.readouts = { step: h('span', { 'data-step': '' }), loss: h('span', { 'data-loss': '' }), floor: h('span', {}) };
    this.lossChartBox = h('div', {});

    body.append(
      h(
        'section',
        { class: 'lab-part' },
        h('h4', {}, t.countTitle),
        h('div', { class: 'lab-controls' }, d.el, k.el, r.el),
        h('div', { class: 'lab-buttons' }, h('span', { class: 'lab-note' }, t.presets), preset(t.presetSeed, { ...SEED_EXAMPLE }), preset(t.presetToK, { d: 320, k: 768, r: 8 }), preset(t.presetMid, { d: 1280, k: 1280, r: 64 })),
        this.table,
        this.notes,
        h('p', { class: 'lab-note' }, t.convention),
        h('figure', {}, h('figcaption', { class: 'lab-note' }, t.chartParams), this.paramsChartBox, legend([['sw-1', t.legendLora], ['sw-rule', t.legendFull]])),
      ),
      h(
        'section',
        { class: 'lab-part' },
        h('h4', {}, t.pictureTitle),
        h('div', { class: 'lab-controls' }, ir.el),
        h(
          'div',
          { class: 'lab-figures' },
          h('figure', {}, this.canvases.original, h('figcaption', {}, t.original)),
          h('figure', {}, this.canvases.approx, this.captions.approx),
          h('figure', {}, this.canvases.diff, h('figcaption', {}, t.diff)),
        ),
        this.pictureNote,
        h('figure', {}, h('figcaption', { class: 'lab-note' }, t.chartError), this.errorChartBox),
      ),
      h(
        'section',
        { class: 'lab-part' },
        h('h4', {}, t.trainTitle),
        this.trainNote,
        h('div', { class: 'lab-buttons' }, this.buttons.start, this.buttons.stop, this.buttons.reset),
        this.trainStatus,
        h('p', { class: 'lab-note' }, this.readouts.step, ' · ', this.readouts.loss, ' · ', this.readouts.floor),
        h(
          'div',
          { class: 'lab-figures' },
          h('figure', {}, this.canvases.trained, this.captions.trained),
          h('figure', { style: 'flex: 1; min-width: 16rem' }, h('figcaption', { class: 'lab-note' }, t.chartLoss), this.lossChartBox, legend([['sw-1', t.legendLossCurve], ['sw-rule', t.legendFloor]])),
        ),
      ),
    );
  }

  disconnectedCallback(): void {
    this.halt();
  }

  protected render(): void {
    const t = this.t;
    const s = this.state;
    const L = this.lng;
    const n = (x: number) => formatInt(x, L);
    this.fields.d.set(s.d);
    this.fields.k.set(s.k);
    this.fields.r.set(s.r);
    this.fields.ir.set(s.imageRank);

    // 1 · counting
    const c = loraCosts(s.d, s.k, s.r);
    this.cells['params-full'].textContent = n(c.fullParams);
    this.cells['params-lora'].replaceChildren(h('strong', {}, n(c.loraParams)), h('br', {}), h('small', {}, fill(t.paramsDetail, { b: n(c.bParams), a: n(c.aParams) })));
    this.cells['macs-full'].textContent = n(c.fullMultiplyAdds);
    this.cells['macs-lora'].replaceChildren(h('strong', {}, n(c.loraMultiplyAdds.total)), h('br', {}), h('small', {}, fill(t.macsDetail, { first: n(c.loraMultiplyAdds.first), second: n(c.loraMultiplyAdds.second) })));
    this.cells.share.textContent = formatPercent(c.fraction, c.fraction < 0.001 ? 3 : 1, L);
    this.table.classList.toggle('lab-highlight', c.isSeedExample);
    const caption = this.table.querySelector('thead th:last-child');
    if (caption) caption.replaceChildren(t.colLora, ...(c.isSeedExample ? [h('span', { class: 'lab-badge' }, t.seedBadge)] : []));
    this.notes.replaceChildren(
      h('p', { class: 'lab-note' }, fill(t.breakEven, { be: formatFixed(c.breakEven, Number.isInteger(c.breakEven) ? 0 : 1) })),
      ...(c.rankValid ? [] : [h('p', { class: 'lab-error', role: 'alert' }, fill(t.rankTooBig, { r: s.r, m: Math.min(s.d, s.k) }))]),
    );
    this.drawParamsChart(c);

    // 2 · picture
    const approx = lowRank(this.dec, s.imageRank);
    drawGray(this.canvases.approx, approx, 64, 64);
    const diff = approx.map((v, i) => 0.5 + 3 * (this.picture.data[i] - v) * 0.5);
    drawGray(this.canvases.diff, diff, 64, 64);
    const err = formatPercent(this.errors[s.imageRank], 1, L);
    const approxLabel = fill(t.approx, { r: s.imageRank });
    this.canvases.approx.setAttribute('aria-label', `${approxLabel}. ${err}`);
    this.captions.approx.textContent = approxLabel;
    this.pictureNote.textContent = fill(t.pictureNote, { err, r: s.imageRank, stored: n(storedNumbers(64, 64, s.imageRank)), all: n(64 * 64) });
    this.drawErrorChart();

    // 3 · training
    this.trainNote.textContent = fill(t.trainNote, { r: s.imageRank, max: MAX_STEPS });
    this.syncTraining();

    this.say(
      fill(t.summary, {
        d: n(s.d), k: n(s.k), r: n(s.r), full: n(c.fullParams), lora: n(c.loraParams), share: formatPercent(c.fraction, 1, L),
        fullMacs: n(c.fullMultiplyAdds), loraMacs: n(c.loraMultiplyAdds.total), ir: s.imageRank, err,
      }),
    );
  }

  private drawParamsChart(c: LoraCosts): void {
    const t = this.t;
    if (this.plot === undefined) return; // still loading: drawn when prepare() resolves
    if (this.plot === null) {
      this.paramsChartBox.replaceChildren(h('p', { class: 'lab-note' }, t.chartUnavailable));
      return;
    }
    const L = this.lng;
    const lo = loraCosts(c.d, c.k, 1).loraParams;
    this.paramsChartBox.replaceChildren(
      this.plot(c, {
        axisRank: t.axisRank, axisParams: t.axisParams, full: t.plotFull, lora: t.plotLora, seed: t.seedBadge,
        label: fill(t.chartParamsLabel, { lo: formatInt(lo, L), full: formatInt(c.fullParams, L), r: c.r, cur: formatInt(c.loraParams, L) }),
      }, L),
    );
  }

  private drawErrorChart(): void {
    const t = this.t;
    const r = this.state.imageRank;
    if (!this.errorChart) {
      const ch = chart({ x: { domain: [0, 64], label: t.axisRank, ticks: [0, 8, 16, 24, 32, 40, 48, 56, 64] }, y: { domain: [0, 1], label: t.axisError, format: (v) => `${Math.round(v * 100)}%` }, label: '' });
      ch.line(this.errors.map((e, i): [number, number] => [i, e]), 'mark-1');
      const dot = ch.dot(r, this.errors[r], 'mark-1 current', 5);
      this.errorChart = { chart: ch, dot };
      this.errorChartBox.replaceChildren(ch.svg);
    }
    const { chart: ch, dot } = this.errorChart;
    dot.setAttribute('cx', String(ch.x(r)));
    dot.setAttribute('cy', String(ch.y(this.errors[r])));
    ch.svg.setAttribute('aria-label', fill(t.chartErrorLabel, { r, err: formatPercent(this.errors[r], 1, this.lng) }));
  }

  // ---- training ----

  /** Brings the run in line with the state: new run id or rank → fresh trainer; running → loop. */
  private syncTraining(): void {
    const s = this.state;
    if (!this.trainer || this.trainerRun !== s.run || this.trainer.r !== s.imageRank) {
      this.halt();
      this.trainer = new LoraTrainer({ target: this.picture.data, rows: 64, cols: 64, r: s.imageRank, seed: SEED + s.run, learningRate: LEARNING_RATE, maxSteps: MAX_STEPS });
      this.trainerRun = s.run;
      this.finished = false;
      this.lossChart = undefined;
    }
    if (s.running && this.trainer.done) {
      // Start after a finished run: begin a fresh one (the same seeded run a mirror starts).
      this.state = { ...s, run: s.run + 1 };
      this.syncTraining();
      return;
    }
    if (s.running && !this.timer) this.loop();
    if (!s.running) this.halt();
    this.drawTraining();
  }

  private halt(): void {
    if (this.timer) {
      cancelAnimationFrame(this.timer);
      clearTimeout(this.timer);
      this.timer = 0;
    }
  }

  private loop(): void {
    const tick = () => {
      this.timer = 0;
      const tr = this.trainer;
      if (!tr || !this.state.running) return;
      const t0 = performance.now();
      // 3 steps a frame (about 3 s for a whole run, slow enough to watch), never more than ~12 ms
      // of work; reduced motion: 60 steps a tick, 3 redraws a second instead of an animation.
      const steps = this.reducedMotion ? 60 : 3;
      for (let i = 0; i < steps && !tr.done; i++) {
        tr.step(1);
        if (performance.now() - t0 > (this.reducedMotion ? 200 : 12)) break;
      }
      if (tr.done) {
        this.state = { ...this.state, running: false };
        this.finished = true;
      }
      this.drawTraining();
      if (this.state.running) this.timer = this.reducedMotion ? window.setTimeout(tick, 330) : requestAnimationFrame(tick);
    };
    this.timer = this.reducedMotion ? window.setTimeout(tick, 0) : requestAnimationFrame(tick);
  }

  private drawTraining(): void {
    const tr = this.trainer;
    if (!tr) return;
    const t = this.t;
    const s = this.state;
    const floor = rankFloorMse(this.dec.s, tr.r, 64 * 64);
    this.buttons.start.disabled = s.running;
    this.buttons.stop.disabled = !s.running;
    drawGray(this.canvases.trained, tr.current(), 64, 64);
    const trainedLabel = fill(t.trained, { steps: tr.steps });
    this.captions.trained.textContent = trainedLabel;
    this.canvases.trained.setAttribute('aria-label', trainedLabel);
    this.readouts.step.textContent = fill(t.stepOf, { step: tr.steps, max: tr.maxSteps });
    this.readouts.step.dataset.step = String(tr.steps);
    this.readouts.loss.textContent = fill(t.loss, { loss: fmtLoss(tr.loss) });
    this.readouts.loss.dataset.loss = String(tr.loss);
    this.readouts.floor.textContent = fill(t.floor, { r: tr.r, floor: fmtLoss(floor) });
    const status = s.running
      ? t.statusRunning
      : this.finished || tr.done
        ? fill(t.statusDone, { step: tr.steps, loss: fmtLoss(tr.loss), floor: fmtLoss(floor) })
        : tr.steps === 0
          ? t.statusIdle
          : fill(t.statusStopped, { step: tr.steps, loss: fmtLoss(tr.loss) });
    if (this.trainStatus.textContent !== status) this.trainStatus.textContent = status;
    this.trainStatus.dataset.state = s.running ? 'running' : tr.done ? 'done' : tr.steps === 0 ? 'idle' : 'stopped';

    if (!this.lossChart || this.lossChart.rank !== tr.r) {
      const [, hi] = extent(tr.losses);
      const ch = chart({
        x: { domain: [0, tr.maxSteps], label: t.axisStep },
        y: { domain: [Math.max(1e-6, floor * 0.5), hi * 1.5], label: t.axisLoss, log: true, format: (v) => (v >= 0.01 ? String(v) : v.toExponential(0)) },
        label: t.chartLossLabel,
      });
      ch.ruleY(floor, 'rule');
      const curve = ch.line([], 'mark-1');
      this.lossChart = { chart: ch, curve, rank: tr.r };
      this.lossChartBox.replaceChildren(ch.svg);
    }
    this.lossChart.chart.setLine(this.lossChart.curve, tr.losses.map((l, i): [number, number] => [i, l]));
  }

  protected applied(): void {
    // setState already re-rendered; render() → syncTraining() starts or stops the run.
  }
}

function legend(items: [string, string][]): HTMLElement {
  return h('ul', { class: 'lab-legend', 'aria-hidden': 'true' }, ...items.map(([cls, label]) => h('li', {}, h('span', { class: `sw ${cls}` }), label)));
}

define('ipa-lab-lora', LoraLab);
