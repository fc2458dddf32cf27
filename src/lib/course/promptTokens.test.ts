import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { END_OF_TEXT, sd15InputIds, START_OF_TEXT, textConditioningShape, TOKENIZED, truncatedCount, utf8Length } from './promptTokens';

const CASES = new URL('../../../../shared/fixtures/clip_tokenizer/cases.json', import.meta.url);

describe('prompt → 77 token ids (lesson 2)', () => {
  it('“a photo of a cat” → 49406 320 1125 539 320 2368 49407, then 49407 padding', () => {
    const ids = sd15InputIds(TOKENIZED.photoOfACat.ids);
    expect(ids.slice(0, 7)).toEqual([49406, 320, 1125, 539, 320, 2368, 49407]);
    expect(ids).toHaveLength(77);
    expect(ids.slice(7).every((id) => id === END_OF_TEXT)).toBe(true);
  });
  it('“a fat cat” is three tokens, not one', () => {
    expect(TOKENIZED.fatCat.tokens.slice(0, 3)).toEqual(['a</w>', 'fat</w>', 'cat</w>']);
  });
  it('eight Chinese characters are 24 UTF-8 bytes and 19 byte-level tokens', () => {
    expect([...TOKENIZED.chineseFatCat.prompt]).toHaveLength(8);
    expect(utf8Length(TOKENIZED.chineseFatCat.prompt)).toBe(24);
    expect(TOKENIZED.chineseFatCat.ids).toHaveLength(19);
  });
  it('keeps 75 tokens and drops the rest', () => {
    const long = Array.from({ length: 90 }, (_, i) => 1000 + i);
    const ids = sd15InputIds(long);
    expect(ids).toHaveLength(77);
    expect(ids[0]).toBe(START_OF_TEXT);
    expect(ids[75]).toBe(1074);
    expect(ids[76]).toBe(END_OF_TEXT);
    expect(truncatedCount(long)).toBe(15);
    expect(textConditioningShape()).toEqual([77, 768]);
  });
  it.skipIf(!existsSync(CASES))('agrees with the reference tokenizer fixture', () => {
    const { cases } = JSON.parse(readFileSync(CASES, 'utf8')) as { cases: { prompt: string | null; ids: number[]; tokens: string[]; sd15_input_ids: number[] }[] };
    for (const c of cases) expect(sd15InputIds(c.ids)).toEqual(c.sd15_input_ids);
    for (const ex of Object.values(TOKENIZED)) {
      const ref = cases.find((c) => c.prompt === ex.prompt);
      expect(ref, ex.prompt).toBeDefined();
      expect(ex.ids).toEqual(ref!.ids);
      expect(ex.tokens).toEqual(ref!.tokens);
    }
  });
});
