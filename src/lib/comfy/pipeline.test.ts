import { describe, expect, test } from 'vitest';
import { comfyStepsToLab, fromGenerateSettings, labStepsToComfy, toGenerateSettings, type PipelineAssets } from './pipeline';
import { colorMask } from './colorMask';
import { LAB_LIMITS, closestSide } from './labLimits';
import { defaultAdapter, defaultBridgeSettings, type BridgeImage, type ComfyBridgeSettings } from './settings';
import { importWorkflow } from './import';
import { MAX_BATCH, MAX_SIDE, WEIGHT_RANGE, validateSettings } from '../pipeline/settings';
import { img2imgStartIndex } from '../pipeline/img2img';
import { HAVE_WORKFLOWS, REAL, loadText } from './workflows.testutil';

const px = (fill: number) => ({ data: new Float32Array(3 * 224 * 224).fill(fill), size: 224 });
/** Assets that "decode" every named thing (as the panel will, from files). */
const assets = (missing: string[] = []): PipelineAssets => ({
  clipPixels: (img: BridgeImage) => (missing.includes(img.name) ? undefined : px(img.name.length / 100)),
  mask: (m) => (missing.includes(m.image) ? undefined : { data: new Float32Array(64 * 96).fill(1), width: 96, height: 64 }),
  initImage: (name, width, height) => (missing.includes(name) ? undefined : { data: new Float32Array(3 * width * height), width, height }),
  adapterModel: (m) => (m.loader === 'unified' ? ['STANDARD (medium strength)', 'PLUS (high strength)'].indexOf(m.preset) : 0),
});

describe('bridge settings → GenerateSettings', () => {
  test.skipIf(!HAVE_WORKFLOWS)('each real workflow maps to settings the pipeline accepts', () => {
    for (const name of REAL) {
      const r = importWorkflow(loadText(name));
      if (!r.ok) throw new Error(r.error);
      const m = toGenerateSettings(r.settings, assets());
      if (!m.ok) throw new Error(JSON.stringify(m.errors));
      const v = validateSettings(m.settings, { adapterModels: 2, clipSize: 224 });
      expect(v.errors).toEqual([]);
      expect(m.settings.adapters).toHaveLength(r.settings.adapters.length);
      expect(m.settings.guidance).toBe(r.settings.cfg);
    }
  });

  test('img2img: ComfyUI\'s steps/denoise become the pipeline\'s steps/strength running the same steps', () => {
    for (let steps = 1; steps <= 60; steps++) {
      for (const denoise of [0.05, 0.3, 0.33, 0.5, 0.6, 0.7, 0.75, 0.9, 0.99]) {
        const lab = comfyStepsToLab(steps, denoise);
        const total = Math.trunc(steps / denoise); // comfy/samplers.py: new_steps = int(steps/denoise)
        expect(lab.steps).toBe(total);
        // the pipeline runs steps [start, total): the last `steps` of a `total`-step schedule, as ComfyUI
        expect(lab.steps - img2imgStartIndex(lab.steps, lab.strength)).toBe(steps);
        // and back
        const back = labStepsToComfy(lab.steps, lab.strength);
        expect(back.steps).toBe(steps);
        expect(Math.trunc(back.steps / back.denoise)).toBe(total);
      }
    }
    expect(comfyStepsToLab(20, 1)).toEqual({ steps: 20, strength: 1 });
  });

  test('negatives: default, image, noise on the reference, black (noise of strength 0 on nothing)', () => {
    const s = defaultBridgeSettings();
    const ref = { name: 'ref.png', prep: null };
    s.adapters = [
      { ...defaultAdapter([ref]), negative: { kind: 'noise', type: 'gaussian', strength: 0.5, blur: 2, image: ref } },
      { ...defaultAdapter([ref]), negative: { kind: 'noise', type: 'fade', strength: 0, blur: 0, image: null } },
      { ...defaultAdapter([ref]), negative: { kind: 'image', image: { name: 'neg.png', prep: null } } },
      { ...defaultAdapter([ref]), negative: { kind: 'noise', type: 'fade', strength: 0.4, blur: 0, image: null } },
    ];
    const m = toGenerateSettings(s, assets());
    if (!m.ok) throw new Error('mapping failed');
    expect(m.settings.adapters!.map((a) => a.negative!.kind)).toEqual(['noise', 'black', 'image', 'black']);
    expect(m.settings.adapters![0].negative).toEqual({ kind: 'noise', type: 'gaussian', strength: 0.5, blur: 2 });
    expect(m.warnings.map((w) => w.path)).toEqual(['adapters[3].negative']);
  });

  test('what is missing is named; nothing throws', () => {
    const s = defaultBridgeSettings();
    s.initImage = 'init.png';
    s.denoise = 0.5;
    s.loras = [{ name: 'detail.safetensors', strengthModel: 1, strengthClip: 1 }];
    s.adapters = [{ ...defaultAdapter([{ name: 'gone.png', prep: null }]), attnMask: { kind: 'channel', image: 'gone-mask.png', channel: 'red' } }];
    const m = toGenerateSettings(s, assets(['gone.png', 'gone-mask.png', 'init.png']));
    expect(m.ok).toBe(false);
    if (!m.ok) {
      expect(m.errors.map((e) => e.path)).toEqual(['adapters[0].images[0]', 'adapters[0].attnMask', 'initImage']);
      expect(m.warnings.map((w) => w.path)).toEqual(['loras[0]']);
    }
  });

  test('GenerateSettings + names → bridge settings → GenerateSettings', () => {
    const s: ComfyBridgeSettings = { ...defaultBridgeSettings(), prompt: 'p', negativePrompt: 'n', seed: 9, steps: 25, cfg: 6, scheduler: 'euler', initImage: 'init.png', denoise: 0.6 };
    const ref = { name: 'ref.png', prep: { interpolation: 'LANCZOS', cropPosition: 'top', sharpening: 0 } } as const;
    s.adapters = [{ ...defaultAdapter([ref]), weight: 0.7, layerWeights: '3:1', attnMask: { kind: 'channel', image: 'm.png', channel: 'alpha' }, negative: { kind: 'noise', type: 'shuffle', strength: 0.3, blur: 0, image: ref } }];
    const gs = toGenerateSettings(s, assets());
    if (!gs.ok) throw new Error('mapping failed');
    const back = fromGenerateSettings(gs.settings, { checkpoint: s.checkpoint, initImage: 'init.png', adapters: [{ model: s.adapters[0].model, images: [ref], mask: s.adapters[0].attnMask! }] });
    if (!back.ok) throw new Error(JSON.stringify(back.errors));
    // the same steps run: denoise may be written as S/N instead of the original value
    expect(Math.trunc(back.settings.steps / back.settings.denoise)).toBe(Math.trunc(s.steps / s.denoise));
    expect({ ...back.settings, denoise: s.denoise }).toEqual(s);
    const ids = fromGenerateSettings({ ...gs.settings, prompt: { ids: new Array(77).fill(0) } }, { checkpoint: 'x', adapters: [{ model: s.adapters[0].model, images: [ref] }] });
    expect(ids.ok).toBe(false);
  });
});

