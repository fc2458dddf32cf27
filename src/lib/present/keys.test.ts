import { describe, expect, test } from 'vitest';
import { actionFor, activatesFocused, isEditable, SHORTCUTS } from './keys';

describe('keyboard map', () => {
  test('reveal.js / Slidev keys', () => {
    const cases: Array<[Parameters<typeof actionFor>[0], string | null]> = [
      [{ key: 'ArrowRight' }, 'next'], [{ key: ' ' }, 'next'], [{ key: 'PageDown' }, 'next'],
      [{ key: 'ArrowLeft' }, 'prev'], [{ key: ' ', shiftKey: true }, 'prev'], [{ key: 'PageUp' }, 'prev'],
      [{ key: 'Home' }, 'first'], [{ key: 'End' }, 'last'],
      [{ key: 'o' }, 'overview'], [{ key: 'g' }, 'goto'], [{ key: 'f' }, 'fullscreen'],
      [{ key: 'b' }, 'black'], [{ key: '.' }, 'black'], [{ key: 's' }, 'presenter'], [{ key: '?', shiftKey: true }, 'help'],
      [{ key: 'ArrowDown' }, 'nextSlide'], [{ key: 'ArrowUp' }, 'prevSlide'],
      [{ key: 'l' }, 'laser'], [{ key: 'd' }, 'pen'], [{ key: 'c' }, 'clearInk'], [{ key: 'Escape' }, 'escape'],
      [{ key: 'x' }, null],
    ];
    for (const [e, action] of cases) expect(actionFor(e), JSON.stringify(e)).toBe(action);
  });
  test('browser shortcuts stay the browser’s', () => {
    expect(actionFor({ key: 'f', ctrlKey: true })).toBeNull();
    expect(actionFor({ key: 'ArrowRight', altKey: true })).toBeNull();
    expect(actionFor({ key: 'r', metaKey: true })).toBeNull();
  });
  test('every listed shortcut maps to its action', () => {
    const keyOf: Record<string, { key: string; shiftKey?: boolean }> = {
      '→': { key: 'ArrowRight' }, '←': { key: 'ArrowLeft' }, '↓': { key: 'ArrowDown' }, '↑': { key: 'ArrowUp' },
      Space: { key: ' ' }, 'Shift Space': { key: ' ', shiftKey: true }, Esc: { key: 'Escape' },
    };
    for (const { action, keys } of SHORTCUTS) {
      for (const k of keys) expect(actionFor(keyOf[k] ?? { key: k.length === 1 ? k.toLowerCase() : k }), k).toBe(action);
    }
  });
});

describe('focus', () => {
  const el = (tagName: string, extra: object = {}) => ({ tagName, closest: () => null, ...extra });
  test('inputs, selects, text areas and contenteditable take the keys', () => {
    expect(isEditable(el('INPUT', { type: 'range' }))).toBe(true);
    expect(isEditable(el('select'))).toBe(true);
    expect(isEditable(el('TEXTAREA'))).toBe(true);
    expect(isEditable(el('DIV', { isContentEditable: true }))).toBe(true);
    expect(isEditable(el('SPAN', { closest: (s: string) => (s.includes('contenteditable') ? {} : null) }))).toBe(true);
    expect(isEditable(el('BODY'))).toBe(false);
    expect(isEditable(null)).toBe(false);
  });
  test('Space and Enter press a focused button instead of moving on', () => {
    expect(activatesFocused({ key: ' ' }, el('BUTTON'))).toBe(true);
    expect(activatesFocused({ key: 'Enter' }, el('A'))).toBe(true);
    expect(activatesFocused({ key: 'ArrowRight' }, el('BUTTON'))).toBe(false);
    expect(activatesFocused({ key: ' ' }, el('BODY'))).toBe(false);
  });
});
