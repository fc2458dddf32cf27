/**
 * Seeded, deterministic Gaussian (and uniform) noise: the same seed gives the same numbers
 * on every device and JavaScript engine.
 *
 * Algorithm (all steps are exact integer or IEEE-754 double operations, so nothing depends
 * on the engine's Math.log/Math.cos, which the ECMAScript spec lets vary in the last bits):
 *
 * 1. Bits: Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011),
 *    a counter-based generator. Block b of stream s under seed k is
 *    philox4x32_10(counter = [b mod 2³², ⌊b / 2³²⌋, s, 0], key = [k mod 2³², ⌊k / 2³²⌋]) → 4 uint32.
 *    Checked against the Random123 known-answer vectors in noise.test.ts.
 * 2. Uniforms: two words → one double in [0, 1) with 53 random bits:
 *    u = ((w0 >>> 5)·2²⁶ + (w1 >>> 6)) / 2⁵³.
 * 3. Normals: Box–Muller on the two uniforms of one block:
 *    r = √(−2·ln(1 − u0)), θ = 2π·u1 → z0 = r·cos θ, z1 = r·sin θ.
 *    ln, cos and sin are evaluated by the series in this file (atanh series for ln after an
 *    exact power-of-two range reduction; Taylor series for sin/cos after an exact quadrant
 *    reduction on u1), accurate to ~1e-15 and bit-reproducible.
 *
 * So normal number i (0-based) of stream s is z_{i mod 2} of block ⌊i/2⌋ — random access is
 * possible (`normalAt`), and a generator's sequential draws equal the random-access values.
 *
 * Speed (float32 output: normalArray, fillNormals): the series above cost ~40 divisions per
 * block. The float32 paths first evaluate the same formulas in Horner form with precomputed
 * coefficients (still only +, −, ×, ÷ — as reproducible as the series) and keep that result
 * only when it lies so far from a float32 rounding boundary (more than 2⁻³⁶ relative) that
 * the series' value — which differs from it by ~1e-16 relative — must round to the same
 * float32; otherwise (about 3 numbers in 10⁵) the block is recomputed by the series. So the
 * float32 numbers are exactly the series' numbers, just ~10× cheaper; noise.test.ts pins both.
 *
 * It does not (and cannot cheaply) reproduce torch.Generator's numbers (mt19937 on CPU,
 * Philox with a different layout on CUDA): a seed here names a different image than the same
 * seed in diffusers or ComfyUI. The lessons say so.
 */

// ---------------------------------------------------------------------------------------------
// Philox4x32-10

const PHILOX_M0 = 0xd2511f53;
const PHILOX_M1 = 0xcd9e8d57;
const PHILOX_W0 = 0x9e3779b9;
const PHILOX_W1 = 0xbb67ae85;

import { philoxSimd } from './philoxSimd';

const TWO_POW_M16 = 2 ** -16;

/**
 * High 32 bits of the 64-bit product of a uint32 constant `m` and a uint32 `c` (any int32 bit
 * pattern): m·c = m·c_hi·2¹⁶ + m·c_lo, each part < 2⁴⁸, so every double below is exact and
 * ⌊m·c / 2³²⌋ = ⌊(m·c_hi + ⌊m·c_lo / 2¹⁶⌋) / 2¹⁶⌋.
 */
function mulhi32(m: number, c: number): number {
  return Math.floor((m * (c >>> 16) + Math.floor(m * (c & 0xffff) * TWO_POW_M16)) * TWO_POW_M16);
}

