import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures';
import {
  compositionLayers,
  IP_LAYERS,
  isWeightType,
  layerCount,
  layerForCkptIndex,
  layerWeightsFor,
  swapsCondUncond,
  WEIGHT_TYPES,
  type Arch,
  type WeightType,
} from './weightTypes';

const close = (a: number[], b: number[]) => {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expect(x, `layer ${i}`).toBeCloseTo(b[i], 12));
};

describe('weight type ids', () => {
  it('are ComfyUI’s 15 WEIGHT_TYPES plus strong style and composition, in ComfyUI’s order', () => {
    expect(WEIGHT_TYPES).toEqual([
      'linear', 'ease in', 'ease out', 'ease in-out', 'reverse in-out', 'weak input', 'weak output', 'weak middle',
      'strong middle', 'style transfer', 'composition', 'strong style transfer', 'style and composition',
      'style transfer precise', 'composition precise', 'strong style and composition',
    ]);
    expect(isWeightType('ease in')).toBe(true);
    expect(isWeightType('channel penalty')).toBe(false); // a v1 name
  });
});

describe('layer tables', () => {
  it('SD1.5: 16 layers, input 0–5, middle 6, output 7–15, widths 5×320 5×640 6×1280', () => {
    const l = IP_LAYERS.sd15;
    expect(layerCount('sd15')).toBe(16);
    expect(l.map((x) => x.block)).toEqual([...Array(6).fill('input'), 'middle', ...Array(9).fill('output')]);
    expect(l.map((x) => x.width)).toEqual([320, 320, 640, 640, 1280, 1280, 1280, 1280, 1280, 1280, 640, 640, 640, 320, 320, 320]);
    expect(l.map((x) => x.downsample)).toEqual([1, 1, 2, 2, 4, 4, 8, 4, 4, 4, 2, 2, 2, 1, 1, 1]);
    expect(l.map((x) => x.ckptIndices)).toEqual([[1], [3], [5], [7], [9], [11], [31], [13], [15], [17], [19], [21], [23], [25], [27], [29]]);
    expect(l.map((x) => x.comfyBlock)).toEqual([
      ['input', 1], ['input', 2], ['input', 4], ['input', 5], ['input', 7], ['input', 8], ['middle', 1],
      ['output', 3], ['output', 4], ['output', 5], ['output', 6], ['output', 7], ['output', 8], ['output', 9], ['output', 10], ['output', 11],
    ]);
    expect(l[0].modules).toEqual(['down_blocks.0.attentions.0.transformer_blocks.0.attn2']);
    expect(l[6].modules).toEqual(['mid_block.attentions.0.transformer_blocks.0.attn2']);
    expect(l[15].modules).toEqual(['up_blocks.3.attentions.2.transformer_blocks.0.attn2']);
  });

  it('SD1.5 agrees with the real checkpoint and UNet layouts (widths by ckpt key, module names, diffusers order)', () => {
    const layout = JSON.parse(readFileSync(fixture('sd15_fullsize_layout.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    const unet = (layout.unet as { state_dict: Record<string, number[]> }).state_dict;
    for (const file of ['ip-adapter_sd15.safetensors', 'ip-adapter-plus_sd15.safetensors']) {
      const ckpt = layout[file] as Record<string, number[]>;
      const keys = Object.keys(ckpt).filter((k) => /^ip_adapter\.\d+\.to_k_ip\.weight$/.test(k));
      expect(keys.length).toBe(16);
      for (const layer of IP_LAYERS.sd15) {
        const i = layer.ckptIndices[0];
        expect(ckpt[`ip_adapter.${i}.to_k_ip.weight`], `${file} key ${i}`).toEqual([layer.width, 768]);
        expect(ckpt[`ip_adapter.${i}.to_v_ip.weight`]).toEqual([layer.width, 768]);
        expect(unet[`${layer.modules[0]}.to_k.weight`], layer.modules[0]).toEqual([layer.width, 768]);
      }
    }
    // the UNet's own module order (state_dict order) is the checkpoint order: down, up, mid last
    const unetOrder = Object.keys(unet).filter((k) => k.endsWith('attn2.to_k.weight')).map((k) => k.replace('.to_k.weight', ''));
    const byCkpt = [...IP_LAYERS.sd15].sort((a, b) => a.ckptIndices[0] - b.ckptIndices[0]).map((l) => l.modules[0]);
    expect(byCkpt).toEqual(unetOrder);
  });

  it('the tiny test UNet’s map follows the same rule (diffusers processor order, cross-attention at odd positions)', () => {
    const map = JSON.parse(readFileSync(fixture('unet', 'ip_layer_map.json'), 'utf8')) as {
      attn_processors_order: string[];
      ip_layers: { ckpt_index: number; processor: string }[];
    };
    expect(map.attn_processors_order.at(-1)).toMatch(/^mid_block\./);
    for (const l of map.ip_layers) expect(map.attn_processors_order.indexOf(l.processor)).toBe(l.ckpt_index);
  });

  it('SDXL: 11 layers over 70 cross-attention modules, 3 = composition, 6 = style', () => {
    const l = IP_LAYERS.sdxl;
    expect(layerCount('sdxl')).toBe(11);
    expect(l.map((x) => x.attention)).toEqual([
      'down_blocks.1.attentions.0', 'down_blocks.1.attentions.1', 'down_blocks.2.attentions.0', 'down_blocks.2.attentions.1',
      'mid_block.attentions.0', 'up_blocks.0.attentions.0', 'up_blocks.0.attentions.1', 'up_blocks.0.attentions.2',
      'up_blocks.1.attentions.0', 'up_blocks.1.attentions.1', 'up_blocks.1.attentions.2',
    ]);
    expect(l.map((x) => x.modules.length)).toEqual([2, 2, 10, 10, 10, 10, 10, 10, 2, 2, 2]);
    expect(l.map((x) => x.width)).toEqual([640, 640, 1280, 1280, 1280, 1280, 1280, 1280, 640, 640, 640]);
    expect(l.map((x) => x.downsample)).toEqual([2, 2, 4, 4, 4, 4, 4, 4, 2, 2, 2]);
    expect(l.map((x) => x.block)).toEqual(['input', 'input', 'input', 'input', 'middle', ...Array(6).fill('output')]);
    const all = l.flatMap((x) => x.ckptIndices).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 70 }, (_, i) => 2 * i + 1));
    // ComfyUI numbering: input 4,5 → 1…7; input 7,8 → 9…47; output 0–2 → 49…107; output 3–5 → 109…119; middle → 121…139
    expect(l[0].ckptIndices).toEqual([1, 3]);
    expect(l[3].ckptIndices[0]).toBe(29);
    expect(l[5].ckptIndices[0]).toBe(49);
    expect(l[8].ckptIndices).toEqual([109, 111]);
    expect(l[4].ckptIndices).toEqual(Array.from({ length: 10 }, (_, i) => 121 + 2 * i));
    expect(l[6].modules[9]).toBe('up_blocks.0.attentions.1.transformer_blocks.9.attn2');
    expect(compositionLayers('sdxl')).toEqual([3]);
    expect(compositionLayers('sd15')).toEqual([4, 5]);
  });

  it('layerForCkptIndex inverts the table', () => {
    for (const arch of ['sd15', 'sdxl'] as Arch[]) {
      for (const layer of IP_LAYERS[arch]) {
        layer.ckptIndices.forEach((k, b) => expect(layerForCkptIndex(arch, k)).toEqual({ index: layer.index, transformerBlock: b }));
      }
    }
    expect(layerForCkptIndex('sd15', 2)).toBeUndefined();
    expect(layerForCkptIndex('sd15', 101)).toBeUndefined();
    expect(layerForCkptIndex('sdxl', 101)).toEqual({ index: 7, transformerBlock: 6 }); // ComfyUI's SDXL detection key
  });
});

