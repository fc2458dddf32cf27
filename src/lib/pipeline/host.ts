/**
 * The generation worker's logic, free of worker globals so that Node tests can drive it with
 * onnxruntime-web's wasm build: `createPipelineHost({ ort, post })` returns `handle(message)`.
 * src/workers/generate.worker.ts wires it to `self.onmessage` with `onnxruntime-web/webgpu`.
 *
 * - load: reads the files, detects what each is, builds the graphs (graphs.ts) and creates the
 *   sessions one by one on WebGPU (or wasm), reporting each stage;
 * - generate: runs `generate()` with progress per step; a setup that needs more UNet image
 *   branches than loaded rebuilds the UNet (when the weight bytes were kept);
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
import { branchNeeds, generate, PipelineError, type PipelineModelInfo } from './generate';
import { buildPipelineGraphs, buildUnetGraph, createPipelineSessions, defaultBranchModels, type PipelineConfigs, type PipelineWeights } from './graphs';
import { transferables, type ErrorCode, type LoadedInfo, type LoadOptions, type ModelFile, type ModelFiles, type Reply, type Request } from './protocol';
import { ortRunners, releaseSessions, type PipelineSessions } from './runners';
import { createSession } from '../onnx/session';
import { LoraError, loraSideBranches, mergeLoras, parseLora, type LoraReport } from '../lora';

export interface HostEnv {
  ort: typeof Ort;
  post(reply: Reply, transfer: Transferable[]): void;
  /** The browser's WebGPU (navigator.gpu); undefined in Node. */
  gpu?: { requestAdapter(): Promise<{ features: ReadonlySet<string>; info?: { vendor?: string; architecture?: string; description?: string } } | null> };
  /** The page's origin: a `wasmPaths` load option must be on it (never a CDN). */
  origin?: string;
}

interface Loaded {
  info: LoadedInfo;
  sessions: PipelineSessions;
  model: PipelineModelInfo;
  weights?: PipelineWeights;
  configs: PipelineConfigs;
  files?: FileBytes;
  sessionOptions: Ort.InferenceSession.SessionOptions;
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
    return { provider: 'webgpu', f16: adapter.features.has('shader-f16'), device: [i?.vendor, i?.architecture, i?.description].filter(Boolean).join(' ') || undefined };
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
    const described: LoadedInfo['files'] = [];
    const open = async (role: string, f: ModelFile): Promise<{ file: WeightFile; detected: Detected }> => {
      const data = await toBytes(f.data);
      const location = `${role}/${f.name}`;
      bytes.set(location, data);
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
    const graphs = buildPipelineGraphs(weights, configs, { floatType, branchModels });
    const sessionOptions: Ort.InferenceSession.SessionOptions = {
      executionProviders: [provider],
      ...(o.verbose ? { logSeverityLevel: 0 as const, logVerbosityLevel: 0 } : {}),
    };
    const sessions = await createPipelineSessions(ort, graphs, bytes, sessionOptions, {
      onStage: (stage, done, total) => post({ type: 'load-progress', id, stage, done, total }),
      shouldStop: () => j.abort.signal.aborted,
    });
    if (!sessions) throw new PipelineError('cancelled', 'Loading was cancelled.');
    const keep = o.retainWeights === true;
    loaded = {
      sessions, weights: keep ? weights : undefined, files: keep ? bytes : undefined, configs, sessionOptions,
      model: { unet: configs.unet, vaeScale: 2 ** (configs.vae.block_out_channels.length - 1), scalingFactor: configs.vae.scaling_factor ?? 0.18215, schedulerConfig: o.schedulerConfig, emptyPromptIds: o.emptyPromptIds },
      info: {
        provider, floatType, files: described, branchModels, device, loadMs: performance.now() - t0,
        loras: loraReports.map((r) => ({ name: r.label, unet: r.matched.unet, textEncoder: r.matched.text_encoder, notice: r.notice?.en ?? null })),
        adapters: weights.adapters.map((w, i) => {
          const cfg = imageProjConfigFromWeights(imageProjWeights(w));
          return { name: files.adapters![i].name, projector: cfg.kind, tokens: imageProjTokens(cfg, visionConfig ? visionTokens(visionConfig) : 257) };
        }),
      },
    };
    post({ type: 'loaded', id, info: loaded.info });
  }

  /** Rebuilds the UNet when the loaded one cannot host the setup's branches. */
  async function fitUnet(l: Loaded, models: number[]): Promise<void> {
    if (assignBranches(models.map((model, adapter) => ({ adapter, model, swapped: false })), l.sessions.unet.branchModels)) return;
    if (!l.weights || !l.files) throw new PipelineError('unet-branches', `This setup needs UNet image branches for adapter files [${models.join(', ')}]; the loaded UNet has [${l.sessions.unet.branchModels.join(', ')}] and its weights were not kept. Load again with options.branchModels = [${models.join(', ')}] (or retainWeights: true).`);
    const graph = buildUnetGraph(l.weights, l.configs, models, l.info.floatType);
    await l.sessions.unet.session.release();
    l.sessions.unet = { session: await createSession(ort, graph, l.files, l.sessionOptions), branchModels: models };
    l.info.branchModels = models;
  }

  async function run(id: number, settings: Parameters<typeof generate>[2], j: Job): Promise<void> {
    const l = loaded!;
    let needs: ReturnType<typeof branchNeeds> | null = null;
    try { needs = branchNeeds(settings, l.model.unet); } catch { /* invalid settings: generate() reports them */ }
    if (needs && needs.every((n) => n.model < l.sessions.projectors.length)) await fitUnet(l, needModels(needs));
    const result = await generate(ortRunners(ort, l.sessions), l.model, settings, {
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
          if (msg.type === 'generate' && !loaded) { fail(msg.id, 'not-loaded', 'No models are loaded: send a load request first.'); return; }
          const j: Job = { kind: msg.type, id: msg.id, abort: new AbortController(), step: null };
          job = j;
          j.done = (async () => {
            try {
              if (msg.type === 'load') await load(msg.id, msg.files ?? {}, msg.options ?? {}, j);
              else await run(msg.id, msg.settings, j);
            } catch (e) {
              if (e instanceof PipelineError && e.code === 'cancelled') fail(msg.id, 'cancelled', e.message);
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
