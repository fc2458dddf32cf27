import { imageErrors } from './errors';

/**
 * What a file is, from its bytes, before anything is decoded: the format (by magic number, not
 * by file name), the pixel size from the header, whether it is animated, the JPEG EXIF
 * orientation, and whether a PNG/GIF is obviously cut short. The decoder (decode.ts) uses this
 * to refuse a non-image with a useful message, to plan a downscale before decoding a huge
 * image, and to say "first frame only" for an animation. Pure and synchronous.
 */
export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'avif' | 'ico';

export interface ImageInfo {
  format: ImageFormat;
  mime: string;
  /** Stored size (before EXIF orientation); undefined when the header does not say (AVIF, ICO). */
  width?: number;
  height?: number;
  animated: boolean;
  /** Frame count when known (GIF, APNG). */
  frames?: number;
  /** EXIF orientation 1–8 (JPEG); 1 otherwise. 5–8 swap width and height on display. */
  orientation: number;
  /** False when the file visibly ends early (PNG without IEND, GIF without its trailer). */
  complete: boolean;
}

const MIME: Record<ImageFormat, string> = {
  png: 'image/png', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', bmp: 'image/bmp', avif: 'image/avif', ico: 'image/x-icon',
};

const ascii = (b: Uint8Array, at: number, n: number) => String.fromCharCode(...b.subarray(at, at + n));
const u16be = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];
const u16le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u32be = (b: Uint8Array, at: number) => ((b[at] << 24) >>> 0) + (b[at + 1] << 16) + (b[at + 2] << 8) + b[at + 3];
const u24le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8) | (b[at + 2] << 16);
const i32le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24);

function png(b: Uint8Array, info: ImageInfo): void {
  if (b.length < 24 || ascii(b, 12, 4) !== 'IHDR') { info.complete = false; return; }
  info.width = u32be(b, 16);
  info.height = u32be(b, 20);
  let at = 8;
  let sawEnd = false;
  let sawData = false;
  while (at + 8 <= b.length) {
    const len = u32be(b, at);
    const type = ascii(b, at + 4, 4);
    if (type === 'acTL' && at + 12 <= b.length) { info.animated = u32be(b, at + 8) > 1; info.frames = u32be(b, at + 8); }
    if (type === 'IDAT') sawData = true;
    if (type === 'IEND') { sawEnd = true; break; }
    at += 12 + len;
  }
  info.complete = sawEnd && sawData && at + 12 <= b.length;
}

function jpeg(b: Uint8Array, info: ImageInfo): void {
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) { at++; continue; }
    const marker = b[at + 1];
    if (marker === 0xff) { at++; continue; }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) { at += 2; continue; }
    const len = u16be(b, at + 2);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof && at + 9 <= b.length) {
      info.height = u16be(b, at + 5);
      info.width = u16be(b, at + 7);
    }
    if (marker === 0xe1 && ascii(b, at + 4, 4) === 'Exif') info.orientation = exifOrientation(b, at + 10, at + 2 + len) ?? 1;
    if (marker === 0xda) break; // start of scan: the header is over
    at += 2 + len;
  }
  info.complete = info.width !== undefined;
}

/** Orientation tag (0x0112) of IFD0 in a TIFF block [start, end). */
function exifOrientation(b: Uint8Array, start: number, end: number): number | undefined {
  if (end > b.length || start + 8 > end) return undefined;
  const le = ascii(b, start, 2) === 'II';
  const u16 = (at: number) => (le ? u16le(b, at) : u16be(b, at));
  const u32 = (at: number) => (le ? (u16le(b, at) + u16le(b, at + 2) * 65536) : u32be(b, at));
  const ifd = start + u32(start + 4);
  if (ifd + 2 > end) return undefined;
  const n = u16(ifd);
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > end) return undefined;
    if (u16(e) === 0x0112) {
      const v = u16(e + 8);
      return v >= 1 && v <= 8 ? v : undefined;
    }
  }
  return undefined;
}

function gif(b: Uint8Array, info: ImageInfo): void {
  info.width = u16le(b, 6);
  info.height = u16le(b, 8);
  let at = 13;
  if (b[10] & 0x80) at += 3 * 2 ** ((b[10] & 7) + 1);
  let frames = 0;
  const skipSubBlocks = () => { while (at < b.length && b[at] !== 0) at += b[at] + 1; at++; };
  let ended = false;
  while (at < b.length) {
    const block = b[at];
    if (block === 0x3b) { ended = true; break; }
    if (block === 0x21) { at += 2; skipSubBlocks(); continue; }
    if (block === 0x2c) {
      frames++;
      const flags = b[at + 9];
      at += 10;
      if (flags & 0x80) at += 3 * 2 ** ((flags & 7) + 1);
      at++; // LZW minimum code size
      skipSubBlocks();
      continue;
    }
    break; // unknown block: the rest is not GIF
  }
  info.frames = frames;
  info.animated = frames > 1;
  info.complete = ended && frames > 0;
}

