/**
 * What the pipeline needs from the networks, as plain async functions on typed arrays, and
 * their thin onnxruntime-web implementation. `generate` sees only these interfaces, so the same
 * loop runs on onnxruntime-web's wasm provider in Node (tests), on WebGPU in the worker, or on
 * stand-ins (the overhead benchmark).
 *
 * The ort module is passed in (`onnxruntime-web/webgpu` in the worker, `onnxruntime-web` in
 * Node); nothing here imports it at run time.
 */
import type * as Ort from 'onnxruntime-web';
import { floatToHalf, halfToFloat } from '../weights/safetensors';

/** A float32 tensor as plain data. */
export interface Tensor32 {
  data: Float32Array;
  dims: number[];
}

export interface TextEncoderRunner {
  /** ids: batch × 77 → last_hidden_state [batch, 77, hidden], flattened. */
  encode(ids: Int32Array, batch: number): Promise<Float32Array>;
}

export interface ImageEncoderRunner {
  /** Side of the square input (224 for ViT-H/14). */
  readonly size: number;
  /** pixels [batch, 3, size, size] → the outputs the loaded projectors need. */
  encode(pixels: Tensor32): Promise<{ imageEmbeds?: Tensor32; hiddenStates?: Tensor32 }>;
}

export interface ProjectorRunner {
  /** The CLIP output it reads: pooled `image_embeds` (base) or penultimate hidden states (Plus, full-face). */
  readonly input: 'image_embeds' | 'image_hidden_states';
  /** [batch, …] → ip tokens [batch, T, C]. */
  project(x: Tensor32): Promise<Tensor32>;
}

export interface UnetRunner {
  /** A session with static shapes (shapes.ts) runs only this batch and latent size. */
  readonly staticShape?: { batch: number; height: number; width: number };
  /** The graph's input names (which ip_* inputs exist). */
  readonly inputNames: readonly string[];
  /** For each image branch a of the graph (`ip_tokens_{a}`), the index of the adapter file it was built with. */
  readonly branchModels: readonly number[];
  /** feeds → out_sample (ε), flattened [batch, 4, h, w]. */
  run(feeds: Record<string, Tensor32>): Promise<Float32Array>;
  /** Cross-attention layers whose probabilities the graph outputs (`attn_text_{t}`, `attn_ip_{a}_{t}`). */
  readonly probeLayers?: readonly number[];
  /** run() plus the named probe outputs. */
  runWithProbes?(feeds: Record<string, Tensor32>, probes: string[]): Promise<{ eps: Float32Array; probes: Record<string, Tensor32> }>;
}

export interface VaeDecoderRunner {
  /** scaled latents [batch, 4, h, w] → image [batch, 3, 8h, 8w] in [0, 1]. */
  decode(latents: Tensor32): Promise<Float32Array>;
}

export interface VaeEncoderRunner {
  /** image [batch, 3, H, W] in [−1, 1] → latent_dist mean [batch, 4, H/8, W/8] (unscaled). */
  encodeMean(image: Tensor32): Promise<Float32Array>;
}

export interface PipelineRunners {
  text?: TextEncoderRunner;
  image?: ImageEncoderRunner;
  /** One per loaded IP-Adapter file, in load order. */
  projectors: ProjectorRunner[];
  unet: UnetRunner;
  vaeDecoder: VaeDecoderRunner;
  vaeEncoder?: VaeEncoderRunner;
}

// ---------------------------------------------------------------------------------------------
// onnxruntime-web

type Session = Ort.InferenceSession;

/** `half`: the graph's float inputs/outputs are float16 (CLIP and projector graphs built in fp16). */
export interface PipelineSessions {
  text?: Session;
  textHalf?: boolean;
  /** CLIP vision graph; outputs `image_embeds` and/or `penultimate_hidden_states`. */
  image?: { session: Session; size: number; half?: boolean };
  projectors: { session: Session; input: 'image_embeds' | 'image_hidden_states'; half?: boolean }[];
  unet: { session: Session; branchModels: number[]; staticShape?: { batch: number; height: number; width: number }; probeLayers?: number[] };
  /** Built with `postprocess: true` (output `decoded_postprocessed`). */
  vaeDecoder: Session;
  vaeEncoder?: Session;
}

/** Runs a session and returns the float32 data of the named outputs; ORT's output tensors are disposed. */
async function runFloat(ort: typeof Ort, session: Session, feeds: Record<string, Ort.Tensor>, names: string[]): Promise<Record<string, Tensor32>> {
  const out = await session.run(feeds, names);
  const result: Record<string, Tensor32> = {};
  for (const [name, t] of Object.entries(out)) {
    if (names.includes(name)) {
      const data = t.location === 'cpu' ? t.data : await t.getData(true);
      result[name] = { data: toFloat32(data), dims: [...t.dims] };
    }
    t.dispose();
  }
  for (const t of Object.values(feeds)) t.dispose();
  void ort;
  return result;
}

const f32 = (ort: typeof Ort, t: Tensor32, half = false) =>
  (half ? new ort.Tensor('float16', Uint16Array.from(t.data, floatToHalf), t.dims) : new ort.Tensor('float32', t.data, t.dims));

