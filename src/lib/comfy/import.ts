/**
 * A ComfyUI workflow (UI format, or API prompt format) → the panel's settings and a report of
 * everything that could not be carried over.
 *
 * The reading starts at the sampler (KSampler, or KSamplerAdvanced) and follows its inputs back:
 * - model: IPAdapter apply nodes (IPAdapter, IPAdapterAdvanced, …Batch, MS, Precise…, Embeds,
 *   FromParams with Regional Conditioning params, v1's IPAdapterApply), the unified loader, LoRA
 *   loaders, down to CheckpointLoaderSimple; each apply node's ipadapter / clip_vision / image
 *   (LoadImage, PrepImageForClipVision, ImageBatch) / image_negative (an image or IPAdapterNoise) /
 *   attn_mask (LoadImageMask, LoadImage's MASK, ImageToMask, InvertMask, MaskFromRGBCMYBW+);
 * - positive and negative: CLIPTextEncode, through ConditioningCombine(Multiple+); text that only
 *   applies inside a region (IPAdapterRegionalConditioning) is reported;
 * - latent_image: EmptyLatentImage, or VAEEncode of a LoadImage (image-to-image), RepeatLatentBatch;
 * and forward to VAEDecode and SaveImage/PreviewImage. Reroutes are followed, bypassed nodes
 * skipped as ComfyUI skips them, primitives feeding converted widgets read.
 *
 * Pure: the input is never modified, nothing outside is read; never throws (every failure is
 * `{ ok: false, error }` with a sentence).
 */
import { isWeightType, type WeightType } from '../ipadapter/weightTypes';
import { COMBINE_METHODS, type CombineMethod } from '../ipadapter/combineEmbeds';
import { EMBEDS_SCALING_MODES, type EmbedsScaling } from '../ipadapter/embedsScaling';
import { NOISE_TYPES, type NoiseType } from '../ipadapter/negativeNoise';
import { parseLayerWeights } from '../ipadapter/layerWeightsString';
import { CROP_POSITIONS, PREP_INTERPOLATIONS, type CropPosition, type PrepInterpolation } from '../image/prepForClipVision';
import type { MaskChannel } from '../image/mask';
import { parseUntrustedJson, type JsonLimits } from './safeJson';
import { buildGraph, type GLink, type GNode, type Graph, type GraphLimits, type NodeId } from './graph';
import {
  MASK_COLORS, NODE_COMBINE_METHODS, NODE_WEIGHT_TYPES, PASSIVE_TYPES, SIMPLE_WEIGHT_TYPES, UNSUPPORTED_IPADAPTER_NODES,
  schemaOf,
} from './nodeTypes';
import { decodeWidgets, type DecodedWidgets } from './widgets';
import { fromComfySampler } from './samplers';
import { CLIP_VISION_FILES, PRESET_FILES, checkpointArchProblem, classifyClipVisionFile, classifyIpadapterFile, closestPreset, isUnifiedPreset } from './models';
import { LAB_LIMITS, closestSide } from './labLimits';
import {
  defaultAdapter, defaultBridgeSettings,
  type AdapterModelRef, type BridgeAdapter, type BridgeImage, type BridgeLora, type BridgeMask, type BridgeNegative, type ComfyBridgeSettings, type PrepSettings,
} from './settings';
import type { ImportReport, UnknownNode, UnsupportedValue } from './report';

export interface ImportOptions {
  /** The sampler to read (its node id) when the workflow has several. Default: the one with the most IP-Adapter settings. */
  sampler?: NodeId;
  limits?: Partial<JsonLimits & GraphLimits & { maxSteps: number }>;
}

export type ImportErrorCode =
  | 'not-text' | 'not-utf8' | 'empty' | 'too-large' | 'too-deep' | 'not-json' | 'forbidden-key'
  | 'not-a-workflow' | 'too-many-nodes' | 'too-many-links' | 'bad-node' | 'bad-link' | 'duplicate-id' | 'dangling-link' | 'cycle'
  | 'no-sampler' | 'no-such-sampler' | 'too-intricate' | 'internal';

export type ImportResult =
  | { ok: true; settings: ComfyBridgeSettings; report: ImportReport }
  | { ok: false; code: ImportErrorCode; error: string };

const SAMPLER_TYPES = new Set(['KSampler', 'KSamplerAdvanced']);
const APPLY_TYPES = new Set([
  'IPAdapter', 'IPAdapterAdvanced', 'IPAdapterBatch', 'IPAdapterMS', 'IPAdapterPreciseStyleTransfer', 'IPAdapterPreciseStyleTransferBatch',
  'IPAdapterPreciseComposition', 'IPAdapterPreciseCompositionBatch', 'IPAdapterApply', 'IPAdapterEmbeds', 'IPAdapterFromParams',
]);
const MAX_IMAGES = 64;
const DEFAULT_WORK = 50_000;

interface Src {
  node: GNode;
  slot: number;
}

class TooIntricate {}

const label = (n: GNode) => `node ${String(n.id)} (${n.type})`;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Follows a workflow graph from one sampler, collecting settings and report entries. */
class Reader {
  readonly used = new Set<string>();
  readonly unknown = new Map<string, UnknownNode>();
  readonly unsupported: UnsupportedValue[] = [];
  readonly notes: string[] = [];
  private readonly decoded = new Map<string, DecodedWidgets>();
  private readonly noted = new Set<string>();
  private readonly clipChecked = new Set<string>();
  private work: number;
  modelCheckpoint: string | null = null;
  loraKeys = new Set<string>();

  constructor(readonly g: Graph, work = DEFAULT_WORK) {
    this.work = work;
  }

  step(): void {
    if (--this.work < 0) throw new TooIntricate();
  }

  note(msg: string, key = msg): void {
    if (this.noted.has(key)) return;
    this.noted.add(key);
    this.notes.push(msg);
  }

  flag(n: GNode, field: string, value: unknown, reason: string, used?: unknown): void {
    const v: UnsupportedValue = { node: n.id, nodeType: n.type, field, value, reason };
    if (used !== undefined) v.used = used;
    this.unsupported.push(v);
  }

  unknownNode(n: GNode, reason: string, onPath: boolean): void {
    this.used.add(n.key);
    if (!this.unknown.has(n.key)) this.unknown.set(n.key, { id: n.id, type: n.type, onPath, reason });
  }

  /** Widget values by name (decoded once; problems reported once). */
  w(n: GNode): Record<string, unknown> {
    let d = this.decoded.get(n.key);
    if (!d) {
      const schema = schemaOf(n.type);
      d = schema ? decodeWidgets(this.g, n, schema) : { values: Object.create(null), layout: -1, problems: [], sources: [] };
      this.decoded.set(n.key, d);
      for (const p of d.problems) this.flag(n, p.field, p.value, p.reason, p.used);
      for (const k of d.sources) this.used.add(k);
    }
    return d.values;
  }

