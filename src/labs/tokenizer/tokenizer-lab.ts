/** <ipa-lab-tokenizer>: the real CLIP tokenizer and ComfyUI weighting, live (lesson 2). */
import type { TokenizerLabState } from '../contract';
import { formatFixed, formatInt } from '../../lib/labs/format';
import { tokenizerView, type TokenCell } from '../../lib/labs/tokenizerLab';
import { loadClipTokenizer, type ClipTokenizer } from '../../lib/tokenizer/clipTokenizer';
import { define, fill, LabBase, pick, type Strings } from '../shared/base';
import { h, nextId } from '../shared/dom';
import { injectStyles } from '../shared/styles';

type K = 'prompt' | 'examples' | 'loading' | 'loadError' | 'count' | 'chunk' | 'start' | 'end' | 'pad' | 'padMore' | 'weight' | 'id'
  | 'truncated' | 'notTruncated' | 'comfyChunks' | 'cjk' | 'legend' | 'summary' | 'partial' | 'diagTitle' | 'cutHere' | 'ignoredText';
const STRINGS: Strings<K> = {
  en: {
    prompt: 'Prompt',
    examples: 'Try:',
    loading: 'Loading the CLIP vocabulary (49,408 tokens)…',
    loadError: 'The vocabulary could not load.',
    count: '{n} prompt tokens — {left} of the 75 places in a chunk left (77 positions = start + 75 + end).',
    chunk: 'Chunk {c} of {total}: the 77 positions the text encoder reads',
    start: 'start',
    end: 'end',
    pad: 'padding',
    padMore: '+ {n} × padding (49407)',
    weight: 'weight {w}',
    id: 'id',
    truncated: 'Over 75 tokens. A truncating tokenizer (diffusers, the original CLIP code) reads only the first 75 and ignores everything from “{cut}” on ({dropped} tokens).',
    notTruncated: 'Fits in one chunk: nothing is cut.',
    comfyChunks: 'ComfyUI — and this course’s pipeline — do not cut: they start another chunk of 77 and encode both ({chunks} chunks here).',
    cjk: '{chars} Chinese characters became {tokens} tokens. CLIP’s vocabulary was learned mostly from English captions: most characters are split into byte pieces (shown in hex) that carry little meaning of their own, so Chinese prompts work poorly with SD1.5’s text encoder. Write prompts in English.',
    legend: 'Each box: the token as text (or its UTF-8 bytes in hex when it is only part of a character), its id, and its weight when it is not 1.',
    summary: '{n} prompt tokens in {chunks} chunk(s). First tokens: {first}.',
    partial: 'part of a character',
    diagTitle: 'How ComfyUI reads the brackets here',
    cutHere: 'truncation point',
    ignoredText: 'Ignored by a truncating tokenizer: {text}',
  },
  zh: {
    prompt: '提示词',
    examples: '试试：',
    loading: '正在加载 CLIP 词表（49,408 个 token）……',
    loadError: '词表没能加载。',
    count: '{n} 个提示词 token——一个分块的 75 个位置还剩 {left} 个（77 个位置 = 开始 + 75 + 结束）。',
    chunk: '第 {c} / {total} 块：文本编码器读取的 77 个位置',
    start: '开始',
    end: '结束',
    pad: '填充',
    padMore: '+ {n} 个填充（49407）',
    weight: '权重 {w}',
    id: 'id',
    truncated: '超过 75 个 token。会截断的分词器（diffusers、原版 CLIP 代码）只读前 75 个，从“{cut}”开始的内容都被忽略（{dropped} 个 token）。',
    notTruncated: '一个分块放得下：没有内容被截掉。',
    comfyChunks: 'ComfyUI——以及本课程的流程——不会截断：它们另起一个 77 位置的分块，两块都编码（这里共 {chunks} 块）。',
    cjk: '{chars} 个汉字变成了 {tokens} 个 token。CLIP 的词表主要从英文图片描述里学来：大多数汉字被拆成字节碎片（以十六进制显示），本身几乎不带语义，所以中文提示词在 SD1.5 的文本编码器里效果很差。请用英文写提示词。',
    legend: '每个格子：token 的文字（如果它只是某个字的一部分 UTF-8 字节，则显示十六进制）、它的 id，以及不等于 1 时的权重。',
    summary: '{chunks} 个分块中共 {n} 个提示词 token。前几个 token：{first}。',
    partial: '一个字的一部分',
    diagTitle: 'ComfyUI 如何读这里的括号',
    cutHere: '截断处',
    ignoredText: '会被截断的分词器忽略：{text}',
  },
};

