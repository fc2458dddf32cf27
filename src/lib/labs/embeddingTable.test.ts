// CLIP's real token-embedding table: where it is found (transformers and single-file layouts),
// what is refused (pickles, other files, wrong shapes and dtypes), fp16/bf16/fp32 → Float32,
// local files read by slice, and the lab's source with the real CLIP tokenizer.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fixture } from '../../../test/fixtures';
import { makeSafetensors } from '../../../test/make-safetensors';
import { floatToHalf, parseSafetensors, parseSafetensorsHeader } from '../weights/safetensors';
import { loadClipTokenizer } from '../tokenizer';
import { DownloadError } from '../download/errors';
import { comparePrompts, nearestTokens } from './embedding';
import { checkTable, findTokenEmbedding, readLocalTable, realEmbeddingSource, realTable, tableToFloat32, TableError, tokenText, TOKEN_EMBEDDING_KEYS } from './embeddingTable';
import { errorMessage } from '../../labs/embedding/strings';

const KEY = TOKEN_EMBEDDING_KEYS[0];
const textFile = () => new Uint8Array(readFileSync(fixture('clip_text', 'weights.safetensors')));
const checkpoint = () => new Uint8Array(readFileSync(fixture('ldm_single_file', 'checkpoint.safetensors')));
const blob = (b: Uint8Array) => new Blob([b as Uint8Array<ArrayBuffer>]);
const codeOf = async (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof TableError || e instanceof DownloadError ? e.code : String(e)));

/** 49,408 rows × 4 (fp16): "cat" and "kitten" nearly parallel, every other row orthogonal to both. */
async function clipSizedTable() {
  const tok = await loadClipTokenizer();
  const cat = tok.tokenize('cat').ids[0];
  const kitten = tok.tokenize('kitten').ids[0];
  const dog = tok.tokenize('dog').ids[0];
  const rows = 49408;
  const data = new Uint16Array(rows * 4);
  for (let id = 0; id < rows; id++) {
    data[id * 4 + 2] = floatToHalf(Math.cos(id));
    data[id * 4 + 3] = floatToHalf(Math.sin(id));
  }
  const put = (id: number, v: number[]) => v.forEach((x, c) => (data[id * 4 + c] = floatToHalf(x)));
  put(cat, [1, 0.1, 0, 0]);
  put(kitten, [1, 0.15, 0, 0]);
  put(dog, [0.6, 0.8, 0, 0]);
  const before = new Float32Array([1, 2, 3]);
  const file = makeSafetensors({ 'text_model.embeddings.position_embedding.weight': { dtype: 'F32', shape: [3], data: before }, [KEY]: { dtype: 'F16', shape: [rows, 4], data } }, 3);
  return { tok, file, ids: { cat, kitten, dog } };
}

describe('finding the table', () => {
  it('transformers layout and single-file checkpoint: the same tiny table, found by key', () => {
    const t = findTokenEmbedding(parseSafetensorsHeader(textFile()), 'text.safetensors');
    expect(t.name).toBe(KEY);
    expect(t.shape).toEqual([1000, 32]);
    const c = findTokenEmbedding(parseSafetensorsHeader(checkpoint()), 'ckpt.safetensors');
    expect(c.name).toBe('cond_stage_model.transformer.text_model.embeddings.token_embedding.weight');
    expect(c.shape).toEqual([1000, 32]);
  });

  it('refuses a file without the table, other shapes and non-float dtypes', () => {
    const noTable = makeSafetensors({ 'conv_in.weight': { dtype: 'F32', shape: [2], data: new Float32Array(2) } });
    expect(() => findTokenEmbedding(parseSafetensorsHeader(noTable), 'unet.safetensors')).toThrow(expect.objectContaining({ code: 'missing-tensor', facts: { file: 'unet.safetensors' } }));
    expect(() => checkTable([768], 'F32', 'x')).toThrow(expect.objectContaining({ code: 'wrong-shape' }));
    expect(() => checkTable([49408, 77, 768], 'F16', 'x')).toThrow(expect.objectContaining({ code: 'wrong-shape' }));
    expect(() => checkTable([49409, 768], 'F16', 'x')).toThrow(expect.objectContaining({ code: 'wrong-shape', facts: { file: 'x', shape: [49409, 768] } }));
    expect(() => checkTable([49408, 768], 'I64', 'x')).toThrow(expect.objectContaining({ code: 'wrong-dtype' }));
    expect(() => checkTable([49408, 768], 'F16', 'x')).not.toThrow();
    expect(() => checkTable([1000, 32], 'F32', 'x')).not.toThrow();
  });
});

