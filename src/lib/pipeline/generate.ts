/**
 * The denoising loop: prompt + reference images → images, on any set of runners (runners.ts).
 *
 *   validate settings → scheduler timesteps → text states (cond, uncond) → image tokens per
 *   adapter (imageCond.ts) → initial latents (seeded noise, or the init image noised to the
 *   first step for img2img) → for each step: UNet ε for the cond and uncond rows (one batch of
 *   2n, or two calls of n) with each adapter's per-layer scales for that step (0 outside its
 *   start/end window) → guidance → scheduler step → preview → after the last step the VAE
 *   decodes each image.
 *
 * Everything outside the networks is plain TypeScript on Float32Arrays; its cost per step is
 * measured by bench/pipeline.bench.ts.
 */
import { tokensAtLevel, unetCrossAttentionLayers, type UnetConfig } from '../models/unet';
import { headMeanTokenMajor, type AttentionMaps } from './attentionMaps';
import { createScheduler, type SchedulerConfig } from '../schedulers';
import { assignBranches, branchModels, type BranchNeed } from './branches';
import { scaleFeeds, sampleFeed, staticFeeds, timeFeed, type FeedContext, type Row } from './feeds';
import { applyGuidance, needsUncond } from './guidance';
import { adapterTokens } from './imageCond';
import { addNoise, img2imgStartIndex } from './img2img';
import { activeSteps, adapterLayerWeights, branchScales, type LayerInfo, type BranchScales } from './layerScales';
import { levelMasks } from './masks';
import { initialNoise, StepNoise } from './noise';
import { latentToRgb, predictX0, type PreviewImage } from './preview';
import type { PipelineRunners, Tensor32 } from './runners';
import { resolveAdapter, validateSettings, type GenerateSettings, type SettingsIssue } from './settings';
import { commonTokens, encodePrompt, repeatTokens } from './text';
import { yieldTask } from './yieldTask';
import type { PromptDiagnostic } from '../prompt/parse';

/** SD1.5's scheduler_config.json (the keys the schedulers read). */
export const SD15_SCHEDULER_CONFIG: SchedulerConfig = {
  beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', num_train_timesteps: 1000,
  set_alpha_to_one: false, steps_offset: 1, clip_sample: false, skip_prk_steps: true,
};

/** What the loop needs to know about the loaded networks. */
export interface PipelineModelInfo {
  unet: UnetConfig;
  /** Image pixels per latent pixel (SD1.5: 8). */
  vaeScale: number;
  /** VAE scaling_factor (SD1.5: 0.18215): latents = mean × this. */
  scalingFactor: number;
  schedulerConfig?: SchedulerConfig;
  /** The empty prompt's ids for prompt weighting (default SD1.5's 49406, 49407 × 76). */
  emptyPromptIds?: ArrayLike<number>;
}

export type PipelineErrorCode =
  | 'invalid-settings' | 'cancelled' | 'unet-branches' | 'missing-model' | 'shape-mismatch' | 'wasm-path'
  | 'size-not-loaded' | 'device-lost' | 'out-of-memory';

export class PipelineError extends Error {
  constructor(readonly code: PipelineErrorCode, message: string, readonly details?: unknown) {
    super(message);
    this.name = 'PipelineError';
  }
}

export interface GenerateProgress {
  /** Steps done (1-based) and steps that run (img2img runs fewer). */
  step: number;
  steps: number;
  timestep: number;
  sigma: number;
  /** Per adapter: whether its image branch ran at this step. */
  adapterActive: boolean[];
  /** One per image of the batch (none when settings.preview is 'none'). */
  previews: PreviewImage[];
  elapsedMs: number;
}

export interface GenerateOptions {
  signal?: AbortSignal;
  onProgress?: (p: GenerateProgress) => void | Promise<void>;
}

