/**
 * The generation worker: owns onnxruntime-web and every session, so the page's main thread never
 * runs a network. Protocol: src/lib/pipeline/protocol.ts; logic: src/lib/pipeline/host.ts;
 * page-side API: src/lib/pipeline/client.ts.
 *
 * onnxruntime-web/webgpu is the native WebGPU execution provider (with its wasm build as the CPU
 * fallback), in its extern-wasm variant (./ort.ts): the loader .mjs and the .wasm are fetched
 * from this site's own /ort/ (copied there by scripts/copy-ort.mjs at build time), never from a
 * CDN, and the bundler does not copy them again. Multi-threaded wasm needs cross-origin
 * isolation; without it one thread is used. Bundled by Vite through `PipelineClient.create()`
 * (src/lib/pipeline/client.ts): ~340 kB, the tokenizer's merges a separate lazy chunk.
 */
import { ort } from './ort';
import { createPipelineHost, type HostEnv } from '../lib/pipeline/host';
import { ORT_WASM_PATH, type Reply, type Request } from '../lib/pipeline/protocol';

interface WorkerScope {
  location: { origin: string };
  crossOriginIsolated?: boolean;
  navigator: { hardwareConcurrency?: number; gpu?: HostEnv['gpu'] };
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  addEventListener(type: 'error' | 'unhandledrejection', listener: (e: { message?: string; reason?: unknown }) => void): void;
}
const scope = globalThis as unknown as WorkerScope;

ort.env.wasm.wasmPaths = new URL(ORT_WASM_PATH, scope.location.origin).href;
ort.env.wasm.numThreads = scope.crossOriginIsolated ? Math.min(4, scope.navigator.hardwareConcurrency ?? 1) : 1;
ort.env.wasm.proxy = false;

const post = (reply: Reply, transfer: Transferable[] = []) => scope.postMessage(reply, transfer);
const host = createPipelineHost({ ort, post, gpu: scope.navigator.gpu, origin: scope.location.origin });

scope.addEventListener('message', (e) => { void host.handle(e.data as Request); });
// Anything that still escapes becomes an error message, never silence.
scope.addEventListener('error', (e) => post({ type: 'error', id: null, code: 'runtime', message: e.message ?? 'Unknown error in the generation worker.' }));
scope.addEventListener('unhandledrejection', (e) => post({ type: 'error', id: null, code: 'runtime', message: e.reason instanceof Error ? e.reason.message : String(e.reason) }));
post({ type: 'status', id: 0, loaded: null, busy: null });
