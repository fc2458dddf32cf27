import { describe, expect, test } from 'vitest';
import { importWorkflow, type ImportResult } from './import';
import type { BridgeAdapter } from './settings';
import { HAVE_WORKFLOWS, loadJson, loadText, oneAdapter, ui } from './workflows.testutil';

const ok = (r: ImportResult) => {
  if (!r.ok) throw new Error(`import failed: ${r.error}`);
  return r;
};
const imp = (w: unknown, opts = {}) => ok(importWorkflow(JSON.stringify(w), opts));
const adapterOf = (w: unknown): BridgeAdapter => {
  const r = imp(w);
  expect(r.settings.adapters).toHaveLength(1);
  return r.settings.adapters[0];
};

describe.skipIf(!HAVE_WORKFLOWS)('the real IPAdapter_plus example workflows', () => {
  test('ipadapter_simple: unified loader, the simple node saved with 3 widget values', () => {
    const r = ok(importWorkflow(loadText('ipadapter_simple')));
    const s = r.settings;
    expect(s).toMatchObject({
      checkpoint: 'sd15/realisticVisionV51_v51VAE.safetensors',
      prompt: 'closeup of a fierce warrior woman wearing a full armor at the end of a battle\n\nhigh quality, detailed',
      negativePrompt: 'blurry, noisy, messy, lowres, jpeg, artifacts, ill, distorted, malformed',
      seed: 0, steps: 30, cfg: 6.5, scheduler: 'dpmpp_2m_karras', width: 512, height: 512, batchSize: 1, denoise: 1, initImage: null, loras: [],
    });
    expect(s.adapters).toEqual([{
      model: { loader: 'unified', preset: 'PLUS (high strength)', clipVisionFile: null },
      images: [{ name: 'warrior_woman.png', prep: null }],
      weight: 0.8, weightType: 'linear', combineEmbeds: 'concat', startAt: 0, endAt: 1, embedsScaling: 'V only',
      negative: { kind: 'default' }, attnMask: null, layerWeights: '', styleBoost: null, compositionBoost: null, unfoldBatch: false,
    }]);
    expect(r.report.format).toBe('workflow');
    expect(r.report.sampler).toEqual({ id: 3, type: 'KSampler' });
    expect(r.report.unknownNodes).toEqual([]);
    expect(r.report.unsupportedValues).toEqual([]);
    expect(r.report.notes.join('\n')).toMatch(/node 10 \(IPAdapter\).*3 widget values/);
  });

  test('ipadapter_advanced: separate loaders, PrepImageForClipVision, ddpm + karras reported with the closest scheduler', () => {
    const r = ok(importWorkflow(loadText('ipadapter_advanced')));
    expect(r.settings.prompt).toMatch(/^in a peaceful spring morning a woman/);
    const [a] = r.settings.adapters;
    expect(a.model).toEqual({ loader: 'files', ipadapterFile: 'ip-adapter-plus_sd15.safetensors', clipVisionFile: 'CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors' });
    expect(a.images).toEqual([{ name: 'warrior_woman.png', prep: { interpolation: 'LANCZOS', cropPosition: 'top', sharpening: 0.15 } }]);
    expect(a).toMatchObject({ weight: 0.8, weightType: 'linear', combineEmbeds: 'concat', startAt: 0, endAt: 1, embedsScaling: 'V only' });
    expect(r.settings).toMatchObject({ seed: 0, steps: 30, cfg: 6.5, scheduler: 'euler_ancestral' });
    expect(r.report.unsupportedValues).toHaveLength(1);
    expect(r.report.unsupportedValues[0]).toMatchObject({ node: 3, nodeType: 'KSampler', field: 'sampler_name', value: 'ddpm + karras', used: 'euler_ancestral' });
    expect(r.report.unsupportedValues[0].reason).toContain('ddpm');
    expect(r.report.unknownNodes).toEqual([]);
  });

  test('ipadapter_negative_image: picks the sampler with the negative image, reads the 5-value IPAdapterAdvanced', () => {
    const r = ok(importWorkflow(loadText('ipadapter_negative_image')));
    expect(r.report.sampler).toEqual({ id: 21, type: 'KSampler' });
    expect(r.report.otherSamplers).toEqual([{ id: 3, type: 'KSampler' }]);
    const [a] = r.settings.adapters;
    expect(a.weight).toBeCloseTo(0.7, 12);
    expect(a).toMatchObject({ weightType: 'linear', combineEmbeds: 'concat', startAt: 0, endAt: 1, embedsScaling: 'V only' });
    expect(a.images).toEqual([{ name: 'castle.jpg', prep: { interpolation: 'LANCZOS', cropPosition: 'top', sharpening: 0 } }]);
    expect(a.negative).toEqual({ kind: 'image', image: { name: 'trees.jpg', prep: null } });
    expect(a.model).toEqual({ loader: 'files', ipadapterFile: 'ip-adapter-plus_sd15.safetensors', clipVisionFile: 'IPAdapter_image_encoder_sd15.safetensors' });
    expect(r.settings.prompt).toBe('a castle on a cliff\n\nhigh quality, detailed, diffuse light');
    expect(r.report.unsupportedValues.map((u) => [u.node, u.field, u.value, u.used])).toEqual([[21, 'sampler_name', 'dpmpp_2m_sde_gpu + exponential', 'dpmpp_2m_karras']]);
    const notes = r.report.notes.join('\n');
    expect(notes).toMatch(/node 24 \(IPAdapterAdvanced\).*5 widget values/);
    expect(notes).toMatch(/node 14 \(IPAdapterAdvanced\)/); // the other sampler's adapter, named as not imported
  });

  test('ipadapter_negative_image with the other sampler chosen', () => {
    const r = ok(importWorkflow(loadText('ipadapter_negative_image'), { sampler: 3 }));
    expect(r.report.sampler.id).toBe(3);
    expect(r.settings.adapters[0].negative).toEqual({ kind: 'default' });
    expect(importWorkflow(loadText('ipadapter_negative_image'), { sampler: 99 })).toMatchObject({ ok: false, code: 'no-such-sampler' });
  });

  test('ipadapter_regional_conditioning: three regional adapters with their colour masks; regional prompts reported', () => {
    const r = ok(importWorkflow(loadText('ipadapter_regional_conditioning')));
    const s = r.settings;
    expect(s).toMatchObject({ checkpoint: 'sd15/juggernaut_reborn.safetensors', seed: 5, steps: 40, cfg: 8, scheduler: 'dpmpp_2m_karras', width: 768, height: 512, batchSize: 1 });
    expect(s.prompt).toBe('closeup of two girl friends shopping in a sci-fi space station\n\nhigh quality, detailed');
    expect(s.negativePrompt).toBe('blurry, lowres, photo, distorted, ill, malformed, glitch, dirt, weird, text, naked');
    expect(s.adapters.map((a) => [a.images[0].name, a.attnMask])).toEqual([
      ['frazetta.jpg', { kind: 'color', image: 'mask_red_green (1).png', color: 'green', thresholds: [0.15, 0.15, 0.15] }],
      ['anime_illustration.png', { kind: 'color', image: 'mask_red_green (1).png', color: 'red', thresholds: [0.15, 0.15, 0.15] }],
      ['alien5.jpeg', { kind: 'color', image: 'mask_red_green (1).png', color: 'black', thresholds: [0.15, 0.15, 0.15] }],
    ]);
    for (const a of s.adapters) {
      expect(a.weight).toBeCloseTo(0.7, 12);
      expect(a).toMatchObject({ weightType: 'linear', startAt: 0, endAt: 1, combineEmbeds: 'concat', embedsScaling: 'V only', negative: { kind: 'default' } });
      expect(a.model).toEqual({ loader: 'unified', preset: 'PLUS (high strength)', clipVisionFile: null });
    }
    expect(s.adapters[0].model).not.toBe(s.adapters[1].model); // plain data, nothing shared
    const regional = r.report.unsupportedValues.map((u) => [u.node, u.field, u.value]);
    expect(regional).toEqual(expect.arrayContaining([
      [79, 'positive', 'illustration of a blonde woman with beautiful eyes'],
      [79, 'negative', 'anime'],
      [80, 'positive', 'anime illustration of a young woman with a black jacket'],
      [80, 'negative', '(dirt, scar, tattoo:1.1)'],
    ]));
    expect(regional).toHaveLength(4);
    expect(r.report.unknownNodes).toEqual([]);
  });

  test('the input text is not modified and the result holds no reference into it', () => {
    const text = loadText('ipadapter_regional_conditioning');
    const copy = `${text}`;
    const a = ok(importWorkflow(text));
    const b = ok(importWorkflow(text));
    expect(text).toBe(copy);
    expect(a.settings).toEqual(b.settings);
    a.settings.adapters[0].images[0].name = 'changed';
    expect(b.settings.adapters[0].images[0].name).toBe('frazetta.jpg');
  });

  test('schema-1 link objects and the { workflow } wrapper (PNG metadata) read the same', () => {
    const plain = ok(importWorkflow(loadText('ipadapter_negative_image'))).settings;
    const w = loadJson('ipadapter_negative_image');
    w.links = w.links.map(([id, origin_id, origin_slot, target_id, target_slot, type]: unknown[]) => ({ id, origin_id, origin_slot, target_id, target_slot, type }));
    w.version = 1;
    expect(imp(w).settings).toEqual(plain);
    expect(imp({ workflow: loadJson('ipadapter_negative_image') }).settings).toEqual(plain);
  });

  test('the same workflow as bytes', () => {
    const bytes = new TextEncoder().encode(loadText('ipadapter_simple'));
    expect(ok(importWorkflow(bytes)).settings.adapters[0].weight).toBe(0.8);
  });
});

