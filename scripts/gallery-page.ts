/**
 * The page side of the gallery's WebGPU route (scripts/gallery-webgpu.ts): the live lab's
 * pipeline host on the page's own thread, onnxruntime-web passed in by the page (loaded from
 * /ort/ as the site does). `hostAsk` takes a packed request and returns the packed replies.
 */
import type * as Ort from 'onnxruntime-web';
import { createPipelineHost } from '../src/lib/pipeline/host';
import { isSoftwareAdapter } from '../src/lib/live/capability';
import type { Reply, Request } from '../src/lib/pipeline/protocol';
import { isWireFile, packWire, reviveWire } from './gallery-wire';

/** Each { name, data: { url } } in a load request becomes a Blob fetched from the script's server. */
async function fetchFiles(value: unknown): Promise<unknown> {
  if (isWireFile(value)) {
    const res = await fetch(value.data.url);
    if (!res.ok) throw new Error(`${value.name}: HTTP ${res.status}`);
    return { name: value.name, data: await res.blob() };
  }
  if (Array.isArray(value)) return Promise.all(value.map(fetchFiles));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await fetchFiles(v);
    return out;
  }
  return value;
}

export function installHost(ort: typeof Ort): void {
  const replies: Reply[] = [];
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<never> } }).gpu;
  const host = createPipelineHost({ ort, post: (r) => replies.push(r), gpu, origin: location.origin });
  const w = window as unknown as { hostAsk(wire: string): Promise<string>; adapterInfo(): Promise<unknown> };
  w.hostAsk = async (wire) => {
    const msg = reviveWire<Request>(wire);
    if (msg.type === 'load') msg.files = (await fetchFiles(msg.files)) as typeof msg.files;
    const from = replies.length;
    await host.handle(msg);
    return packWire(replies.slice(from).filter((r) => r.type !== 'progress' && r.type !== 'load-progress'));
  };
  w.adapterInfo = async () => {
    const a = await (navigator as unknown as { gpu?: { requestAdapter(o?: unknown): Promise<any> } }).gpu?.requestAdapter({ powerPreference: 'high-performance' });
    if (!a) return null;
    const i = a.info ?? {};
    return { description: [i.vendor, i.architecture, i.description].filter(Boolean).join(' / '), f16: a.features.has('shader-f16'), fallback: isSoftwareAdapter({ isFallbackAdapter: a.isFallbackAdapter, info: i }) };
  };
}
