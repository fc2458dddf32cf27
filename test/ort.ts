// onnxruntime-web on wasm in Node, single-threaded (the CI machine has 2 cores and tests run in parallel).
import * as ort from 'onnxruntime-web';
ort.env.wasm.numThreads = 1;
export { ort };

/** Max |a − b| divided by max |b| — the fixtures' tolerance is relative to the output's scale. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ ${expected.length}`);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    err = Math.max(err, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return err / (scale || 1);
}
