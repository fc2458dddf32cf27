// Builds the slides of a lesson in the page: the rendered article (in [data-present-source]) is
// cut into segments (src/lib/present/segment.ts) and each segment is poured into 1280×720 slides,
// starting a new slide when the next block would not fit. A block too tall or too wide for a
// slide on its own is scaled down (CSS zoom), so nothing ever overflows a slide.
//
// Packing is measured at the slide's logical size, not the window's, so every window (audience,
// presenter, handout) gets the same slides with the same numbers.
import { segment, type BlockKind } from '../../lib/present/segment';

export const SLIDE_W = 1280;
export const SLIDE_H = 720;

export interface Slide {
  el: HTMLElement;
  inner: HTMLElement;
  body: HTMLElement;
  content: HTMLElement;
  /** The slide's title: its heading, the section it continues, or the lesson title. */
  title: string;
  /** Reveal steps in order: element i is shown once the position's step is > i. */
  steps: HTMLElement[];
  /** Speaker notes of the segment the slide belongs to. */
  notes: HTMLElement[];
  segment: number;
  /** Which slide of its segment (0-based) and how many the segment has. */
  page: number;
  pages: number;
  /** Relative amount of material, for pacing. */
  weight: number;
  pick: HTMLButtonElement;
}

export interface Built {
  slides: Slide[];
  /** Steps per slide: the deck model of src/lib/present/deck.ts. */
  deck: number[];
}

export interface Strings { continued: string; slideOf: string; [k: string]: string }

const fill = (template: string, vars: Record<string, string | number>) =>
  template.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));

function classify(el: Element): BlockKind {
  if (el.tagName === 'H2') return 'heading';
  if (el.matches('[data-slide-break]')) return 'break';
  // <SlideBreak /> written inline in a paragraph: the paragraph holds only the marker
  if (el.tagName === 'P' && el.children.length === 1 && el.firstElementChild!.matches('[data-slide-break]') && !el.textContent!.trim()) return 'break';
  if (el.matches('[data-speaker-notes]')) return 'notes';
  return 'content';
}

function fits(body: HTMLElement): boolean {
  return body.scrollHeight <= body.clientHeight + 1 && body.scrollWidth <= body.clientWidth + 1;
}

/** Elements that scroll sideways instead of growing (tables, code, display math). */
function sidewaysOverflow(block: HTMLElement): number {
  let ratio = 1;
  const candidates = [block, ...block.querySelectorAll<HTMLElement>('table, pre, .katex-display')];
  for (const el of candidates) {
    const cw = el.clientWidth || el.getBoundingClientRect().width;
    const sw = el.scrollWidth;
    if (cw > 0 && sw > cw + 1) ratio = Math.min(ratio, cw / sw);
  }
  return ratio;
}

const zoomOf = (el: HTMLElement) => Number(el.style.zoom || 1);

const LAB = '[data-lab]';

/** Blocks that may be scaled down to stay on a slide with text before them. */
const SHRINKABLE = 'figure, table, .katex-display, pre, [data-lab], .quiz, .exercise';
const MIN_INLINE_ZOOM = 0.8;

/** Shrink one block until the slide fits (or the block is at `floor`). */
function shrinkBlock(block: HTMLElement, body: HTMLElement, floor = 0.25) {
  for (let i = 0; i < 6 && !fits(body); i++) {
    const b = body.getBoundingClientRect();
    const r = block.getBoundingClientRect();
    const spaceY = b.bottom - r.top;
    const over = Math.max(body.scrollHeight / body.clientHeight, body.scrollWidth / body.clientWidth);
    const byHeight = r.height > 0 ? (spaceY - 4) / r.height : 1;
    const factor = Math.min(byHeight, 1 / over, 0.97);
    block.style.zoom = String(Math.max(floor * 0.999, zoomOf(block) * factor));
    if (zoomOf(block) < floor) break;
  }
}

/** Last resort, and for content that grows later (a lab mounting, a quiz explaining): scale the whole slide content. */
export function ensureFit(slide: Slide) {
  const { body, content } = slide;
  if (slide.el.hidden && !slide.el.closest('.is-overview, .handout')) return;
  // a live lab keeps a readable size and scrolls (in step across windows) rather than shrink to
  // a thumbnail; only its width is fitted
  const lab = slide.el.classList.contains('slide-lab') && !slide.el.closest('.handout');
  for (let i = 0; i < 4 && (lab ? body.scrollWidth > body.clientWidth + 1 : !fits(body)); i++) {
    const f = Math.min(lab ? 1 : body.clientHeight / body.scrollHeight, body.clientWidth / body.scrollWidth, 0.98);
    content.style.zoom = String(Math.max(0.2, zoomOf(content) * f));
  }
}

