/**
 * The panel's settings → a ComfyUI workflow (UI format, schema 0.4) that loads in ComfyUI with
 * ComfyUI_IPAdapter_plus v2:
 *
 *   CheckpointLoaderSimple → LoraLoader… → IPAdapterUnifiedLoader (per preset) → one apply node
 *   per adapter (IPAdapterAdvanced; IPAdapterMS for layer_weights, IPAdapterPrecise… for the
 *   boosts, IPAdapterBatch for unfold_batch) → KSampler ← CLIPTextEncode ×2, EmptyLatentImage
 *   (or LoadImage → ImageScale → VAEEncode for image-to-image) → VAEDecode → SaveImage;
 *   references: LoadImage → PrepImageForClipVision → ImageBatch; negatives: an image or
 *   IPAdapterNoise; masks: LoadImageMask (+ InvertMask), or MaskFromRGBCMYBW+ for colour masks;
 *   separate files: IPAdapterModelLoader + CLIPVisionLoader.
 *
 * Nodes shared by adapters (a loader, an image) are written once. Ids and link ids count from 1;
 * nodes sit in columns by stage, left to right, so the graph reads like the examples. Importing
 * the result gives back the same settings (tested), except where `notes` says otherwise.
 */
import { schemaOf } from './nodeTypes';
import { toComfySampler } from './samplers';
import { validateBridgeSettings, type BridgeAdapter, type BridgeImage, type BridgeIssue, type BridgeMask, type ComfyBridgeSettings } from './settings';
import type { UiLink, UiNode, UiWorkflow } from './workflowTypes';

export interface ExportOptions {
  /** SaveImage's filename_prefix. */
  filenamePrefix?: string;
}

export type ExportResult =
  | { ok: true; workflow: UiWorkflow; json: string; notes: string[] }
  | { ok: false; error: string; issues: BridgeIssue[] };

interface Out {
  node: UiNode;
  slot: number;
}

/** Columns, left to right: loaders, pictures, picture helpers, adapters/prompts/latent, sampler, output. */
const COLUMN_X = [40, 420, 800, 1180, 1640, 2020];
const COLUMN_OF: Readonly<Record<string, number>> = {
  CheckpointLoaderSimple: 0, LoraLoader: 0, IPAdapterModelLoader: 0, CLIPVisionLoader: 0,
  LoadImage: 1, LoadImageMask: 1,
  PrepImageForClipVision: 2, ImageBatch: 2, IPAdapterNoise: 2, InvertMask: 2, 'MaskFromRGBCMYBW+': 2, ImageScale: 2, IPAdapterUnifiedLoader: 2,
  KSampler: 4, VAEDecode: 5, SaveImage: 5,
};
const GAP = 50;

class Builder {
  readonly nodes: UiNode[] = [];
  readonly links: UiLink[] = [];
  private readonly columnY = COLUMN_X.map(() => 40);

  add(type: string, widgets: unknown[]): UiNode {
    const schema = schemaOf(type);
    if (!schema) throw new Error(`export: no schema for ${type}`);
    const col = COLUMN_OF[type] ?? 3;
    const node: UiNode = {
      id: this.nodes.length + 1,
      type,
      pos: [COLUMN_X[col], this.columnY[col]],
      size: [schema.size[0], schema.size[1]],
      flags: {},
      order: 0,
      mode: 0,
      inputs: schema.inputs.map((s) => ({ name: s.name, type: s.type, link: null })),
      outputs: schema.outputs.map((s, k) => ({ name: s.name, type: s.type, links: [], slot_index: k })),
      properties: { 'Node name for S&R': type },
      widgets_values: widgets,
    };
    this.columnY[col] += schema.size[1] + GAP;
    this.nodes.push(node);
    return node;
  }

  connect(from: Out, to: UiNode, input: string): void {
    const k = to.inputs.findIndex((i) => i.name === input);
    if (k < 0) throw new Error(`export: ${to.type} has no input ${input}`);
    const output = from.node.outputs[from.slot];
    const id = this.links.length + 1;
    this.links.push([id, from.node.id, from.slot, to.id, k, output.type]);
    to.inputs[k].link = id;
    output.links.push(id);
  }

  /** Execution order (LiteGraph's `order`): a topological order of the links. */
  setOrder(): void {
    const indeg = new Map(this.nodes.map((n) => [n.id, 0]));
    for (const l of this.links) indeg.set(l[3], indeg.get(l[3])! + 1);
    const queue = this.nodes.filter((n) => indeg.get(n.id) === 0).map((n) => n.id);
    const byId = new Map(this.nodes.map((n) => [n.id, n]));
    let order = 0;
    while (queue.length) {
      const id = queue.shift()!;
      byId.get(id)!.order = order++;
      for (const l of this.links) {
        if (l[1] !== id) continue;
        const d = indeg.get(l[3])! - 1;
        indeg.set(l[3], d);
        if (d === 0) queue.push(l[3]);
      }
    }
  }
}

