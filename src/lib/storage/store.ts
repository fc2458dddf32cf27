/**
 * A key → bytes store with atomic writes: the one thing the download cache needs from the
 * browser. Keys are '/'-separated paths of whole segments; `list` and `remove` take a prefix of
 * whole segments ('' for everything). Implementations: OPFS (opfs.ts), Cache Storage
 * (cacheStorage.ts) where OPFS is missing, and memory (tests, Node, and the benchmark).
 *
 * `put` is all-or-nothing: OPFS and Cache Storage both commit a write only when it completes, so
 * a closed tab or a full disk never leaves a half-written block that looks whole.
 */
export interface StoredEntry {
  key: string;
  size: number;
}

export type StoreKind = 'opfs' | 'cache-storage' | 'memory';

export interface ByteStore {
  readonly kind: StoreKind;
  put(key: string, data: Uint8Array | Uint8Array[]): Promise<void>;
  get(key: string): Promise<Blob | undefined>;
  list(prefix: string): Promise<StoredEntry[]>;
  remove(prefix: string): Promise<void>;
}

export const pieces = (data: Uint8Array | Uint8Array[]) => (Array.isArray(data) ? data : [data]);
export const byteLength = (data: Uint8Array | Uint8Array[]) => pieces(data).reduce((s, p) => s + p.byteLength, 0);

export function checkKey(key: string, allowEmpty = false): string[] {
  if (key === '' && allowEmpty) return [];
  const segs = key.split('/');
  if (segs.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\'))) throw new Error(`bad store key "${key}"`);
  return segs;
}

export const underPrefix = (key: string, prefix: string) => prefix === '' || key === prefix || key.startsWith(`${prefix}/`);

/** The error a browser throws when storage is full (tests use it to play a full disk). */
export function quotaExceeded(message = 'The quota has been exceeded.'): Error {
  return typeof DOMException === 'function' ? new DOMException(message, 'QuotaExceededError') : Object.assign(new Error(message), { name: 'QuotaExceededError' });
}

/** In-memory store. `quotaBytes` makes a put that would pass it fail like a full disk. */
export class MemoryStore implements ByteStore {
  readonly kind = 'memory' as const;
  readonly data = new Map<string, Uint8Array>();
  quotaBytes = Infinity;
  /** Bytes written by put, for tests and the benchmark. */
  written = 0;

  get usedBytes(): number {
    let n = 0;
    for (const v of this.data.values()) n += v.byteLength;
    return n;
  }

  async put(key: string, data: Uint8Array | Uint8Array[]): Promise<void> {
    checkKey(key);
    const size = byteLength(data);
    const old = this.data.get(key)?.byteLength ?? 0;
    if (this.usedBytes - old + size > this.quotaBytes) throw quotaExceeded();
    const out = new Uint8Array(size);
    let at = 0;
    for (const p of pieces(data)) { out.set(p, at); at += p.byteLength; }
    this.data.set(key, out);
    this.written += size;
  }

  async get(key: string): Promise<Blob | undefined> {
    const v = this.data.get(key);
    return v ? new Blob([v as Uint8Array<ArrayBuffer>]) : undefined;
  }

  async list(prefix: string): Promise<StoredEntry[]> {
    checkKey(prefix, true);
    return [...this.data].filter(([k]) => underPrefix(k, prefix)).map(([key, v]) => ({ key, size: v.byteLength })).sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  async remove(prefix: string): Promise<void> {
    checkKey(prefix, true);
    for (const k of [...this.data.keys()]) if (underPrefix(k, prefix)) this.data.delete(k);
  }
}

export async function getBytes(store: ByteStore, key: string): Promise<Uint8Array | undefined> {
  const b = await store.get(key);
  return b ? new Uint8Array(await b.arrayBuffer()) : undefined;
}

export async function getJson<T>(store: ByteStore, key: string): Promise<T | undefined> {
  const b = await store.get(key);
  if (!b) return undefined;
  try { return JSON.parse(await b.text()) as T; } catch { return undefined; }
}

export const putJson = (store: ByteStore, key: string, value: unknown) => store.put(key, new TextEncoder().encode(JSON.stringify(value)));
