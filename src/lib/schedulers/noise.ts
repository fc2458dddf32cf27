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

/** High 32 bits of the 64-bit product of two uint32 (exact: every partial product < 2³²). */
function mulhi32(a: number, b: number): number {
  const aL = a & 0xffff;
  const aH = a >>> 16;
  const bL = b & 0xffff;
  const bH = b >>> 16;
  const ll = aL * bL;
  const lh = aL * bH;
  const hl = aH * bL;
  const hh = aH * bH;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (hh + (lh >>> 16) + (hl >>> 16) + Math.floor(mid / 65536)) >>> 0;
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
const TWO_POW_53 = 2 ** 53;
const TWO_POW_32 = 2 ** 32;

function seedKey(seed: number): [number, number] {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`A noise seed must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER} (got ${seed}).`);
  }
  return [seed % TWO_POW_32, Math.floor(seed / TWO_POW_32)];
}

function toUniform(hi: number, lo: number): number {
  return ((hi >>> 5) * TWO_POW_26 + (lo >>> 6)) / TWO_POW_53;
}

/** The two normals and two uniforms of one Philox block. */
function block(key: [number, number], b: number, stream: number, words: Uint32Array): void {
  philox4x32([b % TWO_POW_32, Math.floor(b / TWO_POW_32), stream >>> 0, 0], key, 10, words);
}

function boxMuller(u0: number, u1: number): [number, number] {
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
}

/**
 * A sequential generator. Normals are drawn from Philox stream `stream`, uniforms from stream
 * `stream + 2³¹`, each with its own block counter, so interleaving normal() and uniform()
 * calls never changes either sequence. normal() number i equals normalAt(seed, i, stream).
 */
export function createNoiseGenerator(seed: number, stream = 0): NoiseGenerator {
  const key = seedKey(seed);
  if (!Number.isInteger(stream) || stream < 0 || stream >= 0x80000000) {
    throw new RangeError(`A noise stream must be a whole number from 0 to 2³¹ − 1 (got ${stream}).`);
  }
  const uStream = (stream | 0x80000000) >>> 0;
  const words = new Uint32Array(4);
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
  return {
    seed,
    stream,
    normal,
    uniform,
    normalArray(n: number): Float32Array {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = normal();
      return out;
    },
    uniformArray(n: number): Float32Array {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = uniform();
      return out;
    },
  };
}

/** `n` N(0, 1) float32 numbers for (seed, stream): normals 0 … n−1 of that stream. */
export function gaussianNoise(seed: number, n: number, stream = 0): Float32Array {
  return createNoiseGenerator(seed, stream).normalArray(n);
}
