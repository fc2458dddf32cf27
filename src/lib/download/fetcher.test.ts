// The downloader against a local Hugging Face stand-in (test/e2e/support/hf-server.ts) in Node:
// header first, only the needed tensors, fp32 → fp16, resume after a drop and after a "closed
// tab", 404, corrupt bytes, a full disk, origins outside the manifest, a second visit.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHfServer, type HfServer } from '../../../test/e2e/support/hf-server';
import { fixtureFiles, serverFiles, serverPath, testManifest } from '../../../test/e2e/support/test-manifest';
import { fixture } from '../../../test/fixtures';
import { ort, relativeError } from '../../../test/ort';
import { loadFixtureFile } from '../../../test/load-fixture';
import { MemoryStore } from '../storage/store';
import { WeightCache } from '../storage/cache';
import { floatToHalf, halfToFloat, parseSafetensors } from '../weights/safetensors';
import { Weights } from '../weights/weights';
import { buildVaeDecoder, type VaeConfig } from '../models/vae';
import { createSession } from '../onnx/session';
import { DownloadError } from './errors';
import { checkDisk, guardedFetch, runDownloads, type Context } from './fetcher';
import { defaultSelection, validateManifest, type Manifest, type Selection } from './manifest';
import { jobsFor, manifestFetch, modelFiles, prepareAll } from './session';
import { confirmation, confirmationText } from './confirm';

let hf: HfServer;
let m: Manifest;
beforeAll(async () => {
  hf = await startHfServer(serverFiles());
  m = validateManifest(testManifest(hf.hub, hf.cdn, { blockBytes: 64 * 1024 }));
});
afterAll(() => hf.close());
beforeEach(() => hf.faults.clear());

const FAST = { attempts: 4, baseMs: 5, maxMs: 20 };
const fresh = () => new WeightCache(new MemoryStore());
const ctxFor = (cache: WeightCache, extra: Partial<Context> = {}): Context => ({ cache, settings: m.settings, retry: FAST, ...extra });
const fixtureOf = (id: string) => {
  const f = m.files.find((x) => x.id === id)!;
  return fixtureFiles().find((x) => x.repo === f.repo && x.path === f.path)!;
};

async function fetchAll(cache: WeightCache, sel: Selection, extra: Partial<Context> = {}) {
  const ctx = ctxFor(cache, extra);
  const jobs = jobsFor(m, sel, manifestFetch(m));
  const prep = await prepareAll(jobs, ctx);
  const run = await runDownloads(prep.prepared, ctx);
  return { prep, run };
}