function makeSlide(doc: Document): Omit<Slide, 'title' | 'steps' | 'notes' | 'segment' | 'page' | 'pages' | 'weight'> {
  const el = doc.createElement('section');
  el.className = 'slide';
  el.setAttribute('aria-roledescription', 'slide');
  const inner = doc.createElement('div');
  inner.className = 'slide-inner';
  const body = doc.createElement('div');
  body.className = 'slide-body';
  const content = doc.createElement('div');
  content.className = 'slide-content';
  const number = doc.createElement('p');
  number.className = 'slide-number';
  number.setAttribute('aria-hidden', 'true');
  body.append(content);
  inner.append(body, number);
  const pick = doc.createElement('button');
  pick.type = 'button';
  pick.className = 'overview-pick';
  pick.hidden = true;
  el.append(inner, pick);
  return { el, inner, body, content, pick };
}

function stepsOf(content: HTMLElement, firstBlock: Element | null): HTMLElement[] {
  const steps: HTMLElement[] = [];
  const add = (el: HTMLElement) => { if (!steps.includes(el)) steps.push(el); };
  for (const el of content.querySelectorAll<HTMLElement>('[data-step], .aside, details.answer')) {
    if (el.matches('[data-step="each"]')) {
      const lists = [...el.children].filter((c) => c.tagName === 'UL' || c.tagName === 'OL');
      const items = lists.length > 0 ? lists.flatMap((l) => [...l.children]) : [...el.children];
      items.forEach((item) => add(item as HTMLElement));
    } else if (el.matches('[data-step]')) add(el);
    else {
      // automatic steps: exercise answers open on a press; an aside appears on a press,
      // unless it is what the slide opens with (the slide would start blank)
      if (el.parentElement?.closest('[data-step]')) continue;
      if (el.matches('.aside') && firstBlock && (firstBlock === el || firstBlock.contains(el))) continue;
      add(el);
    }
  }
  steps.forEach((el, i) => { el.dataset.stepIndex = String(i + 1); });
  return steps;
}

/** Shows the first `step` reveal steps under `root` (a slide, or a copy of one). */
export function applySteps(root: ParentNode, step: number) {
  root.querySelectorAll<HTMLElement>('[data-step-index]').forEach((el) => {
    const shown = Number(el.dataset.stepIndex) <= step;
    if (el instanceof HTMLDetailsElement) el.open = shown;
    else el.classList.toggle('step-pending', !shown);
  });
}

async function settled(doc: Document) {
  const fonts = doc.fonts?.ready ?? Promise.resolve();
  const timeout = new Promise((r) => setTimeout(r, 8000));
  const images = [...doc.images].filter((img) => !img.complete).map((img) => new Promise((r) => { img.addEventListener('load', r, { once: true }); img.addEventListener('error', r, { once: true }); }));
  await Promise.race([Promise.all([fonts, ...images]), timeout]);
}

