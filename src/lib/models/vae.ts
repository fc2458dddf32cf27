import { Graph } from '../onnx/graph';
import { silu } from '../onnx/ops';
import { WeightFileError } from '../weights/errors';
import type { Weights } from '../weights/weights';
import { decoupledAttention } from './decoupledAttention';
import { conv, downsample, fromTokens, groupNorm, resnetBlock, toTokens, upsample, type BlockContext } from './unetBlocks';

/**
 * AutoencoderKL (SD1.x VAE) as two ONNX graphs, from a diffusers `vae/config.json` and a
 * `Weights` view in diffusers key names (`encoder.*`, `decoder.*`, `quant_conv.*`,
 * `post_quant_conv.*`).
 *
 * Decoder graph: input `latents` [B, latent_channels, h, w] — the denoiser's latents, still
 * scaled; the graph divides by `scaling_factor` (SD1.5: 0.18215) itself — output `decoded`
 * [B, out_channels, 8h, 8w] (range ≈ [−1, 1], unclamped) and, with `postprocess`,
 * `decoded_postprocessed` = clamp(decoded/2 + 0.5, 0, 1), what the SD pipeline turns into pixels.
 *
 * Encoder graph: input `image` [B, in_channels, H, W] in [−1, 1] — outputs `latent_mean` and
 * `latent_logvar` [B, latent_channels, H/8, W/8] of latent_dist (logvar clamped to [−30, 20]);
 * std = exp(logvar/2) and the scaled mean (× scaling_factor) are left to the host.
 *
 * All graph inputs and outputs are float32 (float16 graphs cast at the edges).
 */
export interface VaeConfig {
  in_channels: number;
  out_channels: number;
  latent_channels: number;
  block_out_channels: number[];
  layers_per_block: number;
  norm_num_groups: number;
  scaling_factor?: number;
  down_block_types?: string[];
  up_block_types?: string[];
  act_fn?: string;
  mid_block_add_attention?: boolean;
  use_quant_conv?: boolean;
  use_post_quant_conv?: boolean;
  shift_factor?: number | null;
  [key: string]: unknown;
}

export interface VaeOptions {
  floatType?: 'float32' | 'float16';
  /** GroupNorm statistics in float32 in float16 graphs (default true). */
  normFloat32?: boolean;
  /** Decoder: also output `decoded_postprocessed` in [0, 1]. */
  postprocess?: boolean;
  name?: string;
}

/** diffusers' VAE GroupNorm/ResNet epsilon (Encoder/Decoder hard-code 1e-6). */
const EPS = 1e-6;

function check(c: VaeConfig) {
  if (c.act_fn !== undefined && c.act_fn !== 'silu') throw new Error(`VAE config: act_fn=${c.act_fn} is not supported.`);
  for (const t of c.down_block_types ?? []) if (t !== 'DownEncoderBlock2D') throw new Error(`VAE config: down block type ${t} is not supported.`);
  for (const t of c.up_block_types ?? []) if (t !== 'UpDecoderBlock2D') throw new Error(`VAE config: up block type ${t} is not supported.`);
  if (c.use_quant_conv === false || c.use_post_quant_conv === false) throw new Error('VAE config: models without quant_conv/post_quant_conv are not supported.');
  if (c.shift_factor) throw new Error('VAE config: shift_factor is not supported (SD1.x has none).');
}

/**
 * A Linear [C, C] with bias, accepting the LDM single-file layout's [C, C, 1, 1] 1×1-conv
 * weights too (the VAE attention's q/k/v/proj_out), viewed as [C, C] without copying.
 */
function linearSquare(g: Graph, w: Weights, x: string, channels: number): string {
  const ref = w.ref('weight');
  const s = ref.info.shape;
  const ok = s.length >= 2 && s[0] === channels && s[1] === channels && s.slice(2).every((d) => d === 1);
  if (!ok) throw new WeightFileError('wrong-shape', `The tensor "${ref.info.name}" has shape [${s.join(', ')}], expected [${channels}, ${channels}].`);
  const converts = g.floatType === 'float16' ? ref.info.dtype !== 'F16' : ref.info.dtype !== 'F32';
  const wt = converts
    ? g.weight(`${ref.info.name}^T`, ref, [channels, channels], true)
    : g.op('Transpose', [g.weight(ref.info.name, ref, [channels, channels])], { perm: [1, 0] });
  const bias = w.ref('bias', [channels]);
  return g.op('Add', [g.op('MatMul', [x, wt]), g.weight(bias.info.name, bias)]);
}

/** UNetMidBlock2D: resnet → single-head self-attention (GroupNorm, residual) → resnet. */
function midBlock(ctx: BlockContext, w: Weights, x: string, channels: number, withAttention: boolean): string {
  const { g } = ctx;
  let h = resnetBlock(ctx, w.under('resnets.0.'), x, channels, channels, EPS);
  if (withAttention) h = g.scope('attention', () => {
    const a = w.under('attentions.0.');
    const tokens = toTokens(g, groupNorm(ctx, a.under('group_norm.'), h, channels, EPS));
    const proj = (k: string) => linearSquare(g, a.under(`${k}.`), tokens, channels);
    const { out } = decoupledAttention(g, proj('to_q'), proj('to_k'), proj('to_v'), 1, channels);
    return g.op('Add', [fromTokens(g, linearSquare(g, a.under('to_out.0.'), out, channels), h), h]);
  });
  return resnetBlock(ctx, w.under('resnets.1.'), h, channels, channels, EPS);
}

