import { describe, expect, test } from 'vitest';
import { parseSafetensorsHeader } from '../weights/safetensors';
import { makeSafetensors } from '../../../test/make-safetensors';
import { layoutArtefact, mergeRanges, planFetch, rangeBytes, rangesFrom } from './plan';

const f32 = (n: number) => ({ dtype: 'F32' as const, shape: [n], data: Float32Array.from({ length: n }, (_, i) => i / 7) });
const bytes = makeSafetensors({
  'decoder.a': f32(100), 'encoder.a': f32(1000), 'decoder.b': f32(10), 'post_quant_conv.w': f32(4), 'quant_conv.w': f32(4),
  ids: { dtype: 'I64', shape: [3], data: BigInt64Array.from([1n, 2n, 3n]) },
});
const header = parseSafetensorsHeader(bytes, bytes.byteLength);
const decoder = { name: 'decoder', include: ['decoder.', 'post_quant_conv.'], exclude: [] };
const encoder = { name: 'encoder', include: ['encoder.', 'quant_conv.'], exclude: [] };

describe('download planning', () => {
  test('layout: only the parts asked for, in file order, fp32 → fp16 halves the bytes, ints kept', () => {
    const l = layoutArtefact(header, [decoder], 'F16');
    expect(l.tensors.map((t) => t.name)).toEqual(['decoder.a', 'decoder.b', 'post_quant_conv.w']);
    expect(l.tensors.every((t) => t.dtype === 'F16' && t.conversion === 'f32-f16')).toBe(true);
    expect(l.dataBytes).toBe((100 + 10 + 4) * 2);
    expect(l.sourceBytes).toBe((100 + 10 + 4) * 4);
    expect(l.tensors[1].outBegin).toBe(200);
    const all = layoutArtefact(header, [{ name: 'all', include: [''], exclude: [] }], 'F16');
    expect(all.tensors.find((t) => t.name === 'ids')).toMatchObject({ dtype: 'I64', conversion: 'copy' });
    const keep = layoutArtefact(header, [encoder], 'keep');
    expect(keep.dataBytes).toBe(keep.sourceBytes);
    expect(layoutArtefact(header, [{ name: 'x', include: ['decoder.'], exclude: ['decoder.b'] }], 'F16').tensors.map((t) => t.name)).toEqual(['decoder.a']);
  });

  test('ranges: runs merged across small gaps, split across large ones', () => {
    const l = layoutArtefact(header, [decoder], 'F16');
    const tight = mergeRanges(l.tensors, 0);
    const loose = mergeRanges(l.tensors, 10_000);
    expect(tight.length).toBe(2); // decoder.a | encoder.a (skipped) | decoder.b + post_quant_conv.w
    expect(rangeBytes(tight)).toBe(l.sourceBytes);
    expect(loose.length).toBe(1);
    expect(rangeBytes(loose)).toBe(l.sourceBytes + 4000);
    expect(mergeRanges([{ srcBegin: 0, srcEnd: 10 }, { srcBegin: 5, srcEnd: 20 }, { srcBegin: 30, srcEnd: 40 }], 5)).toEqual([{ start: 0, end: 20 }, { start: 30, end: 40 }]);
  });

  test('whole file fetched for its checksum only when that costs little', () => {
    const size = bytes.byteLength;
    const dec = layoutArtefact(header, [decoder], 'F16');
    expect(planFetch(dec, header, size, { gapBytes: 0, wholeFileOverhead: 0.1, hasSha256: true }).wholeFile).toBe(false);
    const most = layoutArtefact(header, [decoder, encoder], 'F16'); // all but `ids` (24 bytes)
    const p = planFetch(most, header, size, { gapBytes: 0, wholeFileOverhead: 0.1, hasSha256: true });
    expect(p).toMatchObject({ wholeFile: true, ranges: [{ start: header.dataStart, end: size }] });
    expect(planFetch(most, header, size, { gapBytes: 0, wholeFileOverhead: 0.1, hasSha256: false }).wholeFile).toBe(false);
  });

  test('resume: ranges clipped to what is left', () => {
    const r = [{ start: 10, end: 20 }, { start: 30, end: 50 }];
    expect(rangesFrom(r, 0)).toEqual(r);
    expect(rangesFrom(r, 15)).toEqual([{ start: 15, end: 20 }, { start: 30, end: 50 }]);
    expect(rangesFrom(r, 25)).toEqual([{ start: 30, end: 50 }]);
    expect(rangesFrom(r, 50)).toEqual([]);
  });
});
