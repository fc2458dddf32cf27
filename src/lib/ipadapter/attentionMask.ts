/**
 * attn_mask: a greyscale mask (1 = full effect, 0 = none) that multiplies the image branch's
 * output at every cross-attention layer (ComfyUI CrossAttentionPatch). At a layer with seq_len
 * query positions and a latent of oh × ow:
 *
 *   mask_h = int(oh / √(oh·ow / seq_len)), + 1 if seq_len mod mask_h ≠ 0
 *   mask_w = seq_len // mask_h
 *
 * the mask is resized bilinearly (align_corners = false, no antialias: torch F.interpolate) to
 * mask_h × mask_w, flattened row-major, then zero-padded symmetrically (extra zero at the end)
 * or centre-cropped to exactly seq_len values.
 *
 * The rule assumes the mask has the latent's aspect ratio; a mask of another shape is simply
 * stretched, which is a classic source of "my mask is off" reports — hence `maskAspectNotice`.
 */
import { IP_LAYERS, type Arch } from './weightTypes';

export interface MaskSize {
  h: number;
  w: number;
}

/** ComfyUI's mask size for a layer with `seqLen` positions and a latent of latentH × latentW. */
export function maskSizeFor(seqLen: number, latentH: number, latentW: number): MaskSize {
  const raw = latentH / Math.sqrt((latentH * latentW) / seqLen);
  const base = Math.max(1, Math.trunc(raw)); // guard: ComfyUI would divide by zero for a 0
  const h = base + (seqLen % base !== 0 ? 1 : 0);
  return { h, w: Math.floor(seqLen / h) };
}

/**
 * Bilinear resize like torch.nn.functional.interpolate(mode='bilinear', align_corners=False,
 * antialias=False): source coordinate (dst + 0.5)·(in/out) − 0.5, negatives clamped to 0.
 */
export function resizeBilinear(src: ArrayLike<number>, srcH: number, srcW: number, dstH: number, dstW: number): Float32Array {
  if (src.length !== srcH * srcW) throw new Error(`resizeBilinear: ${src.length} values is not ${srcH}×${srcW}.`);
  const out = new Float32Array(dstH * dstW);
  const sh = srcH / dstH;
  const sw = srcW / dstW;
  for (let y = 0; y < dstH; y++) {
    const fy = Math.max(0, (y + 0.5) * sh - 0.5);
    const y0 = Math.floor(fy);
    const y1 = y0 < srcH - 1 ? y0 + 1 : y0;
    const ly = fy - y0;
    for (let x = 0; x < dstW; x++) {
      const fx = Math.max(0, (x + 0.5) * sw - 0.5);
      const x0 = Math.floor(fx);
      const x1 = x0 < srcW - 1 ? x0 + 1 : x0;
      const lx = fx - x0;
      out[y * dstW + x] =
        (1 - ly) * ((1 - lx) * src[y0 * srcW + x0] + lx * src[y0 * srcW + x1]) +
        ly * ((1 - lx) * src[y1 * srcW + x0] + lx * src[y1 * srcW + x1]);
    }
  }
  return out;
}

/** The mask as the image branch sees it at a layer with `seqLen` positions: exactly seqLen values. */
export function layerMask(
  mask: ArrayLike<number>,
  maskH: number,
  maskW: number,
  latentH: number,
  latentW: number,
  seqLen: number,
): Float32Array {
  const { h, w } = maskSizeFor(seqLen, latentH, latentW);
  const resized = resizeBilinear(mask, maskH, maskW, h, w);
  const len = h * w;
  if (len === seqLen) return resized;
  const out = new Float32Array(seqLen);
  if (len < seqLen) {
    const pad1 = Math.floor((seqLen - len) / 2);
    out.set(resized, pad1);
  } else {
    const start = Math.floor((len - seqLen) / 2);
    out.set(resized.subarray(start, start + seqLen));
  }
  return out;
}

/** Side lengths of a layer's feature map: the latent halved `log2(downsample)` times, rounding up like the UNet's stride-2 convs. */
export function featureMapSize(latentH: number, latentW: number, downsample: number): MaskSize {
  let h = latentH;
  let w = latentW;
  for (let f = downsample; f > 1; f /= 2) {
    h = Math.ceil(h / 2);
    w = Math.ceil(w / 2);
  }
  return { h, w };
}

export interface LayerMasks {
  /** One mask per distinct layer resolution, keyed by seq_len (= feature h·w). */
  bySeqLen: Map<number, Float32Array>;
  /** For each ComfyUI layer index t, its seq_len (look the mask up in bySeqLen). */
  seqLenPerLayer: number[];
  /** Set when the mask's aspect ratio differs from the latent's (the mask gets stretched). */
  notice: MaskNotice | null;
}

export interface MaskNotice {
  code: 'aspect-mismatch';
  maskAspect: number;
  latentAspect: number;
  message: string;
}

/**
 * A notice when the mask's width/height differs from the latent's by more than `tolerance`
 * (relative). ComfyUI stretches such a mask silently.
 */
export function maskAspectNotice(maskH: number, maskW: number, latentH: number, latentW: number, tolerance = 0.01): MaskNotice | null {
  const maskAspect = maskW / maskH;
  const latentAspect = latentW / latentH;
  if (Math.abs(maskAspect / latentAspect - 1) <= tolerance) return null;
  return {
    code: 'aspect-mismatch',
    maskAspect,
    latentAspect,
    message:
      `The mask is ${maskW}×${maskH} (aspect ${maskAspect.toFixed(3)}) but the image is ${latentW * 8}×${latentH * 8} ` +
      `(aspect ${latentAspect.toFixed(3)}): the mask will be stretched to the image's shape, so its regions move. ` +
      "Draw the mask at the image's aspect ratio.",
  };
}

/** Masks for every layer of an architecture at a given latent size. */
export function layerMasks(
  mask: ArrayLike<number>,
  maskH: number,
  maskW: number,
  latentH: number,
  latentW: number,
  arch: Arch = 'sd15',
): LayerMasks {
  const bySeqLen = new Map<number, Float32Array>();
  const seqLenPerLayer = IP_LAYERS[arch].map((l) => {
    const { h, w } = featureMapSize(latentH, latentW, l.downsample);
    const seqLen = h * w;
    if (!bySeqLen.has(seqLen)) bySeqLen.set(seqLen, layerMask(mask, maskH, maskW, latentH, latentW, seqLen));
    return seqLen;
  });
  return { bySeqLen, seqLenPerLayer, notice: maskAspectNotice(maskH, maskW, latentH, latentW) };
}