  layout(n: GNode): number {
    this.w(n);
    return this.decoded.get(n.key)!.layout;
  }

  str(n: GNode, field: string): string {
    const v = this.w(n)[field];
    return typeof v === 'string' ? v : '';
  }

  num(n: GNode, field: string): number {
    const v = this.w(n)[field];
    return isNum(v) ? v : 0;
  }

  /** A number that must lie in [lo, hi]; outside, the nearest bound is used and reported. */
  ranged(n: GNode, field: string, lo: number, hi: number, why: string): number {
    const v = this.num(n, field);
    if (v >= lo && v <= hi) return v;
    const used = Math.min(hi, Math.max(lo, v));
    this.flag(n, field, v, `${field} ${v} is outside ${why} (${lo} to ${hi})`, used);
    return used;
  }

  choice<T extends string>(n: GNode, field: string, allowed: readonly string[], fallback: T, what: string): T {
    const v = this.w(n)[field];
    if (typeof v === 'string' && allowed.includes(v)) return v as T;
    this.flag(n, field, v, `"${String(v)}" is not one of ${what}'s choices (${allowed.join(', ')})`, fallback);
    return fallback;
  }

  private inputOf(n: GNode, name: string) {
    return n.inputs.find((i) => i.name === name && i.link) ?? null;
  }

  outputType(n: GNode, slot: number): string | null {
    return n.outputTypes[slot] ?? schemaOf(n.type)?.outputs[slot]?.type ?? null;
  }

  private inputType(n: GNode, k: number): string | null {
    const i = n.inputs[k];
    return i.type ?? schemaOf(n.type)?.inputs.find((s) => s.name === i.name)?.type ?? null;
  }

  /** Input of `n` that carries what its output `slot` passes on, for nodes we only pass through. */
  passInput(n: GNode, slot: number, type: string | null): GLink | null {
    const linked = n.inputs.map((inp, k) => ({ inp, k })).filter((x) => x.inp.link && !x.inp.widget);
    if (type) {
      const same = linked.filter((x) => this.inputType(n, x.k) === type);
      if (same.length) return (same.find((x) => x.k === slot) ?? same[Math.min(slot, same.length - 1)]).inp.link;
    }
    const byName: Record<string, RegExp> = { MODEL: /^model$/i, CONDITIONING: /cond|positive|negative/i, LATENT: /samples|latent/i, IMAGE: /^(image|images|pixels)/i, MASK: /mask/i, CLIP: /^clip$/i };
    const re = type ? byName[type] : undefined;
    if (re) {
      const named = linked.filter((x) => re.test(x.inp.name));
      if (named.length) return named[Math.min(slot, named.length - 1)].inp.link;
    }
    return null;
  }

  /** The node and slot feeding `n`'s input `name`, through reroutes and bypassed nodes. */
  from(n: GNode, name: string): Src | null {
    const input = this.inputOf(n, name);
    if (!input?.link) return null;
    return this.resolve(input.link, input.type ?? schemaOf(n.type)?.inputs.find((s) => s.name === name)?.type ?? null);
  }

  resolve(link: GLink, type: string | null): Src | null {
    let cur: Src = { node: this.g.nodes.get(link.from)!, slot: link.slot };
    for (let hops = 0; hops <= this.g.nodes.size; hops++) {
      this.step();
      const n = cur.node;
      if (n.type === 'Reroute') {
        this.used.add(n.key);
        const l = n.inputs.find((i) => i.link)?.link;
        if (!l) return null;
        cur = { node: this.g.nodes.get(l.from)!, slot: l.slot };
        continue;
      }
      if (n.mode === 4) {
        this.used.add(n.key);
        this.note(`${label(n)} is bypassed; it was skipped, as ComfyUI skips it.`, `bypass ${n.key}`);
        const l = this.passInput(n, cur.slot, this.outputType(n, cur.slot) ?? type);
        if (!l) return null;
        cur = { node: this.g.nodes.get(l.from)!, slot: l.slot };
        continue;
      }
      if (n.mode === 2) {
        this.used.add(n.key);
        this.note(`${label(n)} is muted (mode "never"), so it gives nothing; ComfyUI would stop with a missing input. It was treated as absent.`, `muted ${n.key}`);
        return null;
      }
      return cur;
    }
    return null;
  }

  /** For a node we do not understand on the path: report it and continue through its matching input. */
  through(src: Src, type: string, what: string): Src | null {
    const n = src.node;
    if (schemaOf(n.type)) {
      this.used.add(n.key);
      this.note(`${label(n)} sits on the path of ${what}, where the importer does not expect it; it was passed through and what it does is not imported.`, `odd ${n.key}`);
    } else this.unknownNode(n, `${what} passes through it; what it does is not imported`, true);
    const l = this.passInput(n, src.slot, this.outputType(n, src.slot) ?? type);
    return l ? this.resolve(l, type) : null;
  }

  // ------------------------------------------------------------------------------------------
  // images, masks, negatives

  prep(n: GNode): PrepSettings {
    return {
      interpolation: this.choice<PrepInterpolation>(n, 'interpolation', PREP_INTERPOLATIONS, 'LANCZOS', 'PrepImageForClipVision interpolation'),
      cropPosition: this.choice<CropPosition>(n, 'crop_position', CROP_POSITIONS, 'center', 'PrepImageForClipVision crop_position'),
      sharpening: this.ranged(n, 'sharpening', 0, 1, 'the sharpening range'),
    };
  }

  images(src: Src | null, prep: PrepSettings | null = null, out: BridgeImage[] = []): BridgeImage[] {
    while (src) {
      if (out.length >= MAX_IMAGES) {
        this.note(`More than ${MAX_IMAGES} images feed one adapter; the rest were left out.`, 'maximages');
        return out;
      }
      this.step();
      const n = src.node;
      this.used.add(n.key);
      switch (n.type) {
        case 'LoadImage':
          if (src.slot !== 0) this.note(`${label(n)}: its MASK output is used as an image; the picture itself was taken.`, `maskasimage ${n.key}`);
          out.push({ name: this.str(n, 'image'), prep: prep ? { ...prep } : null });
          return out;
        case 'PrepImageForClipVision': {
          const p = this.prep(n);
          if (prep) this.note(`${label(n)} is followed by another PrepImageForClipVision; the one nearest the adapter was kept (the second only resizes 224 px to 224 px).`, `prep2 ${n.key}`);
          prep = prep ?? p;
          src = this.from(n, 'image');
          continue;
        }
        case 'ImageBatch': {
          const before = out.length;
          this.images(this.from(n, 'image1'), prep, out);
          this.images(this.from(n, 'image2'), prep, out);
          if (out.slice(before).some((im) => im.prep === null)) {
            this.note(`${label(n)} batches images that are not prepared for CLIP: ComfyUI resizes image2 to image1's size (stretching it if the shapes differ) before CLIP's centre crop; the lab crops each image on its own. Add a PrepImageForClipVision per image for identical results.`, `batch ${n.key}`);
          }
          return out;
        }
        default:
          src = this.through(src, 'IMAGE', 'the image');
      }
    }
    return out;
  }

