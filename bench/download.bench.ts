// Download benchmark (issue 6). Prints, never asserts:
//  1. bytes fetched on a first and a second visit for the default choice (tiny fixture weights
//     laid out like the upstream repos, served by the local Hugging Face stand-in);
//  2. throughput of the downloader (Range requests, mapper, blocks into the cache, journal)
//     against a plain fetch of the same bytes from the same local server, for a synthetic
//     192 MB safetensors file: fp16 kept as is, fp32 → fp16 converted on the way, and with the
//     whole-file sha256 checked. Target: ≥ 0.9× the plain fetch for the fp16 copy.
// The big files are served by a child process (bench/download.server.js); plain and ours runs
// alternate and the ratio is the median of the per-pair ratios, since a shared machine's load
// drifts between runs.
import { test } from 'vitest';
import { startHfServer } from '../test/e2e/support/hf-server';
import { serverFiles, testManifest } from '../test/e2e/support/test-manifest';
import { downloadAll } from '../test/e2e/support/download-all';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { MemoryStore, type ByteStore } from '../src/lib/storage/store';
import { WeightCache } from '../src/lib/storage/cache';
import { defaultSelection, validateManifest, DEFAULT_SETTINGS } from '../src/lib/download/manifest';
import { download, guardedFetch, httpSource, prepare, type Context, type FileJob } from '../src/lib/download/fetcher';
import { sha256Hex } from '../src/lib/download/sha256';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const MB = (n: number) => (n / 1e6).toFixed(1);

/** A store that keeps only sizes: isolates the download path from memory copies. */
class NullStore implements ByteStore {
  readonly kind = 'memory' as const;
  private sizes = new Map<string, number>();
  private json = new Map<string, Uint8Array>();
  async put(key: string, data: Uint8Array | Uint8Array[]) {
    const parts = Array.isArray(data) ? data : [data];
    const size = parts.reduce((s, p) => s + p.byteLength, 0);
    this.sizes.set(key, size);
    if (!key.includes('/b/')) this.json.set(key, parts.length === 1 ? parts[0].slice() : new Uint8Array(await new Blob(parts as Uint8Array<ArrayBuffer>[]).arrayBuffer()));
  }
  async get(key: string) { const j = this.json.get(key); return j ? new Blob([j as Uint8Array<ArrayBuffer>]) : this.sizes.has(key) ? new Blob([new Uint8Array(this.sizes.get(key)!)]) : undefined; }
  async list(prefix: string) { return [...this.sizes].filter(([k]) => k.startsWith(prefix)).map(([key, size]) => ({ key, size })); }
  async remove(prefix: string) { for (const k of [...this.sizes.keys()]) if (k.startsWith(prefix)) { this.sizes.delete(k); this.json.delete(k); } }
}

