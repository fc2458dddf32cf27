import { Graph, type Dim } from '../onnx/graph';
import { attention, gelu, layerNorm, linear, quickGelu } from '../onnx/ops';
import type { Weights } from '../weights/weights';
import type { ClipTextConfig, HiddenAct } from './configs';

/**
 * The CLIP text encoder as SD1.5 uses it (transformers `CLIPTextModel`, keys `text_model.*`):
 *
 *   ids → token embedding + position embedding → N × [x + attn(LN₁ x) (causal); x + MLP(LN₂ x)]
 *       → final LayerNorm = last_hidden_state (SD1.5's prompt embeddings, [B, 77, 768])
 *
 * hidden_states[i] (as transformers numbers them) is the input of layer i: hidden_states[0] is the
 * embedding output and hidden_states[N] the last layer's output, before the final LayerNorm.
 */

export interface ClipTextOptions {
  floatType?: 'float32' | 'float16';
  /** Batch dimension: a number, or a name for a free dimension (default 'batch'). */
  batch?: Dim;
  /**
   * diffusers' `clip_skip`: 0 uses the last layer; 1 the penultimate one (= A1111/ComfyUI
   * "CLIP skip 2"). `last_hidden_state` is then final_layer_norm(hidden_states[-(clipSkip + 1)]),
   * as diffusers and ComfyUI compute it, and the skipped layers are not built at all.
   */
  clipSkip?: number;
  /** Also output `penultimate_hidden_state` = hidden_states[-2], raw (no final LayerNorm). */
  penultimate?: boolean;
  /** Also output every built `hidden_states.{i}` (for tests and the course's layer probes). */
  hiddenStates?: boolean;
  /** Also output `pooler_output` [B, D]: last_hidden_state at the end-of-text token. */
  pooled?: boolean;
}

/** One pre-LayerNorm transformer layer of CLIP (text or vision); `w` is `encoder.layers.{i}.`. */
export function clipEncoderLayer(
  g: Graph, w: Weights, x: string,
  cfg: { hiddenSize: number; intermediateSize: number; numHeads: number; hiddenAct: HiddenAct; layerNormEps: number },
  mask?: string,
): string {
  const d = cfg.hiddenSize;
  const headDim = d / cfg.numHeads;
  if (!Number.isInteger(headDim)) throw new Error(`hidden size ${d} is not divisible by ${cfg.numHeads} heads`);
  const h = layerNorm(g, w.under('layer_norm1.'), x, cfg.layerNormEps, d);
  const attn = g.scope('self_attn', () => {
    const a = w.under('self_attn.');
    const q = linear(g, a.under('q_proj.'), h, { in: d, out: d });
    const k = linear(g, a.under('k_proj.'), h, { in: d, out: d });
    const v = linear(g, a.under('v_proj.'), h, { in: d, out: d });
    const { out } = attention(g, q, k, v, cfg.numHeads, headDim, { mask });
    return linear(g, a.under('out_proj.'), out, { in: d, out: d });
  });
  const x1 = g.op('Add', [x, attn]);
  const h2 = layerNorm(g, w.under('layer_norm2.'), x1, cfg.layerNormEps, d);
  const mlp = g.scope('mlp', () => {
    const m = w.under('mlp.');
    const up = linear(g, m.under('fc1.'), h2, { in: d, out: cfg.intermediateSize });
    const act = cfg.hiddenAct === 'quick_gelu' ? quickGelu(g, up) : gelu(g, up);
    return linear(g, m.under('fc2.'), act, { in: cfg.intermediateSize, out: d });
  });
  return g.op('Add', [x1, mlp]);
}

/** The lowest finite value of the float type: what transformers puts above the causal diagonal. */
export function maskValue(floatType: 'float32' | 'float16'): number {
  return floatType === 'float16' ? -65504 : -3.4028234663852886e38;
}