  oneImage(src: Src | null, n: GNode, field: string): BridgeImage | null {
    const imgs = this.images(src);
    if (imgs.length > 1) this.flag(n, field, imgs.map((i) => i.name), `${imgs.length} images reach ${field}; the lab uses one here, the first`, imgs[0].name);
    return imgs[0] ?? null;
  }

  negative(n: GNode, src: Src | null): BridgeNegative {
    if (!src) return { kind: 'default' };
    if (src.node.type === 'IPAdapterNoise') {
      const z = src.node;
      this.used.add(z.key);
      return {
        kind: 'noise',
        type: this.choice<NoiseType>(z, 'type', NOISE_TYPES, 'fade', 'IPAdapterNoise type'),
        strength: this.ranged(z, 'strength', 0, 1, 'the noise strength range'),
        blur: Math.round(this.ranged(z, 'blur', 0, 32, 'the blur range')),
        image: this.oneImage(this.from(z, 'image_optional'), z, 'image_optional'),
      };
    }
    const img = this.oneImage(src, n, 'image_negative');
    return img ? { kind: 'image', image: img } : { kind: 'default' };
  }

  mask(src: Src | null): BridgeMask | null {
    while (src) {
      this.step();
      const n = src.node;
      this.used.add(n.key);
      switch (n.type) {
        case 'LoadImage':
          if (src.slot === 1) return { kind: 'channel', image: this.str(n, 'image'), channel: 'inverted-alpha' };
          this.flag(n, 'IMAGE', this.str(n, 'image'), 'a picture (not a mask) is wired to attn_mask; read as its red channel', 'red');
          return { kind: 'channel', image: this.str(n, 'image'), channel: 'red' };
        case 'LoadImageMask': {
          const c = this.choice<string>(n, 'channel', ['alpha', 'red', 'green', 'blue'], 'alpha', 'LoadImageMask channel');
          return { kind: 'channel', image: this.str(n, 'image'), channel: c === 'alpha' ? 'inverted-alpha' : (c as MaskChannel) };
        }
        case 'ImageToMask': {
          const c = this.choice<string>(n, 'channel', ['red', 'green', 'blue', 'alpha'], 'red', 'ImageToMask channel');
          const img = this.oneImage(this.from(n, 'image'), n, 'image');
          if (!img) return null;
          if (img.prep) this.flag(n, 'image', img.name, 'the mask picture goes through PrepImageForClipVision first; the lab reads the mask from the picture as it is', img.name);
          if (c === 'alpha') {
            this.flag(n, 'channel', c, 'ImageToMask "alpha" of a LoadImage picture fails in ComfyUI (IMAGE has no alpha channel); read as LoadImage\'s own mask instead', 'inverted-alpha');
            return { kind: 'channel', image: img.name, channel: 'inverted-alpha' };
          }
          return { kind: 'channel', image: img.name, channel: c as MaskChannel };
        }
        case 'InvertMask': {
          const inner = this.mask(this.from(n, 'mask'));
          if (!inner) return null;
          if (inner.kind === 'channel' && (inner.channel === 'alpha' || inner.channel === 'inverted-alpha')) {
            return { ...inner, channel: inner.channel === 'alpha' ? 'inverted-alpha' : 'alpha' };
          }
          this.flag(n, 'mask', inner.kind === 'channel' ? inner.channel : inner.color, 'the lab can invert only alpha masks; this inverted mask was used without the inversion', inner.kind === 'channel' ? inner.channel : inner.color);
          return inner;
        }
        case 'MaskFromRGBCMYBW+': {
          const color = MASK_COLORS[src.slot];
          if (!color) return null;
          const w = this.w(n);
          const t = (k: string) => this.ranged(n, k, 0, 1, 'the threshold range');
          const thresholds: [number, number, number] = [t('threshold_r'), t('threshold_g'), t('threshold_b')];
          if (isNum(w.remove_isolated_pixels) && w.remove_isolated_pixels > 0) this.flag(n, 'remove_isolated_pixels', w.remove_isolated_pixels, 'removing isolated pixels (a morphological opening) is not done by the lab', 0);
          if (w.fill_holes === true) this.flag(n, 'fill_holes', true, 'filling holes in the mask is not done by the lab', false);
          const img = this.oneImage(this.from(n, 'image'), n, 'image');
          if (!img) return null;
          this.note('The masks come from ComfyUI_essentials\' MaskFromRGBCMYBW+ (one colour of a picture); colorMask() in src/lib/comfy computes the same mask.', 'essentials-mask');
          return { kind: 'color', image: img.name, color, thresholds };
        }
        default:
          src = this.through(src, 'MASK', 'the mask');
      }
    }
    return null;
  }

  // ------------------------------------------------------------------------------------------
  // loaders

  clipVisionFile(src: Src | null): string | null {
    while (src) {
      this.step();
      const n = src.node;
      this.used.add(n.key);
      if (n.type === 'CLIPVisionLoader') {
        const file = this.str(n, 'clip_name');
        const c = classifyClipVisionFile(file);
        if (!c.ok) this.flag(n, 'clip_name', file, `${c.reason} Closest: ${CLIP_VISION_FILES[c.closest ?? 'vit-h']}.`);
        else if (c.variant === 'vit-bigg') this.flag(n, 'clip_name', file, 'ViT-bigG is the encoder of the vit-G adapter, which the lab does not download; the lab uses ViT-H.');
        return file;
      }
      src = this.through(src, 'CLIP_VISION', 'the CLIP vision model');
    }
    return null;
  }

