// The keyboard map of the presentation routes, after reveal.js and Slidev. Pure: the DOM glue
// passes the KeyboardEvent (or anything shaped like it) and the focused element.

export type Action =
  | 'next' | 'prev' | 'nextSlide' | 'prevSlide' | 'first' | 'last'
  | 'overview' | 'goto' | 'fullscreen' | 'black' | 'presenter' | 'help'
  | 'laser' | 'pen' | 'clearInk' | 'escape';

export interface KeyLike { key: string; shiftKey?: boolean; ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean }

/** The shortcuts in the order the help dialog lists them; `keys` are shown as written. */
export const SHORTCUTS: ReadonlyArray<{ action: Action; keys: string[] }> = [
  { action: 'next', keys: ['→', 'Space', 'PageDown', 'N'] },
  { action: 'prev', keys: ['←', 'Shift Space', 'PageUp', 'P'] },
  { action: 'nextSlide', keys: ['↓'] },
  { action: 'prevSlide', keys: ['↑'] },
  { action: 'first', keys: ['Home'] },
  { action: 'last', keys: ['End'] },
  { action: 'overview', keys: ['O'] },
  { action: 'goto', keys: ['G'] },
  { action: 'fullscreen', keys: ['F'] },
  { action: 'black', keys: ['B', '.'] },
  { action: 'presenter', keys: ['S'] },
  { action: 'laser', keys: ['L'] },
  { action: 'pen', keys: ['D'] },
  { action: 'clearInk', keys: ['C'] },
  { action: 'help', keys: ['?'] },
  { action: 'escape', keys: ['Esc'] },
];

const PLAIN: Record<string, Action> = {
  ArrowRight: 'next', PageDown: 'next', n: 'next', N: 'next',
  ArrowLeft: 'prev', PageUp: 'prev', p: 'prev', P: 'prev',
  ArrowDown: 'nextSlide', ArrowUp: 'prevSlide',
  Home: 'first', End: 'last',
  o: 'overview', O: 'overview',
  g: 'goto', G: 'goto',
  f: 'fullscreen', F: 'fullscreen',
  b: 'black', B: 'black', '.': 'black',
  s: 'presenter', S: 'presenter',
  l: 'laser', L: 'laser',
  d: 'pen', D: 'pen',
  c: 'clearInk', C: 'clearInk',
  '?': 'help',
  Escape: 'escape',
};

/** The action for a key press, or null (modified keys belong to the browser: Ctrl/⌘/Alt). */
export function actionFor(e: KeyLike): Action | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (e.key === ' ' || e.key === 'Spacebar') return e.shiftKey ? 'prev' : 'next';
  return PLAIN[e.key] ?? null;
}

export interface FocusLike {
  tagName?: string;
  isContentEditable?: boolean;
  type?: string;
  closest?: (selector: string) => unknown;
}

/**
 * Whether the focused element takes typing itself: then no shortcut fires (a range slider in a
 * lab keeps its arrow keys, a text box its letters).
 */
export function isEditable(el: FocusLike | null | undefined): boolean {
  if (!el || !el.tagName) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName.toUpperCase();
  if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') return true;
  return Boolean(el.closest?.('[contenteditable]:not([contenteditable="false"])'));
}

/** Space and Enter on a focused button or link press it; they are not "next slide" then. */
export function activatesFocused(e: KeyLike, el: FocusLike | null | undefined): boolean {
  if (!el?.tagName || (e.key !== ' ' && e.key !== 'Enter')) return false;
  const tag = el.tagName.toUpperCase();
  return tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY';
}
