/**
 * The pipeline's ONNX graphs from weight files, and their sessions: the one place where the
 * worker (and the Node tests) turn loaded files into runnable networks.
 *
 * - text encoder: `input_ids` → `last_hidden_state`;
 * - image encoder: `pixel_values` → `image_embeds` and/or `penultimate_hidden_states`, whichever
 *   the loaded adapters' projectors read;
 * - one projector per adapter file: `image_embeds` / `image_hidden_states` → `ip_tokens`;
 * - the UNet with one image branch per entry of `branchModels` (adapter-file index; default two
 *   per file so that a "precise" weight type or two regions fit without a rebuild), all with
 *   mask and embeds_scaling inputs;
 * - the VAE decoder (with the [0, 1] post-processing) and encoder.
 *
 * In float16 graphs the UNet and VAE keep float32 inputs/outputs; the CLIP graphs and projectors
 * take and give float16 (the runners convert).
 */
import type * as Ort from 'onnxruntime-web';
import type { Graph } from '../onnx/graph';
import { createSession } from '../onnx/session';
import type { FileBytes } from '../onnx/materialize';
import { buildClipTextEncoder } from '../models/clipText';
import { buildClipVisionEncoder, type ClipVisionOutput } from '../models/clipVision';
import { buildImageProj, imageProjConfigFromWeights, imageProjInput, imageProjWeights } from '../models/imageProj';
import { buildUnet } from '../models/unet';
import { buildVaeDecoder, buildVaeEncoder } from '../models/vae';
import type { ClipTextConfig, ClipVisionConfig, UnetConfig, VaeConfig } from '../models/configs';
import type { Weights } from '../weights/weights';
import type { PipelineSessions } from './runners';
import type { StaticNetwork } from './shapes';

/** The UNet's static batch and latent size, when its overrides fix all three. */
export function staticUnetShape(dims: Record<string, number>): PipelineSessions['unet']['staticShape'] {
  return dims.batch && dims.height && dims.width ? { batch: dims.batch, height: dims.height, width: dims.width } : undefined;
}

export interface PipelineWeights {
  unet: Weights;
  vae: Weights;
  text?: Weights;
  vision?: Weights;
  /** h94-layout IP-Adapter files (image_proj.* + ip_adapter.*), in load order. */
  adapters: Weights[];
}

export interface PipelineConfigs {
  unet: UnetConfig;
  vae: VaeConfig;
  text?: ClipTextConfig;
  vision?: ClipVisionConfig;
}

export interface GraphOptions {
  floatType?: 'float32' | 'float16';
  /** Adapter-file index of each UNet image branch (default: each file twice). */
  branchModels?: number[];
  /** Build the VAE encoder (img2img). Default true here; the worker builds it only when asked (host.ts). */
  vaeEncoder?: boolean;
  /** Build the text encoder (false when prompts come as embeddings). Default: when weights are given. */
  text?: boolean;
  /** Cross-attention layers whose attention probabilities the UNet also outputs (attention maps). */
  probeLayers?: number[];
}

export interface PipelineGraphs {
  text?: Graph;
  image?: { graph: Graph; size: number };
  projectors: { graph: Graph; input: 'image_embeds' | 'image_hidden_states' }[];
  unet: { graph: Graph; branchModels: number[]; probeLayers?: number[] };
  vaeDecoder: Graph;
  vaeEncoder?: Graph;
  floatType: 'float32' | 'float16';
}

export const defaultBranchModels = (adapters: number): number[] => Array.from({ length: adapters * 2 }, (_, i) => Math.floor(i / 2));

export function buildUnetGraph(w: PipelineWeights, c: PipelineConfigs, branchModels: number[], floatType: 'float32' | 'float16' = 'float32', probeLayers?: number[]): Graph {
  for (const m of branchModels) if (!w.adapters[m]) throw new Error(`UNet branch for adapter file ${m}, but only ${w.adapters.length} are loaded.`);
  return buildUnet(c.unet, w.unet, {
    floatType, embedsScaling: true, probeLayers,
    adapters: branchModels.map((m) => ({ weights: w.adapters[m], mask: true })),
  });
}

