import { readFileSync } from 'node:fs';
import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { chooseGalleryFiles, galleryState, GalleryError, parseGallerySettings, type FoundFile } from './gallery';
import { decodePng, encodePng } from './galleryPng';
import type { Detected } from '../weights/detect';

const gallery = JSON.parse(readFileSync(new URL('../../../models/gallery.json', import.meta.url), 'utf8'));
const errorOf = (f: () => unknown): GalleryError => {
  try { f(); } catch (e) { if (e instanceof GalleryError) return e; throw e; }
  throw new Error('no error');
};

describe('models/gallery.json', () => {
  test('parses and holds the course’s experiments: weight 0/0.5/1, weight types, one-layer-at-a-time', () => {
    const g = parseGallerySettings(gallery);
    expect(g.entries.filter((e) => e.experiment === 'weight').map((e) => e.adapter.weight)).toEqual([0, 0.5, 1]);
    expect(g.entries.filter((e) => e.experiment === 'weight-type').map((e) => e.adapter.weightType)).toEqual(['ease in', 'style transfer', 'composition']);
    expect(g.entries.filter((e) => e.experiment === 'layers').map((e) => e.adapter.layerWeights)).toEqual(['3:1', '3:2', '6:1', '6:2']);
  });

  test('bad entries are named in both languages', () => {
    const bad = (patch: Record<string, unknown>) => errorOf(() => parseGallerySettings({ ...gallery, entries: [{ ...gallery.entries[0], ...patch }] }));
    expect(bad({ id: 'Bad Name' }).text.en).toMatch(/entries\[0\]\.id/);
    expect(bad({ adapter: { weight: 9 } }).text.en).toMatch(/weight/);
    expect(bad({ adapter: { weight: 1, layerWeights: '3:x' } }).text.zh).toMatch(/layerWeights/);
    expect(bad({ reference: '../secret.png' }).text.zh).toMatch(/PNG/);
    expect(errorOf(() => parseGallerySettings({ ...gallery, entries: [gallery.entries[0], gallery.entries[0]] })).text.en).toMatch(/used twice/);
    expect(errorOf(() => parseGallerySettings({ version: 2 })).text.zh).toMatch(/version/);
  });
});

describe('choosing the weight files', () => {
  const f = (name: string, detected: Detected): FoundFile => ({ path: `/m/${name}`, name, bytes: 1, detected });
  const ckpt = f('checkpoints/dreamshaper_8.safetensors', { kind: 'checkpoint', family: 'sd15', hasVae: true, hasTextEncoder: true, inpainting: false, crossAttentionDim: 768, dtype: 'F16' });
  const vit = f('clip_vision/vit-h.safetensors', { kind: 'clip-vision', encoder: 'ViT-H/14', hiddenSize: 1280, layers: 32, projectionDim: 1024, dtype: 'F32' });
  const base = f('ipadapter/ip-adapter_sd15.safetensors', { kind: 'ip-adapter', variant: 'base', family: 'sd15', projector: undefined, tokens: 4, layers: 16, projectorOnly: false, needs: undefined, dtype: 'F16' });
  const plus = f('ipadapter/ip-adapter-plus_sd15.safetensors', { ...(base.detected as Extract<Detected, { kind: 'ip-adapter' }>), variant: 'plus' });
  const sdxl = f('checkpoints/sdxl.safetensors', { ...(ckpt.detected as Extract<Detected, { kind: 'checkpoint' }>), family: 'sdxl' });

  test('a ComfyUI models folder: checkpoint, ViT-H, base adapter', () => {
    expect(chooseGalleryFiles([sdxl, plus, ckpt, vit, base], '/m')).toEqual({ checkpoint: ckpt, imageEncoder: vit, adapter: base });
  });
  test('refuses, naming what is missing and what was found', () => {
    const e = errorOf(() => chooseGalleryFiles([sdxl, vit, plus], '/m'));
    expect(e.code).toBe('weights-wrong');
    expect(e.text.en).toMatch(/SD1\.5 checkpoint.*base SD1\.5 IP-Adapter.*Found: checkpoints\/sdxl/);
    expect(e.text.en).not.toMatch(/ViT-H\/14 image encoder \(/);
    expect(e.text.zh).toMatch(/底模/);
    expect(errorOf(() => chooseGalleryFiles([], '/empty')).code).toBe('weights-missing');
  });
});

describe('gallery state', () => {
  test('no index, an empty one, or one from test networks: nothing real to show', () => {
    expect(galleryState(undefined)).toEqual({ kind: 'none' });
    expect(galleryState({ version: 1, renders: [] })).toEqual({ kind: 'none' });
    expect(galleryState({ version: 1, testNetworks: true, renders: [{}] })).toEqual({ kind: 'test-only', renders: 1 });
    expect(galleryState({ version: 1, renders: [{}] })).toEqual({ kind: 'test-only', renders: 1 });
    expect(galleryState({ version: 1, testNetworks: false, renders: [{}] }).kind).toBe('real');
  });
});

test('PNG round trip (RGB), and the repo’s RGBA test image decodes', () => {
  const rgb = Uint8Array.from({ length: 5 * 3 * 3 }, (_, i) => (i * 37) % 256);
  const png = encodePng(rgb, 5, 3, (d) => new Uint8Array(deflateSync(d)));
  expect(decodePng(png, (d) => new Uint8Array(inflateSync(d)))).toEqual({ width: 5, height: 3, channels: 3, data: rgb });
  const rgba = decodePng(new Uint8Array(readFileSync(new URL('../../../test/assets/images/transparent-2x2.png', import.meta.url))), (d) => new Uint8Array(inflateSync(d)));
  expect([rgba.width, rgba.height, rgba.channels]).toEqual([2, 2, 4]);
  expect(() => decodePng(new Uint8Array([1, 2, 3]), (d) => d)).toThrow(/not a PNG/);
});
