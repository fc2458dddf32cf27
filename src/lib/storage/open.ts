/**
 * The best store this browser offers: OPFS, else Cache Storage, else memory (nothing survives
 * a reload; the panel says so).
 */
import { CacheStorageStore, cacheStorageAvailable } from './cacheStorage';
import { OpfsStore, opfsAvailable } from './opfs';
import { MemoryStore, type ByteStore } from './store';

export async function openBestStore(): Promise<ByteStore> {
  if (opfsAvailable()) {
    try { return await OpfsStore.open(); } catch { /* blocked (private mode, policy): try the next */ }
  }
  if (cacheStorageAvailable()) {
    try { return await CacheStorageStore.open(); } catch { /* fall through */ }
  }
  return new MemoryStore();
}
