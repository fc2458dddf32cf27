/**
 * The gallery's WebGPU route: the same pipeline host as the live lab, run in headless Chromium on
 * onnxruntime-web's WebGPU provider, so real SD1.5 + ViT-H fit (onnxruntime uploads the weights
 * straight into GPU buffers; the Node wasm route's 4 GiB heap cannot hold them). This file serves
 * the page, onnxruntime's files and the weight files on 127.0.0.1, launches Chromium and returns
 * `ask(request) → reply` for scripts/render-gallery-core.ts.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { Readable } from 'node:stream';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from '@playwright/test';
import type { ModelFile, ModelFiles, Reply, Request } from '../src/lib/pipeline/protocol';
import { packWire, reviveWire } from './gallery-wire';

export interface WebGpuHost {
  ask(msg: Request): Promise<Reply>;
  /** What the page's adapter is (index.json's machine.device) and whether it has shader-f16. */
  adapter: { description: string; f16: boolean; fallback: boolean };
  browserVersion: string;
  close(): Promise<void>;
}

const PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>gallery renderer</title>
<script type="module">
  import * as ort from '/ort/ort.webgpu.min.mjs';
  import { installHost } from '/gallery.js';
  ort.env.wasm.wasmPaths = new URL('/ort/', location.href).href;
  ort.env.wasm.numThreads = 1;
  installHost(ort);
  window.ready = true;
</script></html>`;

/** Replaces every ModelFile's bytes by a URL on the server; returns what the server hands out. */
function fileUrls(files: ModelFiles): { wire: unknown; served: Map<string, ModelFile['data']> } {
  const served = new Map<string, ModelFile['data']>();
  const swap = (f: ModelFile) => { const url = `/weights/${served.size}`; served.set(url, f.data); return { name: f.name, data: { url } }; };
  const wire = {
    ...Object.fromEntries((['checkpoint', 'unet', 'vae', 'textEncoder', 'imageEncoder'] as const).filter((k) => files[k]).map((k) => [k, swap(files[k]!)])),
    ...(files.adapters ? { adapters: files.adapters.map(swap) } : {}),
    ...(files.loras ? { loras: files.loras.map((l) => ({ ...l, file: swap(l.file) })) } : {}),
  };
  return { wire, served };
}

export async function openWebGpuHost(o: { repoRoot: string; chromiumPath?: string; gpuFlags?: boolean }): Promise<WebGpuHost> {
  const bundle = await build({
    entryPoints: [join(o.repoRoot, 'scripts/gallery-page.ts')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022',
    write: false, logLevel: 'error', external: ['onnxruntime-web'],
  });
  const js = bundle.outputFiles[0].text;
  const ortDist = join(o.repoRoot, 'node_modules', 'onnxruntime-web', 'dist');
  let served = new Map<string, ModelFile['data']>();
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/') { res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE); return; }
    if (path === '/gallery.js') { res.writeHead(200, { 'content-type': 'text/javascript' }).end(js); return; }
    if (path.startsWith('/ort/')) {
      const file = normalize(join(ortDist, path.slice(5)));
      if (file.startsWith(ortDist) && existsSync(file)) {
        res.writeHead(200, { 'content-type': file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript' }).end(readFileSync(file));
        return;
      }
    }
    const data = served.get(path);
    if (data !== undefined) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      if (data instanceof Blob) Readable.fromWeb(data.stream() as never).pipe(res);
      else res.end(data instanceof Uint8Array ? data : new Uint8Array(data));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;

  const flags = JSON.parse(readFileSync(join(o.repoRoot, 'bench/gpu/chromium-flags.json'), 'utf8')) as { base: string[]; gpu: string[] };
  const launch = (gpu: boolean) => chromium.launch({ executablePath: o.chromiumPath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: [...flags.base, ...(gpu ? flags.gpu : [])] });
  const open = async (b: Browser): Promise<Page> => {
    const page = await b.newPage();
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    return page;
  };
  // The Vulkan flags find a headless GPU; on a machine without one some builds then offer no adapter.
  let browser = await launch(o.gpuFlags !== false).catch(async (e) => { await new Promise((ok) => server.close(ok)); throw e; });
  let page = await open(browser);
  let adapter = await page.evaluate(() => (window as unknown as { adapterInfo(): Promise<WebGpuHost['adapter'] | null> }).adapterInfo());
  if (!adapter && o.gpuFlags !== false) {
    await browser.close();
    browser = await launch(false);
    page = await open(browser);
    adapter = await page.evaluate(() => (window as unknown as { adapterInfo(): Promise<WebGpuHost['adapter'] | null> }).adapterInfo());
  }
  const close = async () => { await browser.close().catch(() => {}); await new Promise((ok) => server.close(ok)); };
  if (!adapter) { await close(); throw Object.assign(new Error('Chromium offers no WebGPU adapter here (is there a GPU, and a Vulkan driver for it?).'), { code: 'no-adapter' }); }

  return {
    adapter, browserVersion: browser.version(), close,
    async ask(msg) {
      let wire: unknown = msg;
      if (msg.type === 'load') {
        const f = fileUrls(msg.files);
        served = f.served;
        wire = { ...msg, files: f.wire };
      }
      const replies = reviveWire<Reply[]>(await page.evaluate((m) => (window as unknown as { hostAsk(w: string): Promise<string> }).hostAsk(m), packWire(wire)));
      const answer = replies.find((r) => r.type !== 'load-progress' && r.type !== 'progress');
      if (!answer) throw new Error(`the page's pipeline gave no answer to ${msg.type}`);
      return answer;
    },
  };
}
