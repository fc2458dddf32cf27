import { describe, expect, test } from 'vitest';
import { exportWorkflow, importWorkflow } from '../comfy';
import { HAVE_WORKFLOWS, REAL, loadText } from '../comfy/workflows.testutil';
import { validateSettings } from '../pipeline/settings';
import {
  addHistory, bridgePath, defaultLiveState, errorTargets, fromBridge, fromLegacyState, getAt, HISTORY_KEY, LEGACY_HISTORY_KEY,
  isPlaceholderName, newAdapter, readHistory, sanitizeLiveState, setAt, toBridge, toGenerate, uniqueName, type LiveState,
} from './panel';
import { panelAssets, type Picture } from './assets';
import { emptyGrid, encodeMask, decodeMask, paintRect } from './maskGrid';

function memStore(init: Record<string, string> = {}) {
  const m = new Map(Object.entries(init));
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
}

function picture(w: number, h: number, rgb: [number, number, number]): Picture {
  const rgba = new Uint8ClampedArray(w * h * 4);
  const px = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) { rgba.set([...rgb, 255], i * 4); px.set(rgb, i * 3); }
  return { rgba: { width: w, height: h, data: rgba }, rgb: { width: w, height: h, data: px } };
}

/** Two regional adapters (the second with a painted left-half mask), a noise negative, layer weights, img2img, a LoRA. */
function richState(): LiveState {
  let s = defaultLiveState();
  s = { ...s, width: 128, height: 64, steps: 4, denoise: 0.5, initImage: 'init.png', loras: [{ name: 'lcm-lora-sdv1-5.safetensors', strengthModel: 1, strengthClip: 1 }] };
  const a0 = { ...s.adapters[0], model: { loader: 'files' as const, ipadapterFile: 'ip-adapter_sd15.safetensors', clipVisionFile: 'CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors' } };
  a0.images = [{ name: 'a.png', prep: { interpolation: 'LANCZOS', cropPosition: 'top', sharpening: 0 } }, { name: 'b.png', prep: null }];
  a0.negative = { kind: 'noise', type: 'gaussian', strength: 0.6, blur: 2, image: a0.images[0] };
  a0.layerWeights = '0:1, 5:0.5';
  const a1 = { ...newAdapter({ ...s, adapters: [a0] }), attnMask: { kind: 'channel' as const, image: 'painted-mask-1.png', channel: 'red' as const } };
  a1.images = [{ name: 'c.png', prep: { interpolation: 'LANCZOS', cropPosition: 'pad', sharpening: 0 } }];
  const g = paintRect(emptyGrid(16, 8), { x: 0, y: 0, w: 0.5, h: 1 }, 1);
  return sanitizeLiveState({ ...s, adapters: [a0, a1], masks: { 'painted-mask-1.png': encodeMask(g) } });
}

