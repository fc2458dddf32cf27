/**
 * Streaming download with HTTP Range, written against plain `fetch` so the same code runs in
 * the page, in a worker and in Node (tests, benchmark).
 *
 * 1. guardedFetch: refuses any URL — and any redirect — outside the manifest's origins.
 * 2. prepare: the safetensors header first (Range bytes=0-7, then the header), from the cache
 *    when a visit already read it; the layout and the ranges of only the tensors needed.
 * 3. download: the ranges streamed through the mapper (gaps dropped, fp32 → fp16 where the
 *    store wants fp16), committed to the cache block by block with a journal; a dropped
 *    connection is retried with backoff from the exact byte it stopped at; a closed tab resumes
 *    from the last committed block; 404/403 fail at once with the file and URL named.
 * 4. verify: size (Content-Range against the manifest and the header), the header itself, the
 *    whole-file sha256 when the plan fetched the whole file, else each part's sha256 where the
 *    manifest has one. A mismatch deletes the copy.
 */
import { WeightFileError } from '../weights/errors';
import { headerLength, parseSafetensorsHeader, type SafetensorsHeader } from '../weights/safetensors';
import { artefactId, type ArtefactMeta, type FileRef, type Journal, type WeightCache } from '../storage/cache';
import { StreamMapper } from './convert';
import { DownloadError, isAbort, isQuotaError } from './errors';
import type { DownloadSettings, Part, StoreDType } from './manifest';
import { layoutArtefact, planFetch, planKey, rangeBytes, rangesFrom, type ArtefactLayout, type FetchPlan } from './plan';
import { RateMeter, timeLeft, type FileProgress, type FileState, type TotalProgress } from './progress';
import { Sha256 } from './sha256';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

const originOf = (url: string) => new URL(url).origin;
const REDIRECT = new Set([301, 302, 303, 307, 308]);

/**
 * A fetch that only talks to `allowed` origins. Redirects are followed by hand when the
 * runtime shows them (Node: each hop is checked before it is requested); a browser hides a
 * cross-origin redirect's target (opaqueredirect), so there the request is repeated with
 * redirect: 'follow' and the final URL is checked before a byte of the body is read.
 */
export function guardedFetch(allowed: string[], o: { fetch?: FetchLike; maxRedirects?: number } = {}): FetchLike {
  const ok = new Set(allowed.map(originOf));
  const f = o.fetch ?? ((u, i) => fetch(u, i));
  const refuse = (url: string, from?: string) => {
    const origin = originOf(url);
    return new DownloadError('origin',
      `Refused to contact ${origin}${from ? ` (a redirect from ${originOf(from)})` : ''}: it is not one of the origins the model manifest allows (${[...ok].join(', ')}).`,
      { url });
  };
  // Once the runtime has shown that it hides redirects (a browser), later requests follow them
  // directly instead of asking twice.
  let hidesRedirects = false;
  return async (url, init = {}) => {
    if (!ok.has(originOf(url))) throw refuse(url);
    let current = url;
    for (let hop = 0; hop <= (o.maxRedirects ?? 5); hop++) {
      const res = hidesRedirects ? undefined : await f(current, { ...init, redirect: 'manual' });
      if (!res || res.type === 'opaqueredirect') {
        hidesRedirects = true;
        const followed = await f(current, { ...init, redirect: 'follow' });
        if (followed.url && !ok.has(originOf(followed.url))) {
          await followed.body?.cancel().catch(() => {});
          throw refuse(followed.url, current);
        }
        return followed;
      }
      const location = res.headers.get('location');
      if (REDIRECT.has(res.status) && location) {
        await res.body?.cancel().catch(() => {});
        const next = new URL(location, current).href;
        if (!ok.has(originOf(next))) throw refuse(next, current);
        current = next;
        continue;
      }
      return res;
    }
    throw new DownloadError('protocol', `Too many redirects from ${url}.`, { url });
  };
}

/** One range request's answer: the body in chunks, and what the server said about the file. */
export interface RangeBody {
  chunks: AsyncIterable<Uint8Array>;
  /** Complete file size from Content-Range (or Content-Length for a 200). */
  total: number | undefined;
  etag: string | null;
}

