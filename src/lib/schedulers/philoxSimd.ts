/**
 * Philox4x32-10 blocks, four at a time, in a small WebAssembly SIMD module written out below
 * byte by byte (no toolchain): `i64x2.extmul_*_i32x4_u` gives the exact 64-bit products that
 * JavaScript can only assemble from 16-bit pieces, so a block costs a few nanoseconds instead
 * of ~80. The words are the same as philox4x32() in noise.ts (noise.test.ts checks it); where
 * WebAssembly SIMD is missing (Safari < 16.4) `philoxSimd()` returns null and the caller uses
 * the JavaScript version.
 *
 * fill(k0, k1, lo, hi, stream, blocks): blocks b = 0 … blocks−1 with counter
 * [lo + b, hi, stream, 0] and key [k0, k1]; lo + blocks must not pass 2³². Word w of block b
 * is at words[(b >> 2) · 16 + 4w + (b & 3)] (four blocks' c0, then their c1, c2, c3).
 */

export interface PhiloxSimd {
  /** Blocks per call at most (the module's memory). */
  readonly maxBlocks: number;
  fill(k0: number, k1: number, lo: number, hi: number, stream: number, blocks: number): Uint32Array;
}

const PAGES = 2; // 128 KiB: 8192 blocks, the 4·64·64 normals of one 512² step
const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

// opcodes (WebAssembly core spec §5.4; SIMD ops are 0xFD + LEB128 index)
const simd = (op: number) => (op < 128 ? [0xfd, op] : [0xfd, (op & 0x7f) | 0x80, op >> 7]);
const V128_STORE = (offset: number) => [...simd(0x0b), 4, offset];
const V128_CONST = (lanes: number[]) => [...simd(0x0c), ...lanes.flatMap((x) => [x & 255, (x >>> 8) & 255, (x >>> 16) & 255, x >>> 24])];
const I8X16_SHUFFLE = (idx: number[]) => [...simd(0x0d), ...idx];
const I32X4_SPLAT = simd(0x11);
const V128_XOR = simd(0x51);
const I32X4_ADD = simd(0xae);
const I32X4_MUL = simd(0xb5);
const I64X2_EXTMUL_LOW_U = simd(0xde);
const I64X2_EXTMUL_HIGH_U = simd(0xdf);
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const tee = (i: number) => [0x22, i];
const i32 = (v: number) => [0x41, v]; // small non-negative constants only (< 64)

// locals: params k0 k1 lo hi stream groups, then i32 g r, then v128 …
const [K0, K1, LO, HI, STREAM, GROUPS, G, R] = [0, 1, 2, 3, 4, 5, 6, 7];
const [C0, C1, C2, C3, KV0, KV1, PA, PB, HI0, LO0, HI1, LO1] = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
// the high 32-bit halves of two i64x2 products, as one i32x4
const HIGH_WORDS = [4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31];

/** hi·2³² + lo = m · c for the four lanes of c. */
const mul = (c: number, m: number, hi: number, lo: number) => [
  ...get(c), ...V128_CONST([m, m, m, m]), ...I64X2_EXTMUL_LOW_U, ...set(PA),
  ...get(c), ...V128_CONST([m, m, m, m]), ...I64X2_EXTMUL_HIGH_U, ...set(PB),
  ...get(PA), ...get(PB), ...I8X16_SHUFFLE(HIGH_WORDS), ...set(hi),
  ...get(c), ...V128_CONST([m, m, m, m]), ...I32X4_MUL, ...set(lo),
];

const round = [
  ...mul(C0, M0, HI0, LO0),
  ...mul(C2, M1, HI1, LO1),
  ...get(HI1), ...get(C1), ...V128_XOR, ...get(KV0), ...V128_XOR, ...set(C0),
  ...get(LO1), ...set(C1),
  ...get(HI0), ...get(C3), ...V128_XOR, ...get(KV1), ...V128_XOR, ...set(C2),
  ...get(LO0), ...set(C3),
  ...get(KV0), ...V128_CONST([W0, W0, W0, W0]), ...I32X4_ADD, ...set(KV0),
  ...get(KV1), ...V128_CONST([W1, W1, W1, W1]), ...I32X4_ADD, ...set(KV1),
];

const body = [
  2, 2, 0x7f, 12, 0x7b, // locals: 2 × i32, 12 × v128
  ...i32(0), ...set(G),
  0x02, 0x40, 0x03, 0x40, // block, loop
  ...get(G), ...get(GROUPS), 0x4f, 0x0d, 1, // g ≥ groups → break
  ...get(LO), ...get(G), ...i32(2), 0x74, 0x6a, ...I32X4_SPLAT, ...V128_CONST([0, 1, 2, 3]), ...I32X4_ADD, ...set(C0),
  ...get(HI), ...I32X4_SPLAT, ...set(C1),
  ...get(STREAM), ...I32X4_SPLAT, ...set(C2),
  ...i32(0), ...I32X4_SPLAT, ...set(C3),
  ...get(K0), ...I32X4_SPLAT, ...set(KV0),
  ...get(K1), ...I32X4_SPLAT, ...set(KV1),
  ...i32(0), ...set(R),
  0x03, 0x40, // loop: 10 rounds
  ...round,
  ...get(R), ...i32(1), 0x6a, ...tee(R), ...i32(10), 0x49, 0x0d, 0, 0x0b,
  ...get(G), ...i32(6), 0x74, ...get(C0), ...V128_STORE(0),
  ...get(G), ...i32(6), 0x74, ...get(C1), ...V128_STORE(16),
  ...get(G), ...i32(6), 0x74, ...get(C2), ...V128_STORE(32),
  ...get(G), ...i32(6), 0x74, ...get(C3), ...V128_STORE(48),
  ...get(G), ...i32(1), 0x6a, ...set(G),
  0x0c, 0, 0x0b, 0x0b, // br loop; end loop; end block
  0x0b,
];

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const section = (id: number, bytes: number[]) => [id, ...leb(bytes.length), ...bytes];
const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];

function moduleBytes(): Uint8Array<ArrayBuffer> {
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [1, 0x60, 6, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]), // (i32 × 6) → ()
    ...section(3, [1, 0]),
    ...section(5, [1, 0, PAGES]),
    ...section(7, [2, ...name('mem'), 2, 0, ...name('philox'), 0, 0]),
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}

let cached: PhiloxSimd | null | undefined;

/** The SIMD filler, or null where this engine has no WebAssembly SIMD. */
export function philoxSimd(): PhiloxSimd | null {
  if (cached !== undefined) return cached;
  cached = null;
  try {
    if (typeof WebAssembly === 'undefined') return null;
    const bytes = moduleBytes();
    if (!WebAssembly.validate(bytes)) return null;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    const run = instance.exports.philox as (...args: number[]) => void;
    const words = new Uint32Array((instance.exports.mem as WebAssembly.Memory).buffer);
    const maxBlocks = (PAGES * 65536) / 16;
    cached = {
      maxBlocks,
      fill(k0, k1, lo, hi, stream, blocks) {
        if (blocks > maxBlocks || lo + blocks > 2 ** 32) throw new RangeError('philoxSimd: too many blocks for one call');
        run(k0 | 0, k1 | 0, lo | 0, hi | 0, stream | 0, (blocks + 3) >> 2);
        return words;
      },
    };
  } catch {
    cached = null;
  }
  return cached;
}
