import type * as Ort from 'onnxruntime-web';
import type { Graph } from './graph';
import { externalDataFor, type FileBytes } from './materialize';

/**
 * Creates an onnxruntime-web session for a built graph. The ort module is passed in so the
 * same code runs in the worker (onnxruntime-web/webgpu) and in Node tests (wasm).
 */
export async function createSession(
  ort: typeof Ort,
  graph: Graph,
  files: FileBytes,
  options: Ort.InferenceSession.SessionOptions = {},
): Promise<Ort.InferenceSession> {
  return ort.InferenceSession.create(graph.toBytes(), {
    executionProviders: ['wasm'],
    ...options,
    externalData: externalDataFor(graph, files),
  });
}