test('download: bytes per visit, throughput against a plain fetch', async () => {
  console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, local HTTP on 127.0.0.1`);
  const hf = await startHfServer(serverFiles());
  const child = spawn(process.execPath, [fileURLToPath(new URL('./download.server.js', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  const big = await new Promise<{ hub: string; cdn: string }>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (l) => resolve(JSON.parse(l)));
    child.once('exit', (code) => reject(new Error(`bench server exited (${code}); it needs Node >= 22.18 (npm run bench)`)));
  });
  try {
    // 1. first and second visit, default choice, tiny weights
    const m = validateManifest(testManifest(hf.hub, hf.cdn, { blockBytes: DEFAULT_SETTINGS.blockBytes }));
    const store = new MemoryStore();
    for (const visit of ['first', 'second']) {
      const mark = hf.log.length;
      await downloadAll(m, defaultSelection(m), new WeightCache(store));
      const reqs = hf.log.length - mark;
      console.log(`${visit} visit (default choice, tiny weights): ${hf.sentBytes(undefined, mark)} bytes fetched in ${reqs} requests; stored ${store.usedBytes} bytes`);
    }

    // 2. throughput
    const gf = guardedFetch([big.hub, big.cdn]);
    const url = (name: string) => `${big.hub}/bench/big/resolve/main/${name}`;
    type Run = { ms: number; bytes: number; cpu: number };
    const cpuMs = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
    const plain = async (name: string): Promise<Run> => {
      const c0 = cpuMs();
      const t0 = performance.now();
      const res = await fetch(url(name));
      const reader = res.body!.getReader();
      let n = 0;
      for (;;) { const r = await reader.read(); if (r.done) break; n += r.value.byteLength; }
      return { ms: performance.now() - t0, bytes: n, cpu: cpuMs() - c0 };
    };
    const ours = async (name: string, dtype: 'F16' | 'keep', sha: string | null, store: () => ByteStore): Promise<Run> => {
      const cache = new WeightCache(store());
      const job: FileJob = {
        id: name, label: name, ref: { repo: 'bench/big', revision: 'main', path: name }, source: httpSource(gf, url(name), name),
        size: null, sha256: sha, parts: [{ name: 'all', include: [''], exclude: [], graphs: ['unet'], sha256: null }], dtype,
      };
      const ctx: Context = { cache, settings: { ...DEFAULT_SETTINGS, concurrency: 1 } };
      const c0 = cpuMs();
      const t0 = performance.now();
      const p = await prepare(job, ctx);
      await download(p, ctx);
      return { ms: performance.now() - t0, bytes: p.fetchLeft + p.headerBytes.byteLength, cpu: cpuMs() - c0 };
    };
    const rate = (r: Run) => r.bytes / (r.ms / 1000);
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const compare = async (label: string, base: () => Promise<Run>, fn: () => Promise<Run>, n = 5) => {
      const ratios: number[] = [];
      const ourRates: number[] = [];
      const baseRates: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < n; i++) {
        const b = await base();
        const r = await fn();
        ratios.push(rate(r) / rate(b));
        ourRates.push(rate(r));
        baseRates.push(rate(b));
        cpu.push(b.cpu / r.cpu);
      }
      console.log(`${label.padEnd(40)} ${MB(med(ourRates))} MB/s vs plain ${MB(med(baseRates))} MB/s: ${med(ratios).toFixed(2)}× wall (pairs ${ratios.map((x) => x.toFixed(2)).join(' ')}); client CPU plain/ours ${med(cpu).toFixed(2)}×`);
    };

    await plain('f16.safetensors'); // warm up
    await ours('f16.safetensors', 'keep', null, () => new NullStore());
    const sha16 = await (async () => { const r = await fetch(url('f16.safetensors')); return createHash('sha256').update(new Uint8Array(await r.arrayBuffer())).digest('hex'); })();
    await compare('fp16 kept, blocks to a null store', () => plain('f16.safetensors'), () => ours('f16.safetensors', 'keep', null, () => new NullStore()), 7);
    await compare('fp16 kept, blocks copied into memory', () => plain('f16.safetensors'), () => ours('f16.safetensors', 'keep', null, () => new MemoryStore()));
    await compare('fp32 → fp16 on the way', () => plain('f32.safetensors'), () => ours('f32.safetensors', 'F16', null, () => new NullStore()), 3);
    await compare('fp16 kept, whole-file sha256 checked', () => plain('f16.safetensors'), () => ours('f16.safetensors', 'keep', sha16, () => new NullStore()), 3);
    const block = new Uint8Array(32e6).fill(7);
    let t0 = performance.now();
    sha256Hex(block);
    const js = 32e6 / ((performance.now() - t0) / 1000);
    t0 = performance.now();
    createHash('sha256').update(block).digest();
    const native = 32e6 / ((performance.now() - t0) / 1000);
    console.log(`sha256 alone: incremental TypeScript ${MB(js)} MB/s, node:crypto ${MB(native)} MB/s (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`);
  } finally {
    await hf.close();
    child.kill('SIGTERM');
  }
});
