import type { TensorInfo } from './safetensors';
import { Weights, type WeightFile } from './weights';

/**
 * Single-file ("LDM", original Stable Diffusion, ComfyUI `models/checkpoints`) checkpoints hold
 * three networks under three prefixes, named after the CompVis modules. The builders ask for the
 * diffusers / transformers names, so this file states the renaming as rules:
 *
 * UNet `model.diffusion_model.`
 *   time_embed.{0,2} → time_embedding.linear_{1,2}; input_blocks.0.0 → conv_in; out.{0,2} → conv_norm_out, conv_out
 *   input_blocks.N (N ≥ 1): level L = (N−1) div (lpb+1), slot S = (N−1) mod (lpb+1), lpb = layers per block:
 *     slot < lpb: .0 = down_blocks.L.resnets.S, .1 = down_blocks.L.attentions.S; slot = lpb: .0.op = downsamplers.0.conv
 *   middle_block.{0,1,2} → mid_block.resnets.0, mid_block.attentions.0, mid_block.resnets.1
 *   output_blocks.N: up_blocks.(N div (lpb+1)), slot N mod (lpb+1): .0 = resnets.slot, .1 = attentions.slot,
 *     `.1.conv` or `.2.conv` = upsamplers.0.conv
 *   resnet parts: in_layers.{0,2} → norm1, conv1; emb_layers.1 → time_emb_proj; out_layers.{0,3} → norm2, conv2;
 *     skip_connection → conv_shortcut. Transformer parts are named alike in both layouts.
 * VAE `first_stage_model.`
 *   encoder.down.I.block.J → encoder.down_blocks.I.resnets.J, encoder.down.I.downsample → downsamplers.0
 *   decoder.up.I → decoder.up_blocks.(levels−1−I) (the decoder counts the other way), upsample → upsamplers.0
 *   mid.block_{1,2} → mid_block.resnets.{0,1}; mid.attn_1.{norm,q,k,v,proj_out} → mid_block.attentions.0.{group_norm,to_q,to_k,to_v,to_out.0}
 *   nin_shortcut → conv_shortcut, norm_out → conv_norm_out. The attention q/k/v/proj_out weights are
 *   1×1 convolutions [C, C, 1, 1]; diffusers keeps them as linear [C, C]: same bytes, other shape.
 * Text encoder `cond_stage_model.transformer.`: the rest is the transformers name (very old files
 *   lack the `text_model.` level, which is then added).
 * Not weights: the 12 noise-schedule buffers, `…embeddings.position_ids`, `model_ema.*`.
 */

export type LdmComponent = 'unet' | 'vae' | 'text_encoder';

export const LDM_PREFIX: Record<LdmComponent, string> = {
  unet: 'model.diffusion_model.',
  vae: 'first_stage_model.',
  text_encoder: 'cond_stage_model.transformer.',
};

/** Structure numbers the rules need; read off the keys when not given. */
export interface LdmStructure {
  /** UNet resnets per level (SD1.5: 2). */
  layersPerBlock: number;
  /** VAE resolution levels (SD1.5: 4). */
  vaeLevels: number;
}

const RESNET_PARTS: Record<string, string> = {
  'in_layers.0': 'norm1', 'in_layers.2': 'conv1', 'emb_layers.1': 'time_emb_proj',
  'out_layers.0': 'norm2', 'out_layers.3': 'conv2', skip_connection: 'conv_shortcut',
};

function unetResnet(rest: string): string | undefined {
  const m = /^(in_layers\.[02]|emb_layers\.1|out_layers\.[03]|skip_connection)\.(.+)$/.exec(rest);
  return m ? `${RESNET_PARTS[m[1]]}.${m[2]}` : undefined;
}

