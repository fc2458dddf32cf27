import { pilResize, type PilFilter } from './resample';
import { checkImage, type RgbImage } from './types';

/**
 * ComfyUI_IPAdapter_plus' "Prep Image For ClipVision" node (PrepImageForClipVision, v2):
 *
 *   crop_position top/bottom/left/right/center: cut the largest square at that edge
 *     (x = (w − s) // 2, y = (h − s) // 2 for center, s = min(w, h));
 *   crop_position pad: pad the short side with black, (long − short) // 2 on each side (an odd
 *     difference leaves the image one pixel short of square; the resize then stretches it a little);
 *   then Pillow's resize to 224×224 with `interpolation` (LANCZOS by default), on 8-bit pixels;
 *   then, if sharpening > 0, contrast-adaptive sharpening (CAS) on the float image.
 *
 * Why it matters: without it the encoder's own preprocessing centre-crops, so a portrait
 * reference loses its top and bottom (a face near the top can be cut off). The output is an
 * RGB image of size×size; `clipPreprocess` then leaves it as it is (no resize, no crop).
 *
 * ComfyUI works on float images (uint8/255); ToPILImage's mul(255).byte() gives back the same
 * bytes for every 8-bit value, so working on bytes here is exact. The sharpened float image is
 * rounded to 8 bits, which is what clip_preprocess does to it next (round(255·x)/255).
 */
export type PrepInterpolation = 'LANCZOS' | 'BICUBIC' | 'HAMMING' | 'BILINEAR' | 'BOX' | 'NEAREST';
export type CropPosition = 'top' | 'bottom' | 'left' | 'right' | 'center' | 'pad';

export const PREP_INTERPOLATIONS: readonly PrepInterpolation[] = ['LANCZOS', 'BICUBIC', 'HAMMING', 'BILINEAR', 'BOX', 'NEAREST'];
export const CROP_POSITIONS: readonly CropPosition[] = ['top', 'bottom', 'left', 'right', 'center', 'pad'];

export interface PrepOptions {
  interpolation?: PrepInterpolation;
  cropPosition?: CropPosition;
  /** 0…1 (the node's slider). */
  sharpening?: number;
  /** Output side (the node uses 224). */
  size?: number;
}

/** The region (before resizing) that the crop keeps, or the padding the pad mode adds. */
export function prepGeometry(width: number, height: number, cropPosition: CropPosition):
  { kind: 'crop'; x: number; y: number; side: number } | { kind: 'pad'; padX: number; padY: number } {
  if (cropPosition === 'pad') {
    if (height > width) return { kind: 'pad', padX: Math.floor((height - width) / 2), padY: 0 };
    if (width > height) return { kind: 'pad', padX: 0, padY: Math.floor((width - height) / 2) };
    return { kind: 'pad', padX: 0, padY: 0 };
  }
  const side = Math.min(width, height);
  let x = Math.floor((width - side) / 2);
  let y = Math.floor((height - side) / 2);
  // The node tests these in this order with `in`, so e.g. "top" only moves y.
  if (cropPosition === 'top') y = 0;
  else if (cropPosition === 'bottom') y = height - side;
  else if (cropPosition === 'left') x = 0;
  else if (cropPosition === 'right') x = width - side;
  return { kind: 'crop', x, y, side };
}

function validate(o: Required<PrepOptions>): void {
  if (!PREP_INTERPOLATIONS.includes(o.interpolation)) throw new Error(`interpolation "${o.interpolation}" is not one of ${PREP_INTERPOLATIONS.join(', ')}.`);
  if (!CROP_POSITIONS.includes(o.cropPosition)) throw new Error(`crop_position "${o.cropPosition}" is not one of ${CROP_POSITIONS.join(', ')}.`);
  if (!(o.sharpening >= 0 && o.sharpening <= 1)) throw new Error(`sharpening must be between 0 and 1, got ${o.sharpening}.`);
  if (!(Number.isInteger(o.size) && o.size >= 1)) throw new Error(`size must be a positive integer, got ${o.size}.`);
}

export function prepImageForClipVision(img: RgbImage, opts: PrepOptions = {}): RgbImage {
  checkImage(img, 3, 'prepImageForClipVision');
  const o: Required<PrepOptions> = {
    interpolation: opts.interpolation ?? 'LANCZOS', cropPosition: opts.cropPosition ?? 'center',
    sharpening: opts.sharpening ?? 0, size: opts.size ?? 224,
  };
  validate(o);
  const geo = prepGeometry(img.width, img.height, o.cropPosition);
  let w: number;
  let h: number;
  let region: Uint8Array;
  if (geo.kind === 'crop') {
    w = h = geo.side;
    region = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) {
      const from = ((y + geo.y) * img.width + geo.x) * 3;
      region.set(img.data.subarray(from, from + w * 3), y * w * 3);
    }
  } else {
    w = img.width + 2 * geo.padX;
    h = img.height + 2 * geo.padY;
    region = new Uint8Array(w * h * 3); // black
    for (let y = 0; y < img.height; y++) {
      region.set(img.data.subarray(y * img.width * 3, (y + 1) * img.width * 3), ((y + geo.padY) * w + geo.padX) * 3);
    }
  }
  const filter = o.interpolation.toLowerCase() as PilFilter;
  const resized = pilResize(region, w, h, 3, o.size, o.size, filter);
  const out: RgbImage = { width: o.size, height: o.size, data: resized };
  return o.sharpening > 0 ? contrastAdaptiveSharpening(out, o.sharpening) : out;
}

/**
 * Contrast-adaptive sharpening as IPAdapter_plus ports it (Jamy-L/Pytorch-Contrast-Adaptive-Sharpening),
 * per channel on x = byte/255 with a zero border: a cross-shaped high-pass whose strength falls
 * where the local contrast is already high. Returns 8-bit values (round(clip(255·y))).
 */
export function contrastAdaptiveSharpening(img: RgbImage, amount: number): RgbImage {
  checkImage(img, 3, 'contrastAdaptiveSharpening');
  const { width: W, height: H } = img;
  const f = Math.fround;
  const at = (x: number, y: number, c: number) => (x < 0 || y < 0 || x >= W || y >= H ? 0 : f(img.data[(y * W + x) * 3 + c] / 255));
  const out = new Uint8Array(img.data.length);
  const k = f(amount * (1 / 5 - 1 / 8) + 1 / 8);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < 3; c++) {
        const a = at(x - 1, y - 1, c); const b = at(x, y - 1, c); const cc = at(x + 1, y - 1, c);
        const d = at(x - 1, y, c); const e = at(x, y, c); const ff = at(x + 1, y, c);
        const g = at(x - 1, y + 1, c); const h = at(x, y + 1, c); const i = at(x + 1, y + 1, c);
        const mn = f(Math.max(0, Math.min(b, d, e, ff, h)) + Math.max(0, Math.min(a, cc, g, i)));
        const mx = f(Math.min(1, Math.max(b, d, e, ff, h)) + Math.min(1, Math.max(a, cc, g, i)));
        let amp = f(f(1 / mx) * Math.min(mn, f(2 - mx)));
        amp = f(Math.sqrt(amp)); // NaN for 0·∞ or a negative: torch.nan_to_num turns the result into 0
        const w = f(-amp * k);
        const div = f(1 / f(1 + 4 * w));
        let v = f(f(f(f(b + d + ff + h) * w) + e) * div);
        if (Number.isNaN(v)) v = 0;
        v = Math.min(1, Math.max(0, v));
        out[(y * W + x) * 3 + c] = Math.round(v * 255);
      }
    }
  }
  return { width: W, height: H, data: out };
}
