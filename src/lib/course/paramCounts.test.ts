import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import {
  FROZEN_PARAMS,
  imageProjParams,
  kvParams,
  kvParamsPerLayer,
  millions,
  mlpProjParams,
  resamplerParams,
  sd15Base,
  sd15FullFace,
  sd15Plus,
  sdxlBase,
  SDXL_CROSS_ATTENTION_WIDTHS,
} from './paramCounts';
import { SD15_CROSS_ATTENTION_LAYERS } from './sd15Layers';

const LAYOUT = new URL('../../../../shared/fixtures/sd15_fullsize_layout.json', import.meta.url);

describe('IP-Adapter parameter counts', () => {
  it('K/V per layer is 2·768·C', () => {
    expect(kvParamsPerLayer(320)).toBe(491_520);
    expect(kvParamsPerLayer(640)).toBe(983_040);
    expect(kvParamsPerLayer(1280)).toBe(1_966_080);
  });

  it('K/V over the 16 SD1.5 layers is 2·768·12480 = 19.17M', () => {
    expect(kvParams()).toBe(2 * 768 * 12480);
    expect(kvParams()).toBe(19_169_280);
    expect(millions(kvParams())).toBe(19.17);
  });

  it('the base projector is 1024·3072 + 3072 + 2·768 = 3.15M', () => {
    expect(imageProjParams()).toBe(1024 * 3072 + 3072 + 2 * 768);
    expect(millions(imageProjParams())).toBe(3.15);
  });

  it('SD1.5 base totals 22.32M (the paper’s “22M”)', () => {
    expect(sd15Base().total).toBe(22_319_616);
    expect(millions(sd15Base().total)).toBe(22.32);
  });

  it('Plus is ≈ 49.1M, full-face ≈ 21.8M', () => {
    expect(resamplerParams()).toBe(29_918_208);
    expect(millions(sd15Plus().total, 1)).toBe(49.1);
    expect(mlpProjParams()).toBe(2_625_024);
    expect(millions(sd15FullFace().total, 1)).toBe(21.8);
  });

  it('is about 2.6% of the frozen UNet', () => {
    expect(sd15Base().total / FROZEN_PARAMS.sd15Unet).toBeCloseTo(0.026, 3);
  });

  it('SDXL has 70 cross-attention layers and ≈ 349–351M adapter parameters', () => {
    expect(SDXL_CROSS_ATTENTION_WIDTHS).toHaveLength(70);
    expect(millions(sdxlBase(1024).total, 1)).toBe(349.2);
    expect(millions(sdxlBase(1280).total, 1)).toBe(351.3);
  });

  it.skipIf(!existsSync(LAYOUT))('matches the shapes of the real checkpoints (shared fixture)', () => {
    const layout = JSON.parse(readFileSync(LAYOUT, 'utf8')) as Record<string, any>;
    const size = (sd: Record<string, number[] | { shape: number[] }>) =>
      Object.values(sd).reduce((s, v) => s + (Array.isArray(v) ? v : v.shape).reduce((a, b) => a * b, 1), 0);
    expect(size(layout['ip-adapter_sd15.safetensors'])).toBe(sd15Base().total);
    expect(size(layout['ip-adapter-plus_sd15.safetensors'])).toBe(sd15Plus().total);
    expect(size(layout.unet.state_dict)).toBe(FROZEN_PARAMS.sd15Unet);
    expect(size(layout.text_encoder.state_dict)).toBe(FROZEN_PARAMS.sd15TextEncoder);
    expect(size(layout.vae.state_dict)).toBe(FROZEN_PARAMS.sd15Vae);
    expect(size(layout.ip_image_encoder.state_dict)).toBe(FROZEN_PARAMS.vitH14ImageEncoder);
    // per-layer widths: ip_adapter.{i}.to_k_ip.weight is [C, 768]
    for (const layer of SD15_CROSS_ATTENTION_LAYERS) {
      const shape = layout['ip-adapter_sd15.safetensors'][`ip_adapter.${layer.checkpointIndex}.to_k_ip.weight`];
      expect(Array.isArray(shape) ? shape : shape.shape).toEqual([layer.width, 768]);
    }
  });
});
