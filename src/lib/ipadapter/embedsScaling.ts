/**
 * embeds_scaling: where the layer weight w enters the image branch of a cross-attention layer
 * of width C (ComfyUI CrossAttentionPatch). With K_i, V_i the image keys/values (tokens × C):
 *
 * - 'V only' (default): out_ip = Attn(Q, K_i, V_i)·w — the same as scaling V_i by w.
 * - 'K+V': K_i·w and V_i·w. Scaling K also sharpens (w > 1) or flattens (w < 1) the softmax.
 * - 'K+V w/ C penalty': the same with w' = w·C/1280, so the wide deep layers keep w and the
 *   320-wide outer layers get a quarter of it.
 * - 'K+mean(V) w/ C penalty': K_i·w'; V_i = (V_i − mean_tokens V_i) + mean_tokens V_i·w':
 *   only the part of V shared by all tokens is scaled, which tolerates weights > 1 without
 *   "burning".
 *
 * `embedsScalingFor` returns plain numbers the UNet graph can consume; `applyEmbedsScaling`
 * applies them to K_i and V_i on the CPU (reference implementation and tests).
 */

export const EMBEDS_SCALING_MODES = ['V only', 'K+V', 'K+V w/ C penalty', 'K+mean(V) w/ C penalty'] as const;
export type EmbedsScaling = (typeof EMBEDS_SCALING_MODES)[number];

export function isEmbedsScaling(x: unknown): x is EmbedsScaling {
  return typeof x === 'string' && (EMBEDS_SCALING_MODES as readonly string[]).includes(x);
}

export interface EmbedsScalingPlan {
  /** False when the layer weight is 0: ComfyUI skips the image branch entirely. */
  active: boolean;
  /** Multiply the image keys K_i by this. */
  kScale: number;
  /** Multiply V_i by this — all of V_i, or only its token mean when `vMeanOnly`. */
  vScale: number;
  /** When true: V_i ← (V_i − mean) + mean·vScale, mean taken over the image tokens. */
  vMeanOnly: boolean;
  /** Multiply the image branch's attention output by this (before the mask). */
  outScale: number;
}

/** The factors for one layer of width `channels` (320, 640 or 1280) at layer weight `weight`. */
export function embedsScalingFor(mode: EmbedsScaling, weight: number, channels: number): EmbedsScalingPlan {
  const active = weight !== 0;
  const penalised = (weight * channels) / 1280;
  switch (mode) {
    case 'V only':
      return { active, kScale: 1, vScale: 1, vMeanOnly: false, outScale: weight };
    case 'K+V':
      return { active, kScale: weight, vScale: weight, vMeanOnly: false, outScale: 1 };
    case 'K+V w/ C penalty':
      return { active, kScale: penalised, vScale: penalised, vMeanOnly: false, outScale: 1 };
    case 'K+mean(V) w/ C penalty':
      return { active, kScale: penalised, vScale: penalised, vMeanOnly: true, outScale: 1 };
    default: {
      const never: never = mode;
      throw new Error(`Unknown embeds_scaling "${String(never)}". Valid: ${EMBEDS_SCALING_MODES.join(', ')}.`);
    }
  }
}

/**
 * Applies a plan to image keys/values of shape [tokens, channels] (row-major), returning new
 * arrays. (`outScale` is for the attention output and is not applied here.)
 */
export function applyEmbedsScaling(
  k: Float32Array,
  v: Float32Array,
  tokens: number,
  channels: number,
  plan: EmbedsScalingPlan,
): { k: Float32Array; v: Float32Array } {
  if (k.length !== tokens * channels || v.length !== tokens * channels) {
    throw new Error(`K and V must both be ${tokens}×${channels} (${tokens * channels} values); got ${k.length} and ${v.length}.`);
  }
  const ko = k.map((x) => x * plan.kScale);
  let vo: Float32Array;
  if (!plan.vMeanOnly) {
    vo = v.map((x) => x * plan.vScale);
  } else {
    vo = new Float32Array(v.length);
    for (let c = 0; c < channels; c++) {
      let mean = 0;
      for (let t = 0; t < tokens; t++) mean += v[t * channels + c];
      mean /= tokens;
      for (let t = 0; t < tokens; t++) vo[t * channels + c] = v[t * channels + c] - mean + mean * plan.vScale;
    }
  }
  return { k: ko, v: vo };
}
