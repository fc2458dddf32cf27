// Failures a reader's GPU causes, and recovery without reloading the page: device loss and
// out-of-memory during a run come back as 'device-lost' / 'out-of-memory' with the sessions
// released; after a lost device (or a crashed worker) PipelineClient starts a fresh worker and
// the next load and generation work. The host runs in process on wasm; the GPU device and the
// failing UNet are stand-ins.
import { describe, expect, test } from 'vitest';
import { PipelineClient, PipelineClientError } from './client';
import { inProcessWorker, tinyFiles, tinyLoadOptions, tinySettings, type InProcessWorker } from './inProcessWorker.testutil';
import { gpuErrorCode } from './gpuErrors';
import { PIPELINE_ERROR_MESSAGES, pipelineErrorMessage } from './errorMessages';
import type { WatchedDevice } from './host';
import type { PipelineRunners } from './runners';
import type { GenerateSettings } from './settings';

const free = (s: Partial<GenerateSettings> = {}): GenerateSettings => ({ ...tinySettings(), initialNoise: undefined, keepLatents: false, ...s });

/** A GPUDevice stand-in: `lose()` resolves its lost promise, `raise()` fires uncapturederror. */
function fakeDevice() {
  let lose!: (info: { reason: string; message: string }) => void;
  const listeners: ((e: { error: unknown }) => void)[] = [];
  const device: WatchedDevice = {
    lost: new Promise((r) => { lose = r; }),
    addEventListener: (_t, l) => listeners.push(l as never),
  };
  class GPUOutOfMemoryError { message = 'out of memory'; }
  return { device, lose: () => lose({ reason: 'destroyed', message: 'Device was destroyed.' }), raise: () => listeners.forEach((l) => l({ error: new GPUOutOfMemoryError() })) };
}

/** Runners whose UNet throws `error` from its `at`-th call on (while `armed`). */
function failingUnet(error: () => Error, at = 2) {
  const state = { armed: true, calls: 0 };
  const wrap = (r: PipelineRunners): PipelineRunners => ({
    ...r,
    unet: {
      ...r.unet,
      inputNames: r.unet.inputNames,
      branchModels: r.unet.branchModels,
      staticShape: r.unet.staticShape,
      async run(feeds) {
        if (state.armed && ++state.calls >= at) throw error();
        return r.unet.run(feeds);
      },
    },
  });
  return { state, wrap };
}

