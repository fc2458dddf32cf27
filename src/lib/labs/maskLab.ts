/**
 * The mask lab's computations (lesson 8): two rectangular regions drawn on the image, each a
 * mask for one IP-Adapter (white = full effect), resized to every cross-attention layer's
 * resolution by the pipeline's own rule (src/lib/ipadapter/attentionMask.ts: ComfyUI's
 * mask_h/mask_w and bilinear resize).
 */
import { layerMasks, maskSizeFor, type MaskSize } from '../ipadapter/attentionMask';
import { IP_LAYERS } from '../ipadapter/weightTypes';

export interface Rect {
  /** Left, top, width, height as fractions of the image (0…1). */
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Smallest side of a rectangle, as a fraction of the image. */
export const MIN_SIDE = 1 / 16;
/** One keyboard step, as a fraction of the image (= 16 px on a 512 px side). */
export const KEY_STEP = 1 / 32;

export const IMAGE_SIZES: readonly { width: number; height: number }[] = [
  { width: 512, height: 512 },
  { width: 768, height: 512 },
  { width: 512, height: 768 },
];

/** The seed's two-people layout: a left and a right region. */
export const DEFAULT_RECTS: [Rect, Rect] = [
  { x: 0.0625, y: 0.125, w: 0.375, h: 0.8125 },
  { x: 0.5625, y: 0.1875, w: 0.375, h: 0.75 },
];

const round = (v: number) => Math.round(v * 1e6) / 1e6;

/** Keeps a rectangle inside the image, at least MIN_SIDE on each side. */
export function clampRect(r: Rect): Rect {
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  const w = Math.min(1, Math.max(MIN_SIDE, num(r?.w, 0.25)));
  const h = Math.min(1, Math.max(MIN_SIDE, num(r?.h, 0.25)));
  const x = Math.min(1 - w, Math.max(0, num(r?.x, 0)));
  const y = Math.min(1 - h, Math.max(0, num(r?.y, 0)));
  return { x: round(x), y: round(y), w: round(w), h: round(h) };
}

export const moveRect = (r: Rect, dx: number, dy: number): Rect => clampRect({ ...r, x: r.x + dx, y: r.y + dy });

/** Resizes from the top-left corner (the right and bottom edges move). */
export const resizeRect = (r: Rect, dw: number, dh: number): Rect =>
  clampRect({ ...r, w: Math.min(1 - r.x, Math.max(MIN_SIDE, r.w + dw)), h: Math.min(1 - r.y, Math.max(MIN_SIDE, r.h + dh)) });

/** A binary mask at pixel resolution: 1 where the pixel centre lies inside the rectangle. */
export function rectMask(r: Rect, width: number, height: number): Float32Array {
  const m = new Float32Array(width * height);
  const x0 = Math.round(r.x * width);
  const x1 = Math.round((r.x + r.w) * width);
  const y0 = Math.round(r.y * height);
  const y1 = Math.round((r.y + r.h) * height);
  for (let y = Math.max(0, y0); y < Math.min(height, y1); y++) m.fill(1, y * width + Math.max(0, x0), y * width + Math.min(width, x1));
  return m;
}

export const coverage = (m: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < m.length; i++) s += m[i];
  return s / m.length;
};

export interface MaskLevel {
  /** Query positions at this resolution (feature h·w). */
  seqLen: number;
  /** The grid the mask is resized to (ComfyUI's mask_h × mask_w). */
  size: MaskSize;
  /** ComfyUI layer indices t working at this resolution. */
  layers: number[];
  /** Each region's mask as that layer sees it (seqLen values, row-major mask_h × mask_w). */
  masks: Float32Array[];
  /** Mean of each mask there (the share of positions the adapter acts on, weighted). */
  coverage: number[];
}

/** Every distinct layer resolution of SD1.5 for an image, largest first, with both masks. */
export function maskLevels(rects: readonly Rect[], width: number, height: number): MaskLevel[] {
  const latentH = Math.round(height / 8);
  const latentW = Math.round(width / 8);
  const perRect = rects.map((r) => layerMasks(rectMask(r, width, height), height, width, latentH, latentW, 'sd15'));
  const seqLens = perRect[0].seqLenPerLayer;
  const levels = [...new Set(seqLens)].sort((a, b) => b - a);
  return levels.map((seqLen) => {
    const masks = perRect.map((p) => p.bySeqLen.get(seqLen) as Float32Array);
    return {
      seqLen,
      size: maskSizeFor(seqLen, latentH, latentW),
      layers: IP_LAYERS.sd15.filter((_, t) => seqLens[t] === seqLen).map((l) => l.index),
      masks,
      coverage: masks.map(coverage),
    };
  });
}