  modelRef(n: GNode): AdapterModelRef {
    const cv = this.from(n, 'clip_vision');
    const clipVisionFile = cv ? this.clipVisionFile(cv) : null;
    let ip = this.from(n, 'ipadapter');
    while (ip) {
      this.step();
      const l = ip.node;
      this.used.add(l.key);
      if (l.type === 'IPAdapterUnifiedLoader') {
        const raw = this.w(l).preset;
        let preset = closestPreset(String(raw));
        if (isUnifiedPreset(raw)) preset = raw;
        else this.flag(l, 'preset', raw, `"${String(raw)}" is not one of IPAdapterUnifiedLoader's presets`, preset);
        if (PRESET_FILES[preset].variant === 'vit-g') this.flag(l, 'preset', preset, 'the vit-G adapter needs the ViT-bigG image encoder, which the lab does not download. Closest: STANDARD (medium strength).');
        return { loader: 'unified', preset, clipVisionFile };
      }
      if (l.type === 'IPAdapterModelLoader') {
        const file = this.str(l, 'ipadapter_file');
        const c = classifyIpadapterFile(file);
        if (!c.ok) this.flag(l, 'ipadapter_file', file, `${c.reason}${c.closest ? ` Closest: the ${c.closest} adapter.` : ''}`);
        else if (c.variant === 'vit-g') this.flag(l, 'ipadapter_file', file, 'the vit-G adapter needs the ViT-bigG image encoder, which the lab does not download. Closest: the standard adapter.');
        let cvFile = clipVisionFile;
        if (!cvFile) {
          cvFile = CLIP_VISION_FILES['vit-h'];
          this.flag(n, 'clip_vision', null, 'clip_vision is not connected and IPAdapterModelLoader does not bring one: ComfyUI stops with "Missing CLIPVision model"', cvFile);
        }
        return { loader: 'files', ipadapterFile: file, clipVisionFile: cvFile };
      }
      if (UNSUPPORTED_IPADAPTER_NODES[l.type]) {
        this.unknownNode(l, UNSUPPORTED_IPADAPTER_NODES[l.type], true);
        break;
      }
      ip = this.through(ip, 'IPADAPTER', 'the IP-Adapter model');
    }
    const preset: AdapterModelRef = { loader: 'unified', preset: 'STANDARD (medium strength)', clipVisionFile };
    this.flag(n, 'ipadapter', null, 'no IP-Adapter loader could be traced (ComfyUI stops without one)', preset.preset);
    return preset;
  }

  // ------------------------------------------------------------------------------------------
  // apply nodes

  weightType(n: GNode, field = 'weight_type'): WeightType {
    const v = this.w(n)[field];
    if (isWeightType(v) && NODE_WEIGHT_TYPES.includes(v)) return v;
    if (v === 'original' || v === 'channel penalty') {
      this.flag(n, field, v, `"${v}" is a v1 weight type (ComfyUI_IPAdapter_plus before March 2024); v2 has no such type. Closest: linear (v1's "original" without its channel penalty)`, 'linear');
    } else this.flag(n, field, v, `"${String(v)}" is not an IPAdapter weight type (${NODE_WEIGHT_TYPES.join(', ')})`, 'linear');
    return 'linear';
  }

  common(n: GNode, a: BridgeAdapter, fields: { combine?: boolean; scaling?: boolean; weightType?: boolean }): void {
    const [lo, hi] = LAB_LIMITS.weight;
    a.weight = this.ranged(n, 'weight', lo, hi, "the weight range");
    if (fields.weightType !== false) a.weightType = this.weightType(n);
    if (fields.combine !== false) a.combineEmbeds = this.choice<CombineMethod>(n, 'combine_embeds', NODE_COMBINE_METHODS, 'concat', 'combine_embeds');
    a.startAt = this.ranged(n, 'start_at', 0, 1, 'the schedule (fractions)');
    a.endAt = this.ranged(n, 'end_at', 0, 1, 'the schedule (fractions)');
    if (a.startAt >= a.endAt) this.flag(n, 'start_at', a.startAt, `start_at (${a.startAt}) is not below end_at (${a.endAt}), so ComfyUI never applies this adapter; the lab refuses the empty range until one of them is changed`);
    if (fields.scaling !== false) a.embedsScaling = this.choice<EmbedsScaling>(n, 'embeds_scaling', EMBEDS_SCALING_MODES, 'V only', 'embeds_scaling');
  }

  /** Reference images, negative and mask, from the node's own inputs. */
  wires(n: GNode, a: BridgeAdapter): void {
    a.images = this.images(this.from(n, 'image'));
    a.negative = this.negative(n, this.from(n, 'image_negative'));
    a.attnMask = this.mask(this.from(n, 'attn_mask'));
  }

  apply(n: GNode): BridgeAdapter[] {
    const a = defaultAdapter();
    const lay = this.layout(n);
    switch (n.type) {
      case 'IPAdapter': {
        this.common(n, a, { combine: false, scaling: false, weightType: false });
        if (lay === 1) this.note(`${label(n)} was saved before the simple node had weight_type (3 widget values); "standard" (= linear) was used, as that version did.`, `old ${n.key}`);
        else {
          const wt = this.str(n, 'weight_type');
          const mapped = SIMPLE_WEIGHT_TYPES[wt] ?? (wt.startsWith('style') ? 'style transfer' : undefined);
          if (mapped) a.weightType = mapped as WeightType;
          else this.flag(n, 'weight_type', wt, `"${wt}" is not one of the simple node's choices (standard, prompt is more important, style transfer)`, 'linear');
        }
        a.model = this.modelRef(n);
        if (a.model.loader === 'files') this.flag(n, 'ipadapter', a.model.ipadapterFile, 'the simple IPAdapter node needs IPAdapterUnifiedLoader (ComfyUI stops with "CLIPVision model not present"); the files were kept');
        this.wires(n, a);
        break;
      }
      case 'IPAdapterApply':
      case 'IPAdapterAdvanced': {
        if (n.type === 'IPAdapterApply' || lay === 2) {
          this.common(n, a, { combine: false, scaling: false });
          this.note(`${label(n)} holds v1 widget values (weight, noise, weight_type, start_at, end_at, unfold_batch: ComfyUI_IPAdapter_plus before March 2024); they were read as IPAdapter Advanced, which export writes.`, `v1 ${n.key}`);
          a.unfoldBatch = this.w(n).unfold_batch === true;
          this.wires(n, a);
          const noise = this.num(n, 'noise');
          if (noise > 0) {
            a.negative = { kind: 'noise', type: 'shuffle', strength: Math.min(1, noise), blur: 0, image: a.images[0] ?? null };
            this.flag(n, 'noise', noise, 'v1\'s noise option (a scrambled, noised copy of the reference as the negative) was removed in v2; closest: IPAdapterNoise "shuffle" on the reference', 'IPAdapterNoise shuffle');
          }
        } else {
          this.common(n, a, { scaling: lay !== 1 });
          if (lay === 1) this.note(`${label(n)} was saved by the first v2 release, before embeds_scaling existed (5 widget values); "V only", what that version did, was used.`, `old ${n.key}`);
          this.wires(n, a);
        }
        a.model = this.modelRef(n);
        break;
      }
      case 'IPAdapterBatch':
        this.common(n, a, { combine: false, scaling: lay !== 2 });
        a.unfoldBatch = true;
        a.model = this.modelRef(n);
        this.wires(n, a);
        break;
      case 'IPAdapterMS': {
        this.common(n, a, {});
        const fid = this.w(n).weight_faceidv2;
        if (isNum(fid) && fid !== 1) this.note(`${label(n)}: weight_faceidv2 (${fid}) only acts on FaceID Plus v2 models; not imported.`, `faceid ${n.key}`);
        if (this.from(n, 'insightface')) this.flag(n, 'insightface', 'connected', 'InsightFace (FaceID) is not part of the lab');
        const lw = this.str(n, 'layer_weights');
        const parsed = parseLayerWeights(lw, 'sd15');
        if (parsed.ok) a.layerWeights = parsed.blank ? '' : lw;
        else this.flag(n, 'layer_weights', lw, parsed.errors.map((e) => e.message).join(' '), '');
        a.model = this.modelRef(n);
        this.wires(n, a);
        break;
      }
      case 'IPAdapterPreciseStyleTransfer':
      case 'IPAdapterPreciseStyleTransferBatch':
        this.common(n, a, { weightType: false });
        a.weightType = 'style transfer precise';
        a.styleBoost = this.ranged(n, 'style_boost', -5, 5, 'the style_boost range');
        a.unfoldBatch = n.type.endsWith('Batch');
        a.model = this.modelRef(n);
        this.wires(n, a);
        break;
      case 'IPAdapterPreciseComposition':
      case 'IPAdapterPreciseCompositionBatch':
        this.common(n, a, { weightType: false });
        a.weightType = 'composition precise';
        a.compositionBoost = this.ranged(n, 'composition_boost', -5, 5, 'the composition_boost range');
        a.unfoldBatch = n.type.endsWith('Batch');
        a.model = this.modelRef(n);
        this.wires(n, a);
        break;
      case 'IPAdapterEmbeds':
        this.common(n, a, { combine: false, scaling: lay !== 1 });
        a.model = this.modelRef(n);
        this.embeds(n, a);
        break;
      case 'IPAdapterFromParams':
        return this.fromParams(n);
    }
    if (a.images.length === 0) {
      this.flag(n, 'image', null, 'no reference image could be traced to a LoadImage; this adapter was left out (ComfyUI needs one too)');
      return [];
    }
    return [a];
  }

