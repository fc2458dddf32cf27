import { floatToHalf, parseSafetensorsHeader, readFloat32, type SafetensorsHeader, type TensorInfo } from '../weights/safetensors';
import { Weights, type WeightFile } from '../weights/weights';
import { LoraError } from './errors';
import { matchLora, type LoraComponent, type LoraMatch, type LoraReport, type MatchTargets } from './keymap';
import type { ParsedLora } from './parse';
import { aliasInfo, loraSideKey, sideShapes } from './sideBranch';

/**
 * Applying LoRA files to the UNet and the text encoder, two ways:
 *
 * merged (`mergeLoras`): W' = W + Σ strength·(alpha/r)·B·A for every adapted layer, written into
 *   a new safetensors buffer whose tensors carry the base names. That buffer goes first in a new
 *   `Weights` file list, so the builders, unchanged, read W' where it exists and W elsewhere.
 *   The graph is as fast as the plain model; the cost is one full copy of every adapted weight
 *   (LCM-LoRA on SD1.5 adapts 278 layers ≈ 0.8 GB in fp16).
 * side branch (`loraSideBranches`): the factors stay factors; the builders add s·(x·Aᵀ)·Bᵀ next
 *   to each adapted layer (lora/sideBranch.ts). Small (LCM-LoRA: 67 M parameters), a little
 *   slower per step, and the B·A of the lesson is visible in the graph.
 * Both give the same outputs up to float32 rounding; strength 0 leaves a LoRA out entirely, so
 * the model is the base model exactly.
 *
 * `Weights` must be the root views the builders are given (no prefix, no key map — e.g. a
 * diffusers folder's file, or `ldmWeights(...)` for a single-file checkpoint, whose header is
 * already in diffusers names). Returned `files` hold only the new buffers; pass
 * `new Map([...baseFiles, ...files])` to `createSession`.
 */
export type Strength = number | { unet?: number; textEncoder?: number };

export interface LoraInput {
  lora: ParsedLora;
  /** Multiplies alpha/r (ComfyUI strength_model / strength_clip). Default 1. */
  strength?: Strength;
}

export interface AppliedPart {
  weights: Weights;
  /** The buffers the new weights add (location → bytes). */
  files: Map<string, Uint8Array>;
  /** Layers changed. */
  layers: number;
}

export interface AppliedLoras {
  unet?: AppliedPart;
  textEncoder?: AppliedPart;
  reports: LoraReport[];
}

function strengthOf(s: Strength | undefined, c: LoraComponent, label: string): number {
  const v = s === undefined ? 1 : typeof s === 'number' ? s : (c === 'unet' ? s.unet : s.textEncoder) ?? 1;
  if (!Number.isFinite(v)) {
    throw new LoraError('bad-strength', {
      en: `The strength of ${label} must be a number, got ${String(v)}.`,
      zh: `${label} 的强度必须是一个数字，现在是 ${String(v)}。`,
    });
  }
  return v;
}

interface Scaled { match: LoraMatch; scale: number; file: ParsedLora['file'] }

/** Matches every LoRA and collects, per component, the (layer, factors, scale) to apply. Strength 0 drops a LoRA. */
function collect(targets: MatchTargets, loras: LoraInput[]): { perPart: Record<LoraComponent, Scaled[]>; reports: LoraReport[] } {
  const perPart: Record<LoraComponent, Scaled[]> = { unet: [], text_encoder: [] };
  const reports: LoraReport[] = [];
  for (const { lora, strength } of loras) {
    const { matches, report } = matchLora(lora, targets); // throws when nothing matches
    reports.push(report);
    for (const m of matches) {
      const s = strengthOf(strength, m.component, lora.file.label);
      if (s !== 0) perPart[m.component].push({ match: m, scale: s * m.alphaScale, file: lora.file });
    }
  }
  return { perPart, reports };
}

let counter = 0;

// ---------------------------------------------------------------- side branch

function sidePart(base: Weights, items: Scaled[], part: string): AppliedPart {
  const id = counter++;
  const scalesLocation = `lora-side-scales-${id}-${part}.bin`;
  const perModule = new Map<string, number>();
  const aliasHeaders = new Map<string, { file: ParsedLora['file']; tensors: Map<string, TensorInfo> }>();
  const scaleData = new Float32Array(items.length);
  const scaleTensors = new Map<string, TensorInfo>();
  const scaleValues: Record<string, string> = {};
  items.forEach((it, k) => {
    const { target, lora } = it.match;
    const i = perModule.get(target.module) ?? 0;
    perModule.set(target.module, i + 1);
    const shapes = sideShapes(target.kind, target.weight.shape, lora.rank);
    const entry = aliasHeaders.get(it.file.location) ?? { file: it.file, tensors: new Map() };
    const down = `${target.module}.${loraSideKey(i, 'down')}`;
    const up = `${target.module}.${loraSideKey(i, 'up')}`;
    entry.tensors.set(down, aliasInfo(lora.down, down, shapes.down));
    entry.tensors.set(up, aliasInfo(lora.up, up, shapes.up));
    aliasHeaders.set(it.file.location, entry);
    scaleData[k] = it.scale;
    const name = `${target.module}.${loraSideKey(i, 'scale')}`;
    scaleTensors.set(name, { name, dtype: 'F32', shape: [1], begin: k * 4, end: k * 4 + 4 });
    scaleValues[name] = String(it.scale);
  });
  const header = (tensors: Map<string, TensorInfo>, from: SafetensorsHeader): SafetensorsHeader => ({ ...from, tensors });
  const files: WeightFile[] = [...aliasHeaders.values()].map(({ file, tensors }) => ({
    location: file.location, label: `${file.label} (side-branch factors)`, header: header(tensors, file.header),
  }));
  files.push({ location: scalesLocation, label: 'LoRA scales', header: { dataStart: 0, tensors: scaleTensors, metadata: scaleValues, requiredSize: scaleData.byteLength } });
  const bytes = new Map<string, Uint8Array>([[scalesLocation, new Uint8Array(scaleData.buffer)]]);
  for (const { file } of aliasHeaders.values()) bytes.set(file.location, file.bytes);
  return { weights: new Weights([...files, ...base.files]), files: bytes, layers: perModule.size };
}

