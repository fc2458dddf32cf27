// Static session shapes (shapes.ts) and the VAE encoder made on first use, through the worker
// protocol in process (wasm): what a load declares, what a generation at another size gets
// (new sessions when the weights can be read again, else a clear 'size-not-loaded'), and that
// static sessions give the dynamic ones' images.
import { describe, expect, test } from 'vitest';
import { relativeError } from '../../../test/ort';
import { loadFixtureFile } from '../../../test/load-fixture';
import { PipelineClient } from './client';
import { inProcessWorker, tinyFiles, tinyLoadOptions, tinySettings } from './inProcessWorker.testutil';
import { dimOverrides, resolveShape } from './shapes';
import { buildUnetGraph } from './graphs';
import { tinyWeights } from './tinyFixture.testutil';
import type { GenerateSettings } from './settings';

const fixtureImage = loadFixtureFile('pipeline_sd15', 'outputs.safetensors').file.float32('image');
const vaeIn = loadFixtureFile('vae', 'inputs.safetensors').file;
const initImage = { data: vaeIn.float32('image').map((v) => (v + 1) / 2), width: 64, height: 64 };
const free = (s: Partial<GenerateSettings> = {}): GenerateSettings => ({ ...tinySettings(), initialNoise: undefined, keepLatents: false, ...s });

describe('dimOverrides', () => {
  test('fixes batch, latent height and width of the UNet (only dimensions the graph has), batch 1 for the encoders', () => {
    const { weights, configs } = tinyWeights();
    const unet = buildUnetGraph({ ...weights, adapters: [weights.adapters[0]] }, configs, [0, 0]);
    const shape = resolveShape({ width: 128, height: 64, batchSize: 2 }, 8);
    expect(shape).toEqual({ width: 128, height: 64, batchSize: 2, unetBatch: 4 });
    expect(dimOverrides('unet', unet, shape, 8)).toEqual({ batch: 4, height: 8, width: 16 });
    expect(resolveShape({ width: 64, height: 64, cfgMode: 'separate' }, 8).unetBatch).toBe(1);
    expect(dimOverrides('unet', unet, null, 8)).toEqual({});
    expect(() => resolveShape({ width: 60, height: 64 }, 8)).toThrow(/multiple of 8/);
  });
});

describe('static shapes through the worker protocol', () => {
  test('declared size: fixture image; no-CFG runs on the batch-2 session; another size needs a reload (bytes released)', async () => {
    const client = new PipelineClient(inProcessWorker());
    const info = await client.load(tinyFiles(), tinyLoadOptions({ shape: { width: 64, height: 64 } }));
    expect(info.shape).toEqual({ width: 64, height: 64, batchSize: 1, unetBatch: 2 });
    const r = await client.generate(tinySettings());
    expect(relativeError(r.images, fixtureImage)).toBeLessThan(1e-3);

    // guidance 1 (LCM-style): the static batch-2 UNet runs the rows twice, same image as a free session
    const noCfg = await client.generate(free({ guidance: 1, seed: 5 }));
    const dynamic = new PipelineClient(inProcessWorker());
    await dynamic.load(tinyFiles(), tinyLoadOptions());
    const ref = await dynamic.generate(free({ guidance: 1, seed: 5 }));
    expect(relativeError(noCfg.images, ref.images)).toBeLessThan(1e-5);

    const e = await client.generate(free({ width: 128 })).catch((x) => x);
    expect(e.code).toBe('size-not-loaded');
    expect(e.message).toContain('loaded for 64×64, batch 1 (UNet batch 2)');
    expect(e.message).toContain('options.shape = { width: 128, height: 64, batchSize: 1 }');
    // the loaded size still works after the refusal
    expect((await client.generate(free())).width).toBe(64);

    // image-to-image was not asked for at load and the bytes are gone: says how to get it
    const i2i = await client.generate(free({ img2img: { image: initImage, strength: 0.5 } })).catch((x) => x);
    expect(i2i.code).toBe('missing-model');
    expect(i2i.message).toContain('options.img2img = true');
  });

  test('files given as Blobs (OPFS): a new size and image-to-image make their sessions on first use', async () => {
    const client = new PipelineClient(inProcessWorker());
    const stages: string[] = [];
    await client.load(tinyFiles(true), { ...tinyLoadOptions({ shape: { width: 64, height: 64 } }), onProgress: (p) => stages.push(p.stage) });
    expect(stages).not.toContain('vae encoder');
    const wide = await client.generate(free({ width: 128, seed: 3 }));
    expect([wide.width, wide.height, wide.images.length]).toEqual([128, 64, 3 * 128 * 64]);
    expect((await client.status()).loaded?.shape).toEqual({ width: 128, height: 64, batchSize: 1, unetBatch: 2 });
    // same image as a load made for 128×64 from the start
    const direct = new PipelineClient(inProcessWorker());
    await direct.load(tinyFiles(), tinyLoadOptions({ shape: { width: 128, height: 64 } }));
    expect(relativeError(wide.images, (await direct.generate(free({ width: 128, seed: 3 }))).images)).toBeLessThan(1e-6);

    const i2i = await client.generate(free({ img2img: { image: initImage, strength: 0.5 } }));
    expect(i2i.timesteps).toEqual([251, 1]);
    expect(i2i.width).toBe(64);
  });

  test('retainWeights: a batch of two at another size rebuilds from the kept bytes', async () => {
    const client = new PipelineClient(inProcessWorker());
    await client.load(tinyFiles(), tinyLoadOptions({ shape: { width: 64, height: 64 }, retainWeights: true, img2img: true }));
    const two = await client.generate(free({ height: 128, batchSize: 2 }));
    expect([two.batch, two.height]).toEqual([2, 128]);
    expect((await client.status()).loaded?.shape).toMatchObject({ height: 128, batchSize: 2, unetBatch: 4 });
  });
});
