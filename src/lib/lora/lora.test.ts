import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import type * as Ort from 'onnxruntime-web';
import { ort, relativeError } from '../../../test/ort';
import { loadFixtureFile } from '../../../test/load-fixture';
import { fixture } from '../../../test/fixtures';
import { makeSafetensors, type TensorSpec } from '../../../test/make-safetensors';
import { createSession } from '../onnx/session';
import type { Graph } from '../onnx/graph';
import { Weights } from '../weights/weights';
import { buildUnet, type UnetConfig } from '../models/unet';
import { unetTimeProj } from '../models/timestep';
import { buildClipTextEncoder } from '../models/clipText';
import { clipTextConfigFromJson } from '../models/configs';
import { LoraError } from './errors';
import { parseLora } from './parse';
import { matchLora, targetModules, type TargetModule } from './keymap';
import { loraSideBranches, mergeLoras } from './apply';
import { layoutWeightFile } from '../../../test/layout-weights';

// ------------------------------------------------------------------ fixtures and tiny LoRA files

const unetConfig = JSON.parse(readFileSync(fixture('unet', 'config.json'), 'utf8')) as UnetConfig;
const unetFile = loadFixtureFile('unet', 'weights.safetensors');
const unetIn = loadFixtureFile('unet', 'inputs.safetensors').file;
const unet = new Weights([unetFile.weightFile]);
const unetBytes = new Map([[unetFile.weightFile.location, unetFile.bytes]]);

const textConfig = clipTextConfigFromJson(JSON.parse(readFileSync(fixture('clip_text', 'config.json'), 'utf8')));
const textFile = loadFixtureFile('clip_text', 'weights.safetensors');
const textIn = loadFixtureFile('clip_text', 'inputs.safetensors').file;
const text = new Weights([textFile.weightFile]);
const textBytes = new Map([[textFile.weightFile.location, textFile.bytes]]);

/** Seeded normal values (Box–Muller on an LCG). */
function randn(n: number, seed: number, std: number): Float32Array {
  let s = seed >>> 0;
  const u = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s + 1) / 4294967297; };
  return Float32Array.from({ length: n }, () => std * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

const LCM_TARGETS = ['to_q', 'to_k', 'to_v', 'to_out.0', 'proj_in', 'proj_out', 'ff.net.0.proj', 'ff.net.2', 'conv1', 'conv2',
  'conv_shortcut', 'downsamplers.0.conv', 'upsamplers.0.conv', 'time_emb_proj'];
const isLcmTarget = (module: string) => LCM_TARGETS.some((t) => module === t || module.endsWith(`.${t}`));

/** Factors for one layer: down [r, in(, kh, kw)], up [out, r(, 1, 1)] (kohya/PEFT both store these shapes). */
function factors(t: TargetModule, rank: number, seed: number) {
  const [out, inp, kh = 1, kw = 1] = t.weight.shape;
  const conv = t.kind === 'conv';
  const downShape = conv ? [rank, inp, kh, kw] : [rank, inp];
  const upShape = conv ? [out, rank, 1, 1] : [out, rank];
  return {
    down: { dtype: 'F32' as const, shape: downShape, data: randn(rank * inp * kh * kw, seed, 0.5 / Math.sqrt(inp * kh * kw)) },
    up: { dtype: 'F32' as const, shape: upShape, data: randn(out * rank, seed + 1, 0.5) },
  };
}

type Layout = 'kohya' | 'peft';
/** A LoRA file for the given modules of one component, in a layout. */
function loraFile(modules: TargetModule[], component: 'unet' | 'text_encoder', layout: Layout, opts: { rank?: number; alpha?: number; seed?: number } = {}): Uint8Array {
  const rank = opts.rank ?? 4;
  const tensors: Record<string, TensorSpec> = {};
  modules.forEach((t, i) => {
    const f = factors(t, rank, (opts.seed ?? 1) * 1000 + i * 2);
    if (layout === 'kohya') {
      const base = `lora_${component === 'unet' ? 'unet' : 'te'}_${t.module.replace(/\./g, '_')}`;
      tensors[`${base}.lora_down.weight`] = f.down;
      tensors[`${base}.lora_up.weight`] = f.up;
      if (opts.alpha !== undefined) tensors[`${base}.alpha`] = { dtype: 'F32', shape: [], data: Float32Array.of(opts.alpha) };
    } else {
      const base = `${component}.${t.module}`;
      tensors[`${base}.lora_A.weight`] = f.down;
      tensors[`${base}.lora_B.weight`] = f.up;
    }
  });
  return makeSafetensors(tensors);
}

const unetTargets = [...targetModules(unet).values()].filter((t) => isLcmTarget(t.module) || t.module === 'conv_in');
const textTargets = [...targetModules(text).values()].filter((t) => /\.(q_proj|k_proj|v_proj|out_proj|fc1|fc2)$/.test(t.module));

// ------------------------------------------------------------------ running the graphs

const f32 = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);
const unetFeeds = () => ({
  sample: f32(unetIn.float32('sample'), [2, 4, 8, 8]),
  time_proj: f32(unetTimeProj(unetIn.ints('timestep_pair'), unetConfig), [2, unetConfig.block_out_channels[0]]),
  encoder_hidden_states: f32(unetIn.float32('encoder_hidden_states'), [2, 77, 32]),
});
const textFeeds = () => ({ input_ids: new ort.Tensor('int64', BigInt64Array.from(textIn.ints('input_ids'), BigInt), [2, 77]) });

