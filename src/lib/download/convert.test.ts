import { describe, expect, test } from 'vitest';
import { floatToHalf, parseSafetensorsHeader, readFloat32, halfToFloat } from '../weights/safetensors';
import { makeSafetensors } from '../../../test/make-safetensors';
import { convertBytes, f32BitsToF16, StreamMapper } from './convert';
import { layoutArtefact } from './plan';

const u32 = new Uint32Array(1);
const f32 = new Float32Array(u32.buffer);

describe('fp32 → fp16 while streaming', () => {
  test('bit-level conversion: known half bit patterns (rounding, subnormals, overflow, NaN) and round trips', () => {
    // expected values as numpy's float16 gives them
    const known: [number, number][] = [
      [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.1, 0x2e66], [1 / 3, 0x3555],
      [65504, 0x7bff], [65520, 0x7c00], [1e9, 0x7c00], [-1e9, 0xfc00], [Infinity, 0x7c00], [-Infinity, 0xfc00],
      [6e-8, 0x0001], [3e-8, 0x0001], [2.98e-8, 0x0000], [6.1e-5, 0x03ff], [6.103515625e-5, 0x0400], [1 + 2 ** -11, 0x3c00],
    ];
    for (const [v, bits] of known) { f32[0] = v; expect(f32BitsToF16(u32[0]), String(v)).toBe(bits); }
    f32[0] = NaN;
    expect(f32BitsToF16(u32[0]) & 0x7c00).toBe(0x7c00);
    expect(f32BitsToF16(u32[0]) & 0x03ff).not.toBe(0);
    let seed = 1;
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const v = ((seed / 2 ** 32) * 2 - 1) * 60000;
      f32[0] = v;
      const back = halfToFloat(f32BitsToF16(u32[0]));
      expect(Math.abs(back - f32[0])).toBeLessThanOrEqual(Math.abs(f32[0]) * 2 ** -11 + 2 ** -25);
    }
  });

  test('convertBytes: unaligned input, f16→f32 and bf16 paths', () => {
    const src = Float32Array.from([1.5, -2.25, 3.1415926, 1e-3]);
    const raw = new Uint8Array(src.byteLength + 1);
    raw.set(new Uint8Array(src.buffer), 1);
    const h = new Uint16Array(convertBytes('f32-f16', raw.subarray(1)).slice().buffer);
    expect(Array.from(h)).toEqual(Array.from(src, floatToHalf));
    const back = new Float32Array(convertBytes('f16-f32', new Uint8Array(h.buffer)).slice().buffer);
    expect(Array.from(back)).toEqual(Array.from(h, halfToFloat));
    const bf = Uint16Array.from([0x3fc0, 0xc010]); // 1.5, -2.25 in bfloat16
    expect(Array.from(new Float32Array(convertBytes('bf16-f32', new Uint8Array(bf.buffer)).slice().buffer))).toEqual([1.5, -2.25]);
    expect(Array.from(new Uint16Array(convertBytes('bf16-f16', new Uint8Array(bf.buffer)).slice().buffer))).toEqual([floatToHalf(1.5), floatToHalf(-2.25)]);
  });

  const data = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * k) * 100);
  const file = makeSafetensors({
    'a.w': { dtype: 'F32', shape: [37], data: data(37, 1) },
    'skip.w': { dtype: 'F32', shape: [50], data: data(50, 2) },
    'a.ids': { dtype: 'I64', shape: [3], data: BigInt64Array.from([5n, 6n, 7n]) },
    'a.v': { dtype: 'F32', shape: [4, 25], data: data(100, 3) },
  }, 3);
  const header = parseSafetensorsHeader(file, file.byteLength);
  const layout = layoutArtefact(header, [{ name: 'a', include: ['a.'], exclude: [] }], 'F16');
  const expected = () => {
    const out = new Uint8Array(layout.dataBytes);
    for (const t of layout.tensors) {
      const info = header.tensors.get(t.name)!;
      if (t.conversion === 'copy') out.set(file.subarray(info.begin, info.end), t.outBegin);
      else out.set(new Uint8Array(Uint16Array.from(readFloat32(file, info), floatToHalf).buffer), t.outBegin);
    }
    return out;
  };

  function run(chunk: (i: number) => number, start = { src: header.dataStart, out: 0 }) {
    const m = new StreamMapper(layout, start);
    const out: Uint8Array[] = [];
    let carry = new Uint8Array(0);
    let pos = start.src;
    for (let i = 0; pos < file.byteLength; i++) {
      const piece = file.subarray(pos, Math.min(file.byteLength, pos + chunk(i)));
      const dataAt = pos - carry.length;
      const d = new Uint8Array(carry.length + piece.length);
      d.set(carry); d.set(piece, carry.length);
      pos += piece.length;
      const n = m.consumable(dataAt, d.length);
      out.push(...m.map(dataAt, d.subarray(0, n)));
      carry = d.slice(n);
    }
    expect(carry.length).toBe(0);
    const joined = new Uint8Array(out.reduce((s, p) => s + p.length, 0));
    let at = 0;
    for (const p of out) { joined.set(p, at); at += p.length; }
    return { m, joined };
  }

  test('any chunking (1, 3, 5, 4096 bytes, random) yields the same stored bytes, gaps dropped', () => {
    const want = expected();
    let seed = 7;
    for (const chunk of [() => 1, () => 3, () => 5, () => 4096, () => { seed = (seed * 48271) % 2147483647; return 1 + (seed % 97); }]) {
      const { m, joined } = run(chunk);
      expect(joined).toEqual(want);
      expect(m.outPos).toBe(layout.dataBytes);
    }
  });

  test('resuming mid-tensor at an element boundary continues the same output', () => {
    const t = layout.tensors.find((x) => x.name === 'a.v')!;
    const start = { src: t.srcBegin + 40, out: t.outBegin + 20 };
    const { joined } = run(() => 13, start);
    expect(joined).toEqual(expected().subarray(start.out));
    expect(() => new StreamMapper(layout, { src: t.srcBegin + 41, out: t.outBegin + 20 })).toThrow(/does not match/);
  });

  test('skipping bytes a tensor needs is an error, skipping a gap is not', () => {
    const m = new StreamMapper(layout, { src: header.dataStart, out: 0 });
    const skip = header.tensors.get('skip.w')!;
    expect(() => m.map(skip.begin + 8, file.subarray(skip.begin + 8, skip.end))).toThrow(/skipped/);
    const m2 = new StreamMapper(layout, { src: header.dataStart, out: 0 });
    const a = header.tensors.get('a.w')!;
    m2.map(a.begin, file.subarray(a.begin, a.end));
    expect(() => m2.map(skip.end, file.subarray(skip.end, skip.end + 24))).not.toThrow();
  });
});