describe('layerWeightsFor: formula types, every layer', () => {
  const w = 0.8;
  for (const arch of ['sd15', 'sdxl'] as Arch[]) {
    const L = arch === 'sd15' ? 16 : 11;
    const t = Array.from({ length: L }, (_, i) => i);
    const blocks = IP_LAYERS[arch].map((l) => l.block);
    it(`${arch}: linear / ease in / ease out / ease in-out / reverse in-out`, () => {
      close(layerWeightsFor('linear', { weight: w, arch }), t.map(() => w));
      close(layerWeightsFor('ease in', { weight: w, arch }), t.map((i) => w * (0.05 + 0.95 * (1 - i / L))));
      close(layerWeightsFor('ease out', { weight: w, arch }), t.map((i) => w * (0.05 + 0.95 * (i / L))));
      close(layerWeightsFor('ease in-out', { weight: w, arch }), t.map((i) => w * (0.05 + 0.95 * (1 - Math.abs(i - L / 2) / (L / 2)))));
      close(layerWeightsFor('reverse in-out', { weight: w, arch }), t.map((i) => w * (0.05 + 0.95 * (Math.abs(i - L / 2) / (L / 2)))));
    });
    it(`${arch}: weak input / weak middle / weak output / strong middle`, () => {
      close(layerWeightsFor('weak input', { weight: w, arch }), blocks.map((b) => (b === 'input' ? 0.2 * w : w)));
      close(layerWeightsFor('weak middle', { weight: w, arch }), blocks.map((b) => (b === 'middle' ? 0.2 * w : w)));
      close(layerWeightsFor('weak output', { weight: w, arch }), blocks.map((b) => (b === 'output' ? 0.2 * w : w)));
      close(layerWeightsFor('strong middle', { weight: w, arch }), blocks.map((b) => (b === 'middle' ? w : 0.2 * w)));
    });
  }

  it('literal values at weight 1 (SD1.5)', () => {
    close(layerWeightsFor('ease in', { weight: 1, arch: 'sd15' }).slice(0, 3), [1, 0.940625, 0.88125]);
    close(layerWeightsFor('ease out', { weight: 1, arch: 'sd15' }).slice(-1), [0.940625]);
    close(layerWeightsFor('ease in-out', { weight: 1, arch: 'sd15' }).slice(7, 10), [0.88125, 1, 0.88125]);
    close(layerWeightsFor('reverse in-out', { weight: 1, arch: 'sd15' }).slice(7, 10), [0.16875, 0.05, 0.16875]);
    close(layerWeightsFor('weak input', { weight: 1, arch: 'sd15' }).slice(5, 8), [0.2, 1, 1]);
  });
});

