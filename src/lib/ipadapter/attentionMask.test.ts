import { describe, expect, it } from 'vitest';
import { featureMapSize, layerMask, layerMasks, maskAspectNotice, maskSizeFor, resizeBilinear } from './attentionMask';

describe('maskSizeFor (ComfyUI rule)', () => {
  it('square 512×512 (latent 64×64): 64², 32², 16², 8²', () => {
    expect([4096, 1024, 256, 64].map((s) => maskSizeFor(s, 64, 64))).toEqual([
      { h: 64, w: 64 }, { h: 32, w: 32 }, { h: 16, w: 16 }, { h: 8, w: 8 },
    ]);
  });
  it('768 wide × 512 high (latent 64×96)', () => {
    expect([6144, 1536, 384, 96].map((s) => maskSizeFor(s, 64, 96))).toEqual([
      { h: 64, w: 96 }, { h: 32, w: 48 }, { h: 16, w: 24 }, { h: 8, w: 12 },
    ]);
  });
  it('odd latent 75×100 (600×800): the +1 correction recovers the rounded-up feature maps', () => {
    // feature maps 75×100, 38×50, 19×25, 10×13; raw heights 75, 37.75, 18.87, 9.87
    expect([7500, 1900, 475, 130].map((s) => maskSizeFor(s, 75, 100))).toEqual([
      { h: 75, w: 100 }, { h: 38, w: 50 }, { h: 19, w: 25 }, { h: 10, w: 13 },
    ]);
  });
  it('when seq_len is not h·w the mask comes out short (then padded)', () => {
    expect(maskSizeFor(31, 10, 10)).toEqual({ h: 6, w: 5 }); // int(5.57) = 5, 31 % 5 ≠ 0 → 6; 31 // 6 = 5
    expect(maskSizeFor(29, 10, 10)).toEqual({ h: 6, w: 4 });
  });
});

describe('featureMapSize', () => {
  it('halves with rounding up, like stride-2 convolutions with padding 1', () => {
    expect(featureMapSize(75, 100, 8)).toEqual({ h: 10, w: 13 });
    expect(featureMapSize(64, 96, 4)).toEqual({ h: 16, w: 24 });
    expect(featureMapSize(64, 96, 1)).toEqual({ h: 64, w: 96 });
  });
});

describe('resizeBilinear (torch F.interpolate, align_corners=False)', () => {
  it('upsamples 2×2 → 4×4 like torch', () => {
    expect(Array.from(resizeBilinear([0, 1, 2, 3], 2, 2, 4, 4))).toEqual([
      0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3,
    ]);
  });
  it('downsamples 1×4 → 1×2 by sampling at the half-pixel centres (no antialias)', () => {
    expect(Array.from(resizeBilinear([0, 1, 2, 3], 1, 4, 1, 2))).toEqual([0.5, 2.5]);
  });
  it('keeps a constant mask constant and the identity size unchanged', () => {
    expect(Array.from(resizeBilinear(new Float32Array(12).fill(0.7), 3, 4, 5, 7)).every((v) => Math.abs(v - 0.7) < 1e-7)).toBe(true);
    expect(Array.from(resizeBilinear([1, 2, 3, 4, 5, 6], 2, 3, 2, 3))).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it('rejects a wrong-sized input', () => {
    expect(() => resizeBilinear([1, 2, 3], 2, 2, 4, 4)).toThrow(/3 values is not 2×2/);
  });
});

describe('layerMask', () => {
  it('pads symmetrically with zeros (the extra zero at the end) when h·w < seq_len', () => {
    const ones = new Float32Array(100).fill(1);
    const m31 = layerMask(ones, 10, 10, 10, 10, 31); // 6×5 = 30 → pad 0 before, 1 after
    expect(m31.length).toBe(31);
    expect(Array.from(m31.slice(0, 30)).every((v) => v === 1)).toBe(true);
    expect(m31[30]).toBe(0);
    const m29 = layerMask(ones, 10, 10, 10, 10, 29); // 6×4 = 24 → pad 2 before, 3 after
    expect(Array.from(m29)).toEqual([0, 0, ...new Array(24).fill(1), 0, 0, 0]);
  });
  it('a left-half mask stays on the left at every SD1.5 resolution', () => {
    const H = 512;
    const W = 768;
    const mask = new Float32Array(H * W);
    for (let y = 0; y < H; y++) for (let x = 0; x < W / 2; x++) mask[y * W + x] = 1;
    const { bySeqLen, seqLenPerLayer, notice } = layerMasks(mask, H, W, 64, 96, 'sd15');
    expect(notice).toBeNull();
    expect(seqLenPerLayer).toEqual([6144, 6144, 1536, 1536, 384, 384, 96, 384, 384, 384, 1536, 1536, 1536, 6144, 6144, 6144]);
    expect([...bySeqLen.keys()].sort((a, b) => a - b)).toEqual([96, 384, 1536, 6144]);
    const m = bySeqLen.get(96) as Float32Array; // 8×12
    for (let y = 0; y < 8; y++) {
      expect(Array.from(m.slice(y * 12, y * 12 + 12))).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    }
  });
});

describe('maskAspectNotice', () => {
  it('is null when the aspects match and explains the stretch when they do not', () => {
    expect(maskAspectNotice(512, 768, 64, 96)).toBeNull();
    const n = maskAspectNotice(512, 512, 64, 96);
    expect(n).toMatchObject({ code: 'aspect-mismatch', maskAspect: 1, latentAspect: 1.5 });
    expect(n?.message).toBe(
      "The mask is 512×512 (aspect 1.000) but the image is 768×512 (aspect 1.500): the mask will be stretched to the image's shape, so its regions move. Draw the mask at the image's aspect ratio.",
    );
    expect(layerMasks(new Float32Array(4), 2, 2, 64, 96).notice?.code).toBe('aspect-mismatch');
  });
});
