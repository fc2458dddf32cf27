import { describe, expect, test } from 'vitest';
import { exportWorkflow } from './export';
import { importWorkflow } from './import';
import { validateUiWorkflow } from './validate';
import { defaultAdapter, defaultBridgeSettings, type ComfyBridgeSettings } from './settings';
import { SCHEDULER_NAMES } from '../schedulers';
import { HAVE_WORKFLOWS, REAL, loadJson, loadText } from './workflows.testutil';

function exported(s: ComfyBridgeSettings) {
  const r = exportWorkflow(s);
  if (!r.ok) throw new Error(r.error);
  return r;
}

function roundTrip(s: ComfyBridgeSettings) {
  const e = exported(s);
  expect(validateUiWorkflow(e.workflow)).toEqual([]);
  const back = importWorkflow(e.json);
  if (!back.ok) throw new Error(back.error);
  return { e, back };
}

const prep = { interpolation: 'BICUBIC', cropPosition: 'top', sharpening: 0.25 } as const;

/** Every feature export can write, in one settings object. */
function rich(): ComfyBridgeSettings {
  const s = defaultBridgeSettings();
  s.checkpoint = 'dreamshaper_8.safetensors';
  s.loras = [{ name: 'lcm-lora-sdv1-5.safetensors', strengthModel: 1, strengthClip: 0.5 }];
  s.prompt = 'a (cat:1.5) on a sofa\nsecond line, "quoted" \\ backslash, 中文';
  s.negativePrompt = 'blurry';
  Object.assign(s, { seed: 1234567890123, steps: 6, cfg: 1.5, scheduler: 'lcm', width: 768, height: 512, batchSize: 3, denoise: 0.65, initImage: 'init.png' });
  const a1 = defaultAdapter([{ name: 'ref1.png', prep }, { name: 'ref2.png', prep }]);
  Object.assign(a1, { weight: 0.85, weightType: 'style transfer', combineEmbeds: 'norm average', startAt: 0.1, endAt: 0.9, embedsScaling: 'K+mean(V) w/ C penalty' });
  a1.negative = { kind: 'noise', type: 'shuffle', strength: 0.6, blur: 5, image: { name: 'ref1.png', prep } };
  a1.attnMask = { kind: 'channel', image: 'left.png', channel: 'alpha' };
  const a2 = defaultAdapter([{ name: 'face.png', prep: null }]);
  a2.model = { loader: 'files', ipadapterFile: 'ip-adapter-plus-face_sd15.safetensors', clipVisionFile: 'CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors' };
  a2.negative = { kind: 'image', image: { name: 'neg.png', prep: { interpolation: 'LANCZOS', cropPosition: 'pad', sharpening: 0 } } };
  a2.attnMask = { kind: 'channel', image: 'right.png', channel: 'inverted-alpha' };
  a2.layerWeights = '0:1, 5:0.5, 15:1';
  const a3 = defaultAdapter([{ name: 'style.png', prep: null }]);
  a3.model = { loader: 'unified', preset: 'PLUS (high strength)', clipVisionFile: 'CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors' };
  Object.assign(a3, { weightType: 'style transfer precise', styleBoost: 1.5, attnMask: { kind: 'color', image: 'regions.png', color: 'magenta', thresholds: [0.2, 0.1, 0.3] } });
  const a4 = defaultAdapter([{ name: 'comp.png', prep: null }]);
  Object.assign(a4, { weightType: 'composition precise', compositionBoost: -0.5, unfoldBatch: true, attnMask: { kind: 'channel', image: 'm.png', channel: 'green' } });
  const a5 = defaultAdapter([{ name: 'b1.png', prep: null }, { name: 'b2.png', prep: null }]);
  Object.assign(a5, { unfoldBatch: true, weightType: 'ease in-out', negative: { kind: 'noise', type: 'gaussian', strength: 0, blur: 0, image: null } });
  s.adapters = [a1, a2, a3, a4, a5];
  return s;
}

