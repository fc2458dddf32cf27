/**
 * onnxruntime-web's WebGPU build *without* the bundled wasm loader (the package's
 * "onnxruntime-web-use-extern-wasm" variant of `onnxruntime-web/webgpu`). The default bundle
 * contains `new URL('ort-wasm-simd-threaded.asyncify.wasm', import.meta.url)`, which Vite turns
 * into a second 27 MB copy of the wasm under _astro/ (or inlines as base64); this build instead
 * loads both the .mjs loader and the .wasm from `ort.env.wasm.wasmPaths`, i.e. the site's own
 * /ort/ (scripts/copy-ort.mjs). The package's exports map hides the file, hence the path; its
 * API and types are those of `onnxruntime-web`.
 */
import type * as Ort from 'onnxruntime-web';
// @ts-ignore -- the .mjs has no declaration file of its own (types: onnxruntime-web)
import * as ortWebgpu from '../../node_modules/onnxruntime-web/dist/ort.webgpu.min.mjs';

export const ort = ortWebgpu as unknown as typeof Ort;