describe('IPAdapterAdvanced widget arrays of every version', () => {
  test('current: 6 values', () => {
    expect(adapterOf(oneAdapter('IPAdapterAdvanced', [0.6, 'ease in', 'average', 0.1, 0.9, 'K+V w/ C penalty']))).toMatchObject({
      weight: 0.6, weightType: 'ease in', combineEmbeds: 'average', startAt: 0.1, endAt: 0.9, embedsScaling: 'K+V w/ C penalty',
    });
  });

  test('first v2 release: 5 values, no embeds_scaling (V only), noted', () => {
    const r = imp(oneAdapter('IPAdapterAdvanced', [1.2, 'style transfer', 'norm average', 0.2, 0.8]));
    expect(r.settings.adapters[0]).toMatchObject({ weight: 1.2, weightType: 'style transfer', combineEmbeds: 'norm average', startAt: 0.2, endAt: 0.8, embedsScaling: 'V only' });
    expect(r.report.notes.join()).toMatch(/5 widget values/);
    expect(r.report.unsupportedValues).toEqual([]);
  });

  test('a v1-style 6-value array (weight, noise, weight_type, start, end, unfold_batch) is told apart by its types', () => {
    const r = imp(oneAdapter('IPAdapterAdvanced', [0.9, 0.3, 'channel penalty', 0, 0.7, true]));
    const a = r.settings.adapters[0];
    expect(a).toMatchObject({ weight: 0.9, weightType: 'linear', startAt: 0, endAt: 0.7, unfoldBatch: true, combineEmbeds: 'concat', embedsScaling: 'V only' });
    expect(a.negative).toEqual({ kind: 'noise', type: 'shuffle', strength: 0.3, blur: 0, image: { name: 'ref.png', prep: null } });
    const fields = r.report.unsupportedValues.map((u) => [u.field, u.value]);
    expect(fields).toEqual(expect.arrayContaining([['weight_type', 'channel penalty'], ['noise', 0.3]]));
  });

  test('v1\'s IPAdapterApply node reads the same way', () => {
    const w = ui([
      { id: 1, type: 'CheckpointLoaderSimple', widgets: ['dreamshaper_8.safetensors'] },
      { id: 2, type: 'IPAdapterModelLoader', widgets: ['ip-adapter_sd15.safetensors'] },
      { id: 3, type: 'CLIPVisionLoader', widgets: ['CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors'] },
      { id: 4, type: 'LoadImage', widgets: ['ref.png', 'image'] },
      { id: 5, type: 'IPAdapterApply', widgets: [0.5, 0, 'original', 0.1, 1, false], in: { ipadapter: [2, 0], clip_vision: [3, 0], image: [4, 0], model: [1, 0] } },
      { id: 6, type: 'CLIPTextEncode', widgets: ['p'], in: { clip: [1, 1] } },
      { id: 7, type: 'EmptyLatentImage', widgets: [512, 512, 1] },
      { id: 8, type: 'KSampler', widgets: [1, 'fixed', 20, 7, 'euler', 'normal', 1], in: { model: [5, 0], positive: [6, 0], negative: [6, 0], latent_image: [7, 0] } },
    ]);
    const r = imp(w);
    expect(r.settings.adapters[0]).toMatchObject({
      weight: 0.5, weightType: 'linear', startAt: 0.1, endAt: 1, negative: { kind: 'default' },
      model: { loader: 'files', ipadapterFile: 'ip-adapter_sd15.safetensors', clipVisionFile: 'CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors' },
    });
    expect(r.report.unsupportedValues.map((u) => [u.field, u.value])).toEqual([['weight_type', 'original']]);
    expect(r.report.notes.join()).toMatch(/v1 widget values/);
  });

  test('an array matching no version is read by position and reported', () => {
    const r = imp(oneAdapter('IPAdapterAdvanced', [0.8, 'linear', 'concat', 'oops', 1, 'V only', 3]));
    expect(r.settings.adapters[0]).toMatchObject({ weight: 0.8, startAt: 0, endAt: 1 });
    const fields = r.report.unsupportedValues.map((u) => u.field);
    expect(fields).toContain('widgets_values');
    expect(fields).toContain('start_at');
  });

  test('the simple IPAdapter node: 3 values (old) and 4 with weight_type (current)', () => {
    expect(adapterOf(oneAdapter('IPAdapter', [0.7, 0.1, 0.9]))).toMatchObject({ weight: 0.7, startAt: 0.1, endAt: 0.9, weightType: 'linear' });
    expect(adapterOf(oneAdapter('IPAdapter', [0.7, 0, 1, 'prompt is more important'])).weightType).toBe('ease out');
    expect(adapterOf(oneAdapter('IPAdapter', [0.7, 0, 1, 'style transfer'])).weightType).toBe('style transfer');
  });

  test('weight types and choices outside the node\'s lists are reported with what was used', () => {
    const r = imp(oneAdapter('IPAdapterAdvanced', [9, 'wobbly', 'max', 0, 1, 'Q only']));
    expect(r.settings.adapters[0]).toMatchObject({ weight: 5, weightType: 'linear', combineEmbeds: 'concat', embedsScaling: 'V only' });
    expect(r.report.unsupportedValues.map((u) => [u.field, u.used])).toEqual(expect.arrayContaining([
      ['weight', 5], ['weight_type', 'linear'], ['combine_embeds', 'concat'], ['embeds_scaling', 'V only'],
    ]));
  });
});

