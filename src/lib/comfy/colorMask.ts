/**
 * The mask ComfyUI_essentials' MaskFromRGBCMYBW+ makes from one colour of a picture (the
 * regional example paints its regions red, green and black in one image). With channel values
 * r, g, b in [0, 1] and thresholds (t_r, t_g, t_b), a pixel belongs to
 *   red     r ≥ 1 − t_r, g < t_g,     b < t_b        cyan    r < t_r,     g ≥ 1 − t_g, b ≥ 1 − t_b
 *   green   r < t_r,     g ≥ 1 − t_g, b < t_b        magenta r ≥ 1 − t_r, g < t_g,     b ≥ 1 − t_b
 *   blue    r < t_r,     g < t_g,     b ≥ 1 − t_b    yellow  r ≥ 1 − t_r, g ≥ 1 − t_g, b < t_b
 *   black   r ≤ t_r,     g ≤ t_g,     b ≤ t_b        white   r ≥ 1 − t_r, g ≥ 1 − t_g, b ≥ 1 − t_b
 * and gets 1, every other pixel 0 — with the node's two quirks kept: black compares with ≤, and
 * magenta's blue with > (not ≥). The panel feeds the result to the pipeline as the adapter's mask.
 */
import type { MaskColor } from './settings';

/** [high red, high green, high blue] for each colour. */
const PATTERN: Readonly<Record<MaskColor, readonly [boolean, boolean, boolean]>> = {
  red: [true, false, false],
  green: [false, true, false],
  blue: [false, false, true],
  cyan: [false, true, true],
  magenta: [true, false, true],
  yellow: [true, true, false],
  black: [false, false, false],
  white: [true, true, true],
};

/**
 * An RGB or RGBA picture with 8-bit values (`channels` per pixel, row-major) → Float32 mask of
 * width × height, 1 where the pixel has `color`.
 */
export function colorMask(
  img: { data: ArrayLike<number>; width: number; height: number; channels: 3 | 4 },
  color: MaskColor,
  thresholds: readonly [number, number, number],
): Float32Array {
  const { data, width, height, channels } = img;
  const n = width * height;
  if (data.length !== n * channels) throw new Error(`colorMask: expected ${n * channels} values for ${width}×${height}×${channels}, got ${data.length}.`);
  const want = PATTERN[color];
  const out = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    let inside = true;
    for (let c = 0; c < 3 && inside; c++) {
      const v = data[p * channels + c] / 255;
      const t = thresholds[c];
      if (want[c]) inside = color === 'magenta' && c === 2 ? v > 1 - t : v >= 1 - t;
      else inside = color === 'black' ? v <= t : v < t;
    }
    out[p] = inside ? 1 : 0;
  }
  return out;
}
