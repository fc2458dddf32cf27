/**
 * The weight cache on top of a ByteStore. Layout, per upstream file (repository, revision,
 * path — each one URL-encoded key segment):
 *
 *   files/<repo>/<revision>/<path>/info.json          size, header length, ETag, URL
 *   files/<repo>/<revision>/<path>/header.bin         the safetensors header bytes [0, dataStart)
 *   files/…/a/<parts>.<dtype>/b/<n>                   stored data, in blocks (16 MiB by default)
 *   files/…/a/<parts>.<dtype>/journal.json            progress of an unfinished download
 *   files/…/a/<parts>.<dtype>/meta.json               written last: the copy is complete and checked
 *
 * An "artefact" is the stored copy of some parts of a file in one dtype (the VAE decoder as
 * fp16, say). A later choice that needs another part (the VAE encoder for image-to-image) adds
 * an artefact; nothing already stored is fetched again. The journal is rewritten after every
 * committed block, so a closed tab loses at most one block.
 */
import type { Sha256State } from '../download/sha256';
import type { FetchRange } from '../download/plan';
import type { SafeDType } from '../weights/safetensors';
import { getBytes, getJson, putJson, type ByteStore } from './store';

export interface FileRef {
  repo: string;
  revision: string;
  path: string;
}

export interface FileInfo {
  version: 1;
  fileSize: number;
  /** 8 + header JSON length: where the tensor data starts. */
  dataStart: number;
  etag: string | null;
  url: string | null;
  label: string;
  savedAt: string;
}

export interface Journal {
  version: 1;
  planKey: string;
  ranges: FetchRange[];
  wholeFile: boolean;
  /** Byte size of each committed block, in order. */
  blocks: number[];
  /** The next source byte to fetch. */
  srcNext: number;
  /** The next stored byte to produce (= sum of blocks). */
  outNext: number;
  /** Hash states at srcNext: 'file' for the whole file, else part names. */
  hashes: Record<string, Sha256State>;
  etag: string | null;
}

export interface StoredTensor {
  name: string;
  dtype: SafeDType;
  shape: number[];
  /** Offsets in the artefact's data. */
  begin: number;
  end: number;
}

export interface ArtefactMeta {
  version: 1;
  ref: FileRef;
  label: string;
  parts: string[];
  dtype: string;
  fileSize: number;
  etag: string | null;
  tensors: StoredTensor[];
  dataBytes: number;
  blocks: number[];
  /** What was checked: the whole file's sha256, each part's sha256, or size and header only. */
  verified: 'sha256-file' | 'sha256-parts' | 'size-and-header';
  /** Bytes fetched over the network for this artefact (header excluded). */
  fetchedBytes: number;
  completedAt: string;
}

const enc = encodeURIComponent;
export const fileKey = (r: FileRef) => `files/${enc(r.repo)}/${enc(r.revision)}/${enc(r.path)}`;
export const artefactId = (parts: string[], dtype: string) => `${[...parts].sort().join('+')}.${dtype}`;
const blockKey = (n: number) => `b/${String(n).padStart(6, '0')}`;

export interface CachedArtefact {
  id: string;
  parts: string[];
  dtype: string;
  complete: boolean;
  bytes: number;
}

export interface CachedFile {
  ref: FileRef;
  key: string;
  label: string;
  bytes: number;
  artefacts: CachedArtefact[];
}

export class WeightCache {
  constructor(readonly store: ByteStore) {}

  async getInfo(r: FileRef): Promise<{ info: FileInfo; header: Uint8Array } | undefined> {
    const info = await getJson<FileInfo>(this.store, `${fileKey(r)}/info.json`);
    if (!info || info.version !== 1) return undefined;
    const header = await getBytes(this.store, `${fileKey(r)}/header.bin`);
    if (!header || header.byteLength !== info.dataStart) return undefined;
    return { info, header };
  }

  async putInfo(r: FileRef, info: FileInfo, header: Uint8Array): Promise<void> {
    await this.store.put(`${fileKey(r)}/header.bin`, header);
    await putJson(this.store, `${fileKey(r)}/info.json`, info);
  }