  /** IPAdapterEmbeds fed by IPAdapterEncoder (and IPAdapterCombineEmbeds). */
  embeds(n: GNode, a: BridgeAdapter): void {
    const encoders: Src[] = [];
    const collect = (src: Src | null, depth: number) => {
      if (!src) return;
      this.step();
      const e = src.node;
      this.used.add(e.key);
      if (e.type === 'IPAdapterEncoder') encoders.push(src);
      else if (e.type === 'IPAdapterCombineEmbeds') {
        const m = this.w(e).method;
        if (depth === 0) {
          if (typeof m === 'string' && (COMBINE_METHODS as readonly string[]).includes(m)) a.combineEmbeds = m as CombineMethod;
          else this.flag(e, 'method', m, `"${String(m)}" is not an IPAdapterCombineEmbeds method`, 'concat');
        } else this.flag(e, 'method', m, 'combine nodes nested in combine nodes are read as one list of images; only the outer method applies', a.combineEmbeds);
        for (const k of [1, 2, 3, 4, 5]) collect(this.from(e, `embed${k}`), depth + 1);
      } else {
        const next = this.through(src, 'EMBEDS', 'the embeddings');
        collect(next, depth);
      }
    };
    collect(this.from(n, 'pos_embed'), 0);
    for (const src of encoders) {
      const e = src.node;
      if (src.slot !== 0) this.flag(e, 'neg_embed', 'as pos_embed', 'an encoder\'s negative output is used as the reference; the lab encodes the image itself');
      const w = this.num(e, 'weight');
      if (w !== 1) this.flag(e, 'weight', w, 'IPAdapterEncoder\'s per-image weight (it multiplies that image\'s embedding) has no place in the lab; the adapter weight applies to all images', 1);
      if (this.from(e, 'mask')) this.flag(e, 'mask', 'connected', 'the encoder\'s mask (blanking part of the CLIP input) is not done by the lab');
      this.images(this.from(e, 'image'), null, a.images);
    }
    const neg = this.from(n, 'neg_embed');
    if (neg) {
      this.used.add(neg.node.key);
      if (neg.node.type === 'IPAdapterEncoder' && neg.slot === 1) a.negative = { kind: 'default' };
      else if (neg.node.type === 'IPAdapterEncoder') {
        const img = this.oneImage(this.from(neg.node, 'image'), neg.node, 'image');
        a.negative = img ? { kind: 'image', image: img } : { kind: 'default' };
      } else this.unknownNode(neg.node, 'the negative embeddings come from it; not imported', true);
    }
    a.attnMask = this.mask(this.from(n, 'attn_mask'));
  }

