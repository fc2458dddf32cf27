import { pilResize, resizeAntialiasFloat } from './resample';
import { checkImage, type RgbImage } from './types';

/**
 * CLIP image preprocessing: RGB uint8 → normalised float32 NCHW, the `pixel_values` the image
 * encoder takes. Two references, which differ in small ways:
 *
 * `transformers` (default; what h94/IP-Adapter, diffusers and the fixture
 * `clip_vision/preprocess.safetensors` use — CLIPImageProcessor):
 *   1. resize so the short side is `size`, the long side int(size·long/short) (truncated), with
 *      Pillow's bicubic (antialiased when shrinking, 8-bit result);
 *   2. centre crop `cropSize` (top = (h − crop) // 2, left = (w − crop) // 2);
 *   3. x·(1/255) in float64 stored as float32, then (x − mean)/std in float32.
 *
 * `comfyui` (comfy/clip_vision.py clip_preprocess, which IPAdapter_plus' encoders call):
 *   1. skipped when the image is exactly size×size; otherwise the long side is round(size·long/short)
 *      (rounded, not truncated: a 43×59 image becomes 32×44 at size 32, not 32×43), resized with
 *      torch.nn.functional.interpolate(mode='bicubic', antialias=True) — the same filter as
 *      Pillow's (a = −0.5) but in float32, without the 8-bit rounding between the two passes;
 *   2. the same centre crop;
 *   3. round(clip(255·x)) / 255, then (x − mean)/std.
 * So the two agree exactly on a size×size input and differ by about one 8-bit level (and, for
 * some aspect ratios, a one-pixel shift of the crop) otherwise. The course uses transformers'
 * rule by default, because the IP-Adapter models were trained and published with it.
 */

/** OpenAI CLIP's normalisation (OPENAI_CLIP_MEAN / OPENAI_CLIP_STD). */
export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;

export type ClipPreprocessMode = 'transformers' | 'comfyui';

export interface ClipPreprocessOptions {
  /** Short side after resizing (CLIPImageProcessor size.shortest_edge; ViT-H/14: 224). */
  size?: number;
  /** Centre crop side (crop_size; default = size). */
  cropSize?: number;
  mode?: ClipPreprocessMode;
  mean?: readonly number[];
  std?: readonly number[];
}

/** transformers' get_resize_output_image_size(…, default_to_square=False) for the shortest edge. */
export function shortSideResize(width: number, height: number, size: number, mode: ClipPreprocessMode = 'transformers'): { width: number; height: number } {
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  const newLong = mode === 'comfyui' ? Math.round((size / short) * long) : Math.trunc((size * long) / short);
  return width <= height ? { width: size, height: newLong } : { width: newLong, height: size };
}

/** The centre-crop offsets both references use. */
export function centreCropOffsets(width: number, height: number, crop: number): { top: number; left: number } {
  return { top: Math.floor((height - crop) / 2), left: Math.floor((width - crop) / 2) };
}

const f32 = Math.fround;

/** One image → [3, crop, crop] float32, written into `out` at `offset`. */
function preprocessOne(img: RgbImage, o: Required<ClipPreprocessOptions>, out: Float32Array, offset: number): void {
  checkImage(img, 3, 'clipPreprocess');
  const { size, cropSize: crop, mode } = o;
  const mean = o.mean.map(f32);
  const std = o.std.map(f32);
  const plane = crop * crop;
  const target = shortSideResize(img.width, img.height, size, mode);
  const { top, left } = centreCropOffsets(target.width, target.height, crop);
  if (top < 0 || left < 0) throw new Error(`clipPreprocess: the crop ${crop} is larger than the resized image ${target.width}×${target.height}.`);

  if (mode === 'transformers') {
    const resized = pilResize(img.data, img.width, img.height, 3, target.width, target.height, 'bicubic');
    for (let y = 0; y < crop; y++) {
      for (let x = 0; x < crop; x++) {
        const p = ((y + top) * target.width + x + left) * 3;
        for (let c = 0; c < 3; c++) {
          const v = f32(resized[p + c] * (1 / 255));
          out[offset + c * plane + y * crop + x] = f32(f32(v - mean[c]) / std[c]);
        }
      }
    }
    return;
  }

  // ComfyUI: the image is float (uint8 / 255, as LoadImage makes it).
  const same = img.width === size && img.height === size;
  let values: ArrayLike<number>;
  let w = img.width;
  if (same) {
    values = Float32Array.from(img.data, (v) => f32(v / 255));
  } else {
    const asFloat = Float32Array.from(img.data, (v) => f32(v / 255));
    values = resizeAntialiasFloat(asFloat, img.width, img.height, 3, target.width, target.height, 'bicubic');
    w = target.width;
  }
  const [t, l] = same ? [0, 0] : [top, left];
  for (let y = 0; y < crop; y++) {
    for (let x = 0; x < crop; x++) {
      const p = ((y + t) * w + x + l) * 3;
      for (let c = 0; c < 3; c++) {
        const q = f32(Math.min(255, Math.max(0, f32(255 * values[p + c]))));
        const v = f32(roundHalfEven(q) / 255);
        out[offset + c * plane + y * crop + x] = f32(f32(v - mean[c]) / std[c]);
      }
    }
  }
}

/** torch.round: half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * CLIP preprocessing of one or more RGB images → Float32Array [N, 3, crop, crop] (NCHW), ready
 * for the image encoder's `pixel_values` input. Defaults: size 224, transformers' rule.
 */
export function clipPreprocess(images: RgbImage | RgbImage[], opts: ClipPreprocessOptions = {}): Float32Array {
  const list = Array.isArray(images) ? images : [images];
  const size = opts.size ?? 224;
  const o: Required<ClipPreprocessOptions> = {
    size, cropSize: opts.cropSize ?? size, mode: opts.mode ?? 'transformers',
    mean: opts.mean ?? CLIP_MEAN, std: opts.std ?? CLIP_STD,
  };
  if (o.cropSize > o.size) throw new Error(`clipPreprocess: crop ${o.cropSize} is larger than the resize target ${o.size}.`);
  const per = 3 * o.cropSize * o.cropSize;
  const out = new Float32Array(list.length * per);
  list.forEach((img, i) => preprocessOne(img, o, out, i * per));
  return out;
}

/** The inverse of the normalisation, for showing what the encoder sees: [3, S, S] → RGB uint8. */
export function clipPixelsToRgb(pixels: Float32Array, side: number, index = 0, mean: readonly number[] = CLIP_MEAN, std: readonly number[] = CLIP_STD): RgbImage {
  const plane = side * side;
  const base = index * 3 * plane;
  const data = new Uint8Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      const v = (pixels[base + c * plane + i] * std[c] + mean[c]) * 255;
      data[i * 3 + c] = Math.min(255, Math.max(0, Math.round(v)));
    }
  }
  return { width: side, height: side, data };
}