describe('GPU failures', () => {
  test('out of memory mid-run: code, sessions released, the same worker loads and generates again', async () => {
    const f = failingUnet(() => new Error('Failed to allocate a GPU buffer of 268435456 bytes'));
    const client = new PipelineClient(inProcessWorker({ wrapRunners: f.wrap }));
    await client.load(tinyFiles(), tinyLoadOptions());
    const e = await client.generate(free()).catch((x) => x);
    expect(e).toBeInstanceOf(PipelineClientError);
    expect(e.code).toBe('out-of-memory');
    expect(e.message).toMatch(/Every session was released; load again with a smaller size/);
    expect((await client.status()).loaded).toBeNull();
    f.state.armed = false;
    await client.load(tinyFiles(), tinyLoadOptions());
    expect((await client.generate(free())).width).toBe(64);
    expect(client.workersStarted).toBe(1);
  });

  test('a GPUOutOfMemoryError seen by the device makes the next failure out-of-memory, whatever its text', async () => {
    const d = fakeDevice();
    const f = failingUnet(() => { d.raise(); return new Error('Program MatMul failed'); });
    const client = new PipelineClient(inProcessWorker({ wrapRunners: f.wrap, device: async () => d.device }));
    await client.load(tinyFiles(), tinyLoadOptions());
    expect((await client.generate(free()).catch((x) => x)).code).toBe('out-of-memory');
  });

  test('device lost mid-run: the run stops with device-lost; the next load starts a fresh worker (no page reload) and generates', async () => {
    const workers: InProcessWorker[] = [];
    const devices: ReturnType<typeof fakeDevice>[] = [];
    const client = new PipelineClient(() => {
      const d = fakeDevice();
      devices.push(d);
      const w = inProcessWorker({ device: async () => d.device });
      workers.push(w);
      return w;
    });
    await client.load(tinyFiles(), tinyLoadOptions());
    const steps: number[] = [];
    const e = await client.generate(free({ steps: 20 }), { onProgress: (p) => { steps.push(p.step); if (p.step === 2) devices[0].lose(); } }).catch((x) => x);
    expect(e.code).toBe('device-lost');
    expect(e.message).toContain('The GPU device was lost (destroyed: Device was destroyed.)');
    expect(steps.length).toBeLessThanOrEqual(3);
    // the old worker refuses to go on; the client does not send it anything more
    expect(workers).toHaveLength(1);
    const info = await client.load(tinyFiles(), tinyLoadOptions());
    expect(info.provider).toBe('wasm');
    expect(workers).toHaveLength(2);
    expect(workers[0].terminated).toBe(true);
    expect(client.workersStarted).toBe(2);
    expect((await client.generate(free())).width).toBe(64);
  });

  test('device lost while idle: reported through onError; a client without a factory says so on the next request', async () => {
    const d = fakeDevice();
    const w = inProcessWorker({ device: async () => d.device });
    const client = new PipelineClient(w);
    const seen: PipelineClientError[] = [];
    client.onError = (e) => seen.push(e);
    await client.load(tinyFiles(), tinyLoadOptions());
    d.lose();
    await new Promise((r) => setTimeout(r, 20));
    expect(seen.map((e) => e.code)).toEqual(['device-lost']);
    const next = await client.generate(free()).catch((x) => x);
    expect(next.code).toBe('device-lost');
    // the host itself refuses too (a client that ignores the error)
    w.postMessage({ type: 'load', id: 77, files: {}, options: tinyLoadOptions() });
    await new Promise((r) => setTimeout(r, 20));
    expect(w.replies.at(-1)).toMatchObject({ type: 'error', id: 77, code: 'device-lost' });
  });

  test('a crashed worker: pending requests reject with worker-failed, the next request runs on a fresh worker', async () => {
    const workers: InProcessWorker[] = [];
    const client = new PipelineClient(() => { const w = inProcessWorker(); workers.push(w); return w; });
    await client.load(tinyFiles(), tinyLoadOptions());
    const g = client.generate(free({ steps: 20 }), { onProgress: (p) => { if (p.step === 1) workers[0].crash('RuntimeError: memory access out of bounds'); } }).catch((x) => x);
    const e = await g;
    expect(e.code).toBe('worker-failed');
    expect(e.message).toContain('memory access out of bounds');
    expect((await client.status()).loaded).toBeNull(); // a fresh worker: nothing loaded
    expect(workers).toHaveLength(2);
    await client.load(tinyFiles(), tinyLoadOptions());
    expect((await client.generate(free())).width).toBe(64);
  });
});

describe('classifying errors and explaining them', () => {
  test('gpuErrorCode', () => {
    expect(gpuErrorCode(new Error('Failed to allocate memory for requested buffer of size 1073741824'))).toBe('out-of-memory');
    expect(gpuErrorCode(new RangeError('Array buffer allocation failed'))).toBe('out-of-memory');
    expect(gpuErrorCode(new Error('Buffer size (536870912) exceeds the max buffer size limit (268435456)'))).toBe('out-of-memory');
    expect(gpuErrorCode(new Error('[WebGPU] Device was lost: destroyed'))).toBe('device-lost');
    expect(gpuErrorCode(new Error('Program MatMul failed'))).toBeNull();
    expect(gpuErrorCode(new Error('Program MatMul failed'), { deviceLost: true })).toBe('device-lost');
    expect(gpuErrorCode(new Error('Program MatMul failed'), { outOfMemory: true })).toBe('out-of-memory');
  });

  test('every recoverable code has an explanation and an action in English and Chinese', () => {
    for (const [code, langs] of Object.entries(PIPELINE_ERROR_MESSAGES)) {
      for (const lang of ['en', 'zh'] as const) {
        expect(langs[lang].title.length, `${code} ${lang}`).toBeGreaterThan(3);
        expect(langs[lang].action.length, `${code} ${lang}`).toBeGreaterThan(10);
      }
      expect(langs.zh.title + langs.zh.action).toMatch(/[\u4e00-\u9fff]/);
      expect(langs.en.title + langs.en.action).not.toMatch(/[\u4e00-\u9fff]/);
    }
    expect(pipelineErrorMessage('device-lost', 'zh')?.title).toContain('显卡');
    expect(pipelineErrorMessage('invalid-settings', 'en')).toBeNull();
  });
});