/** A UNet key without the `model.diffusion_model.` prefix → its diffusers name (undefined: not a UNet weight). */
export function ldmUnetKeyToDiffusers(key: string, layersPerBlock = 2): string | undefined {
  let m: RegExpExecArray | null;
  if ((m = /^time_embed\.([02])\.(.+)$/.exec(key))) return `time_embedding.linear_${m[1] === '0' ? 1 : 2}.${m[2]}`;
  if ((m = /^input_blocks\.0\.0\.(.+)$/.exec(key))) return `conv_in.${m[1]}`;
  if ((m = /^out\.([02])\.(.+)$/.exec(key))) return `${m[1] === '0' ? 'conv_norm_out' : 'conv_out'}.${m[2]}`;
  const per = layersPerBlock + 1;
  if ((m = /^input_blocks\.(\d+)\.(\d+)\.(.+)$/.exec(key))) {
    const n = Number(m[1]);
    const level = Math.floor((n - 1) / per);
    const slot = (n - 1) % per;
    const rest = m[3];
    if (slot === layersPerBlock) {
      const op = /^op\.(.+)$/.exec(rest);
      return m[2] === '0' && op ? `down_blocks.${level}.downsamplers.0.conv.${op[1]}` : undefined;
    }
    if (m[2] === '0') {
      const r = unetResnet(rest);
      return r && `down_blocks.${level}.resnets.${slot}.${r}`;
    }
    return m[2] === '1' ? `down_blocks.${level}.attentions.${slot}.${rest}` : undefined;
  }
  if ((m = /^middle_block\.([012])\.(.+)$/.exec(key))) {
    if (m[1] === '1') return `mid_block.attentions.0.${m[2]}`;
    const r = unetResnet(m[2]);
    return r && `mid_block.resnets.${m[1] === '0' ? 0 : 1}.${r}`;
  }
  if ((m = /^output_blocks\.(\d+)\.([012])\.(.+)$/.exec(key))) {
    const n = Number(m[1]);
    const block = Math.floor(n / per);
    const slot = n % per;
    const rest = m[3];
    const conv = /^conv\.(.+)$/.exec(rest);
    if (conv && m[2] !== '0') return `up_blocks.${block}.upsamplers.0.conv.${conv[1]}`;
    if (m[2] === '0') {
      const r = unetResnet(rest);
      return r && `up_blocks.${block}.resnets.${slot}.${r}`;
    }
    return m[2] === '1' ? `up_blocks.${block}.attentions.${slot}.${rest}` : undefined;
  }
  return undefined;
}

const VAE_ATTN: Record<string, string> = { norm: 'group_norm', q: 'to_q', k: 'to_k', v: 'to_v', proj_out: 'to_out.0' };

function vaeResnet(rest: string): string {
  return rest.replace(/^nin_shortcut\./, 'conv_shortcut.');
}

/** A VAE key without the `first_stage_model.` prefix → its diffusers name (undefined: not a VAE weight). */
export function ldmVaeKeyToDiffusers(key: string, levels = 4): string | undefined {
  let m: RegExpExecArray | null;
  if (/^(post_)?quant_conv\.(weight|bias)$/.test(key)) return key;
  if ((m = /^(encoder|decoder)\.(.+)$/.exec(key)) === null) return undefined;
  const side = m[1];
  const rest = m[2];
  if ((m = /^(conv_in|conv_out)\.(.+)$/.exec(rest))) return `${side}.${m[1]}.${m[2]}`;
  if ((m = /^norm_out\.(.+)$/.exec(rest))) return `${side}.conv_norm_out.${m[1]}`;
  if ((m = /^mid\.block_([12])\.(.+)$/.exec(rest))) return `${side}.mid_block.resnets.${Number(m[1]) - 1}.${vaeResnet(m[2])}`;
  if ((m = /^mid\.attn_1\.(norm|q|k|v|proj_out)\.(.+)$/.exec(rest))) return `${side}.mid_block.attentions.0.${VAE_ATTN[m[1]]}.${m[2]}`;
  if (side === 'encoder' && (m = /^down\.(\d+)\.(block\.(\d+)|downsample)\.(.+)$/.exec(rest))) {
    return m[3] !== undefined
      ? `encoder.down_blocks.${m[1]}.resnets.${m[3]}.${vaeResnet(m[4])}`
      : `encoder.down_blocks.${m[1]}.downsamplers.0.${m[4]}`;
  }
  if (side === 'decoder' && (m = /^up\.(\d+)\.(block\.(\d+)|upsample)\.(.+)$/.exec(rest))) {
    const i = levels - 1 - Number(m[1]);
    return m[3] !== undefined
      ? `decoder.up_blocks.${i}.resnets.${m[3]}.${vaeResnet(m[4])}`
      : `decoder.up_blocks.${i}.upsamplers.0.${m[4]}`;
  }
  return undefined;
}

