// Stand-in networks with the real graphs' input/output contracts, for feed-level tests and the
// overhead benchmark: they record what the loop feeds and return cheap deterministic outputs.
import { tokensAtLevel, unetMaskLevels, type UnetConfig } from '../models/unet';
import type { PipelineRunners, Tensor32 } from './runners';

export interface FakeOptions {
  config: UnetConfig;
  branchModels: number[];
  /** Projector input per adapter file. */
  projectors?: ('image_embeds' | 'image_hidden_states')[];
  tokens?: number;
  record?: boolean;
  clipSize?: number;
  hidden?: number;
  /** Return one preallocated ε buffer (benchmarks: the stand-in then costs nothing; not for cfgMode 'separate'). */
  reuseOutput?: boolean;
  /** Resolve the UNet call after this many ms (a GPU's asynchronous work; the thread is free meanwhile). */
  latencyMs?: number;
}

export interface FakePipeline {
  runners: PipelineRunners;
  unetCalls: Record<string, Tensor32>[];
  textCalls: Int32Array[];
  imageCalls: Tensor32[];
}

export function fakeRunners(o: FakeOptions): FakePipeline {
  const D = o.hidden ?? o.config.cross_attention_dim;
  const T = o.tokens ?? 4;
  const size = o.clipSize ?? 224;
  const unetCalls: Record<string, Tensor32>[] = [];
  const textCalls: Int32Array[] = [];
  const imageCalls: Tensor32[] = [];
  const inputNames = ['sample', 'time_proj', 'encoder_hidden_states'];
  o.branchModels.forEach((_, g) => {
    inputNames.push(`ip_tokens_${g}`, `ip_scale_${g}`, `ip_k_scale_${g}`, `ip_v_mean_${g}`);
    for (const l of unetMaskLevels(o.config)) inputNames.push(`ip_mask_${g}_${l}`);
  });
  // a cheap ε: 0.1·sample (keeps the latents finite and moving); a fresh array per call, as ORT gives
  let reused: Float32Array | null = null;
  const runners: PipelineRunners = {
    text: {
      async encode(ids, batch) {
        textCalls.push(ids.slice());
        const out = new Float32Array(batch * 77 * D);
        for (let i = 0; i < ids.length; i++) out.fill((ids[i] % 1000) / 1000, i * D, (i + 1) * D);
        return out;
      },
    },
    image: {
      size,
      async encode(px) {
        imageCalls.push(px);
        const n = px.dims[0];
        const per = 3 * size * size;
        const mean = (i: number) => { let s = 0; for (let j = 0; j < per; j += 97) s += px.data[i * per + j]; return s / Math.ceil(per / 97); };
        const emb = new Float32Array(n * 8);
        const hs = new Float32Array(n * 5 * 8);
        for (let i = 0; i < n; i++) { emb.fill(mean(i), i * 8, (i + 1) * 8); hs.fill(mean(i), i * 40, (i + 1) * 40); }
        return { imageEmbeds: { data: emb, dims: [n, 8] }, hiddenStates: { data: hs, dims: [n, 5, 8] } };
      },
    },
    projectors: (o.projectors ?? [...new Set(o.branchModels)].map(() => 'image_embeds' as const)).map((input) => ({
      input,
      async project(x) {
        const n = x.dims[0];
        const per = x.data.length / n;
        const out = new Float32Array(n * T * D);
        for (let i = 0; i < n; i++) for (let t = 0; t < T; t++) out.fill(x.data[i * per] + t + 1, (i * T + t) * D, (i * T + t + 1) * D);
        return { data: out, dims: [n, T, D] };
      },
    })),
    unet: {
      inputNames,
      branchModels: o.branchModels,
      async run(feeds) {
        if (o.record) unetCalls.push(feeds);
        const s = feeds.sample.data;
        if (o.latencyMs) await new Promise((r) => setTimeout(r, o.latencyMs));
        if (o.reuseOutput) {
          if (!reused || reused.length !== s.length) reused = s.map((v) => 0.1 * v);
          return reused;
        }
        const eps = new Float32Array(s.length);
        for (let i = 0; i < s.length; i++) eps[i] = 0.1 * s[i];
        return eps;
      },
    },
    vaeDecoder: {
      async decode(latents) {
        const [, , h, w] = latents.dims;
        return new Float32Array(3 * h * 8 * w * 8).fill(0.5);
      },
    },
    vaeEncoder: {
      async encodeMean(image) {
        const [n, , H, W] = image.dims;
        return new Float32Array(n * 4 * (H / 8) * (W / 8)).fill(0.25);
      },
    },
  };
  return { runners, unetCalls, textCalls, imageCalls };
}

/** Level tokens of a config at a latent size (test helper). */
export const levelTokens = (config: UnetConfig, h: number, w: number) => unetMaskLevels(config).map((l) => tokensAtLevel(h, w, l).tokens);