async function run(graph: Graph, files: Map<string, Uint8Array>, feeds: Record<string, Ort.Tensor>, output: string): Promise<Float32Array> {
  const session = await createSession(ort, graph, files);
  const out = (await session.run(feeds))[output].data as Float32Array;
  await session.release();
  return out;
}
const runUnet = (w: Weights, extra = new Map<string, Uint8Array>()) => run(buildUnet(unetConfig, w), new Map([...unetBytes, ...extra]), unetFeeds(), 'out_sample');
const runText = (w: Weights, extra = new Map<string, Uint8Array>()) => run(buildClipTextEncoder(textConfig, w), new Map([...textBytes, ...extra]), textFeeds(), 'last_hidden_state');
const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]) || v === b[i]);

// ------------------------------------------------------------------ tests

describe('LoRA on the tiny UNet (kohya layout, linear and conv layers)', () => {
  const lora = parseLora(loraFile(unetTargets, 'unet', 'kohya', { rank: 4, alpha: 2 }), 'tiny-unet-lora.safetensors');
  let base: Float32Array;
  beforeAll(async () => { base = await runUnet(unet); });

  test('every module found its layer: attention, feed-forward, 1×1 proj, 3×3 convs, time embedding, down/upsamplers', () => {
    const { matches, report } = matchLora(lora, { unet });
    expect(report.matched.unet).toBe(unetTargets.length);
    expect(report.unmatched).toEqual([]);
    expect(report.notice).toBeNull();
    expect(matches.every((m) => m.alphaScale === 0.5)).toBe(true); // alpha 2 / rank 4
    for (const suffix of ['attn1.to_q', 'attn2.to_k', 'to_out.0', 'ff.net.0.proj', 'ff.net.2', 'proj_in', 'proj_out', 'conv1', 'conv2', 'conv_shortcut', 'time_emb_proj']) {
      expect(matches.some((m) => m.target.module.endsWith(suffix)), suffix).toBe(true);
    }
    expect(matches.some((m) => m.target.module === 'conv_in')).toBe(true);
    expect(matches.some((m) => m.target.module.includes('downsamplers.0.conv'))).toBe(true);
    expect(matches.some((m) => m.target.module.includes('upsamplers.0.conv'))).toBe(true);
    expect(matches.filter((m) => m.target.kind === 'conv').length).toBeGreaterThan(5);
  });

  test('merged W + s·B·A gives the same output as the side branch s·(x·Aᵀ)·Bᵀ, and both differ from the base', async () => {
    const merged = mergeLoras({ unet: { weights: unet, files: unetBytes } }, [{ lora }]);
    const side = loraSideBranches({ unet }, [{ lora }]);
    const m = await runUnet(merged.unet!.weights, merged.unet!.files);
    const s = await runUnet(side.unet!.weights, side.unet!.files);
    const err = relativeError(s, m);
    const effect = relativeError(base, m);
    console.log(`UNet LoRA: merged vs side branch rel err ${err.toExponential(2)}; LoRA effect ${effect.toExponential(2)} (relative to the output scale); ${merged.unet!.layers} layers`);
    expect(err).toBeLessThan(1e-5);
    expect(effect).toBeGreaterThan(1e-2);
  });

  test('strength 0 is the base model exactly: the very same ONNX model bytes, in both modes', () => {
    const baseBytes = buildUnet(unetConfig, unet).toBytes();
    const side0 = loraSideBranches({ unet }, [{ lora, strength: 0 }]);
    expect(side0.unet!.layers).toBe(0);
    expect(Buffer.from(buildUnet(unetConfig, side0.unet!.weights).toBytes()).equals(Buffer.from(baseBytes))).toBe(true);
    const merged0 = mergeLoras({ unet: { weights: unet, files: unetBytes } }, [{ lora, strength: { unet: 0 } }]);
    expect(merged0.unet!.layers).toBe(0);
    expect(Buffer.from(buildUnet(unetConfig, merged0.unet!.weights).toBytes()).equals(Buffer.from(baseBytes))).toBe(true);
  });

  test('the diffusers/PEFT layout (unet.….lora_A/lora_B, no alpha) adapts the same layers with the same scale', () => {
    const kohya1 = parseLora(loraFile(unetTargets, 'unet', 'kohya', { rank: 4, alpha: 4 }), 'k.safetensors');
    const peft = parseLora(loraFile(unetTargets, 'unet', 'peft', { rank: 4 }), 'p.safetensors');
    expect(peft.layouts).toEqual(['peft']);
    expect(kohya1.layouts).toEqual(['kohya']);
    const a = matchLora(kohya1, { unet }).matches.map((m) => [m.target.module, m.alphaScale]);
    const b = matchLora(peft, { unet }).matches.map((m) => [m.target.module, m.alphaScale]);
    expect(b).toEqual(a);
    expect(matchLora(peft, { unet }).report.withoutAlpha).toBe(unetTargets.length);
  });
});