const DIAG_ZH: Record<string, string> = {
  'unclosed-paren': '左括号没有配对的右括号：ComfyUI 把它当作普通文字。',
  'unmatched-close-paren': '多余的右括号：ComfyUI 把它当作文字，同一层之后的括号也都当作文字。',
  'paren-read-as-text': '这个括号被当作普通文字读入。',
  'weight-not-a-number': '冒号后面不是数字：ComfyUI 把它留在文字里，并按 1.1 倍处理。',
  'weight-without-text': '只有权重没有文字。',
  'weight-not-finite': '权重不是有限的数。',
  'empty-group': '空括号：没有文字可以加权。',
  'square-brackets': '方括号在 ComfyUI 里没有特殊含义（不像 A1111 那样 ÷1.1）。',
  'embedding-unavailable': '这里没有这个 textual inversion 嵌入：ComfyUI 找不到时会跳过它。',
  'embedding-empty-name': '“embedding:” 后面没有名字：ComfyUI 会报错。',
};

const EXAMPLES = [
  'a photo of a cat',
  'a (cat:1.5) sitting on (green grass:0.8), ((masterpiece))',
  '一只胖猫在草地上',
  'masterpiece, best quality, ultra detailed, 8k, photorealistic, a portrait of an old fisherman with a weathered face and a grey beard, wearing a yellow raincoat, standing on a wooden pier at dawn, soft golden light, mist over the water, seagulls in the background, shallow depth of field, 85mm lens, film grain, muted colours, cinematic composition, award winning photograph',
];

const CSS = `
.tok-text { width: 100%; min-height: 4.5rem; resize: vertical; }
.tok-meter { height: 0.5rem; background: var(--border); border-radius: 999px; overflow: hidden; max-width: 30rem; }
.tok-meter span { display: block; height: 100%; background: var(--accent); }
.tok-meter.over span { background: var(--bad); }
.tok-cells { list-style: none; margin: 0.25rem 0 0.75rem; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem; }
.tok-cells li { border: 1px solid var(--border); border-radius: 4px; padding: 0.1rem 0.35rem; background: var(--bg); font-size: 0.82rem; line-height: 1.3; display: grid; min-width: 2.4rem; }
.tok-cells li .p { font-family: var(--mono); font-weight: 600; white-space: pre; }
.tok-cells li .i { font-family: var(--mono); color: var(--muted); font-size: 0.75rem; }
.tok-cells li .w { color: var(--fg); font-size: 0.75rem; font-weight: 600; }
.tok-cells li.special { background: var(--surface); border-style: dashed; }
.tok-cells li.weighted { border-color: var(--accent); border-width: 2px; }
.tok-cells li.partial .p { color: var(--warn); }
.tok-cells li.cut { box-shadow: -4px 0 0 var(--bad); }
.tok-prompt { color: var(--fg); }
.tok-prompt mark { background: color-mix(in srgb, var(--bad) 12%, var(--bg)); color: var(--fg); text-decoration: line-through; }
.tok-diag { font-size: 0.88rem; padding-left: 1.2rem; margin: 0.25rem 0; }
`;

export class TokenizerLab extends LabBase<TokenizerLabState> {
  readonly lab = 'tokenizer' as const;
  private t = STRINGS.en;
  private tok?: ClipTokenizer;
  private input!: HTMLTextAreaElement;
  private status!: HTMLElement;
  private countBox!: HTMLElement;
  private cutBox!: HTMLElement;
  private chunksBox!: HTMLElement;
  private diagBox!: HTMLElement;

  protected defaults(): TokenizerLabState {
    return { prompt: 'a (cat:1.5) sitting on green grass, ((masterpiece))' };
  }

  protected sanitize(s: TokenizerLabState): TokenizerLabState {
    return { prompt: typeof s.prompt === 'string' ? s.prompt.slice(0, 4000) : '' };
  }

  protected prepare(): Promise<void> {
    return loadClipTokenizer().then(
      (tok) => {
        this.tok = tok;
      },
      (err) => {
        this.status.textContent = this.t.loadError;
        throw err;
      },
    );
  }

  protected build(body: HTMLElement): void {
    injectStyles('ipa-lab-tokenizer', CSS);
    const t = (this.t = pick(STRINGS, this.lng));
    const id = nextId('tok-prompt');
    this.input = h('textarea', { id, class: 'tok-text', spellcheck: 'false', rows: 3 });
    this.input.value = this.state.prompt;
    this.input.addEventListener('input', () => this.update({ prompt: this.input.value }));
    this.status = h('p', { class: 'lab-note', role: 'status' });
    this.countBox = h('div', {});
    this.cutBox = h('div', {});
    this.chunksBox = h('div', {});
    this.diagBox = h('div', {});
    body.append(
      h('div', { class: 'lab-field' }, h('label', { for: id }, t.prompt), this.input),
      h('div', { class: 'lab-buttons' }, h('span', { class: 'lab-note' }, t.examples), ...EXAMPLES.map((ex, i) => h('button', { type: 'button', class: 'btn', 'data-example': String(i), onclick: () => this.update({ prompt: ex }) }, ex.length > 28 ? `${ex.slice(0, 26)}…` : ex))),
      this.status,
      this.countBox,
      this.cutBox,
      this.diagBox,
      this.chunksBox,
      h('p', { class: 'lab-note' }, t.legend),
    );
  }