/** Something that serves byte ranges of one file: a URL, or a local File. */
export interface RangeSource {
  label: string;
  url: string | null;
  read(start: number, end: number, signal?: AbortSignal): Promise<RangeBody>;
}

async function* streamChunks(body: ReadableStream<Uint8Array>, skip: number, limit: number, where: string, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let seen = 0;
  let left = limit;
  try {
    while (left > 0) {
      if (signal?.aborted) throw new DownloadError('aborted', 'Download paused.');
      let r: ReadableStreamReadResult<Uint8Array>;
      try { r = await reader.read(); } catch (e) {
        if (isAbort(e) || signal?.aborted) throw new DownloadError('aborted', 'Download paused.');
        throw new DownloadError('network', `The connection broke while reading ${where}: ${(e as Error).message}`, { url: where });
      }
      if (r.done) break;
      let chunk = r.value;
      if (seen < skip) {
        const drop = Math.min(skip - seen, chunk.byteLength);
        seen += drop;
        chunk = chunk.subarray(drop);
      }
      if (chunk.byteLength === 0) continue;
      if (chunk.byteLength > left) chunk = chunk.subarray(0, left);
      left -= chunk.byteLength;
      yield chunk;
    }
    if (left > 0) throw new DownloadError('network', `The connection closed early while reading ${where} (${left} bytes missing).`, { url: where });
  } finally {
    reader.cancel().catch(() => {});
  }
}

/**
 * A file at a URL, read with Range requests through `fetchFn` (use a guardedFetch). With
 * `etag`, each answer's ETag is reported so a file that changes between requests is caught;
 * leave it off for a pinned revision, whose content cannot change (and whose CDN edges need not
 * agree on an ETag's form).
 */
export function httpSource(fetchFn: FetchLike, url: string, label: string, o: { etag?: boolean } = {}): RangeSource {
  const trackEtag = o.etag ?? true;
  return {
    label,
    url,
    async read(start, end, signal) {
      let res: Response;
      try {
        res = await fetchFn(url, { headers: { Range: `bytes=${start}-${end - 1}` }, signal, cache: 'no-store', credentials: 'omit' });
      } catch (e) {
        if (e instanceof DownloadError) throw e;
        if (isAbort(e) || signal?.aborted) throw new DownloadError('aborted', 'Download paused.');
        throw new DownloadError('network', `Could not reach ${originOf(url)} for ${label}: ${(e as Error).message}`, { file: label, url });
      }
      const facts = { file: label, url, status: res.status };
      if (res.status === 404) throw new DownloadError('not-found', `${label} was not found (HTTP 404) at ${url}. The file may have been moved or renamed upstream; the manifest needs updating.`, facts);
      if (res.status === 401 || res.status === 403) throw new DownloadError('forbidden', `${label}: access denied (HTTP ${res.status}) at ${url}. The repository may be gated or private, or the link expired.`, facts);
      if (res.status === 416) throw new DownloadError('protocol', `${label}: the server says bytes ${start}–${end - 1} are beyond the end of the file (HTTP 416) at ${url}. The file is shorter than its header says.`, facts);
      if (res.status !== 206 && res.status !== 200) {
        await res.body?.cancel().catch(() => {});
        throw new DownloadError('http', `${label}: the server answered HTTP ${res.status} at ${url}.`, facts);
      }
      if (!res.body) throw new DownloadError('protocol', `${label}: the server sent no body.`, facts);
      const etag = trackEtag ? res.headers.get('x-linked-etag') ?? res.headers.get('etag') : null;
      let total: number | undefined;
      let skip = 0;
      if (res.status === 206) {
        // A cross-origin answer hides Content-Range unless the server exposes it (CORS); a 206
        // without one is taken at its word, and the size then comes from the manifest or the
        // safetensors header.
        const cr = res.headers.get('content-range');
        const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(cr ?? '');
        if (cr !== null && (!m || Number(m[1]) !== start)) {
          await res.body.cancel().catch(() => {});
          throw new DownloadError('protocol', `${label}: asked for bytes from ${start}, the server sent "${res.headers.get('content-range')}".`, facts);
        }
        total = !m || m[3] === '*' ? undefined : Number(m[3]);
      } else {
        // The server ignored Range and sends the whole file: skip to `start`.
        const len = res.headers.get('content-length');
        total = len === null ? undefined : Number(len);
        skip = start;
      }
      return { chunks: streamChunks(res.body, skip, end - start, url, signal), total, etag };
    },
  };
}