export async function buildDeck(source: HTMLElement, deckEl: HTMLElement, strings: Strings): Promise<Built> {
  const doc = source.ownerDocument;
  void source.offsetHeight; // lay the source out so the fonts it uses start loading
  await settled(doc);

  const title = source.querySelector<HTMLElement>('[data-title-slide]');
  const lessonTitle = title?.querySelector('h1')?.textContent?.trim() ?? doc.title;
  const bodyRoot = source.querySelector<HTMLElement>('[data-lesson-body]') ?? source;
  const blocks = [...bodyRoot.children] as HTMLElement[];
  const kinds = blocks.map(classify);
  const segments = segment(kinds);
  const sectionTitles: string[] = [];
  kinds.forEach((k, i) => { if (k === 'heading') sectionTitles.push(blocks[i].textContent!.trim()); });

  deckEl.classList.add('is-building');
  const slides: Slide[] = [];
  // every answer open while measuring, so a revealed answer still fits
  const answers = [...source.querySelectorAll<HTMLDetailsElement>('details.answer')];
  answers.forEach((d) => { d.open = true; });

  const pour = (items: HTMLElement[], first: HTMLElement | null, segIndex: number, notes: HTMLElement[], kicker: string | null) => {
    const made: Slide[] = [];
    let firstBlock: HTMLElement | null = null;
    const open = (lead: HTMLElement | null) => {
      const s = makeSlide(doc);
      deckEl.append(s.el);
      if (lead) s.content.append(lead);
      const slide: Slide = { ...s, title: '', steps: [], notes, segment: segIndex, page: made.length, pages: 0, weight: 1 };
      made.push(slide);
      return slide;
    };
    const continuation = () => {
      if (kicker === null) return null;
      const p = doc.createElement('p');
      p.className = 'slide-kicker';
      p.textContent = `${kicker} ${strings.continued}`;
      return p;
    };
    let current = open(first);
    let placed: HTMLElement[] = [];
    let alone = false;
    const breakPage = () => {
      ensureFit(current);
      current.el.hidden = true;
      current = open(continuation());
      placed = [];
    };
    for (const block of items) {
      // a live lab gets a slide of its own: it mounts later (when shown) and may grow, and the
      // slide then scales it to fit rather than pushing other content off
      const lab = block.matches(LAB) || block.querySelector(LAB) !== null;
      if ((lab || alone) && placed.length > 0) {
        const carry: HTMLElement[] = [];
        while (lab && placed.length > 1 && /^H[3-6]$/.test(placed[placed.length - 1].tagName)) carry.unshift(placed.pop()!);
        carry.forEach((c) => c.remove());
        breakPage();
        for (const c of carry) { current.content.append(c); placed.push(c); }
      }
      alone = lab;
      if (lab) {
        current.el.classList.add('slide-lab');
        current.body.tabIndex = 0; // it may scroll: keyboard users reach it too
      }
      current.content.append(block);
      const sideways = sidewaysOverflow(block);
      if (sideways < 1) block.style.zoom = String(Math.max(0.25, sideways * 0.98));
      // a figure, table or formula that almost fits stays, a little smaller, rather than leave a gap
      if (!fits(current.body) && placed.length > 0 && block.matches(SHRINKABLE)) {
        const before = block.style.zoom;
        shrinkBlock(block, current.body, MIN_INLINE_ZOOM);
        if (!fits(current.body) || zoomOf(block) < MIN_INLINE_ZOOM) block.style.zoom = before;
      }
      if (!fits(current.body) && placed.length > 0) {
        block.remove();
        // a sub-heading never ends a slide: it moves with what it introduces
        const carry: HTMLElement[] = [];
        while (placed.length > 1 && /^H[3-6]$/.test(placed[placed.length - 1].tagName)) carry.unshift(placed.pop()!);
        carry.forEach((c) => c.remove());
        ensureFit(current);
        current.el.hidden = true;
        current = open(continuation());
        placed = [];
        for (const c of carry) { current.content.append(c); placed.push(c); }
        current.content.append(block);
      }
      if (!fits(current.body)) shrinkBlock(block, current.body);
      placed.push(block);
      if (!firstBlock) firstBlock = block;
    }
    ensureFit(current);
    current.el.hidden = true;
    for (const s of made) {
      s.pages = made.length;
      s.title = (first?.matches('h2, .slide-kicker') ? first.textContent?.trim() : '') || kicker || lessonTitle;
      const firstContent = [...s.content.children].find((c) => !c.matches('h2, .slide-kicker, [data-title-slide]')) ?? null;
      s.steps = stepsOf(s.content, firstContent);
      s.weight = 1 + (s.content.textContent?.length ?? 0) / 400;
    }
    return made;
  };

  if (title) slides.push(...pour([], title, -1, [], null));
  segments.forEach((seg, i) => {
    const heading = seg.heading !== null ? blocks[seg.heading] : null;
    const sectionTitle = seg.section >= 0 ? sectionTitles[seg.section] : null;
    let lead: HTMLElement | null = heading;
    if (!heading && sectionTitle) {
      lead = doc.createElement('p');
      lead.className = 'slide-kicker';
      lead.textContent = sectionTitle;
    }
    const notes = seg.notes.map((n) => blocks[n]);
    for (const b of seg.blocks) notes.push(...blocks[b].querySelectorAll<HTMLElement>('[data-speaker-notes]'));
    slides.push(...pour(seg.blocks.map((b) => blocks[b]), lead, i, notes, sectionTitle));
  });
  // notes stay in the (hidden) source; slide breaks go
  blocks.forEach((b, i) => { if (kinds[i] === 'break') b.remove(); });

  answers.forEach((d) => { d.open = false; });
  slides.forEach((s, i) => {
    s.el.dataset.slideIndex = String(i);
    const label = fill(strings.slideOf, { n: i + 1, total: slides.length });
    s.el.setAttribute('aria-label', `${label}: ${s.title}`);
    s.inner.querySelector('.slide-number')!.textContent = `${i + 1} / ${slides.length}`;
    s.pick.setAttribute('aria-label', `${label}: ${s.title}`);
    applySteps(s.el, 0);
  });
  deckEl.classList.remove('is-building');
  // content that grows later (a lab mounting, a quiz explaining its answer) is scaled to fit
  if (typeof ResizeObserver !== 'undefined') {
    const byContent = new Map(slides.map((s) => [s.content as Element, s]));
    const ro = new ResizeObserver((entries) => {
      const grown = entries.map((e) => byContent.get(e.target)).filter((s): s is Slide => !!s);
      // outside the observer's callback, so scaling does not re-trigger it in the same frame
      requestAnimationFrame(() => grown.forEach(ensureFit));
    });
    slides.forEach((s) => ro.observe(s.content));
  }
  return { slides, deck: slides.map((s) => s.steps.length) };
}
