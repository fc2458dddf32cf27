/**
 * The generation worker's logic, free of worker globals so that Node tests can drive it with
 * onnxruntime-web's wasm build: `createPipelineHost({ ort, post })` returns `handle(message)`.
 * src/workers/generate.worker.ts wires it to `self.onmessage` with `onnxruntime-web/webgpu`.
 *
 * - load: reads the files, detects what each is, builds the graphs (graphs.ts) and creates the
 *   sessions one by one on WebGPU (or wasm), reporting each stage;
 * - generate: runs `generate()` with progress per step; a setup that needs more UNet image
 *   branches, another static size (shapes.ts) or the VAE encoder (image-to-image, built only
 *   when first needed) makes those sessions — when the weights can be read again: files given
 *   as Blob/File (OPFS: the reference is kept, not the bytes) or `retainWeights`;
 * - the WebGPU device is watched: its loss ('device-lost') or an allocation failure
 *   ('out-of-memory') stops the job, releases the sessions and says so (gpuErrors.ts);
 * - cancel: aborts the running generate/load; it stops before the next UNet call (a step) and,
 *   with `release`, releases every session;
 * - every failure is posted as `{ type: 'error', code, message }`.
 */
import type * as Ort from 'onnxruntime-web';
import { SD15_TEXT, SD15_UNET, SD15_VAE, VIT_BIGG_14, VIT_H_14, type ClipVisionConfig } from '../models/configs';
import { imageProjConfigFromWeights, imageProjTokens, imageProjWeights } from '../models/imageProj';
import { visionTokens } from '../models/clipVision';
import type { FileBytes } from '../onnx/materialize';
import { checkAdapterEncoder, describe, detectWeightFile, requireSd15Adapter, requireSd15Checkpoint, type Detected } from '../weights/detect';
import { WeightFileError } from '../weights/errors';
import { ldmStructure, ldmWeights } from '../weights/ldmKeyMap';
import { parseSafetensorsHeader } from '../weights/safetensors';
import { Weights, type WeightFile } from '../weights/weights';
import { assignBranches, branchModels as needModels } from './branches';
import { branchNeeds, generate, layerInfo, PipelineError, type PipelineModelInfo } from './generate';
import { buildPipelineGraphs, buildUnetGraph, createPipelineSessions, defaultBranchModels, type PipelineConfigs, type PipelineWeights } from './graphs';
import { transferables, type ErrorCode, type LoadedInfo, type LoadOptions, type ModelFile, type ModelFiles, type Reply, type Request } from './protocol';
import { ortRunners, releaseSessions, type PipelineRunners, type PipelineSessions } from './runners';
import { createSession } from '../onnx/session';
import { CONVERTED_LOCATION, type Graph } from '../onnx/graph';
import { buildVaeDecoder, buildVaeEncoder } from '../models/vae';
import { needsUncond } from './guidance';
import { gpuErrorCode } from './gpuErrors';
import { describeShape, dimOverrides, resolveShape, type StaticNetwork, type StaticShape } from './shapes';
import { staticUnetShape } from './graphs';
import { LoraError, loraSideBranches, mergeLoras, parseLora, type LoraReport } from '../lora';

export interface HostEnv {
  ort: typeof Ort;
  post(reply: Reply, transfer: Transferable[]): void;
  /** The browser's WebGPU (navigator.gpu); undefined in Node. */
  gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> };
  /** The page's origin: a `wasmPaths` load option must be on it (never a CDN). */
  origin?: string;
  /** The GPU device to watch (default: onnxruntime's, on WebGPU). Tests pass a stand-in. */
  device?: () => Promise<WatchedDevice | null>;
  /** Wraps the runners of each generation (tests: inject failures). */
  wrapRunners?: (r: PipelineRunners) => PipelineRunners;
}

interface Loaded {
  info: LoadedInfo;
  sessions: PipelineSessions;
  model: PipelineModelInfo;
  /** Headers and key maps only (no bytes): enough to build any graph again. */
  weights: PipelineWeights;
  configs: PipelineConfigs;
  /** The bytes, with retainWeights. */
  files?: FileBytes;
  /** Files given as Blob/File: read again when a session must be made later. */
  blobs: Map<string, Blob>;
  shape: StaticShape | null;
  sessionOptions: Ort.InferenceSession.SessionOptions;
}