/** Philox4x32 with `rounds` rounds (10 is the standard). Returns 4 uint32 words. */
export function philox4x32(
  counter: readonly [number, number, number, number],
  key: readonly [number, number],
  rounds = 10,
  out: Uint32Array = new Uint32Array(4),
): Uint32Array {
  let c0 = counter[0] >>> 0;
  let c1 = counter[1] >>> 0;
  let c2 = counter[2] >>> 0;
  let c3 = counter[3] >>> 0;
  let k0 = key[0] >>> 0;
  let k1 = key[1] >>> 0;
  for (let r = 0; r < rounds; r++) {
    if (r > 0) {
      k0 = (k0 + PHILOX_W0) >>> 0;
      k1 = (k1 + PHILOX_W1) >>> 0;
    }
    const hi0 = mulhi32(PHILOX_M0, c0);
    const lo0 = Math.imul(PHILOX_M0, c0) >>> 0;
    const hi1 = mulhi32(PHILOX_M1, c2);
    const lo1 = Math.imul(PHILOX_M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
  return out;
}

// ---------------------------------------------------------------------------------------------
// reproducible elementary functions (only +, −, ×, ÷ and comparisons: exact IEEE operations)

const LN2 = 0.6931471805599453;
const SQRT1_2 = 0.7071067811865476;
const HALF_PI = 1.5707963267948966;

/** ln x for x in (0, 1], reproducible across engines. */
export function detLn(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  let e = 0;
  let m = x;
  // exact power-of-two range reduction to m ∈ [√½, √2)
  while (m < SQRT1_2) {
    m *= 2;
    e--;
  }
  while (m >= 2 * SQRT1_2) {
    m /= 2;
    e++;
  }
  // ln m = 2·atanh(s), s = (m−1)/(m+1), |s| ≤ 0.1716
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let term = s;
  let sum = s;
  for (let k = 3; k <= 31; k += 2) {
    term *= s2;
    sum += term / k;
  }
  return 2 * sum + e * LN2;
}

/** sin and cos of φ ∈ [0, π/4] by Taylor series (error < 1e-17). */
function sinCosSmall(phi: number): [number, number] {
  const p2 = phi * phi;
  let sTerm = phi;
  let sSum = phi;
  let cTerm = 1;
  let cSum = 1;
  for (let k = 1; k <= 11; k++) {
    sTerm *= -p2 / ((2 * k) * (2 * k + 1));
    sSum += sTerm;
    cTerm *= -p2 / ((2 * k - 1) * (2 * k));
    cSum += cTerm;
  }
  return [sSum, cSum];
}

/** [cos 2πu, sin 2πu] for u ∈ [0, 1), reproducible across engines. */
export function detCosSinTurn(u: number): [number, number] {
  const q4 = u * 4; // exact
  const q = Math.floor(q4);
  let f = q4 - q; // exact, in [0, 1): fraction of a quarter turn
  let swap = false;
  if (f > 0.5) {
    f = 1 - f; // exact (Sterbenz)
    swap = true;
  }
  const [s0, c0] = sinCosSmall(f * HALF_PI);
  // angle within the quarter: a = f·π/2 (or π/2 − a when swapped)
  const s = swap ? c0 : s0;
  const c = swap ? s0 : c0;
  switch (q & 3) {
    case 0:
      return [c, s];
    case 1:
      return [-s, c];
    case 2:
      return [-c, -s];
    default:
      return [s, -c];
  }
}

// ---------------------------------------------------------------------------------------------
// generator

const TWO_POW_26 = 2 ** 26;
const TWO_POW_M53 = 2 ** -53;
const TWO_POW_32 = 2 ** 32;

function seedKey(seed: number): [number, number] {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`A noise seed must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER} (got ${seed}).`);
  }
  return [seed % TWO_POW_32, Math.floor(seed / TWO_POW_32)];
}

function toUniform(hi: number, lo: number): number {
  return ((hi >>> 5) * TWO_POW_26 + (lo >>> 6)) * TWO_POW_M53; // = ÷ 2⁵³, exactly
}

/** The two normals and two uniforms of one Philox block. */
function block(key: [number, number], b: number, stream: number, words: Uint32Array): void {
  philox4x32([b % TWO_POW_32, Math.floor(b / TWO_POW_32), stream >>> 0, 0], key, 10, words);
}

/** The series' Box–Muller pair (the definition). Exported for noise.test.ts. */
export function boxMuller(u0: number, u1: number): [number, number] {
  const r = Math.sqrt(-2 * detLn(1 - u0)); // 1 − u0 ∈ (0, 1]; Math.sqrt is correctly rounded by IEEE-754
  const [c, s] = detCosSinTurn(u1);
  return [r * c, r * s];
}

