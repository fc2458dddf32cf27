/**
 * A mask painted in the live panel (an adapter's attn_mask): one bit per latent cell, that is one
 * cell per 8×8 pixels of the output. That is the finest grid the pipeline ever uses — the
 * IP-Adapter's attention mask is resized to each layer's token grid (ComfyUI's mask_h × mask_w,
 * src/lib/ipadapter/attentionMask.ts), and the largest of those is the latent — so painting finer
 * would add nothing the UNet sees.
 *
 * Kept in the panel's state as a short text (run lengths), so the presenter's windows, the
 * history and localStorage carry it as plain JSON: `"<w>x<h>:<runs>"`, runs in base 36 separated
 * by dots, alternating 0-cells and 1-cells, starting with 0s (possibly an empty run).
 */
import { clampRect, rectMask, type Rect } from '../labs/maskLab';
import type { MaskImage } from '../pipeline/settings';

export interface MaskGrid {
  width: number;
  height: number;
  /** 0 or 1 per cell, row-major. */
  data: Uint8Array;
}

/** The largest grid side kept (a 2048-pixel side, the lab's largest output). */
export const MAX_GRID_SIDE = 256;
/** Pixels per grid cell: the VAE's factor. */
export const CELL = 8;

/** The grid for an output size (one cell per latent position). */
export function gridSizeFor(width: number, height: number): { width: number; height: number } {
  const side = (v: number) => Math.min(MAX_GRID_SIDE, Math.max(1, Math.round((Number.isFinite(v) ? v : 512) / CELL)));
  return { width: side(width), height: side(height) };
}

export function emptyGrid(width: number, height: number, value: 0 | 1 = 0): MaskGrid {
  return { width, height, data: new Uint8Array(width * height).fill(value) };
}

export function encodeMask(g: MaskGrid): string {
  const runs: number[] = [];
  let cur = 0;
  let n = 0;
  for (let i = 0; i < g.data.length; i++) {
    const v = g.data[i] ? 1 : 0;
    if (v === cur) n++;
    else { runs.push(n); cur = v; n = 1; }
  }
  runs.push(n);
  return `${g.width}x${g.height}:${runs.map((r) => r.toString(36)).join('.')}`;
}

const ENCODED = /^(\d{1,3})x(\d{1,3}):([0-9a-z]{1,6}(?:\.[0-9a-z]{1,6})*)$/;

/** The grid of an encoded mask, or null when the text is not one (wrong form, runs that do not add up). */
export function decodeMask(text: unknown): MaskGrid | null {
  if (typeof text !== 'string' || text.length > 200_000) return null;
  const m = ENCODED.exec(text);
  if (!m) return null;
  const width = Number(m[1]);
  const height = Number(m[2]);
  if (width < 1 || height < 1 || width > MAX_GRID_SIDE || height > MAX_GRID_SIDE) return null;
  const data = new Uint8Array(width * height);
  let at = 0;
  let v = 0;
  for (const r of m[3].split('.')) {
    const n = parseInt(r, 36);
    if (at + n > data.length) return null;
    if (v) data.fill(1, at, at + n);
    at += n;
    v ^= 1;
  }
  return at === data.length ? { width, height, data } : null;
}

/** Sets the cells whose centres lie within `radius` cells of (cx, cy) (cell units, fractional). */
export function paintDisc(g: MaskGrid, cx: number, cy: number, radius: number, value: 0 | 1): MaskGrid {
  const data = g.data.slice();
  const r = Math.max(0.5, radius);
  for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(g.height - 1, Math.ceil(cy + r)); y++) {
    for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(g.width - 1, Math.ceil(cx + r)); x++) {
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      if (dx * dx + dy * dy <= r * r) data[y * g.width + x] = value;
    }
  }
  return { ...g, data };
}

/** A stroke from one point to the next: discs along the segment, half a cell apart. */
export function paintLine(g: MaskGrid, x0: number, y0: number, x1: number, y1: number, radius: number, value: 0 | 1): MaskGrid {
  const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) * 2));
  let out = g;
  for (let i = 0; i <= steps; i++) out = paintDisc(out, x0 + ((x1 - x0) * i) / steps, y0 + ((y1 - y0) * i) / steps, radius, value);
  return out;
}

/** Sets a rectangle (fractions of the image, as the mask lab's) to `value`; the mask lab's pixel rule on the grid. */
export function paintRect(g: MaskGrid, r: Rect, value: 0 | 1): MaskGrid {
  const m = rectMask(clampRect(r), g.width, g.height);
  const data = g.data.slice();
  for (let i = 0; i < m.length; i++) if (m[i]) data[i] = value;
  return { ...g, data };
}

/** The grid at another size (nearest cell), e.g. after the output size changed. */
export function regrid(g: MaskGrid, width: number, height: number): MaskGrid {
  if (g.width === width && g.height === height) return g;
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(g.height - 1, Math.floor(((y + 0.5) * g.height) / height));
    for (let x = 0; x < width; x++) data[y * width + x] = g.data[sy * g.width + Math.min(g.width - 1, Math.floor(((x + 0.5) * g.width) / width))];
  }
  return { width, height, data };
}

/** Any mask (values 0…1) → a grid: nearest sample, 1 where ≥ 0.5 (to paint over an imported mask). */
export function gridFromValues(values: ArrayLike<number>, w: number, h: number, width: number, height: number): MaskGrid {
  const src: MaskGrid = { width: w, height: h, data: Uint8Array.from(values as ArrayLike<number>, (v) => (v >= 0.5 ? 1 : 0)) };
  return regrid(src, width, height);
}

/** What the pipeline takes as the adapter's mask (1 = full effect). */
export function maskImageOf(g: MaskGrid): MaskImage {
  return { data: Float32Array.from(g.data), width: g.width, height: g.height };
}

/** Share of cells painted (0…1). */
export function painted(g: MaskGrid): number {
  let s = 0;
  for (let i = 0; i < g.data.length; i++) s += g.data[i];
  return g.data.length ? s / g.data.length : 0;
}
