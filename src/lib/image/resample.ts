/**
 * Image resizing as the reference tools do it, so preprocessing matches bit for bit.
 *
 * `pilResize` is Pillow's `Image.resize` on 8-bit images (libImaging/Resample.c): a separable
 * convolution, horizontal pass first, whose filter is stretched by the scale when shrinking
 * (that is the antialiasing), with coefficients normalised per output pixel, rounded to 22-bit
 * fixed point, and the intermediate image clipped and stored as 8 bits between the two passes.
 * transformers' CLIPImageProcessor resizes with it (PIL bicubic), and so does
 * ComfyUI_IPAdapter_plus' PrepImageForClipVision (PIL, LANCZOS by default).
 *
 * `resizeAntialiasFloat` is torch.nn.functional.interpolate(…, antialias=True) on float images
 * (ComfyUI's clip_preprocess): the same filters and the same weights (torch ported them from
 * Pillow; bicubic with a = −0.5 when antialiasing), computed in floating point with no rounding
 * or clipping between the passes.
 */

export type PilFilter = 'nearest' | 'box' | 'bilinear' | 'hamming' | 'bicubic' | 'lanczos';

interface Filter { support: number; f: (x: number) => number }

const sinc = (x: number) => {
  if (x === 0) return 1;
  const y = x * Math.PI;
  return Math.sin(y) / y;
};

