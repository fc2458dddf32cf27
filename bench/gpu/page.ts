/**
 * The GPU benchmark's page side (bundled by esbuild, run in Chromium on onnxruntime-web's native
 * WebGPU provider). Everything is the project's own code: graphs from src/lib/models and
 * src/lib/pipeline/graphs.ts, sessions through src/lib/onnx/session.ts, the denoising loop
 * `generate()` on `ortRunners()`; only the weights are random (randomWeights.ts).
 *
 * Issue #3: one UNet call (batch 2, CFG-sized) — plain graph, + base adapter (one image branch),
 *           and the graph the pipeline builds (two branches, masks, embeds scaling).
 * Issue #4: one whole generation (text encoder, CLIP vision, projector, UNet × steps, VAE
 *           decoder), base adapter on vs. no adapter.
 *
 * Sessions get static shapes (freeDimensionOverrides, per graph, read off the feeds) as the
 * WebGPU tests do, and the verbose log's placement lines are collected per session: a node on
 * the CPU provider makes the figure meaningless, and the report says so.
 */
import type * as Ort from 'onnxruntime-web';
import type { Graph } from '../../src/lib/onnx/graph';
import { createSession } from '../../src/lib/onnx/session';
import { buildUnet, tokensAtLevel, unetCrossAttentionLayers, unetMaskLevels, type UnetConfig } from '../../src/lib/models/unet';
import { unetTimeProj } from '../../src/lib/models/timestep';
import { imageProjConfigFromWeights, imageProjTokens, imageProjWeights } from '../../src/lib/models/imageProj';
import {
  SD15_TEXT, SD15_UNET, SD15_VAE, VIT_H_14,
  clipTextConfigFromJson, clipVisionConfigFromJson, unetConfigFromJson, vaeConfigFromJson,
  type ClipTextConfig, type ClipVisionConfig, type VaeConfig,
} from '../../src/lib/models/configs';
import { buildPipelineGraphs, defaultBranchModels, type PipelineConfigs, type PipelineGraphs, type PipelineWeights } from '../../src/lib/pipeline/graphs';
import { ortRunners, releaseSessions, type PipelineSessions, type Tensor32 } from '../../src/lib/pipeline/runners';
import { generate, type PipelineModelInfo } from '../../src/lib/pipeline/generate';
import type { GenerateSettings, PromptInput } from '../../src/lib/pipeline/settings';
import type { SchedulerConfig } from '../../src/lib/schedulers';
import { randomNetwork, rng, type Layout, type RandomNetwork } from './randomWeights';
import { isSoftwareAdapter } from '../../src/lib/live/capability';

type Json = Record<string, unknown>;

export interface BenchConfig {
  mode: 'tiny' | 'full';
  /** 'auto': float16 where the adapter has shader-f16, else float32 (tiny mode only). */
  floatType: 'auto' | 'float16' | 'float32';
  layouts: { unet: Layout; adapter: Layout; vae: Layout; text: Layout; vision: Layout };
  /** Upstream config.json objects (tiny mode); full mode uses SD1.5's (src/lib/models/configs.ts). */
  configs?: { unet: Json; vae: Json; text: Json; vision: Json };
  shardBytes: number;
  width: number;
  height: number;
  steps: number;
  warmupSteps: number;
  guidance: number;
  scheduler: string;
  schedulerConfig?: SchedulerConfig;
  prompt: PromptInput;
  negativePrompt: PromptInput;
  emptyPromptIds?: number[];
  unetWarmup: number;
  unetRuns: number;
  seed: number;
}

export interface Placement { session: string; webgpu: number; cpu: string[]; ok: boolean }
export interface UnetRow { name: string; branches: number; createMs: number; ms: number[]; medianMs: number; minMs: number; finite: boolean }
/** loopMs: the loop's own cost per step on the critical path, median of (step − wait for the UNet). */
export interface PipelineRow { name: string; createMs: number; wallMs: number; totalMs: number; conditioningMs: number; stepMedianMs: number; loopMs: number; decodeMs: number; steps: number; finite: boolean }
export interface BenchReport {
  mode: 'tiny' | 'full';
  floatType: 'float16' | 'float32';
  adapter: { vendor: string; architecture: string; description: string; fallback: boolean; f16: boolean; maxBufferSize: number; maxStorageBufferBindingSize: number };
  userAgent: string;
  weightsMB: Record<string, number>;
  fillMs: number;
  unet: UnetRow[];
  pipeline: PipelineRow[];
  placement: Placement[];
  placementOk: boolean;
  /** Console lines printed during the timed UNet calls (0 expected: logging would skew the times). */
  logLinesWhileRunning: number;
  settings: { width: number; height: number; steps: number; guidance: number; scheduler: string; unetBatch: number; latent: string; unetRuns: number; unetWarmup: number };
}

