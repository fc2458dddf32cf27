import { describe, expect, test } from 'vitest';
import { validateSettings, type GenerateSettings, type AdapterSettings } from './settings';
import { layerInfo } from './generate';
import { SD15_UNET } from '../models/configs';

const img = { data: new Float32Array(3 * 224 * 224), size: 224 };
const base: GenerateSettings = { prompt: 'a cat', width: 512, height: 512, steps: 20, guidance: 7, scheduler: 'euler', seed: 1 };
const withAdapter = (a: Partial<AdapterSettings>): GenerateSettings => ({ ...base, adapters: [{ images: [img], ...a }] });
const errorsOf = (s: GenerateSettings, ctx = {}) => {
  const r = validateSettings(s, ctx);
  return r.errors;
};

describe('validateSettings', () => {
  test('good settings pass, with no notices', () => {
    expect(validateSettings(withAdapter({ weight: 0.8, weightType: 'style transfer', startAt: 0.2, endAt: 0.9, layerWeights: '0:1, 15:0.5' }))).toEqual({ ok: true, errors: [], notices: [] });
  });

  test('malformed layer_weights names the entry and the valid range', () => {
    const [x] = errorsOf(withAdapter({ layerWeights: '3:x' }));
    expect(x.path).toBe('adapters[0].layerWeights');
    expect(x.message).toContain('"3:x"');
    expect(x.message).toContain('not a number');
    const [y] = errorsOf(withAdapter({ layerWeights: '99:1' }));
    expect(y.message).toContain('"99:1"');
    expect(y.message).toContain('0–15');
    // on a UNet with another layer count, indices are checked against its own layers
    const tiny = layerInfo({ ...SD15_UNET, block_out_channels: [32, 64], down_block_types: ['CrossAttnDownBlock2D', 'DownBlock2D'], up_block_types: ['UpBlock2D', 'CrossAttnUpBlock2D'], attention_head_dim: 8 });
    const [z] = errorsOf(withAdapter({ layerWeights: '7:1' }), { layers: tiny });
    expect(z.message).toContain('0–5');
  });

  test('start_at ≥ end_at is refused with the reason', () => {
    const [e] = errorsOf(withAdapter({ startAt: 0.6, endAt: 0.6 }));
    expect(e.path).toBe('adapters[0].startAt');
    expect(e.message).toMatch(/start_at \(0\.6\) must be smaller than end_at \(0\.6\)/);
    expect(errorsOf(withAdapter({ endAt: 1.5 }))[0].path).toBe('adapters[0].endAt');
  });

  test('weights outside ComfyUI’s −1 … 5', () => {
    const [e] = errorsOf(withAdapter({ weight: -1.5 }));
    expect(e.code).toBe('weight-out-of-range');
    expect(e.message).toContain('-1 to 5');
    expect(errorsOf(withAdapter({ weight: 5.5 }))[0].code).toBe('weight-out-of-range');
    expect(errorsOf(withAdapter({ weight: -1 }))).toEqual([]);
    expect(errorsOf(withAdapter({ compositionWeight: 9 }))[0].path).toBe('adapters[0].compositionWeight');
    expect(errorsOf(withAdapter({ weight: Number.NaN }))[0].code).toBe('not-a-number');
  });

  test('unknown scheduler lists the valid ones', () => {
    const [e] = errorsOf({ ...base, scheduler: 'dpmpp_sde' });
    expect(e.message).toBe('Unknown scheduler "dpmpp_sde". Valid schedulers: ddim, euler, euler_ancestral, dpmpp_2m, dpmpp_2m_karras, lcm.');
  });

  test('sizes must be multiples of 64, with a suggestion', () => {
    const [e] = errorsOf({ ...base, width: 500 });
    expect(e.path).toBe('width');
    expect(e.message).toContain('Try 448 or 512');
    expect(errorsOf({ ...base, height: 32 })[0].code).toBe('bad-size');
    expect(errorsOf({ ...base, height: 4096 })[0].code).toBe('bad-size');
  });

  test('other fields', () => {
    expect(errorsOf({ ...base, steps: 0 })[0].path).toBe('steps');
    expect(errorsOf({ ...base, scheduler: 'lcm', steps: 60 })[0].message).toContain('LCM');
    expect(errorsOf({ ...base, seed: -1 })[0].path).toBe('seed');
    expect(errorsOf({ ...base, seed: 1.5 })[0].path).toBe('seed');
    expect(errorsOf({ ...base, batchSize: 17 })[0].path).toBe('batchSize');
    expect(errorsOf({ ...base, guidance: -1 })[0].path).toBe('guidance');
    expect(errorsOf({ ...base, prompt: { ids: [1, 2, 3] } })[0].code).toBe('bad-ids');
    expect(errorsOf({ ...base, img2img: { image: { data: new Float32Array(3 * 64 * 64), width: 64, height: 64 }, strength: 0.5 } })[0].code).toBe('size-mismatch');
    expect(errorsOf({ ...base, img2img: { image: { data: new Float32Array(3 * 512 * 512), width: 512, height: 512 }, strength: 0 } })[0].code).toBe('bad-strength');
    expect(errorsOf(withAdapter({ weightType: 'stronger' as never }))[0].message).toContain('Valid: linear, ease in');
    expect(errorsOf(withAdapter({ combineEmbeds: 'mean' as never }))[0].message).toContain('concat, add, subtract');
    expect(errorsOf(withAdapter({ embedsScaling: 'K only' as never }))[0].message).toContain('V only');
    expect(errorsOf(withAdapter({ negative: { kind: 'noise', type: 'blur' as never, strength: 0.5 } }))[0].message).toContain('fade, dissolve');
    expect(errorsOf({ ...base, adapters: [{ images: [] }] })[0].code).toBe('no-images');
    expect(errorsOf(withAdapter({ model: 2 }), { adapterModels: 1 })[0].message).toBe('adapters[0] uses IP-Adapter file 2, but only 1 is loaded (0–0).');
    expect(errorsOf(withAdapter({}), { clipSize: 32 })[0].code).toBe('bad-image-size');
    expect(errorsOf(withAdapter({ mask: { data: new Float32Array(5), width: 2, height: 2 } }))[0].code).toBe('bad-mask');
  });

  test('several errors are reported together', () => {
    const r = validateSettings({ ...base, width: 100, steps: -1, scheduler: 'x', adapters: [{ images: [img], weight: 7, layerWeights: '1:2,,' }] });
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => e.path)).toEqual(['width', 'steps', 'scheduler', 'adapters[0].weight', 'adapters[0].layerWeights', 'adapters[0].layerWeights']);
  });

  test('a mask whose aspect differs from the image is a notice (ComfyUI stretches it), not an error', () => {
    const r = validateSettings(withAdapter({ mask: { data: new Float32Array(64 * 32), width: 64, height: 32 } }));
    expect(r.ok).toBe(true);
    expect(r.notices).toHaveLength(1);
    expect(r.notices[0]).toMatchObject({ path: 'adapters[0].mask', code: 'aspect-mismatch' });
    expect(r.notices[0].message).toContain('stretched');
  });

  test('garbage does not throw', () => {
    expect(validateSettings(null as never).ok).toBe(false);
    expect(validateSettings({ ...base, adapters: [null as never] }).errors[0].path).toBe('adapters[0]');
    expect(validateSettings({ ...base, prompt: 3 as never }).errors[0].code).toBe('bad-prompt');
  });
});
