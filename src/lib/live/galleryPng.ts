/**
 * PNG in and out for the gallery script (8-bit, non-interlaced; no dependency). The zlib
 * functions are passed in (node:zlib in the script and its test), so this file stays plain
 * TypeScript.
 */
export type Deflate = (data: Uint8Array) => Uint8Array;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

export interface PngRows {
  width: number;
  height: number;
  /** 0 grey, 2 RGB, 6 RGBA. */
  colorType: 0 | 2 | 6;
  bitDepth?: number;
  /** Packed samples of each row, without the filter byte (filter 0 is added). */
  rows?: Uint8Array[];
  /** Replaces the compressed data (the test images' corrupt file). */
  idat?: Uint8Array;
}

/** A PNG from raw rows: the writer under encodePng, and the test images' (test/assets/testImages.ts). */
export function encodePngRows(o: PngRows, deflate: Deflate): Uint8Array {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, o.width);
  v.setUint32(4, o.height);
  ihdr.set([o.bitDepth ?? 8, o.colorType, 0, 0, 0], 8); // deflate, adaptive filters, no interlace
  let idat = o.idat;
  if (!idat) {
    const rows = o.rows ?? [];
    const raw = new Uint8Array(rows.reduce((a, r) => a + 1 + r.length, 0));
    let at = 0;
    for (const r of rows) { raw.set(r, at + 1); at += 1 + r.length; }
    idat = deflate(raw);
  }
  const parts = [Uint8Array.from(SIGNATURE), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o2 = 0;
  for (const p of parts) { out.set(p, o2); o2 += p.length; }
  return out;
}

/** RGB8 row-major pixels → PNG bytes (filter 0 on every row). */
export function encodePng(rgb: Uint8Array, width: number, height: number, deflate: Deflate): Uint8Array {
  if (rgb.length !== width * height * 3) throw new Error(`encodePng: ${rgb.length} bytes for ${width}×${height} RGB`);
  const rows = Array.from({ length: height }, (_, y) => rgb.subarray(y * width * 3, (y + 1) * width * 3));
  return encodePngRows({ width, height, colorType: 2, rows }, deflate);
}

/** PNG bytes → 8-bit pixels (grey, grey+alpha, RGB or RGBA; all five filters). Palette and 16-bit PNGs are refused. */
export function decodePng(bytes: Uint8Array, inflate: Deflate): { width: number; height: number; channels: 3 | 4; data: Uint8Array } {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw new Error('not a PNG file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0, height = 0, depth = 0, color = 0, interlace = 0;
  const idat: Uint8Array[] = [];
  for (let o = 8; o + 8 <= bytes.length;) {
    const len = view.getUint32(o);
    const type = String.fromCharCode(...bytes.subarray(o + 4, o + 8));
    const data = bytes.subarray(o + 8, o + 8 + len);
    if (type === 'IHDR') { width = view.getUint32(o + 8); height = view.getUint32(o + 12); depth = data[8]; color = data[9]; interlace = data[12]; }
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    o += 12 + len;
  }
  const src = { 0: 1, 2: 3, 4: 2, 6: 4 }[color];
  if (depth !== 8 || !src || interlace !== 0) throw new Error(`unsupported PNG (bit depth ${depth}, colour type ${color}, interlace ${interlace}): save it as 8-bit RGB or RGBA`);
  const z = new Uint8Array(idat.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of idat) { z.set(p, at); at += p.length; }
  const raw = inflate(z);
  const stride = width * src;
  if (raw.length < height * (stride + 1)) throw new Error('truncated PNG data');
  const px = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= src ? px[y * stride + x - src] : 0;
      const b = y > 0 ? px[(y - 1) * stride + x] : 0;
      const c = x >= src && y > 0 ? px[(y - 1) * stride + x - src] : 0;
      const p = a + b - c;
      const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1
        : (Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c);
      px[y * stride + x] = (line[x] + pred) & 0xff;
    }
  }
  const channels = src === 2 || src === 4 ? 4 : 3;
  if (src === channels) return { width, height, channels, data: px };
  const out = new Uint8Array(width * height * channels);
  for (let i = 0; i < width * height; i++) {
    const g = px[i * src];
    out.set(channels === 4 ? [g, g, g, px[i * src + 1]] : [g, g, g], i * channels);
  }
  return { width, height, channels, data: out };
}

/** Image i of the pipeline's [batch, 3, H, W] output in [0, 1] → RGB8 row-major (rounded, as the lab's canvas does). */
export function rgb8FromImages(images: Float32Array, i: number, width: number, height: number): Uint8Array {
  const n = width * height;
  const base = i * 3 * n;
  const out = new Uint8Array(3 * n);
  for (let c = 0; c < 3; c++) for (let p = 0; p < n; p++) out[p * 3 + c] = Math.round(Math.min(1, Math.max(0, images[base + c * n + p])) * 255);
  return out;
}
