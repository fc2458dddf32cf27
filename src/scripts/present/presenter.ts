// The presenter window (…/presenter/): the current slide (live: labs, pen and laser work here
// and show in the audience window), a preview of the next step, the speaker notes, the elapsed
// time, a clock and the pace against the lesson's duration.
import { atEnd, next, type Position } from '../../lib/present/deck';
import { formatElapsed, pacing } from '../../lib/present/pacing';
import { elapsed, type SessionState } from '../../lib/present/protocol';
import { applySteps, type Built } from './build';
import { fitStage, startSession } from './session';
import { fill, readStrings } from './strings';

const strings = readStrings();
const body = document.body;
const durationMin = Number(body.dataset.duration) || 30;
const htmlLang = document.documentElement.lang || 'en';

const previewStage = document.querySelector<HTMLElement>('[data-preview]')!;
const previewCaption = document.querySelector<HTMLElement>('[data-preview-caption]')!;
const notesPane = document.querySelector<HTMLElement>('[data-notes]')!;
const elapsedOut = document.querySelector<HTMLElement>('[data-elapsed]')!;
const clockOut = document.querySelector<HTMLElement>('[data-clock]')!;
const paceOut = document.querySelector<HTMLElement>('[data-pace]')!;
const timerToggle = document.querySelector<HTMLButtonElement>('[data-action="timer-toggle"]');

const previewBox = document.createElement('div');
previewBox.className = 'deck preview-deck';
previewBox.setAttribute('aria-hidden', 'true');
previewStage.append(previewBox);
fitStage(previewStage, previewBox);

/** A copy of a slide that looks the same and does nothing: no ids, no links, no live labs. */
function still(slide: HTMLElement): HTMLElement {
  const copy = slide.cloneNode(true) as HTMLElement;
  copy.hidden = false;
  copy.inert = true;
  copy.removeAttribute('aria-label');
  copy.removeAttribute('aria-roledescription');
  copy.querySelectorAll('[data-lab]').forEach((lab) => {
    // a still of a live lab would be a second, idle copy of it: its title stands in
    const p = document.createElement('p');
    p.className = 'lab-still';
    p.textContent = lab.querySelector('.lab-title')?.textContent?.trim() || (lab.getAttribute('data-lab') ?? '');
    lab.replaceChildren(p);
  });
  copy.querySelectorAll('.overview-pick, canvas.ink-layer, .laser-dot').forEach((el) => el.remove());
  for (const el of [copy, ...copy.querySelectorAll<HTMLElement>('*')]) {
    for (const attr of ['id', 'for', 'name', 'href', 'tabindex', 'aria-labelledby', 'aria-describedby', 'aria-controls']) el.removeAttribute(attr);
    if (el instanceof HTMLInputElement || el instanceof HTMLButtonElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) el.disabled = true;
  }
  return copy;
}

let previewFor = '';
let notesFor = -1;
let current: { pos: Position; built: Built } | null = null;
let latest: SessionState | null = null;

function renderPreview(pos: Position, built: Built) {
  const end = atEnd(built.deck, pos);
  const target = next(built.deck, pos);
  const key = end ? 'end' : `${target.slide}/${target.step}`;
  if (key === previewFor) return;
  previewFor = key;
  if (end) {
    const p = document.createElement('p');
    p.className = 'preview-end';
    p.textContent = strings.end;
    previewBox.replaceChildren(p);
    previewCaption.textContent = strings.end;
    return;
  }
  const copy = still(built.slides[target.slide].el);
  applySteps(copy, target.step);
  previewBox.replaceChildren(copy);
  const s = built.slides[target.slide];
  previewCaption.textContent = `${fill(strings.slideOf, { n: target.slide + 1, total: built.slides.length })}: ${s.title}`;
}

function renderNotes(pos: Position, built: Built) {
  if (notesFor === pos.slide) return;
  notesFor = pos.slide;
  const notes = built.slides[pos.slide].notes;
  if (notes.length === 0) {
    const p = document.createElement('p');
    p.className = 'no-notes';
    p.textContent = strings.noNotes;
    notesPane.replaceChildren(p);
    return;
  }
  notesPane.replaceChildren(...notes.map((n) => {
    const div = document.createElement('div');
    div.className = 'note';
    div.innerHTML = n.innerHTML;
    div.querySelectorAll('[id]').forEach((el) => el.removeAttribute('id'));
    return div;
  }));
  notesPane.scrollTop = 0;
}

function tick() {
  const now = Date.now();
  clockOut.textContent = new Date(now).toLocaleTimeString(htmlLang, { hour: '2-digit', minute: '2-digit' });
  if (!latest || !current) return;
  const t = latest.timer.value;
  const ms = elapsed(t, now);
  elapsedOut.textContent = formatElapsed(ms);
  if (timerToggle) {
    const running = t.startedAt !== null && t.pausedAt === null;
    timerToggle.textContent = running ? strings.pause : strings.resume;
    timerToggle.setAttribute('aria-pressed', String(!running));
  }
  const { pos, built } = current;
  const steps = built.deck[pos.slide];
  const p = pacing({
    elapsedMs: ms, durationMin, index: pos.slide, total: built.slides.length,
    within: steps > 0 ? pos.step / (steps + 1) : 0, weights: built.slides.map((s) => s.weight),
  });
  const m = Math.max(1, Math.round(Math.abs(p.deltaMin)));
  paceOut.dataset.status = p.status;
  paceOut.textContent = p.status === 'on-time' ? strings.onTime : fill(p.status === 'ahead' ? strings.ahead : strings.behind, { m });
}

void startSession('presenter', {
  render(pos, state, built) {
    current = { pos, built };
    latest = state;
    renderPreview(pos, built);
    renderNotes(pos, built);
    body.classList.toggle('audience-black', state.nav.value.black);
    tick();
  },
  timer(state) {
    latest = state;
    tick();
  },
});
setInterval(tick, 1000);
tick();
