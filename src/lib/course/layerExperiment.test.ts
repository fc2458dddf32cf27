import { describe, expect, it } from 'vitest';
import { experimentPlan, indicesOfBlocks, INSTANTSTYLE_SD15, layerForSlider, layerRows } from './layerExperiment';

describe('the cross-attention layers', () => {
  it('SD1.5: 16 layers, 64/32/16/8 feature maps at 512 px, one transformer block each', () => {
    const rows = layerRows('sd15');
    expect(rows).toHaveLength(16);
    expect(rows.map((r) => r.side)).toEqual([64, 64, 32, 32, 16, 16, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64]);
    expect(rows[6].attention).toBe('mid_block.attentions.0');
    expect(rows.every((r) => r.transformerBlocks === 1)).toBe(true);
    expect(rows.every((r) => r.role === null)).toBe(true);
  });
  it('SDXL: 11 layers holding 70 cross-attentions; 3 is composition, 6 is style', () => {
    const rows = layerRows('sdxl');
    expect(rows).toHaveLength(11);
    expect(rows.reduce((s, r) => s + r.transformerBlocks, 0)).toBe(70);
    expect(rows[3]).toMatchObject({ attention: 'down_blocks.2.attentions.1', role: 'composition', side: 32, width: 1280 });
    expect(rows[6]).toMatchObject({ attention: 'up_blocks.0.attentions.1', role: 'style', side: 32, width: 1280 });
    expect(rows.filter((r) => r.role !== null).map((r) => r.t)).toEqual([3, 6]);
    expect(rows.map((r) => r.side)).toEqual([64, 64, 32, 32, 32, 32, 32, 32, 64, 64, 64]);
  });
  it('InstantStyle’s experimental SD1.5 style blocks are ComfyUI layers 7–9', () => {
    expect(indicesOfBlocks('sd15', INSTANTSTYLE_SD15.style)).toEqual([7, 8, 9]);
    expect(indicesOfBlocks('sd15', INSTANTSTYLE_SD15.styleAndLayout)).toEqual([4, 5, 6, 7, 8, 9]);
  });
});

describe('the seed’s sliders and the experiment', () => {
  it('reads slider numbers as 0-based SDXL indices; 11 and 12 do not exist', () => {
    expect(layerForSlider(3, 'sdxl')).toBe(3);
    expect(layerForSlider(6, 'sdxl')).toBe(6);
    expect(layerForSlider(10, 'sdxl')).toBe(10);
    expect(layerForSlider(11, 'sdxl')).toBeNull();
    expect(layerForSlider(12, 'sdxl')).toBeNull();
    expect(layerForSlider(12, 'sd15')).toBe(12);
  });
  it('plans 2 controls + 3 weights per layer', () => {
    const sdxl = experimentPlan('sdxl');
    expect(sdxl).toHaveLength(2 + 33);
    expect(sdxl[2]).toEqual({ t: 0, weight: 1, layerWeights: '0:1', note: 'layer' });
    expect(sdxl.find((r) => r.t === 6 && r.weight === 1.5)?.layerWeights).toBe('6:1.5');
    expect(sdxl[1].layerWeights.split(',')).toHaveLength(11);
    expect(experimentPlan('sd15')).toHaveLength(2 + 48);
  });
});
