import { checkImage, type RgbaImage, type RgbImage } from './types';

/**
 * Transparency → RGB. The image encoder takes three channels, so transparent pixels need a
 * colour. We composite over white (a transparent PNG reads as "object on a white page", which is
 * what the reader sees in the browser's image viewer):
 *
 *   out = round((c·a + bg·(255 − a)) / 255)
 *
 * ComfyUI's LoadImage instead drops alpha (PIL convert('RGB')), which shows whatever colour the
 * file stores under transparent pixels — often black, sometimes garbage. Pass `[0, 0, 0]` for a
 * black background.
 */
export function compositeOnWhite(img: RgbaImage, background: readonly [number, number, number] = [255, 255, 255]): RgbImage {
  checkImage(img, 4, 'compositeOnWhite');
  const n = img.width * img.height;
  const out = new Uint8Array(n * 3);
  const d = img.data;
  for (let i = 0; i < n; i++) {
    const a = d[i * 4 + 3];
    for (let c = 0; c < 3; c++) {
      const v = d[i * 4 + c];
      out[i * 3 + c] = a === 255 ? v : a === 0 ? background[c] : Math.round((v * a + background[c] * (255 - a)) / 255);
    }
  }
  return { width: img.width, height: img.height, data: out };
}

/** True when any pixel is not fully opaque. */
export function hasTransparency(img: RgbaImage): boolean {
  const d = img.data;
  for (let i = 3; i < d.length; i += 4) if (d[i] !== 255) return true;
  return false;
}
