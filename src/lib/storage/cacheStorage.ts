/**
 * The download cache in Cache Storage, for browsers without OPFS: each key is a Response under
 * a same-origin URL that is never fetched (/__ipa-store__/<key>). cache.put() stores a response
 * only once its body is complete, so writes are all-or-nothing here too.
 */
import { byteLength, checkKey, pieces, underPrefix, type ByteStore, type StoredEntry } from './store';

const PREFIX = '/__ipa-store__/';

export const cacheStorageAvailable = () => typeof caches !== 'undefined' && typeof caches.open === 'function';

export class CacheStorageStore implements ByteStore {
  readonly kind = 'cache-storage' as const;
  private constructor(private readonly cache: Cache, private readonly origin: string) {}

  static async open(name = 'ipa-weights-v1'): Promise<CacheStorageStore> {
    return new CacheStorageStore(await caches.open(name), location.origin);
  }

  private url(key: string) {
    return `${this.origin}${PREFIX}${key}`;
  }

  async put(key: string, data: Uint8Array | Uint8Array[]): Promise<void> {
    checkKey(key);
    const size = byteLength(data);
    await this.cache.put(this.url(key), new Response(new Blob(pieces(data) as Uint8Array<ArrayBuffer>[]), {
      headers: { 'content-type': 'application/octet-stream', 'x-ipa-size': String(size) },
    }));
  }

  async get(key: string): Promise<Blob | undefined> {
    checkKey(key);
    const r = await this.cache.match(this.url(key));
    return r ? r.blob() : undefined;
  }

  private async keys(prefix: string): Promise<{ key: string; req: Request }[]> {
    checkKey(prefix, true);
    const base = `${this.origin}${PREFIX}`;
    return (await this.cache.keys())
      .map((req) => ({ req, key: req.url.startsWith(base) ? req.url.slice(base.length) : '' }))
      .filter((k) => k.key && underPrefix(k.key, prefix));
  }

  async list(prefix: string): Promise<StoredEntry[]> {
    const out: StoredEntry[] = [];
    for (const { key, req } of await this.keys(prefix)) {
      const r = await this.cache.match(req);
      out.push({ key, size: Number(r?.headers.get('x-ipa-size') ?? 0) });
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  async remove(prefix: string): Promise<void> {
    for (const { req } of await this.keys(prefix)) await this.cache.delete(req);
  }
}