describe('LoRA on the tiny text encoder', () => {
  test('kohya lora_te_: merged = side branch, different from the base; PEFT text_encoder.… the same layers', async () => {
    const lora = parseLora(loraFile(textTargets, 'text_encoder', 'kohya', { rank: 2, alpha: 1 }), 'te.safetensors');
    const { report } = matchLora(lora, { unet, textEncoder: text });
    expect(report.matched).toEqual({ unet: 0, text_encoder: textTargets.length });
    expect(textTargets.length).toBe(12); // 2 layers × q, k, v, out, fc1, fc2
    const base = await runText(text);
    const merged = mergeLoras({ textEncoder: { weights: text, files: textBytes } }, [{ lora }]);
    const side = loraSideBranches({ textEncoder: text }, [{ lora }]);
    const m = await runText(merged.textEncoder!.weights, merged.textEncoder!.files);
    const s = await runText(side.textEncoder!.weights, side.textEncoder!.files);
    const err = relativeError(s, m);
    console.log(`text encoder LoRA: merged vs side rel err ${err.toExponential(2)}, effect ${relativeError(base, m).toExponential(2)}`);
    expect(err).toBeLessThan(1e-5);
    expect(relativeError(base, m)).toBeGreaterThan(1e-2);
    const peft = parseLora(loraFile(textTargets, 'text_encoder', 'peft'), 'te-peft.safetensors');
    expect(matchLora(peft, { textEncoder: text }).matches.map((x) => x.target.module)).toEqual(textTargets.map((t) => t.module));
  });

  test('strength 0 gives the base outputs bit for bit; strength 2 = the same LoRA applied twice; PEFT = kohya', async () => {
    const lora = parseLora(loraFile(textTargets, 'text_encoder', 'kohya', { rank: 2, alpha: 2 }), 'te.safetensors');
    const base = await runText(text);
    const zero = loraSideBranches({ textEncoder: text }, [{ lora, strength: 0 }]);
    expect(same(await runText(zero.textEncoder!.weights, zero.textEncoder!.files), base)).toBe(true);
    const twice = loraSideBranches({ textEncoder: text }, [{ lora }, { lora }]);
    const double = mergeLoras({ textEncoder: { weights: text, files: textBytes } }, [{ lora, strength: 2 }]);
    expect(twice.textEncoder!.layers).toBe(12);
    expect(relativeError(await runText(twice.textEncoder!.weights, twice.textEncoder!.files), await runText(double.textEncoder!.weights, double.textEncoder!.files))).toBeLessThan(1e-5);
    const peft = parseLora(loraFile(textTargets, 'text_encoder', 'peft', { rank: 2 }), 'te-peft.safetensors'); // no alpha: scale 1 = alpha 2 / rank 2
    const viaPeft = loraSideBranches({ textEncoder: text }, [{ lora: peft }]);
    const viaKohya = mergeLoras({ textEncoder: { weights: text, files: textBytes } }, [{ lora }]);
    expect(relativeError(await runText(viaPeft.textEncoder!.weights, viaPeft.textEncoder!.files), await runText(viaKohya.textEncoder!.weights, viaKohya.textEncoder!.files))).toBeLessThan(1e-5);
  });

  test('one file, both parts, separate strengths (ComfyUI strength_model / strength_clip)', async () => {
    const both = makeSafetensors({
      ...Object.fromEntries([...parseTensors(loraFile(unetTargets.slice(0, 3), 'unet', 'kohya'))]),
      ...Object.fromEntries([...parseTensors(loraFile(textTargets.slice(0, 2), 'text_encoder', 'kohya'))]),
    });
    const lora = parseLora(both, 'both.safetensors');
    const applied = loraSideBranches({ unet, textEncoder: text }, [{ lora, strength: { unet: 1, textEncoder: 0 } }]);
    expect(applied.unet!.layers).toBe(3);
    expect(applied.textEncoder!.layers).toBe(0);
    expect(same(await runText(applied.textEncoder!.weights, applied.textEncoder!.files), await runText(text))).toBe(true);
  });
});