describe.skipIf(!HAVE_WORKFLOWS)('export → import round trips of the real workflows', () => {
  for (const name of REAL) {
    test(name, () => {
      const first = importWorkflow(loadText(name));
      if (!first.ok) throw new Error(first.error);
      const { back } = roundTrip(first.settings);
      expect(back.settings).toEqual(first.settings);
      expect(back.report.unknownNodes).toEqual([]);
      expect(back.report.unsupportedValues).toEqual([]);
    });
  }

  test('the real workflows themselves pass the structural check (their older widget layouts allowed)', () => {
    for (const name of REAL) expect(validateUiWorkflow(loadJson(name), { currentLayoutOnly: false })).toEqual([]);
    // and with current layouts only, exactly the old nodes are named
    expect(validateUiWorkflow(loadJson('ipadapter_simple')).map((i) => i.path)).toEqual(['node 10 (IPAdapter)']);
    expect(validateUiWorkflow(loadJson('ipadapter_negative_image')).map((i) => i.path)).toEqual(['node 24 (IPAdapterAdvanced)', 'node 14 (IPAdapterAdvanced)']);
  });
});

describe('export', () => {
  test('every feature round-trips and the JSON passes the structural check', () => {
    const s = rich();
    const { e, back } = roundTrip(s);
    expect(back.settings).toEqual(s);
    expect(back.report.unsupportedValues.map((u) => u.field)).toEqual([]);
    const types = e.workflow.nodes.map((n) => n.type);
    for (const t of ['CheckpointLoaderSimple', 'LoraLoader', 'IPAdapterUnifiedLoader', 'IPAdapterModelLoader', 'CLIPVisionLoader', 'IPAdapterAdvanced', 'IPAdapterMS',
      'IPAdapterPreciseStyleTransfer', 'IPAdapterPreciseCompositionBatch', 'IPAdapterBatch', 'LoadImage', 'PrepImageForClipVision', 'ImageBatch', 'IPAdapterNoise',
      'LoadImageMask', 'InvertMask', 'MaskFromRGBCMYBW+', 'CLIPTextEncode', 'ImageScale', 'VAEEncode', 'RepeatLatentBatch', 'KSampler', 'VAEDecode', 'SaveImage']) {
      expect(types).toContain(t);
    }
    // shared nodes written once: ref1.png with its prep feeds the batch and the noise
    expect(types.filter((t) => t === 'PrepImageForClipVision')).toHaveLength(3);
    expect(e.workflow.nodes.filter((n) => n.type === 'LoadImage' && n.widgets_values[0] === 'ref1.png')).toHaveLength(1);
    expect(e.notes.join()).toMatch(/ComfyUI_essentials/);
  });

  test('ids, counters, positions and order', () => {
    const { workflow: w } = exported(rich());
    expect(w.nodes.map((n) => n.id)).toEqual(w.nodes.map((_, k) => k + 1));
    expect(w.last_node_id).toBe(w.nodes.length);
    expect(w.last_link_id).toBe(w.links.length);
    expect(w.version).toBe(0.4);
    const spots = new Set(w.nodes.map((n) => n.pos.join(',')));
    expect(spots.size).toBe(w.nodes.length);
    // each link goes left to right or down a column, and order is a topological order
    const byId = new Map(w.nodes.map((n) => [n.id, n]));
    for (const [, from, , to] of w.links) {
      expect(byId.get(from)!.order).toBeLessThan(byId.get(to)!.order);
      expect(byId.get(from)!.pos[0]).toBeLessThanOrEqual(byId.get(to)!.pos[0]);
    }
    const ks = w.nodes.find((n) => n.type === 'KSampler')!;
    expect(ks.widgets_values).toEqual([1234567890123, 'fixed', 6, 1.5, 'lcm', 'sgm_uniform', 0.65]);
  });

  test('the lab\'s six schedulers go out as KSampler names and come back', () => {
    for (const sch of SCHEDULER_NAMES) {
      const s = { ...defaultBridgeSettings(), scheduler: sch };
      const { back } = roundTrip(s);
      expect(back.settings.scheduler).toBe(sch);
      expect(back.report.unsupportedValues).toEqual([]);
    }
  });

  test('a luminance mask is written as the red channel, and says so', () => {
    const s = defaultBridgeSettings();
    s.adapters = [{ ...defaultAdapter([{ name: 'a.png', prep: null }]), attnMask: { kind: 'channel', image: 'grey.png', channel: 'luminance' } }];
    const e = exported(s);
    expect(e.notes.join()).toMatch(/luminance.*red channel/);
    const back = importWorkflow(e.json);
    expect(back.ok && back.settings.adapters[0].attnMask).toEqual({ kind: 'channel', image: 'grey.png', channel: 'red' });
  });

  test('settings ComfyUI cannot hold are refused with the reasons, nothing is written', () => {
    const s = defaultBridgeSettings();
    s.width = 500;
    s.adapters = [{ ...defaultAdapter([]), combineEmbeds: 'max', weightType: 'strong style and composition' }];
    const r = exportWorkflow(s);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues.map((i) => i.path)).toEqual(['width', 'adapters[0].images', 'adapters[0].weightType', 'adapters[0].combineEmbeds']);
      expect(r.error).toMatch(/IPAdapterCombineEmbeds/);
    }
    expect(exportWorkflow(null as unknown as ComfyBridgeSettings).ok).toBe(false);
  });

  test('export does not modify the settings', () => {
    const s = rich();
    const before = JSON.stringify(s);
    exported(s);
    expect(JSON.stringify(s)).toBe(before);
  });
});