describe('bytes → Float32', () => {
  it('fp16 and bf16 bit patterns, fp32 at an unaligned offset', () => {
    const f16 = new Uint16Array([0x3c00, 0xc000, 0x3555, 0x0001]);
    expect(Array.from(tableToFloat32(new Uint8Array(f16.buffer), 'F16'))).toEqual([1, -2, 0.333251953125, 2 ** -24]);
    const bf16 = new Uint16Array([0x3f80, 0xc040]);
    expect(Array.from(tableToFloat32(new Uint8Array(bf16.buffer), 'BF16'))).toEqual([1, -3]);
    const f32 = new Float32Array([0.5, -7.25]);
    const shifted = new Uint8Array(9);
    shifted.set(new Uint8Array(f32.buffer), 1);
    expect(Array.from(tableToFloat32(shifted.subarray(1), 'F32'))).toEqual([0.5, -7.25]);
  });

  it('a table whose bytes do not fill its shape is refused', () => {
    expect(() => realTable(new Uint8Array(6), { name: KEY, dtype: 'F16', shape: [2, 2] }, { origin: 'local', file: 'x', fetched: 0 })).toThrow(expect.objectContaining({ code: 'truncated' }));
  });
});

describe('a file on the reader\'s disk', () => {
  it('text encoder and checkpoint: the table read by slice equals the fixture\'s; a small table is a test vocabulary', async () => {
    const want = parseSafetensors(textFile()).float32(KEY);
    const t = await readLocalTable(blob(textFile()), 'model.safetensors');
    expect(t).toMatchObject({ rows: 1000, dim: 32, dtype: 'F32', vocabulary: 'test', origin: 'local', file: 'model.safetensors', fetched: 0 });
    expect(t.data).toEqual(want);
    const c = await readLocalTable(blob(checkpoint()), 'tiny.safetensors');
    expect(c.data).toEqual(want);
  });

  it('only the header and the table are read', async () => {
    const bytes = textFile();
    const reads: [number, number][] = [];
    const spy = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    const slice = spy.slice.bind(spy);
    spy.slice = (a?: number, b?: number) => { reads.push([a ?? 0, b ?? spy.size]); return slice(a, b); };
    await readLocalTable(spy, 'model.safetensors');
    const info = findTokenEmbedding(parseSafetensorsHeader(bytes), 'x');
    const n = reads.reduce((s, [a, b]) => s + b - a, 0);
    expect(reads.at(-1)).toEqual([info.begin, info.end]);
    expect(n).toBe(info.end - info.begin + parseSafetensorsHeader(bytes).dataStart);
  });

  it('pickles, other files, truncated files and files without the table get their own errors', async () => {
    expect(await codeOf(readLocalTable(blob(textFile()), 'model.ckpt'))).toBe('pickle');
    expect(await codeOf(readLocalTable(blob(new TextEncoder().encode('\x89PNG\r\n\x1a\n not weights at all')), 'cat.png'))).toBe('not-safetensors');
    expect(await codeOf(readLocalTable(blob(new Uint8Array(3)), 'empty.safetensors'))).toBe('not-safetensors');
    expect(await codeOf(readLocalTable(blob(textFile().subarray(0, 5000)), 'cut.safetensors'))).toBe('truncated');
    const vae = new Uint8Array(readFileSync(fixture('vae', 'weights.safetensors')));
    expect(await codeOf(readLocalTable(blob(vae), 'vae.safetensors'))).toBe('missing-tensor');
    const wide = makeSafetensors({ [KEY]: { dtype: 'F32', shape: [2, 2, 2], data: new Float32Array(8) } });
    expect(await codeOf(readLocalTable(blob(wide), 'odd.safetensors'))).toBe('wrong-shape');
  });

  it('every error reads in both languages and names the file', async () => {
    const cases = [
      () => readLocalTable(blob(textFile()), 'model.ckpt'),
      () => readLocalTable(blob(new Uint8Array(3)), 'empty.safetensors'),
      () => readLocalTable(blob(new Uint8Array(readFileSync(fixture('vae', 'weights.safetensors')))), 'vae.safetensors'),
      () => readLocalTable(blob(makeSafetensors({ [KEY]: { dtype: 'F32', shape: [8], data: new Float32Array(8) } })), 'odd.safetensors'),
    ];
    for (const run of cases) {
      const e = await run().catch((x: unknown) => x);
      const en = errorMessage(e, 'en');
      const zh = errorMessage(e, 'zh');
      expect(en).toMatch(/^The real table could not be used\. .*\.safetensors|\.ckpt/);
      expect(en).toContain('The demo table stays in use.');
      expect(zh).toContain('继续使用演示表');
      expect(zh).toMatch(/\.safetensors|\.ckpt/);
      expect(en).not.toMatch(/\{\w+\}/);
      expect(zh).not.toMatch(/\{\w+\}/);
    }
    expect(errorMessage(new DownloadError('not-found', 'x', { file: 'a b', url: 'https://h/x' }), 'zh')).toContain('HTTP 404');
    expect(errorMessage(new DownloadError('aborted', 'x'), 'en')).toContain('cancelled');
    expect(errorMessage(new DownloadError('quota', 'x', { file: 'f' }), 'zh')).toContain('磁盘满了');
  });
});

