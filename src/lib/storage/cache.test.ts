import { describe, expect, test } from 'vitest';
import { MemoryStore } from './store';
import { WeightCache, artefactId, fileKey, type ArtefactMeta } from './cache';

const ref = { repo: 'h94/IP-Adapter', revision: 'refs/pr/1', path: 'models/image_encoder/model.safetensors' };

function meta(parts: string[], blocks: number[]): ArtefactMeta {
  return {
    version: 1, ref, label: 'vit', parts, dtype: 'F16', fileSize: 100, etag: null, tensors: [], dataBytes: blocks.reduce((a, b) => a + b, 0),
    blocks, verified: 'size-and-header', fetchedBytes: 0, completedAt: '',
  };
}

describe('weight cache bookkeeping', () => {
  test('keys: one segment per repository, revision and path, whatever they contain', () => {
    expect(fileKey(ref)).toBe('files/h94%2FIP-Adapter/refs%2Fpr%2F1/models%2Fimage_encoder%2Fmodel.safetensors');
    expect(artefactId(['trunk', 'head'], 'F16')).toBe('head+trunk.F16');
  });

  test('an artefact counts as complete only with its meta and every block at its size', async () => {
    const c = new WeightCache(new MemoryStore());
    const id = artefactId(['trunk'], 'F16');
    await c.putBlock(ref, id, 0, [new Uint8Array(10)]);
    await c.putBlock(ref, id, 1, [new Uint8Array(4), new Uint8Array(2)]);
    expect(await c.completeArtefacts(ref)).toEqual([]);
    await c.putMeta(ref, id, meta(['trunk'], [10, 6]));
    expect((await c.completeArtefacts(ref)).map((m) => m.parts)).toEqual([['trunk']]);
    expect((await c.artefactData(meta(['trunk'], [10, 6]))).size).toBe(16);
    await c.putMeta(ref, id, meta(['trunk'], [10, 7]));
    expect(await c.completeArtefacts(ref)).toEqual([]); // a block of the wrong size: not complete
  });

  test('manage downloads: list with sizes and states, delete one, delete all', async () => {
    const store = new MemoryStore();
    const c = new WeightCache(store);
    await c.putInfo(ref, { version: 1, fileSize: 100, dataStart: 3, etag: null, url: null, label: 'h94/IP-Adapter models/image_encoder/model.safetensors', savedAt: '' }, new Uint8Array(3));
    await c.putBlock(ref, 'trunk.F16', 0, [new Uint8Array(20)]);
    await c.putMeta(ref, 'trunk.F16', meta(['trunk'], [20]));
    await c.putBlock(ref, 'head.F16', 0, [new Uint8Array(5)]);
    await c.putJournal(ref, 'head.F16', { version: 1, planKey: '', ranges: [], wholeFile: false, blocks: [5], srcNext: 0, outNext: 5, hashes: {}, etag: null });
    const other = { repo: 'Lykon/dreamshaper-8', revision: 'abc', path: 'vae/x.safetensors' };
    await c.putBlock(other, 'decoder.F16', 0, [new Uint8Array(7)]);
    const list = await c.list();
    expect(list).toHaveLength(2);
    const vit = list.find((f) => f.ref.repo === 'h94/IP-Adapter')!;
    expect(vit.ref).toEqual(ref);
    expect(vit.label).toBe('h94/IP-Adapter models/image_encoder/model.safetensors');
    expect(vit.artefacts.map((a) => [a.id, a.complete])).toEqual([['head.F16', false], ['trunk.F16', true]].sort() as never);
    expect(vit.bytes).toBeGreaterThan(28);
    await c.deleteFile(vit.ref);
    expect((await c.list()).map((f) => f.ref.repo)).toEqual(['Lykon/dreamshaper-8']);
    await c.deleteAll();
    expect(await c.list()).toEqual([]);
    expect(store.data.size).toBe(0);
  });
});
