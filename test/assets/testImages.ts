// The tiny test images for the image-intake tests (src/lib/image, test/e2e/image.spec.ts), written
// byte by byte so they are reproducible and a few hundred bytes each. src/lib/image/sniff.test.ts
// checks that test/assets/images/* are exactly these bytes; to rewrite them after a change here:
//   UPDATE_TEST_IMAGES=1 npx vitest run src/lib/image/sniff.test.ts
// The 10000×10000 PNG is not committed (≈12 kB); the e2e spec builds it with `hugePng()`.
import { deflateSync } from 'node:zlib';
import { encodePngRows, type PngRows } from '../../src/lib/live/galleryPng';

const deflate9 = (raw: Uint8Array) => new Uint8Array(deflateSync(raw, { level: 9 }));
export const encodePng = (o: PngRows) => encodePngRows(o, deflate9);
type Pixel = number[];

/** An RGB(A) PNG from pixels given as [r, g, b(, a)] per pixel, row-major. */
export function pngFromPixels(width: number, height: number, pixels: Pixel[], alpha = false): Uint8Array {
  const ch = alpha ? 4 : 3;
  const rows = Array.from({ length: height }, (_, y) => Uint8Array.from(pixels.slice(y * width, (y + 1) * width).flatMap((p) => p.slice(0, ch))));
  return encodePng({ width, height, colorType: alpha ? 6 : 2, rows });
}

/** A width×height black PNG at 1 bit per pixel: 10000×10000 deflates to about 12 kB. */
export function hugePng(width = 10000, height = 10000): Uint8Array {
  const row = new Uint8Array(Math.ceil(width / 8));
  return encodePng({ width, height, colorType: 0, bitDepth: 1, rows: Array.from({ length: height }, () => row) });
}

/**
 * A GIF89a whose frames are width×height indices into a 4-colour palette, looping. LZW with a
 * clear code before every pair of codes, so the code width stays at 3 bits (valid, just not small).
 */
export function encodeGif(width: number, height: number, palette: Pixel[], frames: number[][]): Uint8Array {
  const bytes: number[] = [];
  const u16 = (n: number) => bytes.push(n & 0xff, n >> 8);
  bytes.push(...new TextEncoder().encode('GIF89a'));
  u16(width); u16(height);
  bytes.push(0xf1, 0, 0); // global colour table of 4 entries, 8-bit colour resolution
  for (let i = 0; i < 4; i++) bytes.push(...(palette[i] ?? [0, 0, 0]));
  bytes.push(0x21, 0xff, 11, ...new TextEncoder().encode('NETSCAPE2.0'), 3, 1, 0, 0, 0); // loop forever
  for (const frame of frames) {
    bytes.push(0x21, 0xf9, 4, 0, 10, 0, 0, 0); // graphic control: 0.1 s
    bytes.push(0x2c); u16(0); u16(0); u16(width); u16(height); bytes.push(0);
    const CLEAR = 4; const END = 5;
    const codes: number[] = [];
    for (let i = 0; i < frame.length; i += 2) codes.push(CLEAR, ...frame.slice(i, i + 2));
    codes.push(END);
    let acc = 0; let nbits = 0; const data: number[] = [];
    for (const c of codes) { acc |= c << nbits; nbits += 3; while (nbits >= 8) { data.push(acc & 0xff); acc >>= 8; nbits -= 8; } }
    if (nbits > 0) data.push(acc & 0xff);
    bytes.push(2, data.length, ...data, 0);
  }
  bytes.push(0x3b);
  return Uint8Array.from(bytes);
}

const RED: Pixel = [255, 0, 0];
const GREEN: Pixel = [0, 255, 0];
const BLUE: Pixel = [0, 0, 255];
const WHITE: Pixel = [255, 255, 255];

/** The committed assets, by file name. */
export function tinyAssets(): Record<string, Uint8Array> {
  const opaque = pngFromPixels(3, 2, [RED, GREEN, BLUE, WHITE, [0, 0, 0], [128, 64, 32]]);
  const full8 = pngFromPixels(8, 8, Array.from({ length: 64 }, (_, i) => [i * 4, 255 - i * 4, (i * 37) & 255]));
  return {
    'opaque-3x2.png': opaque,
    // red opaque, green fully transparent, blue at alpha 128, white opaque
    'transparent-2x2.png': pngFromPixels(2, 2, [[...RED, 255], [...GREEN, 0], [...BLUE, 128], [...WHITE, 255]], true),
    'animated-2x2.gif': encodeGif(2, 2, [RED, BLUE, GREEN, WHITE], [[0, 0, 0, 0], [1, 1, 1, 1]]),
    'truncated.png': full8.subarray(0, 60),
    'corrupt-data.png': encodePng({ width: 8, height: 8, colorType: 2, idat: Uint8Array.from({ length: 40 }, (_, i) => (i * 91 + 7) & 255) }),
    'mask-4x2.png': encodePng({ width: 4, height: 2, colorType: 0, rows: [Uint8Array.of(255, 255, 0, 0), Uint8Array.of(255, 255, 0, 0)] }),
    'not-an-image.txt': new TextEncoder().encode('This is a text file, not a picture.\n'),
    'empty.png': new Uint8Array(0),
  };
}