/** A local File (or any Blob) as a range source: File.slice reads, nothing leaves the machine. */
export function blobSource(blob: Blob, label: string): RangeSource {
  return {
    label,
    url: null,
    async read(start, end, signal) {
      return { chunks: streamChunks(blob.slice(start, end).stream() as ReadableStream<Uint8Array>, 0, end - start, label, signal), total: blob.size, etag: null };
    },
  };
}

/** Counts the bytes a source delivers (the "bytes fetched" figure). */
export function countingSource(src: RangeSource, count: (n: number) => void): RangeSource {
  return {
    ...src,
    async read(start, end, signal) {
      const body = await src.read(start, end, signal);
      return {
        ...body,
        chunks: (async function* () {
          for await (const c of body.chunks) { count(c.byteLength); yield c; }
        })(),
      };
    },
  };
}

async function collect(body: RangeBody): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of body.chunks) { parts.push(c); n += c.byteLength; }
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.byteLength; }
  return out;
}

function headerError(e: unknown, label: string, url: string | null): DownloadError {
  if (e instanceof DownloadError) return e;
  if (e instanceof WeightFileError) {
    return new DownloadError(e.code === 'truncated' ? 'size' : 'header', `${e.message}${url ? ` (${url})` : ''}`, { file: label, url: url ?? undefined });
  }
  return new DownloadError('header', `${label}: ${(e as Error).message}`, { file: label, url: url ?? undefined });
}

/** Reads a file's safetensors header: bytes 0–7 (its length N), then bytes 8 … 8+N−1. */
export async function readHeader(src: RangeSource, expectedSize: number | null, signal?: AbortSignal): Promise<{ header: SafetensorsHeader; bytes: Uint8Array; fileSize: number; etag: string | null }> {
  const first = await src.read(0, 8, signal);
  const first8 = await collect(first);
  const told = first.total;
  if (told !== undefined && expectedSize !== null && told !== expectedSize) {
    throw new DownloadError('size', `${src.label} is ${told} bytes at ${src.url ?? 'its source'}, but the manifest says ${expectedSize}. The file changed upstream or the link points at another file; nothing was downloaded.`, { file: src.label, url: src.url ?? undefined, expected: expectedSize, actual: told });
  }
  let n: number;
  try { n = headerLength(first8, src.label); } catch (e) { throw headerError(e, src.label, src.url); }
  const known = told ?? expectedSize ?? undefined;
  if (known !== undefined && 8 + n > known) throw new DownloadError('size', `${src.label}: its header claims ${n} bytes but the file has only ${known}.`, { file: src.label, url: src.url ?? undefined });
  const rest = await src.read(8, 8 + n, signal);
  if (rest.etag && first.etag && rest.etag !== first.etag) throw new DownloadError('changed', `${src.label} changed upstream while its header was read; try again.`, { file: src.label, url: src.url ?? undefined });
  const body = await collect(rest);
  const bytes = new Uint8Array(8 + n);
  bytes.set(first8, 0);
  bytes.set(body, 8);
  try {
    const header = parseSafetensorsHeader(bytes, known, src.label);
    // Without a size from the server or the manifest, the file ends where its last tensor does.
    return { header, bytes, fileSize: known ?? header.requiredSize, etag: first.etag };
  } catch (e) {
    throw headerError(e, src.label, src.url);
  }
}

export interface RetryPolicy { attempts: number; baseMs: number; maxMs: number }
export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 500, maxMs: 15_000 };

