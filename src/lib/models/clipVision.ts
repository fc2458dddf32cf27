import { Graph, type Dim } from '../onnx/graph';
import { conv2d, layerNorm } from '../onnx/ops';
import type { Weights } from '../weights/weights';
import { clipEncoderLayer } from './clipText';
import type { ClipVisionConfig } from './configs';

/**
 * The IP-Adapter image encoder (transformers `CLIPVisionModelWithProjection`, keys
 * `vision_model.*` and `visual_projection.weight`):
 *
 *   pixels → patch conv (no bias) → [class token; patches] + positions → pre_layrnorm (sic)
 *          = hidden_states[0] → N pre-LN layers (exact GELU) = last_hidden_state
 *   image_embeds = visual_projection(post_layernorm(last_hidden_state[:, 0]))      (base adapters)
 *   hidden_states[-2] = output of layer N-2, the input of the last layer            (Plus, full-face)
 */

export type ClipVisionOutput =
  /** [B, projectionDim]: what ImageProjModel (base/light/vit-G adapters) takes. */
  | 'image_embeds'
  /** [B, tokens, hidden] = hidden_states[-2]: what the Resampler (Plus) and MLPProjModel (full-face) take. */
  | 'penultimate_hidden_states'
  /** [B, tokens, hidden]: the encoder output, not post-layernormed. */
  | 'last_hidden_state'
  /** Every `hidden_states.{i}` that the built layers produce (tests, probes). */
  | 'hidden_states';

export interface ClipVisionOptions {
  floatType?: 'float32' | 'float16';
  batch?: Dim;
  /** Default: both adapter inputs. With only `penultimate_hidden_states`, the last layer is not built. */
  outputs?: ClipVisionOutput[];
}

/** Number of tokens: one per patch plus the class token (257 for ViT-H/14 at 224). */
export const visionTokens = (cfg: ClipVisionConfig) => (cfg.imageSize / cfg.patchSize) ** 2 + 1;

/**
 * Builds the image encoder. Input `pixel_values` [batch, 3, imageSize, imageSize], already
 * normalised (CLIPImageProcessor: resize, centre crop, /255, mean/std), in the graph's float type.
 */
export function buildClipVisionEncoder(cfg: ClipVisionConfig, w: Weights, opts: ClipVisionOptions = {}): Graph {
  const floatType = opts.floatType ?? 'float32';
  const batch = opts.batch ?? 'batch';
  const outputs = new Set<ClipVisionOutput>(opts.outputs ?? ['image_embeds', 'penultimate_hidden_states']);
  const D = cfg.hiddenSize;
  const side = cfg.imageSize / cfg.patchSize;
  if (!Number.isInteger(side)) throw new Error(`image size ${cfg.imageSize} is not a multiple of the patch size ${cfg.patchSize}`);
  const N = side * side;
  const T = N + 1;
  const needsLast = outputs.has('image_embeds') || outputs.has('last_hidden_state');
  const built = needsLast ? cfg.numLayers : cfg.numLayers - 1;

  const g = new Graph('clip_vision_encoder', floatType);
  const vm = w.under('vision_model.');
  const pixels = g.input('pixel_values', floatType, [batch, cfg.numChannels, cfg.imageSize, cfg.imageSize]);

  let x = g.scope('embeddings', () => {
    const e = vm.under('embeddings.');
    e.ref('patch_embedding.weight', [D, cfg.numChannels, cfg.patchSize, cfg.patchSize]);
    const patches = conv2d(g, e.under('patch_embedding.'), pixels, { stride: cfg.patchSize, bias: false }); // [B, D, side, side]
    const seq = g.op('Transpose', [g.op('Reshape', [patches, g.ints([0, 0, -1])])], { perm: [0, 2, 1] }); // [B, N, D]
    // A zero row in front of the patches takes the class token; no batch-sized Expand needed.
    const padded = g.op('Pad', [seq, g.ints([0, 1, 0, 0, 0, 0])]); // [B, T, D]
    const cls = e.ref('class_embedding', [D]);
    const pos = e.ref('position_embedding.weight', [T, D]);
    const clsRow = g.op('Pad', [g.weight(cls.info.name, cls, [1, D]), g.ints([0, 0, N, 0])]); // [T, D], zeros below row 0
    const table = g.op('Add', [g.weight(pos.info.name, pos), clsRow]); // constant-folded by onnxruntime
    return g.op('Add', [padded, table]);
  });
  x = g.scope('pre_layrnorm', () => layerNorm(g, vm.under('pre_layrnorm.'), x, cfg.layerNormEps, D));

  const states: string[] = [x];
  for (let i = 0; i < built; i++) {
    x = g.scope(`layers.${i}`, () => clipEncoderLayer(g, vm.under(`encoder.layers.${i}.`), x, cfg));
    states.push(x);
  }
  const tokens: Dim[] = [batch, T, D];
  if (outputs.has('image_embeds')) {
    const embeds = g.scope('visual_projection', () => {
      const cls = g.op('Gather', [x, g.constant([0], [], 'int64')], { axis: 1 }); // [B, D]
      const pooled = layerNorm(g, vm.under('post_layernorm.'), cls, cfg.layerNormEps, D);
      const proj = w.ref('visual_projection.weight', [cfg.projectionDim, D]);
      return g.op('MatMul', [pooled, g.weightT(proj.info.name, proj)]);
    });
    g.output('image_embeds', embeds, floatType, [batch, cfg.projectionDim]);
  }
  if (outputs.has('penultimate_hidden_states')) g.output('penultimate_hidden_states', states[cfg.numLayers - 1], floatType, tokens);
  if (outputs.has('last_hidden_state')) g.output('last_hidden_state', x, floatType, tokens);
  if (outputs.has('hidden_states')) states.forEach((s, i) => g.output(`hidden_states.${i}`, s, floatType, tokens));
  return g;
}
