import { describe, expect, test } from 'vitest';
import { maskFromImage } from './mask';
import { layerMasks } from '../ipadapter/attentionMask';

const rgba = (w: number, h: number, px: (x: number, y: number) => [number, number, number, number]) => {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(px(x, y), (y * w + x) * 4);
  return { width: w, height: h, data };
};

describe('mask intake', () => {
  test('white = 1 (full effect), black = 0, grey in between; transparent counts as black', () => {
    const img = rgba(4, 1, (x) => [[255, 255, 255, 255], [0, 0, 0, 255], [128, 128, 128, 255], [255, 255, 255, 0]][x] as [number, number, number, number]);
    const { mask } = maskFromImage(img, { height: 1, width: 4 });
    expect(Array.from(mask)).toEqual([1, 0, 128 / 255, 0].map(Math.fround));
  });

  test('channels: alpha, inverted alpha (ComfyUI LoadImage MASK), red', () => {
    const img = rgba(2, 1, (x) => (x === 0 ? [255, 0, 0, 255] : [0, 0, 0, 0]));
    expect(Array.from(maskFromImage(img, { height: 1, width: 2 }, 'alpha').mask)).toEqual([1, 0]);
    expect(Array.from(maskFromImage(img, { height: 1, width: 2 }, 'inverted-alpha').mask)).toEqual([0, 1]);
    expect(Array.from(maskFromImage(img, { height: 1, width: 2 }, 'red').mask)).toEqual([1, 0]);
    expect(Array.from(maskFromImage(img, { height: 1, width: 2 }).mask)[0]).toBeCloseTo(0.299, 2); // red is dark in luminance
  });

  test('a mask of another aspect than the latent gets a notice in both languages', () => {
    const half = rgba(4, 2, (x) => (x < 2 ? [255, 255, 255, 255] : [0, 0, 0, 255]));
    const square = maskFromImage(half, { height: 8, width: 8 });
    expect(square.notice?.code).toBe('mask-aspect-mismatch');
    expect(square.notice?.messages.en).toMatch(/stretched/);
    expect(square.notice?.messages.zh).toMatch(/拉伸/);
    expect(square.aspect?.maskAspect).toBe(2);
    expect(maskFromImage(half, { height: 8, width: 16 }).notice).toBeNull();
  });

  test('the intake feeds attentionMask directly: left half white → left half of every layer grid', () => {
    const half = rgba(16, 8, (x) => (x < 8 ? [255, 255, 255, 255] : [0, 0, 0, 255]));
    const { mask, width, height } = maskFromImage(half, { height: 8, width: 16 });
    const { bySeqLen, notice } = layerMasks(mask, height, width, 8, 16);
    expect(notice).toBeNull();
    const full = bySeqLen.get(128)!; // 8×16 grid
    expect(full[0]).toBe(1);
    expect(full[15]).toBe(0);
  });
});
