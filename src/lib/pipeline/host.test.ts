// The worker's protocol end to end in Node: PipelineClient ⇄ (structured clone) ⇄ host with
// onnxruntime-web on wasm and the tiny fixture files given as bytes, as a page would give them.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { ort, relativeError } from '../../../test/ort';
import { fixture } from '../../../test/fixtures';
import { loadFixtureFile } from '../../../test/load-fixture';
import { createPipelineHost } from './host';
import { PipelineClient, PipelineClientError, type WorkerLike } from './client';
import { fixtureSettings, pipelineConfig, tinyWeights, type TinyPipeline } from './tinyFixture.testutil';
import type { LoadOptions, ModelFiles, Reply } from './protocol';
import type { GenerateSettings } from './settings';
import { makeSafetensors, type TensorSpec } from '../../../test/make-safetensors';
import { targetModules } from '../lora/keymap';
import { Weights } from '../weights/weights';

function inProcessWorker(): { worker: WorkerLike; replies: Reply[] } {
  const replies: Reply[] = [];
  const worker: WorkerLike = {
    onmessage: null,
    postMessage(m) { const copy = structuredClone(m); queueMicrotask(() => void host.handle(copy as never)); },
  };
  const host = createPipelineHost({ ort, post: (r) => { replies.push(r); const copy = structuredClone(r); queueMicrotask(() => worker.onmessage?.({ data: copy })); } });
  return { worker, replies };
}

const bytes = (...p: string[]) => new Uint8Array(readFileSync(fixture(...p)));
const files = (): ModelFiles => ({
  unet: { name: 'unet.safetensors', data: bytes('unet', 'weights.safetensors') },
  vae: { name: 'vae.safetensors', data: bytes('vae', 'weights.safetensors') },
  textEncoder: { name: 'text.safetensors', data: bytes('clip_text', 'weights.safetensors') },
  imageEncoder: { name: 'image_encoder.safetensors', data: bytes('clip_vision', 'weights.safetensors') },
  adapters: [{ name: 'ip-adapter_sd15.safetensors', data: bytes('unet', 'ip-adapter_sd15.safetensors') }],
});
const { configs } = tinyWeights();
const textIn = loadFixtureFile('clip_text', 'inputs.safetensors').file;
const options = (o: Partial<LoadOptions> = {}): LoadOptions => ({
  provider: 'wasm', configs, schedulerConfig: pipelineConfig().scheduler_config, emptyPromptIds: textIn.ints('uncond_input_ids'), retainWeights: true, ...o,
});
const px = loadFixtureFile('clip_vision', 'inputs.safetensors').file.float32('pixel_values');
const tiny = { ids: [textIn.ints('input_ids').slice(0, 77)], emptyIds: textIn.ints('uncond_input_ids'), images: [{ data: px.slice(0, 3072), size: 32 }] } as unknown as TinyPipeline;
const settings = (): GenerateSettings => fixtureSettings(tiny);
const outputs = loadFixtureFile('pipeline_sd15', 'outputs.safetensors').file;

/** A PEFT-layout LoRA on the tiny UNet's cross-attention q/v projections (rank 2, seeded values). */
function tinyLora(): Uint8Array {
  const unet = new Weights([loadFixtureFile('unet', 'weights.safetensors').weightFile]);
  const tensors: Record<string, TensorSpec> = {};
  let seed = 1;
  const rnd = (n: number, scale: number) => Float32Array.from({ length: n }, () => { seed = (seed * 16807) % 2147483647; return ((seed / 2147483647) * 2 - 1) * scale; });
  for (const t of targetModules(unet).values()) {
    if (!/attn2\.to_[qv]$/.test(t.module)) continue;
    const [out, inp] = t.weight.shape;
    tensors[`unet.${t.module}.lora_A.weight`] = { dtype: 'F32', shape: [2, inp], data: rnd(2 * inp, 0.5) };
    tensors[`unet.${t.module}.lora_B.weight`] = { dtype: 'F32', shape: [out, 2], data: rnd(out * 2, 0.5) };
  }
  return makeSafetensors(tensors);
}

let client: PipelineClient;
let replies: Reply[];

beforeAll(async () => {
  const w = inProcessWorker();
  client = new PipelineClient(w.worker);
  replies = w.replies;
  const before = await client.generate(settings()).catch((e) => e);
  expect(before).toMatchObject({ code: 'not-loaded' });
  const stages: string[] = [];
  const info = await client.load(files(), { ...options(), onProgress: (p) => stages.push(p.stage) });
  expect(info.provider).toBe('wasm');
  expect(info.floatType).toBe('float32');
  expect(info.branchModels).toEqual([0, 0]);
  expect(info.adapters).toEqual([{ name: 'ip-adapter_sd15.safetensors', projector: 'linear', tokens: 4 }]);
  // no VAE encoder: it is made on the first image-to-image generation (host.shapes.test.ts)
  expect(stages).toEqual(['text encoder', 'image encoder', 'projector 0', 'unet', 'vae decoder', 'done']);
});

