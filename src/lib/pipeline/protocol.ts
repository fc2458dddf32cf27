/**
 * The messages between the page and the generation worker (src/workers/generate.worker.ts).
 * Everything is structured-clone data; big buffers (weights in, images and previews out) are
 * transferred, not copied. Every request carries an `id`; every reply names the request it
 * answers. Failures always come back as `{ type: 'error', id, code, message }` — the worker
 * never lets an exception escape into the void.
 *
 * page → worker
 *   load      build the graphs from weight files and create the sessions (replaces loaded ones)
 *   generate  run one generation (one at a time; a second is answered with error 'busy')
 *   cancel    stop the running generation (or load) before its next step; with `release`, also
 *             release every session (GPU memory) — a later generate then needs a new load
 *   unload    release every session
 *   status    what is loaded, on which provider
 *
 * worker → page
 *   load-progress, loaded · progress (per step, with previews), result · cancelled (answers a
 *   cancel; the stopped request itself gets an error with code 'cancelled') · unloaded · status ·
 *   error
 */
import type { ClipTextConfig, ClipVisionConfig, UnetConfig, VaeConfig } from '../models/configs';
import type { SchedulerConfig } from '../schedulers';
import type { GenerateProgress, GenerateResult } from './generate';
import type { GenerateSettings, SettingsIssue } from './settings';
import type { SessionShape, StaticShape } from './shapes';

export type { SessionShape, StaticShape } from './shapes';

/** Same-origin path where the site serves onnxruntime-web's wasm files (scripts/copy-ort.mjs). */
export const ORT_WASM_PATH = '/ort/';

/** A weight file: its name (shown in messages) and its bytes or a File/Blob. */
export interface ModelFile {
  name: string;
  data: ArrayBuffer | Uint8Array | Blob;
}

export interface ModelFiles {
  /** A single-file (LDM) checkpoint: UNet, VAE and text encoder in one. */
  checkpoint?: ModelFile;
  /** Or the parts (diffusers layout); a part given here wins over the checkpoint's. */
  unet?: ModelFile;
  vae?: ModelFile;
  textEncoder?: ModelFile;
  /** CLIP vision with projection (h94/IP-Adapter models/image_encoder). */
  imageEncoder?: ModelFile;
  /** h94-layout IP-Adapter files; `settings.adapters[i].model` indexes this list. */
  adapters?: ModelFile[];
  /**
   * LoRA files for the UNet and text encoder (kohya or diffusers/PEFT layouts; src/lib/lora),
   * each with ComfyUI's strength (one number, or { unet, textEncoder }). LCM-LoRA + the LCM
   * scheduler gives 4–8-step images.
   */
  loras?: { file: ModelFile; strength?: number | { unet?: number; textEncoder?: number } }[];
}

export type Provider = 'webgpu' | 'wasm';

export interface LoadOptions {
  /** Default 'auto': WebGPU when the browser has an adapter, else wasm. */
  provider?: Provider | 'auto';
  /** Default 'auto': float16 on WebGPU with shader-f16, else float32. */
  floatType?: 'float32' | 'float16' | 'auto';
  /** Network shapes; default SD1.5's (and ViT-H/14 or bigG from the encoder file). */
  configs?: { unet?: UnetConfig; vae?: VaeConfig; text?: ClipTextConfig; vision?: ClipVisionConfig };
  schedulerConfig?: SchedulerConfig;
  /** The empty prompt's ids, for prompt weighting with another vocabulary (tests). */
  emptyPromptIds?: number[];
  /** Adapter file of each UNet image branch; default two per adapter file. */
  branchModels?: number[];
  /**
   * Keep the weight bytes in the worker after the sessions exist, so that the UNet can be rebuilt
   * for a setup needing more image branches than `branchModels` gives. Default false: the bytes
   * (1.7 GB for an fp16 SD1.5 UNet) are released once uploaded, and such a setup is answered with
   * error 'unet-branches' naming the branches to load.
   */
  retainWeights?: boolean;
  /**
   * Static session shapes (src/lib/pipeline/shapes.ts): the image size and batch to make the
   * sessions for, so that onnxruntime folds the shape arithmetic and every node runs on the GPU.
   * A generation at another size then needs new sessions: the worker makes them itself when it
   * can read the weights again (files given as Blob/File, e.g. from OPFS, or retainWeights),
   * else it answers 'size-not-loaded'. Without `shape` the sessions take any size (a few int64
   * shape nodes then run on the CPU).
   */
  shape?: SessionShape;
  /**
   * Build the VAE encoder (image-to-image) at load. Default false: it is built on the first
   * image-to-image generation when the weights can be read again (Blob/File or retainWeights),
   * else that generation is answered 'missing-model'.
   */
  img2img?: boolean;
  /**
   * Cross-attention layers (ComfyUI numbering) whose attention maps the UNet outputs from the
   * start. Default none: a generation asking for maps (settings.attention) makes such a UNet
   * itself when the weights can be read again (Blob/File or retainWeights).
   */
  probeLayers?: number[];
  /** How LoRAs are applied: merged into the weights (default; plain-model speed) or as a low-rank side branch. */
  loraMode?: 'merge' | 'side';
  /** ORT verbose logging (logSeverityLevel 0): the console shows where each node runs. */
  verbose?: boolean;
  /** Same-origin path of onnxruntime-web's wasm files; default ORT_WASM_PATH. */
  wasmPaths?: string;
}

