import { CONVERTED_LOCATION, type Graph } from '../onnx/graph';
import type { TensorInfo } from '../weights/safetensors';
import type { WeightFile } from '../weights/weights';

/**
 * Which tensors of which files a built graph reads: the external initializers (by location and
 * byte offset) plus the sources of queued conversions. Used to count a network's parameters
 * exactly from the file layout, and to check that a builder uses every tensor of a file (none
 * forgotten, e.g. a dropped bias) — or to list which ones a Range-request loader must fetch.
 */
export interface UsedTensor {
  location: string;
  info: TensorInfo;
}

export function usedTensors(graph: Graph, files: WeightFile[]): UsedTensor[] {
  const byLocation = new Map<string, Map<number, TensorInfo>>();
  for (const f of files) {
    const m = new Map<number, TensorInfo>();
    for (const info of f.header.tensors.values()) if (info.end > info.begin) m.set(info.begin, info);
    byLocation.set(f.location, m);
  }
  const seen = new Map<string, UsedTensor>();
  const add = (location: string, info: TensorInfo) => seen.set(`${location}\u0000${info.name}`, { location, info });
  for (const t of graph.initializers) {
    const ext = t.externalData;
    if (!ext || ext.length === 0) continue;
    const get = (k: string) => ext.find((e) => e.key === k)?.value;
    const location = get('location')!;
    if (location === CONVERTED_LOCATION) continue;
    const info = byLocation.get(location)?.get(Number(get('offset')));
    if (!info) throw new Error(`graph ${graph.name}: initializer ${t.name} points at ${location}@${get('offset')}, which is no tensor of the given files`);
    add(location, info);
  }
  for (const c of graph.conversions) add(c.source.location, c.source.info);
  return [...seen.values()];
}

/** Number of parameters (elements) in the given tensors. */
export const parameterCount = (tensors: UsedTensor[]) =>
  tensors.reduce((sum, t) => sum + t.info.shape.reduce((a, d) => a * d, 1), 0);
