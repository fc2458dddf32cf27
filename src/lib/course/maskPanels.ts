/**
 * Lesson 8's attn_mask figure: one mask, as each UNet layer sees it. The resizing itself is
 * `layerMasks` in src/lib/ipadapter/attentionMask.ts (ComfyUI semantics); this module only
 * builds the example mask and groups the layers by resolution for drawing.
 */
import { layerMasks, maskSizeFor } from '../ipadapter/attentionMask';
import type { Arch } from '../ipadapter/weightTypes';

/**
 * A two-region mask like the seed's two-people example: white (1) where x < splitX, black (0)
 * elsewhere, at image resolution (row-major, height × width). `invert` gives the other person's mask.
 */
export function splitMask(width: number, height: number, splitX: number, invert = false): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const left = x < splitX;
      out[y * width + x] = left !== invert ? 1 : 0;
    }
  }
  return out;
}

/**
 * A hard-edged ellipse mask (1 inside, 0 outside) at image resolution — roughly one person's
 * silhouette — centred at (cx, cy) with radii rx, ry, all in pixels.
 */
export function ellipseMask(width: number, height: number, cx: number, cy: number, rx: number, ry: number): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const dy = (y + 0.5 - cy) / ry;
    for (let x = 0; x < width; x++) {
      const dx = (x + 0.5 - cx) / rx;
      out[y * width + x] = dx * dx + dy * dy <= 1 ? 1 : 0;
    }
  }
  return out;
}

/** Mean value of a mask: the fraction of the picture it lets the reference act on. */
export function maskCoverage(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return values.length ? s / values.length : 0;
}

export interface MaskPanel {
  /** rows × columns of the mask at this resolution */
  h: number;
  w: number;
  /** exactly h·w values, row-major, 0 … 1 */
  values: Float32Array;
  /** ComfyUI layer indices t that use this resolution */
  layers: number[];
  /** fraction of the width that is (at least half) white in the first row — where the edge landed */
  whiteFraction: number;
}

/**
 * The mask at every distinct layer resolution, from the finest to the coarsest, for an image of
 * imageW × imageH pixels (latent = image / 8).
 */
export function maskPanels(
  mask: ArrayLike<number>,
  maskH: number,
  maskW: number,
  imageW: number,
  imageH: number,
  arch: Arch = 'sd15',
): MaskPanel[] {
  const latentH = Math.ceil(imageH / 8);
  const latentW = Math.ceil(imageW / 8);
  const { bySeqLen, seqLenPerLayer } = layerMasks(mask, maskH, maskW, latentH, latentW, arch);
  const panels: MaskPanel[] = [];
  const seen = new Map<number, MaskPanel>();
  seqLenPerLayer.forEach((seqLen, t) => {
    let panel = seen.get(seqLen);
    if (!panel) {
      const { h, w } = maskSizeFor(seqLen, latentH, latentW);
      const values = bySeqLen.get(seqLen) as Float32Array;
      let white = 0;
      for (let x = 0; x < w; x++) if (values[x] >= 0.5) white++;
      panel = { h, w, values, layers: [], whiteFraction: white / w };
      seen.set(seqLen, panel);
      panels.push(panel);
    }
    panel.layers.push(t);
  });
  return panels.sort((a, b) => b.h * b.w - a.h * a.w);
}

/** Row runs of equal value, for drawing a mask with few rectangles. */
export function maskRuns(panel: Pick<MaskPanel, 'h' | 'w' | 'values'>): { row: number; col: number; len: number; value: number }[] {
  const runs: { row: number; col: number; len: number; value: number }[] = [];
  for (let r = 0; r < panel.h; r++) {
    let start = 0;
    for (let c = 1; c <= panel.w; c++) {
      const prev = panel.values[r * panel.w + start];
      if (c === panel.w || panel.values[r * panel.w + c] !== prev) {
        if (prev > 0) runs.push({ row: r, col: start, len: c - start, value: prev });
        start = c;
      }
    }
  }
  return runs;
}
