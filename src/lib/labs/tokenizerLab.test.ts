import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures';
import { loadClipTokenizer, type ClipTokenizer } from '../tokenizer/clipTokenizer';
import { pieceDisplay, tokenizerView } from './tokenizerLab';

interface Case { prompt: string; ids: number[]; sd15_input_ids: number[] }
const cases: Case[] = JSON.parse(readFileSync(fixture('clip_tokenizer', 'cases.json'), 'utf8')).cases;

let tok: ClipTokenizer;
beforeAll(async () => {
  tok = await loadClipTokenizer();
});

describe('tokenizer lab', () => {
  it('the 77 positions of the first chunk match the reference ids (prompts without weighting syntax, ≤ 75 tokens)', () => {
    let checked = 0;
    for (const c of cases) {
      if (/[()\\]/.test(c.prompt) || c.ids.length > 75) continue;
      const v = tokenizerView(c.prompt, tok);
      expect(v.chunks.length).toBe(1);
      expect(v.chunks[0].map((x) => x.id)).toEqual(c.sd15_input_ids);
      expect(v.promptTokens).toBe(c.ids.length);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });
  it('start, end and padding are marked; 77 positions per chunk', () => {
    const v = tokenizerView('a photo of a cat', tok);
    const kinds = v.chunks[0].map((x) => x.kind);
    expect(kinds.length).toBe(77);
    expect(kinds[0]).toBe('start');
    expect(kinds.slice(1, 6)).toEqual(['text', 'text', 'text', 'text', 'text']);
    expect(kinds[6]).toBe('end');
    expect(kinds.slice(7).every((k) => k === 'pad')).toBe(true);
    expect(v.chunks[0][6].id).toBe(49407);
  });
  it('(cat:1.5) puts 1.5 on the cat token only', () => {
    const v = tokenizerView('a (cat:1.5) on grass', tok);
    const text = v.chunks[0].filter((x) => x.kind === 'text');
    expect(text.map((x) => [x.display, x.weight])).toEqual([['a', 1], ['cat', 1.5], ['on', 1], ['grass', 1]]);
    expect(v.hasWeights).toBe(true);
  });
  it('a long prompt: the truncating tokenizer cuts after 75 tokens, ComfyUI makes a second chunk', () => {
    const long = cases.find((c) => c.ids.length > 75) as Case;
    const v = tokenizerView(long.prompt, tok);
    expect(v.truncation.truncated).toBe(true);
    expect(v.truncation.kept).toBe(75);
    expect(v.truncation.dropped).toBe(long.ids.length - 75);
    expect(v.truncation.cutAt).toBeGreaterThan(0);
    expect(v.chunks.length).toBeGreaterThanOrEqual(2);
    for (const ch of v.chunks) expect(ch.length).toBe(77);
  });
  it('Chinese: characters become byte-level tokens, shown honestly', () => {
    const c = cases.find((x) => /[\u4e00-\u9fff]/.test(x.prompt)) as Case;
    const v = tokenizerView(c.prompt, tok);
    expect(v.chunks[0].map((x) => x.id)).toEqual(c.sd15_input_ids);
    expect(v.cjk.chars).toBe([...c.prompt].length);
    expect(v.cjk.tokens).toBeGreaterThan(v.cjk.chars); // more tokens than characters
    expect(v.chunks[0].some((x) => x.partial)).toBe(true);
    expect(pieceDisplay('cat</w>')).toEqual({ display: 'cat', partial: false });
  });
});
