/**
 * The download cache in the Origin Private File System: one directory per key segment, one file
 * per key. A write goes through createWritable(), which Chromium and Firefox commit only on
 * close(): a closed tab or a full disk leaves the old file (or none), never half of a new one.
 */
import { checkKey, pieces, type ByteStore, type StoredEntry } from './store';

type Dir = FileSystemDirectoryHandle;

export const opfsAvailable = () =>
  typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function';

export class OpfsStore implements ByteStore {
  readonly kind = 'opfs' as const;
  private constructor(private readonly root: Dir) {}

  /** Opens (creating) the store's directory; throws where OPFS is missing or blocked. */
  static async open(name = 'ipa-weights'): Promise<OpfsStore> {
    const top = await navigator.storage.getDirectory();
    return new OpfsStore(await top.getDirectoryHandle(name, { create: true }));
  }

  private async dir(segs: string[], create: boolean): Promise<Dir | undefined> {
    let d = this.root;
    for (const s of segs) {
      try { d = await d.getDirectoryHandle(s, { create }); } catch (e) {
        if (!create && ((e as Error).name === 'NotFoundError' || (e as Error).name === 'TypeMismatchError')) return undefined;
        throw e;
      }
    }
    return d;
  }

  async put(key: string, data: Uint8Array | Uint8Array[]): Promise<void> {
    const segs = checkKey(key);
    const d = (await this.dir(segs.slice(0, -1), true))!;
    const handle = await d.getFileHandle(segs[segs.length - 1], { create: true });
    const w = await handle.createWritable();
    try {
      for (const p of pieces(data)) await w.write(p as Uint8Array<ArrayBuffer>);
      await w.close();
    } catch (e) {
      await w.abort().catch(() => {});
      throw e;
    }
  }

  async get(key: string): Promise<Blob | undefined> {
    const segs = checkKey(key);
    const d = await this.dir(segs.slice(0, -1), false);
    if (!d) return undefined;
    try { return await (await d.getFileHandle(segs[segs.length - 1])).getFile(); } catch { return undefined; }
  }

  async list(prefix: string): Promise<StoredEntry[]> {
    const segs = checkKey(prefix, true);
    const out: StoredEntry[] = [];
    const walk = async (d: Dir, path: string[]) => {
      for await (const [name, h] of (d as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
        const p = [...path, name];
        if (h.kind === 'directory') await walk(h as Dir, p);
        else out.push({ key: p.join('/'), size: (await (h as FileSystemFileHandle).getFile()).size });
      }
    };
    if (segs.length === 0) {
      await walk(this.root, []);
    } else {
      const parent = await this.dir(segs.slice(0, -1), false);
      const last = segs[segs.length - 1];
      const dir = parent && await parent.getDirectoryHandle(last).catch(() => undefined);
      const file = parent && !dir ? await parent.getFileHandle(last).catch(() => undefined) : undefined;
      if (dir) await walk(dir, segs);
      else if (file) out.push({ key: prefix, size: (await file.getFile()).size });
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  async remove(prefix: string): Promise<void> {
    const segs = checkKey(prefix, true);
    if (segs.length === 0) {
      for await (const [name] of (this.root as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
        await this.root.removeEntry(name, { recursive: true });
      }
      return;
    }
    const parent = await this.dir(segs.slice(0, -1), false);
    if (!parent) return;
    await parent.removeEntry(segs[segs.length - 1], { recursive: true }).catch((e: Error) => {
      if (e.name !== 'NotFoundError') throw e;
    });
  }
}
