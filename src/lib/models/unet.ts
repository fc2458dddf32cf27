import { Graph } from '../onnx/graph';
import { linear, silu } from '../onnx/ops';
import type { Weights } from '../weights/weights';
import { decoupledAttention, type ImageBranch } from './decoupledAttention';
import { conv, downsample, groupNorm, resnetBlock, transformer2d, upsample, type BlockContext } from './unetBlocks';

/**
 * SD1.x UNet2DConditionModel as an ONNX graph, with IP-Adapter's decoupled cross-attention.
 *
 * Built from a diffusers `unet/config.json` and a `Weights` view in diffusers key names (a
 * diffusers `diffusion_pytorch_model.safetensors`, or a single-file LDM checkpoint through
 * `weights/ldmKeyMap.ts`). Each IP-Adapter is a `Weights` view of an h94-layout checkpoint
 * (`ip_adapter.{i}.to_k_ip.weight`, `to_v_ip.weight`); any number of them, each its own branch.
 * With no adapters the same builder gives the plain UNet.
 *
 * ## Graph contract (all inputs and outputs float32, also in float16 graphs)
 *
 * Inputs
 * - `sample` [B, in_channels, H, W] — noisy latents (SD1.5: 4 channels, H = W = 64 at 512 px).
 *   H and W must be multiples of 2^(blocks−1) (SD1.5: 8), as for diffusers without upsample_size.
 * - `time_proj` [B, block_out_channels[0]] — the sinusoidal timestep embedding from
 *   `timestep.ts` (`unetTimeProj`), one row per batch element (repeat it for a CFG batch).
 * - `encoder_hidden_states` [B, T_text, cross_attention_dim] — CLIP text states (77 × 768).
 * - per adapter a (0-based, in `adapters` order):
 *   - `ip_tokens_{a}` [B, T_a, cross_attention_dim] — the projector's image tokens. Several
 *     references for one adapter: concatenate their tokens (N·T tokens, one softmax, as diffusers
 *     and ComfyUI's "concat" do); or give each reference its own branch (same `Weights` twice:
 *     the weights are shared, not duplicated) to scale or mask them separately.
 *   - `ip_scale_{a}` [L] — λ per cross-attention layer in ComfyUI order (input → middle →
 *     output; `unetCrossAttentionLayers` gives the map to h94 indices). L = 16 for SD1.5, the
 *     order of `ipadapter/weightTypes.ts` IP_LAYERS.sd15.
 *   - with `embedsScaling`: `ip_k_scale_{a}` [L] (multiplies the image keys) and
 *     `ip_v_mean_{a}` [L] (adds μ·mean_tokens(V) to the branch). ComfyUI's embeds_scaling is then
 *     V only: (λ=w, s=1, μ=0); K+V: (w, w, 0); K+V w/ C penalty: (w′, w′, 0) with w′ = w·C/1280;
 *     K+mean(V) w/ C penalty: (1, w′, w′−1) — softmax rows sum to 1, so
 *     softmax(Q·(w′K)ᵀ)·(V − m + w′m) = softmax(Q·(w′K)ᵀ)·V + (w′−1)·m.
 *   - with `mask`: `ip_mask_{a}_{l}` [Bm, S_l] for each attention level l (`unetMaskLevels`),
 *     Bm ∈ {1, B}, S_l = ceil(H/2^l)·ceil(W/2^l) tokens: the mask **already resized to that
 *     layer's token grid and flattened** (row-major), multiplying the image branch's output.
 *     The resize rule lives on the host (diffusers: bicubic to (mask_h, mask_w) with
 *     mask_h = int(√(S·oh/ow)) (+1 if S % mask_h ≠ 0), mask_w = S // mask_h, then pad/crop to S;
 *     ComfyUI: bilinear, same grid rule). Feeding it resized keeps the graph free of
 *     resampling ops whose WebGPU coverage is unmeasured and lets one graph serve both rules.
 *
 * Outputs
 * - `out_sample` [B, out_channels, H, W] — the model output (ε for SD1.5).
 * - for each ComfyUI index t in `probeLayers`: `attn_text_{t}` [B, heads, S_t, T_text] and
 *   `attn_ip_{a}_{t}` [B, heads, S_t, T_a] — softmax probabilities of each branch (before λ/mask);
 *   for modules with several transformer blocks (not SD1.x), `_{block}` is appended.
 */