describe('the structural validator finds what would break in ComfyUI', () => {
  const base = () => JSON.parse(exported(rich()).json);
  const check = (mutate: (w: any) => void, pattern: RegExp) => {
    const w = base();
    mutate(w);
    const issues = validateUiWorkflow(w);
    expect(issues.map((i) => i.message).join('\n')).toMatch(pattern);
  };

  test('link endpoints, types and bookkeeping', () => {
    check((w) => { w.links[0][3] = 999; }, /ends at node 999/);
    check((w) => { w.links[0][2] = 7; }, /from output 7/);
    check((w) => { w.links[0][5] = 'LATENT'; }, /typed LATENT/);
    check((w) => { w.nodes[0].outputs[0].links = []; }, /does not list link/);
    check((w) => { w.links.pop(); }, /not in "links"|not connected/);
    check((w) => { w.last_node_id = 1; }, /last_node_id/);
    check((w) => { w.last_link_id = 0; }, /last_link_id/);
    check((w) => { w.nodes[1].id = w.nodes[0].id; }, /used twice/);
  });

  test('node schemas: inputs, widget counts, choices, ranges, outputs', () => {
    const ks = (w: any) => w.nodes.find((n: any) => n.type === 'KSampler');
    const adv = (w: any) => w.nodes.find((n: any) => n.type === 'IPAdapterAdvanced');
    check((w) => { ks(w).widgets_values.pop(); }, /KSampler saves 7/);
    check((w) => { ks(w).widgets_values[4] = 'dpmpp_9m'; }, /sampler_name "dpmpp_9m" is not in the node's list/);
    check((w) => { adv(w).widgets_values = [1, 'linear', 'concat', 0, 1]; }, /widgets_values has 5 values/);
    check((w) => { adv(w).widgets_values[2] = 'max'; }, /combine_embeds "max"/);
    check((w) => { adv(w).widgets_values[0] = 7; }, /weight 7 is outside -1 … 5/);
    check((w) => { adv(w).inputs.pop(); }, /Inputs are/);
    check((w) => { w.nodes = w.nodes.filter((n: any) => n.type !== 'SaveImage'); w.links = w.links.filter((l: any) => w.nodes.some((n: any) => n.id === l[3])); }, /no outputs/i);
  });

  test('a loop', () => {
    const w = base();
    const ks = w.nodes.find((n: any) => n.type === 'KSampler');
    const dec = w.nodes.find((n: any) => n.type === 'VAEDecode');
    // feed the decoded image back into the first PrepImageForClipVision
    const prepNode = w.nodes.find((n: any) => n.type === 'PrepImageForClipVision');
    const old = prepNode.inputs[0].link;
    w.links = w.links.filter((l: any) => l[0] !== old);
    for (const n of w.nodes) for (const o of n.outputs) o.links = o.links.filter((x: number) => x !== old);
    const id = w.last_link_id + 1;
    w.last_link_id = id;
    w.links.push([id, dec.id, 0, prepNode.id, 0, 'IMAGE']);
    dec.outputs[0].links.push(id);
    prepNode.inputs[0].link = id;
    expect(ks).toBeTruthy();
    expect(validateUiWorkflow(w).map((i) => i.message).join()).toMatch(/loop/);
  });
});
