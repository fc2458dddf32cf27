import { describe, expect, test } from 'vitest';
import { gridFromString, layerBlockName, layerErrorText, LAYER_COUNT, SD15_LAYERS, setLayer, stringFromGrid } from './layerGrid';

describe('layer weights grid ↔ layer_weights', () => {
  test('16 layers in ComfyUI order, named by their attn2 block', () => {
    expect(LAYER_COUNT).toBe(16);
    expect(SD15_LAYERS.map(layerBlockName).slice(0, 7)).toEqual(['input 1', 'input 2', 'input 4', 'input 5', 'input 7', 'input 8', 'middle 1']);
    expect(layerBlockName(SD15_LAYERS[15])).toBe('output 11');
  });

  test('grid → text → grid round-trips', () => {
    const v = new Array(16).fill(0);
    v[3] = 1; v[6] = 0.5; v[15] = -0.2;
    const t = stringFromGrid(v);
    expect(t).toBe('3:1, 6:0.5, 15:-0.2');
    expect(gridFromString(t).values).toEqual(v);
  });

  test('all zeros is "0:0" (blank would mean: the weight type applies)', () => {
    expect(stringFromGrid(new Array(16).fill(0))).toBe('0:0');
    expect(gridFromString('').blank).toBe(true);
    expect(gridFromString('0:0').blank).toBe(false);
  });

  test('setLayer edits one cell of the text; float noise is rounded', () => {
    expect(setLayer('3:1', 5, 0.1 + 0.2)).toBe('3:1, 5:0.3');
    expect(setLayer('broken', 0, 1)).toBe('0:1');
  });

  test("the pipeline's errors, in both languages", () => {
    const r = gridFromString('3:1, 16:1, x:1, 3:2');
    expect(r.values).toBeNull();
    expect(r.errors.map((e) => e.code)).toEqual(['index-out-of-range', 'bad-index', 'duplicate-index']);
    expect(layerErrorText(r.errors[0], 'en')).toContain('0–15');
    expect(layerErrorText(r.errors[0], 'zh')).toContain('0–15');
    for (const e of [...r.errors, ...gridFromString('1:2:3,,4,5:z').errors]) expect(layerErrorText(e, 'zh')).toMatch(/[\u4e00-\u9fff]/);
  });
});
