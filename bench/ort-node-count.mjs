// Child process for bench/networks.bench.ts: creates an onnxruntime-web (wasm) session for a
// model in a folder with the verbose log on, so the caller can read how many nodes remain
// after onnxruntime's graph optimisations. Usage: node ort-node-count.mjs DIR
import * as ort from 'onnxruntime-web';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

ort.env.wasm.numThreads = 1;
const dir = process.argv[2];
const manifest = JSON.parse(readFileSync(join(dir, 'external.json'), 'utf8'));
const externalData = manifest.map((e) => ({ path: e.path, data: readFileSync(join(dir, e.file)) }));
const session = await ort.InferenceSession.create(readFileSync(join(dir, 'model.onnx')), {
  executionProviders: ['wasm'], logSeverityLevel: 0, logVerbosityLevel: 0, externalData,
});
await session.release();
