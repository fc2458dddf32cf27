import { describe, expect, it } from 'vitest';
import { centreCropKeptFraction, imageEmbedsShape, patchesPerSide, patchTokens, penultimateHiddenShape, sequenceLength, valuesPerPatch, VIT_BIGG_14 } from './vitPatches';

describe('ViT-H/14 tokens (lesson 2)', () => {
  it('224 / 14 = 16 patches a side, 256 patches, 257 tokens with the class token', () => {
    expect(patchesPerSide()).toBe(16);
    expect(patchTokens()).toBe(256);
    expect(sequenceLength()).toBe(257);
    expect(valuesPerPatch()).toBe(588);
  });
  it('embedding shapes: 1024 pooled, 257 × 1280 penultimate; bigG pools to 1280', () => {
    expect(imageEmbedsShape()).toEqual([1024]);
    expect(penultimateHiddenShape()).toEqual([257, 1280]);
    expect(imageEmbedsShape(VIT_BIGG_14)).toEqual([1280]);
  });
  it('a 16:9 picture keeps 56% of its width after the centre crop', () => {
    expect(centreCropKeptFraction(1920, 1080)).toBeCloseTo(0.5625, 4);
    expect(centreCropKeptFraction(512, 512)).toBe(1);
  });
});