/** A text-encoder key without `cond_stage_model.transformer.` → its transformers name. */
export function ldmTextKeyToTransformers(key: string): string | undefined {
  const full = key.startsWith('text_model.') ? key : `text_model.${key}`;
  if (full.endsWith('.position_ids')) return undefined; // a legacy buffer, not a weight
  return /^text_model\.(embeddings|encoder|final_layer_norm)\./.test(full) ? full : undefined;
}

/** The VAE attention weights that are [C, C, 1, 1] in the checkpoint and [C, C] in diffusers. */
export function isVaeAttentionProjection(diffusersKey: string): boolean {
  return /^(encoder|decoder)\.mid_block\.attentions\.\d+\.(to_q|to_k|to_v|to_out\.0)\.weight$/.test(diffusersKey);
}

/**
 * Older diffusers VAE files name the mid-block attention `query/key/value/proj_attn`; diffusers
 * renames them on load. The new name for an old one (unchanged otherwise).
 */
export function modernVaeAttentionKey(key: string): string {
  return key.replace(/(mid_block\.attentions\.\d+\.)(query|key|value|proj_attn)\./, (_, head: string, part: string) =>
    `${head}${{ query: 'to_q', key: 'to_k', value: 'to_v', proj_attn: 'to_out.0' }[part]}.`);
}

/** Reads layers-per-block and VAE levels off a checkpoint's keys (defaults: SD1.5's 2 and 4). */
export function ldmStructure(keys: Iterable<string>): LdmStructure {
  let downsampleAt = Infinity;
  let maxUp = -1;
  const unet = `${LDM_PREFIX.unet}input_blocks.`;
  const vae = `${LDM_PREFIX.vae}decoder.up.`;
  for (const k of keys) {
    if (k.startsWith(unet)) {
      const m = /^(\d+)\.0\.op\./.exec(k.slice(unet.length));
      if (m) downsampleAt = Math.min(downsampleAt, Number(m[1]));
    } else if (k.startsWith(vae)) {
      maxUp = Math.max(maxUp, Number(/^(\d+)/.exec(k.slice(vae.length))?.[1] ?? -1));
    }
  }
  return { layersPerBlock: Number.isFinite(downsampleAt) ? downsampleAt - 1 : 2, vaeLevels: maxUp >= 0 ? maxUp + 1 : 4 };
}

/** A full checkpoint key → [component, diffusers/transformers key], or undefined for non-weights. */
export function ldmKeyToDiffusers(key: string, structure: LdmStructure = { layersPerBlock: 2, vaeLevels: 4 }): [LdmComponent, string] | undefined {
  for (const component of ['unet', 'vae', 'text_encoder'] as const) {
    const prefix = LDM_PREFIX[component];
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const mapped = component === 'unet' ? ldmUnetKeyToDiffusers(rest, structure.layersPerBlock)
      : component === 'vae' ? ldmVaeKeyToDiffusers(rest, structure.vaeLevels)
        : ldmTextKeyToTransformers(rest);
    return mapped === undefined ? undefined : [component, mapped];
  }
  return undefined;
}

const COMPONENT_LABEL: Record<LdmComponent, string> = { unet: 'UNet', vae: 'VAE', text_encoder: 'text encoder' };

/**
 * One component of a single-file checkpoint as a weight file in diffusers naming: the same bytes
 * (same location), a header whose names are the diffusers ones and whose VAE attention weights
 * have the linear shape [C, C]. Build graphs from it exactly as from a diffusers folder.
 */
export function ldmComponentFile(file: WeightFile, component: LdmComponent, structure?: LdmStructure): WeightFile {
  const s = structure ?? ldmStructure(file.header.tensors.keys());
  const tensors = new Map<string, TensorInfo>();
  for (const [key, info] of file.header.tensors) {
    const hit = ldmKeyToDiffusers(key, s);
    if (!hit || hit[0] !== component) continue;
    const name = hit[1];
    let shape = info.shape;
    if (component === 'vae' && isVaeAttentionProjection(name) && shape.length === 4 && shape[2] === 1 && shape[3] === 1) shape = shape.slice(0, 2);
    tensors.set(name, { ...info, name, shape });
  }
  return {
    location: file.location,
    label: `${file.label} (${COMPONENT_LABEL[component]} part, single-file names translated)`,
    header: { ...file.header, tensors },
  };
}

/** `Weights` over one component of a single-file checkpoint, in diffusers/transformers names. */
export function ldmWeights(file: WeightFile, component: LdmComponent, structure?: LdmStructure): Weights {
  return new Weights([ldmComponentFile(file, component, structure)]);
}
