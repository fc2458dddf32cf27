/**
 * A result image as the result views (compare, layer experiment, attention maps) take it: 8-bit
 * RGBA rows (an ImageData fits), or a URL (the history keeps small data-URL thumbnails).
 * Pure: no DOM, so the helpers are unit-tested in Node.
 */

/** Row-major RGBA, 4 bytes per pixel (ImageData has this shape). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}

/** What a result view can show: pixels, or an image URL (data: or blob:). */
export type ResultImage = RgbaImage | string;

export function isRgbaImage(x: unknown): x is RgbaImage {
  if (!x || typeof x !== 'object') return false;
  const r = x as RgbaImage;
  return Number.isInteger(r.width) && Number.isInteger(r.height) && r.width > 0 && r.height > 0
    && (r.data instanceof Uint8ClampedArray || r.data instanceof Uint8Array) && r.data.length === 4 * r.width * r.height;
}

/**
 * The pipeline's output ([batch, 3, h, w] floats in [0, 1], GenerateResult.images) → RGBA of
 * image `index` of the batch. Values outside [0, 1] are clipped, as the VAE's output can overshoot.
 */
export function chwToRgba(chw: Float32Array, width: number, height: number, index = 0): RgbaImage {
  const n = width * height;
  if (!Number.isInteger(index) || index < 0 || chw.length < (index + 1) * 3 * n) {
    throw new RangeError(`chwToRgba: image ${index} of ${width}×${height} needs ${(index + 1) * 3 * n} values, got ${chw.length}`);
  }
  const off = index * 3 * n;
  const data = new Uint8ClampedArray(4 * n);
  for (let i = 0; i < n; i++) {
    data[4 * i] = Math.round(chw[off + i] * 255);
    data[4 * i + 1] = Math.round(chw[off + n + i] * 255);
    data[4 * i + 2] = Math.round(chw[off + 2 * n + i] * 255);
    data[4 * i + 3] = 255;
  }
  return { width, height, data };
}
