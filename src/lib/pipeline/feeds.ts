/**
 * The UNet's inputs for one call: a set of batch rows (each row = one latent, conditioned or
 * unconditioned), built once per generation except for the per-step parts (sample, time_proj,
 * ip scales). Input names and shapes: models/unet.ts.
 *
 * Row layout of a CFG batch: [uncond_0 … uncond_{n−1}, cond_0 … cond_{n−1}] (diffusers' order).
 * Image branch rows: the normal branch gives cond rows the reference tokens and uncond rows the
 * negative's; a precise type's swapped branch gives uncond rows the reference and cond rows zeros
 * (so its output there is exactly 0).
 */
import { unetTimeProj } from '../models/timestep';
import type { UnetConfig } from '../models/unet';
import type { BranchNeed } from './branches';
import type { AdapterTokens } from './imageCond';
import type { BranchScales } from './layerScales';
import type { Tensor32 } from './runners';

export interface Row {
  uncond: boolean;
  /** Latent index in the batch. */
  image: number;
}

export interface FeedContext {
  config: UnetConfig;
  inputNames: ReadonlySet<string>;
  /** Per graph branch: the need it serves, or null (unused: scale 0). */
  graphBranches: (BranchNeed | null)[];
  tokens: AdapterTokens[];
  /** Per adapter: level → mask [S]. */
  masks: Map<number, Float32Array>[];
  /** Text states [T, D] for cond and uncond rows (same T). */
  condText: Float32Array;
  uncondText: Float32Array | null;
  textTokens: number;
  hidden: number;
  layerCount: number;
  latentShape: [number, number, number];
}

/** The parts of the feeds that stay the same for every step. */
export function staticFeeds(ctx: FeedContext, rows: Row[]): Record<string, Tensor32> {
  const B = rows.length;
  const D = ctx.hidden;
  const T = ctx.textTokens;
  const text = new Float32Array(B * T * D);
  rows.forEach((r, b) => text.set(r.uncond ? ctx.uncondText! : ctx.condText, b * T * D));
  const feeds: Record<string, Tensor32> = { encoder_hidden_states: { data: text, dims: [B, T, D] } };
  ctx.graphBranches.forEach((need, g) => {
    if (!need) {
      feeds[`ip_tokens_${g}`] = { data: new Float32Array(B * D), dims: [B, 1, D] };
      for (const name of ctx.inputNames) if (name.startsWith(`ip_mask_${g}_`)) {
        const level = Number(name.slice(`ip_mask_${g}_`.length));
        const S = levelTokens(ctx, level);
        feeds[name] = { data: new Float32Array(S).fill(1), dims: [1, S] };
      }
      return;
    }
    const tok = ctx.tokens[need.adapter];
    const per = tok.tokens * tok.channels;
    const data = new Float32Array(B * per);
    rows.forEach((r, b) => {
      const src = need.swapped ? (r.uncond ? tok.cond[r.image] : null) : (r.uncond ? tok.uncond[r.image] : tok.cond[r.image]);
      if (src) data.set(src, b * per);
    });
    feeds[`ip_tokens_${g}`] = { data, dims: [B, tok.tokens, tok.channels] };
    for (const [level, m] of ctx.masks[need.adapter]) {
      const name = `ip_mask_${g}_${level}`;
      if (ctx.inputNames.has(name)) feeds[name] = { data: m, dims: [1, m.length] };
    }
  });
  return feeds;
}

function levelTokens(ctx: FeedContext, level: number): number {
  let [, h, w] = ctx.latentShape;
  for (let i = 0; i < level; i++) { h = Math.ceil(h / 2); w = Math.ceil(w / 2); }
  return h * w;
}

/** sample [B, c, h, w] for the rows from the model input of each latent (a row repeats its latent). */
export function sampleFeed(modelInput: Float32Array, rows: Row[], shape: [number, number, number], out?: Float32Array): Tensor32 {
  const per = shape[0] * shape[1] * shape[2];
  const data = out && out.length === rows.length * per ? out : new Float32Array(rows.length * per);
  rows.forEach((r, b) => data.set(modelInput.subarray(r.image * per, (r.image + 1) * per), b * per));
  return { data, dims: [rows.length, ...shape] };
}

export function timeFeed(t: number, batch: number, config: UnetConfig): Tensor32 {
  return { data: unetTimeProj(new Array(batch).fill(t), config), dims: [batch, config.block_out_channels[0]] };
}

/** ip_scale / ip_k_scale / ip_v_mean for every graph branch at one step. */
export function scaleFeeds(ctx: FeedContext, perBranch: (BranchScales | null)[]): Record<string, Tensor32> {
  const L = ctx.layerCount;
  const feeds: Record<string, Tensor32> = {};
  perBranch.forEach((s, g) => {
    feeds[`ip_scale_${g}`] = { data: s?.scale ?? new Float32Array(L), dims: [L] };
    if (ctx.inputNames.has(`ip_k_scale_${g}`)) {
      feeds[`ip_k_scale_${g}`] = { data: s?.kScale ?? new Float32Array(L).fill(1), dims: [L] };
      feeds[`ip_v_mean_${g}`] = { data: s?.vMean ?? new Float32Array(L), dims: [L] };
    }
  });
  return feeds;
}
