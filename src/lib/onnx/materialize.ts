import { floatToHalf, readFloat32 } from '../weights/safetensors';
import { CONVERTED_LOCATION, type Graph } from './graph';

/** The bytes of each external file a graph refers to, by location name. */
export type FileBytes = Map<string, Uint8Array>;

/**
 * Builds `converted.bin` (weights whose dtype had to change, e.g. fp32 → fp16) and returns the
 * `externalData` list onnxruntime expects: one entry per location the model names.
 */
export function externalDataFor(graph: Graph, files: FileBytes): { path: string; data: Uint8Array }[] {
  const out: { path: string; data: Uint8Array }[] = [];
  for (const location of graph.locations) {
    if (location === CONVERTED_LOCATION) continue;
    const data = files.get(location);
    if (!data) throw new Error(`graph ${graph.name} needs the file "${location}", which was not provided`);
    out.push({ path: location, data });
  }
  if (graph.conversions.length > 0) out.push({ path: CONVERTED_LOCATION, data: convertWeights(graph, files) });
  return out;
}

export function convertWeights(graph: Graph, files: FileBytes): Uint8Array {
  const buffer = new Uint8Array(graph.convertedSize);
  const view = new DataView(buffer.buffer);
  for (const c of graph.conversions) {
    const file = files.get(c.source.location);
    if (!file) throw new Error(`graph ${graph.name} needs the file "${c.source.location}", which was not provided`);
    let values = readFloat32(file, c.source.info);
    if (c.transpose) values = transpose2d(values, c.source.info.shape[0], c.source.info.shape[1]);
    if (c.to === 'float16') for (let i = 0; i < values.length; i++) view.setUint16(c.offset + i * 2, floatToHalf(values[i]), true);
    else if (c.to === 'float32') for (let i = 0; i < values.length; i++) view.setFloat32(c.offset + i * 4, values[i], true);
    else throw new Error(`cannot convert ${c.source.info.name} to ${c.to}`);
  }
  return buffer;
}

function transpose2d(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c];
  return out;
}