export interface UnetConfig {
  in_channels: number;
  out_channels: number;
  block_out_channels: number[];
  down_block_types: string[];
  up_block_types: string[];
  layers_per_block: number | number[];
  /** The number of heads in SD1.x/2.x configs (a diffusers naming quirk), int or per block. */
  attention_head_dim: number | number[];
  num_attention_heads?: number | number[] | null;
  cross_attention_dim: number;
  norm_num_groups: number;
  norm_eps?: number;
  flip_sin_to_cos?: boolean;
  freq_shift?: number;
  conv_in_kernel?: number;
  conv_out_kernel?: number;
  downsample_padding?: number;
  mid_block_type?: string | null;
  mid_block_scale_factor?: number;
  transformer_layers_per_block?: number | number[];
  use_linear_projection?: boolean;
  time_embedding_dim?: number | null;
  [key: string]: unknown;
}

export interface UnetAdapter {
  /** An h94-layout IP-Adapter checkpoint (only `ip_adapter.*` is read; `image_proj.*` is the projector's). */
  weights: Weights;
  /** Adds the per-level mask inputs `ip_mask_{a}_{l}` for this branch. */
  mask?: boolean;
}

export interface UnetOptions {
  floatType?: 'float32' | 'float16';
  /** Image branches; none gives the plain UNet. */
  adapters?: UnetAdapter[];
  /** Adds `ip_k_scale_{a}` and `ip_v_mean_{a}` inputs (ComfyUI embeds_scaling). */
  embedsScaling?: boolean;
  /** ComfyUI layer indices whose attention probabilities become outputs. */
  probeLayers?: number[];
  /** GroupNorm statistics in float32 in float16 graphs (default true). */
  normFloat32?: boolean;
  name?: string;
}

/**
 * One image-branch layer: a Transformer2DModel (ComfyUI's SpatialTransformer) and the attn2 of
 * each of its transformer blocks (one in SD1.x). ComfyUI's `transformer_index` counts these
 * modules, so all blocks of one module share a scale; the h94 checkpoint numbers each attn2.
 */
export interface CrossAttentionLayer {
  /** ComfyUI `transformer_index`: 0-based, execution order input → middle → output. */
  index: number;
  block: 'input' | 'middle' | 'output';
  /** diffusers path of the Transformer2DModel, e.g. `down_blocks.0.attentions.0`. */
  attention: string;
  /** diffusers paths of its attn2 modules, e.g. `down_blocks.0.attentions.0.transformer_blocks.0.attn2`. */
  modules: string[];
  /** `i` of `ip_adapter.{i}.to_k_ip.weight`, one per module: diffusers' attn_processors order (down, up, mid last). */
  ckptIndices: number[];
  channels: number;
  heads: number;
  /** 2× downsamplings before it: it sees ceil(H/2^level)·ceil(W/2^level) query tokens. */
  level: number;
}

interface Resolved {
  inC: number;
  outC: number;
  channels: number[];
  down: string[];
  up: string[];
  layers: number[];
  heads: number[];
  transformerLayers: number[];
  cross: number;
  groups: number;
  eps: number;
  convIn: number;
  convOut: number;
  downPadding: number;
  linearProjection: boolean;
  timeDim: number;
}

const perBlock = (v: number | number[] | null | undefined, n: number, what: string): number[] => {
  if (Array.isArray(v)) {
    if (v.length !== n) throw new Error(`UNet config: ${what} has ${v.length} entries for ${n} blocks.`);
    return v;
  }
  if (typeof v !== 'number') throw new Error(`UNet config: ${what} is missing.`);
  return new Array(n).fill(v);
};