const prepKey = (img: BridgeImage) => JSON.stringify([img.name, img.prep && [img.prep.interpolation, img.prep.cropPosition, img.prep.sharpening]]);

/** Writes the settings as a ComfyUI workflow. Never throws; invalid settings give `{ ok: false }`. */
export function exportWorkflow(settings: ComfyBridgeSettings, options: ExportOptions = {}): ExportResult {
  const issues = validateBridgeSettings(settings);
  if (issues.length) {
    return { ok: false, error: `The settings cannot be written as a ComfyUI workflow: ${issues.map((i) => `${i.path ? `${i.path}: ` : ''}${i.message}`).join(' ')}`, issues };
  }
  try {
    return build(settings, options);
  } catch (e) {
    return { ok: false, error: `The export failed (${e instanceof Error ? e.message : String(e)}).`, issues: [] };
  }
}

function build(s: ComfyBridgeSettings, options: ExportOptions): ExportResult {
  const b = new Builder();
  const notes: string[] = [];
  const memo = new Map<string, Out>();
  const once = (key: string, make: () => Out): Out => {
    let o = memo.get(key);
    if (!o) memo.set(key, (o = make()));
    return o;
  };

  const ckpt = b.add('CheckpointLoaderSimple', [s.checkpoint]);
  let model: Out = { node: ckpt, slot: 0 };
  let clip: Out = { node: ckpt, slot: 1 };
  const vae: Out = { node: ckpt, slot: 2 };
  for (const l of s.loras) {
    const n = b.add('LoraLoader', [l.name, l.strengthModel, l.strengthClip]);
    b.connect(model, n, 'model');
    b.connect(clip, n, 'clip');
    model = { node: n, slot: 0 };
    clip = { node: n, slot: 1 };
  }

  const loadImage = (name: string): Out => once(`load ${name}`, () => ({ node: b.add('LoadImage', [name, 'image']), slot: 0 }));
  const image = (img: BridgeImage): Out => {
    const raw = loadImage(img.name);
    if (!img.prep) return raw;
    const p = img.prep;
    return once(`prep ${prepKey(img)}`, () => {
      const n = b.add('PrepImageForClipVision', [p.interpolation, p.cropPosition, p.sharpening]);
      b.connect(raw, n, 'image');
      return { node: n, slot: 0 };
    });
  };
  const batch = (imgs: BridgeImage[]): Out => {
    let out = image(imgs[0]);
    for (const img of imgs.slice(1)) {
      const n = b.add('ImageBatch', []);
      b.connect(out, n, 'image1');
      b.connect(image(img), n, 'image2');
      out = { node: n, slot: 0 };
    }
    if (imgs.length > 1 && imgs.some((i) => !i.prep)) {
      notes.push('ImageBatch resizes the second image to the first one\'s size (stretching it if the shapes differ) before CLIP\'s crop; give every reference a PrepImageForClipVision for results like the lab\'s.');
    }
    return out;
  };
  const mask = (m: BridgeMask): Out => {
    if (m.kind === 'color') {
      const src = once(`rgbmask ${JSON.stringify([m.image, m.thresholds])}`, () => {
        const n = b.add('MaskFromRGBCMYBW+', [m.thresholds[0], m.thresholds[1], m.thresholds[2], 0, false]);
        b.connect(loadImage(m.image), n, 'image');
        return { node: n, slot: 0 };
      });
      const slot = src.node.outputs.findIndex((o) => o.name === m.color);
      if (!notes.some((x) => x.includes('ComfyUI_essentials'))) notes.push('Colour masks use MaskFromRGBCMYBW+ from ComfyUI_essentials (install it in ComfyUI, as for the regional example).');
      return { node: src.node, slot };
    }
    const channel = m.channel === 'inverted-alpha' || m.channel === 'alpha' ? 'alpha' : m.channel === 'luminance' ? 'red' : m.channel;
    if (m.channel === 'luminance') notes.push(`The mask "${m.image}" is read by luminance in the lab; ComfyUI's LoadImageMask has no luminance channel, so the red channel was written (the same for a grey mask).`);
    const loaded = once(`mask ${m.image} ${channel}`, () => ({ node: b.add('LoadImageMask', [m.image, channel, 'image']), slot: 0 }));
    if (m.channel !== 'alpha') return loaded;
    // LoadImageMask inverts alpha; the lab's 'alpha' is opacity itself.
    return once(`invert ${m.image}`, () => {
      const n = b.add('InvertMask', []);
      b.connect(loaded, n, 'mask');
      return { node: n, slot: 0 };
    });
  };
  const clipVision = (file: string): Out => once(`cv ${file}`, () => ({ node: b.add('CLIPVisionLoader', [file]), slot: 0 }));

  const apply = (a: BridgeAdapter): UiNode => {
    const rest = [a.combineEmbeds, a.startAt, a.endAt, a.embedsScaling];
    if (a.layerWeights !== '') return b.add('IPAdapterMS', [a.weight, 1, a.weightType, ...rest, a.layerWeights]);
    if (a.styleBoost !== null) return b.add(a.unfoldBatch ? 'IPAdapterPreciseStyleTransferBatch' : 'IPAdapterPreciseStyleTransfer', [a.weight, a.styleBoost, ...rest]);
    if (a.compositionBoost !== null) return b.add(a.unfoldBatch ? 'IPAdapterPreciseCompositionBatch' : 'IPAdapterPreciseComposition', [a.weight, a.compositionBoost, ...rest]);
    if (a.unfoldBatch) return b.add('IPAdapterBatch', [a.weight, a.weightType, a.startAt, a.endAt, a.embedsScaling, 0]);
    return b.add('IPAdapterAdvanced', [a.weight, a.weightType, ...rest]);
  };

  // Unified loaders first (they pass the model through), one per preset, so links run left to right.
  const unified = new Map<string, UiNode>();
  for (const a of s.adapters) {
    if (a.model.loader !== 'unified' || unified.has(a.model.preset)) continue;
    const loader = b.add('IPAdapterUnifiedLoader', [a.model.preset]);
    b.connect(model, loader, 'model');
    model = { node: loader, slot: 0 };
    unified.set(a.model.preset, loader);
  }
  for (const a of s.adapters) {
    let ipadapter: Out;
    let cv: Out | null = null;
    if (a.model.loader === 'unified') {
      ipadapter = { node: unified.get(a.model.preset)!, slot: 1 };
      if (a.model.clipVisionFile !== null) cv = clipVision(a.model.clipVisionFile);
    } else {
      const file = a.model.ipadapterFile;
      ipadapter = once(`ip ${file}`, () => ({ node: b.add('IPAdapterModelLoader', [file]), slot: 0 }));
      cv = clipVision(a.model.clipVisionFile);
    }
    const n = apply(a);
    b.connect(model, n, 'model');
    b.connect(ipadapter, n, 'ipadapter');
    b.connect(batch(a.images), n, 'image');
    const neg = a.negative;
    if (neg.kind === 'image') b.connect(image(neg.image), n, 'image_negative');
    else if (neg.kind === 'noise') {
      const z = b.add('IPAdapterNoise', [neg.type, neg.strength, neg.blur]);
      if (neg.image) b.connect(image(neg.image), z, 'image_optional');
      b.connect({ node: z, slot: 0 }, n, 'image_negative');
    }
    if (a.attnMask) b.connect(mask(a.attnMask), n, 'attn_mask');
    if (cv) b.connect(cv, n, 'clip_vision');
    model = { node: n, slot: 0 };
  }

  const positive = b.add('CLIPTextEncode', [s.prompt]);
  const negative = b.add('CLIPTextEncode', [s.negativePrompt]);
  b.connect(clip, positive, 'clip');
  b.connect(clip, negative, 'clip');

  let latent: Out;
  if (s.initImage !== null) {
    const scale = b.add('ImageScale', ['bicubic', s.width, s.height, 'center']);
    b.connect(loadImage(s.initImage), scale, 'image');
    const enc = b.add('VAEEncode', []);
    b.connect({ node: scale, slot: 0 }, enc, 'pixels');
    b.connect(vae, enc, 'vae');
    latent = { node: enc, slot: 0 };
    if (s.batchSize > 1) {
      const rep = b.add('RepeatLatentBatch', [s.batchSize]);
      b.connect(latent, rep, 'samples');
      latent = { node: rep, slot: 0 };
    }
  } else {
    latent = { node: b.add('EmptyLatentImage', [s.width, s.height, s.batchSize]), slot: 0 };
  }

  const pair = toComfySampler(s.scheduler);
  const ks = b.add('KSampler', [s.seed, 'fixed', s.steps, s.cfg, pair.sampler_name, pair.scheduler, s.denoise]);
  b.connect(model, ks, 'model');
  b.connect({ node: positive, slot: 0 }, ks, 'positive');
  b.connect({ node: negative, slot: 0 }, ks, 'negative');
  b.connect(latent, ks, 'latent_image');
  const decode = b.add('VAEDecode', []);
  b.connect({ node: ks, slot: 0 }, decode, 'samples');
  b.connect(vae, decode, 'vae');
  const save = b.add('SaveImage', [options.filenamePrefix ?? 'ipadapter-lab']);
  b.connect({ node: decode, slot: 0 }, save, 'images');
  b.setOrder();

  const workflow: UiWorkflow = {
    last_node_id: b.nodes.length,
    last_link_id: b.links.length,
    nodes: b.nodes,
    links: b.links,
    groups: [],
    config: {},
    extra: {},
    version: 0.4,
  };
  return { ok: true, workflow, json: JSON.stringify(workflow, null, 2), notes };
}