export function buildPipelineGraphs(w: PipelineWeights, c: PipelineConfigs, o: GraphOptions = {}): PipelineGraphs {
  const floatType = o.floatType ?? 'float32';
  const projectors = w.adapters.map((a) => {
    const cfg = imageProjConfigFromWeights(imageProjWeights(a));
    return { graph: buildImageProj(cfg, a, { floatType }), input: imageProjInput(cfg) };
  });
  let image: PipelineGraphs['image'];
  if (projectors.length) {
    if (!w.vision || !c.vision) throw new Error('IP-Adapter files are loaded but no image encoder (CLIP vision) is.');
    const outputs = [...new Set(projectors.map((p): ClipVisionOutput => (p.input === 'image_embeds' ? 'image_embeds' : 'penultimate_hidden_states')))];
    image = { graph: buildClipVisionEncoder(c.vision, w.vision, { floatType, outputs }), size: c.vision.imageSize };
  }
  const withText = o.text ?? Boolean(w.text);
  if (withText && (!w.text || !c.text)) throw new Error('No text encoder weights or config.');
  return {
    text: withText ? buildClipTextEncoder(c.text!, w.text!, { floatType }) : undefined,
    image,
    projectors,
    unet: {
      graph: buildUnetGraph(w, c, o.branchModels ?? defaultBranchModels(w.adapters.length), floatType, o.probeLayers),
      branchModels: o.branchModels ?? defaultBranchModels(w.adapters.length),
      probeLayers: o.probeLayers,
    },
    vaeDecoder: buildVaeDecoder(c.vae, w.vae, { floatType, postprocess: true }),
    vaeEncoder: o.vaeEncoder === false ? undefined : buildVaeEncoder(c.vae, w.vae, { floatType }),
    floatType,
  };
}

/**
 * Sessions for the graphs, created one after another (memory peaks stay at one network).
 * `onStage` reports each; `shouldStop` is polled between them (a cancelled load releases what
 * was created and returns undefined).
 */
export async function createPipelineSessions(
  ort: typeof Ort, g: PipelineGraphs, files: FileBytes, options: Ort.InferenceSession.SessionOptions = {},
  hooks: {
    onStage?: (stage: string, done: number, total: number) => void;
    shouldStop?: () => boolean;
    /** freeDimensionOverrides per network (shapes.ts: dimOverrides). */
    dims?: (net: StaticNetwork, graph: Graph) => Record<string, number>;
  } = {},
): Promise<PipelineSessions | undefined> {
  const jobs: [string, Graph, StaticNetwork][] = [];
  if (g.text) jobs.push(['text encoder', g.text, 'text']);
  if (g.image) jobs.push(['image encoder', g.image.graph, 'image']);
  g.projectors.forEach((p, i) => jobs.push([`projector ${i}`, p.graph, 'projector']));
  jobs.push(['unet', g.unet.graph, 'unet'], ['vae decoder', g.vaeDecoder, 'vaeDecoder']);
  if (g.vaeEncoder) jobs.push(['vae encoder', g.vaeEncoder, 'vaeEncoder']);
  const made = new Map<string, Ort.InferenceSession>();
  const half = g.floatType === 'float16';
  let unetShape: PipelineSessions['unet']['staticShape'];
  try {
    for (const [i, [name, graph, net]] of jobs.entries()) {
      hooks.onStage?.(name, i, jobs.length);
      if (hooks.shouldStop?.()) {
        await Promise.all([...made.values()].map((s) => s.release()));
        return undefined;
      }
      const dims = hooks.dims?.(net, graph) ?? {};
      if (net === 'unet') unetShape = staticUnetShape(dims);
      made.set(name, await createSession(ort, graph, files, Object.keys(dims).length ? { ...options, freeDimensionOverrides: dims } : options));
    }
  } catch (e) {
    // one that fails (out of memory, say) must not leave the others holding the GPU
    await Promise.all([...made.values()].map((s) => s.release().catch(() => undefined)));
    throw e;
  }
  hooks.onStage?.('done', jobs.length, jobs.length);
  return {
    text: made.get('text encoder'),
    textHalf: half,
    image: g.image && { session: made.get('image encoder')!, size: g.image.size, half },
    projectors: g.projectors.map((p, i) => ({ session: made.get(`projector ${i}`)!, input: p.input, half })),
    unet: { session: made.get('unet')!, branchModels: g.unet.branchModels, staticShape: unetShape, probeLayers: g.unet.probeLayers },
    vaeDecoder: made.get('vae decoder')!,
    vaeEncoder: made.get('vae encoder'),
  };
}