function resolveConfig(c: UnetConfig): Resolved {
  const n = c.block_out_channels.length;
  const unsupported: [string, unknown][] = [
    ['class_embed_type', c.class_embed_type], ['addition_embed_type', c.addition_embed_type],
    ['encoder_hid_dim_type', c.encoder_hid_dim_type], ['time_cond_proj_dim', c.time_cond_proj_dim],
  ];
  for (const [k, v] of unsupported) if (v !== undefined && v !== null) throw new Error(`UNet config: ${k}=${JSON.stringify(v)} is not supported (SD1.x/2.x UNets only).`);
  const mustBe: [string, unknown, unknown][] = [
    ['time_embedding_type', c.time_embedding_type, 'positional'], ['resnet_time_scale_shift', c.resnet_time_scale_shift, 'default'],
    ['mid_block_type', c.mid_block_type, 'UNetMidBlock2DCrossAttn'], ['mid_block_scale_factor', c.mid_block_scale_factor, 1],
    ['resnet_out_scale_factor', c.resnet_out_scale_factor, 1], ['only_cross_attention', c.only_cross_attention, false],
    ['dual_cross_attention', c.dual_cross_attention, false], ['center_input_sample', c.center_input_sample, false],
    ['act_fn', c.act_fn, 'silu'], ['upcast_attention', c.upcast_attention, false], ['attention_type', c.attention_type, 'default'],
  ];
  for (const [k, v, want] of mustBe) if (v !== undefined && v !== null && v !== want) throw new Error(`UNet config: ${k}=${JSON.stringify(v)} is not supported (expected ${JSON.stringify(want)}).`);
  for (const t of c.down_block_types) if (t !== 'CrossAttnDownBlock2D' && t !== 'DownBlock2D') throw new Error(`UNet config: down block type ${t} is not supported.`);
  for (const t of c.up_block_types) if (t !== 'CrossAttnUpBlock2D' && t !== 'UpBlock2D') throw new Error(`UNet config: up block type ${t} is not supported.`);
  if (c.down_block_types.length !== n || c.up_block_types.length !== n) throw new Error('UNet config: block type lists and block_out_channels differ in length.');
  if (typeof c.cross_attention_dim !== 'number') throw new Error('UNet config: cross_attention_dim must be one number.');
  const heads = perBlock(c.num_attention_heads ?? c.attention_head_dim, n, 'attention_head_dim');
  c.block_out_channels.forEach((ch, i) => {
    if (ch % heads[i] !== 0) throw new Error(`UNet config: ${ch} channels do not split into ${heads[i]} heads.`);
  });
  return {
    inC: c.in_channels, outC: c.out_channels, channels: c.block_out_channels, down: c.down_block_types, up: c.up_block_types,
    layers: perBlock(c.layers_per_block, n, 'layers_per_block'), heads,
    transformerLayers: perBlock(c.transformer_layers_per_block ?? 1, n, 'transformer_layers_per_block'),
    cross: c.cross_attention_dim, groups: c.norm_num_groups, eps: c.norm_eps ?? 1e-5,
    convIn: c.conv_in_kernel ?? 3, convOut: c.conv_out_kernel ?? 3, downPadding: c.downsample_padding ?? 1,
    linearProjection: c.use_linear_projection ?? false,
    timeDim: c.time_embedding_dim ?? c.block_out_channels[0] * 4,
  };
}

/** Where the attention modules are: block, channels, heads, level; in execution order. */
interface AttentionModule { prefix: string; block: 'input' | 'middle' | 'output'; channels: number; heads: number; layers: number; level: number }

function attentionModules(r: Resolved): AttentionModule[] {
  const n = r.channels.length;
  const out: AttentionModule[] = [];
  r.down.forEach((t, i) => {
    if (t !== 'CrossAttnDownBlock2D') return;
    for (let j = 0; j < r.layers[i]; j++) out.push({ prefix: `down_blocks.${i}.attentions.${j}`, block: 'input', channels: r.channels[i], heads: r.heads[i], layers: r.transformerLayers[i], level: i });
  });
  out.push({ prefix: 'mid_block.attentions.0', block: 'middle', channels: r.channels[n - 1], heads: r.heads[n - 1], layers: r.transformerLayers[n - 1], level: n - 1 });
  r.up.forEach((t, i) => {
    if (t !== 'CrossAttnUpBlock2D') return;
    const b = n - 1 - i;
    for (let j = 0; j < r.layers[b] + 1; j++) out.push({ prefix: `up_blocks.${i}.attentions.${j}`, block: 'output', channels: r.channels[b], heads: r.heads[b], layers: r.transformerLayers[b], level: b });
  });
  return out;
}