function setup(config: VaeConfig, opts: VaeOptions, name: string) {
  check(config);
  const g = new Graph(opts.name ?? name, opts.floatType ?? 'float32');
  const ctx: BlockContext = { g, groups: config.norm_num_groups, normFloat32: opts.normFloat32 ?? true };
  const fp16 = g.floatType === 'float16';
  return {
    g, ctx,
    toModel: (x: string) => (fp16 ? g.op('Cast', [x], { to: 10 }) : x),
    toFloat: (x: string) => (fp16 ? g.op('Cast', [x], { to: 1 }) : x),
  };
}

export function buildVaeDecoder(config: VaeConfig, weights: Weights, opts: VaeOptions = {}): Graph {
  const { g, ctx, toModel, toFloat } = setup(config, opts, 'vae_decoder');
  const lc = config.latent_channels;
  const channels = config.block_out_channels;
  const n = channels.length;
  const latents = g.input('latents', 'float32', ['batch', lc, 'latent_height', 'latent_width']);
  const unscaled = g.op('Div', [latents, g.scalar(config.scaling_factor ?? 0.18215, 'float32')]);
  let h = conv(ctx, weights.under('post_quant_conv.'), toModel(unscaled), lc, lc, 1);
  const d = weights.under('decoder.');
  let ch = channels[n - 1];
  h = conv(ctx, d.under('conv_in.'), h, ch, lc, 3);
  h = g.scope('mid_block', () => midBlock(ctx, d.under('mid_block.'), h, ch, config.mid_block_add_attention !== false));
  for (let i = 0; i < n; i++) {
    h = g.scope(`up_blocks.${i}`, () => {
      const b = d.under(`up_blocks.${i}.`);
      const out = channels[n - 1 - i];
      let x = h;
      for (let j = 0; j < config.layers_per_block + 1; j++) {
        x = resnetBlock(ctx, b.under(`resnets.${j}.`), x, ch, out, EPS);
        ch = out;
      }
      return i < n - 1 ? upsample(ctx, b.under('upsamplers.0.'), x, out) : x;
    });
  }
  h = silu(g, groupNorm(ctx, d.under('conv_norm_out.'), h, ch, EPS));
  const decoded = toFloat(conv(ctx, d.under('conv_out.'), h, config.out_channels, ch, 3));
  const dims = ['batch', config.out_channels, 'height', 'width'];
  g.output('decoded', decoded, 'float32', dims);
  if (opts.postprocess) {
    const scaled = g.op('Add', [g.op('Mul', [decoded, g.scalar(0.5, 'float32')]), g.scalar(0.5, 'float32')]);
    g.output('decoded_postprocessed', g.op('Clip', [scaled, g.scalar(0, 'float32'), g.scalar(1, 'float32')]), 'float32', dims);
  }
  return g;
}

export function buildVaeEncoder(config: VaeConfig, weights: Weights, opts: VaeOptions = {}): Graph {
  const { g, ctx, toModel, toFloat } = setup(config, opts, 'vae_encoder');
  const lc = config.latent_channels;
  const channels = config.block_out_channels;
  const n = channels.length;
  const image = toModel(g.input('image', 'float32', ['batch', config.in_channels, 'height', 'width']));
  const e = weights.under('encoder.');
  let ch = channels[0];
  let h = conv(ctx, e.under('conv_in.'), image, ch, config.in_channels, 3);
  for (let i = 0; i < n; i++) {
    h = g.scope(`down_blocks.${i}`, () => {
      const b = e.under(`down_blocks.${i}.`);
      const out = channels[i];
      let x = h;
      for (let j = 0; j < config.layers_per_block; j++) {
        x = resnetBlock(ctx, b.under(`resnets.${j}.`), x, ch, out, EPS);
        ch = out;
      }
      return i < n - 1 ? downsample(ctx, b.under('downsamplers.0.'), x, out, 0) : x;
    });
  }
  h = g.scope('mid_block', () => midBlock(ctx, e.under('mid_block.'), h, ch, config.mid_block_add_attention !== false));
  h = silu(g, groupNorm(ctx, e.under('conv_norm_out.'), h, ch, EPS));
  h = conv(ctx, e.under('conv_out.'), h, 2 * lc, ch, 3);
  const moments = toFloat(conv(ctx, weights.under('quant_conv.'), h, 2 * lc, 2 * lc, 1));
  const [mean, logvar] = g.opN('Split', [moments], 2, { axis: 1, num_outputs: 2 });
  const dims = ['batch', lc, 'latent_height', 'latent_width'];
  g.output('latent_mean', mean, 'float32', dims);
  g.output('latent_logvar', g.op('Clip', [logvar, g.scalar(-30, 'float32'), g.scalar(20, 'float32')]), 'float32', dims);
  return g;
}
