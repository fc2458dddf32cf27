/**
 * IPAdapterNoise (ComfyUI_IPAdapter_plus v2): builds a *negative* image for the
 * unconditional branch from the reference, so CFG pushes away from "a degraded copy of the
 * reference" instead of from "black". Types, with s = strength ∈ [0, 1] and per-value
 * random numbers (one per pixel *and* channel, as torch.rand_like/randn_like draw them):
 *
 * - fade:     x·(1 − s) + u·s                        u ~ U[0, 1)
 * - dissolve: u' < s ? u : x                          (a random fraction s of values replaced by noise)
 * - gaussian: x + z·s                                 z ~ N(0, 1)
 * - shuffle:  x̃ = flipH(flipV(elastic(x; α = 75, σ = 3.5·(1 − s)))), n = z·0.75·s, x̃·(1 − n) + n
 *
 * then clamp to [0, 1] and, if blur > 0, a Gaussian blur with kernel `blur` (made odd) and
 * torchvision's default σ = 0.3·((k − 1)/2 − 1) + 0.8.
 *
 * ComfyUI first centre-crops and resizes the reference to 224×224; here the caller passes
 * the image already at the size it wants (normally the 224×224 CLIP input), so this module
 * stays free of resampling choices. Random numbers come from noise.ts (Philox), seeded by
 * default like ComfyUI from ⌊Σ pixels⌋ mod 1000000007 — so the same image gives the same
 * negative, though not the same numbers as torch.
 */
import { createNoiseGenerator, type NoiseGenerator } from '../schedulers/noise';

export const NOISE_TYPES = ['fade', 'dissolve', 'gaussian', 'shuffle'] as const;
export type NoiseType = (typeof NOISE_TYPES)[number];

export function isNoiseType(x: unknown): x is NoiseType {
  return typeof x === 'string' && (NOISE_TYPES as readonly string[]).includes(x);
}

/** An RGB image, height × width × 3 (HWC, row-major), values in [0, 1]. */
export interface RgbImage {
  data: Float32Array;
  width: number;
  height: number;
}

export interface NegativeNoiseOptions {
  type: NoiseType;
  /** 0 … 1 (ComfyUI default 1). */
  strength: number;
  /** Gaussian blur kernel size 0 … 32 (0 = none; even sizes are bumped to the next odd). */
  blur?: number;
  /** Override the seed; default ⌊Σ pixel values⌋ mod 1000000007, as ComfyUI hashes the image. */
  seed?: number;
  /** Size of the black image used when `image` is null (ComfyUI: 224). */
  size?: number;
}

function checkImage(img: RgbImage): void {
  if (img.width < 1 || img.height < 1 || img.data.length !== img.width * img.height * 3) {
    throw new Error(`An RGB image of ${img.width}×${img.height} needs ${img.width * img.height * 3} values, got ${img.data.length}.`);
  }
}

/** ComfyUI's image hash seed: ⌊Σ values⌋ mod 1000000007. */
export function imageSeed(img: RgbImage): number {
  let s = 0;
  for (const v of img.data) s += v;
  return Math.max(0, Math.trunc(s)) % 1000000007;
}

/** Reflect an index into [0, n) without repeating the edge (torch "reflect" padding), for any overshoot. */
function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let j = ((i % period) + period) % period;
  if (j >= n) j = period - j;
  return j;
}

/** Normalised 1-D Gaussian kernel as torchvision builds it (linspace of offsets, exp(−½(x/σ)²)). */
export function gaussianKernel1d(size: number, sigma: number): Float64Array {
  const half = (size - 1) / 2;
  const k = new Float64Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const x = -half + i;
    k[i] = Math.exp(-0.5 * (x / sigma) ** 2);
    sum += k[i];
  }
  for (let i = 0; i < size; i++) k[i] /= sum;
  return k;
}

/**
 * Separable Gaussian blur of `channels` interleaved planes (HWC) with reflect padding,
 * like torchvision.transforms.functional.gaussian_blur.
 */
export function gaussianBlur(
  data: Float32Array,
  width: number,
  height: number,
  channels: number,
  kernelSize: number,
  sigma = 0.3 * ((kernelSize - 1) * 0.5 - 1) + 0.8,
): Float32Array {
  const k = gaussianKernel1d(kernelSize, sigma);
  const r = (kernelSize - 1) / 2;
  const tmp = new Float32Array(data.length);
  const out = new Float32Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        let s = 0;
        for (let i = 0; i < kernelSize; i++) s += k[i] * data[(y * width + reflect(x + i - r, width)) * channels + c];
        tmp[(y * width + x) * channels + c] = s;
      }
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        let s = 0;
        for (let i = 0; i < kernelSize; i++) s += k[i] * tmp[(reflect(y + i - r, height) * width + x) * channels + c];
        out[(y * width + x) * channels + c] = s;
      }
    }
  }
  return out;
}

