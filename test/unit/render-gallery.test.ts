// The gallery script's core on the tiny fixture networks: the PNG it writes is the pipeline's own
// image (generate() on the same networks, same settings), and index.json records the exact
// settings, the reference's and models' hashes, and that these are test networks.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, expect, test } from 'vitest';
import * as ort from 'onnxruntime-web';
import { renderGalleryToFolder, webGpuStartError } from '../../scripts/render-gallery-core';
import { openWebGpuHost } from '../../scripts/gallery-webgpu';
import { entrySettings, galleryState, parseGallerySettings, type GallerySettingsFile } from '../../src/lib/live/gallery';
import { decodePng, rgb8FromImages } from '../../src/lib/live/galleryPng';
import { generate } from '../../src/lib/pipeline/generate';
import { pipelineConfig, tinyPipeline, tinyWeights } from '../../src/lib/pipeline/tinyFixture.testutil';
import { loadFixtureFile } from '../load-fixture';
import { fixture } from '../fixtures';

ort.env.wasm.numThreads = 1;
const repoRoot = resolve(__dirname, '../..');
const out = mkdtempSync(join(tmpdir(), 'gallery-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const inflate = (d: Uint8Array) => new Uint8Array(inflateSync(d));

test('render-gallery core: PNG = the pipeline’s own output; index.json has the exact settings', async () => {
  const textIn = loadFixtureFile('clip_text', 'inputs.safetensors').file;
  const ids = textIn.ints('input_ids').slice(0, 77);
  const empty = textIn.ints('uncond_input_ids');
  const gallery: GallerySettingsFile = parseGallerySettings({
    version: 1,
    defaults: { width: 64, height: 64, steps: 3, guidance: 7.5, scheduler: 'ddim', seed: 5, negativePrompt: { ids: empty } },
    entries: [
      { id: 'weight-0.7', experiment: 'weight', title: { en: 'w 0.7', zh: '权重 0.7' }, prompt: { ids }, reference: 'test/assets/images/opaque-3x2.png', adapter: { weight: 0.7 } },
      { id: 'ease-in', experiment: 'weight-type', title: { en: 'ease in', zh: '渐入' }, prompt: { ids }, reference: 'test/assets/images/transparent-2x2.png', seed: 9, adapter: { weight: 1, weightType: 'ease in' } },
    ],
  });
  const part = (dir: string, file: string) => ({ name: file, data: new Uint8Array(readFileSync(fixture(dir, file))) });
  const models = [{ role: 'unet', name: 'weights.safetensors', bytes: 1, sha256: 'x', detected: 'tiny' }];
  const index = await renderGalleryToFolder({
    ort, gallery, repoRoot, outDir: out, testNetworks: true, models,
    files: {
      unet: part('unet', 'weights.safetensors'), vae: part('vae', 'weights.safetensors'), textEncoder: part('clip_text', 'weights.safetensors'),
      imageEncoder: part('clip_vision', 'weights.safetensors'), adapters: [part('unet', 'ip-adapter_sd15.safetensors')],
    },
    loadOptions: {
      configs: tinyWeights().configs,
      schedulerConfig: pipelineConfig().scheduler_config as never, emptyPromptIds: empty,
    },
  });

  const written = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));
  expect(written).toEqual(index);
  expect(written.testNetworks).toBe(true);
  expect(galleryState(written)).toEqual({ kind: 'test-only', renders: 2 });
  expect(written.models).toEqual(models);
  expect(written.machine.provider).toBe('wasm');
  expect(written.renders.map((r: { file: string }) => r.file)).toEqual(['weight-0.7.png', 'ease-in.png']);
  expect(written.renders[1].settings).toEqual({
    prompt: { ids }, negativePrompt: { ids: empty }, width: 64, height: 64, steps: 3, guidance: 7.5, scheduler: 'ddim', seed: 9,
    reference: {
      path: 'test/assets/images/transparent-2x2.png', width: 2, height: 2,
      sha256: createHash('sha256').update(readFileSync(join(repoRoot, 'test/assets/images/transparent-2x2.png'))).digest('hex'),
    },
    adapter: { weight: 1, weightType: 'ease in' },
  });

  // The same settings straight through generate() on the tiny pipeline.
  const t = await tinyPipeline(ort);
  for (const [i, e] of gallery.entries.entries()) {
    const ref = decodePng(new Uint8Array(readFileSync(join(repoRoot, e.reference))), inflate);
    const r = await generate(t.runners, t.info, entrySettings(gallery, e, { image: { width: ref.width, height: ref.height, data: ref.data } }));
    const png = decodePng(new Uint8Array(readFileSync(join(out, written.renders[i].file))), inflate);
    expect([png.width, png.height, png.channels]).toEqual([64, 64, 3]);
    // Each 8-bit value is the float image rounded, allowing float noise at a rounding boundary
    // (the worker's host and a direct generate() call build their sessions separately).
    const n = 64 * 64;
    let worst = 0;
    for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) {
      const x = Math.min(1, Math.max(0, r.images[c * n + p])) * 255;
      worst = Math.max(worst, Math.abs(png.data[p * 3 + c] - x));
    }
    expect(worst, e.id).toBeLessThanOrEqual(0.5 + 1e-3);
    const exact = rgb8FromImages(r.images, 0, 64, 64);
    expect(exact.filter((v, k) => v !== png.data[k]).length, e.id).toBeLessThan(8);
  }
  // Different settings give a different picture (the comparison above can fail).
  const a = readFileSync(join(out, 'weight-0.7.png'));
  const b = readFileSync(join(out, 'ease-in.png'));
  expect(a.equals(b)).toBe(false);
});

test('the WebGPU route cannot start: no browser at that path, or no adapter — said in both languages', async () => {
  const e = await openWebGpuHost({ repoRoot, chromiumPath: '/nonexistent/chromium' }).catch((x) => x);
  expect(e).toBeInstanceOf(Error);
  const noBrowser = webGpuStartError(e);
  expect(noBrowser.text.en).toMatch(/^Chromium could not be started: .*--chromium PATH/);
  expect(noBrowser.text.zh).toContain('无法启动 Chromium');
  const noAdapter = webGpuStartError(Object.assign(new Error('x'), { code: 'no-adapter' }));
  expect(noAdapter.text.en).toContain('no WebGPU adapter');
  expect(noAdapter.text.zh).toContain('WebGPU 适配器');
});