/** Side-branch views of the given model parts with every LoRA's factors attached (see sideBranch.ts). */
export function loraSideBranches(targets: MatchTargets, loras: LoraInput[]): AppliedLoras {
  const { perPart, reports } = collect(targets, loras);
  const out: AppliedLoras = { reports };
  if (targets.unet) out.unet = sidePart(targets.unet, perPart.unet, 'unet');
  if (targets.textEncoder) out.textEncoder = sidePart(targets.textEncoder, perPart.text_encoder, 'text_encoder');
  return out;
}

// ---------------------------------------------------------------- merged

/** ΔW[o, j] = Σ_r up[o, r]·down[r, j] (j runs over in·kh·kw for a conv layer), in float64. */
export function loraDelta(up: Float32Array, down: Float32Array, out: number, rank: number, cols: number, scale: number, into: Float64Array): void {
  for (let o = 0; o < out; o++) {
    for (let r = 0; r < rank; r++) {
      const u = up[o * rank + r] * scale;
      if (u === 0) continue;
      const row = r * cols;
      const dst = o * cols;
      for (let j = 0; j < cols; j++) into[dst + j] += u * down[row + j];
    }
  }
}

/** A safetensors file from float tensors (F32 or F16), 8-byte aligned data. */
export function encodeSafetensors(tensors: { name: string; dtype: 'F32' | 'F16'; shape: number[]; values: ArrayLike<number> }[], metadata: Record<string, string> = {}): Uint8Array {
  const entries: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const size = t.values.length * (t.dtype === 'F16' ? 2 : 4);
    entries[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = JSON.stringify(entries);
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const t of tensors) {
    if (t.dtype === 'F16') for (let i = 0; i < t.values.length; i++, at += 2) view.setUint16(at, floatToHalf(t.values[i]), true);
    else for (let i = 0; i < t.values.length; i++, at += 4) view.setFloat32(at, t.values[i], true);
  }
  return out;
}

function mergedPart(base: Weights, baseFiles: Map<string, Uint8Array>, items: Scaled[], part: string): AppliedPart {
  const byModule = new Map<string, Scaled[]>();
  for (const it of items) byModule.set(it.match.target.module, [...(byModule.get(it.match.target.module) ?? []), it]);
  const tensors: Parameters<typeof encodeSafetensors>[0] = [];
  for (const [module, list] of byModule) {
    const ref = base.ref(`${module}.weight`);
    const bytes = baseFiles.get(ref.location);
    if (!bytes) throw new Error(`mergeLoras: the bytes of "${ref.location}" (holding ${ref.info.name}) were not given.`);
    const w = readFloat32(bytes, ref.info);
    const shape = ref.info.shape;
    const out = shape[0];
    const cols = w.length / out;
    const delta = new Float64Array(w.length);
    for (const it of list) {
      const up = readFloat32(it.file.bytes, it.match.lora.up);
      const down = readFloat32(it.file.bytes, it.match.lora.down);
      loraDelta(up, down, out, it.match.lora.rank, cols, it.scale, delta);
    }
    const merged = new Float64Array(w.length);
    for (let i = 0; i < w.length; i++) merged[i] = w[i] + delta[i];
    tensors.push({ name: ref.info.name, dtype: ref.info.dtype === 'F16' ? 'F16' : 'F32', shape, values: merged });
  }
  const bytes = encodeSafetensors(tensors, { format: 'pt', note: 'base weights with LoRA merged in' });
  const location = `lora-merged-${counter++}-${part}.safetensors`;
  const header = parseSafetensorsHeader(bytes, bytes.length, location);
  const overlay: WeightFile = { location, header, label: `merged LoRA weights (${byModule.size} layers)` };
  return { weights: new Weights([overlay, ...base.files]), files: new Map([[location, bytes]]), layers: byModule.size };
}

export interface MergeTargets {
  unet?: { weights: Weights; files: Map<string, Uint8Array> };
  textEncoder?: { weights: Weights; files: Map<string, Uint8Array> };
}

/** Merged views of the given model parts: W + Σ s·B·A for every adapted layer (see the top of this file). */
export function mergeLoras(targets: MergeTargets, loras: LoraInput[]): AppliedLoras {
  const { perPart, reports } = collect({ unet: targets.unet?.weights, textEncoder: targets.textEncoder?.weights }, loras);
  const out: AppliedLoras = { reports };
  if (targets.unet) out.unet = mergedPart(targets.unet.weights, targets.unet.files, perPart.unet, 'unet');
  if (targets.textEncoder) out.textEncoder = mergedPart(targets.textEncoder.weights, targets.textEncoder.files, perPart.text_encoder, 'text_encoder');
  return out;
}