/** The cross-attention layers in ComfyUI order, with their h94 checkpoint indices. */
export function unetCrossAttentionLayers(config: UnetConfig): CrossAttentionLayer[] {
  const mods = attentionModules(resolveConfig(config));
  // diffusers' attn_processors order: down blocks, up blocks, mid block last; attn1, attn2 alternate.
  const rank = { input: 0, output: 1, middle: 2 } as const;
  const diffusersOrder = [...mods].sort((a, b) => rank[a.block] - rank[b.block]);
  const ckpt = new Map<string, number[]>();
  let p = 0;
  for (const m of diffusersOrder) ckpt.set(m.prefix, Array.from({ length: m.layers }, () => { p += 2; return p - 1; }));
  return mods.map((m, index) => ({
    index, block: m.block, attention: m.prefix,
    modules: Array.from({ length: m.layers }, (_, k) => `${m.prefix}.transformer_blocks.${k}.attn2`),
    ckptIndices: ckpt.get(m.prefix)!, channels: m.channels, heads: m.heads, level: m.level,
  }));
}

/** The levels l that have cross-attention, i.e. the `ip_mask_{a}_{l}` inputs of a masked branch. */
export function unetMaskLevels(config: UnetConfig): number[] {
  return [...new Set(unetCrossAttentionLayers(config).map((l) => l.level))].sort((a, b) => a - b);
}

/** Query tokens of a level-l layer for latents of H×W: ceil(H/2^l)·ceil(W/2^l) (stride-2 convs, padding 1). */
export function tokensAtLevel(height: number, width: number, level: number): { h: number; w: number; tokens: number } {
  let h = height;
  let w = width;
  for (let i = 0; i < level; i++) { h = Math.ceil(h / 2); w = Math.ceil(w / 2); }
  return { h, w, tokens: h * w };
}

/** One layer's embeds_scaling factors, as `ipadapter/embedsScaling.ts` (`embedsScalingFor`) gives them. */
export interface BranchScalingPlan {
  active: boolean;
  kScale: number;
  vScale: number;
  vMeanOnly: boolean;
  outScale: number;
}

/**
 * The `ip_scale_{a}`, `ip_k_scale_{a}`, `ip_v_mean_{a}` vectors of one branch from one plan per
 * layer (ComfyUI order). An inactive layer (weight 0) gets λ = 0, as ComfyUI skips it.
 * V scaled by v: λ = out·v, μ = 0. Only the token mean of V scaled: λ = out, μ = out·(v − 1).
 */
export function branchScaleInputs(plans: BranchScalingPlan[]): { scale: Float32Array; kScale: Float32Array; vMean: Float32Array } {
  const scale = new Float32Array(plans.length);
  const kScale = new Float32Array(plans.length).fill(1);
  const vMean = new Float32Array(plans.length);
  plans.forEach((p, i) => {
    if (!p.active) return;
    kScale[i] = p.kScale;
    scale[i] = p.vMeanOnly ? p.outScale : p.outScale * p.vScale;
    vMean[i] = p.vMeanOnly ? p.outScale * (p.vScale - 1) : 0;
  });
  return { scale, kScale, vMean };
}

