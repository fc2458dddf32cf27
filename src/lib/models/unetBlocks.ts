import { float, type Graph } from '../onnx/graph';
import { gelu, groupNorm as groupNormOp, layerNorm, linear, silu } from '../onnx/ops';
import type { Weights } from '../weights/weights';
import { loraBranch } from '../lora/sideBranch';

/**
 * The convolutional pieces the UNet and the VAE share, in diffusers' module terms:
 * ResnetBlock2D, Downsample2D, Upsample2D, GroupNorm, Conv2d, and the GEGLU feed-forward of a
 * BasicTransformerBlock. Every weight is looked up with the shape the config implies, so a file
 * of another model fails with "tensor X has shape [..], expected [..]" instead of a wrong image.
 */
export interface BlockContext {
  g: Graph;
  /** GroupNorm group count (config `norm_num_groups`, SD: 32). */
  groups: number;
  /**
   * Compute GroupNorm statistics in float32 even in a float16 graph (Cast around the
   * InstanceNormalization). SD activations reach the hundreds; their squares overflow fp16.
   */
  normFloat32: boolean;
}

const FLOAT = 1;
const FLOAT16 = 10;

/** torch.nn.GroupNorm (NCHW), with the float32 statistics option for fp16 graphs. */
export function groupNorm(ctx: BlockContext, w: Weights, x: string, channels: number, eps: number): string {
  const { g } = ctx;
  if (!(ctx.normFloat32 && g.floatType === 'float16')) return groupNormOp(g, w, x, ctx.groups, channels, eps);
  const gamma = w.ref('weight', [channels]);
  const beta = w.ref('bias', [channels]);
  const x32 = g.op('Cast', [x], { to: FLOAT });
  const grouped = g.op('Reshape', [x32, g.ints([0, ctx.groups, -1])]);
  const ones = g.constant(new Array(ctx.groups).fill(1), [ctx.groups], 'float32');
  const zeros = g.constant(new Array(ctx.groups).fill(0), [ctx.groups], 'float32');
  const normed = g.op('InstanceNormalization', [grouped, ones, zeros], { epsilon: float(eps) });
  const back = g.op('Cast', [g.op('Reshape', [normed, g.op('Shape', [x])])], { to: FLOAT16 });
  const scaled = g.op('Mul', [back, g.weight(gamma.info.name, gamma, [channels, 1, 1])]);
  return g.op('Add', [scaled, g.weight(beta.info.name, beta, [channels, 1, 1])]);
}

/**
 * torch.nn.Conv2d with bias, weight checked as [out, in, k, k]. `pads` is ONNX's
 * [top, left, bottom, right]; a number means the same on all sides.
 */
export function conv(
  ctx: BlockContext, w: Weights, x: string, outC: number, inC: number, k: number,
  opts: { stride?: number; pads?: number | [number, number, number, number] } = {},
): string {
  const { g } = ctx;
  const weight = w.ref('weight', [outC, inC, k, k]);
  const bias = w.ref('bias', [outC]);
  const p = opts.pads ?? (k - 1) / 2;
  const pads = typeof p === 'number' ? [p, p, p, p] : p;
  const s = opts.stride ?? 1;
  const y = g.op('Conv', [x, g.weight(weight.info.name, weight), g.weight(bias.info.name, bias)], {
    kernel_shape: [k, k], strides: [s, s], pads,
  });
  return loraBranch(g, w, x, y, { strides: [s, s], pads }); // LoRA side branch, when `w` carries one
}

/**
 * diffusers ResnetBlock2D ("default" time-scale-shift, output_scale_factor 1):
 * x + conv2(silu(norm2(conv1(silu(norm1(x))) + time_emb_proj(silu(temb))))), with a 1×1
 * conv_shortcut on x when the channel count changes. `tembAct` is silu(temb), shared by all blocks.
 */
export function resnetBlock(
  ctx: BlockContext, w: Weights, x: string, inC: number, outC: number, eps: number,
  tembAct?: { value: string; channels: number },
): string {
  const { g } = ctx;
  let h = silu(g, groupNorm(ctx, w.under('norm1.'), x, inC, eps));
  h = conv(ctx, w.under('conv1.'), h, outC, inC, 3);
  if (tembAct) {
    const t = linear(g, w.under('time_emb_proj.'), tembAct.value, { in: tembAct.channels, out: outC });
    h = g.op('Add', [h, g.op('Unsqueeze', [t, g.ints([2, 3])])]);
  }
  h = silu(g, groupNorm(ctx, w.under('norm2.'), h, outC, eps));
  h = conv(ctx, w.under('conv2.'), h, outC, outC, 3);
  const shortcut = inC !== outC ? conv(ctx, w.under('conv_shortcut.'), x, outC, inC, 1) : x;
  return g.op('Add', [shortcut, h]);
}

