/**
 * How a ViT image encoder turns a picture into tokens (lesson 2): cut the 224×224 input into
 * p×p patches, one token per patch, plus a class token. Numbers for OpenCLIP ViT-H/14, the
 * image encoder of the SD1.5 IP-Adapters.
 */

export interface VitConfig {
  imageSize: number;
  patchSize: number;
  hiddenSize: number;
  projectionDim: number;
  layers: number;
}

export const VIT_H_14: VitConfig = { imageSize: 224, patchSize: 14, hiddenSize: 1280, projectionDim: 1024, layers: 32 };
export const VIT_BIGG_14: VitConfig = { imageSize: 224, patchSize: 14, hiddenSize: 1664, projectionDim: 1280, layers: 48 };

/** Patches per side: 224 / 14 = 16. */
export const patchesPerSide = (c: VitConfig = VIT_H_14): number => c.imageSize / c.patchSize;
/** Patch tokens: 16 × 16 = 256. */
export const patchTokens = (c: VitConfig = VIT_H_14): number => patchesPerSide(c) ** 2;
/** All tokens through the transformer: 256 patches + 1 class token = 257. */
export const sequenceLength = (c: VitConfig = VIT_H_14): number => patchTokens(c) + 1;
/** Numbers in one patch before it is embedded: 14 × 14 × 3 RGB = 588. */
export const valuesPerPatch = (c: VitConfig = VIT_H_14): number => c.patchSize * c.patchSize * 3;

/**
 * What each IP-Adapter projector reads:
 * base/light: the class token's final state through the visual projection, one 1024-d vector;
 * Plus / full-face: the penultimate layer's hidden states, 257 × 1280.
 */
export const imageEmbedsShape = (c: VitConfig = VIT_H_14): [number] => [c.projectionDim];
export const penultimateHiddenShape = (c: VitConfig = VIT_H_14): [number, number] => [sequenceLength(c), c.hiddenSize];

/**
 * Resize the short side to 224 and centre-crop 224 × 224: the fraction of a w × h picture's
 * area that the encoder actually sees (a 16:9 picture loses its left and right edges).
 */
export function centreCropKeptFraction(width: number, height: number): number {
  return Math.min(width, height) / Math.max(width, height);
}
