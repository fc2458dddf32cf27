/**
 * An adapter's attention mask as the UNet graph takes it: one flattened mask per attention
 * level, already resized to that level's token grid with ComfyUI's rule
 * (ipadapter/attentionMask.ts `layerMask`: mask_h = int(oh/√(oh·ow/S)) (+1 if S mod mask_h ≠ 0),
 * mask_w = S // mask_h, bilinear, padded or cropped to S). Computed once per generation.
 */
import { layerMask } from '../ipadapter/attentionMask';
import { tokensAtLevel, unetMaskLevels, type UnetConfig } from '../models/unet';
import type { MaskImage } from './settings';

/** level → [S_level] mask values (ones when `mask` is undefined). */
export function levelMasks(mask: MaskImage | undefined, config: UnetConfig, latentH: number, latentW: number): Map<number, Float32Array> {
  const out = new Map<number, Float32Array>();
  for (const l of unetMaskLevels(config)) {
    const { tokens } = tokensAtLevel(latentH, latentW, l);
    out.set(l, mask ? layerMask(mask.data, mask.height, mask.width, latentH, latentW, tokens) : new Float32Array(tokens).fill(1));
  }
  return out;
}