/**
 * Builds the text encoder. Input `input_ids` int64 [batch, maxPositions]; outputs
 * `last_hidden_state` [batch, maxPositions, hidden] in the graph's float type, plus the optional
 * outputs chosen in `opts`. `w` holds the transformers keys (`text_model.…`), e.g. a diffusers
 * `text_encoder/model.safetensors` or the text part of a single-file checkpoint (ldmKeyMap.ts).
 */
export function buildClipTextEncoder(cfg: ClipTextConfig, w: Weights, opts: ClipTextOptions = {}): Graph {
  const floatType = opts.floatType ?? 'float32';
  const batch = opts.batch ?? 'batch';
  const clipSkip = opts.clipSkip ?? 0;
  const S = cfg.maxPositions;
  const D = cfg.hiddenSize;
  if (!Number.isInteger(clipSkip) || clipSkip < 0 || clipSkip >= cfg.numLayers) {
    throw new Error(`clipSkip must be an integer from 0 to ${cfg.numLayers - 1}, got ${clipSkip}`);
  }
  const built = cfg.numLayers - clipSkip;
  if (opts.penultimate && built < cfg.numLayers - 1) {
    throw new Error(`the penultimate hidden state needs ${cfg.numLayers - 1} layers, but clipSkip ${clipSkip} builds only ${built}`);
  }
  const g = new Graph('clip_text_encoder', floatType);
  const tm = w.under('text_model.');
  const ids = g.input('input_ids', 'int64', [batch, S]);

  let x = g.scope('embeddings', () => {
    const tok = tm.ref('embeddings.token_embedding.weight', [cfg.vocabSize, D]);
    const pos = tm.ref('embeddings.position_embedding.weight', [S, D]);
    const t = g.op('Gather', [g.weight(tok.info.name, tok), ids], { axis: 0 });
    return g.op('Add', [t, g.weight(pos.info.name, pos)]);
  });

  const causal: number[] = [];
  for (let i = 0; i < S; i++) for (let j = 0; j < S; j++) causal.push(j > i ? maskValue(floatType) : 0);
  const mask = g.constant(causal, [1, 1, S, S], floatType, 'causal_mask');

  const states: string[] = [x];
  for (let i = 0; i < built; i++) {
    x = g.scope(`layers.${i}`, () => clipEncoderLayer(g, tm.under(`encoder.layers.${i}.`), x, cfg, mask));
    states.push(x);
  }
  const last = g.scope('final_layer_norm', () => layerNorm(g, tm.under('final_layer_norm.'), x, cfg.layerNormEps, D));
  g.output('last_hidden_state', last, floatType, [batch, S, D]);
  if (opts.penultimate) g.output('penultimate_hidden_state', states[cfg.numLayers - 1], floatType, [batch, S, D]);
  if (opts.hiddenStates) states.forEach((s, i) => g.output(`hidden_states.${i}`, s, floatType, [batch, S, D]));
  if (opts.pooled) g.output('pooler_output', g.scope('pooler', () => pool(g, cfg, ids, last)), floatType, [batch, D]);
  return g;
}

/** transformers' pooling: the hidden state at argmax(ids) (legacy eos id 2) or at the first eos. */
function pool(g: Graph, cfg: ClipTextConfig, ids: string, hidden: string): string {
  const S = cfg.maxPositions;
  const FLOAT = 1;
  const key = cfg.eosTokenId === 2
    ? g.op('Cast', [ids], { to: FLOAT }) // ids < 2^24: exact in float32
    : g.op('Cast', [g.op('Equal', [ids, g.constant([cfg.eosTokenId], [], 'int64')])], { to: FLOAT });
  const at = g.op('ArgMax', [key], { axis: 1, keepdims: 1 }); // first maximum: [B, 1]
  const positions = g.constant(Array.from({ length: S }, (_, i) => i), [S], 'int64', 'positions');
  const oneHot = g.op('Cast', [g.op('Equal', [at, positions])], { to: g.floatType === 'float16' ? 10 : FLOAT }); // [B, S]
  const picked = g.op('MatMul', [g.op('Unsqueeze', [oneHot, g.ints([1])]), hidden]); // [B, 1, D]
  return g.op('Squeeze', [picked, g.ints([1])]);
}