/** The tensors of a safetensors buffer as TensorSpecs (to recombine test files). */
function parseTensors(bytes: Uint8Array): [string, TensorSpec][] {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { dtype: 'F32'; shape: number[]; data_offsets: [number, number] }>;
  return Object.entries(header).filter(([k]) => k !== '__metadata__').map(([k, v]) => [k, {
    dtype: v.dtype, shape: v.shape, data: new Float32Array(bytes.slice(8 + n + v.data_offsets[0], 8 + n + v.data_offsets[1]).buffer),
  }]);
}

describe('key layouts', () => {
  test('kohya files with LDM (single-file) names map to the same diffusers layers', () => {
    const keyMap = JSON.parse(readFileSync(fixture('ldm_single_file', 'key_map.json'), 'utf8')).unet as Record<string, string>;
    const tensors: Record<string, TensorSpec> = {};
    const expected = new Map<string, string>();
    for (const t of unetTargets) {
      const ldm = keyMap[`${t.module}.weight`].replace(/^model\.diffusion_model\./, '').replace(/\.weight$/, '');
      const base = `lora_unet_${ldm.replace(/\./g, '_')}`;
      const f = factors(t, 2, 5);
      tensors[`${base}.lora_down.weight`] = f.down;
      tensors[`${base}.lora_up.weight`] = f.up;
      expected.set(base, t.module);
    }
    const { matches, report } = matchLora(parseLora(makeSafetensors(tensors), 'ldm-named.safetensors'), { unet });
    expect(report.unmatched).toEqual([]);
    expect(matches.length).toBe(unetTargets.length);
    for (const m of matches) expect(m.target.module).toBe(expected.get(m.lora.name));
    expect(expected.get('lora_unet_input_blocks_1_1_transformer_blocks_0_attn1_to_q')).toBe('down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q');
  });

  test('older diffusers layouts: attention processors (to_q_lora) and lora.down/lora.up', () => {
    const q = unetTargets.find((t) => t.module.endsWith('attn1.to_q'))!;
    const out = unetTargets.find((t) => t.module.endsWith('attn1.to_out.0'))!;
    const p = (m: string) => m.replace(/\.(to_q|to_out\.0)$/, '');
    const fq = factors(q, 2, 9);
    const fo = factors(out, 2, 11);
    const lora = parseLora(makeSafetensors({
      [`unet.${p(q.module)}.processor.to_q_lora.down.weight`]: fq.down,
      [`unet.${p(q.module)}.processor.to_q_lora.up.weight`]: fq.up,
      [`${out.module}.lora.down.weight`]: fo.down,
      [`${out.module}.lora.up.weight`]: fo.up,
    }), 'old.safetensors');
    const { matches } = matchLora(lora, { unet, textEncoder: text });
    expect(matches.map((m) => m.target.module).sort()).toEqual([q.module, out.module].sort());
  });
});

