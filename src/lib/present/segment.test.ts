import { describe, expect, test } from 'vitest';
import { segment, type BlockKind } from './segment';

describe('segment', () => {
  test('one slide per ## section, notes stay with their section', () => {
    const kinds: BlockKind[] = ['heading', 'content', 'content', 'notes', 'heading', 'content', 'notes'];
    expect(segment(kinds)).toEqual([
      { heading: 0, section: 0, blocks: [1, 2], notes: [3] },
      { heading: 4, section: 1, blocks: [5], notes: [6] },
    ]);
  });
  test('content before the first heading is its own slide', () => {
    expect(segment(['content', 'heading', 'content'])).toEqual([
      { heading: null, section: -1, blocks: [0], notes: [] },
      { heading: 1, section: 0, blocks: [2], notes: [] },
    ]);
  });
  test('a slide break cuts inside a section; empty slides are dropped', () => {
    expect(segment(['heading', 'content', 'break', 'content', 'break', 'break', 'content'])).toEqual([
      { heading: 0, section: 0, blocks: [1], notes: [] },
      { heading: null, section: 0, blocks: [3], notes: [] },
      { heading: null, section: 0, blocks: [6], notes: [] },
    ]);
  });
  test('a heading alone is still a slide; notes after a trailing break join the slide before', () => {
    expect(segment(['heading', 'heading', 'content', 'break', 'notes'])).toEqual([
      { heading: 0, section: 0, blocks: [], notes: [] },
      { heading: 1, section: 1, blocks: [2], notes: [4] },
    ]);
  });
  test('nothing in, nothing out', () => {
    expect(segment([])).toEqual([]);
  });
});