/** The bit of GPUAdapter the host uses. */
interface GpuAdapterLike {
  features: ReadonlySet<string>;
  info?: { vendor?: string; architecture?: string; description?: string };
  limits?: Record<string, number>;
  requestDevice?(d: { requiredFeatures?: string[]; requiredLimits?: Record<string, number> }): Promise<WatchedDevice>;
}

/** The bit of GPUDevice the host watches. */
export interface WatchedDevice {
  lost: Promise<{ reason?: string; message?: string }>;
  addEventListener?(type: 'uncapturederror', l: (e: { error?: { constructor?: { name?: string }; message?: string } }) => void): void;
}

interface Job { kind: 'load' | 'generate'; id: number; abort: AbortController; step: number | null; done?: Promise<void> }

const toBytes = async (d: ModelFile['data']): Promise<Uint8Array> =>
  (d instanceof Uint8Array ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(await (d as Blob).arrayBuffer()));

function errorCode(e: unknown): ErrorCode {
  if (e instanceof PipelineError) return e.code;
  if (e instanceof LoraError) return 'lora';
  if (e instanceof WeightFileError) return 'weights';
  return 'runtime';
}

/** Old diffusers VAE files call the attention `query/key/value/proj_attn`. */
function vaeWeights(file: WeightFile): Weights {
  const legacy: Record<string, string> = { to_q: 'query', to_k: 'key', to_v: 'value', 'to_out.0': 'proj_attn' };
  return new Weights([file]).mapped((k) => (file.header.tensors.has(k) ? k
    : k.replace(/(mid_block\.attentions\.\d+\.)(to_q|to_k|to_v|to_out\.0)\./, (_, h: string, p: string) => `${h}${legacy[p]}.`)));
}

