import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { cleanForClip } from './textClean';

// Outputs of the real ftfy 6.3.1 + regex (see the file's "about").
const ftfy = JSON.parse(readFileSync(fileURLToPath(new URL('./ftfy-cases.json', import.meta.url)), 'utf8')) as {
  cases: { name: string; input: string; expected: string; fix_encoding_differs: boolean }[];
};

describe('matches whitespace_clean(ftfy.fix_text(text)).lower()', () => {
  for (const c of ftfy.cases) {
    test(c.name, () => {
      expect(c.fix_encoding_differs).toBe(false); // none of these needs the mojibake heuristics
      expect(cleanForClip(c.input).text).toBe(c.expected);
    });
  }
});

const spans = (text: string) => {
  const c = cleanForClip(text);
  return [...c.text].map((ch, i) => [ch, text.slice(c.starts[i], c.ends[i])]);
};

test('each cleaned character knows the input it came from', () => {
  expect(spans('ﬁne')).toEqual([
    ['f', 'ﬁ'],
    ['i', 'ﬁ'],
    ['n', 'n'],
    ['e', 'e'],
  ]);
  expect(spans('a &amp; B')).toEqual([
    ['a', 'a'],
    [' ', ' '],
    ['&', '&amp;'],
    [' ', ' '],
    ['b', 'B'],
  ]);
  expect(spans('  x \t\n y ')).toEqual([
    ['x', 'x'],
    [' ', ' \t\n '],
    ['y', 'y'],
  ]);
  expect(spans('e\u0301')).toEqual([['é', 'e\u0301']]);
  expect(spans('Ｃ')).toEqual([['c', 'Ｃ']]);
});

test("'basic' clean-up: BERT's BasicTokenizer rules", () => {
  expect(cleanForClip('一只猫 Cat', 'basic').text).toBe('一 只 猫 cat');
  expect(cleanForClip('a\u200db\x07c\ufffd', 'basic').text).toBe('abc'); // format/control characters dropped
  expect(cleanForClip('ﬁ “x”', 'basic').text).toBe('ﬁ “x”'); // no ftfy fixes
  expect(cleanForClip('a\u3000b', 'basic').text).toBe('a b');
});
