import { describe, expect, it } from 'vitest';
import {
  bilinearUpsample, choiceValue, colourise, describeMap, layerLabel, legendGradient, mapsIssue, meanOfTokens, normalise, parseChoice,
  pieceText, selectMap, tokenOptions, viridis,
} from './attentionView';
import type { AttentionMaps } from '../pipeline/attentionMaps';

/** A synthetic layer: 4×4 grid, 3 text tokens, one branch of 2 image tokens; every value distinct. */
function layer(): AttentionMaps {
  const n = 16;
  return {
    layer: 4, step: 19, h: 4, w: 4,
    text: Float32Array.from({ length: 3 * n }, (_, i) => i), textTokens: 3,
    image: [{ adapter: 0, tokens: 2, maps: Float32Array.from({ length: 2 * n }, (_, i) => (i < n ? 1 : 3)) }],
  };
}

describe('bilinear upsampling (half-pixel centres)', () => {
  it('2×2 → 4×4 as PyTorch interpolate(align_corners=False)', () => {
    const up = bilinearUpsample([0, 1, 2, 3], 2, 2, 4, 4);
    expect(Array.from(up)).toEqual([
      0, 0.25, 0.75, 1,
      0.5, 0.75, 1.25, 1.5,
      1.5, 1.75, 2.25, 2.5,
      2, 2.25, 2.75, 3,
    ]);
  });
  it('a constant map stays constant; same size is the identity; non-square works', () => {
    expect(new Set(bilinearUpsample(new Array(6).fill(0.3), 2, 3, 7, 5))).toEqual(new Set([Math.fround(0.3)]));
    const m = [1, 2, 3, 4, 5, 6];
    expect(Array.from(bilinearUpsample(m, 2, 3, 2, 3))).toEqual(m);
    const wide = bilinearUpsample([0, 1], 1, 2, 1, 4);
    expect(Array.from(wide)).toEqual([0, 0.25, 0.75, 1]);
  });
});

describe('normalise', () => {
  it('min–max to [0, 1], keeping the range', () => {
    const r = normalise([2, 4, 6]);
    expect(Array.from(r.values)).toEqual([0, 0.5, 1]);
    expect([r.min, r.max, r.flat]).toEqual([2, 6, false]);
  });
  it('a flat map is flagged and maps to 0, not NaN', () => {
    const r = normalise([0.25, 0.25, 0.25]);
    expect(r.flat).toBe(true);
    expect(Array.from(r.values)).toEqual([0, 0, 0]);
    expect(Array.from(normalise([Number.NaN, 1, 3]).values)).toEqual([0, 0, 1]);
  });
});

describe('viridis', () => {
  it("endpoints and middle match matplotlib's viridis (#440154, #21918c, #fde725) within 4 levels", () => {
    const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) <= 4);
    expect(near(viridis(0), [0x44, 0x01, 0x54])).toBe(true);
    expect(near(viridis(0.5), [0x21, 0x91, 0x8c])).toBe(true);
    expect(near(viridis(1), [0xfd, 0xe7, 0x25])).toBe(true);
    expect(viridis(-1)).toEqual(viridis(0));
    expect(viridis(2)).toEqual(viridis(1));
  });
  it('lightness rises monotonically (readable in greyscale)', () => {
    const lum = (t: number) => { const [r, g, b] = viridis(t); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    for (let i = 1; i <= 64; i++) expect(lum(i / 64)).toBeGreaterThan(lum((i - 1) / 64));
  });
  it('colourise: one alpha for every pixel; the legend is a gradient of the same colours', () => {
    const px = colourise([0, 1], 0.5);
    expect(Array.from(px.slice(0, 4))).toEqual([...viridis(0), 128]);
    expect(Array.from(px.slice(4, 8))).toEqual([...viridis(1), 128]);
    const g = legendGradient(3);
    expect(g).toBe(`linear-gradient(to right, rgb(${viridis(0).join(' ')}) 0%, rgb(${viridis(0.5).join(' ')}) 50%, rgb(${viridis(1).join(' ')}) 100%)`);
  });
});