function webp(b: Uint8Array, info: ImageInfo): void {
  let at = 12;
  while (at + 8 <= b.length) {
    const type = ascii(b, at, 4);
    const len = u16le(b, at + 4) + u16le(b, at + 6) * 65536;
    const d = at + 8;
    if (type === 'VP8X' && d + 10 <= b.length) {
      info.animated = (b[d] & 0x02) !== 0;
      info.width = u24le(b, d + 4) + 1;
      info.height = u24le(b, d + 7) + 1;
    } else if (type === 'VP8 ' && d + 10 <= b.length && info.width === undefined) {
      info.width = u16le(b, d + 6) & 0x3fff;
      info.height = u16le(b, d + 8) & 0x3fff;
    } else if (type === 'VP8L' && d + 5 <= b.length && info.width === undefined) {
      const bits = b[d + 1] | (b[d + 2] << 8) | (b[d + 3] << 16) | (b[d + 4] << 24);
      info.width = (bits & 0x3fff) + 1;
      info.height = ((bits >>> 14) & 0x3fff) + 1;
    } else if (type === 'ANIM') {
      info.animated = true;
    }
    at = d + len + (len & 1);
  }
  info.complete = info.width !== undefined;
}

/** What a non-image file probably is, for the error message. */
export function describeNonImage(b: Uint8Array): string | undefined {
  if (b.length >= 4 && ascii(b, 0, 4) === '%PDF') return 'a PDF document';
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 3 && b[3] === 4) return 'a ZIP archive';
  if (b.length >= 2 && b[0] === 0x80 && b[1] >= 2 && b[1] <= 5) return 'a PyTorch pickle';
  if (b.length >= 10 && b[8] === 0x7b && b[9] === 0x22 && b[4] === 0 && b[5] === 0 && b[6] === 0 && b[7] === 0) return 'a safetensors weight file';
  if (b.length >= 12 && ascii(b, 4, 4) === 'ftyp') return 'a video';
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'a video';
  const head = new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(0, 512)).trimStart().toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return 'an SVG drawing';
  let printable = 0;
  const n = Math.min(b.length, 512);
  for (let i = 0; i < n; i++) if ((b[i] >= 0x20 && b[i] < 0x7f) || b[i] === 9 || b[i] === 10 || b[i] === 13 || b[i] >= 0x80) printable++;
  return n > 0 && printable / n > 0.95 ? 'a text file' : undefined;
}

/**
 * Identifies an image file from its bytes. Throws ImageInputError for an empty file, a file that
 * is not an image (naming what it looks like), a format browsers cannot decode (TIFF, HEIC, SVG),
 * and a PNG/GIF/JPEG whose header is cut short.
 */
export function sniffImage(bytes: Uint8Array, name = 'The file'): ImageInfo {
  const b = bytes;
  if (b.length === 0) throw imageErrors.empty(name);
  let format: ImageFormat | undefined;
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 3) === 'PNG' && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) format = 'png';
  else if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) format = 'jpeg';
  else if (b.length >= 6 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) format = 'gif';
  else if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') format = 'webp';
  else if (b.length >= 26 && ascii(b, 0, 2) === 'BM') format = 'bmp';
  else if (b.length >= 12 && ascii(b, 4, 4) === 'ftyp' && ['avif', 'avis'].includes(ascii(b, 8, 4))) format = 'avif';
  else if (b.length >= 12 && ascii(b, 4, 4) === 'ftyp' && ['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1'].includes(ascii(b, 8, 4))) throw imageErrors.unsupported(name, 'HEIC');
  else if (b.length >= 4 && ((ascii(b, 0, 2) === 'II' && b[2] === 42 && b[3] === 0) || (ascii(b, 0, 2) === 'MM' && b[2] === 0 && b[3] === 42))) throw imageErrors.unsupported(name, 'TIFF');
  else if (b.length >= 6 && b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0 && b[4] > 0) format = 'ico';
  if (!format) {
    const looksLike = describeNonImage(b);
    if (looksLike === 'an SVG drawing') throw imageErrors.unsupported(name, 'SVG');
    throw imageErrors.notAnImage(name, looksLike);
  }
  const info: ImageInfo = { format, mime: MIME[format], animated: false, orientation: 1, complete: true };
  if (format === 'png') png(b, info);
  else if (format === 'jpeg') jpeg(b, info);
  else if (format === 'gif') gif(b, info);
  else if (format === 'webp') webp(b, info);
  else if (format === 'bmp') { info.width = Math.abs(i32le(b, 18)); info.height = Math.abs(i32le(b, 22)); }
  if (!info.complete && (format === 'png' || format === 'gif' || format === 'jpeg')) {
    throw imageErrors.corrupt(name, format === 'jpeg' ? 'no image header' : 'the file ends early');
  }
  if (info.width === 0 || info.height === 0) throw imageErrors.corrupt(name, 'its header says it has no pixels');
  return info;
}

/** The displayed size: the stored size with EXIF orientations 5–8 (90° turns) swapping the sides. */
export function orientedSize(info: ImageInfo): { width: number; height: number } | undefined {
  if (info.width === undefined || info.height === undefined) return undefined;
  return info.orientation >= 5 ? { width: info.height, height: info.width } : { width: info.width, height: info.height };
}

/** The size to decode to so the long side is at most `maxSide` (unchanged when already smaller). */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number; scaled: boolean } {
  const long = Math.max(width, height);
  if (long <= maxSide) return { width, height, scaled: false };
  const s = maxSide / long;
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)), scaled: true };
}
