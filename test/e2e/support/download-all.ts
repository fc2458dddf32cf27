// What the downloads page does after its confirmation screen, in one call, for tests and benches
// that need weights in a cache first: prepare every file of a selection (headers), then download.
import { MemoryStore } from '../../../src/lib/storage/store';
import { WeightCache } from '../../../src/lib/storage/cache';
import { runDownloads } from '../../../src/lib/download/fetcher';
import { jobsFor, manifestFetch, prepareAll } from '../../../src/lib/download/session';
import type { Manifest, Selection } from '../../../src/lib/download/manifest';

export async function downloadAll(m: Manifest, sel: Selection, cache = new WeightCache(new MemoryStore())) {
  const ctx = { cache, settings: m.settings };
  const prep = await prepareAll(jobsFor(m, sel, manifestFetch(m)), ctx);
  const run = await runDownloads(prep.prepared, ctx);
  return { cache, prep, run };
}