/** Normal number `index` of (seed, stream), without generating the ones before it. */
export function normalAt(seed: number, index: number, stream = 0): number {
  const key = seedKey(seed);
  const words = new Uint32Array(4);
  block(key, Math.floor(index / 2), stream, words);
  const z = boxMuller(toUniform(words[0], words[1]), toUniform(words[2], words[3]));
  return z[index % 2];
}

// ---------------------------------------------------------------------------------------------
// the float32 fast path (see the header): the same numbers, far fewer divisions

/** Philox's key schedule for one seed: [k0, k1] of each of the 10 rounds. */
export function roundKeys(key: readonly [number, number]): Int32Array {
  const rk = new Int32Array(20);
  let k0 = key[0] >>> 0;
  let k1 = key[1] >>> 0;
  for (let r = 0; r < 10; r++) {
    rk[2 * r] = k0;
    rk[2 * r + 1] = k1;
    k0 = (k0 + PHILOX_W0) >>> 0;
    k1 = (k1 + PHILOX_W1) >>> 0;
  }
  return rk;
}

/** philox4x32 of [c0, c1, c2, 0] with precomputed round keys, as int32 bit patterns. */
function philoxBlock(rk: Int32Array, c0: number, c1: number, c2: number, w: Int32Array): void {
  let c3 = 0;
  for (let r = 0; r < 20; r += 2) {
    const hi0 = mulhi32(PHILOX_M0, c0);
    const lo0 = Math.imul(PHILOX_M0, c0);
    const hi1 = mulhi32(PHILOX_M1, c2);
    const lo1 = Math.imul(PHILOX_M1, c2);
    c0 = hi1 ^ c1 ^ rk[r];
    c1 = lo1;
    c2 = hi0 ^ c3 ^ rk[r + 1];
    c3 = lo0;
  }
  w[0] = c0;
  w[1] = c1;
  w[2] = c2;
  w[3] = c3;
}

const BATCH = 4096; // blocks per call: 8192 normals
const scratch = new Uint32Array(BATCH * 4);
const scratchBlock = new Int32Array(4);

/**
 * Blocks [lo + b, hi, stream, 0], b < count ≤ BATCH, lo + count ≤ 2³², in philoxSimd's layout
 * (word w of block b at [(b >> 2)·16 + 4w + (b & 3)]): by WebAssembly SIMD where the engine has
 * it, else (or with simd = false, for the tests) by philoxBlock.
 */
export function philoxWords(
  key: readonly [number, number],
  rk: Int32Array,
  lo: number,
  hi: number,
  stream: number,
  count: number,
  simd = true,
): Uint32Array {
  const fast = simd ? philoxSimd() : null;
  if (fast) return fast.fill(key[0], key[1], lo, hi, stream, count);
  for (let b = 0; b < count; b++) {
    philoxBlock(rk, (lo + b) | 0, hi | 0, stream | 0, scratchBlock);
    const at = (b >> 2) * 16 + (b & 3);
    for (let w = 0; w < 4; w++) scratch[at + 4 * w] = scratchBlock[w];
  }
  return scratch;
}

// Tables of the series' own values on a grid, so that the fast path needs only a short
// polynomial around the nearest grid point and no data-dependent branch. Every entry comes from
// detLn / detCosSinTurn, so the tables are the same in every engine.
// ln: c_j = 1 + j/256 for j = −75 … 106 cover the reduced m ∈ [√½, √2); ln c_0 = 0 exactly, so
// ln m stays accurate relative to itself near m = 1 (small u0, small |z|).
const LN_GRID = 256;
const LN_J0 = 75;
const LN_TABLE = Float64Array.from({ length: LN_J0 + 107 }, (_, i) => detLn(1 + (i - LN_J0) / LN_GRID));
// cos/sin of whole turns J/1024, J = 0 … 1024 (exact 0 and ±1 at the quarter turns).
const TURN_GRID = 1024;
const COS_TABLE = new Float64Array(TURN_GRID + 1);
const SIN_TABLE = new Float64Array(TURN_GRID + 1);
for (let j = 0; j <= TURN_GRID; j++) [COS_TABLE[j], SIN_TABLE[j]] = detCosSinTurn(j / TURN_GRID);
const TURN_STEP = (2 * Math.PI) / TURN_GRID;
// a double's exponent, read from its bits (IEEE-754 binary64)
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const SQRT2 = 1.4142135623730951;
const POW2_NEG = Float64Array.from({ length: 56 }, (_, k) => 2 ** k); // 2^−e for e = 0 … −55