export type Request =
  | { type: 'load'; id: number; files: ModelFiles; options?: LoadOptions }
  | { type: 'generate'; id: number; settings: GenerateSettings }
  | { type: 'cancel'; id: number; release?: boolean }
  | { type: 'unload'; id: number }
  | { type: 'status'; id: number };

export interface LoadedInfo {
  provider: Provider;
  floatType: 'float32' | 'float16';
  /** What each given file was detected as. */
  files: { name: string; role: string; detected: string }[];
  adapters: { name: string; projector: string; tokens: number }[];
  /** Per LoRA: layers matched in the UNet / text encoder, and a notice when some of its modules matched nothing. */
  loras: { name: string; unet: number; textEncoder: number; notice: string | null }[];
  branchModels: number[];
  /** The static shape the sessions were made for (LoadOptions.shape), or null (any size). */
  shape?: StaticShape | null;
  /** GPU adapter description (WebGPU) */
  device?: string;
  loadMs: number;
}

export type ErrorCode =
  | 'bad-request'
  | 'busy'
  | 'not-loaded'
  | 'invalid-settings'
  | 'unet-branches'
  | 'missing-model'
  | 'shape-mismatch'
  | 'weights'
  | 'webgpu-unavailable'
  | 'wasm-path'
  | 'load-failed'
  /** A LoRA file that is none, matches nothing in this model, or has a bad strength. */
  | 'lora'
  /** The request was stopped by a cancel (the cancel itself is answered with 'cancelled'). */
  | 'cancelled'
  /** Static-shape sessions for another size/batch, and the weights cannot be read again to rebuild them. */
  | 'size-not-loaded'
  /**
   * The GPU device was lost (driver reset, another tab, sleep, device.destroy()): every session
   * is gone. PipelineClient starts a fresh worker on the next request; load again.
   */
  | 'device-lost'
  /** The GPU (or the wasm heap) ran out of memory; the worker released its sessions. Load again, smaller. */
  | 'out-of-memory'
  | 'runtime';

export type Reply =
  | { type: 'load-progress'; id: number; stage: string; done: number; total: number }
  | { type: 'loaded'; id: number; info: LoadedInfo }
  | ({ type: 'progress'; id: number } & GenerateProgress)
  | ({ type: 'result'; id: number } & GenerateResult)
  /** `stopped`: the id of the generation or load that stopped (null if nothing was running). */
  | { type: 'cancelled'; id: number; stopped: number | null; atStep: number | null; released: boolean }
  | { type: 'unloaded'; id: number }
  | { type: 'status'; id: number; loaded: LoadedInfo | null; busy: 'load' | 'generate' | null }
  | { type: 'error'; id: number | null; code: ErrorCode; message: string; details?: SettingsIssue[] | unknown };

export type ReplyOf<T extends Reply['type']> = Extract<Reply, { type: T }>;

/** Big buffers of a reply, to transfer instead of copy. */
export function transferables(r: Reply): Transferable[] {
  if (r.type === 'result') {
    const maps = (r.attention ?? []).flatMap((a) => [a.text.buffer, ...a.image.map((i) => i.maps.buffer)]);
    return [r.images.buffer, r.latents.buffer, ...maps] as Transferable[];
  }
  if (r.type === 'progress') return r.previews.map((p) => p.rgba.buffer as Transferable);
  return [];
}
