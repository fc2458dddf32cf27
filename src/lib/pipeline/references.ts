/**
 * Reference images as the page has them (8-bit RGB or RGBA, e.g. a canvas's getImageData) →
 * the encoder's pixels, using the image module's ComfyUI-exact steps (src/lib/image): RGBA is
 * composited on white, PrepImageForClipVision (crop position, pad, interpolation, sharpening)
 * runs when asked, then CLIP's resize / centre crop / normalisation. Done in the worker, so the
 * page's thread never resamples. Already-preprocessed pixels pass through unchanged.
 */
import { clipPreprocess, type ClipPreprocessMode } from '../image/clipPreprocess';
import { compositeOnWhite } from '../image/composite';
import { prepImageForClipVision, type PrepOptions } from '../image/prepForClipVision';
import type { RgbaImage, RgbImage } from '../image/types';
import type { ClipPixels } from './settings';

/** An 8-bit image to preprocess (3 or 4 channels, row-major, interleaved). */
export interface RawReference {
  image: RgbImage | RgbaImage;
  /** Apply PrepImageForClipVision first (ComfyUI's node; crop position 'pad' keeps the whole picture). */
  prep?: Omit<PrepOptions, 'size'>;
  /** CLIP preprocessing rule (default 'transformers', the one the adapters were trained with). */
  mode?: ClipPreprocessMode;
}

export type ReferenceImage = ClipPixels | RawReference;

export const isRawReference = (r: ReferenceImage): r is RawReference => typeof r === 'object' && r !== null && 'image' in r;

/** Problems with a raw reference (empty when fine). */
export function rawReferenceIssue(r: RawReference): string | null {
  const img = r.image;
  if (!img || !(img.data instanceof Uint8Array || img.data instanceof Uint8ClampedArray)) return 'must hold 8-bit pixel data (Uint8Array or Uint8ClampedArray).';
  if (!Number.isInteger(img.width) || !Number.isInteger(img.height) || img.width < 1 || img.height < 1) return `has no valid size (${img.width}×${img.height}).`;
  const n = img.width * img.height;
  if (img.data.length !== 3 * n && img.data.length !== 4 * n) return `holds ${img.data.length} bytes, not ${img.width}×${img.height}×3 (RGB) or ×4 (RGBA).`;
  return null;
}

/** The encoder's input for a reference: [3, size, size], normalised. */
export function referencePixels(r: ReferenceImage, size: number): ClipPixels {
  if (!isRawReference(r)) return r;
  const img = r.image;
  let rgb: RgbImage = img.data.length === img.width * img.height * 4
    ? compositeOnWhite(img as RgbaImage)
    : { width: img.width, height: img.height, data: img.data instanceof Uint8Array ? img.data : new Uint8Array(img.data) };
  if (r.prep) rgb = prepImageForClipVision(rgb, { ...r.prep, size });
  return { data: clipPreprocess(rgb, { size, mode: r.mode }), size };
}