  protected render(): void {
    const t = this.t;
    const s = this.state;
    const L = this.lng;
    if (this.input.value !== s.prompt) this.input.value = s.prompt;
    if (!this.tok) {
      this.status.textContent = t.loading;
      return;
    }
    this.status.textContent = '';
    const v = tokenizerView(s.prompt, this.tok);
    const over = v.promptTokens > 75;
    const first = v.chunks[0].filter((c) => c.kind === 'text');
    this.countBox.replaceChildren(
      h('p', { 'data-count': String(v.promptTokens) }, fill(t.count, { n: v.promptTokens, left: Math.max(0, 75 - first.length) })),
      h('div', { class: `tok-meter${over ? ' over' : ''}`, 'aria-hidden': 'true' }, h('span', { style: `width: ${Math.min(100, (100 * v.promptTokens) / 75).toFixed(1)}%` })),
    );
    const cut = v.truncation.cutAt;
    this.cutBox.replaceChildren(
      h('p', { 'data-truncated': String(v.truncation.truncated) }, v.truncation.truncated ? fill(t.truncated, { cut: cut === null ? '' : s.prompt.slice(cut, cut + 24).trim(), dropped: v.truncation.dropped }) : t.notTruncated, v.truncation.truncated || v.chunks.length > 1 ? ` ${fill(t.comfyChunks, { chunks: v.chunks.length })}` : ''),
      ...(cut !== null ? [h('p', { class: 'tok-prompt lab-note' }, s.prompt.slice(0, cut), h('mark', { title: fill(t.ignoredText, { text: '' }) }, s.prompt.slice(cut)))] : []),
      ...(v.cjk.chars > 0 ? [h('p', { class: 'lab-note', 'data-cjk': '' }, fill(t.cjk, { chars: v.cjk.chars, tokens: v.cjk.tokens }))] : []),
    );
    this.diagBox.replaceChildren(
      ...(v.diagnostics.length
        ? [h('p', { class: 'lab-note' }, t.diagTitle), h('ul', { class: 'tok-diag' }, ...v.diagnostics.map((d) => h('li', {}, h('code', {}, s.prompt.slice(d.start, d.end) || '∅'), ' — ', L === 'zh' ? (DIAG_ZH[d.code] ?? d.message) : d.message)))]
        : []),
    );
    // the position where a truncating tokenizer stops: chunk 0, after 75 prompt tokens
    let promptIndex = 0;
    this.chunksBox.replaceChildren(
      ...v.chunks.map((chunk, c) => {
        const pads = chunk.filter((x) => x.kind === 'pad').length;
        const cells = chunk.filter((x) => x.kind !== 'pad').map((cell) => {
          const isCut = cell.kind === 'text' && promptIndex === 75 && over;
          if (cell.kind === 'text') promptIndex++;
          return this.cell(cell, isCut);
        });
        if (pads > 0) cells.push(h('li', { class: 'special', 'data-kind': 'pad', 'data-id': '49407', 'data-count': String(pads) }, h('span', { class: 'p' }, fill(t.padMore, { n: pads })), h('span', { class: 'i' }, `${t.pad}`)));
        return h('section', { 'data-chunk': String(c) }, h('p', { class: 'lab-note' }, fill(t.chunk, { c: c + 1, total: v.chunks.length })), h('ol', { class: 'tok-cells' }, ...cells));
      }),
    );
    this.say(fill(t.summary, { n: formatInt(v.promptTokens, L), chunks: v.chunks.length, first: first.slice(0, 8).map((c) => `${c.display} (${c.id})`).join(', ') || '—' }));
  }

  private cell(c: TokenCell, isCut: boolean): HTMLElement {
    const t = this.t;
    const special = c.kind !== 'text';
    const label = c.kind === 'start' ? t.start : c.kind === 'end' ? t.end : c.kind === 'pad' ? t.pad : c.display;
    const cls = [special ? 'special' : '', c.weight !== 1 ? 'weighted' : '', c.partial ? 'partial' : '', isCut ? 'cut' : ''].filter(Boolean).join(' ');
    return h(
      'li',
      { class: cls, 'data-kind': c.kind, 'data-id': String(c.id), 'data-weight': String(c.weight), title: isCut ? t.cutHere : c.partial ? t.partial : c.piece },
      h('span', { class: 'p' }, label),
      h('span', { class: 'i' }, `${t.id} ${c.id}`),
      c.weight !== 1 ? h('span', { class: 'w' }, fill(t.weight, { w: formatFixed(c.weight, 2).replace(/0$/, '') })) : null,
    );
  }
}

define('ipa-lab-tokenizer', TokenizerLab);