/** Lines the page's console printed (collected by the page's first script, before ORT loads). */
const consoleLines = (): string[] => ((globalThis as unknown as { __benchLog?: string[] }).__benchLog ??= []);

/** Placement from the verbose log lines one session creation printed. */
export function placementFrom(session: string, lines: string[]): Placement {
  const text = lines.map((l) => l.replace(/^.*VerifyEachNodeIsAssignedToAnEp\]\s*/, ''));
  let webgpu = 0;
  const cpu: string[] = [];
  let inCpu = false;
  let seen = false;
  for (const l of text) {
    let m: RegExpExecArray | null;
    if ((m = /^All nodes placed on \[WebGpuExecutionProvider\]\. Number of nodes: (\d+)/.exec(l))) { webgpu = Number(m[1]); seen = true; inCpu = false; }
    else if (/^Node\(s\) placed on \[CPUExecutionProvider\]/.test(l)) { inCpu = true; seen = true; }
    else if ((m = /^Node\(s\) placed on \[WebGpuExecutionProvider\]\. Number of nodes: (\d+)/.exec(l))) { webgpu = Number(m[1]); inCpu = false; seen = true; }
    else if (inCpu && (m = /^\s*(\w+) \((.*)\)\s*$/.exec(l))) cpu.push(`${m[1]} (${m[2]})`);
  }
  return { session, webgpu, cpu: seen ? cpu : ['(no placement lines in the log)'], ok: seen && cpu.length === 0 && webgpu > 0 };
}

/** freeDimensionOverrides from a graph's symbolic input dims and the shapes it will be fed. */
export function overridesFor(graph: Graph, dims: Record<string, number[]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const input of graph.inputs) {
    const shape = dims[input.name as string];
    if (!shape) throw new Error(`bench: no shape for input ${input.name} of ${graph.name}`);
    input.type?.tensorType?.shape?.dim?.forEach((d, i) => {
      if (!d.dimParam) return;
      if (out[d.dimParam] !== undefined && out[d.dimParam] !== shape[i]) throw new Error(`bench: ${graph.name} dim ${d.dimParam} is both ${out[d.dimParam]} and ${shape[i]}`);
      out[d.dimParam] = shape[i];
    });
  }
  return out;
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const allFinite = (a: ArrayLike<number>) => { for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false; return true; };
const now = () => performance.now();

/** The UNet's inputs for one CFG-sized call, as the pipeline feeds them (feeds.ts): branch 0 live, others unused. */
function unetFeeds(graph: Graph, cfg: UnetConfig, batch: number, h: number, w: number, ipTokens: number, seed: number): Record<string, Tensor32> {
  const random = rng(seed);
  const randn = (n: number, s: number) => Float32Array.from({ length: n }, () => (random() * 2 - 1) * s);
  const L = unetCrossAttentionLayers(cfg).length;
  const D = cfg.cross_attention_dim;
  const feeds: Record<string, Tensor32> = {};
  for (const input of graph.inputs) {
    const name = input.name as string;
    let m: RegExpExecArray | null;
    if (name === 'sample') feeds[name] = { data: randn(batch * cfg.in_channels * h * w, 1.7), dims: [batch, cfg.in_channels, h, w] };
    else if (name === 'time_proj') feeds[name] = { data: unetTimeProj(new Array(batch).fill(500), cfg), dims: [batch, cfg.block_out_channels[0]] };
    else if (name === 'encoder_hidden_states') feeds[name] = { data: randn(batch * 77 * D, 1), dims: [batch, 77, D] };
    else if ((m = /^ip_tokens_(\d+)$/.exec(name))) {
      const live = m[1] === '0';
      const T = live ? ipTokens : 1;
      feeds[name] = { data: live ? randn(batch * T * D, 1) : new Float32Array(batch * T * D), dims: [batch, T, D] };
    } else if ((m = /^ip_scale_(\d+)$/.exec(name))) feeds[name] = { data: new Float32Array(L).fill(m[1] === '0' ? 1 : 0), dims: [L] };
    else if (/^ip_k_scale_\d+$/.test(name)) feeds[name] = { data: new Float32Array(L).fill(1), dims: [L] };
    else if (/^ip_v_mean_\d+$/.test(name)) feeds[name] = { data: new Float32Array(L), dims: [L] };
    else if ((m = /^ip_mask_\d+_(\d+)$/.exec(name))) {
      const S = tokensAtLevel(h, w, Number(m[1])).tokens;
      feeds[name] = { data: new Float32Array(S).fill(1), dims: [1, S] };
    } else throw new Error(`bench: unexpected UNet input ${name}`);
  }
  return feeds;
}