describe('state = the bridge settings', () => {
  test('defaults are valid bridge settings with one adapter and one reference slot', () => {
    const s = defaultLiveState();
    expect(s.adapters).toHaveLength(1);
    expect(s.adapters[0].images.map((i) => i.name)).toEqual(['reference.png']);
    expect(toBridge(s)).not.toHaveProperty('masks');
    expect(sanitizeLiveState(s)).toEqual(s);
  });

  test('sanitize repairs hostile input without throwing', () => {
    const s = sanitizeLiveState({
      seed: -5, steps: 1e9, cfg: 'x', scheduler: 'nope', denoise: 0, weight: 3, batchSize: 99,
      adapters: [{ weight: 9, weightType: 'bogus', images: [{ name: '__proto__' }, { name: 'ok.png', prep: { cropPosition: 'pad', sharpening: 7 } }], negative: { kind: 'noise', type: 'x', strength: 4 }, attnMask: { kind: 'channel', image: 'm.png', channel: 'x' } }, ...Array(20).fill({})],
      masks: { 'm.png': 'garbage', 'unused.png': '1x1:0.1' },
      loras: [{ name: 'x.safetensors', strengthModel: 500 }],
    } as unknown as LiveState);
    expect(s.seed).toBe(0);
    expect(s.steps).toBe(1000);
    expect(s.cfg).toBe(7);
    expect(s.scheduler).toBe('dpmpp_2m_karras');
    expect(s.denoise).toBe(0.01);
    expect(s.batchSize).toBe(16);
    expect(s.adapters).toHaveLength(6);
    const a = s.adapters[0];
    expect(a.weight).toBe(5);
    expect(a.weightType).toBe('linear');
    expect(a.images.map((i) => i.name)).toEqual(['reference.png', 'ok.png']);
    expect(a.images[1].prep).toEqual({ interpolation: 'LANCZOS', cropPosition: 'pad', sharpening: 1 });
    expect(a.negative).toEqual({ kind: 'noise', type: 'fade', strength: 1, blur: 0, image: null });
    expect(a.attnMask).toEqual({ kind: 'channel', image: 'm.png', channel: 'red' });
    expect(s.masks).toEqual({}); // undecodable and unused masks dropped
    expect(s.loras[0].strengthModel).toBe(100);
    expect(Object.getPrototypeOf(s)).toBe(Object.prototype);
  });

  test('a painted mask follows the output size (re-gridded, one cell per 8 px)', () => {
    const s = richState();
    const bigger = sanitizeLiveState({ ...s, width: 256, height: 128 });
    const g = decodeMask(bigger.masks['painted-mask-1.png'])!;
    expect([g.width, g.height]).toEqual([32, 16]);
    expect(g.data[0]).toBe(1);
    expect(g.data[31]).toBe(0);
  });

  test('export → import → fromBridge gives the same state back (two adapters, mask, negative noise, layer weights, img2img, LoRA)', () => {
    const s = richState();
    const r = exportWorkflow(toBridge(s));
    if (!r.ok) throw new Error(r.error);
    const back = importWorkflow(r.json);
    if (!back.ok) throw new Error(back.error);
    const { state, dropped } = fromBridge(back.settings, s.masks);
    expect(dropped).toEqual([]);
    expect(state).toEqual(s);
  });

  test('toGenerate maps through comfy: pixels by name, the painted mask, img2img steps, a valid GenerateSettings', () => {
    const s = richState();
    const pictures = new Map<string, Picture>([['a.png', picture(4, 3, [255, 0, 0])], ['b.png', picture(3, 3, [0, 255, 0])], ['c.png', picture(2, 5, [0, 0, 255])], ['init.png', picture(10, 5, [128, 128, 128])]]);
    const loaded = [{ name: 'ip-adapter_sd15.safetensors', variant: 'standard' as const }];
    const r = toGenerate(s, panelAssets(s, { pictures, adapters: loaded, loras: s.loras }));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const g = r.settings;
    expect(validateSettings(g, { adapterModels: 1 }).errors).toEqual([]);
    expect(g.adapters).toHaveLength(2);
    expect(g.adapters![0].images).toHaveLength(2);
    expect(g.adapters![0].negative).toEqual({ kind: 'noise', type: 'gaussian', strength: 0.6, blur: 2 });
    expect(g.adapters![0].layerWeights).toBe('0:1, 5:0.5');
    expect(g.adapters![1].mask!.width).toBe(16);
    expect(Array.from(g.adapters![1].mask!.data.slice(0, 16))).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(g.img2img!.image.width).toBe(128);
    expect(g.steps * g.img2img!.strength).toBeCloseTo(4); // KSampler's 4 steps at denoise 0.5 = 4 of 8
    // prompts for test networks replace the text
    const t = toGenerate(s, panelAssets(s, { pictures, adapters: loaded, loras: s.loras }), { prompt: { ids: [1] }, negativePrompt: { ids: [2] } });
    expect(t.ok && t.settings.prompt).toEqual({ ids: [1] });
  });

  test('toGenerate names what is missing: a picture, the adapter file, a LoRA loaded with other strengths', () => {
    const s = richState();
    const r = toGenerate(s, panelAssets(s, { pictures: new Map(), adapters: [], loras: [{ ...s.loras[0], strengthModel: 0.5 }] }));
    expect(r.ok).toBe(false);
    const paths = (r.ok ? [] : r.errors).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['loras[0]', 'adapters[0].model', 'adapters[0].images[0]', 'adapters[1].images[0]', 'initImage']));
  });

  test.skipIf(!HAVE_WORKFLOWS)('the real workflows import with nothing dropped: masks, several adapters, negative image are in the state', () => {
    for (const name of REAL) {
      const r = importWorkflow(loadText(name));
      if (!r.ok) throw new Error(r.error);
      const { state, dropped } = fromBridge(r.settings);
      expect(dropped).toEqual([]);
      expect(toBridge(state)).toEqual(r.settings);
    }
    const regional = importWorkflow(loadText('ipadapter_regional_conditioning'));
    const st = regional.ok ? fromBridge(regional.settings).state : null;
    expect(st!.adapters.map((a) => a.attnMask && a.attnMask.kind === 'color' && a.attnMask.color)).toEqual(['green', 'red', 'black']);
    const neg = importWorkflow(loadText('ipadapter_negative_image'));
    expect(neg.ok && fromBridge(neg.settings).state.adapters[0].negative).toEqual({ kind: 'image', image: { name: 'trees.jpg', prep: null } });
  });

  test('batch and unfold_batch are kept but listed as not shown', () => {
    const b = toBridge(defaultLiveState());
    b.batchSize = 4;
    b.adapters[0].unfoldBatch = true;
    expect(fromBridge(b).dropped).toHaveLength(2);
    expect(fromBridge(b).state.batchSize).toBe(4);
  });
});

