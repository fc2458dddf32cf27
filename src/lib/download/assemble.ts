/**
 * Turns cached artefacts back into safetensors files the graph builders and the pipeline host
 * read like any upstream file: a new header (only the stored tensors, offsets into the stored
 * data) in front of the stored blocks, composed as a Blob (no copy until someone reads it).
 *
 * A file whose stored data would pass `shardBytes` is split into several safetensors files
 * (each one a WeightFile of its own; `new Weights([...shards])` finds tensors across them), so
 * no single buffer handed to onnxruntime nears the ~2 GB ArrayBuffer cap.
 */
import { parseSafetensorsHeader, type SafetensorsHeader } from '../weights/safetensors';
import type { WeightFile } from '../weights/weights';
import type { ArtefactMeta, StoredTensor, WeightCache } from '../storage/cache';

export interface AssembledFile {
  /** Location name for the graph builder's external data. */
  location: string;
  label: string;
  blob: Blob;
  header: SafetensorsHeader;
  weightFile: WeightFile;
}

/** Safetensors header bytes for tensors laid out back to back from offset 0. */
export function safetensorsHeaderBytes(tensors: StoredTensor[], metadata: Record<string, string>): { bytes: Uint8Array; offsets: [number, number][] } {
  const json: Record<string, unknown> = { __metadata__: metadata };
  let at = 0;
  const offsets: [number, number][] = [];
  for (const t of tensors) {
    const size = t.end - t.begin;
    json[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [at, at + size] };
    offsets.push([at, at + size]);
    at += size;
  }
  let text = JSON.stringify(json);
  // Pad so the data starts at a multiple of 8, as the safetensors writer does.
  text += ' '.repeat((8 - ((8 + new TextEncoder().encode(text).byteLength) % 8)) % 8);
  const body = new TextEncoder().encode(text);
  const bytes = new Uint8Array(8 + body.byteLength);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(body.byteLength), true);
  bytes.set(body, 8);
  return { bytes, offsets };
}

interface Piece { tensor: StoredTensor; data: Blob }

/**
 * The safetensors file(s) for a set of complete artefacts of one upstream file, tensors in
 * their stored order, split into shards of at most `shardBytes` of data.
 */
export async function assembleFiles(cache: WeightCache, artefacts: ArtefactMeta[], o: { location: string; shardBytes?: number }): Promise<AssembledFile[]> {
  const pieces: Piece[] = [];
  for (const meta of artefacts) {
    const data = await cache.artefactData(meta);
    for (const t of meta.tensors) pieces.push({ tensor: t, data: data.slice(t.begin, t.end) });
  }
  const limit = o.shardBytes ?? Infinity;
  const groups: Piece[][] = [[]];
  let size = 0;
  for (const p of pieces) {
    const n = p.tensor.end - p.tensor.begin;
    if (size > 0 && size + n > limit) { groups.push([]); size = 0; }
    groups[groups.length - 1].push(p);
    size += n;
  }
  const first = artefacts[0];
  const source = first ? `${first.ref.repo}@${first.ref.revision}/${first.ref.path}` : 'local';
  return groups.map((g, i) => {
    const location = groups.length === 1 ? o.location : `${o.location}.part${i + 1}of${groups.length}`;
    const label = `${first?.label ?? o.location}${groups.length === 1 ? '' : ` (${i + 1}/${groups.length})`}`;
    const { bytes } = safetensorsHeaderBytes(g.map((p) => p.tensor), {
      format: 'pt', source, parts: artefacts.flatMap((a) => a.parts).join(','), dtype: first?.dtype ?? '',
    });
    const blob = new Blob([bytes as Uint8Array<ArrayBuffer>, ...g.map((p) => p.data)]);
    const header = parseSafetensorsHeader(bytes, blob.size, label);
    return { location, label, blob, header, weightFile: { location, header, label } };
  });
}
