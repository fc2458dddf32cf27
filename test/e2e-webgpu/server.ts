// A throwaway static server on 127.0.0.1 (a secure context, so WebGPU is available): the page,
// onnxruntime-web's files from node_modules, and byte buffers the test registers.
import { createServer, type Server } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';

const ORT_DIST = join(process.cwd(), 'node_modules', 'onnxruntime-web', 'dist');
const TYPES: Record<string, string> = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

export interface TestServer { url: string; close(): Promise<void> }

export async function serve(blobs: Map<string, Uint8Array | string>): Promise<TestServer> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const blob = blobs.get(path);
    if (blob !== undefined) {
      const ext = path.slice(path.lastIndexOf('.'));
      res.writeHead(200, { 'content-type': TYPES[ext] ?? (typeof blob === 'string' ? 'text/html' : 'application/octet-stream') });
      res.end(blob);
      return;
    }
    if (path.startsWith('/ort/')) {
      const file = normalize(join(ORT_DIST, path.slice(5)));
      if (file.startsWith(ORT_DIST) && existsSync(file)) {
        res.writeHead(200, { 'content-type': TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream' });
        res.end(readFileSync(file));
        return;
      }
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
