import { describe, expect, test } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// The generator of the committed test images.
import { hugePng, tinyAssets } from '../../../test/assets/testImages';
import { ImageInputError } from './errors';
import { fitWithin, orientedSize, sniffImage } from './sniff';

const assets = tinyAssets();
const assetPath = (name: string) => fileURLToPath(new URL(`../../../test/assets/images/${name}`, import.meta.url));
const committed = (name: string) => new Uint8Array(readFileSync(assetPath(name)));
// UPDATE_TEST_IMAGES=1 rewrites the committed files from the generator (then this test checks them).
if (process.env.UPDATE_TEST_IMAGES) for (const [name, bytes] of Object.entries(assets)) writeFileSync(assetPath(name), bytes);

function codeOf(f: () => unknown): { code: string; en: string; zh: string } {
  try { f(); } catch (e) {
    expect(e).toBeInstanceOf(ImageInputError);
    const err = e as ImageInputError;
    expect(err.messages.en.length).toBeGreaterThan(10);
    expect(err.messages.zh).toMatch(/[\u4e00-\u9fff]/);
    return { code: err.code, en: err.messages.en, zh: err.messages.zh };
  }
  throw new Error('expected an ImageInputError');
}

/** A JPEG header: SOI, APP1 Exif with an orientation, SOF0 with the size, SOS. No scan data. */
function jpegHeader(width: number, height: number, orientation: number, bigEndian = true): Uint8Array {
  const tiff = bigEndian
    ? [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0]
    : [0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, orientation, 0, 0, 0, 0, 0, 0, 0];
  const app1 = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
  const sof = [8, height >> 8, height & 255, width >> 8, width & 255, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
  return Uint8Array.from([
    0xff, 0xd8, 0xff, 0xe1, (app1.length + 2) >> 8, (app1.length + 2) & 255, ...app1,
    0xff, 0xc0, 0, sof.length + 2, ...sof, 0xff, 0xda, 0, 2,
  ]);
}

describe('sniffImage: what a file is, from its bytes', () => {
  test('the committed assets are exactly what the generator makes', () => {
    for (const [name, bytes] of Object.entries(assets)) expect(committed(name), name).toEqual(bytes);
  });

  test('PNG: size, complete', () => {
    expect(sniffImage(assets['opaque-3x2.png'])).toMatchObject({ format: 'png', mime: 'image/png', width: 3, height: 2, animated: false, complete: true });
  });

  test('animated GIF: two frames, flagged (the decoder takes the first)', () => {
    expect(sniffImage(assets['animated-2x2.gif'])).toMatchObject({ format: 'gif', width: 2, height: 2, animated: true, frames: 2, complete: true });
  });

  test('0 bytes, text, PDF, ZIP, safetensors → clear errors saying what the file looks like', () => {
    expect(codeOf(() => sniffImage(assets['empty.png'], 'empty.png')).code).toBe('empty-file');
    const text = codeOf(() => sniffImage(assets['not-an-image.txt'], 'notes.txt'));
    expect(text.code).toBe('not-an-image');
    expect(text.en).toMatch(/"notes\.txt" is not an image \(it looks like a text file\)/);
    expect(text.zh).toMatch(/文本文件/);
    expect(codeOf(() => sniffImage(new TextEncoder().encode('%PDF-1.7\n...'))).en).toMatch(/PDF document/);
    expect(codeOf(() => sniffImage(Uint8Array.of(0x50, 0x4b, 3, 4, 20, 0, 0, 0))).en).toMatch(/ZIP archive/);
    const st = new Uint8Array(24); st[0] = 14; st.set(new TextEncoder().encode('{"a":{"dtype"'), 8);
    expect(codeOf(() => sniffImage(st, 'model.png')).en).toMatch(/safetensors weight file/);
    expect(codeOf(() => sniffImage(Uint8Array.of(1, 2, 3, 250, 0, 7, 9))).code).toBe('not-an-image');
  });

  test('formats browsers cannot decode: TIFF, HEIC, SVG', () => {
    expect(codeOf(() => sniffImage(Uint8Array.of(0x49, 0x49, 42, 0, 8, 0, 0, 0))).en).toMatch(/TIFF/);
    const heic = new Uint8Array(16); heic.set(new TextEncoder().encode('ftypheic'), 4);
    expect(codeOf(() => sniffImage(heic)).code).toBe('unsupported-format');
    expect(codeOf(() => sniffImage(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).en).toMatch(/SVG/);
  });

  test('a PNG cut short is corrupt before any decoding; one with bad pixel data is left to the decoder', () => {
    const t = codeOf(() => sniffImage(assets['truncated.png'], 'cut.png'));
    expect(t.code).toBe('corrupt-image');
    expect(t.en).toMatch(/ends early/);
    expect(sniffImage(assets['corrupt-data.png']).complete).toBe(true);
    expect(codeOf(() => sniffImage(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0, 16))).code).toBe('corrupt-image');
  });

  test('JPEG: size from SOF, EXIF orientation in either byte order; 5–8 swap the sides', () => {
    const info = sniffImage(jpegHeader(4000, 3000, 6));
    expect(info).toMatchObject({ format: 'jpeg', width: 4000, height: 3000, orientation: 6 });
    expect(orientedSize(info)).toEqual({ width: 3000, height: 4000 });
    expect(sniffImage(jpegHeader(640, 480, 3, false)).orientation).toBe(3);
    expect(orientedSize(sniffImage(jpegHeader(640, 480, 3, false)))).toEqual({ width: 640, height: 480 });
  });

  test('WebP VP8X: canvas size and animation flag', () => {
    const b = new Uint8Array(30);
    b.set(new TextEncoder().encode('RIFF'), 0); b.set(new TextEncoder().encode('WEBPVP8X'), 8);
    b[16] = 10; b[20] = 0x02; b[24] = 99; b[27] = 49; // 100×50, animated
    expect(sniffImage(b)).toMatchObject({ format: 'webp', width: 100, height: 50, animated: true });
  });

  test('a 10000×10000 image is known from its header (12 kB of PNG) and planned down to 2048', () => {
    const huge = hugePng(10000, 10000);
    expect(huge.length).toBeLessThan(20000);
    const info = sniffImage(huge);
    expect([info.width, info.height]).toEqual([10000, 10000]);
    expect(fitWithin(10000, 10000, 2048)).toEqual({ width: 2048, height: 2048, scaled: true });
    expect(fitWithin(10000, 3000, 2048)).toEqual({ width: 2048, height: 614, scaled: true });
    expect(fitWithin(800, 600, 2048)).toEqual({ width: 800, height: 600, scaled: false });
  });
});
