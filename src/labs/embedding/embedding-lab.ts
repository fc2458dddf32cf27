/** <ipa-lab-embedding>: prompt similarity and nearest tokens in an embedding table (lesson 2). */
import type { EmbeddingLabState } from '../contract';
import { comparePrompts, demoEmbeddingSource, DEMO_DIMENSIONS, nearestTokens, onEmbeddingSource, type EmbeddingSource } from '../../lib/labs/embedding';
import { formatFixed, formatInt } from '../../lib/labs/format';
import { define, fill, LabBase, pick, type Strings } from '../shared/base';
import { h, nextId } from '../shared/dom';
import { injectStyles } from '../shared/styles';

type K = 'demoBadge' | 'demoNote' | 'clipBadge' | 'clipNote' | 'promptA' | 'promptB' | 'similarity' | 'noTokens' | 'unknown' | 'tokens'
  | 'probe' | 'nearest' | 'probeUnknown' | 'summary' | 'compareTitle' | 'neighboursTitle' | 'dims';
const STRINGS: Strings<K> = {
  en: {
    demoBadge: 'Demo table — not CLIP’s numbers',
    demoNote: 'This table has {n} English words × {d} dimensions, set by hand for this lesson (dimensions: {dims}) plus a little seeded noise. It shows how similarity works; it is not CLIP’s table. When the live lab has downloaded the text encoder, its real table ({clip} tokens × 768) is used here instead.',
    clipBadge: 'CLIP ViT-L/14 token embeddings',
    clipNote: 'The real token-embedding table of SD1.5’s text encoder: {n} tokens × {d} numbers. Prompts are cut by the CLIP tokenizer.',
    compareTitle: 'How similar are two prompts?',
    promptA: 'Prompt A',
    promptB: 'Prompt B',
    similarity: 'Cosine similarity of their mean token vectors: {c}',
    noTokens: 'A prompt has no tokens this table knows, so there is nothing to compare.',
    unknown: 'Not in the demo table (ignored): {w}',
    tokens: 'tokens: {t}',
    neighboursTitle: 'Nearest tokens',
    probe: 'Token to look around',
    nearest: 'Nearest tokens to “{w}” by cosine similarity',
    probeUnknown: '“{w}” is not in this table. Try one of: {s}.',
    summary: '{kind}. A and B have cosine similarity {c}. Nearest to “{w}”: {n}.',
    dims: '',
  },
  zh: {
    demoBadge: '演示表——不是 CLIP 的数字',
    demoNote: '这张表有 {n} 个英文单词 × {d} 个维度，是为本课手工设定的（维度：{dims}），再加一点固定种子的噪声。它用来说明相似度怎么算，不是 CLIP 的表。在线实验下载文本编码器之后，这里会改用真正的表（{clip} 个 token × 768）。词表是英文的，因为 CLIP 的词表以英文为主。',
    clipBadge: 'CLIP ViT-L/14 的 token 嵌入',
    clipNote: 'SD1.5 文本编码器真正的 token 嵌入表：{n} 个 token × {d} 个数。提示词由 CLIP 分词器切分。',
    compareTitle: '两个提示词有多相似？',
    promptA: '提示词 A',
    promptB: '提示词 B',
    similarity: '两者 token 向量平均值的余弦相似度：{c}',
    noTokens: '有一个提示词里没有这张表认识的 token，无法比较。',
    unknown: '演示表里没有（已忽略）：{w}',
    tokens: 'token：{t}',
    neighboursTitle: '最近的 token',
    probe: '要查看周围的 token',
    nearest: '按余弦相似度，离“{w}”最近的 token',
    probeUnknown: '这张表里没有“{w}”。试试：{s}。',
    summary: '{kind}。A 与 B 的余弦相似度为 {c}。离“{w}”最近的是：{n}。',
    dims: '',
  },
};

