// The page and host glue shared by the WebGPU specs: graphs built in Node are served with their
// weight files, run in Chromium on onnxruntime-web's native WebGPU provider with the verbose
// placement log on, and their outputs come back for comparison with the fixtures.
import type { Page } from '@playwright/test';
import type { Graph } from '../../src/lib/onnx/graph';
import { externalDataFor } from '../../src/lib/onnx/materialize';
import { serve, type TestServer } from './server';

export const PAGE = `<!doctype html><meta charset="utf-8"><title>webgpu check</title>
<script type="module">
import * as ort from '/ort/ort.webgpu.min.mjs';
ort.env.wasm.wasmPaths = '/ort/';
ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'verbose';
const bytes = async (p) => new Uint8Array(await (await fetch(p)).arrayBuffer());
window.runGraph = async (model, externalPaths, feeds, options = {}) => {
  const adapter = await navigator.gpu?.requestAdapter();
  if (!adapter) return { error: 'no WebGPU adapter' };
  const externalData = await Promise.all(externalPaths.map(async (path) => ({ path, data: await bytes('/files/' + path) })));
  const session = await ort.InferenceSession.create(await bytes(model), {
    executionProviders: ['webgpu'], logSeverityLevel: 0, logVerbosityLevel: 0, externalData, ...options,
  });
  const inputs = {};
  for (const [name, f] of Object.entries(feeds)) {
    inputs[name] = f.type === 'int64'
      ? new ort.Tensor('int64', BigInt64Array.from(f.data, (v) => BigInt(v)), f.shape)
      : new ort.Tensor('float32', Float32Array.from(f.data), f.shape);
  }
  const out = await session.run(inputs);
  const result = {};
  for (const [k, v] of Object.entries(out)) result[k] = Array.from(v.data);
  await session.release();
  return { adapter: adapter.info?.vendor + ' ' + adapter.info?.architecture, result };
};
window.ready = true;
</script>`;

export interface Feed { type: 'int64' | 'float32'; data: number[]; shape: number[] }
export interface GraphCase {
  name: string;
  graph: Graph;
  files: Map<string, Uint8Array>;
  feeds: Record<string, Feed>;
  expected: Record<string, ArrayLike<number>>;
  /** Session options, e.g. freeDimensionOverrides so shape arithmetic folds away. */
  options?: Record<string, unknown>;
}

/** Serves the page, every case's model and its external files (weights and converted.bin). */
export async function serveCases(cases: GraphCase[]): Promise<TestServer> {
  const blobs = new Map<string, Uint8Array | string>([['/', PAGE]]);
  cases.forEach((c, i) => {
    blobs.set(`/model${i}.onnx`, c.graph.toBytes());
    for (const { path, data } of externalDataFor(c.graph, c.files)) blobs.set(`/files/${path}`, data);
  });
  return serve(blobs);
}

export interface RunResult { error?: string; adapter?: string; result: Record<string, number[]>; placement: string[] }

export async function runCase(page: Page, logs: string[], c: GraphCase, i: number): Promise<RunResult> {
  const from = logs.length;
  const r = await page.evaluate(
    ([model, paths, feeds, options]) => (window as unknown as { runGraph: (...a: unknown[]) => Promise<Omit<RunResult, 'placement'>> }).runGraph(model, paths, feeds, options),
    [`/model${i}.onnx`, [...c.graph.locations], c.feeds, c.options ?? {}] as const,
  );
  const placement = logs.slice(from).filter((l) => /placed on \[/.test(l)).map((l) => l.replace(/^.*VerifyEachNodeIsAssignedToAnEp\]\s*/, ''));
  return { ...r, placement };
}

export async function openHarness(page: Page, url: string): Promise<string[]> {
  const logs: string[] = [];
  page.on('console', (m) => logs.push(m.text()));
  await page.goto(url + '/');
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  return logs;
}
