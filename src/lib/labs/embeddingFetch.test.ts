// The token-embedding table from the manifest's text encoders, against the local Hugging Face
// stand-in (test/e2e/support/hf-server.ts): found in the live lab's cache without a request;
// fetched alone (header, then exactly the table's byte range) and cached so a second visit
// fetches nothing; refused or failed with a code for each cause (404, origin outside the
// manifest, cancel, full disk, a file without the table, a wrong shape).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHfServer, type HfServer } from '../../../test/e2e/support/hf-server';
import { fixtureFiles, serverFiles, serverPath, testManifest } from '../../../test/e2e/support/test-manifest';
import { downloadAll } from '../../../test/e2e/support/download-all';
import { makeSafetensors } from '../../../test/make-safetensors';
import { MemoryStore } from '../storage/store';
import { WeightCache } from '../storage/cache';
import { parseSafetensors, parseSafetensorsHeader } from '../weights/safetensors';
import { DownloadError } from '../download/errors';
import type { Context } from '../download/fetcher';
import { defaultSelection, validateManifest, type Manifest } from '../download/manifest';
import { manifestFetch } from '../download/session';
import { downloadTable, findCachedTable, prepareTableFetch, readCachedTable, textEncoderFiles } from './embeddingFetch';
import { TableError, TOKEN_EMBEDDING_KEYS } from './embeddingTable';

const KEY = TOKEN_EMBEDDING_KEYS[0];
const SD15 = 'stable-diffusion-v1-5/stable-diffusion-v1-5';
const TEXT_PATH = 'text_encoder/model.fp16.safetensors';
const textBytes = fixtureFiles().find((f) => f.repo === SD15 && f.path === TEXT_PATH)!.bytes;
const want = parseSafetensors(textBytes).float32(KEY);
const info = parseSafetensorsHeader(textBytes).tensors.get(KEY)!;
const FAST = { attempts: 2, baseMs: 5, maxMs: 10 };

let hf: HfServer;
let m: Manifest;
beforeAll(async () => {
  hf = await startHfServer(serverFiles());
  m = validateManifest(testManifest(hf.hub, hf.cdn, { blockBytes: 64 * 1024 }));
});
afterAll(() => hf.close());

const ctxFor = (cache: WeightCache, extra: Partial<Context> = {}): Context => ({ cache, settings: m.settings, retry: FAST, ...extra });
const codeOf = async (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof TableError || e instanceof DownloadError ? e.code : String(e)));

/** A server with one text-encoder file of our making, and a manifest that gives its size. */
async function serverWith(bytes: Uint8Array) {
  const server = await startHfServer(new Map([[serverPath({ repo: SD15, revision: 'main', path: TEXT_PATH }), bytes]]));
  const raw = testManifest(server.hub, server.cdn);
  raw.files.find((f) => f.id === 'sd15-text')!.size = bytes.byteLength;
  return { server, manifest: validateManifest(raw) };
}

describe('which file', () => {
  test('SD1.5\'s own text encoder first, then the others', () => {
    expect(textEncoderFiles(m).map((f) => f.id)).toEqual(['sd15-text', 'ds8-text']);
  });
});

describe('the live lab\'s download', () => {
  test('a cached text encoder gives the table with no request at all, only its bytes read', async () => {
    const cache = new WeightCache(new MemoryStore());
    expect(await findCachedTable(cache, m)).toBeUndefined();
    const { run } = await downloadAll(m, { ...defaultSelection(m), dtype: 'keep' }, cache);
    expect(run.files.filter((f) => f.error)).toEqual([]);

    const mark = hf.log.length;
    const hit = await findCachedTable(cache, m);
    expect(hit?.file.id).toBe('ds8-text');
    expect(hit?.meta.parts).toEqual(['all']);
    const table = await readCachedTable(cache, m, hit!);
    expect(hf.log.length).toBe(mark);
    expect(table).toMatchObject({ rows: 1000, dim: 32, dtype: 'F32', vocabulary: 'test', origin: 'cache', fromLiveLab: true, fetched: 0, file: `Lykon/dreamshaper-8 ${TEXT_PATH}` });
    expect(table.data).toEqual(want);
  });

  test('stored as fp16 by the live lab: converted back to Float32', async () => {
    const { cache } = await downloadAll(m, defaultSelection(m));
    const table = await readCachedTable(cache, m, (await findCachedTable(cache, m))!);
    expect(table.dtype).toBe('F16');
    for (let i = 0; i < want.length; i += 97) expect(table.data[i]).toBeCloseTo(want[i], 2);
  });
});

