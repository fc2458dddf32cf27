/**
 * CLIP's token-embedding table from the manifest's text encoders, through the live lab's own
 * download code (src/lib/download) and cache (src/lib/storage):
 *
 * 1. `findCachedTable`: a complete cached artefact of a manifest text encoder that holds the
 *    table (the live lab's download, or an earlier fetch of this tensor alone). Only the
 *    table's bytes are read from the cached blocks.
 * 2. `prepareTableFetch` → `downloadTable`: the same `prepare`/`download` the live lab runs,
 *    with one part that holds only the table, so the header is read first (bytes 0–7, then the
 *    header) and then the table's byte range alone, from the manifest's origins only. It is
 *    stored as published ('keep') in the same cache, as an artefact of its own: the next visit
 *    finds it with (1) and fetches nothing; the downloads page lists it and can delete it.
 *
 * Nothing here runs without the caller: the lab calls (2) only after the reader's click.
 */
import { download, httpSource, countingSource, prepare, type Context, type FetchLike, type Prepared } from '../download/fetcher';
import { fileUrl, type Manifest, type ManifestFile, type Part } from '../download/manifest';
import { fileLabel } from '../download/session';
import type { FileState } from '../download/progress';
import type { ArtefactMeta, FileRef, StoredTensor, WeightCache } from '../storage/cache';
import type { SafeDType } from '../weights/safetensors';
import { findTokenEmbedding, realTable, TableError, TOKEN_EMBEDDING_KEYS, type RealTable } from './embeddingTable';

/** The part a table-only fetch stores (its own artefact, next to the live lab's "all"). */
export const TABLE_PART: Part = { name: 'token-embedding', include: [...TOKEN_EMBEDDING_KEYS], exclude: [], graphs: ['text_encoder'], sha256: null };

/**
 * The base model whose text encoder the fetch uses: SD1.5's own, which is OpenAI's CLIP ViT-L/14
 * (a fine-tune such as Dreamshaper may have retrained its table). Any cached text encoder counts.
 */
export const OFFICIAL_BASE = 'sd15';

/** The manifest's text encoders, the one to fetch from first. */
export function textEncoderFiles(m: Manifest): ManifestFile[] {
  const pick = (id: string | undefined) => m.files.find((f) => f.id === id);
  const first = pick(m.choices.base.find((b) => b.id === OFFICIAL_BASE)?.files.text_encoder) ?? pick(m.choices.base.find((b) => b.default)?.files.text_encoder);
  const rest = m.files.filter((f) => f.role === 'text_encoder' && f !== first);
  return first ? [first, ...rest] : rest;
}

export const refOf = (m: Manifest, f: ManifestFile): FileRef => ({ repo: f.repo, revision: m.repos[f.repo].revision, path: f.path });

export interface CachedTable {
  file: ManifestFile;
  meta: ArtefactMeta;
  tensor: StoredTensor;
}

/** A cached copy of the table, if any manifest text encoder has one (complete artefacts only). */
export async function findCachedTable(cache: WeightCache, m: Manifest): Promise<CachedTable | undefined> {
  for (const file of textEncoderFiles(m)) {
    for (const meta of await cache.completeArtefacts(refOf(m, file))) {
      const tensor = TOKEN_EMBEDDING_KEYS.map((k) => meta.tensors.find((t) => t.name === k)).find((t) => t !== undefined);
      if (tensor) return { file, meta, tensor };
    }
  }
  return undefined;
}

/** Reads only the table's bytes out of a cached artefact (a slice of its stored blocks). */
export async function readCachedTable(cache: WeightCache, m: Manifest, hit: CachedTable, fetched = 0): Promise<RealTable> {
  const data = await cache.artefactData(hit.meta);
  const bytes = new Uint8Array(await data.slice(hit.tensor.begin, hit.tensor.end).arrayBuffer());
  const fromLiveLab = !hit.meta.parts.includes(TABLE_PART.name);
  return realTable(bytes, { name: hit.tensor.name, dtype: hit.tensor.dtype as SafeDType, shape: hit.tensor.shape }, {
    origin: fetched > 0 ? 'download' : 'cache',
    file: fileLabel(hit.file),
    from: new URL(fileUrl(m, hit.file)).origin,
    fromLiveLab,
    fetched,
  });
}

/** What the confirmation says: exactly what will be fetched, from where, and what it stores. */
export interface TableFetchPlan {
  file: ManifestFile;
  prepared: Prepared;
  /** Bytes still to fetch (the table's range; 0 when it is stored already). */
  fetchBytes: number;
  /** Header bytes read to make this plan (0 when the cache had the header). */
  headerBytes: number;
  /** Bytes the cache will hold once done. */
  storeBytes: number;
  /** The origin of the file's URL (the manifest's host). */
  origin: string;
  shape: number[];
  dtype: SafeDType;
}

/**
 * A job for the table alone, from the manifest's first text encoder: the header is read (or
 * found in the cache) and the table checked before anything else is fetched.
 */
export async function prepareTableFetch(m: Manifest, ctx: Context, fetchFn: FetchLike, count?: (n: number) => void): Promise<TableFetchPlan> {
  const file = textEncoderFiles(m)[0];
  if (!file) throw new TableError('no-file', 'The model manifest lists no text encoder to fetch the table from.');
  const label = fileLabel(file);
  const url = fileUrl(m, file);
  const src = httpSource(fetchFn, url, label, { etag: !m.repos[file.repo].revisionPinned });
  const prepared = await prepare({
    id: file.id, label, ref: refOf(m, file), source: count ? countingSource(src, count) : src,
    size: file.size, sha256: null, parts: [TABLE_PART], dtype: 'keep',
  }, ctx);
  const info = findTokenEmbedding(prepared.header, label);
  return {
    file, prepared,
    fetchBytes: prepared.fetchLeft,
    headerBytes: prepared.headerFetched,
    storeBytes: prepared.storeTotal - prepared.storeDone,
    origin: new URL(url).origin,
    shape: info.shape,
    dtype: info.dtype,
  };
}

/** Fetches the planned range into the cache and reads the table back from it. */
export async function downloadTable(plan: TableFetchPlan, m: Manifest, ctx: Context, onBytes?: (n: number, state: FileState) => void): Promise<RealTable> {
  let fetched = 0;
  const metas = await download(plan.prepared, ctx, (n, state) => { fetched += n; onBytes?.(n, state); });
  for (const meta of metas) {
    const tensor = meta.tensors.find((t) => (TOKEN_EMBEDDING_KEYS as readonly string[]).includes(t.name));
    if (tensor) return readCachedTable(ctx.cache, m, { file: plan.file, meta, tensor }, fetched + plan.headerBytes);
  }
  throw new TableError('missing-tensor', `${fileLabel(plan.file)}: the stored copy holds no token-embedding table.`, { file: fileLabel(plan.file) });
}