describe('layerWeightsFor: dictionary types, every layer', () => {
  const w = 0.8;
  const c = 0.6;
  const b = 1.7;
  const sd15: Record<Exclude<WeightType, 'linear' | 'ease in' | 'ease out' | 'ease in-out' | 'reverse in-out' | 'weak input' | 'weak output' | 'weak middle' | 'strong middle'>, number[]> = {
    'style transfer': [w, w, w, w, 0, 0, 0, 0, 0, w, w, w, w, w, w, w],
    composition: [0, 0, 0, 0, 0.25 * w, w, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    'strong style transfer': [w, w, w, w, 0, 0, w, w, w, w, w, w, w, w, w, w],
    'style and composition': [w, w, w, w, 0.25 * c, c, 0, 0, 0, w, w, w, w, w, w, w],
    'strong style and composition': [w, w, w, w, c, c, w, w, w, w, w, w, w, w, w, w],
    'style transfer precise': [w, w, w, w, 0.25 * b, b, 0, 0, 0, w, w, w, w, w, w, w],
    'composition precise': [b, b, b, b, 0.25 * w, w, 0.1 * b, 0.1 * b, 0.1 * b, b, b, b, b, b, b, b],
  };
  const sdxl: typeof sd15 = {
    'style transfer': [0, 0, 0, 0, 0, 0, w, 0, 0, 0, 0],
    composition: [0, 0, 0, w, 0, 0, 0, 0, 0, 0, 0],
    'strong style transfer': [w, w, w, 0, w, w, w, w, w, w, w],
    'style and composition': [0, 0, 0, c, 0, 0, w, 0, 0, 0, 0],
    'strong style and composition': [w, w, w, c, w, w, w, w, w, w, w],
    'style transfer precise': [0, 0, 0, b, 0, 0, w, 0, 0, 0, 0],
    'composition precise': [0.1 * b, 0.1 * b, 0.1 * b, w, 0.1 * b, 0.1 * b, b, 0.1 * b, 0.1 * b, 0.1 * b, 0.1 * b],
  };
  for (const [arch, table] of [['sd15', sd15], ['sdxl', sdxl]] as const) {
    for (const [type, want] of Object.entries(table)) {
      it(`${arch}: ${type}`, () => {
        close(layerWeightsFor(type as WeightType, { weight: w, arch, compositionWeight: c, styleBoost: b, compositionBoost: b }), want);
      });
    }
  }

  it('defaults: composition weight 1.0 (IPAdapterAdvanced has no input for it); boosts default to the weight', () => {
    close(layerWeightsFor('style and composition', { weight: 0.5, arch: 'sdxl' }), [0, 0, 0, 1, 0, 0, 0.5, 0, 0, 0, 0]);
    close(layerWeightsFor('style transfer precise', { weight: 0.5, arch: 'sdxl' }), [0, 0, 0, 0.5, 0, 0, 0.5, 0, 0, 0, 0]);
    close(layerWeightsFor('composition precise', { weight: 0.5, arch: 'sdxl' }), [0.05, 0.05, 0.05, 0.5, 0.05, 0.05, 0.5, 0.05, 0.05, 0.05, 0.05]);
  });

  it('every type gives one finite number per layer on both archs', () => {
    for (const arch of ['sd15', 'sdxl'] as Arch[]) {
      for (const type of WEIGHT_TYPES) {
        const v = layerWeightsFor(type, { weight: 1, arch });
        expect(v.length).toBe(layerCount(arch));
        expect(v.every(Number.isFinite)).toBe(true);
      }
    }
  });
});

describe('swapsCondUncond (precise types)', () => {
  it('style transfer precise swaps at the composition layers only', () => {
    expect(swapsCondUncond('style transfer precise', 'sd15').flatMap((s, i) => (s ? [i] : []))).toEqual([4, 5]);
    expect(swapsCondUncond('style transfer precise', 'sdxl').flatMap((s, i) => (s ? [i] : []))).toEqual([3]);
  });
  it('composition precise swaps everywhere else', () => {
    expect(swapsCondUncond('composition precise', 'sd15').flatMap((s, i) => (s ? [] : [i]))).toEqual([4, 5]);
    expect(swapsCondUncond('composition precise', 'sdxl').flatMap((s, i) => (s ? [] : [i]))).toEqual([3]);
  });
  it('no other type swaps', () => {
    for (const type of WEIGHT_TYPES.filter((t) => !t.endsWith('precise'))) {
      expect(swapsCondUncond(type, 'sd15').some(Boolean)).toBe(false);
      expect(swapsCondUncond(type, 'sdxl').some(Boolean)).toBe(false);
    }
  });
});
