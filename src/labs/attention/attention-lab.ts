/** <ipa-lab-attention>: a small, real attention computation on visible vectors (lessons 3–4). */
import katex from 'katex';
import type { AttentionLabState } from '../contract';
import { attentionLab, FEATURES, IMAGE_TOKENS, QUERIES, sum, TEXT_TOKENS, type AttentionResult } from '../../lib/labs/attentionLab';
import { formatFixed, formatPercent } from '../../lib/labs/format';
import { clamp, define, fill, LabBase, pick } from '../shared/base';
import { h, numberField, radioField, type NumberField } from '../shared/dom';
import { injectStyles } from '../shared/styles';
import { STRINGS } from './strings';

const CSS = `
.att-panels { display: grid; grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr)); gap: 1rem; }
.att-panel { border: 1px solid var(--border); border-radius: var(--radius); padding: 0.5rem 0.75rem; background: var(--bg); }
.att-panel h5 { margin: 0 0 0.35rem; font-size: 0.95rem; }
.att-bars { list-style: none; margin: 0 0 0.4rem; padding: 0; display: grid; gap: 0.15rem; }
.att-bars li { display: grid; grid-template-columns: 3.2rem 1fr 3.4rem; gap: 0.4rem; align-items: center; font-size: 0.85rem; }
.att-bars .lab-bar { height: 0.8rem; background: var(--border); border-radius: 2px; overflow: hidden; }
.att-bars .lab-bar-fill { height: 100%; display: block; }
.att-bars .t .lab-bar-fill { background: var(--accent); }
.att-bars .i .lab-bar-fill { background: var(--misc); }
.att-bars .num { text-align: right; font-family: var(--mono); }
.att-sum { font-size: 0.85rem; color: var(--muted); margin: 0 0 0.4rem; }
.att-vec { font-family: var(--mono); font-size: 0.85rem; }
.att-off { color: var(--muted); }
.att-formulas { overflow-x: auto; }
.att-formulas .katex-display { overflow: visible; }
.att-formulas .katex-display { margin: 0.4rem 0; font-size: 0.95em; }
`;

const f2 = (x: number) => formatFixed(x, 2);
const f3 = (x: number) => formatFixed(x, 3);
const vec = (v: readonly number[], d = 2) => `[${v.map((x) => formatFixed(x, d)).join(', ')}]`;
const tvec = (v: readonly number[], d = 2) => `\\begin{bmatrix}${v.map((x) => formatFixed(x, d)).join(' & ')}\\end{bmatrix}`;

export class AttentionLab extends LabBase<AttentionLabState> {
  readonly lab = 'attention' as const;
  private t = STRINGS.en;
  private controls!: { query: { set(v: string): void }; lambda: NumberField; n: NumberField };
  private vectors!: HTMLTableSectionElement;
  private decPanel!: HTMLElement;
  private catPanel!: HTMLElement;
  private outputs!: HTMLTableSectionElement;
  private note!: HTMLElement;
  private formulas!: HTMLElement;

  protected defaults(): AttentionLabState {
    return { query: 0, lambda: 1, imageTokens: 4 };
  }

  protected sanitize(s: AttentionLabState): AttentionLabState {
    return {
      query: Math.round(clamp(s.query, 0, QUERIES.length - 1)),
      lambda: Math.round(clamp(s.lambda, 0, 2) * 100) / 100,
      imageTokens: Math.round(clamp(s.imageTokens, 0, IMAGE_TOKENS.length)),
    };
  }

