/**
 * Browser-only image intake (main thread or worker): a File/Blob from the reader → RGBA and RGB
 * pixels, with every problem turned into an ImageInputError and every silent change into a
 * notice. Uses createImageBitmap + OffscreenCanvas only (both exist in workers; no <img>, no DOM).
 *
 * Order of checks, cheapest first:
 *   0 bytes → empty-file; over `maxFileBytes` → file-too-large; magic number not an image →
 *   not-an-image (saying what it looks like: PDF, ZIP, safetensors, text…); TIFF/HEIC/SVG →
 *   unsupported-format; a PNG/GIF/JPEG cut short → corrupt-image; the decoder refusing it →
 *   corrupt-image (or image-too-large for enormous headers).
 * Then: an image whose long side exceeds `maxSide` (2048) is downscaled while decoding — the
 * header gives its size first, so a 10000×10000 picture never becomes 400 MB of RGBA in our
 * code, let alone a GPU tensor; an animated GIF/PNG/WebP gives its first frame (createImageBitmap's
 * rule); transparency is composited on white for the RGB result (compositeOnWhite).
 *
 * Colour: EXIF orientation is applied (as ComfyUI's LoadImage does with exif_transpose);
 * embedded colour profiles are ignored (colorSpaceConversion 'none'), as Pillow ignores them, so
 * the bytes match what the Python references read from the same file.
 */
import { compositeOnWhite, hasTransparency } from './composite';
import { ImageInputError, imageErrors, imageNotices, type ImageNotice } from './errors';
import { maskFromImage, type MaskChannel, type MaskIntake } from './mask';
import { fitWithin, orientedSize, sniffImage, type ImageInfo } from './sniff';
import type { RgbaImage, RgbImage } from './types';

export interface DecodeOptions {
  /** Longest side kept (default 2048). Larger images are scaled down while decoding. */
  maxSide?: number;
  /** Largest file accepted, bytes (default 100 MB). */
  maxFileBytes?: number;
  /** Background for transparent pixels in `rgb` (default white). */
  background?: readonly [number, number, number];
  /** Name used in messages (default: the File's name). */
  name?: string;
}

export interface DecodedImage {
  rgba: RgbaImage;
  /** `rgba` composited on the background: what the CLIP preprocessing takes. */
  rgb: RgbImage;
  info: ImageInfo;
  /** Size before any downscale (after EXIF orientation). */
  original: { width: number; height: number };
  notices: ImageNotice[];
}

/** Browsers refuse to decode beyond roughly this many pixels; above it we say so plainly. */
const DECODE_PIXEL_LIMIT = 16384 * 16384;

export const DEFAULT_MAX_SIDE = 2048;
export const DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024;

function hasDecoder(): boolean {
  return typeof createImageBitmap === 'function' && typeof OffscreenCanvas === 'function';
}

async function bitmapOf(blob: Blob, resize?: { width: number; height: number }): Promise<ImageBitmap> {
  const base: ImageBitmapOptions = { imageOrientation: 'from-image', premultiplyAlpha: 'none', colorSpaceConversion: 'none' };
  if (!resize) return createImageBitmap(blob, base);
  try {
    return await createImageBitmap(blob, { ...base, resizeWidth: resize.width, resizeHeight: resize.height, resizeQuality: 'high' });
  } catch {
    return createImageBitmap(blob, base); // a browser without resize options: scaled when drawn below
  }
}

export async function decodeImageFile(file: Blob, opts: DecodeOptions = {}): Promise<DecodedImage> {
  const name = opts.name ?? ((file as File).name || 'The image');
  const maxSide = opts.maxSide ?? DEFAULT_MAX_SIDE;
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (file.size === 0) throw imageErrors.empty(name);
  if (file.size > maxBytes) throw imageErrors.fileTooLarge(name, file.size, maxBytes);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const info = sniffImage(bytes, name);
  if (!hasDecoder()) throw imageErrors.noDecoder();

  const header = orientedSize(info);
  if (header && header.width * header.height > DECODE_PIXEL_LIMIT) throw imageErrors.imageTooLarge(name, header.width, header.height);
  const planned = header ? fitWithin(header.width, header.height, maxSide) : undefined;
  const blob = new Blob([bytes], { type: info.mime });

  let bitmap: ImageBitmap;
  try {
    bitmap = await bitmapOf(blob, planned?.scaled ? planned : undefined);
  } catch (e) {
    throw imageErrors.corrupt(name, e instanceof Error && e.message ? e.message : undefined);
  }
  const original = planned?.scaled && header ? header : { width: bitmap.width, height: bitmap.height };
  // Whatever the browser did with the resize options, the result fits within maxSide.
  const fit = fitWithin(bitmap.width, bitmap.height, maxSide);
  const { width, height } = fit;

  let data: Uint8ClampedArray;
  try {
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw imageErrors.noDecoder();
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, 0, 0, width, height);
    data = ctx.getImageData(0, 0, width, height).data;
  } catch (e) {
    if (e instanceof ImageInputError) throw e;
    throw imageErrors.imageTooLarge(name, original.width, original.height);
  } finally {
    bitmap.close();
  }

  const notices: ImageNotice[] = [];
  if (width !== original.width || height !== original.height) notices.push(imageNotices.downscaled(original.width, original.height, width, height));
  if (info.animated) notices.push(imageNotices.animated(info.frames));
  const rgba: RgbaImage = { width, height, data };
  const transparent = hasTransparency(rgba);
  if (transparent) notices.push(imageNotices.transparency());
  const rgb = compositeOnWhite(rgba, opts.background);
  return { rgba, rgb, info, original, notices };
}

/** A mask picture → attn_mask values (see mask.ts), with the decode notices and the aspect notice. */
export async function decodeMaskFile(
  file: Blob, latent: { height: number; width: number }, channel: MaskChannel = 'luminance', opts: DecodeOptions = {},
): Promise<MaskIntake & { notices: ImageNotice[] }> {
  const decoded = await decodeImageFile(file, opts);
  const intake = maskFromImage(decoded.rgba, latent, channel);
  const notices = decoded.notices.filter((n) => n.code !== 'transparency-flattened');
  if (intake.notice) notices.push(intake.notice);
  return { ...intake, notices };
}
