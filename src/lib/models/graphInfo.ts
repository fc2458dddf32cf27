import type { Graph } from '../onnx/graph';
import { DTYPE_BYTES, type SafeDType, type SafetensorsHeader, type TensorInfo } from '../weights/safetensors';
import type { WeightFile } from '../weights/weights';

/**
 * Header-only weight files and graph structure: what the full-size structural tests (and a page
 * that has fetched only a file's header) work with. Parameter counts: graphWeights.ts.
 */

/**
 * The op types of the graph's computing nodes, in order. A Transpose applied to a weight is
 * left out: onnxruntime folds it at session creation, and fp16 graphs transpose while converting.
 */
export function computeNodeTypes(g: Graph): string[] {
  const init = new Set(g.initializers.map((t) => t.name));
  return g.nodes.filter((n) => !(n.opType === 'Transpose' && init.has(n.input[0]))).map((n) => n.opType as string);
}

/**
 * A weight file known only by its tensor names and shapes (no bytes): what a browser has after
 * fetching just the header with an HTTP Range request, enough to build and check a graph.
 */
export function headerOnlyFile(location: string, shapes: Record<string, number[]>, dtype: SafeDType = 'F32', label = location): WeightFile {
  const tensors = new Map<string, TensorInfo>();
  let offset = 0;
  for (const [name, shape] of Object.entries(shapes)) {
    const bytes = shape.reduce((a, d) => a * d, 1) * DTYPE_BYTES[dtype];
    tensors.set(name, { name, dtype, shape, begin: offset, end: offset + bytes });
    offset += bytes;
  }
  const header: SafetensorsHeader = { dataStart: 0, tensors, metadata: {}, requiredSize: offset };
  return { location, header, label };
}