export const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => {
  if (signal?.aborted) { reject(new DownloadError('aborted', 'Download paused.')); return; }
  const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
  const onAbort = () => { clearTimeout(t); reject(new DownloadError('aborted', 'Download paused.')); };
  signal?.addEventListener('abort', onAbort, { once: true });
});

export const backoff = (attempt: number, p: RetryPolicy) => Math.min(p.maxMs, p.baseMs * 2 ** attempt) * (0.75 + Math.random() * 0.5);

/** One file to bring into the cache: where it is, what of it is needed, how to store it. */
export interface FileJob {
  id: string;
  label: string;
  ref: FileRef;
  source: RangeSource;
  /** Exact size from the manifest, when known. */
  size: number | null;
  sha256: string | null;
  parts: Part[];
  dtype: StoreDType;
}

export interface Context {
  cache: WeightCache;
  settings: DownloadSettings;
  signal?: AbortSignal;
  retry?: RetryPolicy;
  now?: () => number;
  /** Called with every retry (for logs and tests). */
  onRetry?: (job: string, attempt: number, error: DownloadError) => void;
}

/** What `prepare` found: the header, what is cached, and what is left to fetch. */
export interface Prepared {
  job: FileJob;
  header: SafetensorsHeader;
  headerBytes: Uint8Array;
  fileSize: number;
  etag: string | null;
  /** Header bytes fetched now (0 when the cache had them). */
  headerFetched: number;
  /** Complete artefacts in the cache that cover some of the needed parts. */
  cached: ArtefactMeta[];
  /** Parts still to fetch (none: everything is cached). */
  missing: Part[];
  layout?: ArtefactLayout;
  plan?: FetchPlan;
  journal?: Journal;
  /** Bytes left to fetch / already fetched in an earlier session, for the parts missing. */
  fetchLeft: number;
  fetchDone: number;
  /** Bytes the cache will hold for the needed parts when done, and how many of them it holds now. */
  storeTotal: number;
  storeDone: number;
}

async function withRetry<T>(name: string, ctx: Context, fn: () => Promise<T>): Promise<T> {
  const policy = ctx.retry ?? DEFAULT_RETRY;
  for (let attempt = 0; ; attempt++) {
    try { return await fn(); } catch (e) {
      const err = e instanceof DownloadError ? e : isAbort(e) ? new DownloadError('aborted', 'Download paused.') : new DownloadError('network', (e as Error).message);
      if (!err.retryable || attempt + 1 >= policy.attempts) throw err;
      ctx.onRetry?.(name, attempt + 1, err);
      await sleep(backoff(attempt, policy), ctx.signal);
    }
  }
}

/** Reads (or finds cached) the header of a job's file and works out what is left to fetch. */
export async function prepare(job: FileJob, ctx: Context): Promise<Prepared> {
  let fetched = 0;
  let got = await ctx.cache.getInfo(job.ref);
  if (got && job.size !== null && got.info.fileSize !== job.size) {
    await ctx.cache.deleteFile(job.ref);
    got = undefined;
  }
  let header: SafetensorsHeader;
  let headerBytes: Uint8Array;
  let fileSize: number;
  let etag: string | null;
  if (got) {
    headerBytes = got.header;
    fileSize = got.info.fileSize;
    etag = got.info.etag;
    try { header = parseSafetensorsHeader(headerBytes, fileSize, job.label); } catch (e) { throw headerError(e, job.label, job.source.url); }
  } else {
    const r = await withRetry(job.id, ctx, () => readHeader(job.source, job.size, ctx.signal));
    ({ header, fileSize, etag } = r);
    headerBytes = r.bytes;
    fetched = r.bytes.byteLength;
    await guardStore(job.label, () => ctx.cache.putInfo(job.ref, {
      version: 1, fileSize, dataStart: header.dataStart, etag, url: job.source.url, label: job.label, savedAt: new Date().toISOString(),
    }, headerBytes));
  }

  const cached = (await ctx.cache.completeArtefacts(job.ref)).filter((m) => m.dtype === job.dtype && m.parts.some((p) => job.parts.some((q) => q.name === p)));
  const have = new Set(cached.flatMap((m) => m.parts));
  const missing = job.parts.filter((p) => !have.has(p.name));
  const storedCached = cached.reduce((s, m) => s + m.dataBytes, 0);
  const base = { job, header, headerBytes, fileSize, etag, headerFetched: fetched, cached, missing };
  if (missing.length === 0) return { ...base, fetchLeft: 0, fetchDone: 0, storeTotal: storedCached, storeDone: storedCached };

  const layout = layoutArtefact(header, missing, job.dtype);
  const wantSha = Boolean(job.sha256);
  const plan = planFetch(layout, header, fileSize, { gapBytes: ctx.settings.gapBytes, wholeFileOverhead: ctx.settings.wholeFileOverhead, hasSha256: wantSha });
  const key = planKey(layout, plan, fileSize);
  const id = artefactId(missing.map((p) => p.name), job.dtype);
  let journal = await ctx.cache.getJournal(job.ref, id);
  if (journal && (journal.version !== 1 || journal.planKey !== key || (journal.etag && etag && journal.etag !== etag))) {
    await ctx.cache.removeArtefact(job.ref, id);
    journal = undefined;
  }
  const fetchLeft = rangeBytes(rangesFrom(plan.ranges, journal?.srcNext ?? 0));
  return {
    ...base, layout, plan, journal,
    fetchLeft, fetchDone: plan.fetchBytes - fetchLeft,
    storeTotal: storedCached + layout.dataBytes, storeDone: storedCached + (journal?.outNext ?? 0),
  };
}

