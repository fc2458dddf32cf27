import { parseSafetensors, readFloat32, type SafetensorsHeader, type TensorInfo } from '../weights/safetensors';
import { LoraError } from './errors';

/**
 * Reading a LoRA file: which layer each pair of factors belongs to, in whichever key layout the
 * file uses. A LoRA stores, per adapted layer, a down factor A (r × in) and an up factor B
 * (out × r), often with an `alpha`; the update is ΔW = (alpha / r) · B·A (W stored [out, in]).
 *
 * Layouts recognised (the module path is what remains once prefix and suffix are removed):
 * - kohya (sd-scripts, A1111, ComfyUI, and the LCM-LoRA files): `lora_unet_<path with _>` /
 *   `lora_te_<path with _>` (`lora_te1_`/`lora_te2_` in SDXL files) + `.lora_down.weight`,
 *   `.lora_up.weight`, `.alpha`. The UNet path is diffusers' (`down_blocks_0_attentions_0_…`)
 *   or, in files extracted from single-file checkpoints, the LDM one (`input_blocks_4_1_…`).
 * - diffusers / PEFT: `unet.<dotted path>` / `text_encoder.<dotted path>` (or `base_model.model.`,
 *   or no prefix) + `.lora_A.weight`, `.lora_B.weight` (PEFT), `.lora.down.weight`/`.lora.up.weight`
 *   or `.lora_linear_layer.down/up.weight` (older diffusers), optional `.alpha`.
 * - diffusers attention processors (2023): `…attn1.processor.to_q_lora.down.weight` → `…attn1.to_q`.
 * Without alpha, alpha = r (scale 1), as kohya, ComfyUI and diffusers do.
 *
 * Other LyCORIS types (LoHa, LoKr, DoRA scales, full diffs, Tucker `lora_mid`) are listed as
 * unsupported, by key, rather than dropped silently.
 */
export type LoraLayout = 'kohya' | 'peft' | 'diffusers';
export type LoraComponentHint = 'unet' | 'text_encoder' | 'text_encoder_2' | undefined;

export interface LoraModule {
  /** The module's name as the file spells it, without the factor suffix (for reports). */
  name: string;
  layout: LoraLayout;
  /** The component the prefix names; undefined when the keys carry no component prefix. */
  component: LoraComponentHint;
  /** The module path without prefix: underscored for kohya, dotted otherwise. */
  path: string;
  down: TensorInfo;
  up: TensorInfo;
  /** From the file's `.alpha` tensor; undefined = none stored (alpha = rank). */
  alpha?: number;
  rank: number;
}

export interface UnsupportedTensor { key: string; reason: string }

/** A LoRA file in memory: its bytes (factors are read or referenced from them) and where they go by. */
export interface LoraFile {
  location: string;
  label: string;
  header: SafetensorsHeader;
  bytes: Uint8Array;
}

export interface ParsedLora {
  file: LoraFile;
  modules: LoraModule[];
  unsupported: UnsupportedTensor[];
  layouts: LoraLayout[];
}

interface Part { base: string; role: 'down' | 'up' | 'alpha'; layout: LoraLayout }

const LEGACY_PROCESSOR = /^(.*)\.processor\.(to_q|to_k|to_v|to_out)_lora\.(down|up)\.weight$/;

/** Splits a tensor key into module base + role, or says why it is not a LoRA factor. */
export function classifyKey(key: string): Part | { unsupported: string } {
  let m: RegExpExecArray | null;
  if ((m = /^(lora_[a-z0-9_]+?)\.(lora_down|lora_up)\.weight$/.exec(key))) return { base: m[1], role: m[2] === 'lora_down' ? 'down' : 'up', layout: 'kohya' };
  if ((m = /^(lora_[a-z0-9_]+?)\.alpha$/.exec(key))) return { base: m[1], role: 'alpha', layout: 'kohya' };
  if ((m = /^(.+)\.lora_([AB])\.weight$/.exec(key))) return { base: m[1], role: m[2] === 'A' ? 'down' : 'up', layout: 'peft' };
  if ((m = /^(.+)\.(?:lora|lora_linear_layer)\.(down|up)\.weight$/.exec(key))) return { base: m[1], role: m[2] as 'down' | 'up', layout: 'diffusers' };
  if ((m = LEGACY_PROCESSOR.exec(key))) {
    const mod = m[2] === 'to_out' ? 'to_out.0' : m[2];
    return { base: `${m[1]}.${mod}`, role: m[3] as 'down' | 'up', layout: 'diffusers' };
  }
  if ((m = /^(.+)\.alpha$/.exec(key))) return { base: m[1], role: 'alpha', layout: 'peft' };
  if (/\.hada_w[12]_[ab]$|\.hada_t[12]$/.test(key)) return { unsupported: 'LoHa (LyCORIS) factor' };
  if (/\.lokr_/.test(key)) return { unsupported: 'LoKr (LyCORIS) factor' };
  if (/\.dora_scale$/.test(key)) return { unsupported: 'DoRA magnitude (DoRA is not supported; the plain LoRA part is used)' };
  if (/\.lora_mid\.weight$/.test(key)) return { unsupported: 'Tucker-decomposed conv LoRA (lora_mid)' };
  if (/\.(diff|diff_b|set_weight)$/.test(key)) return { unsupported: 'full weight difference' };
  if (/\.(w_norm|b_norm)$/.test(key)) return { unsupported: 'norm-layer adapter' };
  if (/\.(oft_blocks|oft_diag|rescale)$/.test(key)) return { unsupported: 'OFT/BOFT factor' };
  return { unsupported: 'not a LoRA tensor' };
}

