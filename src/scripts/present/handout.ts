// The handout (…/handout/): every slide, fully revealed, one to a printed page, with its speaker
// notes underneath. The slides are the same as in the presentation (same packing, same numbers).
import { applySteps, buildDeck } from './build';
import { fill, readStrings } from './strings';

const strings = readStrings();
const source = document.querySelector<HTMLElement>('[data-present-source]')!;
const deckEl = document.querySelector<HTMLElement>('[data-deck]')!;
const pagesEl = document.querySelector<HTMLElement>('[data-handout-pages]')!;
const lessonTitle = document.body.dataset.lessonTitle ?? '';

async function main() {
const built = await buildDeck(source, deckEl, strings);
const total = built.slides.length;
built.slides.forEach((s, i) => {
  const page = document.createElement('section');
  page.className = 'handout-page';
  page.setAttribute('aria-label', `${fill(strings.slideOf, { n: i + 1, total })}: ${s.title}`);
  const meta = document.createElement('p');
  meta.className = 'handout-meta';
  meta.textContent = `${lessonTitle} · ${i + 1} / ${total}`;
  const frame = document.createElement('div');
  frame.className = 'handout-frame';
  const box = document.createElement('div');
  box.className = 'deck handout-deck';
  s.el.hidden = false;
  s.el.removeAttribute('aria-roledescription');
  s.el.removeAttribute('aria-label');
  applySteps(s.el, Number.POSITIVE_INFINITY);
  box.append(s.el);
  frame.append(box);
  page.append(meta, frame);
  // the notes of a section go under its last slide
  if (s.page === s.pages - 1 && s.notes.length > 0) {
    const notes = document.createElement('div');
    notes.className = 'handout-notes';
    const h = document.createElement('h2');
    h.textContent = strings.notes;
    notes.append(h);
    for (const n of s.notes) {
      const div = document.createElement('div');
      div.innerHTML = n.innerHTML;
      div.querySelectorAll('[id]').forEach((el) => el.removeAttribute('id'));
      notes.append(div);
    }
    page.append(notes);
  }
  pagesEl.append(page);
});
deckEl.remove();
document.body.dataset.presentReady = 'true';
}

void main();