async function guardStore<T>(label: string, fn: () => Promise<T>): Promise<T> {
  try { return await fn(); } catch (e) {
    if (isQuotaError(e)) {
      throw new DownloadError('quota', `The browser ran out of storage while saving ${label}. Everything saved before this point is kept: free some disk space (or delete downloads you no longer need) and resume.`, { file: label });
    }
    throw new DownloadError('storage', `Saving ${label} failed: ${(e as Error).message}`, { file: label });
  }
}

const concat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
};

/**
 * Fetches what `prepare` found missing and stores it; returns every complete artefact of the
 * job's parts. `onBytes` is told each chunk's size as it arrives.
 */
export async function download(p: Prepared, ctx: Context, onBytes?: (n: number, state: FileState) => void): Promise<ArtefactMeta[]> {
  if (!p.layout || !p.plan || p.missing.length === 0) return p.cached;
  const { job, layout, plan } = p;
  const id = artefactId(p.missing.map((x) => x.name), job.dtype);
  const key = planKey(layout, plan, p.fileSize);
  const j: Journal = p.journal ?? {
    version: 1, planKey: key, ranges: plan.ranges, wholeFile: plan.wholeFile, blocks: [], srcNext: plan.ranges[0]?.start ?? p.header.dataStart, outNext: 0, hashes: {}, etag: p.etag,
  };
  const fresh = !p.journal;
  const mapper = new StreamMapper(layout, { src: j.srcNext, out: j.outNext });
  const fileHash = plan.wholeFile && job.sha256 ? new Sha256(j.hashes.file) : undefined;
  if (fileHash && fresh) fileHash.update(p.headerBytes);
  const partHashes = new Map<string, Sha256>();
  if (!fileHash) for (const part of p.missing) if (part.sha256) partHashes.set(part.name, new Sha256(j.hashes[part.name]));
  const onTensor = partHashes.size ? (part: string, src: Uint8Array) => partHashes.get(part)?.update(src) : undefined;

  const snapshotHashes = () => {
    j.hashes = {};
    if (fileHash) j.hashes.file = fileHash.state();
    for (const [name, h] of partHashes) j.hashes[name] = h.state();
  };
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const commit = async () => {
    if (pendingBytes === 0) return;
    await guardStore(job.label, () => ctx.cache.putBlock(job.ref, id, j.blocks.length, pending));
    j.blocks.push(pendingBytes);
    j.outNext += pendingBytes;
    j.srcNext = mapper.pos;
    snapshotHashes();
    pending = [];
    pendingBytes = 0;
    await guardStore(job.label, () => ctx.cache.putJournal(job.ref, id, j));
  };
  if (ctx.signal?.aborted) throw new DownloadError('aborted', 'Download paused.');
  if (fresh) {
    snapshotHashes();
    await guardStore(job.label, () => ctx.cache.putJournal(job.ref, id, j));
  }

  const policy = ctx.retry ?? DEFAULT_RETRY;
  for (const range of rangesFrom(plan.ranges, j.srcNext)) {
    let attempt = 0;
    while (mapper.pos < range.end) {
      const from = Math.max(range.start, mapper.pos);
      try {
        const body = await job.source.read(from, range.end, ctx.signal);
        if (body.total !== undefined && body.total !== p.fileSize) {
          throw new DownloadError('changed', `${job.label} is now ${body.total} bytes, not ${p.fileSize}: it changed upstream during the download. Delete it and download again.`, { file: job.label, url: job.source.url ?? undefined });
        }
        if (body.etag && p.etag && body.etag !== p.etag) {
          throw new DownloadError('changed', `${job.label} changed upstream during the download (its ETag differs). Delete it and download again.`, { file: job.label, url: job.source.url ?? undefined });
        }
        let carry: Uint8Array = new Uint8Array(0);
        let readPos = from;
        for await (const chunk of body.chunks) {
          const data = carry.byteLength ? concat(carry, chunk) : chunk;
          const dataAt = readPos - carry.byteLength;
          readPos += chunk.byteLength;
          const n = mapper.consumable(dataAt, data.byteLength);
          const use = data.subarray(0, n);
          fileHash?.update(use);
          for (const piece of mapper.map(dataAt, use, onTensor)) { pending.push(piece); pendingBytes += piece.byteLength; }
          carry = data.subarray(n);
          attempt = 0;
          onBytes?.(chunk.byteLength, 'downloading');
          if (pendingBytes >= ctx.settings.blockBytes) await commit();
        }
        if (carry.byteLength) throw new DownloadError('protocol', `${job.label}: the data ended inside a tensor element.`, { file: job.label });
      } catch (e) {
        const err = e instanceof DownloadError ? e : isAbort(e) ? new DownloadError('aborted', 'Download paused.') : new DownloadError('network', (e as Error).message, { file: job.label });
        if (err.code === 'aborted') {
          await commit().catch(() => {});
          throw err;
        }
        if (!err.retryable || attempt + 1 >= policy.attempts) {
          await commit().catch(() => {});
          throw err;
        }
        ctx.onRetry?.(job.id, attempt + 1, err);
        await sleep(backoff(attempt, policy), ctx.signal).catch(async (x) => { await commit().catch(() => {}); throw x; });
        attempt++;
      }
    }
  }
  await commit();
  onBytes?.(0, 'verifying');

  const fail = async (code: 'checksum' | 'size', message: string, facts: Record<string, string | number>) => {
    await ctx.cache.deleteFile(job.ref);
    throw new DownloadError(code, message, { file: job.label, url: job.source.url ?? undefined, ...facts });
  };
  if (mapper.outPos !== layout.dataBytes) {
    await fail('size', `${job.label}: stored ${mapper.outPos} bytes, expected ${layout.dataBytes}. The copy was deleted; download it again.`, { expected: layout.dataBytes, actual: mapper.outPos });
  }
  let verified: ArtefactMeta['verified'] = 'size-and-header';
  if (fileHash) {
    const got = fileHash.hex();
    if (got !== job.sha256) {
      await fail('checksum', `${job.label} failed its checksum: expected sha256 ${job.sha256}, got ${got}. The bytes were corrupted on the way or the file changed upstream; the damaged copy was deleted. Download it again.`, { expected: job.sha256!, actual: got });
    }
    verified = 'sha256-file';
  } else if (partHashes.size) {
    for (const [name, h] of partHashes) {
      const want = p.missing.find((x) => x.name === name)!.sha256!;
      const got = h.hex();
      if (got !== want) await fail('checksum', `${job.label} (part "${name}") failed its checksum: expected sha256 ${want}, got ${got}. The damaged copy was deleted. Download it again.`, { expected: want, actual: got });
    }
    if (partHashes.size === p.missing.length) verified = 'sha256-parts';
  }
  const meta: ArtefactMeta = {
    version: 1, ref: job.ref, label: job.label, parts: p.missing.map((x) => x.name), dtype: job.dtype, fileSize: p.fileSize, etag: p.etag,
    tensors: layout.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, begin: t.outBegin, end: t.outEnd })),
    dataBytes: layout.dataBytes, blocks: j.blocks, verified, fetchedBytes: plan.fetchBytes, completedAt: new Date().toISOString(),
  };
  await guardStore(job.label, () => ctx.cache.putMeta(job.ref, id, meta));
  return [...p.cached, meta];
}