/**
 * torchvision ElasticTransform (bilinear, fill 0): a random displacement field, uniform in
 * [−1, 1], Gaussian-blurred with σ (kernel int(8σ + 1), made odd; no blur when σ = 0), scaled
 * by α/size, added to the identity sampling grid in [−1, 1] coordinates.
 */
export function elasticTransform(img: RgbImage, alpha: number, sigma: number, rng: NoiseGenerator): RgbImage {
  const { width: w, height: h } = img;
  const field = (): Float32Array => {
    let d: Float32Array = rng.uniformArray(w * h).map((u) => u * 2 - 1);
    if (sigma > 0) {
      let ks = Math.trunc(8 * sigma + 1);
      if (ks % 2 === 0) ks += 1;
      d = gaussianBlur(d, w, h, 1, ks, sigma);
    }
    return d;
  };
  // torchvision scales dx by α/H and dy by α/W (size = [H, W]); identical for square images.
  const dx = field().map((v) => (v * alpha) / h);
  const dy = field().map((v) => (v * alpha) / w);
  const out = new Float32Array(img.data.length);
  const src = img.data;
  const at = (yy: number, xx: number, c: number) => (yy < 0 || yy >= h || xx < 0 || xx >= w ? 0 : src[(yy * w + xx) * 3 + c]);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      // identity grid: linspace((−w+1)/w, (w−1)/w, w) = (2x + 1)/w − 1
      const gx = (2 * x + 1) / w - 1 + dx[i];
      const gy = (2 * y + 1) / h - 1 + dy[i];
      // grid_sample, align_corners = false
      const fx = ((gx + 1) * w - 1) / 2;
      const fy = ((gy + 1) * h - 1) / 2;
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const lx = fx - x0;
      const ly = fy - y0;
      for (let c = 0; c < 3; c++) {
        out[i * 3 + c] =
          (1 - ly) * ((1 - lx) * at(y0, x0, c) + lx * at(y0, x0 + 1, c)) + ly * ((1 - lx) * at(y0 + 1, x0, c) + lx * at(y0 + 1, x0 + 1, c));
      }
    }
  }
  return { data: out, width: w, height: h };
}

/** Vertical then horizontal flip = a 180° rotation. */
function flipBoth(img: RgbImage): RgbImage {
  const { width: w, height: h, data } = img;
  const out = new Float32Array(data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * 3;
      const d = ((h - 1 - y) * w + (w - 1 - x)) * 3;
      out[d] = data[s];
      out[d + 1] = data[s + 1];
      out[d + 2] = data[s + 2];
    }
  }
  return { data: out, width: w, height: h };
}

/**
 * The negative image for `image` (or for a black `size`×`size` image when null, as ComfyUI
 * does without `image_optional`). Throws only on programming errors (bad array sizes, unknown
 * type); strength and blur are clamped into their ComfyUI ranges.
 */
export function negativeNoise(image: RgbImage | null, opts: NegativeNoiseOptions): RgbImage {
  const size = opts.size ?? 224;
  const img: RgbImage = image ?? { data: new Float32Array(size * size * 3), width: size, height: size };
  checkImage(img);
  if (!isNoiseType(opts.type)) throw new Error(`Unknown noise type "${String(opts.type)}". Valid: ${NOISE_TYPES.join(', ')}.`);
  const s = Math.min(1, Math.max(0, Number.isFinite(opts.strength) ? opts.strength : 1));
  const rng = createNoiseGenerator(opts.seed ?? imageSeed(img));
  const x = img.data;
  const n = x.length;
  let out: Float32Array = new Float32Array(n);
  switch (opts.type) {
    case 'fade': {
      const u = rng.uniformArray(n);
      for (let i = 0; i < n; i++) out[i] = x[i] * (1 - s) + u[i] * s;
      break;
    }
    case 'dissolve': {
      const m = rng.uniformArray(n);
      const u = rng.uniformArray(n);
      for (let i = 0; i < n; i++) out[i] = m[i] < s ? u[i] : x[i];
      break;
    }
    case 'gaussian': {
      const z = rng.normalArray(n);
      for (let i = 0; i < n; i++) out[i] = x[i] + z[i] * s;
      break;
    }
    case 'shuffle': {
      const t = flipBoth(elasticTransform(img, 75, (1 - s) * 3.5, rng)).data;
      const z = rng.normalArray(n);
      for (let i = 0; i < n; i++) {
        const nz = z[i] * s * 0.75;
        out[i] = t[i] * (1 - nz) + nz;
      }
      break;
    }
  }
  for (let i = 0; i < n; i++) out[i] = Math.min(1, Math.max(0, out[i]));
  let blur = Math.trunc(Math.min(32, Math.max(0, opts.blur ?? 0)));
  if (blur > 0) {
    if (blur % 2 === 0) blur += 1;
    out = gaussianBlur(out, img.width, img.height, 3, blur);
  }
  return { data: out, width: img.width, height: img.height };
}