describe('describeMap', () => {
  it('a peak in the upper left: place, position and share, in both languages', () => {
    const h = 6, w = 6;
    const m = new Float32Array(h * w).fill(0.01);
    m[0 * w + 0] = 1; m[0 * w + 1] = 0.8; m[1 * w + 0] = 0.8; m[1 * w + 1] = 0.6;
    const d = describeMap(m, h, w);
    expect([d.row, d.col]).toEqual(['top', 'left']);
    expect(d.peakX).toBeCloseTo(1 / 12);
    expect(d.share).toBeCloseTo(3.2 / (3.2 + 32 * 0.01));
    expect(d.text.en).toBe('Strongest in the upper left third (peak at 8% from the left, 8% from the top); 91% of the attention falls in that ninth of the picture, concentrated there.');
    expect(d.text.zh).toContain('左上方');
  });
  it('a peak in the lower right with a spread map; a flat map says so', () => {
    const h = 3, w = 3;
    const m = Float32Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1.5]);
    const d = describeMap(m, h, w);
    expect([d.row, d.col]).toEqual(['bottom', 'right']);
    expect(d.text.en).toContain('spread over the whole picture');
    const f = describeMap(new Float32Array(9).fill(0.2), 3, 3);
    expect(f.flat).toBe(true);
    expect(f.text.en).toMatch(/evenly/);
  });
  it('a grid not divisible by 3 splits boundary cells by area', () => {
    // 2×2, all mass in the top-left cell: the top-left ninth covers 2/3×2/3 of that cell
    const d = describeMap([1, 0, 0, 0], 2, 2);
    expect([d.row, d.col]).toEqual(['top', 'left']);
    expect(d.share).toBeCloseTo(4 / 9);
  });
});

describe('tokens', () => {
  it('without tokenizer pieces: numbered text tokens, then the mean and each image token', () => {
    const o = tokenOptions(layer());
    expect(o.map((x) => x.value)).toEqual(['t0', 't1', 't2', 'm0', 'i0.0', 'i0.1']);
    expect(o[3].label.en).toBe('all image tokens (mean)');
    expect(o[4].label).toEqual({ en: 'image token 1', zh: '图像 token 1' });
    for (const x of o) expect(parseChoice(x.value)).toEqual(x.choice);
    expect(choiceValue({ kind: 'image', branch: 1, index: 3 })).toBe('i1.3');
    expect(parseChoice('x')).toBeNull();
  });
  it("with the tokenizer's pieces: the prompt's words, start, the first end, no padding", () => {
    const m = { ...layer(), textTokens: 6, text: new Float32Array(6 * 16) };
    const pieces = ['<|startoftext|>', 'cat</w>', 'ä¸Ģ', '<|endoftext|>', '<|endoftext|>', '<|endoftext|>'];
    const o = tokenOptions(m, { pieces, offsets: [null, [2, 5], [6, 7], null, null, null], prompt: 'a cat 一' });
    expect(o.filter((x) => x.group === 'text').map((x) => x.label.en)).toEqual(['start token (0)', '“cat” (1)', '“一” (2)', 'end token (3)']);
    // pieces alone: byte symbols decoded back to UTF-8
    expect(pieceText('ä¸Ģ')).toBe('一');
    expect(pieceText('cat</w>')).toBe('cat');
  });
  it('several adapter branches are told apart', () => {
    const m = layer();
    m.image.push({ adapter: 1, tokens: 1, maps: new Float32Array(16) });
    expect(tokenOptions(m).filter((x) => x.group === 'image').map((x) => x.label.en)).toEqual([
      'all image tokens (mean) — adapter 1', 'image token 1 — adapter 1', 'image token 2 — adapter 1', 'all image tokens (mean) — adapter 2', 'image token 1 — adapter 2',
    ]);
  });
  it('selectMap: a token is its column; the mean averages image tokens', () => {
    const m = layer();
    expect(Array.from(selectMap(m, { kind: 'text', index: 2 }))).toEqual(Array.from({ length: 16 }, (_, i) => 32 + i));
    expect(Array.from(selectMap(m, { kind: 'image-mean', branch: 0 }))).toEqual(new Array(16).fill(2));
    expect(Array.from(meanOfTokens(Float32Array.from([1, 2, 3, 4]), 2, 2))).toEqual([2, 3]);
    expect(() => selectMap(m, { kind: 'image', branch: 3, index: 0 })).toThrow(RangeError);
  });
  it('maps that break the contract are named, with the layer', () => {
    expect(mapsIssue(layer())).toBeNull();
    const bad = { ...layer(), h: 5 };
    expect(mapsIssue(bad)?.en).toContain('layer 4');
  });
  it('layer labels come from the layer table', () => {
    expect(layerLabel({ layer: 4, h: 16, w: 16 }).en).toBe('layer 4 (input, 1280 channels, 16×16)');
    expect(layerLabel({ layer: 6, h: 8, w: 8 }).zh).toBe('第 6 层（中间块，1280 通道，8×8）');
  });
});
