import { describe, expect, test } from 'vitest';
import { decideCapability } from './capability';
import { isFastPath, LCM_LORA_NAME, slowGpuReason, withFastPath, withoutFastPath } from './fastPath';
import { defaultLiveState } from './panel';

const adapter = (features: string[], fallback = false) => ({
  kind: 'adapter' as const,
  adapter: { features, limits: { maxBufferSize: 4 * 1024 ** 3, maxStorageBufferBindingSize: 4 * 1024 ** 3 }, isFallbackAdapter: fallback },
});
const choice = { adapter: 'base' as const, width: 512, height: 512, cfg: true };

describe('LCM fast path', () => {
  test('on: LCM-LoRA + lcm, 6 steps, CFG 1.5; off: back to the usual sampler, no LCM-LoRA', () => {
    const on = withFastPath(defaultLiveState());
    expect(isFastPath(on)).toBe(true);
    expect(on).toMatchObject({ scheduler: 'lcm', steps: 6, cfg: 1.5, loras: [{ name: LCM_LORA_NAME, strengthModel: 1, strengthClip: 1 }] });
    expect(withFastPath(on).loras).toHaveLength(1);
    const off = withoutFastPath({ ...on, loras: [...on.loras, { name: 'detail.safetensors', strengthModel: 0.5, strengthClip: 0.5 }] });
    expect(isFastPath(off)).toBe(false);
    expect(off).toMatchObject({ scheduler: 'dpmpp_2m_karras', steps: 20, cfg: 7 });
    expect(off.loras.map((l) => l.name)).toEqual(['detail.safetensors']);
  });

  test('a picked LCM-LoRA under another name is used, not a second one', () => {
    const s = { ...defaultLiveState(), loras: [{ name: 'pytorch_lora_weights_LCM.safetensors', strengthModel: 1, strengthClip: 1 }] };
    expect(withFastPath(s).loras).toHaveLength(1);
  });

  test('the capability check decides where it is the default: software GPUs and no shader-f16', () => {
    const budget = { memoryBudget: 64 * 1024 ** 3 };
    expect(slowGpuReason(decideCapability(adapter(['shader-f16']), choice, budget))).toBeNull();
    expect(slowGpuReason(decideCapability(adapter([]), choice, budget))).toBe('no-f16');
    expect(slowGpuReason(decideCapability(adapter(['shader-f16'], true), choice, budget))).toBe('software');
    expect(slowGpuReason(decideCapability({ kind: 'no-webgpu' }, choice))).toBeNull();
    // blocked by memory at 512² in fp32 (a smaller size runs): still slow
    const tight = decideCapability(adapter([], true), choice, { memoryBudget: 1024 ** 3 });
    expect(tight.verdict).toBe('blocked');
    expect(slowGpuReason(tight)).toBe('software');
  });
});
