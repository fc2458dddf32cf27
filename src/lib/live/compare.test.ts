import { describe, expect, it } from 'vitest';
import { compareFrame, compareItemFromHistory, diffSettings, formatValue, splitClip } from './compare';
import { defaultAdapter, defaultBridgeSettings, DEFAULT_PREP } from '../comfy/settings';
import type { GenerateSettings } from '../pipeline/settings';

// The panel's state is the ComfyUI bridge's settings (+ painted masks): what the history keeps.
const defaultLiveState = () => ({
  ...defaultBridgeSettings(), prompt: 'a portrait, best quality', negativePrompt: 'blurry, lowres',
  adapters: [defaultAdapter([{ name: 'reference.png', prep: { ...DEFAULT_PREP } }])], masks: {} as Record<string, string>,
});

describe('diffSettings on the panel state (what the history keeps)', () => {
  it('the same settings: nothing differs', () => {
    expect(diffSettings(defaultLiveState(), defaultLiveState())).toEqual([]);
  });

  it('names each change with ComfyUI node and widget, in panel order', () => {
    const a = defaultLiveState();
    const b = { ...a, seed: 7, prompt: 'a cat', denoise: 0.6, adapters: [{ ...a.adapters[0], weight: 0.8, weightType: 'ease out' as const, embedsScaling: 'K+V' as const,
      images: [{ name: 'cat.png', prep: { ...DEFAULT_PREP, cropPosition: 'top' as const } }], model: { loader: 'unified' as const, preset: 'PLUS (high strength)' as const, clipVisionFile: null } }] };
    expect(diffSettings(a, b).map((c) => [c.node, c.widget, c.a, c.b])).toEqual([
      ['CLIPTextEncode (positive)', 'text', '"a portrait, best quality"', '"a cat"'],
      ['KSampler', 'seed', '0', '7'],
      ['KSampler', 'denoise', '1', '0.6'],
      ['IPAdapter Advanced', 'weight', '1', '0.8'],
      ['IPAdapter Advanced', 'weight_type', '"linear"', '"ease out"'],
      ['IPAdapter Advanced', 'embeds_scaling', '"V only"', '"K+V"'],
      ['LoadImage', 'image', '["reference.png" (PrepImageForClipVision LANCZOS, center, 0)]', '["cat.png" (PrepImageForClipVision LANCZOS, top, 0)]'],
      ['IPAdapter loader', 'preset / ipadapter_file', '"STANDARD (medium strength)"', '"PLUS (high strength)"'],
    ]);
  });

  it("a lab scheduler is ComfyUI's sampler_name × scheduler: only the changed half is listed", () => {
    const a = { ...defaultLiveState(), scheduler: 'dpmpp_2m' as const };
    expect(diffSettings(a, { ...a, scheduler: 'dpmpp_2m_karras' })).toEqual([{ key: 'scheduler', node: 'KSampler', widget: 'scheduler', a: '"normal"', b: '"karras"' }]);
    expect(diffSettings(a, { ...a, scheduler: 'euler' }).map((c) => c.widget)).toEqual(['sampler_name']);
    expect(diffSettings(a, { ...a, scheduler: 'lcm' }).map((c) => c.widget)).toEqual(['sampler_name', 'scheduler']);
  });

  it('keys it does not know are still listed, under their own name', () => {
    const a = { ...defaultLiveState(), lcmLora: false };
    const c = diffSettings(a, { ...a, lcmLora: true });
    expect(c).toEqual([{ key: 'lcmLora', node: 'lab', widget: 'lcmLora', a: 'false', b: 'true' }]);
    expect(diffSettings(defaultLiveState(), { ...defaultLiveState(), extra: 1 })).toEqual([{ key: 'extra', node: 'lab', widget: 'extra', a: '—', b: '1' }]);
    // names of Object.prototype are plain keys, not table entries
    const proto = diffSettings({}, JSON.parse('{"constructor": 1, "toString": 2}'));
    expect(proto.map((c) => [c.node, c.widget])).toEqual([['lab', 'constructor'], ['lab', 'toString']]);
  });
});

describe('diffSettings on GenerateSettings', () => {
  const img = (v: number) => ({ data: new Float32Array(3 * 2 * 2).fill(v), size: 2 });
  const gs = (): GenerateSettings => ({
    prompt: 'p', width: 512, height: 512, steps: 20, guidance: 7, scheduler: 'euler', seed: 1,
    adapters: [{ images: [img(0)], weight: 1 }],
  });

  it('defaults left out equal defaults written out', () => {
    const b = gs();
    b.adapters![0] = { ...b.adapters![0], weightType: 'linear', startAt: 0, endAt: 1, combineEmbeds: 'concat', layerWeights: '' };
    b.batchSize = 1;
    expect(diffSettings(gs(), b)).toEqual([]);
  });

  it('adapter fields in order, a second adapter as one line, images compared by their pixels', () => {
    const b = gs();
    b.guidance = 5;
    b.adapters = [{ images: [img(0.5)], weight: 1, layerWeights: '3:1', negative: { kind: 'black' } }, { images: [img(0)], weight: 0.5 }];
    const c = diffSettings(gs(), b);
    expect(c.map((x) => `${x.node}.${x.widget}: ${x.a} → ${x.b}${x.samePreview ? ' (pixels)' : ''}`)).toEqual([
      'KSampler.cfg: 7 → 5',
      'IPAdapter Mad Scientist.layer_weights: "" → "3:1"',
      'IPAdapter Advanced.image_negative: {"kind":"default"} → {"kind":"black"}',
      'LoadImage.image: [image 2×2] → [image 2×2] (pixels)',
      'IPAdapter Advanced #2.: — → on',
    ]);
    expect(c[4].wholeNode).toBe(true);
    // identical pixels in a new array are not a change
    const d = gs();
    d.adapters![0].images = [img(0)];
    expect(diffSettings(gs(), d)).toEqual([]);
  });
});

describe('formatValue', () => {
  it('cuts long text, sizes images, counts typed arrays', () => {
    expect(formatValue('x'.repeat(300))).toHaveLength(120);
    expect(formatValue(new Float32Array(5))).toBe('[5 values]');
    expect(formatValue({ image: { width: 640, height: 480, data: new Uint8Array(640 * 480 * 3) } })).toBe('image 640×480');
    expect(formatValue(undefined)).toBe('—');
  });
});

describe('the overlay', () => {
  it('split clip follows the slider and clamps', () => {
    expect(splitClip(50)).toBe('inset(0 50% 0 0)');
    expect(splitClip(0)).toBe('inset(0 100% 0 0)');
    expect(splitClip(130)).toBe('inset(0 0% 0 0)');
    expect(splitClip(Number.NaN)).toBe('inset(0 50% 0 0)');
  });
  it('frames: same size, other size, other aspect', () => {
    expect(compareFrame({ width: 512, height: 512 }, { width: 512, height: 512 })).toEqual({ aspect: 1, sameSize: true, stretched: false });
    expect(compareFrame({ width: 512, height: 512 }, { width: 128, height: 128 })).toMatchObject({ sameSize: false, stretched: false });
    expect(compareFrame({ width: 512, height: 768 }, { width: 512, height: 512 })).toMatchObject({ aspect: 512 / 768, stretched: true });
  });
  it('a history entry becomes an item', () => {
    const e = { at: 1, ms: 2, thumb: 'data:image/png;base64,xx', state: defaultLiveState() };
    expect(compareItemFromHistory(e)).toEqual({ image: e.thumb, settings: e.state });
  });
});