describe('LoRA files that do not fit say so', () => {
  test('keys that match nothing: an error listing a few of them', () => {
    const t = unetTargets[0];
    const f = factors(t, 2, 3);
    const sdxlish: Record<string, TensorSpec> = {};
    for (let i = 0; i < 6; i++) {
      sdxlish[`lora_unet_down_blocks_1_attentions_0_transformer_blocks_${i + 3}_attn1_to_q.lora_down.weight`] = f.down;
      sdxlish[`lora_unet_down_blocks_1_attentions_0_transformer_blocks_${i + 3}_attn1_to_q.lora_up.weight`] = f.up;
    }
    const lora = parseLora(makeSafetensors(sdxlish), 'sdxl-style.safetensors');
    let err: unknown;
    try { loraSideBranches({ unet, textEncoder: text }, [{ lora }]); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(LoraError);
    const e = err as LoraError;
    expect(e.code).toBe('no-match');
    expect(e.message).toMatch(/None of the 6 LoRA modules in sdxl-style\.safetensors matches a layer/);
    expect(e.message).toMatch(/"lora_unet_down_blocks_1_attentions_0_transformer_blocks_3_attn1_to_q"/);
    expect(e.message).toMatch(/… \(6 in all\)/);
    expect(e.messages.zh).toMatch(/没有一个能对应/);
  });

  test('right names, wrong shapes: a LoRA for another model', () => {
    const t = unetTargets.find((x) => x.kind === 'linear')!;
    const base = `lora_unet_${t.module.replace(/\./g, '_')}`;
    const bytes = makeSafetensors({
      [`${base}.lora_down.weight`]: { dtype: 'F32', shape: [4, 768], data: new Float32Array(4 * 768) },
      [`${base}.lora_up.weight`]: { dtype: 'F32', shape: [1280, 4], data: new Float32Array(1280 * 4) },
    });
    expect(() => matchLora(parseLora(bytes, 'big.safetensors'), { unet })).toThrow(expect.objectContaining({ code: 'wrong-model', message: expect.stringMatching(/down \[4, 768\]/) }));
  });

  test('partial matches are applied and reported: unmatched, wrong shape, unsupported kinds', () => {
    const good = unetTargets.slice(0, 5);
    const tensors = Object.fromEntries(parseTensors(loraFile(good, 'unet', 'kohya', { alpha: 4 })));
    const f = factors(good[0], 4, 77);
    tensors['lora_unet_not_a_layer_at_all.lora_down.weight'] = f.down;
    tensors['lora_unet_not_a_layer_at_all.lora_up.weight'] = f.up;
    tensors['lora_unet_mid_block_attentions_0_proj_in.hada_w1_a'] = f.down;
    tensors['lora_te_text_model_encoder_layers_0_mlp_fc1.lora_down.weight'] = f.down;
    tensors['lora_te_text_model_encoder_layers_0_mlp_fc1.lora_up.weight'] = f.up;
    const lora = parseLora(makeSafetensors(tensors), 'mixed.safetensors');
    expect(lora.unsupported).toEqual([{ key: 'lora_unet_mid_block_attentions_0_proj_in.hada_w1_a', reason: 'LoHa (LyCORIS) factor' }]);
    const applied = loraSideBranches({ unet }, [{ lora }]);
    const r = applied.reports[0];
    expect(r.matched.unet).toBe(5);
    expect(r.unmatched).toEqual(['lora_unet_not_a_layer_at_all']);
    expect(r.skipped).toEqual(['lora_te_text_model_encoder_layers_0_mlp_fc1']);
    expect(r.notice!.en).toMatch(/5 of 7 modules applied .*1 name no layer of this model \("lora_unet_not_a_layer_at_all"\).*1 are for a model part not adapted here.*1 tensors of unsupported kinds ignored \(LoHa/);
    expect(r.notice!.zh).toMatch(/应用了 5 个/);
  });

  test('a file with no LoRA factors: says what it looks like', () => {
    expect(() => parseLora(unetFile.bytes, 'unet.safetensors')).toThrow(expect.objectContaining({ code: 'not-a-lora', message: expect.stringMatching(/looks like a diffusers UNet/) }));
    const hada = makeSafetensors({ 'lora_unet_x.hada_w1_a': { dtype: 'F32', shape: [1], data: new Float32Array(1) } });
    expect(() => parseLora(hada, 'loha.safetensors')).toThrow(/no plain LoRA factors .*LoHa/);
    const lora = parseLora(loraFile(unetTargets.slice(0, 1), 'unet', 'kohya'), 'x');
    expect(() => loraSideBranches({ unet }, [{ lora, strength: Number.NaN }])).toThrow(expect.objectContaining({ code: 'bad-strength' }));
  });
});

describe('LCM-LoRA for SD1.5 (latent-consistency/lcm-lora-sdv1-5), structurally', () => {
  // Its pytorch_lora_weights.safetensors is in the kohya layout with diffusers module names
  // (e.g. "lora_unet_up_blocks_2_attentions_0_proj_in.lora_up.weight", cited in
  // luosiallen/latent-consistency-model#57): diffusers' train_lcm_distill_lora_sd_wds.py trains a
  // rank-64 PEFT LoRA on the modules below and saves it with get_module_kohya_state_dict
  // (base_model.model → lora_unet, lora_A/B → lora_down/up, every dot but the last two → _,
  // plus an .alpha per module). The key list is rebuilt from that recipe and SD1.5's real layout.
  const layout = JSON.parse(readFileSync(fixture('sd15_fullsize_layout.json'), 'utf8'));
  const state = layout.unet.state_dict as Record<string, number[]>;
  const lcmModules = Object.keys(state).filter((k) => k.endsWith('.weight') && isLcmTarget(k.slice(0, -7)) && state[k].length >= 2).map((k) => k.slice(0, -7));
  const kohyaKey = (peftKey: string) => {
    let k = peftKey.replace('base_model.model', 'lora_unet').replace('lora_A', 'lora_down').replace('lora_B', 'lora_up');
    let n = (k.match(/\./g) ?? []).length - 2;
    k = k.replace(/\./g, (d) => (n-- > 0 ? '_' : d));
    return k;
  };
  const keys = lcmModules.flatMap((m) => [kohyaKey(`base_model.model.${m}.lora_A.weight`), kohyaKey(`base_model.model.${m}.lora_B.weight`), `${kohyaKey(`base_model.model.${m}.lora_A.weight`).split('.')[0]}.alpha`]);

  test('834 tensors, 278 modules, 67.25 M parameters at rank 64 (the LCM-LoRA paper: 67.5 M)', () => {
    expect(keys).toContain('lora_unet_up_blocks_2_attentions_0_proj_in.lora_up.weight');
    expect(keys).toContain('lora_unet_down_blocks_0_resnets_0_conv1.lora_down.weight');
    expect(keys).toHaveLength(834);
    const params = lcmModules.reduce((n, m) => { const [o, ...rest] = state[`${m}.weight`]; return n + 64 * rest.reduce((a, d) => a * d, 1) + o * 64; }, 0);
    expect(params).toBe(67_252_224);
  });

  test('recognised: every module finds its SD1.5 layer, and the side-branch UNet builds at full size', () => {
    // The real names and shapes at rank 1 (a 2 MB stand-in for the 134.5 MB fp16 file).
    const tensors: Record<string, TensorSpec> = {};
    for (const m of lcmModules) {
      const [o, i, kh, kw] = state[`${m}.weight`];
      const base = kohyaKey(`base_model.model.${m}.lora_A.weight`).split('.')[0];
      const conv = kh !== undefined;
      tensors[`${base}.lora_down.weight`] = { dtype: 'F16', shape: conv ? [1, i, kh, kw] : [1, i], data: new Uint16Array(i * (kh ?? 1) * (kw ?? 1)) };
      tensors[`${base}.lora_up.weight`] = { dtype: 'F16', shape: conv ? [o, 1, 1, 1] : [o, 1], data: new Uint16Array(o) };
      tensors[`${base}.alpha`] = { dtype: 'F32', shape: [], data: Float32Array.of(8) };
    }
    const lora = parseLora(makeSafetensors(tensors), 'pytorch_lora_weights.safetensors');
    expect(lora.layouts).toEqual(['kohya']);
    const full = new Weights([layoutWeightFile('sd15-unet.fp16.safetensors', state)]);
    const { matches, report } = matchLora(lora, { unet: full });
    expect(report.matched.unet).toBe(278);
    expect(report.unmatched).toEqual([]);
    expect(report.shapeMismatch).toEqual([]);
    expect(matches.filter((m) => m.target.kind === 'conv').length).toBe(
      lcmModules.filter((m) => state[`${m}.weight`].length === 4).length);
    const side = loraSideBranches({ unet: full }, [{ lora }]);
    const g = buildUnet(layout.unet.config as UnetConfig, side.unet!.weights, { floatType: 'float16' });
    const loraNodes = g.nodes.filter((n) => /\/lora0\//.test(n.name ?? '') && (n.opType === 'MatMul' || n.opType === 'Conv'));
    expect(loraNodes.length).toBe(2 * 278); // down and up for every adapted layer
  });
});
