/**
 * The page's side of the generation worker: promises for requests, callbacks for progress.
 * Nothing here computes; every network runs in the worker, so the main thread stays free.
 *
 *   const client = PipelineClient.create();
 *   await client.load({ checkpoint, imageEncoder, adapters: [ipa] }, { onProgress });
 *   const r = await client.generate(settings, { onProgress: (p) => draw(p.previews[0]), signal });
 *   await client.cancel({ release: true });   // stop within a step and free GPU memory
 *
 * A failed request rejects with a PipelineClientError carrying the worker's `code` and message
 * (and, for invalid settings, the list of issues).
 *
 * Recovery without a page reload: when the worker crashes (its error event) every pending
 * request is rejected with 'worker-failed'; when it reports 'device-lost' its GPU device is gone
 * for good. In both cases the next request starts a fresh worker (a client made from a factory,
 * as `create()` does) — so after a lost device, `load` again and generate. Bilingual
 * explanations for the reader: errorMessages.ts.
 */
import type { ErrorCode, LoadedInfo, LoadOptions, ModelFiles, Reply, ReplyOf, Request } from './protocol';
import type { GenerateSettings } from './settings';

/** What the client needs from a Worker (a real one, or an in-process stand-in in tests). */
export interface WorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((e: { data: unknown }) => void) | null;
  onerror?: ((e: { message?: string }) => void) | null;
  terminate?(): void;
}

export class PipelineClientError extends Error {
  constructor(readonly code: ErrorCode | 'worker-failed' | 'terminated', message: string, readonly details?: unknown) {
    super(message);
    this.name = 'PipelineClientError';
  }
}

type Progress = ReplyOf<'progress'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type LoadProgress = ReplyOf<'load-progress'>;
interface Pending {
  expect: Reply['type'];
  resolve(r: Reply): void;
  reject(e: PipelineClientError): void;
  onProgress?(p: Progress): void;
  onLoadProgress?(p: LoadProgress): void;
}

export type GenerateReply = ReplyOf<'result'>;

