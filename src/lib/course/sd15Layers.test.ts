import { describe, expect, it } from 'vitest';
import { crossAttentionShapes, featureSide, headDim, queryCount, SD15_CROSS_ATTENTION_LAYERS, sumOfWidths } from './sd15Layers';

describe('SD1.5 cross-attention layers', () => {
  const layers = SD15_CROSS_ATTENTION_LAYERS;
  it('has 16 layers: down 6, mid 1, up 9', () => {
    expect(layers).toHaveLength(16);
    expect(layers.filter((l) => l.stage === 'down')).toHaveLength(6);
    expect(layers.filter((l) => l.stage === 'mid')).toHaveLength(1);
    expect(layers.filter((l) => l.stage === 'up')).toHaveLength(9);
    expect(layers.map((l) => l.index)).toEqual([...Array(16).keys()]);
  });
  it('widths in order: 2×320, 2×640, 2×1280, 1280, 3×1280, 3×640, 3×320', () => {
    expect(layers.map((l) => l.width)).toEqual([320, 320, 640, 640, 1280, 1280, 1280, 1280, 1280, 1280, 640, 640, 640, 320, 320, 320]);
    expect(sumOfWidths()).toBe(12480);
  });
  it('feature maps at 512 px are 64/32/16/8', () => {
    expect(layers.map((l) => featureSide(l))).toEqual([64, 64, 32, 32, 16, 16, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64]);
    expect(queryCount(layers[0])).toBe(4096);
    expect(queryCount(layers[6])).toBe(64);
    expect(queryCount(layers[0], 768, 512)).toBe(96 * 64);
  });
  it('head dims 40/80/160', () => {
    expect(headDim(layers[0])).toBe(40);
    expect(headDim(layers[2])).toBe(80);
    expect(headDim(layers[4])).toBe(160);
  });
  it('checkpoint indices: down 1–11, up 13–29, mid 31', () => {
    expect(layers.map((l) => l.checkpointIndex)).toEqual([1, 3, 5, 7, 9, 11, 31, 13, 15, 17, 19, 21, 23, 25, 27, 29]);
    expect(layers[6].module).toBe('mid_block.attentions.0');
    expect(layers[7].module).toBe('up_blocks.1.attentions.0');
  });
  it('shapes at the first layer: 4096 × 77 scores per head', () => {
    const s = crossAttentionShapes(layers[0]);
    expect(s.scoresPerHead).toEqual([4096, 77]);
    expect(s.q).toEqual([4096, 320]);
    expect(s.scoreEntries).toBe(8 * 4096 * 77);
  });
});