describe('fetching the table alone', () => {
  test('header first, then exactly the table\'s byte range; stored, so the next visit fetches nothing', async () => {
    const cache = new WeightCache(new MemoryStore());
    const mark = hf.log.length;
    const ctx = ctxFor(cache);
    const plan = await prepareTableFetch(m, ctx, manifestFetch(m));
    expect(plan.file.id).toBe('sd15-text');
    expect(plan.fetchBytes).toBe(info.end - info.begin);
    expect(plan.shape).toEqual([1000, 32]);
    expect(plan.origin).toBe(hf.hub);
    const header = parseSafetensorsHeader(textBytes).dataStart;
    expect(plan.headerBytes).toBe(header);
    // nothing but the header so far
    expect(hf.log.slice(mark).filter((r) => r.server === 'cdn').map((r) => r.range)).toEqual(['bytes=0-7', `bytes=8-${header - 1}`]);

    const table = await downloadTable(plan, m, ctx);
    const cdn = hf.log.slice(mark).filter((r) => r.server === 'cdn');
    expect(cdn.map((r) => r.range)).toEqual(['bytes=0-7', `bytes=8-${header - 1}`, `bytes=${info.begin}-${info.end - 1}`]);
    expect(hf.sentBytes(undefined, mark)).toBe(header + info.end - info.begin);
    expect(hf.sentBytes(undefined, mark)).toBeLessThan(textBytes.byteLength);
    expect(table).toMatchObject({ origin: 'download', fetched: header + info.end - info.begin, fromLiveLab: false, from: hf.hub, file: `${SD15} ${TEXT_PATH}` });
    expect(table.data).toEqual(want);

    // next visit: found in the cache, as the table-only artefact, without a request
    const again = hf.log.length;
    const hit = await findCachedTable(cache, m);
    expect(hit?.meta.parts).toEqual(['token-embedding']);
    const cached = await readCachedTable(cache, m, hit!);
    expect(cached).toMatchObject({ origin: 'cache', fromLiveLab: false, fetched: 0 });
    expect(cached.data).toEqual(want);
    // and checking again costs nothing either
    const plan2 = await prepareTableFetch(m, ctx, manifestFetch(m));
    expect(plan2.fetchBytes).toBe(0);
    expect(hf.log.length).toBe(again);
  });

  test('a CLIP-sized fp16 table between other tensors: only its range is fetched', async () => {
    const rows = 49408;
    const data = new Uint16Array(rows * 2).map((_, i) => 0x3c00 + (i % 512));
    const before = new Float32Array(5000).fill(1);
    const after = new Float32Array(7000).fill(2);
    const bytes = makeSafetensors({ 'text_model.embeddings.position_embedding.weight': { dtype: 'F32', shape: [5000], data: before }, [KEY]: { dtype: 'F16', shape: [rows, 2], data }, 'text_model.final_layer_norm.weight': { dtype: 'F32', shape: [7000], data: after } });
    const { server, manifest } = await serverWith(bytes);
    try {
      const cache = new WeightCache(new MemoryStore());
      const ctx: Context = { cache, settings: manifest.settings, retry: FAST };
      const plan = await prepareTableFetch(manifest, ctx, manifestFetch(manifest));
      const table = await downloadTable(plan, manifest, ctx);
      const h = parseSafetensorsHeader(bytes);
      const t = h.tensors.get(KEY)!;
      // the header, then the table: neither the 20 kB before it nor the 28 kB after it
      expect(server.sentBytes()).toBe(h.dataStart + (t.end - t.begin));
      expect(server.log.filter((r) => r.server === 'cdn').at(-1)?.range).toBe(`bytes=${t.begin}-${t.end - 1}`);
      expect(table).toMatchObject({ rows, dim: 2, vocabulary: 'clip', dtype: 'F16' });
      expect(table.data[0]).toBe(1);
      expect(table.data[1]).toBeCloseTo(1 + 1 / 1024, 6);
    } finally {
      await server.close();
    }
  });

  test('failures: 404, a redirect outside the manifest, cancel, full disk, no table, wrong shape', async () => {
    const path = serverPath({ repo: SD15, revision: 'main', path: TEXT_PATH });
    const fresh = () => new WeightCache(new MemoryStore());
    try {
      hf.faults.set(path, { status: 404 });
      expect(await codeOf(prepareTableFetch(m, ctxFor(fresh()), manifestFetch(m)))).toBe('not-found');
      hf.faults.set(path, { redirectTo: 'http://127.0.0.1:9' });
      const mark = hf.log.length;
      expect(await codeOf(prepareTableFetch(m, ctxFor(fresh()), manifestFetch(m)))).toBe('origin');
      expect(hf.log.slice(mark).every((r) => r.server === 'hub')).toBe(true);
      hf.faults.clear();

      const stopped = new AbortController();
      stopped.abort();
      expect(await codeOf(prepareTableFetch(m, ctxFor(fresh(), { signal: stopped.signal }), manifestFetch(m)))).toBe('aborted');

      // cancelled during the download: aborted, and nothing counts as cached
      const cache = fresh();
      const ctl = new AbortController();
      const plan = await prepareTableFetch(m, ctxFor(cache, { signal: ctl.signal }), manifestFetch(m));
      hf.faults.set(path, { bytesPerSecond: 20_000 });
      const run = downloadTable(plan, m, ctxFor(cache, { signal: ctl.signal }));
      setTimeout(() => ctl.abort(), 100);
      expect(await codeOf(run)).toBe('aborted');
      expect(await findCachedTable(cache, m)).toBeUndefined();
      hf.faults.clear();

      // a disk that fills up: 'quota'
      const small = new MemoryStore();
      const fullCache = new WeightCache(small);
      const plan2 = await prepareTableFetch(m, ctxFor(fullCache), manifestFetch(m));
      small.quotaBytes = small.usedBytes + 1000;
      expect(await codeOf(downloadTable(plan2, m, ctxFor(fullCache)))).toBe('quota');
    } finally {
      hf.faults.clear();
    }

    const noTable = await serverWith(makeSafetensors({ 'text_model.final_layer_norm.weight': { dtype: 'F32', shape: [4], data: new Float32Array(4) } }));
    const wrong = await serverWith(makeSafetensors({ [KEY]: { dtype: 'F32', shape: [49409, 1], data: new Float32Array(49409) } }));
    try {
      for (const [s, code] of [[noTable, 'missing-tensor'], [wrong, 'wrong-shape']] as const) {
        const mark = s.server.log.length;
        expect(await codeOf(prepareTableFetch(s.manifest, { cache: new WeightCache(new MemoryStore()), settings: s.manifest.settings, retry: FAST }, manifestFetch(s.manifest)))).toBe(code);
        // refused after the header: no table bytes were requested
        expect(s.server.log.slice(mark).filter((r) => r.server === 'cdn').map((r) => r.range?.startsWith('bytes=0-') || r.range?.startsWith('bytes=8-'))).not.toContain(false);
      }
    } finally {
      await noTable.server.close();
      await wrong.server.close();
    }
  });
});
