/**
 * combine_embeds: how N reference images become one condition (ComfyUI `ipadapter_execute` and
 * the IPAdapter Combine Embeds node). It acts on the CLIP image embeddings *before* the
 * projection model, shape [N, T, D] (T = 1 for pooled `image_embeds` of base adapters,
 * 257 for Plus' penultimate hidden states):
 *
 * - concat: nothing is mixed. Each image is projected on its own and the projected tokens are
 *   put side by side in one sequence (N·4 or N·16 tokens). So it cannot be done here on the
 *   CLIP side — concatenating 257-token CLIP sequences before a Resampler would give a different
 *   result — and `combineEmbeds` returns the N embeddings with `concatAfterProjection`; use
 *   `concatTokens` on the projected [N, tokens, C].
 * - add: Σ e_n;  subtract: e_0 − mean(e_1 … e_{N−1});  average: mean e_n
 * - norm average: mean over n of e_n / √(Σ_m e_m²) — ComfyUI divides by `torch.norm(dim=0)`,
 *   the norm across the *images* for each coordinate, not each embedding's own length. Kept as is.
 * - max / min: elementwise over the images (Combine Embeds node only).
 *
 * With one image every method returns it unchanged (ComfyUI combines only when N > 1).
 * After a non-concat combination the negative is image 0's negative (`combineNegative`).
 */

export const COMBINE_METHODS = ['concat', 'add', 'subtract', 'average', 'norm average', 'max', 'min'] as const;
export type CombineMethod = (typeof COMBINE_METHODS)[number];

export function isCombineMethod(x: unknown): x is CombineMethod {
  return typeof x === 'string' && (COMBINE_METHODS as readonly string[]).includes(x);
}

/** A stack of N embeddings, each T×D, row-major [n][t][d]. */
export interface Embeds {
  data: Float32Array;
  n: number;
  t: number;
  d: number;
}

export interface Combined {
  embeds: Embeds;
  /** True for concat with N > 1: project each of the N embeddings, then `concatTokens`. */
  concatAfterProjection: boolean;
}

function check(e: Embeds): void {
  if (e.n < 1 || e.t < 1 || e.d < 1 || e.data.length !== e.n * e.t * e.d) {
    throw new Error(`Embeddings of shape [${e.n}, ${e.t}, ${e.d}] need ${e.n * e.t * e.d} values, got ${e.data.length}.`);
  }
}

const copy = (e: Embeds): Embeds => ({ ...e, data: e.data.slice() });

export function combineEmbeds(e: Embeds, method: CombineMethod): Combined {
  check(e);
  if (e.n === 1) return { embeds: copy(e), concatAfterProjection: false };
  if (method === 'concat') return { embeds: copy(e), concatAfterProjection: true };
  const { n } = e;
  const m = e.t * e.d;
  const out = new Float32Array(m);
  const x = e.data;
  for (let j = 0; j < m; j++) {
    let r: number;
    switch (method) {
      case 'add': {
        r = 0;
        for (let i = 0; i < n; i++) r += x[i * m + j];
        break;
      }
      case 'average': {
        r = 0;
        for (let i = 0; i < n; i++) r += x[i * m + j];
        r /= n;
        break;
      }
      case 'subtract': {
        let s = 0;
        for (let i = 1; i < n; i++) s += x[i * m + j];
        r = x[j] - s / (n - 1);
        break;
      }
      case 'norm average': {
        let ss = 0;
        for (let i = 0; i < n; i++) ss += x[i * m + j] * x[i * m + j];
        const norm = Math.sqrt(ss);
        let s = 0;
        for (let i = 0; i < n; i++) s += x[i * m + j];
        // all images 0 here: torch gives 0/0 = NaN; we give 0
        r = norm === 0 ? 0 : s / norm / n;
        break;
      }
      case 'max': {
        r = -Infinity;
        for (let i = 0; i < n; i++) r = Math.max(r, x[i * m + j]);
        break;
      }
      case 'min': {
        r = Infinity;
        for (let i = 0; i < n; i++) r = Math.min(r, x[i * m + j]);
        break;
      }
      default: {
        const never: never = method;
        throw new Error(`Unknown combine method "${String(never)}". Valid: ${COMBINE_METHODS.join(', ')}.`);
      }
    }
    out[j] = r;
  }
  return { embeds: { data: out, n: 1, t: e.t, d: e.d }, concatAfterProjection: false };
}

/**
 * The negative (unconditional) embeddings to go with N positives: for concat, one negative
 * per image (the last one repeated if there are fewer, extra ones dropped — ComfyUI
 * `tensor_to_size`); otherwise just the first.
 */
export function combineNegative(neg: Embeds, positives: number, method: CombineMethod): Combined {
  check(neg);
  if (method === 'concat' && positives > 1) {
    const m = neg.t * neg.d;
    const data = new Float32Array(positives * m);
    for (let i = 0; i < positives; i++) {
      const src = Math.min(i, neg.n - 1);
      data.set(neg.data.subarray(src * m, (src + 1) * m), i * m);
    }
    return { embeds: { data, n: positives, t: neg.t, d: neg.d }, concatAfterProjection: true };
  }
  return { embeds: { data: neg.data.slice(0, neg.t * neg.d), n: 1, t: neg.t, d: neg.d }, concatAfterProjection: false };
}

/** [N, T, C] projected tokens → [1, N·T, C]: image 0's tokens first. */
export function concatTokens(e: Embeds): Embeds {
  check(e);
  return { data: e.data.slice(), n: 1, t: e.n * e.t, d: e.d };
}
