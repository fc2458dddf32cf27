import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { fixture } from '../../../test/fixtures';
import {
  CONTEXT_LENGTH,
  ClipTokenizer,
  END_OF_TEXT,
  MAX_PROMPT_TOKENS,
  START_OF_TEXT,
  VOCAB_SIZE,
  emptyPromptIds,
  loadClipTokenizer,
  sd15InputIds,
} from './clipTokenizer';

interface Case {
  category: string;
  prompt: string;
  ids: number[];
  sd15_input_ids: number[];
  tokens: string[];
}
const ref = JSON.parse(readFileSync(fixture('clip_tokenizer', 'cases.json'), 'utf8')) as {
  vocab_size: number;
  special_ids: Record<string, number>;
  cases: Case[];
};

let tok: ClipTokenizer;
beforeAll(async () => {
  tok = await loadClipTokenizer();
});

test('constants agree with the fixture', () => {
  expect(VOCAB_SIZE).toBe(ref.vocab_size);
  expect(START_OF_TEXT).toBe(ref.special_ids['<|startoftext|>']);
  expect(END_OF_TEXT).toBe(ref.special_ids['<|endoftext|>']);
  expect(tok.vocab.tokens.length).toBe(ref.vocab_size);
  expect(ref.cases.length).toBeGreaterThanOrEqual(23);
  // the fixture covers the categories the brief asks for
  for (const c of ['chinese', 'empty', 'long', 'weight_syntax']) expect(ref.cases.some((x) => x.category === c)).toBe(true);
});

describe('every fixture case', () => {
  for (const c of ref.cases) {
    test(`${c.category}: ${JSON.stringify(c.prompt.slice(0, 40))}`, () => {
      const t = tok.tokenize(c.prompt);
      expect(t.ids).toEqual(c.ids);
      expect(t.tokens).toEqual(c.tokens);
      const e = tok.encodeForSD15(c.prompt);
      expect(Array.from(e.inputIds)).toEqual(c.sd15_input_ids);
      expect(e.inputIds).toBeInstanceOf(Int32Array);
      expect(e.inputIds.length).toBe(CONTEXT_LENGTH);
      expect(e.tokens).toEqual(c.sd15_input_ids.map((id) => tok.idToToken(id)));
      expect(Array.from(sd15InputIds(c.ids))).toEqual(c.sd15_input_ids);
      expect(e.tokenCount).toBe(c.ids.length);
      expect(e.truncated).toBe(c.ids.length > MAX_PROMPT_TOKENS);
      expect(e.droppedTokens).toBe(Math.max(0, c.ids.length - MAX_PROMPT_TOKENS));
      // tokens ↔ ids through the vocabulary
      c.tokens.forEach((token, i) => expect(tok.tokenToId(token)).toBe(c.ids[i]));
    });
  }
});

test('long prompts: cutAt points at the first token SD1.5 drops', () => {
  const long = ref.cases.filter((c) => c.ids.length > MAX_PROMPT_TOKENS);
  expect(long.length).toBeGreaterThanOrEqual(2);
  for (const c of long) {
    const e = tok.encodeForSD15(c.prompt);
    expect(e.truncated).toBe(true);
    expect(e.keptTokens).toBe(MAX_PROMPT_TOKENS);
    expect(e.cutAt).not.toBeNull();
    const cut = e.cutAt as number;
    // the fixture's 76th token (first dropped) is spelled at the cut, and the 75th just before it
    const firstDropped = c.tokens[MAX_PROMPT_TOKENS].replace('</w>', '');
    expect(c.prompt.slice(cut).toLowerCase().startsWith(firstDropped)).toBe(true);
    const lastKept = c.tokens[MAX_PROMPT_TOKENS - 1].replace('</w>', '');
    expect(c.prompt.slice(0, cut).trimEnd().toLowerCase().endsWith(lastKept)).toBe(true);
    // positions 1..75 carry offsets, the end token and padding none
    expect(e.offsets[1]).not.toBeNull();
    expect(e.offsets[MAX_PROMPT_TOKENS]).not.toBeNull();
    expect(e.offsets[MAX_PROMPT_TOKENS + 1]).toBeNull();
  }
  const short = tok.encodeForSD15('a photo of a cat');
  expect(short.cutAt).toBeNull();
  expect(short.truncated).toBe(false);
});

test('the empty prompt is start, end and end-padding', () => {
  const empty = ref.cases.find((c) => c.category === 'empty') as Case;
  expect(empty.prompt).toBe('');
  expect(Array.from(emptyPromptIds())).toEqual(empty.sd15_input_ids);
  expect(tok.tokenize('   \n\t ').ids).toEqual([]);
});

test('offsets point back at the prompt text of each token', () => {
  for (const prompt of ['a photo of a cat', 'A FAT CAT', 'a  cat   with    spaces', 'hello, world!!!', "don't"]) {
    const c = ref.cases.find((x) => x.prompt === prompt) as Case;
    const t = tok.tokenize(prompt);
    t.offsets.forEach(([s, e], i) => {
      expect(prompt.slice(s, e).toLowerCase()).toBe(c.tokens[i].replace('</w>', ''));
    });
  }
  // multi-piece word: the pieces tile the word
  const d = tok.tokenize('dreamshaper');
  expect(d.offsets.map(([s, e]) => 'dreamshaper'.slice(s, e))).toEqual(['dream', 'shap', 'er']);
  // Chinese: BPE splits characters' bytes; every piece maps to the character(s) it came from
  const zh = ref.cases.find((x) => x.category === 'chinese') as Case;
  const z = tok.tokenize(zh.prompt);
  expect(z.offsets[0]).toEqual([0, 1]); // 'ä¸' = first two bytes of 一
  expect(z.offsets[1]).toEqual([0, 1]); // 'Ģ' = its last byte
  for (const [s, e] of z.offsets) expect(e - s).toBeGreaterThanOrEqual(1);
  expect(z.offsets.at(-1)).toEqual([zh.prompt.length - 1, zh.prompt.length]);
});

test('decode reads ids back as text', () => {
  const byPrompt = (p: string) => ref.cases.find((x) => x.prompt === p) as Case;
  expect(tok.decode(byPrompt('a  cat   with    spaces').ids)).toBe('a cat with spaces');
  expect(tok.decode(byPrompt('A FAT CAT').ids)).toBe('a fat cat');
  const zh = ref.cases.find((x) => x.category === 'chinese') as Case;
  expect(tok.decode(zh.ids)).toBe(zh.prompt);
});

test('special-token text maps to the special ids', () => {
  expect(tok.tokenize('<|endoftext|>').ids).toEqual([END_OF_TEXT]);
  expect(tok.tokenize('a<|startoftext|>').ids).toEqual([320, START_OF_TEXT]);
});

test("'basic' clean-up (transformers without ftfy): same ids for English, one word per CJK character", () => {
  const basic = tok.withOptions({ clean: 'basic' });
  for (const c of ref.cases.filter((x) => x.category !== 'chinese')) expect(basic.tokenize(c.prompt).ids).toEqual(c.ids);
  const zh = ref.cases.find((x) => x.category === 'chinese') as Case;
  const spaced = [...zh.prompt].join(' ');
  expect(basic.tokenize(zh.prompt).ids).toEqual(tok.tokenize(spaced).ids);
  expect(basic.tokenize(zh.prompt).ids).not.toEqual(zh.ids);
  // and BasicTokenizer does not apply ftfy's fixes
  expect(basic.tokenize('ﬁne').ids).not.toEqual(tok.tokenize('fine').ids);
  expect(tok.tokenize('ﬁne').ids).toEqual(tok.tokenize('fine').ids);
});