const DIM_ZH: Record<string, string> = {
  animal: '动物', feline: '猫科', canine: '犬科', nature: '自然', 'warm colour': '暖色', vehicle: '交通工具', person: '人物', 'art style': '画风', photo: '照片', 'function word': '虚词',
};

const CSS = `
.emb-badge { display: inline-block; font-weight: 600; font-size: 0.85rem; padding: 0.1rem 0.5rem; border-radius: var(--radius); border: 2px dashed var(--warn); color: var(--fg); }
.emb-badge.clip { border-style: solid; border-color: var(--good); }
.emb-sim { font-size: 1.05rem; font-weight: 600; }
.emb-near { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.15rem; max-width: 26rem; }
.emb-near li { display: grid; grid-template-columns: 7rem 1fr 3.5rem; gap: 0.5rem; align-items: center; font-size: 0.88rem; }
.emb-near .lab-bar { height: 0.75rem; background: var(--border); border-radius: 2px; overflow: hidden; }
.emb-near .lab-bar-fill { display: block; height: 100%; background: var(--accent); }
.emb-near .num { text-align: right; font-family: var(--mono); }
.emb-toks { font-family: var(--mono); font-size: 0.85rem; color: var(--muted); margin: 0.1rem 0 0; }
`;

export class EmbeddingLab extends LabBase<EmbeddingLabState> {
  readonly lab = 'embedding' as const;
  private t = STRINGS.en;
  private src: EmbeddingSource = demoEmbeddingSource();
  private inputs!: { a: HTMLInputElement; b: HTMLInputElement; probe: HTMLInputElement };
  private sourceBox!: HTMLElement;
  private compareOut!: HTMLElement;
  private tokLines!: [HTMLElement, HTMLElement];
  private nearOut!: HTMLElement;
  private datalist!: HTMLDataListElement;
  private unsubscribe?: () => void;

  protected defaults(): EmbeddingLabState {
    return { promptA: 'a cat on grass', promptB: 'a kitten in a garden', probe: 'cat' };
  }

  protected sanitize(s: EmbeddingLabState): EmbeddingLabState {
    const str = (v: unknown, d: string) => (typeof v === 'string' ? v.slice(0, 300) : d);
    return { promptA: str(s.promptA, ''), promptB: str(s.promptB, ''), probe: str(s.probe, '').slice(0, 40) };
  }

  /** Switches to another table (e.g. CLIP's real one); the state stays. */
  useSource(src: EmbeddingSource): void {
    this.src = src;
    this.fillSuggestions();
    this.render();
  }

  protected build(body: HTMLElement): void {
    injectStyles('ipa-lab-embedding', CSS);
    const t = (this.t = pick(STRINGS, this.lng));
    const listId = nextId('emb-words');
    this.datalist = h('datalist', { id: listId });
    const text = (name: string, label: string, key: keyof EmbeddingLabState, extra: Record<string, string> = {}) => {
      const id = nextId(`emb-${name}`);
      const input = h('input', { type: 'text', id, name, spellcheck: 'false', autocomplete: 'off', value: this.state[key], ...extra });
      input.addEventListener('input', () => this.update({ [key]: input.value } as Partial<EmbeddingLabState>));
      return { input, el: h('div', { class: 'lab-field' }, h('label', { for: id }, label), input) };
    };
    const a = text('prompt-a', t.promptA, 'promptA');
    const b = text('prompt-b', t.promptB, 'promptB');
    const probe = text('probe', t.probe, 'probe', { list: listId });
    this.inputs = { a: a.input, b: b.input, probe: probe.input };
    this.sourceBox = h('div', {});
    this.compareOut = h('p', { class: 'emb-sim', 'data-similarity': '' });
    this.tokLines = [h('p', { class: 'emb-toks' }), h('p', { class: 'emb-toks' })];
    this.nearOut = h('div', {});
    this.fillSuggestions();
    body.append(
      this.sourceBox,
      h('section', { class: 'lab-part' }, h('h4', {}, t.compareTitle), h('div', { class: 'lab-controls' }, h('div', {}, a.el, this.tokLines[0]), h('div', {}, b.el, this.tokLines[1])), this.compareOut),
      h('section', { class: 'lab-part' }, h('h4', {}, t.neighboursTitle), h('div', { class: 'lab-controls' }, probe.el), this.nearOut, this.datalist),
    );
    const sub = onEmbeddingSource((src) => this.useSource(src));
    this.unsubscribe = sub.unsubscribe;
    if (sub.current) this.src = sub.current;
  }