/** float32 data from an output (float16 outputs arrive as Uint16Array bits, or Float16Array where the engine has it). */
function toFloat32(data: unknown): Float32Array {
  if (data instanceof Float32Array) return data;
  if (data instanceof Uint16Array) return Float32Array.from(data, halfToFloat);
  return Float32Array.from(data as ArrayLike<number>);
}

/** The rows of a [batch, …] tensor as [1, …] tensors (copies: ORT reads whole buffers). */
function splitRows(t: Tensor32): Tensor32[] {
  const n = t.dims[0];
  const per = t.data.length / n;
  return Array.from({ length: n }, (_, i) => ({ data: t.data.slice(i * per, (i + 1) * per), dims: [1, ...t.dims.slice(1)] }));
}

/** [1, …] results back into one [batch, …] tensor. */
function stackRows(rows: Tensor32[]): Tensor32 {
  if (rows.length === 1) return rows[0];
  const per = rows[0].data.length;
  const data = new Float32Array(rows.length * per);
  rows.forEach((r, i) => data.set(r.data, i * per));
  return { data, dims: [rows.length, ...rows[0].dims.slice(1)] };
}

/** The pipeline's runners over onnxruntime-web sessions. */
export function ortRunners(ort: typeof Ort, s: PipelineSessions): PipelineRunners {
  // The encoders run one row at a time: their sessions have a static batch of 1 (shapes.ts),
  // and a prompt's chunks or an adapter's references are few.
  const text: TextEncoderRunner | undefined = s.text && {
    async encode(ids, batch) {
      const S = ids.length / batch;
      const rows = [];
      for (let b = 0; b < batch; b++) {
        const t = new ort.Tensor('int64', BigInt64Array.from(ids.subarray(b * S, (b + 1) * S), (v) => BigInt(v)), [1, S]);
        rows.push({ data: (await runFloat(ort, s.text!, { input_ids: t }, ['last_hidden_state'])).last_hidden_state.data, dims: [] });
      }
      return stackRows(rows).data;
    },
  };
  const image: ImageEncoderRunner | undefined = s.image && {
    size: s.image.size,
    async encode(pixels) {
      const names = s.image!.session.outputNames.filter((n) => n === 'image_embeds' || n === 'penultimate_hidden_states');
      const embeds: Tensor32[] = [];
      const hidden: Tensor32[] = [];
      for (const row of splitRows(pixels)) {
        const r = await runFloat(ort, s.image!.session, { pixel_values: f32(ort, row, s.image!.half) }, names);
        if (r.image_embeds) embeds.push(r.image_embeds);
        if (r.penultimate_hidden_states) hidden.push(r.penultimate_hidden_states);
      }
      return { imageEmbeds: embeds.length ? stackRows(embeds) : undefined, hiddenStates: hidden.length ? stackRows(hidden) : undefined };
    },
  };
  const projectors: ProjectorRunner[] = s.projectors.map((p) => ({
    input: p.input,
    async project(x) {
      const rows: Tensor32[] = [];
      for (const row of splitRows(x)) rows.push((await runFloat(ort, p.session, { [p.input]: f32(ort, row, p.half) }, ['ip_tokens'])).ip_tokens);
      return stackRows(rows);
    },
  }));
  const unet: UnetRunner = {
    staticShape: s.unet.staticShape,
    inputNames: s.unet.session.inputNames,
    branchModels: s.unet.branchModels,
    probeLayers: s.unet.probeLayers,
    async run(feeds) {
      const t: Record<string, Ort.Tensor> = {};
      for (const [k, v] of Object.entries(feeds)) t[k] = f32(ort, v);
      return (await runFloat(ort, s.unet.session, t, ['out_sample'])).out_sample.data;
    },
    async runWithProbes(feeds, probes) {
      const t: Record<string, Ort.Tensor> = {};
      for (const [k, v] of Object.entries(feeds)) t[k] = f32(ort, v);
      const { out_sample: eps, ...rest } = await runFloat(ort, s.unet.session, t, ['out_sample', ...probes]);
      return { eps: eps.data, probes: rest };
    },
  };
  const vaeDecoder: VaeDecoderRunner = {
    async decode(latents) {
      return (await runFloat(ort, s.vaeDecoder, { latents: f32(ort, latents) }, ['decoded_postprocessed'])).decoded_postprocessed.data;
    },
  };
  const vaeEncoder: VaeEncoderRunner | undefined = s.vaeEncoder && {
    async encodeMean(image) {
      return (await runFloat(ort, s.vaeEncoder!, { image: f32(ort, image) }, ['latent_mean'])).latent_mean.data;
    },
  };
  return { text, image, projectors, unet, vaeDecoder, vaeEncoder };
}

/** Releases every session (GPU buffers included). Safe to call twice. */
export async function releaseSessions(s: PipelineSessions | undefined): Promise<void> {
  if (!s) return;
  const all = [s.text, s.image?.session, ...s.projectors.map((p) => p.session), s.unet.session, s.vaeDecoder, s.vaeEncoder];
  await Promise.all(all.map(async (x) => { try { await x?.release(); } catch { /* already released */ } }));
}
