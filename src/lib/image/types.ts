/**
 * Images as plain typed arrays, row-major, channels interleaved, 8 bits per channel: what a
 * canvas's getImageData gives (RGBA) and what PIL / ComfyUI work on (RGB). No DOM types, so
 * everything but `decode.ts` runs in Node, in a worker and in the page alike.
 */
export interface RgbaImage {
  width: number;
  height: number;
  /** width·height·4 bytes, straight (not premultiplied) alpha. */
  data: Uint8Array | Uint8ClampedArray;
}

export interface RgbImage {
  width: number;
  height: number;
  /** width·height·3 bytes. */
  data: Uint8Array;
}

/** Throws if `data` does not hold width·height·channels bytes (a programming error, not user input). */
export function checkImage(img: { width: number; height: number; data: ArrayLike<number> }, channels: number, what = 'image'): void {
  const { width, height } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`${what}: size ${width}×${height} is not a positive integer size.`);
  }
  if (img.data.length !== width * height * channels) {
    throw new Error(`${what}: ${img.data.length} bytes is not ${width}×${height}×${channels}.`);
  }
}

/** RGBA → RGB by dropping alpha (what PIL's convert('RGB') and ComfyUI's LoadImage do). Use `compositeOnWhite` to respect alpha. */
export function dropAlpha(img: RgbaImage): RgbImage {
  checkImage(img, 4, 'dropAlpha');
  const n = img.width * img.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    out[i * 3] = img.data[i * 4];
    out[i * 3 + 1] = img.data[i * 4 + 1];
    out[i * 3 + 2] = img.data[i * 4 + 2];
  }
  return { width: img.width, height: img.height, data: out };
}