describe('paths', () => {
  test('getAt / setAt copy on write and refuse prototype keys', () => {
    const s = defaultLiveState();
    const t = setAt(s, 'adapters[0].images[0].prep.cropPosition', 'pad');
    expect(getAt(t, 'adapters[0].images[0].prep.cropPosition')).toBe('pad');
    expect(getAt(s, 'adapters[0].images[0].prep.cropPosition')).toBe('center');
    expect(t.adapters[0].negative).toBe(s.adapters[0].negative);
    expect(setAt(s, '__proto__.x', 1)).toBe(s);
    expect(getAt(s, 'adapters[3].weight')).toBeUndefined();
  });

  test('pipeline error paths land on the bridge control, then its parents', () => {
    expect(bridgePath('guidance')).toBe('cfg');
    expect(bridgePath('img2img.strength')).toBe('denoise');
    expect(bridgePath('img2img.image')).toBe('initImage');
    expect(bridgePath('adapters[1].mask')).toBe('adapters[1].attnMask');
    expect(errorTargets('adapters[1].negative.strength')).toEqual(['adapters[1].negative.strength', 'adapters[1].negative', 'adapters[1]', 'adapters']);
    expect(errorTargets('adapters[0].images[2]')).toEqual(['adapters[0].images[2]', 'adapters[0].images', 'adapters[0]', 'adapters']);
  });

  test('uniqueName and newAdapter avoid names in use', () => {
    expect(uniqueName('a.png', new Set(['a.png', 'a (2).png']))).toBe('a (3).png');
    expect(uniqueName('x', new Set(['x']))).toBe('x (2)');
    expect(newAdapter(defaultLiveState()).images[0].name).toBe('reference (2).png');
    expect(['reference.png', 'init (3).png', 'negative.png', 'painted-mask (2).png'].every(isPlaceholderName)).toBe(true);
    expect(['warrior_woman.png', 'init.jpg', 'my reference.png'].some(isPlaceholderName)).toBe(false);
  });
});

describe('history', () => {
  const thumb = 'data:image/png;base64,AAAA';
  test('v1 entries (flat state) are read into the bridge state; broken ones are skipped; saving moves them to v2', () => {
    const v1 = [
      { at: 1, ms: 5, thumb, state: { prompt: 'old', seed: 3, weight: 0.4, weightType: 'ease in', referenceName: 'me.png', width: 256, height: 256 } },
      { at: 2, thumb: 'javascript:alert(1)', state: {} },
      null,
    ];
    const store = memStore({ [LEGACY_HISTORY_KEY]: JSON.stringify(v1) });
    const h = readHistory(store);
    expect(h).toHaveLength(1);
    expect(h[0].state.prompt).toBe('old');
    expect(h[0].state.adapters[0]).toMatchObject({ weight: 0.4, weightType: 'ease in', images: [{ name: 'me.png' }] });
    addHistory(store, { at: 9, ms: 1, thumb, state: defaultLiveState() });
    expect(store.m.has(LEGACY_HISTORY_KEY)).toBe(false);
    expect(readHistory(store).map((e) => e.at)).toEqual([9, 1]);
  });

  test('garbage in storage gives an empty history', () => {
    expect(readHistory(memStore({ [HISTORY_KEY]: '{not json' }))).toEqual([]);
    expect(readHistory(memStore({ [HISTORY_KEY]: '{"a":1}' }))).toEqual([]);
    expect(fromLegacyState('x').adapters).toHaveLength(1);
  });

  test('a full storage keeps the newest entries', () => {
    let calls = 0;
    const store = { getItem: () => null, setItem: () => { if (++calls < 3) throw new Error('quota'); } };
    const out = addHistory(store, { at: 1, ms: 1, thumb, state: defaultLiveState() });
    expect(out).toHaveLength(1);
  });
});