export interface RunResult {
  files: { id: string; artefacts?: ArtefactMeta[]; error?: DownloadError }[];
}

/**
 * Downloads every prepared file, `settings.concurrency` at a time, reporting per-file and total
 * progress (bytes, speed, time left) at most every `intervalMs`. One file's failure does not
 * stop the others; a pause (abort) stops all, with everything committed kept.
 */
export async function runDownloads(prepared: Prepared[], ctx: Context, onProgress?: (files: FileProgress[], total: TotalProgress) => void, intervalMs = 200): Promise<RunResult> {
  const now = ctx.now ?? (() => performance.now());
  const meter = new RateMeter();
  const meters = new Map<string, RateMeter>();
  let fetched = 0;
  const files: FileProgress[] = prepared.map((p) => ({
    id: p.job.id, label: p.job.label, state: p.missing.length ? 'waiting' : 'cached',
    done: p.fetchDone, total: p.fetchDone + p.fetchLeft, rate: 0, eta: undefined,
  }));
  let last = -Infinity;
  const report = (force = false) => {
    const t = now();
    if (!onProgress || (!force && t - last < intervalMs)) return;
    last = t;
    for (const f of files) {
      f.rate = meters.get(f.id)?.rate(t) ?? 0;
      f.eta = f.state === 'downloading' ? timeLeft(f.total - f.done, f.rate) : f.state === 'done' || f.state === 'cached' ? 0 : undefined;
    }
    const done = files.reduce((s, f) => s + f.done, 0);
    const total = files.reduce((s, f) => s + f.total, 0);
    const rate = meter.rate(t);
    onProgress(files.map((f) => ({ ...f })), { done, total, rate, eta: timeLeft(total - done, rate), fetched });
  };
  const result: RunResult = { files: [] };
  let next = 0;
  const worker = async () => {
    while (next < prepared.length) {
      const i = next++;
      const p = prepared[i];
      const f = files[i];
      const m = new RateMeter();
      meters.set(f.id, m);
      try {
        if (p.missing.length) f.state = 'downloading';
        report(true);
        const artefacts = await download(p, ctx, (n, state) => {
          f.state = state;
          f.done += n;
          fetched += n;
          const t = now();
          m.add(n, t);
          meter.add(n, t);
          report();
        });
        if (p.missing.length) f.state = 'done';
        result.files[i] = { id: f.id, artefacts };
      } catch (e) {
        const err = e instanceof DownloadError ? e : new DownloadError('storage', (e as Error).message, { file: p.job.label });
        f.state = err.code === 'aborted' ? 'paused' : 'error';
        f.error = { code: err.code, message: err.message };
        result.files[i] = { id: f.id, error: err };
      }
      report(true);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(ctx.settings.concurrency, prepared.length)) }, worker));
  report(true);
  return result;
}

/** Free disk from navigator.storage.estimate(); throws 'disk' when `need` bytes do not fit. */
export function checkDisk(estimate: { quota?: number; usage?: number } | undefined, need: number): { free: number | undefined } {
  if (!estimate || estimate.quota === undefined) return { free: undefined };
  const free = Math.max(0, estimate.quota - (estimate.usage ?? 0));
  if (need > free) {
    throw new DownloadError('disk', `Not enough disk space: this download stores ${need} bytes but the browser allows this site only ${free} more. Free some disk space or delete downloads you no longer need, then try again.`, { need, free });
  }
  return { free };
}