  private art(r: FileRef, id: string) {
    return `${fileKey(r)}/a/${id}`;
  }

  getJournal(r: FileRef, id: string) {
    return getJson<Journal>(this.store, `${this.art(r, id)}/journal.json`);
  }

  putJournal(r: FileRef, id: string, j: Journal) {
    return putJson(this.store, `${this.art(r, id)}/journal.json`, j);
  }

  putBlock(r: FileRef, id: string, n: number, data: Uint8Array[]) {
    return this.store.put(`${this.art(r, id)}/${blockKey(n)}`, data);
  }

  async putMeta(r: FileRef, id: string, meta: ArtefactMeta): Promise<void> {
    await putJson(this.store, `${this.art(r, id)}/meta.json`, meta);
    await this.store.remove(`${this.art(r, id)}/journal.json`);
  }

  /** Forgets an unfinished or damaged artefact. */
  removeArtefact(r: FileRef, id: string) {
    return this.store.remove(this.art(r, id));
  }

  /** The complete artefacts of a file (meta present, every block present with its size). */
  async completeArtefacts(r: FileRef): Promise<ArtefactMeta[]> {
    const entries = await this.store.list(`${fileKey(r)}/a`);
    const sizes = new Map(entries.map((e) => [e.key, e.size]));
    const out: ArtefactMeta[] = [];
    for (const e of entries) {
      if (!e.key.endsWith('/meta.json')) continue;
      const meta = await getJson<ArtefactMeta>(this.store, e.key);
      if (!meta || meta.version !== 1) continue;
      const dir = e.key.slice(0, -'/meta.json'.length);
      const whole = meta.blocks.every((size, n) => sizes.get(`${dir}/${blockKey(n)}`) === size);
      if (whole) out.push(meta);
    }
    return out;
  }

  /** The stored data of a complete artefact as one Blob (blocks composed, not copied). */
  async artefactData(meta: ArtefactMeta): Promise<Blob> {
    const id = artefactId(meta.parts, meta.dtype);
    const blobs: Blob[] = [];
    for (const [n, size] of meta.blocks.entries()) {
      const b = await this.store.get(`${this.art(meta.ref, id)}/${blockKey(n)}`);
      if (!b || b.size !== size) throw new Error(`block ${n} of ${meta.label} is missing from the cache`);
      blobs.push(b);
    }
    return new Blob(blobs);
  }

  /** What the "manage downloads" view lists: every cached file, with its artefacts and sizes. */
  async list(): Promise<CachedFile[]> {
    const entries = await this.store.list('files');
    const files = new Map<string, CachedFile>();
    for (const e of entries) {
      const segs = e.key.split('/');
      if (segs.length < 5) continue;
      const key = segs.slice(0, 4).join('/');
      let f = files.get(key);
      if (!f) {
        const ref = { repo: decodeURIComponent(segs[1]), revision: decodeURIComponent(segs[2]), path: decodeURIComponent(segs[3]) };
        f = { ref, key, label: ref.path, bytes: 0, artefacts: [] };
        files.set(key, f);
      }
      f.bytes += e.size;
      if (segs[4] === 'info.json') {
        const info = await getJson<FileInfo>(this.store, e.key);
        if (info?.label) f.label = info.label;
      }
      if (segs[4] === 'a' && segs.length >= 6) {
        const id = segs[5];
        let a = f.artefacts.find((x) => x.id === id);
        if (!a) {
          const dot = id.lastIndexOf('.');
          a = { id, parts: id.slice(0, dot).split('+'), dtype: id.slice(dot + 1), complete: false, bytes: 0 };
          f.artefacts.push(a);
        }
        a.bytes += e.size;
        if (segs[6] === 'meta.json') a.complete = true;
      }
    }
    return [...files.values()];
  }

  /** Deletes one cached file (every artefact and its header). */
  deleteFile(r: FileRef | string) {
    return this.store.remove(typeof r === 'string' ? r : fileKey(r));
  }

  deleteAll() {
    return this.store.remove('files');
  }
}