export interface GenerateResult {
  /** [batch, 3, height, width] in [0, 1]. */
  images: Float32Array;
  width: number;
  height: number;
  batch: number;
  /** Final latents [batch, 4, h, w] (scaled, what the VAE decodes). */
  latents: Float32Array;
  /** With settings.keepLatents: the latents after each step. */
  latentsPerStep?: Float32Array[];
  timesteps: number[];
  /** Per adapter, per step that ran: whether the image branch was on. */
  adapterActive: boolean[][];
  /** With settings.attention: one entry per requested layer (attentionMaps.ts). */
  attention?: AttentionMaps[];
  notices: SettingsIssue[];
  promptDiagnostics: PromptDiagnostic[];
  /**
   * stepMs: each whole step; unetMs: the part of it spent from dispatching the UNet call(s) to
   * their results (on WebGPU the GPU's work, which the step noise overlaps). stepMs − unetMs is the
   * loop's own cost on the critical path.
   */
  timings: { conditioningMs: number; stepMs: number[]; unetMs: number[]; decodeMs: number; totalMs: number };
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** The UNet layer list the scale rules use. */
export const layerInfo = (config: UnetConfig): LayerInfo[] =>
  unetCrossAttentionLayers(config).map((l) => ({ index: l.index, block: l.block, channels: l.channels }));

/**
 * The image branches a settings object needs (for building a UNet graph that can host it:
 * `branchModels(branchNeeds(...))`).
 */
export function branchNeeds(settings: Pick<GenerateSettings, 'adapters'>, config: UnetConfig): BranchNeed[] {
  const layers = layerInfo(config);
  const needs: BranchNeed[] = [];
  (settings.adapters ?? []).map(resolveAdapter).forEach((a, i) => {
    needs.push({ adapter: i, model: a.model, swapped: false });
    if (adapterLayerWeights(a, layers).swap.some(Boolean)) needs.push({ adapter: i, model: a.model, swapped: true });
  });
  return needs;
}

export async function generate(r: PipelineRunners, m: PipelineModelInfo, settings: GenerateSettings, opts: GenerateOptions = {}): Promise<GenerateResult> {
  const t0 = now();
  const layers = layerInfo(m.unet);
  const v = validateSettings(settings, { layers, adapterModels: r.projectors.length, clipSize: r.image?.size, latentChannels: m.unet.in_channels });
  if (!v.ok) throw new PipelineError('invalid-settings', v.errors.map((e) => e.message).join(' '), v.errors);
  const s = settings;
  const cancelled = () => opts.signal?.aborted === true;
  const checkCancel = (where: string) => { if (cancelled()) throw new PipelineError('cancelled', `Cancelled ${where}.`); };

  const n = s.batchSize ?? 1;
  const h = s.height / m.vaeScale;
  const w = s.width / m.vaeScale;
  const c = m.unet.in_channels;
  const shape: [number, number, number] = [c, h, w];
  const per = c * h * w;
  const cfg = needsUncond(s.guidance);
  const cfgMode = s.cfgMode ?? 'batch';

  const scheduler = createScheduler(s.scheduler, m.schedulerConfig ?? SD15_SCHEDULER_CONFIG);
  scheduler.setTimesteps(s.steps);
  const sigmaTable = Array.from(scheduler.alphasCumprod, (a) => Math.sqrt((1 - a) / a));

  // ---- conditioning
  const cond = await encodePrompt(s.prompt, r.text, m.emptyPromptIds);
  const uncond = cfg ? await encodePrompt(s.negativePrompt ?? '', r.text, m.emptyPromptIds) : null;
  const D = m.unet.cross_attention_dim;
  for (const t of [cond, uncond]) if (t && t.hidden !== D) throw new PipelineError('shape-mismatch', `The text states are ${t.hidden} wide but the UNet reads ${D} (text encoder and UNet of different models?).`);
  checkCancel('while encoding the prompt');
  const T = uncond ? commonTokens(cond, uncond) : cond.tokens;

  const adapters = (s.adapters ?? []).map(resolveAdapter);
  const plans = adapters.map((a) => adapterLayerWeights(a, layers));
  const needs = branchNeeds(s, m.unet);
  const assignment = assignBranches(needs, r.unet.branchModels);
  if (!assignment) {
    throw new PipelineError('unet-branches', `This IP-Adapter setup needs a UNet with image branches for adapter files [${branchModels(needs).join(', ')}]; the loaded UNet has [${r.unet.branchModels.join(', ')}].`, { branchModels: branchModels(needs) });
  }
  const inputNames = new Set(r.unet.inputNames);
  adapters.forEach((a, i) => {
    const g = assignment[needs.findIndex((x) => x.adapter === i)];
    if (a.mask && ![...inputNames].some((x) => x.startsWith(`ip_mask_${g}_`))) throw new PipelineError('unet-branches', `adapters[${i}] has a mask, but the UNet was built without mask inputs.`);
    if (a.embedsScaling !== 'V only' && !inputNames.has(`ip_k_scale_${g}`)) throw new PipelineError('unet-branches', `adapters[${i}] uses embeds_scaling "${a.embedsScaling}", but the UNet was built without its inputs.`);
  });
  const tokens = [];
  for (const a of adapters) {
    const projector = r.projectors[a.model];
    const t = await adapterTokens(a, r.image, projector, n, cfg);
    if (t.channels !== D) throw new PipelineError('shape-mismatch', `The adapter's image tokens are ${t.channels} wide but the UNet reads ${D}.`);
    tokens.push(t);
    checkCancel('while encoding the reference images');
  }
  const windows = adapters.map((a) => activeSteps(a.startAt, a.endAt, scheduler.stepSigmas, sigmaTable).active);
  const graphBranches: (BranchNeed | null)[] = r.unet.branchModels.map(() => null);
  assignment.forEach((g, k) => { graphBranches[g] = needs[k]; });
  const ctx: FeedContext = {
    config: m.unet, inputNames, graphBranches, tokens,
    masks: adapters.map((a) => levelMasks(a.mask, m.unet, h, w)),
    condText: repeatTokens(cond, T), uncondText: uncond ? repeatTokens(uncond, T) : null,
    textTokens: T, hidden: D, layerCount: layers.length, latentShape: shape,
  };
  const images = Array.from({ length: n }, (_, i) => i);
  const condRows: Row[] = images.map((image) => ({ uncond: false, image }));
  const uncondRows: Row[] = images.map((image) => ({ uncond: true, image }));
  // A static-shape UNet session (shapes.ts) runs one batch only: CFG goes in one call or two,
  // whichever fits; a no-CFG run on a 2n session repeats its rows and keeps the first half.
  const fixedBatch = r.unet.staticShape;
  if (fixedBatch && (fixedBatch.height !== h || fixedBatch.width !== w || (fixedBatch.batch !== n && fixedBatch.batch !== 2 * n))) {
    throw new PipelineError('size-not-loaded', `The UNet session was made for ${fixedBatch.width * m.vaeScale}×${fixedBatch.height * m.vaeScale} images, ${fixedBatch.batch} rows per call; this generation is ${s.width}×${s.height} with ${n} image(s).`);
  }
  const mode = !fixedBatch ? cfgMode : fixedBatch.batch === 2 * n ? 'batch' : 'separate';
  const repeatRows = !cfg && fixedBatch?.batch === 2 * n;
  const calls: Row[][] = !cfg ? [repeatRows ? [...condRows, ...condRows] : condRows] : mode === 'batch' ? [[...uncondRows, ...condRows]] : [uncondRows, condRows];
  const fixed = calls.map((rows) => staticFeeds(ctx, rows));
  const conditioningMs = now() - t0;

  // ---- initial latents
  let start = 0;
  const noise = s.initialNoise ?? initialNoise(s.seed, n, per);
  let latents: Float32Array;
  if (s.img2img) {
    if (!r.vaeEncoder) throw new PipelineError('missing-model', 'Image-to-image needs the VAE encoder, which is not loaded.');
    const px = s.img2img.image;
    const image = new Float32Array(px.data.length);
    for (let i = 0; i < image.length; i++) image[i] = px.data[i] * 2 - 1;
    const mean = await r.vaeEncoder.encodeMean({ data: image, dims: [1, 3, px.height, px.width] });
    const x0 = new Float32Array(n * per);
    for (let i = 0; i < n; i++) for (let j = 0; j < per; j++) x0[i * per + j] = mean[j] * m.scalingFactor;
    start = img2imgStartIndex(s.steps, s.img2img.strength);
    latents = start < s.steps ? addNoise(scheduler, x0, noise, start) : x0;
  } else {
    latents = new Float32Array(n * per);
    const k = scheduler.initNoiseSigma;
    for (let i = 0; i < latents.length; i++) latents[i] = noise[i] * k;
  }
  checkCancel('before the first step');

  // ---- denoising
  const stepNoise = scheduler.stochastic ? new StepNoise(s.seed, n, per) : null;
  const previewMode = s.preview ?? 'x0';
  const latentsPerStep: Float32Array[] = [];
  const stepMs: number[] = [];
  const unetMs: number[] = [];
  const adapterActive: boolean[][] = adapters.map(() => []);
  const guided = new Float32Array(n * per);
  const x0Buf = new Float32Array(n * per);
  const sampleBufs: Float32Array[] = calls.map(() => new Float32Array(0));
  const scaleCache = new Map<string, (BranchScales | null)[]>();
  const runSteps = s.steps - start;

  // ---- attention maps: which call, row and outputs to record
  const probe = s.attention && attentionPlan(s.attention, r, m.unet, graphBranches, { calls, runSteps, start, h, w });
  let attention: AttentionMaps[] | undefined;

  for (let k = start; k < s.steps; k++) {
    const ts = now();
    await yieldTask();
    checkCancel(`before step ${k - start + 1} of ${runSteps}`);
    const t = scheduler.timesteps[k];
    const active = adapters.map((_, i) => windows[i][k]);
    active.forEach((on, i) => adapterActive[i].push(on));
    const key = active.map(Number).join('');
    let perBranch = scaleCache.get(key);
    if (!perBranch) {
      const byAdapter = adapters.map((a, i) => branchScales(plans[i], a.embedsScaling, layers, active[i]));
      perBranch = graphBranches.map((need) => (need ? (need.swapped ? byAdapter[need.adapter].swapped : byAdapter[need.adapter].normal) : null));
      scaleCache.set(key, perBranch);
    }
    const scales = scaleFeeds(ctx, perBranch);
    const modelInput = scheduler.scaleModelInput(latents, t);
    const outs: Float32Array[] = [];
    const tu = now();
    const unetDone = (async () => {
      for (const [ci, rows] of calls.entries()) {
        const sample = sampleFeed(modelInput, rows, shape, sampleBufs[ci]);
        sampleBufs[ci] = sample.data;
        const feeds = { ...fixed[ci], ...scales, sample, time_proj: timeFeed(t, rows.length, m.unet) };
        if (probe && k === probe.step && ci === probe.call) {
          const res = await r.unet.runWithProbes!(feeds, probe.outputs);
          attention = probe.reduce(res.probes, k - start);
          outs.push(res.eps);
        } else outs.push(await r.unet.run(feeds));
      }
      unetMs.push(now() - tu);
    })();
    // A stochastic scheduler's fresh noise (Philox, ~0.5 ms at 64×64 on a slow CPU) is drawn
    // while the GPU runs the UNet, off the critical path.
    const stepZ = stepNoise?.next();
    await unetDone;
    let eps: Float32Array;
    if (!cfg) eps = repeatRows ? outs[0].subarray(0, n * per) : outs[0];
    else if (outs.length === 1) eps = applyGuidance(outs[0].subarray(0, n * per), outs[0].subarray(n * per), s.guidance, guided);
    else eps = applyGuidance(outs[0], outs[1], s.guidance, guided);

    const before = latents;
    const out = scheduler.step(eps, t, latents, stepZ);
    latents = out.prevSample;
    if (s.keepLatents) latentsPerStep.push(latents.slice());
    let previews: PreviewImage[] = [];
    if (previewMode !== 'none') {
      const src = previewMode === 'latent' ? latents : (out.predOriginalSample ?? predictX0(before, eps, scheduler.stepSigmas[k], x0Buf));
      previews = images.map((i) => latentToRgb(src, h, w, i));
    }
    stepMs.push(now() - ts);
    await opts.onProgress?.({ step: k - start + 1, steps: runSteps, timestep: t, sigma: scheduler.stepSigmas[k], adapterActive: active, previews, elapsedMs: now() - t0 });
  }
  checkCancel('before decoding');

  // ---- decode
  const td = now();
  const H = s.height;
  const W = s.width;
  const out = new Float32Array(n * 3 * H * W);
  for (let i = 0; i < n; i++) {
    const img = await r.vaeDecoder.decode({ data: latents.slice(i * per, (i + 1) * per), dims: [1, ...shape] } as Tensor32);
    out.set(img, i * 3 * H * W);
    if (i < n - 1) checkCancel('while decoding');
  }
  const decodeMs = now() - td;
  return {
    images: out, width: W, height: H, batch: n, latents,
    latentsPerStep: s.keepLatents ? latentsPerStep : undefined,
    timesteps: Array.from(scheduler.timesteps.slice(start)),
    adapterActive, notices: v.notices, attention,
    promptDiagnostics: [...cond.diagnostics, ...(uncond?.diagnostics ?? [])],
    timings: { conditioningMs, stepMs, unetMs, decodeMs, totalMs: now() - t0 },
  };
}

/**
 * Where the attention maps come from: the conditional row of image 0 (its call and row in the
 * call), the probe outputs to fetch, and how to reduce them (attentionMaps.ts).
 */
function attentionPlan(
  req: NonNullable<GenerateSettings['attention']>, r: PipelineRunners, config: UnetConfig, graphBranches: (BranchNeed | null)[],
  o: { calls: Row[][]; runSteps: number; start: number; h: number; w: number },
) {
  const missing = req.layers.filter((t) => !r.unet.probeLayers?.includes(t));
  if (!r.unet.runWithProbes || missing.length) {
    throw new PipelineError('missing-model', `Attention maps of layers [${missing.join(', ')}] need a UNet built with probe outputs for them (the worker builds one when it can read the weights again; else load with options.probeLayers).`);
  }
  const step = req.step ?? o.runSteps - 1;
  if (step >= o.runSteps) throw new PipelineError('invalid-settings', `attention.step ${step} is past the ${o.runSteps} steps that run (image-to-image runs fewer).`);
  const call = o.calls.findIndex((rows) => rows.some((x) => !x.uncond && x.image === 0));
  const row = o.calls[call].findIndex((x) => !x.uncond && x.image === 0);
  const layers = unetCrossAttentionLayers(config);
  const branches = graphBranches.flatMap((need, g) => (need ? [{ g, adapter: need.adapter }] : []));
  const outputs = req.layers.flatMap((t) => [`attn_text_${t}`, ...branches.map((b) => `attn_ip_${b.g}_${t}`)]);
  return {
    step: o.start + step, call, outputs,
    reduce(probes: Record<string, Tensor32>, ranStep: number): AttentionMaps[] {
      return req.layers.map((t) => {
        const text = probes[`attn_text_${t}`];
        const grid = tokensAtLevel(o.h, o.w, layers[t].level);
        return {
          layer: t, step: ranStep, h: grid.h, w: grid.w,
          text: headMeanTokenMajor(text.data, text.dims, row), textTokens: text.dims[3],
          image: branches.map((b) => {
            const p = probes[`attn_ip_${b.g}_${t}`];
            return { adapter: b.adapter, tokens: p.dims[3], maps: headMeanTokenMajor(p.data, p.dims, row) };
          }),
        };
      });
    },
  };
}
