import { describe, expect, it } from 'vitest';
import {
  boxMuller,
  boxMullerFast,
  createNoiseGenerator,
  detCosSinTurn,
  detLn,
  gaussianNoise,
  normalAt,
  philox4x32,
  philoxWords,
  roundKeys,
} from './noise';
import { philoxSimd } from './philoxSimd';

const hex = (w: Uint32Array) => Array.from(w, (x) => x.toString(16).padStart(8, '0'));

describe('Philox4x32-10', () => {
  // Random123 kat_vectors: counter[4] key[2] → output[4]
  it('matches the Random123 known-answer vectors', () => {
    expect(hex(philox4x32([0, 0, 0, 0], [0, 0]))).toEqual(['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    expect(hex(philox4x32([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff]))).toEqual([
      '408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd',
    ]);
    expect(hex(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]))).toEqual([
      'd16cfe09', '94fdcceb', '5001e420', '24126ea1',
    ]);
  });
});

describe('reproducible ln / cos / sin', () => {
  it('agree with Math.log / Math.cos / Math.sin to ~1e-15', () => {
    for (const x of [1, 0.5, 0.999999, 1e-3, 1e-10, 2 ** -53, 0.7071067811865476, 0.123456789]) {
      expect(Math.abs(detLn(x) - Math.log(x))).toBeLessThan(1e-14 * Math.max(1, Math.abs(Math.log(x))));
    }
    expect(detLn(0)).toBe(-Infinity);
    for (let k = 0; k < 1000; k++) {
      const u = k / 1000 + 0.000123;
      const [c, s] = detCosSinTurn(u);
      expect(Math.abs(c - Math.cos(2 * Math.PI * u))).toBeLessThan(1e-14);
      expect(Math.abs(s - Math.sin(2 * Math.PI * u))).toBeLessThan(1e-14);
    }
  });
});

describe('noise generator', () => {
  it('gives these exact numbers for seed 0 and seed 42 (a change here changes every saved example)', () => {
    expect(Array.from(gaussianNoise(0, 6))).toEqual(GOLDEN_SEED0);
    expect(Array.from(gaussianNoise(42, 4))).toEqual(GOLDEN_SEED42);
    const g = createNoiseGenerator(0);
    expect([g.uniform(), g.uniform(), g.uniform()]).toEqual(GOLDEN_UNIFORM_SEED0);
  });

  it('is deterministic, and random access agrees with sequential draws', () => {
    const a = gaussianNoise(1234, 101);
    const b = gaussianNoise(1234, 101);
    expect(Array.from(a)).toEqual(Array.from(b));
    for (const i of [0, 1, 2, 57, 100]) expect(Math.fround(normalAt(1234, i))).toBe(a[i]);
  });

  it('seeds and streams give different numbers; uniforms never disturb normals', () => {
    expect(gaussianNoise(1, 8)).not.toEqual(gaussianNoise(2, 8));
    expect(gaussianNoise(1, 8, 0)).not.toEqual(gaussianNoise(1, 8, 1));
    const g = createNoiseGenerator(7);
    const mixed = [g.normal(), (g.uniform(), g.normal()), (g.uniform(), g.uniform(), g.normal())];
    const h = createNoiseGenerator(7);
    expect(mixed).toEqual([h.normal(), h.normal(), h.normal()]);
    // seeds above 2^32 use the key's high word
    expect(gaussianNoise(2 ** 32, 4)).not.toEqual(gaussianNoise(0, 4));
  });

  it('has N(0, 1) moments and U[0, 1) range', () => {
    const n = 200_000;
    const z = gaussianNoise(99, n);
    let m = 0;
    let v = 0;
    let k4 = 0;
    for (const x of z) m += x;
    m /= n;
    for (const x of z) {
      v += (x - m) ** 2;
      k4 += (x - m) ** 4;
    }
    v /= n;
    k4 /= n * v * v;
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.abs(v - 1)).toBeLessThan(0.01);
    expect(Math.abs(k4 - 3)).toBeLessThan(0.05);
    const u = createNoiseGenerator(99).uniformArray(n);
    let um = 0;
    let outside = 0;
    for (const x of u) {
      if (!(x >= 0 && x < 1)) outside++;
      um += x;
    }
    expect(outside).toBe(0);
    expect(Math.abs(um / n - 0.5)).toBeLessThan(0.005);
  });

  it('rejects seeds that are not safe non-negative integers', () => {
    expect(() => gaussianNoise(-1, 2)).toThrow(/whole number from 0/);
    expect(() => gaussianNoise(1.5, 2)).toThrow(/whole number from 0/);
    expect(() => gaussianNoise(2 ** 53, 2)).toThrow(/whole number from 0/);
    expect(() => createNoiseGenerator(0, -1)).toThrow(/stream/);
  });
});

