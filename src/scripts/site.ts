// The site's small client script: theme, search dialog, phone menu, progress marks, quizzes.
// Everything here is progressive enhancement: the lessons read fine without it.
import { readProgress, setDone } from '../lib/course/progress';
import { initSearch } from './search';
import { initQuizzes } from './quiz';

const root = document.documentElement;

function applyTheme(pref: string) {
  const dark = pref === 'dark' || (pref === 'auto' && matchMedia('(prefers-color-scheme: dark)').matches);
  root.dataset.theme = dark ? 'dark' : 'light';
  root.dataset.themePref = pref;
}

function initTheme() {
  const select = document.querySelector<HTMLSelectElement>('[data-theme-select]');
  if (!select) return;
  select.value = root.dataset.themePref ?? 'auto';
  select.addEventListener('change', () => {
    try { localStorage.setItem('ipa-theme', select.value); } catch { /* private mode */ }
    applyTheme(select.value);
  });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => applyTheme(root.dataset.themePref ?? 'auto'));
}

function initMenu() {
  const toggle = document.querySelector<HTMLButtonElement>('[data-menu-toggle]');
  const sidebar = document.getElementById('sidebar');
  if (!toggle || !sidebar) return;
  toggle.addEventListener('click', () => {
    const open = sidebar.classList.toggle('open');
    toggle.setAttribute('aria-expanded', String(open));
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && sidebar.classList.contains('open')) {
      sidebar.classList.remove('open');
      toggle.setAttribute('aria-expanded', 'false');
      toggle.focus();
    }
  });
}

function renderProgress() {
  const done = readProgress(localStorage);
  document.querySelectorAll<HTMLElement>('[data-lesson-slug]').forEach((el) => {
    const isDone = done.has(el.dataset.lessonSlug!);
    el.querySelector('.check')!.textContent = isDone ? '✓' : '';
    el.querySelector('.done-label')?.toggleAttribute('hidden', !isDone);
  });
  const summary = document.querySelector<HTMLElement>('[data-progress-count]');
  const listed = [...document.querySelectorAll<HTMLElement>('[data-lesson-slug]')].map((el) => el.dataset.lessonSlug!);
  if (summary) summary.textContent = String(listed.filter((slug) => done.has(slug)).length);
  const box = document.querySelector<HTMLInputElement>('[data-mark-done]');
  if (box) box.checked = done.has(box.value);
}

function initProgress() {
  try {
    renderProgress();
  } catch {
    return; // no localStorage: no progress marks
  }
  document.querySelector<HTMLInputElement>('[data-mark-done]')?.addEventListener('change', (e) => {
    const box = e.currentTarget as HTMLInputElement;
    setDone(localStorage, box.value, box.checked);
    renderProgress();
  });
  window.addEventListener('storage', (e) => { if (e.key === 'ipa-progress') renderProgress(); });
}

// Printed pages show every answer.
window.addEventListener('beforeprint', () => {
  document.querySelectorAll<HTMLDetailsElement>('details.answer:not([open])').forEach((d) => {
    d.open = true;
    d.dataset.printOpened = '';
  });
});
window.addEventListener('afterprint', () => {
  document.querySelectorAll<HTMLDetailsElement>('details[data-print-opened]').forEach((d) => {
    d.open = false;
    delete d.dataset.printOpened;
  });
});

/**
 * The language switch keeps the reader's place: both versions of a lesson have the same
 * sections in the same order, so the index of the section being read carries across
 * (`#section-N`; heading ids differ between languages).
 */
function initLanguageSwitch() {
  const headings = () => [...document.querySelectorAll<HTMLElement>('[data-lesson-body] h2[id]')];
  document.querySelectorAll<HTMLAnchorElement>('[data-lang-switch]').forEach((link) => {
    link.addEventListener('click', (e) => {
      const hs = headings();
      let current = -1;
      hs.forEach((h, i) => { if (h.getBoundingClientRect().top < window.innerHeight * 0.3) current = i; });
      if (current < 0) return;
      e.preventDefault();
      location.href = `${link.pathname}#section-${current}`;
    });
  });
  const match = /^#section-(\d+)$/.exec(location.hash);
  const target = match ? headings()[Number(match[1])] : undefined;
  if (target) {
    history.replaceState(null, '', `#${target.id}`);
    target.scrollIntoView({ block: 'start' });
    // once fonts and images have settled the layout, land on the heading again
    window.addEventListener('load', () => target.scrollIntoView({ block: 'start' }), { once: true });
  }
}

/** A display formula wider than the column scrolls sideways; keyboard users must reach it too. */
function makeWideFormulasFocusable() {
  document.querySelectorAll<HTMLElement>('.katex-display').forEach((el) => {
    if (el.scrollWidth > el.clientWidth + 1) {
      el.tabIndex = 0;
      el.setAttribute('role', 'group');
      el.setAttribute('aria-label', el.querySelector('annotation')?.textContent ?? 'formula');
    }
  });
}

initTheme();
initLanguageSwitch();
makeWideFormulasFocusable();
window.addEventListener('resize', makeWideFormulasFocusable);
initMenu();
initProgress();
initSearch();
initQuizzes();