  /** IPAdapterFromParams ← IPAdapterCombineParams ← IPAdapterRegionalConditioning: one adapter per region. */
  fromParams(n: GNode): BridgeAdapter[] {
    const combine = this.choice<CombineMethod>(n, 'combine_embeds', NODE_COMBINE_METHODS, 'concat', 'combine_embeds');
    const scaling = this.choice<EmbedsScaling>(n, 'embeds_scaling', EMBEDS_SCALING_MODES, 'V only', 'embeds_scaling');
    const model = this.modelRef(n);
    const negSrc = this.from(n, 'image_negative');
    const out: BridgeAdapter[] = [];
    const visit = (src: Src | null) => {
      while (src) {
        this.step();
        const p = src.node;
        this.used.add(p.key);
        if (p.type === 'IPAdapterCombineParams') {
          for (const k of [1, 2, 3, 4, 5]) visit(this.from(p, `params_${k}`));
          return;
        }
        if (p.type === 'IPAdapterRegionalConditioning') {
          const a = defaultAdapter();
          const [lo, hi] = LAB_LIMITS.weight;
          a.weight = this.ranged(p, 'image_weight', lo, hi, 'the weight range');
          a.weightType = this.weightType(p);
          a.startAt = this.ranged(p, 'start_at', 0, 1, 'the schedule (fractions)');
          a.endAt = this.ranged(p, 'end_at', 0, 1, 'the schedule (fractions)');
          a.combineEmbeds = combine;
          a.embedsScaling = scaling;
          a.model = { ...model };
          a.images = this.images(this.from(p, 'image'));
          a.attnMask = this.mask(this.from(p, 'mask'));
          a.negative = this.negative(n, negSrc);
          if (a.images.length) out.push(a);
          else this.flag(p, 'image', null, 'no reference image could be traced to a LoadImage; this region was left out');
          return;
        }
        src = this.through(src, 'IPADAPTER_PARAMS', 'the adapter parameters');
      }
    };
    visit(this.from(n, 'ipadapter_params'));
    if (out.length === 0) this.flag(n, 'ipadapter_params', null, 'no IPAdapterRegionalConditioning could be traced; no adapter was imported from this node');
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // model chain, prompts, latent

  modelChain(ks: GNode, s: ComfyBridgeSettings): void {
    const adaptersBackwards: BridgeAdapter[][] = [];
    const loras: BridgeLora[] = [];
    let src = this.from(ks, 'model');
    if (!src) this.flag(ks, 'model', null, 'the sampler\'s model input is not connected (or comes from a muted node)');
    while (src) {
      this.step();
      const n = src.node;
      this.used.add(n.key);
      if (n.type === 'CheckpointLoaderSimple') {
        s.checkpoint = this.str(n, 'ckpt_name');
        this.modelCheckpoint = n.key;
        const arch = checkpointArchProblem(s.checkpoint);
        if (arch) this.flag(n, 'ckpt_name', s.checkpoint, arch);
        break;
      }
      if (n.type === 'LoraLoader' || n.type === 'LoraLoaderModelOnly') {
        const w = this.w(n);
        const lora = { name: this.str(n, 'lora_name'), strengthModel: isNum(w.strength_model) ? w.strength_model : 1, strengthClip: n.type === 'LoraLoader' && isNum(w.strength_clip) ? w.strength_clip : 0 };
        loras.unshift(lora);
        this.loraKeys.add(n.key);
        if (/lcm/i.test(lora.name)) this.note(`${label(n)} loads an LCM-LoRA ("${lora.name}"): in the lab that is the fast mode (lcm scheduler, 4–8 steps).`, `lcm ${n.key}`);
        else this.flag(n, 'lora_name', lora.name, 'the lab applies only the LCM-LoRA (its fast mode); this LoRA is kept in the settings, so export writes it back, but the lab does not apply it');
        src = this.from(n, 'model');
        continue;
      }
      if (n.type === 'IPAdapterUnifiedLoader') {
        src = this.from(n, 'model');
        continue;
      }
      if (APPLY_TYPES.has(n.type)) {
        adaptersBackwards.push(this.apply(n));
        src = this.from(n, 'model');
        continue;
      }
      if (UNSUPPORTED_IPADAPTER_NODES[n.type]) {
        this.unknownNode(n, `${UNSUPPORTED_IPADAPTER_NODES[n.type]}; this adapter was left out`, true);
        const l = this.passInput(n, src.slot, 'MODEL');
        src = l ? this.resolve(l, 'MODEL') : null;
        continue;
      }
      src = this.through(src, 'MODEL', 'the model');
      if (!src) this.note(`The model chain ends at ${label(n)}, which the importer does not know; the checkpoint could not be found.`, 'model-end');
    }
    if (this.modelCheckpoint === null) this.flag(ks, 'model', null, 'no CheckpointLoaderSimple feeds the sampler\'s model; the checkpoint name was left as the default', s.checkpoint);
    s.loras = loras;
    s.adapters = adaptersBackwards.reverse().flat();
  }

  /** The clip a CLIPTextEncode uses: LoRA loaders, CLIPSetLastLayer, the checkpoint. */
  clipChain(te: GNode): void {
    let src = this.from(te, 'clip');
    while (src) {
      this.step();
      const n = src.node;
      if (this.clipChecked.has(n.key)) return;
      this.clipChecked.add(n.key);
      this.used.add(n.key);
      if (n.type === 'CheckpointLoaderSimple') {
        if (this.modelCheckpoint !== null && n.key !== this.modelCheckpoint) this.note(`The prompts are encoded with the CLIP of ${label(n)} ("${this.str(n, 'ckpt_name')}"), not of the checkpoint the model comes from; the lab uses one checkpoint for both.`, `clip-ckpt ${n.key}`);
        return;
      }
      if (n.type === 'LoraLoader') {
        if (!this.loraKeys.has(n.key)) this.flag(n, 'lora_name', this.str(n, 'lora_name'), 'this LoRA acts only on the text encoder here; the lab does not apply it');
        src = this.from(n, 'clip');
        continue;
      }
      if (n.type === 'CLIPSetLastLayer') {
        const v = this.num(n, 'stop_at_clip_layer');
        if (v !== -1) this.flag(n, 'stop_at_clip_layer', v, `"clip skip" (stop at layer ${v}) is not done by the lab, which uses the text encoder's last layer as SD1.5 was trained`, -1);
        src = this.from(n, 'clip');
        continue;
      }
      src = this.through(src, 'CLIP', 'the text encoder');
    }
  }

  /** CLIPTextEncode texts reaching a conditioning input, each with the regional node it passes (if any). */
  texts(src: Src | null, region: GNode | null, out: { node: GNode; text: string; region: GNode | null; side: string }[], side: string): void {
    while (src) {
      this.step();
      const n = src.node;
      this.used.add(n.key);
      switch (n.type) {
        case 'CLIPTextEncode':
          out.push({ node: n, text: this.str(n, 'text'), region, side });
          this.clipChain(n);
          return;
        case 'ConditioningCombine':
        case 'ConditioningCombineMultiple+':
          for (const inp of n.inputs) if (/^conditioning_\d+$/.test(inp.name) && inp.link) this.texts(this.resolve(inp.link, 'CONDITIONING'), region, out, side);
          return;
        case 'IPAdapterRegionalConditioning': {
          const which = src.slot === 2 ? 'negative' : 'positive';
          const pw = this.num(n, 'prompt_weight');
          if (pw !== 1 && this.from(n, which)) this.flag(n, 'prompt_weight', pw, 'prompt_weight scales the regional prompt inside its mask; the lab has no regional prompts');
          src = this.from(n, which);
          region = n;
          side = which;
          if (!src) return;
          continue;
        }
        default:
          src = this.through(src, 'CONDITIONING', 'the prompt');
      }
    }
  }

  prompts(ks: GNode, s: ComfyBridgeSettings): void {
    for (const side of ['positive', 'negative'] as const) {
      const found: { node: GNode; text: string; region: GNode | null; side: string }[] = [];
      this.texts(this.from(ks, side), null, found, side);
      const main = found.filter((t) => t.region === null);
      if (main.length === 0) this.flag(ks, side, null, `no CLIPTextEncode reaches the ${side} input outside a region; the ${side} prompt was left empty`, '');
      main.slice(1).forEach((t) => this.flag(t.node, 'text', t.text, `several prompts are combined into the sampler's ${side} input (ConditioningCombine); the lab takes one ${side} prompt: the first, from node ${String(main[0].node.id)}`));
      for (const t of found.filter((x) => x.region)) {
        this.flag(t.region!, t.side, t.text, `regional ${t.side} prompt: in ComfyUI this text acts only inside the region's mask (a masked conditioning); the lab has one ${side} prompt for the whole image, so it is not used (the region's image and mask are imported as an adapter)`);
      }
      const text = main[0]?.text ?? '';
      if (side === 'positive') s.prompt = text;
      else s.negativePrompt = text;
    }
  }

  initImage(src: Src | null, s: ComfyBridgeSettings): void {
    let sized = false;
    while (src) {
      this.step();
      const n = src.node;
      this.used.add(n.key);
      if (n.type === 'LoadImage') {
        s.initImage = this.str(n, 'image');
        if (!sized) this.note('Image-to-image without a resize: in ComfyUI the output takes the init image\'s size; the settings keep 512×512 until the panel reads the image, and the lab resizes the init image to the output size.', 'init-size');
        return;
      }
      if (n.type === 'ImageScale') {
        s.width = this.num(n, 'width');
        s.height = this.num(n, 'height');
        sized = true;
        const crop = this.str(n, 'crop');
        if (crop !== 'center' && crop !== 'disabled') this.flag(n, 'crop', crop, 'not one of ImageScale\'s crop choices (disabled, center)', 'center');
        src = this.from(n, 'image');
        continue;
      }
      if (n.type === 'PrepImageForClipVision') this.flag(n, 'image', 'init image', 'the init image goes through PrepImageForClipVision (224×224); the lab does not crop init images');
      src = n.type === 'PrepImageForClipVision' ? this.from(n, 'image') : this.through(src, 'IMAGE', 'the init image');
    }
  }

  latent(ks: GNode, s: ComfyBridgeSettings): void {
    let src = this.from(ks, 'latent_image');
    if (!src) this.flag(ks, 'latent_image', null, 'the sampler\'s latent_image input is not connected; 512×512 was used', '512×512');
    while (src) {
      this.step();
      const n = src.node;
      this.used.add(n.key);
      if (n.type === 'EmptyLatentImage') {
        s.width = this.num(n, 'width');
        s.height = this.num(n, 'height');
        s.batchSize = this.num(n, 'batch_size');
        break;
      }
      if (n.type === 'RepeatLatentBatch') {
        s.batchSize = this.num(n, 'amount');
        src = this.from(n, 'samples');
        const inner = src?.node;
        if (inner?.type === 'EmptyLatentImage') {
          this.used.add(inner.key);
          s.width = this.num(inner, 'width');
          s.height = this.num(inner, 'height');
          s.batchSize *= this.num(inner, 'batch_size');
          break;
        }
        continue;
      }
      if (n.type === 'VAEEncode') {
        this.initImage(this.from(n, 'pixels'), s);
        this.vae(n);
        break;
      }
      src = this.through(src, 'LATENT', 'the latent');
    }
  }

  vae(n: GNode): void {
    const v = this.from(n, 'vae');
    if (!v) return;
    this.used.add(v.node.key);
    if (v.node.type === 'VAELoader') this.flag(v.node, 'vae_name', this.str(v.node, 'vae_name'), 'the lab encodes and decodes with the checkpoint\'s own VAE');
    else if (v.node.type !== 'CheckpointLoaderSimple') this.unknownNode(v.node, 'the VAE comes from it; the lab uses the checkpoint\'s VAE', true);
  }

  /** VAEDecode and SaveImage/PreviewImage after the sampler. */
  downstream(ks: GNode): void {
    for (const n of this.g.nodes.values()) {
      for (const inp of n.inputs) {
        if (inp.link?.from !== ks.key) continue;
        if (n.type === 'VAEDecode') {
          this.used.add(n.key);
          this.vae(n);
          for (const m of this.g.nodes.values()) {
            if (!m.inputs.some((x) => x.link?.from === n.key)) continue;
            if (m.type === 'SaveImage' || m.type === 'PreviewImage') this.used.add(m.key);
            else if (!schemaOf(m.type) && !PASSIVE_TYPES.has(m.type)) this.unknownNode(m, 'it works on the finished image (post-processing); the lab makes the image only', false);
          }
        } else if (SAMPLER_TYPES.has(n.type)) {
          this.used.add(n.key);
          this.note(`${label(n)} continues from this sampler's output (a second pass, such as a hires fix); the lab makes one pass, so it was not imported.`, `pass2 ${n.key}`);
        } else if (!schemaOf(n.type) && !PASSIVE_TYPES.has(n.type)) this.unknownNode(n, 'it works on the sampler\'s output; the lab makes one pass', false);
      }
    }
  }
}

function samplerScore(g: Graph, ks: GNode): number {
  let score = 0;
  let link = ks.inputs.find((i) => i.name === 'model')?.link ?? null;
  for (let hops = 0; link && hops <= g.nodes.size; hops++) {
    const n = g.nodes.get(link.from)!;
    if (APPLY_TYPES.has(n.type) && n.mode === 0) {
      score += 10 + n.inputs.filter((i) => (i.name === 'image_negative' || i.name === 'attn_mask' || i.name === 'ipadapter_params') && i.link).length;
    }
    link = n.inputs.find((i) => i.name === 'model' || (n.type === 'Reroute' && i.link))?.link ?? null;
  }
  return score;
}

function read(g: Graph, ks: GNode, others: GNode[], maxSteps: number): { settings: ComfyBridgeSettings; report: ImportReport } {
  const r = new Reader(g);
  const s = defaultBridgeSettings();
  r.used.add(ks.key);
  for (const o of others) r.used.add(o.key);

  // KSampler widgets
  const w = r.w(ks);
  const seedField = ks.type === 'KSamplerAdvanced' ? 'noise_seed' : 'seed';
  const seed = w[seedField];
  if (isNum(seed) && Number.isSafeInteger(seed) && seed >= 0) s.seed = seed;
  else if (isNum(seed)) {
    s.seed = Number.isFinite(seed) && seed > 0 ? Math.floor(seed % Number.MAX_SAFE_INTEGER) : 0;
    r.flag(ks, seedField, seed, `the lab takes seeds from 0 to ${Number.MAX_SAFE_INTEGER} (2⁵³ − 1); larger ComfyUI seeds cannot even be read exactly from JSON`, s.seed);
  }
  s.steps = Math.round(r.ranged(ks, 'steps', 1, maxSteps, 'the steps the lab runs'));
  s.cfg = r.ranged(ks, 'cfg', 0, 100, 'the CFG range');
  const sampler = r.str(ks, 'sampler_name');
  const scheduler = r.str(ks, 'scheduler');
  const m = fromComfySampler(sampler, scheduler);
  s.scheduler = m.scheduler;
  if (!m.exact) r.flag(ks, 'sampler_name', `${sampler} + ${scheduler}`, m.reason, m.scheduler);
  if (ks.type === 'KSamplerAdvanced') {
    s.denoise = 1;
    if (w.add_noise === 'disable') r.flag(ks, 'add_noise', 'disable', 'sampling a latent without adding noise (a second stage) is not done by the lab', 'enable');
    const start = w.start_at_step;
    const end = w.end_at_step;
    if (isNum(start) && start > 0) r.flag(ks, 'start_at_step', start, 'starting part-way through the schedule is not done by the lab (for image-to-image use KSampler\'s denoise)', 0);
    if (isNum(end) && end < s.steps) r.flag(ks, 'end_at_step', end, 'stopping before the last step is not done by the lab', s.steps);
    if (w.return_with_leftover_noise === 'enable') r.flag(ks, 'return_with_leftover_noise', 'enable', 'returning a still-noisy latent is not done by the lab', 'disable');
  } else s.denoise = r.ranged(ks, 'denoise', 0, 1, 'the denoise range');

  r.modelChain(ks, s);
  r.prompts(ks, s);
  r.latent(ks, s);
  r.downstream(ks);

  // The lab's ranges
  for (const side of ['width', 'height'] as const) {
    const v = s[side];
    const c = closestSide(v);
    if (c !== v) {
      const src = [...g.nodes.values()].find((n) => (n.type === 'EmptyLatentImage' || n.type === 'ImageScale') && r.used.has(n.key)) ?? ks;
      r.flag(src, side, v, `the lab makes sizes in multiples of ${LAB_LIMITS.sideMultiple} from ${LAB_LIMITS.minSide} to ${LAB_LIMITS.maxSide} (SD1.5's latent is 1/8 of the image and the UNet halves it three times)`, c);
      s[side] = c;
    }
  }
  if (!(s.batchSize >= 1 && s.batchSize <= LAB_LIMITS.maxBatch && Number.isInteger(s.batchSize))) {
    const c = Math.min(LAB_LIMITS.maxBatch, Math.max(1, Math.round(s.batchSize) || 1));
    const src = [...g.nodes.values()].find((n) => (n.type === 'EmptyLatentImage' || n.type === 'RepeatLatentBatch') && r.used.has(n.key)) ?? ks;
    r.flag(src, 'batch_size', s.batchSize, `the lab makes 1 to ${LAB_LIMITS.maxBatch} images per run`, c);
    s.batchSize = c;
  }
  if (s.initImage === null && s.denoise < 1) {
    r.flag(ks, 'denoise', s.denoise, 'denoise below 1 on an empty latent starts from pure noise at a lower noise level (ComfyUI allows it); the lab does that only for image-to-image', 1);
    s.denoise = 1;
  }
  if (s.initImage !== null && s.denoise <= 0) {
    r.flag(ks, 'denoise', s.denoise, 'denoise 0 runs no step at all; the lab needs some denoising', 0.01);
    s.denoise = 0.01;
  }
  if (s.adapters.length === 0) r.note('No IP-Adapter node feeds the sampler: the settings hold the prompt and sampler only.', 'no-adapters');

  // Everything not reached
  const idle: string[] = [];
  const disabled: string[] = [];
  for (const key of g.order) {
    if (r.used.has(key) || r.unknown.has(key)) continue;
    const n = g.nodes.get(key)!;
    if (PASSIVE_TYPES.has(n.type)) continue;
    if (n.mode === 2 || n.mode === 4) {
      disabled.push(label(n));
      continue;
    }
    if (UNSUPPORTED_IPADAPTER_NODES[n.type]) r.unknownNode(n, `${UNSUPPORTED_IPADAPTER_NODES[n.type]} (and it does not feed the chosen sampler)`, false);
    else if (!schemaOf(n.type)) r.unknownNode(n, 'a node type the importer does not know; it does not feed the chosen sampler', false);
    else idle.push(label(n));
  }
  if (idle.length) r.note(`Not part of the chosen sampler's graph, so not imported: ${idle.join(', ')}.`, 'idle');
  if (disabled.length) r.note(`Muted or bypassed, so not imported: ${disabled.join(', ')}.`, 'disabled');
  r.note('The lab\'s random numbers are not ComfyUI\'s (torch\'s): the same seed gives a different, equally valid image.', 'seed-noise');

  const report: ImportReport = {
    format: g.format,
    sampler: { id: ks.id, type: ks.type },
    otherSamplers: others.map((o) => ({ id: o.id, type: o.type })),
    unknownNodes: [...r.unknown.values()],
    unsupportedValues: r.unsupported,
    notes: [...g.notes, ...r.notes],
  };
  return { settings: s, report };
}

/**
 * Reads a ComfyUI workflow (the text of a .json file, or its bytes). Never throws; never
 * modifies its input.
 */
export function importWorkflow(input: string | Uint8Array | ArrayBuffer, options: ImportOptions = {}): ImportResult {
  try {
    const parsed = parseUntrustedJson(input, options.limits);
    if (!parsed.ok) return { ok: false, code: parsed.code, error: parsed.error };
    const built = buildGraph(parsed.value, options.limits);
    if (!built.ok) return { ok: false, code: built.code, error: built.error };
    const g = built.graph;
    const all = g.order.map((k) => g.nodes.get(k)!).filter((n) => SAMPLER_TYPES.has(n.type));
    const active = all.filter((n) => n.mode !== 2 && n.mode !== 4);
    if (active.length === 0) {
      const types = [...new Set(g.order.map((k) => g.nodes.get(k)!.type))].slice(0, 12);
      return {
        ok: false,
        code: 'no-sampler',
        error: all.length
          ? `Every sampler in the workflow is muted or bypassed (${all.map(label).join(', ')}); there is nothing to import.`
          : `The workflow has no KSampler (or KSamplerAdvanced), so there is nothing for the panel to take. Its nodes are: ${types.join(', ')}${types.length === 12 ? ', …' : ''}.`,
      };
    }
    let chosen: GNode;
    if (options.sampler !== undefined) {
      const want = all.find((n) => String(n.id) === String(options.sampler));
      if (!want) return { ok: false, code: 'no-such-sampler', error: `The workflow has no sampler with id ${String(options.sampler)}; its samplers are ${all.map(label).join(', ')}.` };
      chosen = want;
    } else {
      chosen = active[0];
      let best = samplerScore(g, chosen);
      for (const n of active.slice(1)) {
        const sc = samplerScore(g, n);
        if (sc > best) { best = sc; chosen = n; }
      }
    }
    const others = all.filter((n) => n !== chosen);
    const maxSteps = options.limits?.maxSteps ?? LAB_LIMITS.maxSteps;
    const out = read(g, chosen, others, maxSteps);
    if (others.length) {
      out.report.notes.unshift(`The workflow has ${all.length} samplers (${all.map(label).join(', ')}); the settings come from node ${String(chosen.id)}${options.sampler === undefined ? ', the one with the most IP-Adapter settings' : ''}. Import again with another sampler to take that one.`);
    }
    return { ok: true, ...out };
  } catch (e) {
    if (e instanceof TooIntricate) return { ok: false, code: 'too-intricate', error: `The workflow's graph is too intricate to read (more than ${DEFAULT_WORK} steps of following links); it was refused.` };
    return { ok: false, code: 'internal', error: `The importer failed on this file (${e instanceof Error ? e.message : String(e)}). Please report it with the workflow.` };
  }
}
