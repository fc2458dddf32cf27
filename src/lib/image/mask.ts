import { maskAspectNotice, type MaskNotice } from '../ipadapter/attentionMask';
import type { ImageNotice } from './errors';
import { checkImage, type RgbaImage } from './types';

/**
 * A mask picture → the attn_mask the image branch multiplies by: Float32 in [0, 1], row-major,
 * white = full effect, black = none (ComfyUI_IPAdapter_plus convention). The mask keeps its own
 * size; `ipadapter/attentionMask.ts` resizes it to every layer's token grid. When its aspect
 * ratio differs from the image being generated it is stretched (as ComfyUI does), so a notice
 * is returned for the UI.
 *
 * Channels:
 * - `luminance` (default): grey level of the mask composited over black (Pillow's
 *   convert('L'): L = (299·R + 587·G + 114·B) / 1000), so transparent = no effect;
 * - `alpha`: opacity (a mask painted on a transparent layer);
 * - `inverted-alpha`: 1 − opacity, what ComfyUI's LoadImage puts on its MASK output;
 * - `red`, `green`, `blue`: one channel (ComfyUI's ImageToMask).
 */
export type MaskChannel = 'luminance' | 'alpha' | 'inverted-alpha' | 'red' | 'green' | 'blue';

export interface MaskIntake {
  mask: Float32Array;
  width: number;
  height: number;
  /** Set when the mask's aspect differs from the latent's (it will be stretched). */
  notice: ImageNotice | null;
  /** The same, with the numbers (from attentionMask.maskAspectNotice). */
  aspect: MaskNotice | null;
}

export function maskFromImage(img: RgbaImage, latent: { height: number; width: number }, channel: MaskChannel = 'luminance'): MaskIntake {
  checkImage(img, 4, 'maskFromImage');
  const n = img.width * img.height;
  const d = img.data;
  const mask = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = d[i * 4];
    const g = d[i * 4 + 1];
    const b = d[i * 4 + 2];
    const a = d[i * 4 + 3];
    let v: number;
    switch (channel) {
      case 'luminance': {
        const l = Math.floor((r * 299 + g * 587 + b * 114) / 1000);
        v = (l * a) / (255 * 255);
        break;
      }
      case 'alpha': v = a / 255; break;
      case 'inverted-alpha': v = 1 - a / 255; break;
      case 'red': v = r / 255; break;
      case 'green': v = g / 255; break;
      case 'blue': v = b / 255; break;
      default: throw new Error(`mask channel "${channel as string}" is not one of luminance, alpha, inverted-alpha, red, green, blue.`);
    }
    mask[i] = v;
  }
  const aspect = maskAspectNotice(img.height, img.width, latent.height, latent.width);
  const notice: ImageNotice | null = aspect && {
    code: 'mask-aspect-mismatch',
    messages: {
      en: aspect.message,
      zh: `遮罩是 ${img.width}×${img.height}（宽高比 ${aspect.maskAspect.toFixed(3)}），生成的图是 ${latent.width * 8}×${latent.height * 8}`
        + `（宽高比 ${aspect.latentAspect.toFixed(3)}）：遮罩会被拉伸成图的形状，区域位置会跑偏。请按生成图的宽高比来画遮罩。`,
    },
  };
  return { mask, width: img.width, height: img.height, notice, aspect };
}