const dimsOf = (feeds: Record<string, Tensor32>) => Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, v.dims]));

/**
 * `progress` gets the report after each stage, so a driver keeps the figures of the stages that
 * finished when a later one fails or the machine's time runs out (a lent GPU is one short try).
 */
export async function runBench(ort: typeof Ort, c: BenchConfig, log: (line: string) => void = () => {}, progress: (r: BenchReport) => void = () => {}): Promise<BenchReport> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(o?: unknown): Promise<any> } }).gpu;
  const adapter = gpu ? await gpu.requestAdapter({ powerPreference: 'high-performance' }) : null;
  if (!adapter) throw new Error('This browser offers no WebGPU adapter (is --enable-unsafe-webgpu set?).');
  const info = adapter.info ?? {};
  const f16 = adapter.features.has('shader-f16');
  const floatType = c.floatType === 'auto' ? (f16 ? 'float16' : 'float32') : c.floatType;
  if (floatType === 'float16' && !f16) throw new Error(`float16 graphs need the adapter feature shader-f16, which this adapter (${[info.vendor, info.architecture, info.description].filter(Boolean).join(' / ') || 'no info'}) lacks (SwiftShader has none): use --tiny (fp32).`);
  const fallback = isSoftwareAdapter({ isFallbackAdapter: adapter.isFallbackAdapter, info });
  if (c.mode === 'full' && fallback) throw new Error(`real sizes need a hardware adapter; this one (${[info.vendor, info.architecture].filter(Boolean).join(' / ')}) is a software fallback: use --tiny.`);
  const report: BenchReport = {
    mode: c.mode, floatType,
    adapter: {
      vendor: info.vendor ?? '', architecture: info.architecture ?? '', description: info.description ?? '',
      fallback,
      f16, maxBufferSize: adapter.limits.maxBufferSize, maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    },
    userAgent: navigator.userAgent,
    weightsMB: {}, fillMs: 0, unet: [], pipeline: [], placement: [], placementOk: true, logLinesWhileRunning: 0,
    settings: {
      width: c.width, height: c.height, steps: c.steps, guidance: c.guidance, scheduler: c.scheduler, unetBatch: 2,
      latent: `${c.width / 8}×${c.height / 8}`, unetRuns: c.unetRuns, unetWarmup: c.unetWarmup,
    },
  };
  log(`adapter: ${report.adapter.vendor} ${report.adapter.architecture} ${report.adapter.description} (shader-f16: ${f16}); graphs in ${floatType}`);

  const configs: PipelineConfigs & { text: ClipTextConfig; vision: ClipVisionConfig; vae: VaeConfig } = c.configs
    ? { unet: unetConfigFromJson(c.configs.unet), vae: vaeConfigFromJson(c.configs.vae), text: clipTextConfigFromJson(c.configs.text), vision: clipVisionConfigFromJson(c.configs.vision) }
    : { unet: SD15_UNET, vae: SD15_VAE, text: SD15_TEXT, vision: VIT_H_14 };

  // ---- weights, made here
  const t0 = now();
  const dtype = floatType === 'float16' ? 'F16' : 'F32';
  const nets: Record<string, RandomNetwork> = {};
  (['unet', 'adapter', 'vae', 'text', 'vision'] as const).forEach((name, i) => {
    nets[name] = randomNetwork(name, c.layouts[name], dtype, c.shardBytes, c.seed + i);
    report.weightsMB[name] = nets[name].totalBytes / 2 ** 20;
    log(`random ${name}: ${nets[name].files.length} buffer(s), ${(nets[name].totalBytes / 2 ** 20).toFixed(1)} MiB`);
  });
  report.fillMs = now() - t0;
  const files = new Map<string, Uint8Array>();
  for (const n of Object.values(nets)) for (const [k, v] of n.bytes) files.set(k, v);

  const h = c.height / 8;
  const w = c.width / 8;
  const adapterCfg = imageProjConfigFromWeights(imageProjWeights(nets.adapter.weights));
  const ipTokens = imageProjTokens(adapterCfg);

  /**
   * A session for a timed run. The placement is read from a first, verbose session that is then
   * released: onnxruntime's WebGPU provider logs a line per GPU program per run at the verbose
   * level (thousands per UNet call), and run options do not silence it, so the timed session is
   * created again at warning level.
   */
  const session = async (name: string, graph: Graph, dims: Record<string, number[]>) => {
    const options = { executionProviders: ['webgpu'], freeDimensionOverrides: overridesFor(graph, dims) };
    const from = consoleLines().length;
    const verbose = await createSession(ort, graph, files, { ...options, logSeverityLevel: 0, logVerbosityLevel: 0 });
    const p = placementFrom(name, consoleLines().slice(from));
    await verbose.release();
    report.placement.push(p);
    report.placementOk &&= p.ok;
    const t = now();
    const s = await createSession(ort, graph, files, { ...options, logSeverityLevel: 2 });
    const ms = now() - t;
    log(`session ${name}: ${(ms / 1000).toFixed(1)} s, ${p.ok ? `all ${p.webgpu} nodes on WebGPU` : `NOT all on WebGPU: ${p.cpu.slice(0, 8).join(', ')}`}`);
    return { session: s, ms };
  };

  /** Issue #3: warm-up calls, then `unetRuns` timed calls of one UNet session. */
  const timeUnet = async (name: string, branches: number, s: Ort.InferenceSession, createMs: number, feeds: Record<string, Tensor32>) => {
    const runners = ortRunners(ort, { projectors: [], unet: { session: s, branchModels: [] }, vaeDecoder: s });
    let out: Float32Array = new Float32Array(0);
    const ms: number[] = [];
    const logFrom = consoleLines().length;
    for (let i = 0; i < c.unetWarmup + c.unetRuns; i++) {
      const t = now();
      out = await runners.unet.run(feeds);
      if (i >= c.unetWarmup) ms.push(now() - t);
    }
    // The sessions log verbosely for the placement check; lines printed while running would cost time.
    report.logLinesWhileRunning += consoleLines().length - logFrom;
    const row: UnetRow = { name, branches, createMs, ms, medianMs: median(ms), minMs: Math.min(...ms), finite: allFinite(out) };
    report.unet.push(row);
    log(`UNet ${name}: median ${row.medianMs.toFixed(1)} ms over ${ms.length} calls${row.finite ? '' : ' (NON-FINITE output)'}`);
  };

  /** Issue #4: sessions for the pipeline's graphs, a short warm-up generation, then the timed one. */
  const pipelineRun = async (name: string, pw: PipelineWeights, settings: GenerateSettings, unetRow?: { name: string; branches: number }, alsoSchedulers: string[] = []) => {
    const g: PipelineGraphs = buildPipelineGraphs(pw, configs, { floatType, vaeEncoder: false });
    const created: Record<string, Ort.InferenceSession> = {};
    let createMs = 0;
    const add = async (key: string, graph: Graph, dims: Record<string, number[]>) => {
      const r = await session(`${name}: ${key}`, graph, dims);
      created[key] = r.session;
      createMs += r.ms;
      return r;
    };
    if (g.text) await add('text encoder', g.text, { input_ids: [1, 77] });
    if (g.image) await add('image encoder', g.image.graph, { pixel_values: [1, 3, g.image.size, g.image.size] });
    for (const [i, p] of g.projectors.entries()) {
      const E = p.input === 'image_embeds' ? [1, configs.vision.projectionDim] : [1, (configs.vision.imageSize / configs.vision.patchSize) ** 2 + 1, configs.vision.hiddenSize];
      await add(`projector ${i}`, p.graph, { [p.input]: E });
    }
    const feeds = unetFeeds(g.unet.graph, configs.unet, 2, h, w, ipTokens, c.seed);
    const unet = await add('unet', g.unet.graph, dimsOf(feeds));
    await add('vae decoder', g.vaeDecoder, { latents: [1, configs.unet.in_channels, h, w] });
    const sessions: PipelineSessions = {
      text: created['text encoder'], textHalf: floatType === 'float16',
      image: g.image && { session: created['image encoder'], size: g.image.size, half: floatType === 'float16' },
      projectors: g.projectors.map((p, i) => ({ session: created[`projector ${i}`], input: p.input, half: floatType === 'float16' })),
      unet: { session: created.unet, branchModels: g.unet.branchModels },
      vaeDecoder: created['vae decoder'],
    };
    try {
      if (unetRow) await timeUnet(unetRow.name, unetRow.branches, sessions.unet.session, unet.ms, feeds);
      const model: PipelineModelInfo = {
        unet: configs.unet, vaeScale: 2 ** (configs.vae.block_out_channels.length - 1), scalingFactor: configs.vae.scaling_factor ?? 0.18215,
        schedulerConfig: c.schedulerConfig, emptyPromptIds: c.emptyPromptIds,
      };
      const runners = ortRunners(ort, sessions);
      await generate(runners, model, { ...settings, steps: c.warmupSteps, preview: 'none' });
      // The timed run, then (same sessions) the stochastic schedulers, whose step noise the loop
      // draws while the GPU runs the UNet: their loop cost shows whether that overlap holds.
      for (const scheduler of [settings.scheduler, ...alsoSchedulers]) {
        const t = now();
        const r = await generate(runners, model, { ...settings, scheduler });
        const wallMs = now() - t;
        const row: PipelineRow = {
          name: scheduler === settings.scheduler ? name : `${name}, ${scheduler}`, createMs, wallMs, totalMs: r.timings.totalMs, conditioningMs: r.timings.conditioningMs,
          stepMedianMs: median(r.timings.stepMs), loopMs: median(r.timings.stepMs.map((v, i) => v - r.timings.unetMs[i])),
          decodeMs: r.timings.decodeMs, steps: r.timings.stepMs.length, finite: allFinite(r.images),
        };
        report.pipeline.push(row);
        log(`generate ${row.name}: ${(wallMs / 1000).toFixed(2)} s, loop ${row.loopMs.toFixed(2)} ms/step${row.finite ? '' : ' (NON-FINITE image)'}`);
      }
    } finally {
      await releaseSessions(sessions);
    }
  };

  const base = { prompt: c.prompt, negativePrompt: c.negativePrompt, width: c.width, height: c.height, steps: c.steps, guidance: c.guidance, scheduler: c.scheduler, seed: c.seed };
  const random = rng(c.seed + 99);
  const reference = { data: Float32Array.from({ length: 3 * configs.vision.imageSize ** 2 }, () => random() * 2 - 1), size: configs.vision.imageSize };
  const order = ['plain', '+ base', 'pipeline'];
  const stageDone = () => {
    report.unet.sort((a, b) => order.findIndex((o) => a.name.startsWith(o)) - order.findIndex((o) => b.name.startsWith(o)));
    progress(report);
  };

  // 1. Issue #3's figure first: the plain UNet, then the UNet with one base-adapter branch (the
  //    h94 IP-Adapter as published), each alone on the GPU.
  const unetAlone = async (name: string, branches: number, adapters: { weights: typeof nets.adapter.weights }[]) => {
    const graph = buildUnet(configs.unet, nets.unet.weights, { floatType, adapters });
    const feeds = unetFeeds(graph, configs.unet, 2, h, w, ipTokens, c.seed);
    const s = await session(`unet, ${name}`, graph, dimsOf(feeds));
    try { await timeUnet(name, branches, s.session, s.ms, feeds); } finally { await s.session.release(); }
    stageDone();
  };
  await unetAlone('plain (no image branch)', 0, []);
  await unetAlone('+ base adapter (1 branch)', 1, [{ weights: nets.adapter.weights }]);

  // 2. With the base adapter: the pipeline's UNet (2 branches, masks, embeds scaling) for #3, then #4.
  await pipelineRun('base adapter', {
    unet: nets.unet.weights, vae: nets.vae.weights, text: nets.text.weights, vision: nets.vision.weights, adapters: [nets.adapter.weights],
  }, { ...base, adapters: [{ images: [reference], weight: 1 }] }, { name: `pipeline graph (${defaultBranchModels(1).length} branches, masks, embeds scaling)`, branches: defaultBranchModels(1).length }, ['euler_ancestral', 'lcm']);
  stageDone();
  for (const k of nets.vision.bytes.keys()) files.delete(k); // 1.2 GB the rest does not need

  // 3. No adapter: #4 with the image branch off (plain UNet, no image encoder).
  await pipelineRun('no adapter', { unet: nets.unet.weights, vae: nets.vae.weights, text: nets.text.weights, adapters: [] }, base);
  stageDone();
  return report;
}