export class PipelineClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private generating: number | null = null;
  private worker: WorkerLike;
  private readonly factory: (() => WorkerLike) | null;
  /** Set when the worker crashed or lost its GPU device: the next request starts a fresh one. */
  private broken: PipelineClientError | null = null;
  /** Workers started so far (1 + restarts). */
  workersStarted = 1;
  /** Errors not tied to a request (a crash inside the worker, a device lost while idle). */
  onError: ((e: PipelineClientError) => void) | null = null;

  /** A worker, or a function that starts one (needed to recover from a crash or a lost device). */
  constructor(worker: WorkerLike | (() => WorkerLike)) {
    this.factory = typeof worker === 'function' ? worker : null;
    this.worker = typeof worker === 'function' ? worker() : worker;
    this.attach(this.worker);
  }

  /** Starts the worker (bundled by Vite from src/workers/generate.worker.ts). */
  static create(): PipelineClient {
    return new PipelineClient(() => new Worker(new URL('../../workers/generate.worker.ts', import.meta.url), { type: 'module' }) as unknown as WorkerLike);
  }

  private attach(w: WorkerLike): void {
    w.onmessage = (e) => { if (w === this.worker) this.receive(e.data as Reply); };
    w.onerror = (e) => {
      if (w !== this.worker) return;
      const err = new PipelineClientError('worker-failed', `The generation worker crashed${e?.message ? ` (${e.message})` : ''}; a fresh one starts with the next request.`);
      this.broken = err;
      this.failAll(err);
    };
  }

  /** A fresh worker in place of a crashed one (or one whose GPU device is lost). */
  private restart(): void {
    const old = this.worker;
    old.onmessage = null;
    if (old.onerror !== undefined) old.onerror = null;
    old.terminate?.();
    this.worker = this.factory!();
    this.attach(this.worker);
    this.broken = null;
    this.workersStarted++;
  }

  private receive(r: Reply): void {
    if (!r || typeof r !== 'object') return;
    // a lost device cannot come back in this worker: the next request gets a new one
    if (r.type === 'error' && r.code === 'device-lost') this.broken = new PipelineClientError('device-lost', r.message);
    if (r.type === 'error' && (r.id === null || !this.pending.has(r.id))) {
      this.onError?.(new PipelineClientError(r.code, r.message, r.details));
      return;
    }
    const p = this.pending.get(r.id as number);
    if (!p) return;
    if (r.type === 'progress') { p.onProgress?.(r); return; }
    if (r.type === 'load-progress') { p.onLoadProgress?.(r); return; }
    this.pending.delete(r.id as number);
    if (r.type === 'error') p.reject(new PipelineClientError(r.code, r.message, r.details));
    else p.resolve(r);
  }

  private failAll(e: PipelineClientError): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    this.onError?.(e);
  }

  private request<T extends Reply['type']>(msg: DistributiveOmit<Request, 'id'>, expect: T, extra: Partial<Pending> = {}, transfer: Transferable[] = []): { id: number; promise: Promise<ReplyOf<T>> } {
    const id = this.nextId++;
    if (this.broken) {
      if (!this.factory) return { id, promise: Promise.reject(this.broken) };
      this.restart();
    }
    const promise = new Promise<ReplyOf<T>>((resolve, reject) => {
      this.pending.set(id, { expect, resolve: resolve as (r: Reply) => void, reject, ...extra });
    });
    this.worker.postMessage({ ...msg, id }, transfer);
    return { id, promise };
  }

  /**
   * Loads the models. ArrayBuffers in `files` are transferred to the worker (the caller's copies
   * become empty) unless `transfer` is false; Files/Blobs are read by the worker itself.
   */
  async load(files: ModelFiles, options: LoadOptions & { onProgress?: (p: LoadProgress) => void; transfer?: boolean } = {}): Promise<LoadedInfo> {
    const { onProgress, transfer = true, ...opts } = options;
    const buffers = new Set<ArrayBuffer>();
    if (transfer) {
      for (const f of [files.checkpoint, files.unet, files.vae, files.textEncoder, files.imageEncoder, ...(files.adapters ?? [])]) {
        const d = f?.data;
        if (d instanceof ArrayBuffer) buffers.add(d);
        else if (d instanceof Uint8Array && d.buffer instanceof ArrayBuffer && d.byteOffset === 0 && d.byteLength === d.buffer.byteLength) buffers.add(d.buffer);
      }
    }
    const r = await this.request({ type: 'load', files, options: opts }, 'loaded', { onLoadProgress: onProgress }, [...buffers]).promise;
    return r.info;
  }

  /** Runs one generation; `signal` cancels it (the promise then rejects with code 'cancelled'). */
  async generate(settings: GenerateSettings, o: { onProgress?: (p: Progress) => void; signal?: AbortSignal } = {}): Promise<GenerateReply> {
    const { id, promise } = this.request({ type: 'generate', settings }, 'result', { onProgress: o.onProgress });
    this.generating = id;
    const onAbort = () => { void this.cancel(); };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await promise;
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
      if (this.generating === id) this.generating = null;
    }
  }

  /** Stops the running generation (or load) before its next step; `release` also frees every session. */
  async cancel(o: { release?: boolean } = {}): Promise<ReplyOf<'cancelled'>> {
    return this.request({ type: 'cancel', release: o.release }, 'cancelled').promise;
  }

  async unload(): Promise<void> {
    await this.request({ type: 'unload' }, 'unloaded').promise;
  }

  async status(): Promise<ReplyOf<'status'>> {
    return this.request({ type: 'status' }, 'status').promise;
  }

  /** Ends the worker at once (the browser frees everything it held); a later request starts a new one. */
  terminate(): void {
    this.worker.terminate?.();
    const err = new PipelineClientError('terminated', 'The generation worker was terminated.');
    this.broken = err;
    this.failAll(err);
  }
}