/** Prefix → component, and the bare module path. */
function splitPrefix(base: string, layout: LoraLayout): { component: LoraComponentHint; path: string } | undefined {
  if (layout === 'kohya') {
    const m = /^lora_(unet|te|te1|te2)_(.+)$/.exec(base);
    if (!m) return undefined;
    const component = m[1] === 'unet' ? 'unet' : m[1] === 'te2' ? 'text_encoder_2' : 'text_encoder';
    return { component, path: m[2] };
  }
  for (const [prefix, component] of [['unet.', 'unet'], ['text_encoder_2.', 'text_encoder_2'], ['text_encoder.', 'text_encoder'], ['te.', 'text_encoder']] as const) {
    if (base.startsWith(prefix)) return { component, path: stripPeft(base.slice(prefix.length)) };
  }
  return { component: undefined, path: stripPeft(base) };
}

const stripPeft = (p: string) => p.replace(/^base_model\.model\./, '');

/** What a file that holds no LoRA factors is likely to be, for the error message. */
function notALora(header: SafetensorsHeader, label: string): LoraError {
  const keys = [...header.tensors.keys()];
  const has = (re: RegExp) => keys.some((k) => re.test(k));
  const what = has(/^model\.diffusion_model\./) ? ['a full Stable Diffusion checkpoint', '完整的 Stable Diffusion 底模']
    : has(/^ip_adapter\.|^image_proj\./) ? ['an IP-Adapter model', 'IP-Adapter 模型']
      : has(/^(down_blocks|mid_block|up_blocks)\..*\.weight$/) ? ['a diffusers UNet', 'diffusers 格式的 UNet']
        : has(/^(vision_model|text_model)\./) ? ['a CLIP encoder', 'CLIP 编码器'] : undefined;
  const sample = keys.slice(0, 3).map((k) => `"${k}"`).join(', ');
  return new LoraError('not-a-lora', {
    en: `${label} holds no LoRA factors${what ? ` — it looks like ${what[0]}` : ''} (first keys: ${sample || 'none'}). A LoRA has keys ending in .lora_down.weight / .lora_up.weight or .lora_A.weight / .lora_B.weight.`,
    zh: `${label} 里没有 LoRA 权重${what ? `——它看起来是${what[1]}` : ''}（前几个键：${sample || '无'}）。LoRA 的键以 .lora_down.weight / .lora_up.weight 或 .lora_A.weight / .lora_B.weight 结尾。`,
  });
}

/** Parses a LoRA safetensors file held in memory. Throws WeightFileError for a broken file, LoraError for a non-LoRA one. */
export function parseLora(bytes: Uint8Array, label = 'this LoRA', location = `lora:${label}`): ParsedLora {
  const st = parseSafetensors(bytes, label);
  const file: LoraFile = { location, label, header: st.header, bytes };
  const groups = new Map<string, { layout: LoraLayout; down?: TensorInfo; up?: TensorInfo; alpha?: TensorInfo }>();
  const unsupported: UnsupportedTensor[] = [];
  for (const [key, info] of st.header.tensors) {
    const c = classifyKey(key);
    if ('unsupported' in c) { unsupported.push({ key, reason: c.unsupported }); continue; }
    const g = groups.get(c.base) ?? { layout: c.layout };
    if (c.role !== 'alpha') g.layout = c.layout;
    g[c.role] = info;
    groups.set(c.base, g);
  }
  const modules: LoraModule[] = [];
  for (const [base, g] of groups) {
    if (!g.down || !g.up) {
      const keys = [g.down, g.up, g.alpha].filter((t): t is TensorInfo => !!t).map((t) => t.name);
      for (const key of keys) unsupported.push({ key, reason: g.down || g.up ? `half of a LoRA pair (no ${g.down ? 'up' : 'down'} factor)` : 'alpha without factors' });
      continue;
    }
    const split = splitPrefix(base, g.layout);
    if (!split) { unsupported.push({ key: g.down.name, reason: 'unknown kohya prefix (expected lora_unet_ or lora_te_)' }); continue; }
    const alpha = g.alpha ? readFloat32(bytes, g.alpha)[0] : undefined;
    modules.push({ name: base, layout: g.layout, ...split, down: g.down, up: g.up, alpha, rank: g.down.shape[0] });
  }
  if (modules.length === 0) {
    if (unsupported.some((u) => u.reason !== 'not a LoRA tensor')) {
      const kinds = [...new Set(unsupported.map((u) => u.reason))].slice(0, 3).join('; ');
      throw new LoraError('not-a-lora', {
        en: `${label} holds no plain LoRA factors that can be used here (found: ${kinds}).`,
        zh: `${label} 里没有可以在这里使用的普通 LoRA 权重（发现的是：${kinds}）。`,
      });
    }
    throw notALora(st.header, label);
  }
  return { file, modules, unsupported, layouts: [...new Set(modules.map((m) => m.layout))] };
}