describe('the lab\'s source over the real table', () => {
  it('CLIP-sized table: the real tokenizer picks the rows; nearest to "cat" is "kitten"; prompts compare', async () => {
    const { tok, file, ids } = await clipSizedTable();
    const table = await readLocalTable(blob(file), 'clip.safetensors');
    expect(table).toMatchObject({ rows: 49408, dim: 4, dtype: 'F16', vocabulary: 'clip' });
    const src = realEmbeddingSource(table, tok);
    expect(src.kind).toBe('real');
    expect(src.tokenize('a cat').pieces).toEqual(['a', 'cat']);
    const near = nearestTokens(src, src.vector(ids.cat), 2, new Set([ids.cat]));
    expect(near.map((n) => n.token)).toEqual(['kitten', 'dog']);
    expect(near[0].cosine).toBeGreaterThan(0.99);
    // the fast path agrees with the plain cosine
    const slow = nearestTokens({ ...src, cosines: undefined }, src.vector(ids.cat), 2, new Set([ids.cat]));
    expect(slow.map((n) => n.id)).toEqual(near.map((n) => n.id));
    expect(slow[0].cosine).toBeCloseTo(near[0].cosine, 5);
    expect(comparePrompts(src, 'cat', 'kitten').cosine).toBeGreaterThan(comparePrompts(src, 'cat', 'dog').cosine as number);
    // start/end tokens are never neighbours
    expect(src.isCandidate(49406)).toBe(false);
    expect(src.isCandidate(49407)).toBe(false);
  });

  it('a test vocabulary: ids past the table are listed as missing, never read', async () => {
    const tok = await loadClipTokenizer();
    const table = await readLocalTable(blob(textFile()), 'tiny.safetensors');
    const src = realEmbeddingSource(table, tok);
    const t = src.tokenize('a cat');
    expect(tok.tokenize('a cat').ids).toEqual([320, 2368]);
    expect(t.ids).toEqual([320]);
    expect(t.unknown).toEqual(['cat (2368)']);
    expect(nearestTokens(src, src.vector(320), 3).every((n) => n.id < 1000)).toBe(true);
    // suggested probes are words this table has a row for
    expect(src.suggestions.length).toBeGreaterThan(8);
    for (const w of src.suggestions) expect(src.tokenize(w)).toMatchObject({ ids: [expect.any(Number)], unknown: [] });
  });

  it('tokens that do not end a word are marked', () => {
    expect(tokenText('cat</w>')).toBe('cat');
    expect(tokenText('kitt')).toBe('kitt…');
    expect(tokenText('<|endoftext|>')).toBe('<|endoftext|>');
  });
});