/** Pillow's filters (Resample.c), with their supports. */
export const FILTERS: Record<Exclude<PilFilter, 'nearest'>, Filter> = {
  box: { support: 0.5, f: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  bilinear: { support: 1, f: (x) => { const a = Math.abs(x); return a < 1 ? 1 - a : 0; } },
  hamming: {
    support: 1,
    f: (x) => {
      const a = Math.abs(x);
      if (a === 0) return 1;
      if (a >= 1) return 0;
      const y = a * Math.PI;
      return (Math.sin(y) / y) * (0.54 + 0.46 * Math.cos(y));
    },
  },
  bicubic: {
    support: 2,
    f: (x) => {
      const A = -0.5;
      const a = Math.abs(x);
      if (a < 1) return ((A + 2) * a - (A + 3)) * a * a + 1;
      if (a < 2) return (((a - 5) * a + 8) * a - 4) * A;
      return 0;
    },
  },
  lanczos: { support: 3, f: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

/** Per output pixel: first input index and normalised weights (Pillow's precompute_coeffs, in doubles). */
export interface Coefficients {
  ksize: number;
  bounds: Int32Array; // [xmin, count] per output pixel
  weights: Float64Array; // outSize × ksize
}

export function precomputeCoeffs(inSize: number, outSize: number, filter: Filter, in0 = 0, in1 = inSize): Coefficients {
  const scale = (in1 - in0) / outSize;
  const filterscale = Math.max(scale, 1);
  const support = filter.support * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Float64Array(outSize * ksize);
  const ss = 1 / filterscale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = in0 + (xx + 0.5) * scale;
    // C's (int) truncates toward zero.
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = filter.f((x + xmin - center + 0.5) * ss);
      weights[xx * ksize + x] = w;
      ww += w;
    }
    if (ww !== 0) for (let x = 0; x < xmax; x++) weights[xx * ksize + x] /= ww;
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, weights };
}

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;
const HALF = 2 ** (PRECISION_BITS - 1);

/** Pillow's normalize_coeffs_8bpc: doubles → 22-bit fixed point, rounded half away from zero. */
function fixedPoint(c: Coefficients): Int32Array {
  const out = new Int32Array(c.weights.length);
  for (let i = 0; i < out.length; i++) {
    const v = c.weights[i] * ONE;
    out[i] = v < 0 ? Math.trunc(-0.5 + v) : Math.trunc(0.5 + v);
  }
  return out;
}

/** clip8: the accumulator (with its rounding half already added) shifted down and clipped to 0…255. */
const clip8 = (ss: number) => {
  const v = Math.floor(ss / ONE); // arithmetic shift of a (possibly negative) integer
  return v < 0 ? 0 : v > 255 ? 255 : v;
};

function resampleHorizontal8(src: ArrayLike<number>, w: number, rows: number, ch: number, outW: number, c: Coefficients, y0 = 0): Uint8Array {
  const k = fixedPoint(c);
  const out = new Uint8Array(outW * rows * ch);
  for (let y = 0; y < rows; y++) {
    const rowIn = (y + y0) * w * ch;
    const rowOut = y * outW * ch;
    for (let xx = 0; xx < outW; xx++) {
      const xmin = c.bounds[xx * 2];
      const n = c.bounds[xx * 2 + 1];
      const kk = xx * c.ksize;
      for (let b = 0; b < ch; b++) {
        let ss = HALF;
        for (let x = 0; x < n; x++) ss += src[rowIn + (x + xmin) * ch + b] * k[kk + x];
        out[rowOut + xx * ch + b] = clip8(ss);
      }
    }
  }
  return out;
}

function resampleVertical8(src: ArrayLike<number>, w: number, ch: number, outH: number, c: Coefficients, shift = 0): Uint8Array {
  const k = fixedPoint(c);
  const out = new Uint8Array(w * outH * ch);
  const stride = w * ch;
  for (let yy = 0; yy < outH; yy++) {
    const ymin = c.bounds[yy * 2] - shift;
    const n = c.bounds[yy * 2 + 1];
    const kk = yy * c.ksize;
    for (let i = 0; i < stride; i++) {
      let ss = HALF;
      for (let y = 0; y < n; y++) ss += src[(y + ymin) * stride + i] * k[kk + y];
      out[yy * stride + i] = clip8(ss);
    }
  }
  return out;
}

/** Pillow's NEAREST resize (an affine transform sampling pixel centres, with its running sums). */
function nearest(src: ArrayLike<number>, w: number, h: number, ch: number, outW: number, outH: number): Uint8Array {
  const coord = (v: number) => (v < 0 ? -1 : Math.trunc(v));
  const ax = w / outW;
  const ay = h / outH;
  const xin = new Int32Array(outW);
  let xo = ax * 0.5;
  for (let x = 0; x < outW; x++) { xin[x] = Math.min(w - 1, Math.max(0, coord(xo))); xo += ax; }
  const out = new Uint8Array(outW * outH * ch);
  let yo = ay * 0.5;
  for (let y = 0; y < outH; y++) {
    const yi = Math.min(h - 1, Math.max(0, coord(yo)));
    yo += ay;
    for (let x = 0; x < outW; x++) for (let b = 0; b < ch; b++) out[(y * outW + x) * ch + b] = src[(yi * w + xin[x]) * ch + b];
  }
  return out;
}

/**
 * Pillow's `Image.resize((outW, outH), filter)` on an 8-bit image of `channels` interleaved
 * channels. The same size returns a copy, as Pillow does.
 */
export function pilResize(
  src: ArrayLike<number>, width: number, height: number, channels: number,
  outW: number, outH: number, filter: PilFilter,
): Uint8Array {
  if (src.length !== width * height * channels) throw new Error(`pilResize: ${src.length} bytes is not ${width}×${height}×${channels}.`);
  if (!(outW >= 1 && outH >= 1)) throw new Error(`pilResize: output size ${outW}×${outH} is empty.`);
  if (outW === width && outH === height) return Uint8Array.from(src);
  if (filter === 'nearest') return nearest(src, width, height, channels, outW, outH);
  const f = FILTERS[filter];
  const needH = outW !== width;
  const needV = outH !== height;
  const ch = precomputeCoeffs(width, outW, f);
  const cv = precomputeCoeffs(height, outH, f);
  if (!needV) return resampleHorizontal8(src, width, height, channels, outW, ch);
  if (!needH) return resampleVertical8(src, width, channels, outH, cv);
  // Only the rows the vertical pass reads go through the horizontal pass (as Pillow does).
  const first = cv.bounds[0];
  const last = cv.bounds[outH * 2 - 2] + cv.bounds[outH * 2 - 1];
  const tmp = resampleHorizontal8(src, width, last - first, channels, outW, ch, first);
  return resampleVertical8(tmp, outW, channels, outH, cv, first);
}

/**
 * torch.nn.functional.interpolate(x, size, mode, antialias=True, align_corners=False) on a float
 * image stored interleaved (H, W, C): Pillow's weights in floating point, no intermediate rounding.
 * (torch uses these weights for bilinear and bicubic with antialias; a = −0.5 for bicubic.)
 */
export function resizeAntialiasFloat(
  src: ArrayLike<number>, width: number, height: number, channels: number,
  outW: number, outH: number, filter: 'bilinear' | 'bicubic' = 'bicubic',
): Float32Array {
  if (src.length !== width * height * channels) throw new Error(`resizeAntialiasFloat: ${src.length} values is not ${width}×${height}×${channels}.`);
  const f = FILTERS[filter];
  const ch = precomputeCoeffs(width, outW, f);
  const cv = precomputeCoeffs(height, outH, f);
  const tmp = new Float64Array(outW * height * channels);
  for (let y = 0; y < height; y++) {
    for (let xx = 0; xx < outW; xx++) {
      const xmin = ch.bounds[xx * 2];
      const n = ch.bounds[xx * 2 + 1];
      for (let b = 0; b < channels; b++) {
        let s = 0;
        for (let x = 0; x < n; x++) s += src[(y * width + x + xmin) * channels + b] * ch.weights[xx * ch.ksize + x];
        tmp[(y * outW + xx) * channels + b] = s;
      }
    }
  }
  const out = new Float32Array(outW * outH * channels);
  const stride = outW * channels;
  for (let yy = 0; yy < outH; yy++) {
    const ymin = cv.bounds[yy * 2];
    const n = cv.bounds[yy * 2 + 1];
    for (let i = 0; i < stride; i++) {
      let s = 0;
      for (let y = 0; y < n; y++) s += tmp[(y + ymin) * stride + i] * cv.weights[yy * cv.ksize + y];
      out[yy * stride + i] = s;
    }
  }
  return out;
}