describe('the fast float32 path gives the series\' numbers exactly', () => {
  const fnv = (a: Float32Array) => {
    const u = new Uint32Array(a.buffer, a.byteOffset, a.length);
    let h = 0x811c9dc5;
    for (let i = 0; i < u.length; i++) h = Math.imul(h ^ u[i], 0x01000193) >>> 0;
    return h.toString(16);
  };

  it('WebAssembly SIMD and JavaScript Philox give the reference words (layout, counter carry, high stream bit)', () => {
    const key: [number, number] = [0xa4093822, 0x299f31d0];
    const rk = roundKeys(key);
    for (const [lo, hi, stream, count] of [[0, 0, 0, 9], [2 ** 32 - 13, 7, 0x80000003, 13], [123456, 0, 1, 4096]]) {
      const simd = philoxWords(key, rk, lo, hi, stream, count).slice();
      const js = philoxWords(key, rk, lo, hi, stream, count, false);
      for (let b = 0; b < count; b += b < 20 ? 1 : 97) {
        const ref = philox4x32([lo + b, hi, stream, 0], key);
        for (let w = 0; w < 4; w++) {
          const at = (b >> 2) * 16 + 4 * w + (b & 3);
          expect(simd[at]).toBe(ref[w]);
          expect(js[at]).toBe(ref[w]);
        }
      }
    }
    // Node has WebAssembly SIMD: the fast filler is really under test above
    expect(philoxSimd()).not.toBeNull();
  });

  it('stays within 1e-14 of the series (the guard assumes 2⁻³⁶ ≈ 1.5e-11), edges included', () => {
    const pair = new Float64Array(2);
    let worst = 0;
    const check = (u0: number, u1: number) => {
      const z = boxMuller(u0, u1);
      boxMullerFast(u0, u1, pair);
      for (let k = 0; k < 2; k++) {
        if (z[k] === 0) expect(Object.is(pair[k], z[k])).toBe(true); // the sign of zero too
        else worst = Math.max(worst, Math.abs(pair[k] - z[k]) / Math.abs(z[k]));
      }
    };
    const e = 2 ** -53;
    for (const u0 of [0, e, 2 * e, 1e-9, 0.25, 0.5 - e, 0.5, 1 - 2 ** -30, 1 - e]) {
      for (const u1 of [0, e, 0.25 - e, 0.25, 0.25 + e, 0.5, 0.75 - e, 0.75, 1 - e, 1 / 2048, 3 / 2048 - e]) check(u0, u1);
    }
    const g = createNoiseGenerator(5, 9);
    for (let i = 0; i < 100_000; i++) check(g.uniform(), g.uniform());
    expect(worst).toBeLessThan(1e-14);
  });

  it('fillNormals / normalArray equal Math.fround of the series\' normal(), for any split into calls', () => {
    for (const [seed, stream, n] of [[0, 0, 20_001], [77, 1, 16_384], [2 ** 40 + 3, 5, 999]]) {
      const series = createNoiseGenerator(seed, stream);
      const ref = Float32Array.from({ length: n }, () => series.normal());
      expect(createNoiseGenerator(seed, stream).normalArray(n)).toEqual(ref);
      // odd pieces, a normal() in between: the sequence does not change
      const g = createNoiseGenerator(seed, stream);
      const out = new Float32Array(n);
      out[0] = g.normal();
      g.fillNormals(out, 1, 3);
      g.fillNormals(out, 4, 0);
      out[4] = g.normal();
      g.fillNormals(out, 5, 8193);
      g.fillNormals(out, 8198);
      expect(out).toEqual(ref);
    }
  });

  it('gives the numbers of the series-only generator it replaced (hashes of 1.25 M draws, frozen)', () => {
    // computed with the previous implementation (every number through detLn / detCosSinTurn)
    const got: string[] = [];
    for (const [seed, stream] of [[0, 0], [1, 1], [42, 0], [2 ** 40 + 7, 3], [123456789, 1]]) {
      got.push(fnv(createNoiseGenerator(seed, stream).normalArray(200_001)));
      got.push(fnv(createNoiseGenerator(seed, stream).uniformArray(50_001)));
    }
    expect(got).toEqual([
      'a1a8d031', '7e363708', 'd82238a2', '13bd01c8', '69a71f38', 'beab5edb', 'd7dde013', 'bd3b5f3d', 'a576702d', '81c8a4df',
    ]);
  });
});

// Frozen outputs (float32 for the normals). Cross-checked once against an independent Python
// implementation of the documented algorithm (Philox4x32-10 + 53-bit uniforms + Box–Muller with
// math.log/cos/sin), which agreed to float32 rounding.
const GOLDEN_SEED0 = [
  -0.09047304838895798, -1.0051318407058716, -0.9238336086273193, -2.512953758239746, 0.1254250854253769,
  0.153462216258049,
];
const GOLDEN_SEED42 = [1.2345417737960815, 0.6118499040603638, -2.9550533294677734, -0.25885656476020813];
const GOLDEN_UNIFORM_SEED0 = [0.7454842482279233, 0.7222047598770122, 0.010905765288945268];