/** ln x for x ∈ [2⁻⁵³, 1]: e·ln 2 + ln c_j + 2·atanh((m − c_j)/(m + c_j)), |s| < 1.4e-3. */
function lnFast(x: number): number {
  F64[0] = x * SQRT2;
  const e = ((U32[HI_WORD] >>> 20) & 0x7ff) - 1023; // so that m = x·2⁻ᵉ ∈ [√½, √2)
  const m = x * POW2_NEG[-e]; // exact
  const j = Math.floor((m - 1) * LN_GRID + 0.5) | 0; // nearest grid point (Math.round is slower)
  const c = 1 + j * (1 / LN_GRID); // exact
  const s = (m - c) / (m + c); // m − c is exact (Sterbenz)
  const s2 = s * s;
  return e * LN2 + (LN_TABLE[j + LN_J0] + 2 * s * (1 + s2 * (1 / 3 + s2 * 0.2))); // atanh to s⁵: < 1e-18
}

/** The block's two normals by the fast path → pair (within ~1e-15 relative of the series'). Exported for noise.test.ts. */
export function boxMullerFast(u0: number, u1: number, pair: Float64Array): void {
  const r = Math.sqrt(-2 * lnFast(1 - u0));
  // cos/sin(2π·J/1024 + d), |d| ≤ π/1024: the table's value rotated by d (Taylor to d⁶: < 1e-18)
  const t = u1 * TURN_GRID; // exact
  const j = Math.floor(t + 0.5) | 0;
  const d = (t - j) * TURN_STEP; // t − j is exact
  const d2 = d * d;
  const sd = d * (1 - d2 * (1 / 6 - d2 * (1 / 120)));
  const cd = 1 - d2 * (0.5 - d2 * (1 / 24 - d2 * (1 / 720)));
  pair[0] = r * (COS_TABLE[j] * cd - SIN_TABLE[j] * sd);
  pair[1] = r * (SIN_TABLE[j] * cd + COS_TABLE[j] * sd);
}

/** Relative margin: far above the fast path's error (~1e-15), far below float32's spacing (6e-8). */
const MARGIN = 2 ** -36;

const UP = 1 + MARGIN;
const DOWN = 1 - MARGIN;

export interface NoiseGenerator {
  readonly seed: number;
  readonly stream: number;
  /** One N(0, 1) number. */
  normal(): number;
  /** One U[0, 1) number (53-bit double). */
  uniform(): number;
  /** `n` N(0, 1) numbers as float32 (latents, scheduler step noise). */
  normalArray(n: number): Float32Array;
  /** `n` U[0, 1) numbers as float32. */
  uniformArray(n: number): Float32Array;
  /** The next `n` normals as float32 into out[offset …] (no allocation; the per-step noise). */
  fillNormals(out: Float32Array, offset?: number, n?: number): void;
}

/**
 * A sequential generator. Normals are drawn from Philox stream `stream`, uniforms from stream
 * `stream + 2³¹`, each with its own block counter, so interleaving normal() and uniform()
 * calls never changes either sequence. normal() number i equals normalAt(seed, i, stream);
 * the float32 draws equal Math.fround of the same numbers.
 */