describe('download into the cache', () => {
  test('first visit: headers, then only the needed tensors, stored as fp16; second visit: zero bytes', async () => {
    const cache = fresh();
    const sel = defaultSelection(m);
    const mark = hf.log.length;
    const { prep, run } = await fetchAll(cache, sel);
    expect(prep.errors).toEqual([]);
    expect(run.files.every((f) => f.artefacts && !f.error)).toBe(true);
    const first = hf.sentBytes(undefined, mark);
    // the VAE encoder was not fetched: less than the sum of the files
    const vae = fixtureOf('ds8-vae').bytes;
    const vaeSent = hf.sentBytes('vae/', mark);
    expect(vaeSent).toBeLessThan(vae.byteLength * 0.9);
    // header first: bytes=0-7, then the header
    const vaeReqs = hf.log.slice(mark).filter((r) => r.server === 'cdn' && r.path.includes('vae/'));
    expect(vaeReqs[0].range).toBe('bytes=0-7');
    expect(vaeReqs[1].range).toMatch(/^bytes=8-\d+$/);

    // the stored VAE decoder is a safetensors file with fp16 tensors equal to the rounded source
    const files = await modelFiles(cache, m, sel);
    const stored = parseSafetensors(new Uint8Array(await files.vae[0].blob.arrayBuffer()));
    const src = parseSafetensors(vae);
    expect([...stored.header.tensors.keys()].every((k) => k.startsWith('decoder.') || k.startsWith('post_quant_conv.'))).toBe(true);
    for (const name of ['decoder.conv_in.weight', 'post_quant_conv.bias']) {
      expect(stored.info(name).dtype).toBe('F16');
      const want = Array.from(src.float32(name), (v) => halfToFloat(floatToHalf(v)));
      expect(Array.from(stored.float32(name))).toEqual(want);
    }

    // second visit with the same cache: no request at all
    const mark2 = hf.log.length;
    const again = await prepareAll(jobsFor(m, sel, manifestFetch(m)), ctxFor(cache));
    expect(hf.log.length - mark2).toBe(0);
    const c = confirmation(again.prepared, { origins: [hf.hub, hf.cdn] });
    expect(c).toMatchObject({ fetch: 0, headerFetched: 0, nothingToDo: true });
    expect(first).toBeGreaterThan(0);
  });

  test('the same graphs are built from the downloaded copy: VAE decoder within fp16 precision of the fixture', async () => {
    const cache = fresh();
    const sel = defaultSelection(m);
    await fetchAll(cache, sel);
    const vae = (await modelFiles(cache, m, sel)).vae[0];
    const bytes = new Uint8Array(await vae.blob.arrayBuffer());
    const config = JSON.parse(readFileSync(fixture('vae', 'config.json'), 'utf8')) as VaeConfig;
    const graph = buildVaeDecoder(config, new Weights([vae.weightFile]), { postprocess: true });
    const session = await createSession(ort, graph, new Map([[vae.location, bytes]]));
    const inputs = loadFixtureFile('vae', 'inputs.safetensors').file;
    const outputs = loadFixtureFile('vae', 'outputs.safetensors').file;
    const out = await session.run({ latents: new ort.Tensor('float32', inputs.float32('latents'), inputs.info('latents').shape) });
    const err = relativeError(out.decoded.data as Float32Array, outputs.float32('decoded'));
    await session.release();
    expect(err).toBeLessThan(5e-3);
  });

  test('image-to-image later adds only the VAE encoder part', async () => {
    const cache = fresh();
    const sel = defaultSelection(m);
    await fetchAll(cache, sel);
    const mark = hf.log.length;
    const { prep } = await fetchAll(cache, { ...sel, img2img: true });
    const vaePrep = prep.prepared.find((p) => p.job.id === 'ds8-vae')!;
    expect(vaePrep.missing.map((p) => p.name)).toEqual(['encoder']);
    expect(hf.log.slice(mark).filter((r) => r.server === 'cdn').every((r) => r.path.includes('vae/'))).toBe(true);
    const files = await modelFiles(cache, m, { ...sel, img2img: true });
    const keys = [...files.vae[0].header.tensors.keys()];
    expect(keys.some((k) => k.startsWith('encoder.')) && keys.some((k) => k.startsWith('decoder.'))).toBe(true);
  });

  test('a dropped connection is retried from the byte it stopped at', async () => {
    const cache = fresh();
    const unet = fixtureOf('ds8-unet');
    hf.faults.set(serverPath(unet), { dropAfter: 1_000_000, times: 2 });
    const retries: string[] = [];
    const mark = hf.log.length;
    const { run } = await fetchAll(cache, { ...defaultSelection(m), adapters: [] }, { onRetry: (id, n, e) => retries.push(`${id}#${n}:${e.code}`) });
    expect(run.files.find((f) => f.id === 'ds8-unet')!.error).toBeUndefined();
    expect(retries.filter((r) => r.startsWith('ds8-unet')).length).toBe(2);
    const reqs = hf.log.slice(mark).filter((r) => r.server === 'cdn' && r.path === serverPath(unet));
    const starts = reqs.map((r) => Number(/bytes=(\d+)-/.exec(r.range ?? '')?.[1]));
    expect(starts.slice(2).every((s) => s > 0)).toBe(true); // after the header reads, each retry starts later
    // at most one drop's worth of bytes fetched twice
    expect(hf.sentBytes(serverPath(unet), mark)).toBeLessThan(unet.bytes.byteLength * 1.05);
    const stored = parseSafetensors(new Uint8Array(await (await modelFiles(cache, m, { ...defaultSelection(m), adapters: [] })).unet[0].blob.arrayBuffer()));
    const src = parseSafetensors(unet.bytes);
    for (const name of [...src.header.tensors.keys()].slice(-3)) expect(Array.from(stored.float32(name))).toEqual(Array.from(src.float32(name), (v) => halfToFloat(floatToHalf(v))));
  });

  test('a closed tab resumes from the last committed block', async () => {
    const store = new MemoryStore();
    const sel = { ...defaultSelection(m), adapters: [] };
    const unet = fixtureOf('ds8-unet');
    const abort = new AbortController();
    let seen = 0;
    const ctx1 = ctxFor(new WeightCache(store), { signal: abort.signal });
    const jobs1 = jobsFor(m, sel, manifestFetch(m), (n) => { seen += n; if (seen > 1_500_000) abort.abort(); });
    const prep1 = await prepareAll(jobs1, ctx1);
    const run1 = await runDownloads(prep1.prepared, { ...ctx1, settings: { ...m.settings, concurrency: 1 } });
    expect(run1.files.some((f) => f.error?.code === 'aborted')).toBe(true);

    // a new session on the same storage (the tab was closed: nothing in memory survives)
    const mark = hf.log.length;
    const cache2 = new WeightCache(store);
    const prep2 = await prepareAll(jobsFor(m, sel, manifestFetch(m)), ctxFor(cache2));
    const unetPrep = prep2.prepared.find((p) => p.job.id === 'ds8-unet')!;
    expect(unetPrep.headerFetched).toBe(0);
    expect(unetPrep.fetchDone).toBeGreaterThan(0);
    const text = confirmationText(confirmation(prep2.prepared, { origins: [hf.hub] }), 'en');
    expect(text.lines.some((l) => /already downloaded earlier/.test(l))).toBe(true);
    const run2 = await runDownloads(prep2.prepared, ctxFor(cache2));
    expect(run2.files.map((f) => f.error?.message).filter(Boolean)).toEqual([]);
    const resumedSent = hf.sentBytes(serverPath(unet), mark);
    expect(resumedSent).toBeLessThan(unet.bytes.byteLength - unetPrep.fetchDone + 100_000);
    const stored = parseSafetensors(new Uint8Array(await (await modelFiles(cache2, m, sel)).unet[0].blob.arrayBuffer()));
    const src = parseSafetensors(unet.bytes);
    let worst = 0;
    for (const name of src.header.tensors.keys()) {
      const a = stored.float32(name);
      const b = src.float32(name);
      for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - halfToFloat(floatToHalf(b[i]))));
    }
    expect(worst).toBe(0);
  });

  test('a file on an unpinned revision that changes upstream between sessions is caught (ETag)', async () => {
    const store = new MemoryStore();
    const sel = { ...defaultSelection(m), base: 'sd15', adapters: [] };
    const unet = fixtureFiles().find((f) => f.repo === 'stable-diffusion-v1-5/stable-diffusion-v1-5' && f.path.startsWith('unet/'))!;
    const abort = new AbortController();
    let seen = 0;
    const ctx1 = ctxFor(new WeightCache(store), { signal: abort.signal, settings: { ...m.settings, concurrency: 1 } });
    const prep1 = await prepareAll(jobsFor(m, sel, manifestFetch(m), (n) => { seen += n; if (seen > 1_000_000) abort.abort(); }), ctx1);
    await runDownloads(prep1.prepared, ctx1);
    const changed = Uint8Array.from(unet.bytes);
    changed[changed.length - 1] ^= 1;
    hf.setFile(serverPath(unet), changed);
    try {
      const ctx2 = ctxFor(new WeightCache(store));
      const run = await runDownloads((await prepareAll(jobsFor(m, sel, manifestFetch(m)), ctx2)).prepared, ctx2);
      const err = run.files.find((f) => f.id === 'sd15-unet')!.error!;
      expect(err.code).toBe('changed');
      expect(err.message).toMatch(/changed upstream during the download/);
    } finally {
      hf.setFile(serverPath(unet), unet.bytes);
    }
  });

  test('404 names the file and the URL; the other files still download', async () => {
    const cache = fresh();
    const text = fixtureOf('ds8-text');
    hf.faults.set(serverPath(text), { status: 404 });
    const { prep, run } = await fetchAll(cache, defaultSelection(m));
    expect(prep.errors).toHaveLength(1);
    const e = prep.errors[0].error;
    expect(e.code).toBe('not-found');
    expect(e.message).toContain('Lykon/dreamshaper-8 text_encoder/model.fp16.safetensors');
    expect(e.message).toContain(`${hf.hub}/Lykon/dreamshaper-8/resolve/`);
    expect(run.files.every((f) => !f.error)).toBe(true);
  });

  test('a corrupt byte fails the sha256 check with a clear message and nothing is kept', async () => {
    const cache = fresh();
    const ipa = fixtureOf('ipa-sd15');
    hf.faults.set(serverPath(ipa), { corruptAt: ipa.bytes.byteLength - 100 });
    const { run } = await fetchAll(cache, defaultSelection(m));
    const err = run.files.find((f) => f.id === 'ipa-sd15')!.error!;
    expect(err.code).toBe('checksum');
    expect(err.message).toMatch(/h94\/IP-Adapter models\/ip-adapter_sd15.safetensors failed its checksum: expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}/);
    expect((await cache.list()).find((f) => f.ref.path === ipa.path)).toBeUndefined();
    // the other files are fine
    expect(run.files.filter((f) => f.id !== 'ipa-sd15').every((f) => !f.error)).toBe(true);
  });

  test('a corrupt byte inside a partly fetched file fails its part checksum (VAE decoder)', async () => {
    const cache = fresh();
    const vae = fixtureOf('ds8-vae');
    const dec = parseSafetensors(vae.bytes).info('decoder.conv_in.weight');
    hf.faults.set(serverPath(vae), { corruptAt: dec.begin + 10 });
    const { run } = await fetchAll(cache, { ...defaultSelection(m), adapters: [] });
    const err = run.files.find((f) => f.id === 'ds8-vae')!.error!;
    expect(err.code).toBe('checksum');
    expect(err.message).toMatch(/part "decoder"/);
  });

  test('a corrupt header is refused before anything else is fetched', async () => {
    const cache = fresh();
    const vae = fixtureOf('ds8-vae');
    hf.faults.set(serverPath(vae), { corruptAt: 20 });
    const { prep } = await fetchAll(cache, { ...defaultSelection(m), adapters: [] });
    expect(prep.errors[0].error.code).toBe('header');
    expect(prep.errors[0].error.message).toMatch(/not a safetensors file|malformed/);
  });

  test('a full disk mid-download keeps what was saved; after freeing space it resumes', async () => {
    const store = new MemoryStore();
    store.quotaBytes = 1_500_000;
    const sel = { ...defaultSelection(m), adapters: [] };
    const first = await fetchAll(new WeightCache(store), sel, { settings: { ...m.settings, concurrency: 1 } });
    const failed = first.run.files.find((f) => f.error)!;
    expect(failed.error!.code).toBe('quota');
    expect(failed.error!.message).toMatch(/ran out of storage .* resume/);
    store.quotaBytes = Infinity;
    const mark = hf.log.length;
    const second = await fetchAll(new WeightCache(store), sel);
    expect(second.run.files.map((f) => f.error?.message).filter(Boolean)).toEqual([]);
    const unet = fixtureOf('ds8-unet');
    expect(hf.sentBytes(serverPath(unet), mark)).toBeLessThan(unet.bytes.byteLength);
    const files = await modelFiles(new WeightCache(store), m, sel);
    expect(parseSafetensors(new Uint8Array(await files.unet[0].blob.arrayBuffer())).header.tensors.size).toBe(parseSafetensors(unet.bytes).header.tensors.size);
  });

  test('a server that ignores Range still gives the right bytes', async () => {
    const cache = fresh();
    hf.faults.set(serverPath(fixtureOf('ds8-vae')), { ignoreRange: true });
    const { run } = await fetchAll(cache, { ...defaultSelection(m), adapters: [] });
    expect(run.files.every((f) => !f.error)).toBe(true);
  });

  test('without a readable Content-Range the size comes from the manifest or the header', async () => {
    const cache = fresh();
    for (const id of ['ds8-unet', 'ds8-vae', 'ds8-text']) hf.faults.set(serverPath(fixtureOf(id)), { noContentRange: true });
    const { prep, run } = await fetchAll(cache, { ...defaultSelection(m), adapters: [] });
    expect(prep.errors).toEqual([]);
    expect(run.files.every((f) => !f.error)).toBe(true);
    expect(prep.prepared.find((p) => p.job.id === 'ds8-unet')!.fileSize).toBe(fixtureOf('ds8-unet').bytes.byteLength);
  });

  test('the size in the manifest is checked against the server', async () => {
    const bad = validateManifest({ ...testManifest(hf.hub, hf.cdn), files: testManifest(hf.hub, hf.cdn).files.map((f) => (f.id === 'ds8-text' ? { ...f, size: f.size + 1 } : f)) });
    const prep = await prepareAll(jobsFor(bad, defaultSelection(bad), manifestFetch(bad)), ctxFor(fresh()));
    expect(prep.errors.map((e) => e.error.code)).toEqual(['size']);
  });
});

