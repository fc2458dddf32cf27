import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { fixture } from '../../../test/fixtures';
import { type ClipTokenizer, loadClipTokenizer } from '../tokenizer/clipTokenizer';
import { parsePromptWeights } from './parse';
import { type WeightedTokenization, chunkIds, chunkWeights, tokenizeWithWeights } from './weightedTokens';

interface Case {
  category: string;
  prompt: string;
  ids: number[];
  sd15_input_ids: number[];
  tokens: string[];
}
const clipCases = (JSON.parse(readFileSync(fixture('clip_tokenizer', 'cases.json'), 'utf8')) as { cases: Case[] }).cases;
const clip = (prompt: string) => clipCases.find((c) => c.prompt === prompt) as Case;

interface PackedChunk {
  ids: number[];
  weights: number[];
  wordIds: number[];
}
interface ComfyCase {
  prompt: string;
  segments: [string, number][];
  chunks: PackedChunk[] | 'IndexError';
  chunksEmbeddingsAsText?: PackedChunk[] | 'IndexError';
}
const comfy = (
  JSON.parse(readFileSync(fileURLToPath(new URL('./comfy-weight-cases.json', import.meta.url)), 'utf8')) as { cases: ComfyCase[] }
).cases;

let tok: ClipTokenizer;
beforeAll(async () => {
  tok = await loadClipTokenizer();
});

const pack = (r: WeightedTokenization): PackedChunk[] =>
  r.chunks.map((c) => ({ ids: c.map((t) => t.id), weights: c.map((t) => t.weight), wordIds: c.map((t) => t.wordId) }));

describe('ComfyUI reference cases (comfy-weight-cases.json)', () => {
  for (const c of comfy) {
    test(JSON.stringify(c.prompt.length > 50 ? `${c.prompt.slice(0, 50)}…` : c.prompt), () => {
      expect(parsePromptWeights(c.prompt).segments.map((s) => [s.text, s.weight])).toEqual(c.segments);
      for (const [mode, expected] of [
        ['missing', c.chunks],
        ['text', c.chunksEmbeddingsAsText ?? c.chunks],
      ] as const) {
        const r = tokenizeWithWeights(c.prompt, tok, { embeddings: mode });
        for (const chunk of r.chunks) expect(chunk.length).toBe(77);
        if (expected === 'IndexError') {
          // ComfyUI raises on an empty embedding name; we carry on and say so
          expect(r.diagnostics.some((d) => d.code === 'embedding-empty-name' && d.severity === 'error')).toBe(true);
        } else {
          expect(pack(r)).toEqual(expected);
        }
      }
    });
  }
});