describe('helpers the panel uses', () => {
  test('the lab limits mirror the pipeline\'s', () => {
    expect(LAB_LIMITS.maxSide).toBe(MAX_SIDE);
    expect(LAB_LIMITS.maxBatch).toBe(MAX_BATCH);
    expect([...LAB_LIMITS.weight]).toEqual([...WEIGHT_RANGE]);
    const base = { prompt: 'x', width: 512, height: 512, steps: LAB_LIMITS.maxSteps, guidance: 7, scheduler: 'euler', seed: 1 };
    expect(validateSettings(base).ok).toBe(true);
    expect(validateSettings({ ...base, steps: LAB_LIMITS.maxSteps + 1 }).ok).toBe(false);
    expect([closestSide(520), closestSide(10), closestSide(5000), closestSide(736)]).toEqual([512, 64, 2048, 768]);
  });

  test('colorMask follows MaskFromRGBCMYBW+, quirks included', () => {
    // pixels: red, green, black, white, pink, dark grey exactly at t (51/255 = 0.2)
    const rgb = [255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255, 0, 204, 51, 51, 51];
    const img = { data: rgb, width: 6, height: 1, channels: 3 as const };
    const t: [number, number, number] = [0.2, 0.2, 0.2];
    expect([...colorMask(img, 'red', t)]).toEqual([1, 0, 0, 0, 0, 0]);
    expect([...colorMask(img, 'green', t)]).toEqual([0, 1, 0, 0, 0, 0]);
    expect([...colorMask(img, 'black', t)]).toEqual([0, 0, 1, 0, 0, 1]); // ≤ t counts as black
    expect([...colorMask(img, 'white', t)]).toEqual([0, 0, 0, 1, 0, 0]);
    const magenta = { data: [255, 0, 255], width: 1, height: 1, channels: 3 as const };
    expect([...colorMask(magenta, 'magenta', t)]).toEqual([1]);
    expect([...colorMask(magenta, 'magenta', [0.2, 0.2, 0])]).toEqual([0]); // blue must be > 1 − t: 1 > 1 fails
    const rgba = { data: [0, 0, 255, 10, 0, 255, 255, 255], width: 2, height: 1, channels: 4 as const };
    expect([...colorMask(rgba, 'blue', t)]).toEqual([1, 0]);
    expect([...colorMask(rgba, 'cyan', t)]).toEqual([0, 1]);
  });
});