export function buildUnet(config: UnetConfig, weights: Weights, opts: UnetOptions = {}): Graph {
  const r = resolveConfig(config);
  const adapters = opts.adapters ?? [];
  const g = new Graph(opts.name ?? (adapters.length ? 'unet_ip_adapter' : 'unet'), opts.floatType ?? 'float32');
  const ctx: BlockContext = { g, groups: r.groups, normFloat32: opts.normFloat32 ?? true };
  const fp16 = g.floatType === 'float16';
  const toModel = (x: string) => (fp16 ? g.op('Cast', [x], { to: 10 }) : x);
  const toFloat = (x: string) => (fp16 ? g.op('Cast', [x], { to: 1 }) : x);
  const n = r.channels.length;
  const C0 = r.channels[0];

  const sample = toModel(g.input('sample', 'float32', ['batch', r.inC, 'height', 'width']));
  const timeProj = toModel(g.input('time_proj', 'float32', ['batch', C0]));
  const text = toModel(g.input('encoder_hidden_states', 'float32', ['batch', 'text_tokens', r.cross]));

  const layers = unetCrossAttentionLayers(config);
  const L = layers.length;
  const layerByAttention = new Map(layers.map((l) => [l.attention, l]));
  const levels = [...new Set(layers.map((l) => l.level))].sort((a, b) => a - b);
  const probes = new Set(opts.probeLayers ?? []);
  for (const t of probes) if (!(t >= 0 && t < L)) throw new Error(`probeLayers: ${t} is not a cross-attention layer (0…${L - 1}).`);

  const branches = adapters.map((a, ai) => {
    const perLayer = (name: string) => toModel(g.input(name, 'float32', [L]));
    const masks = new Map<number, string>();
    if (a.mask) {
      for (const l of levels) {
        const m = g.input(`ip_mask_${ai}_${l}`, 'float32', [`ip_mask_batch_${ai}`, `tokens_level_${l}`]);
        masks.set(l, toModel(g.op('Unsqueeze', [m, g.ints([1, 3])])));
      }
    }
    return {
      adapter: a,
      tokens: toModel(g.input(`ip_tokens_${ai}`, 'float32', ['batch', `ip_tokens_${ai}`, r.cross])),
      scale: perLayer(`ip_scale_${ai}`),
      kScale: opts.embedsScaling ? perLayer(`ip_k_scale_${ai}`) : undefined,
      vMean: opts.embedsScaling ? perLayer(`ip_v_mean_${ai}`) : undefined,
      masks,
    };
  });
  const pick = (vector: string, t: number) => g.op('Gather', [vector, g.constant([t], [], 'int64', 'layer')], { axis: 0 });

  // Image keys/values: `ip_adapter.{i}.to_{k,v}_ip` [C, cross], no bias. Initializers are named
  // after the file too, so two adapters never collide and one file used twice is stored once.
  const ipProjection = (w: Weights, key: string, tokens: string, channels: number) => {
    const ref = w.ref(key, [channels, r.cross]);
    return g.op('MatMul', [tokens, g.weightT(`${ref.location}:${ref.info.name}`, ref)]);
  };

  const attentionBlock = (prefix: string, x: string, channels: number, heads: number, nLayers: number) => g.scope(prefix, () => {
    const headDim = channels / heads;
    return transformer2d(ctx, weights.under(`${prefix}.`), x, channels, nLayers, r.linearProjection, {
      selfAttention: (w, h) => {
        const proj = (k: string) => linear(g, w.under(`${k}.`), h, { in: channels, out: channels, bias: false });
        const { out } = decoupledAttention(g, proj('to_q'), proj('to_k'), proj('to_v'), heads, headDim);
        return linear(g, w.under('to_out.0.'), out, { in: channels, out: channels });
      },
      crossAttention: (w, h, block) => {
        const layer = layerByAttention.get(prefix)!;
        const t = layer.index;
        const ckptIndex = layer.ckptIndices[block];
        const q = linear(g, w.under('to_q.'), h, { in: channels, out: channels, bias: false });
        const k = linear(g, w.under('to_k.'), text, { in: r.cross, out: channels, bias: false });
        const v = linear(g, w.under('to_v.'), text, { in: r.cross, out: channels, bias: false });
        const ip: ImageBranch[] = branches.map((b) => ({
          k: ipProjection(b.adapter.weights, `ip_adapter.${ckptIndex}.to_k_ip.weight`, b.tokens, channels),
          v: ipProjection(b.adapter.weights, `ip_adapter.${ckptIndex}.to_v_ip.weight`, b.tokens, channels),
          scale: pick(b.scale, t),
          kScale: b.kScale && pick(b.kScale, t),
          vMeanCoef: b.vMean && pick(b.vMean, t),
          mask: b.masks.get(layer.level),
        }));
        const res = decoupledAttention(g, q, k, v, heads, headDim, ip);
        if (probes.has(t)) {
          const suffix = layer.modules.length > 1 ? `_${block}` : '';
          g.output(`attn_text_${t}${suffix}`, toFloat(res.probs), 'float32', ['batch', heads, `tokens_level_${layer.level}`, 'text_tokens']);
          res.branchProbs.forEach((p, ai) => g.output(`attn_ip_${ai}_${t}${suffix}`, toFloat(p), 'float32', ['batch', heads, `tokens_level_${layer.level}`, `ip_tokens_${ai}`]));
        }
        return linear(g, w.under('to_out.0.'), res.out, { in: channels, out: channels });
      },
    });
  });

  // Time embedding: Linear → SiLU → Linear; every ResNet takes silu(temb).
  const temb = g.scope('time_embedding', () => {
    const te = weights.under('time_embedding.');
    const h = silu(g, linear(g, te.under('linear_1.'), timeProj, { in: C0, out: r.timeDim }));
    return linear(g, te.under('linear_2.'), h, { in: r.timeDim, out: r.timeDim });
  });
  const tembAct = { value: silu(g, temb), channels: r.timeDim };

  let h = conv(ctx, weights.under('conv_in.'), sample, C0, r.inC, r.convIn);
  let ch = C0;
  const skips: { value: string; channels: number }[] = [{ value: h, channels: ch }];

  r.down.forEach((type, i) => g.scope(`down_blocks.${i}`, () => {
    const p = `down_blocks.${i}.`;
    const out = r.channels[i];
    for (let j = 0; j < r.layers[i]; j++) {
      h = resnetBlock(ctx, weights.under(`${p}resnets.${j}.`), h, ch, out, r.eps, tembAct);
      ch = out;
      if (type === 'CrossAttnDownBlock2D') h = attentionBlock(`${p}attentions.${j}`, h, out, r.heads[i], r.transformerLayers[i]);
      skips.push({ value: h, channels: out });
    }
    if (i < n - 1) {
      h = downsample(ctx, weights.under(`${p}downsamplers.0.`), h, out, r.downPadding);
      skips.push({ value: h, channels: out });
    }
  }));

  g.scope('mid_block', () => {
    h = resnetBlock(ctx, weights.under('mid_block.resnets.0.'), h, ch, ch, r.eps, tembAct);
    h = attentionBlock('mid_block.attentions.0', h, ch, r.heads[n - 1], r.transformerLayers[n - 1]);
    h = resnetBlock(ctx, weights.under('mid_block.resnets.1.'), h, ch, ch, r.eps, tembAct);
  });

  r.up.forEach((type, i) => g.scope(`up_blocks.${i}`, () => {
    const p = `up_blocks.${i}.`;
    const b = n - 1 - i;
    const out = r.channels[b];
    for (let j = 0; j < r.layers[b] + 1; j++) {
      const skip = skips.pop()!;
      h = g.op('Concat', [h, skip.value], { axis: 1 });
      h = resnetBlock(ctx, weights.under(`${p}resnets.${j}.`), h, ch + skip.channels, out, r.eps, tembAct);
      ch = out;
      if (type === 'CrossAttnUpBlock2D') h = attentionBlock(`${p}attentions.${j}`, h, out, r.heads[b], r.transformerLayers[b]);
    }
    if (i < n - 1) h = upsample(ctx, weights.under(`${p}upsamplers.0.`), h, out);
  }));
  if (skips.length !== 0) throw new Error(`UNet config: ${skips.length} skip connections left over (layers_per_block mismatch).`);

  h = silu(g, groupNorm(ctx, weights.under('conv_norm_out.'), h, ch, r.eps));
  h = conv(ctx, weights.under('conv_out.'), h, r.outC, ch, r.convOut);
  g.output('out_sample', toFloat(h), 'float32', ['batch', r.outC, 'height', 'width']);
  return g;
}