  disconnectedCallback(): void {
    this.unsubscribe?.();
  }

  private fillSuggestions(): void {
    this.datalist?.replaceChildren(...this.src.suggestions.slice(0, 200).map((w) => h('option', { value: w })));
  }

  protected render(): void {
    const t = this.t;
    const s = this.state;
    const L = this.lng;
    if (this.inputs.a.value !== s.promptA) this.inputs.a.value = s.promptA;
    if (this.inputs.b.value !== s.promptB) this.inputs.b.value = s.promptB;
    if (this.inputs.probe.value !== s.probe) this.inputs.probe.value = s.probe;
    const demo = this.src.kind === 'demo';
    const dims = DEMO_DIMENSIONS.map((d) => (L === 'zh' ? DIM_ZH[d] : d)).join(L === 'zh' ? '、' : ', ');
    this.sourceBox.replaceChildren(
      h('span', { class: `emb-badge${demo ? '' : ' clip'}`, 'data-source': this.src.kind }, demo ? t.demoBadge : t.clipBadge),
      h('p', { class: 'lab-note' }, demo ? fill(t.demoNote, { n: this.src.size, d: this.src.dim, dims, clip: formatInt(49408, L) }) : fill(t.clipNote, { n: formatInt(this.src.size, L), d: this.src.dim })),
    );

    const cmp = comparePrompts(this.src, s.promptA, s.promptB);
    [cmp.a, cmp.b].forEach((tok, i) => {
      const parts = [fill(t.tokens, { t: tok.pieces.join(' · ') || '—' })];
      if (tok.unknown.length) parts.push(fill(t.unknown, { w: tok.unknown.join(', ') }));
      this.tokLines[i].textContent = parts.join(' — ');
    });
    const c = cmp.cosine === null ? null : formatFixed(cmp.cosine, 3);
    this.compareOut.textContent = c === null ? t.noTokens : fill(t.similarity, { c });
    this.compareOut.dataset.similarity = c ?? '';

    const probe = this.src.tokenize(s.probe.trim());
    let nearText = '—';
    if (probe.ids.length === 0) {
      this.nearOut.replaceChildren(h('p', { class: 'lab-note' }, fill(t.probeUnknown, { w: s.probe.trim(), s: this.src.suggestions.slice(0, 8).join(', ') })));
    } else {
      const id = probe.ids[0];
      const near = nearestTokens(this.src, this.src.vector(id), 8, new Set([id]));
      nearText = near.map((n) => `${n.token} ${formatFixed(n.cosine, 2)}`).join(', ');
      this.nearOut.replaceChildren(
        h('p', { class: 'lab-note', id: `${this.inputs.probe.id}-near` }, fill(t.nearest, { w: this.src.token(id) })),
        h(
          'ol',
          { class: 'emb-near', 'aria-labelledby': `${this.inputs.probe.id}-near` },
          ...near.map((n) => h('li', { 'data-token': n.token }, h('span', {}, n.token), h('span', { class: 'lab-bar', 'aria-hidden': 'true' }, h('span', { class: 'lab-bar-fill', style: `width: ${Math.max(0, n.cosine * 100).toFixed(1)}%` })), h('span', { class: 'num' }, formatFixed(n.cosine, 3)))),
        ),
      );
    }
    this.say(fill(t.summary, { kind: demo ? t.demoBadge : t.clipBadge, c: c ?? '—', w: s.probe.trim(), n: nearText }));
  }
}

define('ipa-lab-embedding', EmbeddingLab);
