import { describe, expect, test } from 'vitest';
import { branchModelsFor, initTensor, maskFor, resolveAdapterModel, type Picture } from './assets';
import { defaultLiveState, sanitizeLiveState } from './panel';
import { emptyGrid, encodeMask, paintRect } from './maskGrid';

const files = [{ name: 'ip-adapter_sd15.safetensors', variant: 'standard' as const }, { name: 'mine.safetensors', variant: 'plus' as const }];

describe('the pixels and files behind the names', () => {
  test('an adapter reference resolves by file name, or a preset by its file name or variant', () => {
    expect(resolveAdapterModel({ loader: 'files', ipadapterFile: 'mine.safetensors', clipVisionFile: 'x' }, files)).toBe(1);
    expect(resolveAdapterModel({ loader: 'files', ipadapterFile: 'other.safetensors', clipVisionFile: 'x' }, files)).toBeNull();
    expect(resolveAdapterModel({ loader: 'unified', preset: 'STANDARD (medium strength)', clipVisionFile: null }, files)).toBe(0);
    expect(resolveAdapterModel({ loader: 'unified', preset: 'PLUS (high strength)', clipVisionFile: null }, files)).toBe(1);
    expect(resolveAdapterModel({ loader: 'unified', preset: 'PLUS FACE (portraits)', clipVisionFile: null }, files)).toBeNull();
  });

  test('image branches: per file as many as its adapters need (precise types two), at least two', () => {
    const s = defaultLiveState();
    const a = s.adapters[0];
    expect(branchModelsFor(s, files)).toEqual([0, 0, 1, 1]);
    const three = { ...s, adapters: [a, a, { ...a, weightType: 'style transfer precise' as const }] };
    expect(branchModelsFor(three, files.slice(0, 1))).toEqual([0, 0, 0, 0]);
  });

  test('a painted mask, a colour of a picture, a channel of a picture', () => {
    const g = paintRect(emptyGrid(4, 2), { x: 0, y: 0, w: 0.5, h: 1 }, 1);
    const s = sanitizeLiveState({ ...defaultLiveState(), width: 32, height: 16, adapters: [{ ...defaultLiveState().adapters[0], attnMask: { kind: 'channel', image: 'p.png', channel: 'red' } }], masks: { 'p.png': encodeMask(g) } });
    expect(Array.from(maskFor({ kind: 'channel', image: 'p.png', channel: 'red' }, s, new Map())!.data)).toEqual([1, 1, 0, 0, 1, 1, 0, 0]);
    const rgba = new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 255]);
    const pic: Picture = { rgba: { width: 2, height: 1, data: rgba }, rgb: { width: 2, height: 1, data: new Uint8Array([255, 0, 0, 0, 255, 0]) } };
    const pics = new Map([['rg.png', pic]]);
    expect(Array.from(maskFor({ kind: 'color', image: 'rg.png', color: 'green', thresholds: [0.15, 0.15, 0.15] }, s, pics)!.data)).toEqual([0, 1]);
    expect(Array.from(maskFor({ kind: 'channel', image: 'rg.png', channel: 'red' }, s, pics)!.data)).toEqual([1, 0]);
    expect(maskFor({ kind: 'channel', image: 'missing.png', channel: 'red' }, s, pics)).toBeNull();
  });

  test('the init image is resized to the output and laid out [3, h, w] in [0, 1]', () => {
    const t = initTensor({ width: 1, height: 1, data: new Uint8Array([255, 0, 51]) }, 2, 3);
    expect([t.width, t.height, t.data.length]).toEqual([2, 3, 18]);
    expect(Array.from(t.data.slice(0, 6))).toEqual(new Array(6).fill(1));
    expect(t.data[12]).toBeCloseTo(0.2);
  });
});
