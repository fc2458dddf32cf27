// The gallery script's WebGPU route (scripts/gallery-webgpu.ts): the live lab's pipeline host in
// headless Chromium on onnxruntime-web's WebGPU provider (SwiftShader here), fed the weight files
// over the script's local server. On the tiny networks it must write the same PNG as the wasm
// route in Node, and index.json must say it ran on WebGPU.
import { test, expect } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { fixture } from '../fixtures';
import { loadFixtureFile } from '../load-fixture';
import { ort } from '../ort';
import { pipelineConfig, tinyWeights } from '../../src/lib/pipeline/tinyFixture.testutil';
import { parseGallerySettings } from '../../src/lib/live/gallery';
import { decodePng } from '../../src/lib/live/galleryPng';
import { renderGalleryToFolder } from '../../scripts/render-gallery-core';
import { openWebGpuHost } from '../../scripts/gallery-webgpu';

const repoRoot = process.cwd(); // Playwright runs from the repo root
const inflate = (d: Uint8Array) => new Uint8Array(inflateSync(d));

test('gallery on WebGPU in Chromium: the same PNG as the wasm route, index.json says webgpu', async () => {
  test.setTimeout(600_000);
  const out = mkdtempSync(join(tmpdir(), 'gallery-webgpu-'));
  const host = await openWebGpuHost({ repoRoot });
  try {
    expect(host.adapter.fallback).toBe(true); // SwiftShader: the CLI refuses real networks on it
    const textIn = loadFixtureFile('clip_text', 'inputs.safetensors').file;
    const ids = textIn.ints('input_ids').slice(0, 77);
    const empty = textIn.ints('uncond_input_ids');
    const gallery = parseGallerySettings({
      version: 1,
      defaults: { width: 64, height: 64, steps: 2, guidance: 7.5, scheduler: 'ddim', seed: 5, negativePrompt: { ids: empty } },
      entries: [{ id: 'ease-in', experiment: 'weight-type', title: { en: 'ease in', zh: '渐入' }, prompt: { ids }, reference: 'test/assets/images/opaque-3x2.png', adapter: { weight: 0.8, weightType: 'ease in' } }],
    });
    const part = (dir: string, file: string) => ({ name: file, data: new Uint8Array(readFileSync(fixture(dir, file))) });
    const files = {
      unet: part('unet', 'weights.safetensors'), vae: part('vae', 'weights.safetensors'), textEncoder: part('clip_text', 'weights.safetensors'),
      imageEncoder: part('clip_vision', 'weights.safetensors'), adapters: [part('unet', 'ip-adapter_sd15.safetensors')],
    };
    const loadOptions = { configs: tinyWeights().configs, schedulerConfig: pipelineConfig().scheduler_config as never, emptyPromptIds: empty, floatType: 'float32' as const };
    const common = { gallery, repoRoot, files, testNetworks: true, models: [{ role: 'unet', name: 'weights.safetensors', bytes: 1, sha256: 'x', detected: 'tiny' }], loadOptions };

    const gpu = await renderGalleryToFolder({ ...common, outDir: join(out, 'webgpu'), ask: host.ask, machine: { runtime: `Chromium ${host.browserVersion}, WebGPU`, device: host.adapter.description } });
    expect(gpu.machine.provider).toBe('webgpu');
    expect(gpu.machine.runtime).toContain('Chromium');
    expect(gpu.machine.device).toContain('swiftshader');
    const wasm = await renderGalleryToFolder({ ...common, outDir: join(out, 'wasm'), ort });
    expect(wasm.machine.provider).toBe('wasm');
    expect(gpu.renders.map((r) => r.settings)).toEqual(wasm.renders.map((r) => r.settings));

    const a = decodePng(new Uint8Array(readFileSync(join(out, 'webgpu', 'ease-in.png'))), inflate);
    const b = decodePng(new Uint8Array(readFileSync(join(out, 'wasm', 'ease-in.png'))), inflate);
    expect([a.width, a.height]).toEqual([64, 64]);
    let worst = 0;
    for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
    expect(worst).toBeLessThanOrEqual(1); // float noise between providers may cross a rounding boundary
    // the image is not flat: a broken route that returns zeros would also "match" a broken wasm one
    expect(new Set(a.data).size).toBeGreaterThan(20);
  } finally {
    await host.close();
    rmSync(out, { recursive: true, force: true });
  }
});
