// A local stand-in for Hugging Face, for the download tests and the benchmark: two HTTP servers
// on 127.0.0.1 (random ports). The "hub" answers /<repo>/resolve/<revision>/<path> with a 302 to
// the "cdn" (as huggingface.co sends LFS files to its CDN); the cdn serves the bytes with Range
// support, ETag and CORS. Faults can be switched on per path: a dropped connection mid-file, a
// status (404, 403, 500), a corrupt byte, a slow link, a redirect elsewhere, a server that
// ignores Range. Every request is logged with the bytes sent.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface Fault {
  /** Close the connection after this many body bytes, for the next `times` requests (default 1). */
  dropAfter?: number;
  times?: number;
  /** Answer with this status instead (404, 403, 500…), on the hub. */
  status?: number;
  /** Flip this absolute byte of the file in every response. */
  corruptAt?: number;
  /** Send at most this many bytes per second. */
  bytesPerSecond?: number;
  /** Redirect to this origin instead of the cdn. */
  redirectTo?: string;
  /** Answer 200 with the whole file, ignoring Range. */
  ignoreRange?: boolean;
  /** Send 206 without Content-Range (as a browser sees a CDN that does not expose it). */
  noContentRange?: boolean;
}

export interface LoggedRequest {
  server: 'hub' | 'cdn';
  method: string;
  path: string;
  range: string | null;
  status: number;
  /** Body bytes written (before any drop). */
  sent: number;
}

export interface HfServer {
  hub: string;
  cdn: string;
  log: LoggedRequest[];
  faults: Map<string, Fault>;
  /** Adds or replaces a file (path = /<repo>/resolve/<revision>/<file path>). */
  setFile(path: string, bytes: Uint8Array): void;
  /** Body bytes sent for paths containing `substr` (all when omitted), from log entry `since`. */
  sentBytes(substr?: string, since?: number): number;
  close(): Promise<void>;
}

const listen = (s: Server) => new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));

function cors(res: ServerResponse) {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Headers', 'Range');
  res.setHeader('Access-Control-Expose-Headers', 'Content-Range, Content-Length, ETag, X-Linked-Etag, X-Linked-Size, Accept-Ranges');
}

export async function startHfServer(files: Map<string, Uint8Array>): Promise<HfServer> {
  const store = new Map(files);
  const etags = new Map<string, string>();
  const etagOf = (path: string) => {
    let e = etags.get(path);
    if (!e) { e = `"${createHash('sha256').update(store.get(path)!).digest('hex')}"`; etags.set(path, e); }
    return e;
  };
  const lfsIds = new Map<string, string>();
  const log: LoggedRequest[] = [];
  const faults = new Map<string, Fault>();
  const faultFor = (path: string) => faults.get(path);
  let cdnOrigin = '';

  const hub = createServer((req, res) => {
    cors(res);
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const entry: LoggedRequest = { server: 'hub', method: req.method ?? 'GET', path, range: (req.headers.range as string) ?? null, status: 0, sent: 0 };
    log.push(entry);
    const done = (status: number, body = '') => { entry.status = status; res.statusCode = status; res.end(body); };
    if (req.method === 'OPTIONS') return done(204);
    const fault = faultFor(path);
    if (fault?.status) return done(fault.status, fault.status === 404 ? 'Entry not found' : 'error');
    if (!store.has(path)) return done(404, 'Entry not found');
    let id = lfsIds.get(path);
    if (!id) { id = etagOf(path).slice(1, 17); lfsIds.set(path, id); }
    res.setHeader('X-Linked-Etag', etagOf(path));
    res.setHeader('X-Linked-Size', String(store.get(path)!.byteLength));
    res.setHeader('Location', `${fault?.redirectTo ?? cdnOrigin}/lfs/${id}?p=${encodeURIComponent(path)}`);
    done(302);
  });

  const cdn = createServer((req, res) => {
    cors(res);
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.searchParams.get('p') ?? '';
    const entry: LoggedRequest = { server: 'cdn', method: req.method ?? 'GET', path, range: (req.headers.range as string) ?? null, status: 0, sent: 0 };
    log.push(entry);
    if (req.method === 'OPTIONS') { entry.status = 204; res.statusCode = 204; res.end(); return; }
    const bytes = store.get(path);
    if (!bytes) { entry.status = 404; res.statusCode = 404; res.end('not found'); return; }
    serveBytes(req, res, bytes, etagOf(path), faultFor(path), entry);
  });

  const hubPort = await listen(hub);
  const cdnPort = await listen(cdn);
  cdnOrigin = `http://127.0.0.1:${cdnPort}`;
  return {
    hub: `http://127.0.0.1:${hubPort}`,
    cdn: cdnOrigin,
    log,
    faults,
    setFile(path, bytes) { store.set(path, bytes); etags.delete(path); lfsIds.delete(path); },
    sentBytes(substr, since = 0) {
      return log.slice(since).filter((r) => substr === undefined || r.path.includes(substr)).reduce((s, r) => s + r.sent, 0);
    },
    close: () => Promise.all([hub, cdn].map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); }))).then(() => {}),
  };
}