/**
 * Downsample2D with a conv: stride 2. The UNet pads 1 on every side; the VAE encoder
 * (padding=0) pads only bottom and right by one, as diffusers' F.pad(0, 1, 0, 1) does.
 */
export function downsample(ctx: BlockContext, w: Weights, x: string, channels: number, padding: number): string {
  const pads: [number, number, number, number] = padding === 0 ? [0, 0, 1, 1] : [padding, padding, padding, padding];
  return conv(ctx, w.under('conv.'), x, channels, channels, 3, { stride: 2, pads });
}

/** Upsample2D: nearest ×2 (torch's floor rule = ONNX asymmetric/floor), then a 3×3 conv. */
export function upsample(ctx: BlockContext, w: Weights, x: string, channels: number): string {
  const { g } = ctx;
  const scales = g.constant([1, 1, 2, 2], [4], 'float32', 'scales');
  const up = g.op('Resize', [x, '', scales], {
    mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor',
  });
  return conv(ctx, w.under('conv.'), up, channels, channels, 3);
}

/** diffusers FeedForward with GEGLU: net.2(a · gelu(b)), [a, b] = chunk(net.0.proj(x), 2). */
export function gegluFeedForward(ctx: BlockContext, w: Weights, x: string, dim: number, mult = 4): string {
  const { g } = ctx;
  const inner = dim * mult;
  const proj = linear(g, w.under('net.0.proj.'), x, { in: dim, out: 2 * inner });
  const [a, b] = g.opN('Split', [proj], 2, { axis: -1, num_outputs: 2 });
  return linear(g, w.under('net.2.'), g.op('Mul', [a, gelu(g, b)]), { in: inner, out: dim });
}

/** [B, C, H, W] → [B, H·W, C]. */
export const toTokens = (g: Graph, x: string) => g.op('Transpose', [g.op('Reshape', [x, g.ints([0, 0, -1])])], { perm: [0, 2, 1] });

/** [B, H·W, C] → [B, C, H, W], taking H and W from `like` (a [B, C, H, W] tensor with the same C). */
export const fromTokens = (g: Graph, x: string, like: string) => g.op('Reshape', [g.op('Transpose', [x], { perm: [0, 2, 1] }), g.op('Shape', [like])]);

export interface TransformerBlockHooks {
  /** attn1: self-attention on the normalised tokens. */
  selfAttention(w: Weights, x: string): string;
  /** attn2: cross-attention (text, plus the image branches). `block` = transformer_blocks index. */
  crossAttention(w: Weights, x: string, block: number): string;
}

/**
 * Transformer2DModel (continuous input): GroupNorm (eps 1e-6) → proj_in (1×1 conv, or Linear when
 * use_linear_projection) → BasicTransformerBlock × n → proj_out → + residual.
 * Each BasicTransformerBlock: x += attn1(norm1(x)); x += attn2(norm2(x)); x += ff(norm3(x)).
 */
export function transformer2d(
  ctx: BlockContext, w: Weights, x: string, channels: number, layers: number, linearProjection: boolean,
  hooks: TransformerBlockHooks,
): string {
  const { g } = ctx;
  const normed = groupNorm(ctx, w.under('norm.'), x, channels, 1e-6);
  let h = linearProjection
    ? linear(g, w.under('proj_in.'), toTokens(g, normed), { in: channels, out: channels })
    : toTokens(g, conv(ctx, w.under('proj_in.'), normed, channels, channels, 1));
  for (let i = 0; i < layers; i++) {
    const b = w.under(`transformer_blocks.${i}.`);
    h = g.scope(`transformer_blocks.${i}`, () => {
      let t = h;
      t = g.op('Add', [t, g.scope('attn1', () => hooks.selfAttention(b.under('attn1.'), layerNorm(g, b.under('norm1.'), t, 1e-5, channels)))]);
      t = g.op('Add', [t, g.scope('attn2', () => hooks.crossAttention(b.under('attn2.'), layerNorm(g, b.under('norm2.'), t, 1e-5, channels), i))]);
      t = g.op('Add', [t, g.scope('ff', () => gegluFeedForward(ctx, b.under('ff.'), layerNorm(g, b.under('norm3.'), t, 1e-5, channels), channels))]);
      return t;
    });
  }
  const out = linearProjection
    ? fromTokens(g, linear(g, w.under('proj_out.'), h, { in: channels, out: channels }), x)
    : conv(ctx, w.under('proj_out.'), fromTokens(g, h, x), channels, channels, 1);
  return g.op('Add', [out, x]);
}