describe('origins', () => {
  test('a URL outside the manifest is refused without a request; so is a redirect to one', async () => {
    let evilHits = 0;
    const evil = createServer((_, res) => { evilHits++; res.end('x'); });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()));
    const evilOrigin = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
    try {
      const f = manifestFetch(m);
      await expect(f(`${evilOrigin}/x`)).rejects.toMatchObject({ code: 'origin' });
      await expect(guardedFetch([hf.hub])(`${hf.cdn}/lfs/x`)).rejects.toMatchObject({ code: 'origin' });
      const ipa = fixtureOf('ipa-sd15');
      hf.faults.set(serverPath(ipa), { redirectTo: evilOrigin });
      const { prep } = await fetchAll(fresh(), defaultSelection(m));
      const e = prep.errors.find((x) => x.id === 'ipa-sd15')!.error;
      expect(e).toBeInstanceOf(DownloadError);
      expect(e.code).toBe('origin');
      expect(e.message).toContain(`Refused to contact ${evilOrigin} (a redirect from ${hf.hub})`);
      expect(evilHits).toBe(0);
    } finally {
      evil.closeAllConnections();
      await new Promise<void>((r) => evil.close(() => r()));
    }
  });
});

describe('disk and confirmation', () => {
  test('not enough disk is a clear error before anything is fetched', () => {
    expect(() => checkDisk({ quota: 1e9, usage: 9.9e8 }, 5e7)).toThrow(/Not enough disk space/);
    expect(checkDisk({ quota: 1e9, usage: 0 }, 5e7).free).toBe(1e9);
    expect(checkDisk(undefined, 5e12).free).toBeUndefined();
  });

  test('the confirmation says how much, from where, and the disk use, in both languages', async () => {
    const prep = await prepareAll(jobsFor(m, defaultSelection(m), manifestFetch(m)), ctxFor(fresh()));
    const c = confirmation(prep.prepared, { origins: [hf.hub, hf.cdn], estimate: { quota: 10e9, usage: 1e9 } });
    expect(c.fetch).toBeGreaterThan(0);
    expect(c.store).toBeLessThan(c.fetch); // fp32 fixtures stored as fp16
    expect(c.headerFetched).toBeGreaterThan(0);
    const en = confirmationText(c, 'en');
    const zh = confirmationText(c, 'zh');
    const host = new URL(hf.hub).host;
    expect(en.lines[0]).toMatch(new RegExp(`^Download [\\d.]+ (kB|MB) from ${host}`));
    expect(en.lines[1]).toMatch(/Disk use on this device: [\d.]+ (kB|MB) more \(9.00 GB free for this site\)/);
    expect(zh.lines[0]).toMatch(new RegExp(`^将从 ${host}.* 下载 [\\d.]+ (kB|MB)`));
    expect(zh.lines[1]).toMatch(/本站还可用 9.00 GB/);
    expect(en.lines.some((l) => /Without a published checksum.*ds8-unet|unet/.test(l))).toBe(true);
    expect(en.rows).toHaveLength(prep.prepared.length);
  });
});
