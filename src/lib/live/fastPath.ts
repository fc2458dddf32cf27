/**
 * The LCM fast path: the LCM-LoRA merged into SD1.5 plus the LCM scheduler gives an image in 4–8
 * steps at CFG 1–2 instead of 20–30 steps at CFG 7 (latent-consistency/lcm-lora-sdv1-5). In
 * ComfyUI terms: a LoraLoader with the LCM-LoRA and KSampler's sampler "lcm". On by default where
 * the GPU is slow (the capability check's verdict), as the downloads page selects the LCM-LoRA.
 */
import type { Capability } from './capability';
import type { LiveState } from './panel';

/** The file name ComfyUI users keep it under (models/loras). */
export const LCM_LORA_NAME = 'lcm-lora-sdv1-5.safetensors';
export const FAST_SETTINGS = Object.freeze({ scheduler: 'lcm' as const, steps: 6, cfg: 1.5 });
/** What turning the fast path off goes back to (the panel's defaults). */
export const NORMAL_SETTINGS = Object.freeze({ scheduler: 'dpmpp_2m_karras' as const, steps: 20, cfg: 7 });

export const isLcmLora = (name: string) => /lcm/i.test(name);

export function isFastPath(s: Pick<LiveState, 'scheduler' | 'loras'>): boolean {
  return s.scheduler === 'lcm' && s.loras.some((l) => isLcmLora(l.name));
}

/** The state with the fast path on: LCM-LoRA (kept if one is listed) + LCM, 6 steps, CFG 1.5. */
export function withFastPath<S extends LiveState>(s: S, loraName = LCM_LORA_NAME): S {
  const loras = s.loras.some((l) => isLcmLora(l.name)) ? s.loras : [...s.loras, { name: loraName, strengthModel: 1, strengthClip: 1 }];
  return { ...s, ...FAST_SETTINGS, loras };
}

/** The state with the fast path off: no LCM-LoRA, the usual sampler, steps and CFG. */
export function withoutFastPath<S extends LiveState>(s: S): S {
  return { ...s, ...NORMAL_SETTINGS, loras: s.loras.filter((l) => !isLcmLora(l.name)) };
}

export type SlowReason = 'software' | 'no-f16';

/**
 * Whether the GPU is slow enough that the fast path should be the default: a software adapter
 * (SwiftShader and the like: minutes per full-size step) or no shader-f16 (32-bit floats: twice
 * the bytes moved per step). Null when it is not, or when there is no GPU at all. A verdict blocked
 * by memory at this size still counts: a smaller size may run, and then slowly.
 */
export function slowGpuReason(c: Capability): SlowReason | null {
  if (c.floatType === null) return null;
  if (c.messages.some((m) => m.code === 'software')) return 'software';
  if (c.floatType === 'float32') return 'no-f16';
  return null;
}