  protected build(body: HTMLElement): void {
    injectStyles('ipa-lab-attention', CSS);
    const t = (this.t = pick(STRINGS, this.lng));
    const query = radioField({
      legend: t.query,
      name: 'query',
      options: QUERIES.map((q, i) => ({ value: String(i), label: q[this.lng] })),
      value: String(this.state.query),
      onChange: (v) => this.update({ query: Number(v) }),
    });
    const lambda = numberField({ name: 'lambda', label: t.lambda, min: 0, max: 2, step: 0.05, value: this.state.lambda, onChange: (v) => this.update({ lambda: v }) });
    const n = numberField({ name: 'image-tokens', label: t.imageTokens, min: 0, max: IMAGE_TOKENS.length, value: this.state.imageTokens, onChange: (v) => this.update({ imageTokens: v }) });
    this.controls = { query, lambda, n };
    this.vectors = h('tbody', {});
    this.outputs = h('tbody', {});
    this.decPanel = h('div', { class: 'att-panel', 'data-panel': 'decoupled' });
    this.catPanel = h('div', { class: 'att-panel', 'data-panel': 'concat' });
    this.note = h('p', { class: 'lab-note' });
    // scrolls sideways on a narrow screen, so it must be focusable (keyboard scrolling)
    this.formulas = h('div', { class: 'att-formulas', tabindex: 0, role: 'group', 'aria-label': t.formulas });
    body.append(
      h('div', { class: 'lab-controls' }, query.el, lambda.el, n.el),
      h('div', { class: 'att-panels' }, this.decPanel, this.catPanel),
      this.note,
      h(
        'details',
        { class: 'lab-part' },
        h('summary', {}, fill(t.vectors, { features: t.features })),
        h('table', {}, h('thead', {}, h('tr', {}, ...[t.token, t.kind, t.key, t.value, t.score].map((c) => h('th', { scope: 'col' }, c)))), this.vectors),
      ),
      h('div', { class: 'lab-part' }, h('h4', {}, t.outputs), h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, ''), h('th', { scope: 'col' }, FEATURES[this.lng].join(' · ')))), this.outputs)),
      h('div', { class: 'lab-part' }, h('h4', {}, t.formulas), this.formulas),
    );
  }

  protected render(): void {
    const t = this.t;
    const s = this.state;
    this.controls.query.set(String(s.query));
    this.controls.lambda.set(s.lambda);
    this.controls.n.set(s.imageTokens);
    const r = attentionLab(s.query, s.lambda, s.imageTokens);

    // vectors
    const row = (label: string, kind: string, tok: { key: number[]; value: number[] } | null, score: number | null, used = true) =>
      h('tr', { class: used ? '' : 'att-off' }, h('th', { scope: 'row' }, label), h('td', {}, kind), h('td', { class: 'att-vec' }, tok ? vec(tok.key, 1) : ''), h('td', { class: 'att-vec' }, tok ? vec(tok.value, 1) : ''), h('td', { class: 'num' }, score === null ? (used ? '' : t.notUsed) : f2(score)));
    this.vectors.replaceChildren(
      h('tr', {}, h('th', { scope: 'row' }, t.queryRow), h('td', {}, QUERIES[s.query][this.lng]), h('td', { class: 'att-vec' }, vec(r.q, 1)), h('td', {}, ''), h('td', {}, '')),
      ...TEXT_TOKENS.map((tok, j) => row(tok.label, t.textKind, tok, r.textScores[j])),
      ...IMAGE_TOKENS.map((tok, j) => row(tok.label, t.imageKind, tok, j < r.image.length ? r.imageScores[j] : null, j < r.image.length)),
    );

    // bars
    const scale = Math.max(1, ...r.decoupledImage);
    const bars = (labels: string[], weights: number[], cls: string) =>
      h('ul', { class: 'att-bars' }, ...weights.map((w, j) => h('li', { class: cls }, h('span', {}, labels[j]), h('span', { class: 'lab-bar', 'aria-hidden': 'true' }, h('span', { class: 'lab-bar-fill', style: `width: ${Math.min(100, (100 * w) / scale).toFixed(1)}%` })), h('span', { class: 'num', 'data-weight': String(w) }, f3(w)))));
    const textLabels = r.text.map((x) => x.label);
    const imageLabels = r.image.map((x) => x.label);
    this.decPanel.replaceChildren(
      h('h5', {}, t.decoupledTitle),
      h('p', { class: 'att-sum' }, t.textTokens, ' — ', h('span', { 'data-sum': 'decoupled-text' }, fill(t.sumText, { s: f3(sum(r.decoupledText)) }))),
      bars(textLabels, r.decoupledText, 't'),
      ...(r.image.length
        ? [h('p', { class: 'att-sum' }, `${t.imageTokensHead} × λ — `, h('span', { 'data-sum': 'decoupled-image' }, fill(t.sumImage, { s: f3(sum(r.decoupledImage)) }))), bars(imageLabels, r.decoupledImage, 'i')]
        : []),
    );
    this.catPanel.replaceChildren(
      h('h5', {}, t.concatTitle),
      h('p', { class: 'att-sum' }, t.textTokens, ' — ', h('span', { 'data-sum': 'concat-text' }, fill(t.sumText, { s: f3(sum(r.concatText)) }))),
      bars(textLabels, r.concatText, 't'),
      ...(r.image.length ? [h('p', { class: 'att-sum' }, `${t.imageTokensHead} — `, fill(t.sumImage, { s: f3(sum(r.concatImage)) })), bars(imageLabels, r.concatImage, 'i')] : []),
    );
    const share = formatPercent(r.textShare, 1, this.lng);
    this.note.textContent = r.image.length ? fill(t.crowd, { share }) : t.noImage;

    // outputs
    const out = (label: string, z: number[]) => h('tr', {}, h('th', { scope: 'row' }, label), h('td', { class: 'att-vec' }, vec(z, 3)));
    this.outputs.replaceChildren(out(t.zBase, r.zText), out(t.zDec, r.zDecoupled), out(t.zCat, r.zConcat));

    this.formulas.replaceChildren(...this.formulaBlocks(r).map((tex) => h('div', {}, ...html(katex.renderToString(tex, { displayMode: true, throwOnError: false, output: 'htmlAndMathml' })))));

    this.say(
      fill(t.summary, {
        q: QUERIES[s.query][this.lng],
        lambda: f2(s.lambda),
        n: r.image.length,
        text: vec(r.decoupledText),
        image: vec(r.decoupledImage),
        share,
        ctext: vec(r.concatText),
      }),
    );
  }

  private formulaBlocks(r: AttentionResult): string[] {
    const blocks = [
      `\\operatorname{softmax}\\!\\Big(\\tfrac{q K_t^{\\top}}{\\sqrt d}\\Big) = \\operatorname{softmax}\\big(${tvec(r.textScores)}\\big) = ${tvec(r.decoupledText)}`,
    ];
    if (r.image.length) {
      blocks.push(
        `\\operatorname{softmax}\\!\\Big(\\tfrac{q K_i^{\\top}}{\\sqrt d}\\Big) = \\operatorname{softmax}\\big(${tvec(r.imageScores)}\\big) = ${tvec(r.imageSoftmax)}`,
        `Z = \\underbrace{${tvec(r.zText)}}_{Z_{\\text{text}}} + \\underbrace{${f2(r.lambda)}}_{\\lambda}\\cdot\\underbrace{${tvec(r.zImage)}}_{Z_{\\text{image}}} = ${tvec(r.zDecoupled)}`,
      );
      const zt = r.textScores.reduce((a, x) => a + Math.exp(x), 0);
      const zi = r.imageScores.reduce((a, x) => a + Math.exp(x), 0);
      blocks.push(
        `p = \\frac{\\sum_j e^{s_{t,j}}}{\\sum_j e^{s_{t,j}} + \\sum_j e^{s_{i,j}}} = \\frac{${f2(zt)}}{${f2(zt)} + ${f2(zi)}} = ${f3(r.textShare)}`,
        `Z_{\\text{concat}} = p\\,Z_{\\text{text}} + (1-p)\\,Z_{\\text{image}} = ${tvec(r.zConcat)}`,
      );
    } else {
      blocks.push(`Z = Z_{\\text{text}} = ${tvec(r.zText)}`);
    }
    return blocks;
  }
}

/** Parses KaTeX's trusted output (our own formulas, no user text) into nodes. */
function html(markup: string): Node[] {
  const tpl = document.createElement('template');
  tpl.innerHTML = markup;
  return [...tpl.content.childNodes];
}

define('ipa-lab-attention', AttentionLab);