export function createNoiseGenerator(seed: number, stream = 0): NoiseGenerator {
  const key = seedKey(seed);
  if (!Number.isInteger(stream) || stream < 0 || stream >= 0x80000000) {
    throw new RangeError(`A noise stream must be a whole number from 0 to 2³¹ − 1 (got ${stream}).`);
  }
  const uStream = (stream | 0x80000000) >>> 0;
  const rk = roundKeys(key);
  const words = new Uint32Array(4);
  const pair = new Float64Array(2);
  let nBlock = 0;
  let nBuf: [number, number] = [0, 0];
  let nPos = 2;
  let uBlock = 0;
  const uBuf: [number, number] = [0, 0];
  let uPos = 2;
  const normal = (): number => {
    if (nPos === 2) {
      block(key, nBlock++, stream, words);
      nBuf = boxMuller(toUniform(words[0], words[1]), toUniform(words[2], words[3]));
      nPos = 0;
    }
    return nBuf[nPos++];
  };
  const uniform = (): number => {
    if (uPos >= 2) {
      block(key, uBlock++, uStream, words);
      uBuf[0] = toUniform(words[0], words[1]);
      uBuf[1] = toUniform(words[2], words[3]);
      uPos = 0;
    }
    return uBuf[uPos++];
  };
  const fillNormals = (out: Float32Array, offset = 0, n = out.length - offset): void => {
    let i = offset;
    const end = offset + n;
    if (i < end && nPos === 1) out[i++] = normal();
    for (let whole = (end - i) >> 1; whole > 0; ) {
      const lo = nBlock % TWO_POW_32;
      const count = Math.min(whole, BATCH, TWO_POW_32 - lo);
      const w = philoxWords(key, rk, lo, Math.floor(nBlock / TWO_POW_32), stream, count);
      for (let b = 0; b < count; b++, i += 2) {
        const at = (b >> 2) * 16 + (b & 3);
        const u0 = toUniform(w[at], w[at + 4]);
        const u1 = toUniform(w[at + 8], w[at + 12]);
        boxMullerFast(u0, u1, pair);
        // both ends of z·(1 ± MARGIN) round to the same float32 ⇒ so does every value between,
        // the series' value included
        const a0 = Math.fround(pair[0] * UP);
        const a1 = Math.fround(pair[1] * UP);
        if (a0 === Math.fround(pair[0] * DOWN) && a1 === Math.fround(pair[1] * DOWN)) {
          out[i] = a0;
          out[i + 1] = a1;
        } else {
          const z = boxMuller(u0, u1); // near a float32 boundary: the series decides
          out[i] = z[0];
          out[i + 1] = z[1];
        }
      }
      nBlock += count;
      whole -= count;
    }
    if (i < end) out[i] = normal(); // an odd count: the block's second normal waits in nBuf
  };
  const fillUniforms = (out: Float32Array): void => {
    let i = 0;
    if (i < out.length && uPos === 1) out[i++] = uniform();
    for (let whole = (out.length - i) >> 1; whole > 0; ) {
      const lo = uBlock % TWO_POW_32;
      const count = Math.min(whole, BATCH, TWO_POW_32 - lo);
      const w = philoxWords(key, rk, lo, Math.floor(uBlock / TWO_POW_32), uStream, count);
      for (let b = 0; b < count; b++, i += 2) {
        const at = (b >> 2) * 16 + (b & 3);
        out[i] = toUniform(w[at], w[at + 4]);
        out[i + 1] = toUniform(w[at + 8], w[at + 12]);
      }
      uBlock += count;
      whole -= count;
    }
    if (i < out.length) out[i] = uniform();
  };
  return {
    seed,
    stream,
    normal,
    uniform,
    fillNormals,
    normalArray(n: number): Float32Array {
      const out = new Float32Array(n);
      fillNormals(out, 0, n);
      return out;
    },
    uniformArray(n: number): Float32Array {
      const out = new Float32Array(n);
      fillUniforms(out);
      return out;
    },
  };
}

/** `n` N(0, 1) float32 numbers for (seed, stream): normals 0 … n−1 of that stream. */
export function gaussianNoise(seed: number, n: number, stream = 0): Float32Array {
  return createNoiseGenerator(seed, stream).normalArray(n);
}