describe('generation worker protocol (in-process, wasm)', () => {
  test('generate: the fixture image, with progress and a preview per step', async () => {
    const steps: number[] = [];
    const r = await client.generate(settings(), { onProgress: (p) => { steps.push(p.step); expect(p.previews[0]).toMatchObject({ width: 8, height: 8 }); } });
    expect(steps).toEqual([1, 2, 3, 4]);
    expect(relativeError(r.images, outputs.float32('image'))).toBeLessThan(1e-3);
    expect(r.width).toBe(64);
  });

  test('invalid settings come back as data: code, message, the list of issues', async () => {
    const e = await client.generate({ ...settings(), scheduler: 'heun', adapters: [{ images: tiny.images, layerWeights: '99:1' }] }).catch((x) => x);
    expect(e).toBeInstanceOf(PipelineClientError);
    expect(e.code).toBe('invalid-settings');
    expect((e.details as { path: string }[]).map((d) => d.path)).toEqual(['scheduler', 'adapters[0].layerWeights']);
  });

  test('one generation at a time: a second is answered busy', async () => {
    const a = client.generate(settings());
    const b = await client.generate(settings()).catch((x) => x);
    expect(b.code).toBe('busy');
    await a;
  });

  test('a setup needing more UNet branches rebuilds the UNet (three regions on one adapter file)', async () => {
    const a = settings().adapters![0];
    const r = await client.generate({ ...settings(), adapters: [{ ...a, weight: 0.2 }, { ...a, weight: 0.2 }, { ...a, weight: 0.3 }] });
    expect(relativeError(r.images, outputs.float32('image'))).toBeLessThan(1e-4);
    expect((await client.status()).loaded?.branchModels).toEqual([0, 0, 0]);
  });

  test('unknown messages and bad files are answered with errors, not silence', async () => {
    const n = replies.length;
    (client as unknown as { worker: WorkerLike }).worker.postMessage({ type: 'explode', id: 999 });
    await new Promise((r) => setTimeout(r, 20));
    expect(replies.slice(n)).toContainEqual({ type: 'error', id: 999, code: 'bad-request', message: 'Unknown message type "explode".', details: undefined });
  });

  test('LoRA files: applied at load (merged), reported, change the image; one for another model is refused by name; weights released after load', async () => {
    const bad = makeSafetensors({
      'lora_unet_no_such_layer.lora_down.weight': { dtype: 'F32', shape: [2, 8], data: new Float32Array(16) },
      'lora_unet_no_such_layer.lora_up.weight': { dtype: 'F32', shape: [8, 2], data: new Float32Array(16) },
    });
    const e = await client.load({ ...files(), loras: [{ file: { name: 'other-model.safetensors', data: bad } }] }, options()).catch((x) => x);
    expect(e.code).toBe('lora');
    expect(e.message).toContain('other-model.safetensors');
    const info = await client.load({ ...files(), loras: [{ file: { name: 'tiny-lora.safetensors', data: tinyLora() }, strength: 1 }] }, options({ retainWeights: false }));
    expect(info.loras).toEqual([{ name: 'tiny-lora.safetensors', unet: 12, textEncoder: 0, notice: null }]);
    const r = await client.generate(settings());
    expect(relativeError(r.images, outputs.float32('image'))).toBeGreaterThan(1e-3);
    // weights not kept: a setup needing more branches says what to load
    const a = settings().adapters![0];
    const more = await client.generate({ ...settings(), adapters: [a, a, a] }).catch((x) => x);
    expect(more.code).toBe('unet-branches');
    expect(more.message).toContain('branchModels = [0, 0, 0]');
  });

  test('cancel stops within a step, releases every session; then generate needs a new load', async () => {
    const seen: number[] = [];
    let cancel: Promise<unknown> | undefined;
    const g = client.generate({ ...settings(), steps: 20, initialNoise: undefined, keepLatents: false }, {
      onProgress: (p) => { seen.push(p.step); if (p.step === 2) cancel = client.cancel({ release: true }); },
    }).catch((x) => x);
    const e = await g;
    expect(e.code).toBe('cancelled');
    expect(e.message).toMatch(/^Cancelled before step 3 of 20\.$/);
    expect(seen).toEqual([1, 2]);
    const c = (await cancel) as { stopped: number; atStep: number; released: boolean };
    expect(c).toMatchObject({ atStep: 2, released: true });
    expect((await client.status()).loaded).toBeNull();
    expect(await client.generate(settings()).catch((x) => x.code)).toBe('not-loaded');
    // a file of the wrong kind is named
    const wrong = { ...files(), unet: { name: 'vae-as-unet.safetensors', data: bytes('vae', 'weights.safetensors') } };
    const le = await client.load(wrong, options()).catch((x) => x);
    expect(le.code).toBe('weights');
    expect(le.message).toContain('vae-as-unet.safetensors');
  });
});