describe('the other nodes the importer reads', () => {
  test('API prompt format (Export (API))', () => {
    const prompt = {
      4: { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'sd15.safetensors' } },
      11: { class_type: 'IPAdapterUnifiedLoader', inputs: { preset: 'STANDARD (medium strength)', model: ['4', 0] } },
      12: { class_type: 'LoadImage', inputs: { image: 'a.png', upload: 'image' } },
      13: { class_type: 'PrepImageForClipVision', inputs: { interpolation: 'BICUBIC', crop_position: 'pad', sharpening: 0.2, image: ['12', 0] } },
      10: { class_type: 'IPAdapterAdvanced', inputs: { weight: 0.5, weight_type: 'strong style transfer', combine_embeds: 'concat', start_at: 0, end_at: 0.8, embeds_scaling: 'K+V', model: ['11', 0], ipadapter: ['11', 1], image: ['13', 0] } },
      6: { class_type: 'CLIPTextEncode', inputs: { text: 'hello', clip: ['4', 1] } },
      7: { class_type: 'CLIPTextEncode', inputs: { text: 'bad', clip: ['4', 1] } },
      5: { class_type: 'EmptyLatentImage', inputs: { width: 640, height: 448, batch_size: 2 } },
      3: { class_type: 'KSampler', inputs: { seed: 123, steps: 25, cfg: 5, sampler_name: 'lcm', scheduler: 'sgm_uniform', denoise: 1, model: ['10', 0], positive: ['6', 0], negative: ['7', 0], latent_image: ['5', 0] }, _meta: { title: 'KSampler' } },
      8: { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
      9: { class_type: 'SaveImage', inputs: { filename_prefix: 'x', images: ['8', 0] } },
    };
    for (const body of [prompt, { prompt }]) {
      const r = imp(body);
      expect(r.report.format).toBe('api');
      expect(r.settings).toMatchObject({ prompt: 'hello', negativePrompt: 'bad', seed: 123, steps: 25, cfg: 5, scheduler: 'lcm', width: 640, height: 448, batchSize: 2 });
      expect(r.settings.adapters[0]).toMatchObject({ weight: 0.5, weightType: 'strong style transfer', endAt: 0.8, embedsScaling: 'K+V', images: [{ name: 'a.png', prep: { interpolation: 'BICUBIC', cropPosition: 'pad', sharpening: 0.2 } }] });
      expect(r.report.unknownNodes).toEqual([]);
      expect(r.report.unsupportedValues).toEqual([]);
    }
  });

  test('KSampler saved without control_after_generate (6 values), KSamplerAdvanced', () => {
    const w = oneAdapter('IPAdapterAdvanced', [1, 'linear', 'concat', 0, 1, 'V only']);
    w.nodes.find((n: any) => n.id === 8).widgets_values = [7, 12, 4.5, 'dpmpp_2m', 'normal', 1];
    expect(imp(w).settings).toMatchObject({ seed: 7, steps: 12, cfg: 4.5, scheduler: 'dpmpp_2m' });
    const adv = oneAdapter('IPAdapterAdvanced', [1, 'linear', 'concat', 0, 1, 'V only']);
    const ks = adv.nodes.find((n: any) => n.id === 8);
    ks.type = 'KSamplerAdvanced';
    ks.widgets_values = ['enable', 99, 'randomize', 30, 6, 'euler_ancestral', 'normal', 5, 10000, 'disable'];
    const r = imp(adv);
    expect(r.settings).toMatchObject({ seed: 99, steps: 30, cfg: 6, scheduler: 'euler_ancestral' });
    expect(r.report.unsupportedValues.map((u) => u.field)).toEqual(['start_at_step']);
  });

  test('a seed from a primitive node, reroutes and a bypassed node on the path', () => {
    const w = ui([
      { id: 1, type: 'CheckpointLoaderSimple', widgets: ['dreamshaper_8.safetensors'] },
      { id: 2, type: 'Reroute', ins: { '': '*' }, outs: ['*'], in: { '': [1, 0] } },
      { id: 3, type: 'FreeU_V2', ins: { model: 'MODEL' }, outs: ['MODEL'], widgets: [1.3, 1.4, 0.9, 0.2], mode: 4, in: { model: [2, 0] } },
      { id: 4, type: 'CLIPTextEncode', widgets: ['p'], in: { clip: [1, 1] } },
      { id: 5, type: 'CLIPTextEncode', widgets: ['n'], in: { clip: [1, 1] } },
      { id: 6, type: 'EmptyLatentImage', widgets: [512, 768, 1] },
      { id: 7, type: 'PrimitiveNode', outs: ['INT'], widgets: [777, 'fixed'] },
      { id: 8, type: 'KSampler', widgets: [1, 'fixed', 20, 7, 'euler', 'normal', 1], in: { model: [3, 0], positive: [4, 0], negative: [5, 0], latent_image: [6, 0] }, widgetIn: { seed: [7, 0, 'INT'] } },
      { id: 9, type: 'VAEDecode', in: { samples: [8, 0], vae: [1, 2] } },
      { id: 10, type: 'SaveImage', widgets: ['x'], in: { images: [9, 0] } },
    ]);
    const r = imp(w);
    expect(r.settings).toMatchObject({ seed: 777, checkpoint: 'dreamshaper_8.safetensors', width: 512, height: 768 });
    expect(r.report.notes.join()).toMatch(/node 3 \(FreeU_V2\) is bypassed/);
    expect(r.report.unknownNodes).toEqual([]);
  });

  test('unknown nodes are listed by name, on the path and off it; nothing is dropped silently', () => {
    const w = ui([
      { id: 1, type: 'CheckpointLoaderSimple', widgets: ['sd_xl_base_1.0.safetensors'] },
      { id: 2, type: 'FreeU_V2', ins: { model: 'MODEL' }, outs: ['MODEL'], widgets: [1.3, 1.4, 0.9, 0.2], in: { model: [1, 0] } },
      { id: 3, type: 'IPAdapterUnifiedLoaderFaceID', ins: { model: 'MODEL' }, outs: ['MODEL', 'IPADAPTER'], in: { model: [2, 0] }, widgets: ['FACEID PLUS V2', 0.6, 'CPU'] },
      { id: 4, type: 'LoadImage', widgets: ['face.png', 'image'] },
      { id: 5, type: 'IPAdapterFaceID', ins: { model: 'MODEL', ipadapter: 'IPADAPTER', image: 'IMAGE' }, outs: ['MODEL', 'IMAGE'], in: { model: [3, 0], ipadapter: [3, 1], image: [4, 0] }, widgets: [1, 1, 'linear', 'concat', 0, 1, 'V only'] },
      { id: 6, type: 'CLIPTextEncode', widgets: ['p'], in: { clip: [1, 1] } },
      { id: 7, type: 'ControlNetApplyAdvanced', ins: { positive: 'CONDITIONING', negative: 'CONDITIONING' }, outs: ['CONDITIONING', 'CONDITIONING'], in: { positive: [6, 0], negative: [8, 0] }, widgets: [1, 0, 1] },
      { id: 8, type: 'CLIPTextEncode', widgets: ['n'], in: { clip: [1, 1] } },
      { id: 9, type: 'EmptyLatentImage', widgets: [512, 512, 1] },
      { id: 10, type: 'KSampler', widgets: [1, 'fixed', 20, 7, 'heun', 'karras', 1], in: { model: [5, 0], positive: [7, 0], negative: [7, 1], latent_image: [9, 0] } },
      { id: 11, type: 'VAEDecode', in: { samples: [10, 0], vae: [1, 2] } },
      { id: 12, type: 'UltimateSDUpscale', ins: { image: 'IMAGE' }, outs: ['IMAGE'], in: { image: [11, 0] } },
      { id: 13, type: 'Note', widgets: ['hello'] },
      { id: 14, type: 'WAS_Some_Node', outs: ['STRING'] },
    ]);
    const r = imp(w);
    expect(r.settings.prompt).toBe('p');
    expect(r.settings.negativePrompt).toBe('n'); // through the ControlNet node, negative side
    expect(r.settings.adapters).toEqual([]);
    const unknown = Object.fromEntries(r.report.unknownNodes.map((u) => [u.type, u.onPath]));
    expect(unknown).toEqual({ FreeU_V2: true, IPAdapterUnifiedLoaderFaceID: true, IPAdapterFaceID: true, ControlNetApplyAdvanced: true, UltimateSDUpscale: false, WAS_Some_Node: false });
    expect(r.report.unknownNodes.find((u) => u.type === 'IPAdapterFaceID')!.reason).toMatch(/InsightFace/);
    const values = r.report.unsupportedValues.map((u) => [u.nodeType, u.field]);
    expect(values).toEqual(expect.arrayContaining([['CheckpointLoaderSimple', 'ckpt_name'], ['KSampler', 'sampler_name']]));
    expect(r.report.unsupportedValues.find((u) => u.field === 'ckpt_name')!.reason).toMatch(/SDXL/);
    expect(r.settings.scheduler).toBe('euler');
  });

  test('LoRA, image-to-image, IPAdapterNoise, masks (LoadImageMask + InvertMask, LoadImage MASK), ImageBatch', () => {
    const w = ui([
      { id: 1, type: 'CheckpointLoaderSimple', widgets: ['dreamshaper_8.safetensors'] },
      { id: 2, type: 'LoraLoader', widgets: ['lcm-lora-sdv1-5.safetensors', 1, 1], in: { model: [1, 0], clip: [1, 1] } },
      { id: 3, type: 'IPAdapterModelLoader', widgets: ['ip-adapter_sd15.safetensors'] },
      { id: 4, type: 'CLIPVisionLoader', widgets: ['CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors'] },
      { id: 5, type: 'LoadImage', widgets: ['a.png', 'image'] },
      { id: 6, type: 'LoadImage', widgets: ['b.png', 'image'] },
      { id: 7, type: 'ImageBatch', in: { image1: [5, 0], image2: [6, 0] } },
      { id: 8, type: 'PrepImageForClipVision', widgets: ['LANCZOS', 'center', 0], in: { image: [7, 0] } },
      { id: 9, type: 'IPAdapterNoise', widgets: ['dissolve', 0.4, 3], in: { image_optional: [8, 0] } },
      { id: 10, type: 'LoadImageMask', widgets: ['m.png', 'alpha', 'image'] },
      { id: 11, type: 'InvertMask', in: { mask: [10, 0] } },
      { id: 12, type: 'IPAdapterAdvanced', widgets: [0.9, 'linear', 'average', 0, 1, 'V only'], in: { model: [2, 0], ipadapter: [3, 0], image: [8, 0], image_negative: [9, 0], attn_mask: [11, 0], clip_vision: [4, 0] } },
      { id: 13, type: 'LoadImage', widgets: ['c.png', 'image'] },
      { id: 14, type: 'IPAdapterAdvanced', widgets: [0.5, 'linear', 'concat', 0, 1, 'V only'], in: { model: [12, 0], ipadapter: [3, 0], image: [13, 0], attn_mask: [13, 1], clip_vision: [4, 0] } },
      { id: 15, type: 'CLIPTextEncode', widgets: ['p'], in: { clip: [2, 1] } },
      { id: 16, type: 'CLIPTextEncode', widgets: ['n'], in: { clip: [2, 1] } },
      { id: 17, type: 'LoadImage', widgets: ['init.png', 'image'] },
      { id: 18, type: 'ImageScale', widgets: ['bicubic', 576, 448, 'center'], in: { image: [17, 0] } },
      { id: 19, type: 'VAEEncode', in: { pixels: [18, 0], vae: [1, 2] } },
      { id: 20, type: 'KSampler', widgets: [5, 'fixed', 6, 1.5, 'lcm', 'sgm_uniform', 0.6], in: { model: [14, 0], positive: [15, 0], negative: [16, 0], latent_image: [19, 0] } },
      { id: 21, type: 'VAEDecode', in: { samples: [20, 0], vae: [1, 2] } },
      { id: 22, type: 'PreviewImage', in: { images: [21, 0] } },
    ]);
    const r = imp(w);
    const prep = { interpolation: 'LANCZOS', cropPosition: 'center', sharpening: 0 };
    expect(r.settings).toMatchObject({ loras: [{ name: 'lcm-lora-sdv1-5.safetensors', strengthModel: 1, strengthClip: 1 }], initImage: 'init.png', width: 576, height: 448, denoise: 0.6, scheduler: 'lcm', steps: 6 });
    const [a, b] = r.settings.adapters;
    expect(a.images).toEqual([{ name: 'a.png', prep }, { name: 'b.png', prep }]);
    expect(a.combineEmbeds).toBe('average');
    expect(a.negative).toEqual({ kind: 'noise', type: 'dissolve', strength: 0.4, blur: 3, image: { name: 'a.png', prep } });
    expect(a.attnMask).toEqual({ kind: 'channel', image: 'm.png', channel: 'alpha' });
    expect(b.attnMask).toEqual({ kind: 'channel', image: 'c.png', channel: 'inverted-alpha' });
    expect(a.model).toEqual({ loader: 'files', ipadapterFile: 'ip-adapter_sd15.safetensors', clipVisionFile: 'CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors' });
    // the noise image is a batch of two: reported, first one used
    expect(r.report.unsupportedValues.map((u) => u.field)).toEqual(['image_optional']);
    expect(r.report.unknownNodes).toEqual([]);
  });

  test('IPAdapterMS layer_weights, the Precise nodes, IPAdapterEmbeds with encoders', () => {
    expect(adapterOf(oneAdapter('IPAdapterMS', [1, 1, 'linear', 'concat', 0, 1, 'V only', '0:1, 5:0.5']))).toMatchObject({ layerWeights: '0:1, 5:0.5' });
    const bad = imp(oneAdapter('IPAdapterMS', [1, 1, 'linear', 'concat', 0, 1, 'V only', '99:1']));
    expect(bad.settings.adapters[0].layerWeights).toBe('');
    expect(bad.report.unsupportedValues[0]).toMatchObject({ field: 'layer_weights', value: '99:1', used: '' });
    expect(adapterOf(oneAdapter('IPAdapterPreciseStyleTransfer', [1, 2, 'concat', 0, 1, 'V only']))).toMatchObject({ weightType: 'style transfer precise', styleBoost: 2 });
    expect(adapterOf(oneAdapter('IPAdapterPreciseCompositionBatch', [1, 0.5, 'concat', 0, 1, 'V only']))).toMatchObject({ weightType: 'composition precise', compositionBoost: 0.5, unfoldBatch: true });

    const w = ui([
      { id: 1, type: 'CheckpointLoaderSimple', widgets: ['dreamshaper_8.safetensors'] },
      { id: 2, type: 'IPAdapterUnifiedLoader', widgets: ['STANDARD (medium strength)'], in: { model: [1, 0] } },
      { id: 3, type: 'LoadImage', widgets: ['a.png', 'image'] },
      { id: 4, type: 'LoadImage', widgets: ['b.png', 'image'] },
      { id: 5, type: 'IPAdapterEncoder', widgets: [1], in: { ipadapter: [2, 1], image: [3, 0] } },
      { id: 6, type: 'IPAdapterEncoder', widgets: [0.5], in: { ipadapter: [2, 1], image: [4, 0] } },
      { id: 7, type: 'IPAdapterCombineEmbeds', widgets: ['max'], in: { embed1: [5, 0], embed2: [6, 0] } },
      { id: 8, type: 'IPAdapterEmbeds', widgets: [0.8, 'linear', 0, 1, 'V only'], in: { model: [2, 0], ipadapter: [2, 1], pos_embed: [7, 0], neg_embed: [5, 1] } },
      { id: 9, type: 'CLIPTextEncode', widgets: ['p'], in: { clip: [1, 1] } },
      { id: 10, type: 'EmptyLatentImage', widgets: [512, 512, 1] },
      { id: 11, type: 'KSampler', widgets: [1, 'fixed', 20, 7, 'euler', 'normal', 1], in: { model: [8, 0], positive: [9, 0], negative: [9, 0], latent_image: [10, 0] } },
    ]);
    const r = imp(w);
    expect(r.settings.adapters[0]).toMatchObject({ weight: 0.8, combineEmbeds: 'max', images: [{ name: 'a.png', prep: null }, { name: 'b.png', prep: null }], negative: { kind: 'default' } });
    expect(r.report.unsupportedValues.map((u) => [u.nodeType, u.field, u.value])).toEqual([['IPAdapterEncoder', 'weight', 0.5]]);
  });

  test('lab limits: sizes, batch and seed beyond them are mapped to the closest and reported', () => {
    const w = oneAdapter('IPAdapterAdvanced', [1, 'linear', 'concat', 0, 1, 'V only']);
    w.nodes.find((n: any) => n.id === 7).widgets_values = [520, 3000, 64];
    w.nodes.find((n: any) => n.id === 8).widgets_values = [2 ** 60, 'fixed', 20, 7, 'euler', 'normal', 0.5];
    const r = imp(w);
    expect(r.settings).toMatchObject({ width: 512, height: 2048, batchSize: 16, denoise: 1 });
    expect(Number.isSafeInteger(r.settings.seed)).toBe(true);
    expect(r.report.unsupportedValues.map((u) => [u.field, u.used])).toEqual(expect.arrayContaining([['width', 512], ['height', 2048], ['batch_size', 16], ['denoise', 1], ['seed', r.settings.seed]]));
  });

  test('a workflow without a sampler, or with only muted samplers, is refused with a sentence', () => {
    const w = ui([{ id: 1, type: 'CheckpointLoaderSimple', widgets: ['x.safetensors'] }, { id: 2, type: 'LoadImage', widgets: ['a.png', 'image'] }]);
    const r = importWorkflow(JSON.stringify(w));
    expect(r).toMatchObject({ ok: false, code: 'no-sampler' });
    if (!r.ok) expect(r.error).toMatch(/no KSampler.*CheckpointLoaderSimple, LoadImage/);
    const muted = oneAdapter('IPAdapterAdvanced', [1, 'linear', 'concat', 0, 1, 'V only']);
    muted.nodes.find((n: any) => n.id === 8).mode = 2;
    expect(importWorkflow(JSON.stringify(muted))).toMatchObject({ ok: false, code: 'no-sampler' });
  });
});