/** The report as the table the drivers print (the same text whichever driver runs the page). */
export function formatReport(r: BenchReport, label: string): string {
  const lines: string[] = [];
  const a = r.adapter;
  lines.push(`== ${label}`);
  lines.push(`adapter: ${[a.vendor, a.architecture, a.description].filter(Boolean).join(' / ') || '(no info)'}${a.fallback ? ' [software fallback]' : ''}; shader-f16 ${a.f16 ? 'yes' : 'no'}; maxBufferSize ${(a.maxBufferSize / 2 ** 20).toFixed(0)} MiB`);
  lines.push(`browser: ${r.userAgent}`);
  lines.push(`graphs: ${r.floatType}; random weights ${Object.entries(r.weightsMB).map(([k, v]) => `${k} ${v.toFixed(1)} MiB`).join(', ')} (filled in ${(r.fillMs / 1000).toFixed(1)} s)`);
  const s = r.settings;
  lines.push('');
  lines.push(`#3  one UNet call: batch ${s.unetBatch}, latent ${s.latent}, median of ${s.unetRuns} after ${s.unetWarmup} warm-up`);
  lines.push(`${'UNet graph'.padEnd(52)} ${'median ms'.padStart(10)} ${'min ms'.padStart(9)} ${'vs plain'.padStart(9)} ${'session s'.padStart(10)}`);
  const plain = r.unet.find((u) => u.branches === 0);
  for (const u of r.unet) {
    const ratio = plain ? u.medianMs / plain.medianMs : NaN;
    lines.push(`${u.name.padEnd(52)} ${u.medianMs.toFixed(1).padStart(10)} ${u.minMs.toFixed(1).padStart(9)} ${(`${ratio.toFixed(3)}×`).padStart(9)} ${(u.createMs / 1000).toFixed(1).padStart(10)}${u.finite ? '' : '  NON-FINITE'}`);
  }
  const one = r.unet.find((u) => u.branches === 1);
  if (plain && one) lines.push(`image branch cost (1 branch vs plain): ${(((one.medianMs / plain.medianMs) - 1) * 100).toFixed(1)}% (target < 5%)`);
  lines.push('');
  lines.push(`#4  one image: ${s.width}×${s.height}, ${s.steps} steps, CFG ${s.guidance}, ${s.scheduler}; after a warm-up generation`);
  lines.push(`${'pipeline'.padEnd(30)} ${'total s'.padStart(8)} ${'conditioning ms'.padStart(16)} ${'step ms (median)'.padStart(17)} ${'loop ms/step'.padStart(13)} ${'VAE decode ms'.padStart(14)} ${'sessions s'.padStart(11)}`);
  for (const p of r.pipeline) {
    lines.push(`${p.name.padEnd(30)} ${(p.wallMs / 1000).toFixed(2).padStart(8)} ${p.conditioningMs.toFixed(0).padStart(16)} ${p.stepMedianMs.toFixed(1).padStart(17)} ${p.loopMs.toFixed(2).padStart(13)} ${p.decodeMs.toFixed(0).padStart(14)} ${(p.createMs / 1000).toFixed(1).padStart(11)}${p.finite ? '' : '  NON-FINITE'}`);
  }
  lines.push('loop ms/step: the step minus its wait for the UNet (scheduler, guidance, preview, and any step noise not hidden behind the GPU)');
  const on = r.pipeline.find((p) => p.name === 'base adapter');
  const off = r.pipeline.find((p) => p.name === 'no adapter');
  if (on && off) lines.push(`with / without the image branch: ${(on.wallMs / off.wallMs).toFixed(3)}×`);
  lines.push('');
  lines.push(`console lines printed during the timed UNet calls: ${r.logLinesWhileRunning}`);
  lines.push(`placement (${r.placement.length} sessions): ${r.placementOk ? 'every node on WebGpuExecutionProvider' : 'NOT ALL NODES ON WEBGPU'}`);
  for (const p of r.placement) lines.push(`  ${p.session.padEnd(40)} ${p.ok ? `all ${p.webgpu} nodes on WebGPU` : `CPU: ${p.cpu.join(', ')}`}`);
  return lines.join('\n');
}
