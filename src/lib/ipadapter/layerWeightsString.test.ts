import { describe, expect, it } from 'vitest';
import { formatLayerWeights, madScientistWeights, parseLayerWeights } from './layerWeightsString';
import { layerWeightsFor } from './weightTypes';

describe('parseLayerWeights', () => {
  it('parses "idx:val" lists into a per-layer vector, unlisted layers 0', () => {
    const r = parseLayerWeights('0:0, 1:0, 2:0, 3:1.0, 6:0.5,\n 15:-0.25', 'sd15');
    expect(r.ok).toBe(true);
    expect(r.blank).toBe(false);
    expect(r.values).toEqual([0, 0, 0, 1, 0, 0, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, -0.25]);
    expect(r.listed.flatMap((x, i) => (x ? [i] : []))).toEqual([0, 1, 2, 3, 6, 15]);
    expect(r.errors).toEqual([]);
  });

  it('accepts the SDXL range and numbers like 1, .5, 2e-1, +3', () => {
    const r = parseLayerWeights('3:2.5, 6:1, 10:.5, 0:2e-1, 1:+3', 'sdxl');
    expect(r.values).toEqual([0.2, 3, 0, 2.5, 0, 0, 1, 0, 0, 0, 0.5]);
  });

  it('treats an empty or blank string as "not used"', () => {
    for (const s of ['', '   ', '\n']) {
      const r = parseLayerWeights(s, 'sd15');
      expect(r).toMatchObject({ ok: true, blank: true, errors: [] });
    }
  });

  it('reports a bad value, naming the entry', () => {
    const r = parseLayerWeights('3:x', 'sd15');
    expect(r.ok).toBe(false);
    expect(r.values).toBeNull();
    expect(r.errors).toEqual([
      { code: 'bad-value', entry: '3:x', position: 1, message: '"3:x" (entry 1): the weight "x" is not a number (write e.g. 1, 0.5 or -0.2).' },
    ]);
  });

  it('reports an index out of range with the valid range for the architecture', () => {
    expect(parseLayerWeights('99:1', 'sd15').errors[0]).toMatchObject({
      code: 'index-out-of-range',
      entry: '99:1',
      message: '"99:1" (entry 1): there is no layer 99. SD1.5 layer indices are 0–15.',
    });
    expect(parseLayerWeights('0:1, 11:1', 'sdxl').errors[0]).toMatchObject({
      code: 'index-out-of-range',
      position: 2,
      message: '"11:1" (entry 2): there is no layer 11. SDXL layer indices are 0–10.',
    });
  });

  it('reports empty entries (double or trailing commas)', () => {
    const r = parseLayerWeights('0:1,, 3:1,', 'sd15');
    expect(r.errors.map((e) => [e.code, e.position])).toEqual([
      ['empty-entry', 2],
      ['empty-entry', 4],
    ]);
    expect(r.errors[0].message).toMatch(/^Entry 2 is empty/);
  });

  it('reports duplicates, naming both entries', () => {
    expect(parseLayerWeights('3:1, 4:0, 3:0.5', 'sd15').errors).toEqual([
      {
        code: 'duplicate-index',
        entry: '3:0.5',
        position: 3,
        message: '"3:0.5" (entry 3) sets layer 3 again (entry 1 already did). Give each layer once.',
      },
    ]);
  });

  it('reports indices that are not whole numbers, missing and extra colons', () => {
    expect(parseLayerWeights('-1:1', 'sd15').errors[0].message).toBe(
      '"-1:1" (entry 1): the layer index "-1" is not a whole number. SD1.5 layer indices are 0–15.',
    );
    expect(parseLayerWeights('1.5:1', 'sd15').errors[0].code).toBe('bad-index');
    expect(parseLayerWeights('a:1', 'sd15').errors[0].code).toBe('bad-index');
    expect(parseLayerWeights('3', 'sd15').errors[0]).toMatchObject({ code: 'missing-colon', entry: '3' });
    expect(parseLayerWeights('0:0\n1:0', 'sd15').errors[0]).toMatchObject({ code: 'too-many-colons' });
    expect(parseLayerWeights('3:inf', 'sd15').errors[0].code).toBe('bad-value');
    expect(parseLayerWeights('3:', 'sd15').errors[0].code).toBe('bad-value');
  });

  it('collects every error at once and never throws', () => {
    const r = parseLayerWeights('3:x, 99:1, , 3:1, 3:2', 'sd15');
    expect(r.errors.map((e) => e.code)).toEqual(['bad-value', 'index-out-of-range', 'empty-entry', 'duplicate-index']);
    for (const s of [':', ',,,', '::::', '0:0:0', '\u0000', 'Infinity:1', '1e3:1', '٣:1']) {
      expect(() => parseLayerWeights(s, 'sd15')).not.toThrow();
      expect(parseLayerWeights(s, 'sd15').ok).toBe(false);
    }
    expect(() => parseLayerWeights(undefined as unknown as string, 'sd15')).not.toThrow();
  });
});

describe('madScientistWeights', () => {
  it('multiplies the values by weight and forces linear', () => {
    const p = madScientistWeights('3:2.5, 6:1', { type: 'ease in', weight: 0.4, arch: 'sdxl' });
    expect(p).toMatchObject({ ok: true, usedLayerWeights: true, effectiveType: 'linear', errors: [] });
    expect(p.weights).toEqual([0, 0, 0, 1, 0, 0, 0.4, 0, 0, 0, 0]);
    expect(p.swapCondUncond.some(Boolean)).toBe(false);
  });
  it('keeps a precise type and its swap', () => {
    const p = madScientistWeights('3:2.5, 6:1', { type: 'style transfer precise', weight: 1, arch: 'sdxl' });
    expect(p.effectiveType).toBe('style transfer precise');
    expect(p.swapCondUncond[3]).toBe(true);
  });
  it('a blank string leaves the weight type in charge', () => {
    const p = madScientistWeights('  ', { type: 'ease out', weight: 0.7, arch: 'sd15' });
    expect(p).toMatchObject({ ok: true, usedLayerWeights: false, effectiveType: 'ease out' });
    expect(p.weights).toEqual(layerWeightsFor('ease out', { weight: 0.7, arch: 'sd15' }));
  });
  it('on errors reports them and falls back to the weight type (so a preview still renders)', () => {
    const p = madScientistWeights('3:x', { type: 'linear', weight: 1, arch: 'sd15' });
    expect(p.ok).toBe(false);
    expect(p.usedLayerWeights).toBe(false);
    expect(p.errors[0].code).toBe('bad-value');
    expect(p.weights).toEqual(new Array(16).fill(1));
  });
});

describe('formatLayerWeights', () => {
  it('round-trips through the parser', () => {
    const v = layerWeightsFor('style transfer', { weight: 1, arch: 'sd15' });
    const s = formatLayerWeights(v);
    expect(s).toBe('0:1, 1:1, 2:1, 3:1, 9:1, 10:1, 11:1, 12:1, 13:1, 14:1, 15:1');
    expect(parseLayerWeights(s, 'sd15').values).toEqual(v);
  });
});
