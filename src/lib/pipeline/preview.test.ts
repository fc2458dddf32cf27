import { describe, expect, it } from 'vitest';
import { latentToRgb, SD15_LATENT_RGB_FACTORS } from './preview';

/** The definition, written plainly: RGB = Σ_c latent_c · factor_c, then floor(clamp((v + 1) / 2) · 255). */
function reference(lat: Float32Array, h: number, w: number, index: number): number[] {
  const hw = h * w, C = SD15_LATENT_RGB_FACTORS.length, out: number[] = [];
  for (let p = 0; p < hw; p++) {
    for (let k = 0; k < 3; k++) {
      let v = 0;
      for (let c = 0; c < C; c++) v += lat[index * C * hw + c * hw + p] * SD15_LATENT_RGB_FACTORS[c][k];
      out.push(Math.floor(Math.min(1, Math.max(0, (v + 1) / 2)) * 255));
    }
    out.push(255);
  }
  return out;
}

describe('latentToRgb (the per-step preview)', () => {
  it('equals the plain definition, byte for byte, on random latents of two images', () => {
    const h = 5, w = 7, n = 2 * 4 * h * w;
    let s = 7;
    const lat = Float32Array.from({ length: n }, () => { s = (s * 1103515245 + 12345) % 2 ** 31; return (s / 2 ** 31 - 0.5) * 8; });
    for (const index of [0, 1]) expect(Array.from(latentToRgb(lat, h, w, index).rgba)).toEqual(reference(lat, h, w, index).map((v) => (Number.isNaN(v) ? 0 : v)));
  });
  it('clamps: far out of range gives 0 or 255; NaN gives 0; opaque alpha', () => {
    const lat = new Float32Array(4 * 3);
    lat.set([1e6, -1e6, NaN], 0); // channel 0 of three pixels
    const { rgba } = latentToRgb(lat, 1, 3);
    const r0 = SD15_LATENT_RGB_FACTORS[0][0];
    expect(rgba[0]).toBe(r0 > 0 ? 255 : 0);
    expect(rgba[4]).toBe(r0 > 0 ? 0 : 255);
    expect([rgba[8], rgba[9], rgba[10]]).toEqual([0, 0, 0]);
    expect([rgba[3], rgba[7], rgba[11]]).toEqual([255, 255, 255]);
  });
  it('refuses an image index outside the latent', () => {
    expect(() => latentToRgb(new Float32Array(4 * 4), 2, 2, 1)).toThrow(/outside/);
  });
});