function serveBytes(req: IncomingMessage, res: ServerResponse, bytes: Uint8Array, etag: string, fault: Fault | undefined, entry: LoggedRequest) {
  const size = bytes.byteLength;
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('ETag', etag);
  res.setHeader('Content-Type', 'application/octet-stream');
  let start = 0;
  let end = size - 1;
  const m = /^bytes=(\d*)-(\d*)$/.exec((req.headers.range as string) ?? '');
  if (m && !fault?.ignoreRange) {
    if (m[1] === '') { start = Math.max(0, size - Number(m[2])); } else { start = Number(m[1]); if (m[2] !== '') end = Math.min(size - 1, Number(m[2])); }
    if (start >= size || start > end) {
      entry.status = 416;
      res.statusCode = 416;
      res.setHeader('Content-Range', `bytes */${size}`);
      res.end();
      return;
    }
    res.statusCode = 206;
    if (!fault?.noContentRange) res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
  } else {
    res.statusCode = 200;
  }
  entry.status = res.statusCode;
  res.setHeader('Content-Length', String(end - start + 1));
  if (req.method === 'HEAD') { res.end(); return; }

  let body = bytes.subarray(start, end + 1);
  if (fault?.corruptAt !== undefined && fault.corruptAt >= start && fault.corruptAt <= end) {
    body = Uint8Array.from(body);
    body[fault.corruptAt - start] ^= 0xff;
  }
  let dropAt = Infinity;
  if (fault?.dropAfter !== undefined && fault.dropAfter < body.byteLength && (fault.times ?? 1) > 0) {
    dropAt = fault.dropAfter;
    fault.times = (fault.times ?? 1) - 1;
  }
  const rate = fault?.bytesPerSecond;
  const piece = rate ? Math.max(1024, Math.floor(rate / 20)) : 256 * 1024;
  let at = 0;
  const t0 = Date.now();
  const pump = () => {
    while (at < body.byteLength) {
      if (at >= dropAt) { res.socket?.destroy(); return; }
      const n = Math.min(piece, body.byteLength - at, dropAt - at);
      const chunk = body.subarray(at, at + n);
      at += n;
      entry.sent += n;
      if (at >= dropAt) {
        // the connection breaks once these bytes have reached the wire
        res.write(chunk, () => res.socket?.destroy());
        return;
      }
      const more = res.write(chunk);
      if (rate) {
        const due = t0 + (at / rate) * 1000;
        setTimeout(pump, Math.max(0, due - Date.now()));
        return;
      }
      if (!more) { res.once('drain', pump); return; }
    }
    if (at >= dropAt && dropAt < body.byteLength) { res.socket?.destroy(); return; }
    res.end();
  };
  res.on('close', () => { at = body.byteLength; });
  pump();
}