describe('against the shared CLIP fixture', () => {
  test('(cat:1.5) weights exactly the token of "cat"', () => {
    const plain = clip('a photo of a cat');
    const r = tokenizeWithWeights('a photo of a (cat:1.5)', tok);
    expect(r.chunks.length).toBe(1);
    expect(Array.from(chunkIds(r.chunks[0]))).toEqual(plain.sd15_input_ids);
    const catPos = 1 + plain.tokens.indexOf('cat</w>');
    expect(Array.from(chunkWeights(r.chunks[0]))).toEqual(plain.sd15_input_ids.map((_, i) => (i === catPos ? 1.5 : 1.0)));
    expect(r.hasWeights).toBe(true);
    // the weighted token points at "cat" in the prompt
    const t = r.chunks[0][catPos];
    expect('a photo of a (cat:1.5)'.slice(t.start, t.end)).toBe('cat');
  });

  test('nesting multiplies: ((masterpiece)) → 1.1²', () => {
    const masterpiece = clip('((masterpiece))').ids[clip('((masterpiece))').tokens.indexOf('masterpiece</w>')];
    const r = tokenizeWithWeights('((masterpiece))', tok);
    expect(r.chunks[0].slice(0, 3).map((t) => [t.id, t.weight])).toEqual([
      [49406, 1.0],
      [masterpiece, 1.1 * 1.1],
      [49407, 1.0],
    ]);
  });

  test('escaped brackets are tokenized as the literal text, unweighted', () => {
    const literal = clip('(cat:1.5)');
    const r = tokenizeWithWeights('\\(cat:1.5\\)', tok);
    expect(Array.from(chunkIds(r.chunks[0]))).toEqual(literal.sd15_input_ids);
    expect(r.hasWeights).toBe(false);
    expect(r.diagnostics).toEqual([]);
  });

  test('a prompt without brackets gives the plain SD1.5 ids; long ones continue in more chunks', () => {
    for (const c of clipCases.filter((x) => !/[()]/.test(x.prompt))) {
      const r = tokenizeWithWeights(c.prompt, tok);
      expect(Array.from(chunkIds(r.chunks[0]))).toEqual(c.sd15_input_ids);
      expect(r.hasWeights).toBe(false);
      // ComfyUI does not truncate: one group of ≥ 8 tokens is split over as many chunks as it needs
      expect(r.chunks.length).toBe(Math.max(1, Math.ceil(c.ids.length / 75)));
      r.chunks.forEach((chunk, k) => {
        const part = c.ids.slice(75 * k, 75 * (k + 1));
        expect(Array.from(chunkIds(chunk))).toEqual([49406, ...part, 49407, ...new Array(75 - part.length).fill(49407)]);
      });
    }
  });

  test('malformed prompts still tokenize, with diagnostics', () => {
    const [a, paren, cat] = [clip('a photo of a cat').ids[0], clip('(cat:1.5)').ids[0], clip('a photo of a cat').ids[4]];
    const r = tokenizeWithWeights('a (cat', tok);
    expect(r.chunks[0].slice(1, 4).map((t) => [t.id, t.weight])).toEqual([
      [a, 1.0],
      [paren, 1.0],
      [cat, 1.0],
    ]);
    expect(r.diagnostics.map((d) => [d.code, d.start, d.end])).toEqual([['unclosed-paren', 2, 3]]);
    const x = tokenizeWithWeights('(cat:xyz)', tok);
    expect(x.chunks[0][1]).toMatchObject({ id: cat, weight: 1.1 });
    expect(x.diagnostics.map((d) => [d.code, d.start, d.end])).toEqual([['weight-not-a-number', 5, 8]]);
  });

  test('a group that does not fit moves whole to the next chunk', () => {
    const cat = clip('a photo of a cat').ids[4];
    const dream = clip('dreamshaper').ids; // 3 tokens
    const r = tokenizeWithWeights(`${'cat '.repeat(74)}(dreamshaper:1.2)`, tok);
    expect(r.chunks.length).toBe(2);
    expect(Array.from(chunkIds(r.chunks[0]))).toEqual([49406, ...new Array(74).fill(cat), 49407, 49407]);
    expect(r.chunks[1].slice(0, 5).map((t) => [t.id, t.weight])).toEqual([
      [49406, 1.0],
      ...dream.map((id) => [id, 1.2]),
      [49407, 1.0],
    ]);
  });

  test('a missing textual-inversion embedding is dropped with a warning', () => {
    const p = 'a embedding:EasyNegative, cat';
    const r = tokenizeWithWeights(p, tok);
    // ComfyUI keeps the leftover ", cat" ("EasyNegative," is retried without the comma)
    expect(r.chunks[0].slice(0, 5).map((t) => t.id)).toEqual([49406, 320, 267, 2368, 49407]);
    const d = r.diagnostics.find((x) => x.code === 'embedding-unavailable');
    expect(d && p.slice(d.start, d.end)).toBe('embedding:EasyNegative,');
    const asText = tokenizeWithWeights(p, tok, { embeddings: 'text' });
    expect(asText.chunks[0].length).toBe(77);
    expect(asText.diagnostics).toEqual([]);
  });
});

test('fuzz: never throws, always whole chunks of 77 starting with 49406', () => {
  const pool = ['(', ')', ':', '1.5', 'cat ', ' ', '\\(', '\\)', '[', ']', ' embedding:', 'x', ',', '\n', '一只', '😀', ':abc', 'nan'];
  let seed = 7;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  for (let n = 0; n < 500; n++) {
    let p = '';
    const len = Math.floor(rnd() * 40);
    for (let i = 0; i < len; i++) p += pool[Math.floor(rnd() * pool.length)];
    const r = tokenizeWithWeights(p, tok);
    for (const c of r.chunks) {
      expect(c.length).toBe(77);
      expect(c[0].id).toBe(49406);
      for (const t of c) if (t.start >= 0) expect(t.end).toBeGreaterThan(t.start);
    }
  }
});