export function createPipelineHost(env: HostEnv) {
  const { ort } = env;
  let loaded: Loaded | null = null;
  let job: Job | null = null;
  const post = (r: Reply) => env.post(r, transferables(r));
  const fail = (id: number | null, code: ErrorCode, message: string, details?: unknown) => post({ type: 'error', id, code, message, details });

  async function chooseProvider(o: LoadOptions): Promise<{ provider: 'webgpu' | 'wasm'; f16: boolean; device?: string }> {
    const want = o.provider ?? 'auto';
    if (want === 'wasm') return { provider: 'wasm', f16: false };
    const adapter = env.gpu ? await env.gpu.requestAdapter().catch(() => null) : null;
    if (!adapter) {
      if (want === 'webgpu') throw new PipelineError('missing-model', 'WebGPU was asked for, but this browser offers no WebGPU adapter.');
      return { provider: 'wasm', f16: false };
    }
    const i = adapter.info;
    await ownDevice(adapter);
    return { provider: 'webgpu', f16: adapter.features.has('shader-f16'), device: [i?.vendor, i?.architecture, i?.description].filter(Boolean).join(' ') || undefined };
  }

  /**
   * The worker makes the GPUDevice itself and hands it to onnxruntime (before its first session),
   * so that it can watch the device's loss. Limits: the adapter's own (ORT asks for the large
   * buffer and binding sizes too); features: those ORT uses when the adapter has them.
   */
  async function ownDevice(adapter: GpuAdapterLike): Promise<void> {
    if (watched || env.device || !adapter.requestDevice) return;
    const limits: Record<string, number> = {};
    for (const k of ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup',
      'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupSizeY', 'maxComputeWorkgroupSizeZ', 'maxComputeWorkgroupsPerDimension', 'maxStorageBuffersPerShaderStage']) {
      const v = adapter.limits?.[k];
      if (typeof v === 'number') limits[k] = v;
    }
    const features = ['shader-f16', 'subgroups', 'timestamp-query'].filter((f) => adapter.features.has(f));
    try {
      const device = await adapter.requestDevice({ requiredFeatures: features, requiredLimits: limits });
      (ort.env.webgpu as unknown as { device: unknown }).device = device;
      watch(device);
    } catch {
      // onnxruntime then makes its own device; its loss still shows in the errors it throws
    }
  }

  async function load(id: number, files: ModelFiles, o: LoadOptions, j: Job): Promise<void> {
    const t0 = performance.now();
    if (o.wasmPaths !== undefined) {
      const base = env.origin ?? 'http://localhost';
      const url = new URL(o.wasmPaths, base);
      if (url.origin !== new URL(base).origin) throw new PipelineError('wasm-path', `onnxruntime-web's files must come from this site (${new URL(base).origin}), not ${url.origin}.`);
      ort.env.wasm.wasmPaths = url.href;
    }
    if (loaded) { await releaseSessions(loaded.sessions); loaded = null; }
    const { provider, f16, device } = await chooseProvider(o);
    if (o.provider === 'webgpu' && provider !== 'webgpu') throw new PipelineError('missing-model', 'WebGPU is not available.');
    const floatType = o.floatType === 'float16' || (o.floatType !== 'float32' && f16 && provider === 'webgpu') ? 'float16' : 'float32';
    if (floatType === 'float16' && provider === 'webgpu' && !f16) throw new PipelineError('missing-model', 'float16 was asked for, but this GPU has no shader-f16 support.');

    const bytes: FileBytes = new Map();
    const blobs = new Map<string, Blob>();
    const described: LoadedInfo['files'] = [];
    const open = async (role: string, f: ModelFile): Promise<{ file: WeightFile; detected: Detected }> => {
      const data = await toBytes(f.data);
      const location = `${role}/${f.name}`;
      bytes.set(location, data);
      if (!(f.data instanceof ArrayBuffer) && !(f.data instanceof Uint8Array)) blobs.set(location, f.data);
      const header = parseSafetensorsHeader(data, data.byteLength, f.name);
      const detected = detectWeightFile(header, f.name);
      described.push({ name: f.name, role, detected: describe(detected) });
      return { file: { location, header, label: f.name }, detected };
    };
    const sd15 = !o.configs?.unet; // default shapes = SD1.5: check the files are SD1.5's
    const ckpt = files.checkpoint && await open('checkpoint', files.checkpoint);
    if (ckpt && sd15) requireSd15Checkpoint(ckpt.detected, files.checkpoint!.name);
    const structure = ckpt && ldmStructure(ckpt.file.header.tensors.keys());
    const part = async (role: string, f: ModelFile | undefined) => (f ? (await open(role, f)).file : undefined);
    const unetFile = await part('unet', files.unet);
    const vaeFile = await part('vae', files.vae);
    const textFile = await part('text', files.textEncoder);
    const vision = files.imageEncoder && await open('image-encoder', files.imageEncoder);
    const adapters = [];
    for (const [i, f] of (files.adapters ?? []).entries()) adapters.push(await open(`adapter-${i}`, f));

    let unetW = unetFile ? new Weights([unetFile]) : ckpt ? ldmWeights(ckpt.file, 'unet', structure) : undefined;
    const vaeW = vaeFile ? vaeWeights(vaeFile) : ckpt ? ldmWeights(ckpt.file, 'vae', structure) : undefined;
    let textW = textFile ? new Weights([textFile]) : ckpt ? ldmWeights(ckpt.file, 'text_encoder', structure) : undefined;
    if (!unetW) throw new PipelineError('missing-model', 'No UNet: give a single-file checkpoint or a diffusers UNet file.');
    let loraReports: LoraReport[] = [];
    if (files.loras?.length) {
      const inputs = [];
      for (const [i, l] of files.loras.entries()) {
        const data = await toBytes(l.file.data);
        inputs.push({ lora: parseLora(data, l.file.name, `lora-${i}/${l.file.name}`), strength: l.strength });
        described.push({ name: l.file.name, role: `lora-${i}`, detected: 'LoRA' });
      }
      const applied = o.loraMode === 'side'
        ? loraSideBranches({ unet: unetW, textEncoder: textW }, inputs)
        : mergeLoras({ unet: { weights: unetW, files: bytes }, textEncoder: textW && { weights: textW, files: bytes } }, inputs);
      if (applied.unet) { unetW = applied.unet.weights; for (const [k, v] of applied.unet.files) bytes.set(k, v); }
      if (applied.textEncoder) { textW = applied.textEncoder.weights; for (const [k, v] of applied.textEncoder.files) bytes.set(k, v); }
      loraReports = applied.reports;
    }
    if (!vaeW) throw new PipelineError('missing-model', 'No VAE: the checkpoint has none; give a VAE file.');
    let visionConfig: ClipVisionConfig | undefined = o.configs?.vision;
    if (vision) {
      const d = vision.detected;
      if (d.kind !== 'clip-vision') throw new WeightFileError('wrong-model', `${files.imageEncoder!.name} is not a CLIP image encoder: ${describe(d)}.`);
      visionConfig ??= d.encoder === 'ViT-bigG/14' ? VIT_BIGG_14 : VIT_H_14;
      for (const [i, a] of adapters.entries()) {
        if (a.detected.kind !== 'ip-adapter') throw new WeightFileError('wrong-model', `${files.adapters![i].name} is not an IP-Adapter: ${describe(a.detected)}.`);
        if (sd15) { requireSd15Adapter(a.detected, files.adapters![i].name); checkAdapterEncoder(a.detected, files.adapters![i].name, d, files.imageEncoder!.name); }
      }
    } else if (adapters.length) throw new PipelineError('missing-model', 'IP-Adapter files need the CLIP image encoder (h94/IP-Adapter models/image_encoder/model.safetensors).');

    const weights: PipelineWeights = { unet: unetW, vae: vaeW, text: textW, vision: vision && new Weights([vision.file]), adapters: adapters.map((a) => new Weights([a.file])) };
    const configs: PipelineConfigs = { unet: o.configs?.unet ?? SD15_UNET, vae: o.configs?.vae ?? SD15_VAE, text: o.configs?.text ?? SD15_TEXT, vision: visionConfig };
    const branchModels = o.branchModels ?? defaultBranchModels(adapters.length);
    const vaeScale = 2 ** (configs.vae.block_out_channels.length - 1);
    const shape = o.shape ? resolveShape(o.shape, vaeScale) : null;
    const graphs = buildPipelineGraphs(weights, configs, { floatType, branchModels, vaeEncoder: o.img2img === true, probeLayers: o.probeLayers?.length ? [...o.probeLayers] : undefined });
    const sessionOptions: Ort.InferenceSession.SessionOptions = {
      executionProviders: [provider],
      ...(o.verbose ? { logSeverityLevel: 0 as const, logVerbosityLevel: 0 } : {}),
    };
    const sessions = await createPipelineSessions(ort, graphs, bytes, sessionOptions, {
      onStage: (stage, done, total) => post({ type: 'load-progress', id, stage, done, total }),
      shouldStop: () => j.abort.signal.aborted,
      dims: (net, graph) => dimOverrides(net, graph, shape, vaeScale),
    });
    if (!sessions) throw new PipelineError('cancelled', 'Loading was cancelled.');
    await watchDevice();
    const keep = o.retainWeights === true;
    loaded = {
      sessions, weights, files: keep ? bytes : undefined, blobs, shape, configs, sessionOptions,
      model: { unet: configs.unet, vaeScale, scalingFactor: configs.vae.scaling_factor ?? 0.18215, schedulerConfig: o.schedulerConfig, emptyPromptIds: o.emptyPromptIds },
      info: {
        provider, floatType, files: described, branchModels, device, shape, loadMs: performance.now() - t0,
        loras: loraReports.map((r) => ({ name: r.label, unet: r.matched.unet, textEncoder: r.matched.text_encoder, notice: r.notice?.en ?? null })),
        adapters: weights.adapters.map((w, i) => {
          const cfg = imageProjConfigFromWeights(imageProjWeights(w));
          return { name: files.adapters![i].name, projector: cfg.kind, tokens: imageProjTokens(cfg, visionConfig ? visionTokens(visionConfig) : 257) };
        }),
      },
    };
    post({ type: 'loaded', id, info: loaded.info });
  }

  /** The bytes the graphs read, from the kept bytes or by reading the Blobs again; null when some are gone. */
  async function bytesFor(l: Loaded, graphs: Graph[]): Promise<FileBytes | null> {
    const need = new Set<string>();
    for (const g of graphs) {
      for (const loc of g.locations) if (loc !== CONVERTED_LOCATION) need.add(loc);
      for (const c of g.conversions) need.add(c.source.location);
    }
    const out: FileBytes = new Map();
    for (const loc of need) {
      const kept = l.files?.get(loc);
      const blob = l.blobs.get(loc);
      if (kept) out.set(loc, kept);
      else if (blob) out.set(loc, new Uint8Array(await blob.arrayBuffer()));
      else return null;
    }
    return out;
  }

  const sessionFor = (l: Loaded, net: StaticNetwork, graph: Graph, files: FileBytes, shape = l.shape) => {
    const dims = dimOverrides(net, graph, shape, l.model.vaeScale);
    return createSession(ort, graph, files, Object.keys(dims).length ? { ...l.sessionOptions, freeDimensionOverrides: dims } : l.sessionOptions);
  };

  /**
   * Rebuilds the UNet when the loaded one cannot host the setup's branches (`models`), or lacks
   * the probe outputs of the attention maps asked for (`probes`).
   */
  async function fitUnet(l: Loaded, models: number[] | null, probes: number[]): Promise<void> {
    const u = l.sessions.unet;
    const branchesOk = !models || assignBranches(models.map((model, adapter) => ({ adapter, model, swapped: false })), u.branchModels) !== null;
    const probesOk = probes.every((t) => u.probeLayers?.includes(t));
    if (branchesOk && probesOk) return;
    const branchModels = branchesOk ? u.branchModels : models!;
    const probeLayers = probesOk ? u.probeLayers : [...new Set([...(u.probeLayers ?? []), ...probes])].sort((a, b) => a - b);
    const graph = buildUnetGraph(l.weights, l.configs, branchModels, l.info.floatType, probeLayers);
    const files = await bytesFor(l, [graph]);
    if (!files && !branchesOk) throw new PipelineError('unet-branches', `This setup needs UNet image branches for adapter files [${models!.join(', ')}]; the loaded UNet has [${u.branchModels.join(', ')}] and its weights were not kept. Load again with options.branchModels = [${models!.join(', ')}] (or retainWeights: true).`);
    if (!files) throw new PipelineError('missing-model', `Attention maps of layers [${probes.join(', ')}] need a UNet built with their probe outputs, and the weights were released: load again with options.probeLayers = [${probes.join(', ')}] (or give the files as Blob/File, or retainWeights: true).`);
    await u.session.release();
    const dims = dimOverrides('unet', graph, l.shape, l.model.vaeScale);
    l.sessions.unet = { session: await sessionFor(l, 'unet', graph, files), branchModels, staticShape: staticUnetShape(dims), probeLayers };
    l.info.branchModels = branchModels;
  }

  /** New UNet and VAE sessions when static-shape sessions do not fit this generation's size/batch. */
  async function fitShape(l: Loaded, s: Parameters<typeof generate>[2]): Promise<void> {
    if (!l.shape) return;
    const n = s.batchSize ?? 1;
    if (s.width === l.shape.width && s.height === l.shape.height && (l.shape.unetBatch === n || l.shape.unetBatch === 2 * n)) return;
    let want: StaticShape;
    try {
      want = resolveShape({ width: s.width, height: s.height, batchSize: n, cfgMode: needsUncond(s.guidance) ? s.cfgMode : 'separate' }, l.model.vaeScale);
    } catch {
      return; // not a valid size: generate() names the problem
    }
    const f = l.info.floatType;
    const graphs = {
      unet: buildUnetGraph(l.weights, l.configs, l.sessions.unet.branchModels, f, l.sessions.unet.probeLayers),
      vaeDecoder: buildVaeDecoder(l.configs.vae, l.weights.vae, { floatType: f, postprocess: true }),
      vaeEncoder: l.sessions.vaeEncoder && buildVaeEncoder(l.configs.vae, l.weights.vae, { floatType: f }),
    };
    const files = await bytesFor(l, Object.values(graphs).filter((g): g is Graph => Boolean(g)));
    if (!files) {
      throw new PipelineError('size-not-loaded', `The models were loaded for ${describeShape(l.shape)}; this generation is ${s.width}×${s.height}, batch ${n}, and the weights were released. Load again with options.shape = { width: ${s.width}, height: ${s.height}, batchSize: ${n} } (with the files given as Blob/File, or retainWeights: true, the worker remakes its sessions by itself).`, { loaded: l.shape, needed: want });
    }
    // one size at a time on the GPU: release, then create
    await Promise.all([l.sessions.unet.session, l.sessions.vaeDecoder, l.sessions.vaeEncoder].map((x) => x?.release().catch(() => undefined)));
    try {
      const dims = dimOverrides('unet', graphs.unet, want, l.model.vaeScale);
      l.sessions.unet = { session: await sessionFor(l, 'unet', graphs.unet, files, want), branchModels: l.sessions.unet.branchModels, staticShape: staticUnetShape(dims), probeLayers: l.sessions.unet.probeLayers };
      l.sessions.vaeDecoder = await sessionFor(l, 'vaeDecoder', graphs.vaeDecoder, files, want);
      l.sessions.vaeEncoder = graphs.vaeEncoder && await sessionFor(l, 'vaeEncoder', graphs.vaeEncoder, files, want);
    } catch (e) {
      await dropLoaded();
      throw e;
    }
    l.shape = want;
    l.info.shape = want;
  }

  /** The VAE encoder, made on the first image-to-image generation (not at load). */
  async function fitVaeEncoder(l: Loaded, s: Parameters<typeof generate>[2]): Promise<void> {
    if (!s.img2img || l.sessions.vaeEncoder) return;
    const graph = buildVaeEncoder(l.configs.vae, l.weights.vae, { floatType: l.info.floatType });
    const files = await bytesFor(l, [graph]);
    if (!files) throw new PipelineError('missing-model', 'Image-to-image needs the VAE encoder, which this load did not make, and the weights were released: load again with options.img2img = true (or give the files as Blob/File, or retainWeights: true).');
    l.sessions.vaeEncoder = await sessionFor(l, 'vaeEncoder', graph, files);
  }

  // ---- the WebGPU device: loss and out-of-memory
  let watched: WatchedDevice | null = null;
  let deviceLost: string | null = null;
  let outOfMemory = false;

  /** Tests pass their stand-in device through env.device. */
  async function watchDevice(): Promise<void> {
    if (!env.device) return;
    const device = await env.device().catch(() => null);
    if (device) watch(device);
  }

  function watch(device: WatchedDevice): void {
    if (device === watched) return;
    watched = device;
    device.addEventListener?.('uncapturederror', (e) => { if (e.error?.constructor?.name === 'GPUOutOfMemoryError') outOfMemory = true; });
    void device.lost.then((info) => {
      if (watched !== device) return;
      deviceLost = `${info?.reason ?? 'unknown'}${info?.message ? `: ${info.message}` : ''}`;
      const running = job;
      running?.abort.abort();
      void dropLoaded();
      // nothing running: say so at once (a running job reports it as its own error)
      if (!running) fail(null, 'device-lost', deviceLostMessage());
    });
  }

  /**
   * A run that fails because the device went away often fails (a buffer read aborted) before the
   * device's `lost` promise settles: give it a moment, so the error is named for what it is.
   */
  async function settleDevice(): Promise<void> {
    if (!watched || deviceLost !== null) return;
    await Promise.race([watched.lost, new Promise((r) => setTimeout(r, 300))]);
    await Promise.resolve();
  }

  const deviceLostMessage = () => `The GPU device was lost (${deviceLost}); every session is gone. This worker cannot make a new device: start a new worker (PipelineClient does so on its next request) and load again.`;

  async function dropLoaded(): Promise<void> {
    const l = loaded;
    loaded = null;
    if (l) await releaseSessions(l.sessions);
  }

  async function run(id: number, settings: Parameters<typeof generate>[2], j: Job): Promise<void> {
    const l = loaded!;
    let needs: ReturnType<typeof branchNeeds> | null = null;
    try { needs = branchNeeds(settings, l.model.unet); } catch { /* invalid settings: generate() reports them */ }
    // valid layers only: generate() reports the others as invalid settings
    const L = layerInfo(l.model.unet).length;
    const probes = Array.isArray(settings.attention?.layers) ? settings.attention.layers.filter((t) => Number.isInteger(t) && t >= 0 && t < L) : [];
    await fitUnet(l, needs && needs.every((n) => n.model < l.sessions.projectors.length) ? needModels(needs) : null, probes);
    await fitShape(l, settings);
    await fitVaeEncoder(l, settings);
    const runners = ortRunners(ort, l.sessions);
    const result = await generate(env.wrapRunners ? env.wrapRunners(runners) : runners, l.model, settings, {
      signal: j.abort.signal,
      onProgress: (p) => { j.step = p.step; post({ type: 'progress', id, ...p }); },
    });
    post({ type: 'result', id, ...result });
  }

  async function handle(msg: Request): Promise<void> {
    if (!msg || typeof msg !== 'object' || typeof (msg as { type?: unknown }).type !== 'string') {
      fail(null, 'bad-request', 'A message must be an object with a type.');
      return;
    }
    const id = typeof msg.id === 'number' ? msg.id : null;
    try {
      switch (msg.type) {
        case 'status':
          post({ type: 'status', id: msg.id, loaded: loaded?.info ?? null, busy: job?.kind ?? null });
          return;
        case 'cancel': {
          const running = job;
          running?.abort.abort();
          if (running) await running.done;
          if (msg.release && loaded) { await releaseSessions(loaded.sessions); loaded = null; }
          post({ type: 'cancelled', id: msg.id, stopped: running?.id ?? null, atStep: running?.step ?? null, released: Boolean(msg.release) });
          return;
        }
        case 'unload':
          if (job) { fail(msg.id, 'busy', `Cannot unload while a ${job.kind} is running; cancel it first.`); return; }
          if (loaded) { await releaseSessions(loaded.sessions); loaded = null; }
          post({ type: 'unloaded', id: msg.id });
          return;
        case 'load':
        case 'generate': {
          if (job) { fail(msg.id, 'busy', `A ${job.kind} is running (request ${job.id}); cancel it or wait.`); return; }
          if (deviceLost !== null) { fail(msg.id, 'device-lost', deviceLostMessage()); return; }
          if (msg.type === 'generate' && !loaded) { fail(msg.id, 'not-loaded', 'No models are loaded: send a load request first.'); return; }
          const j: Job = { kind: msg.type, id: msg.id, abort: new AbortController(), step: null };
          job = j;
          j.done = (async () => {
            try {
              if (msg.type === 'load') await load(msg.id, msg.files ?? {}, msg.options ?? {}, j);
              else await run(msg.id, msg.settings, j);
            } catch (e) {
              if (!(e instanceof PipelineError)) await settleDevice();
              const gpu = gpuErrorCode(e, { deviceLost: deviceLost !== null, outOfMemory });
              outOfMemory = false;
              if (gpu === 'device-lost') {
                deviceLost ??= e instanceof Error ? e.message : String(e);
                await dropLoaded();
                fail(msg.id, 'device-lost', deviceLostMessage());
              }
              else if (gpu === 'out-of-memory') { await dropLoaded(); fail(msg.id, 'out-of-memory', `Out of memory ${msg.type === 'load' ? 'while loading' : 'while generating'}: ${e instanceof Error ? e.message : String(e)}. Every session was released; load again with a smaller size or batch, fewer references or adapters.`); }
              else if (e instanceof PipelineError && e.code === 'cancelled') fail(msg.id, 'cancelled', e.message);
              else fail(msg.id, msg.type === 'load' && errorCode(e) === 'runtime' ? 'load-failed' : errorCode(e), e instanceof Error ? e.message : String(e), e instanceof PipelineError ? e.details : undefined);
            } finally {
              job = null;
            }
          })();
          await j.done;
          return;
        }
        default:
          fail(id, 'bad-request', `Unknown message type "${String((msg as { type: unknown }).type)}".`);
      }
    } catch (e) {
      fail(id, errorCode(e), e instanceof Error ? e.message : String(e));
    }
  }

  return { handle, get loaded() { return loaded?.info ?? null; } };
}
