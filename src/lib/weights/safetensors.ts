import { WeightFileError } from './errors';

/**
 * Safetensors layout: 8-byte little-endian header length N, N bytes of JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}`, then raw
 * little-endian tensor bytes. Offsets in the JSON are relative to the end of the header.
 */
export type SafeDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export const DTYPE_BYTES: Record<SafeDType, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1,
};

export interface TensorInfo {
  name: string;
  dtype: SafeDType;
  shape: number[];
  /** Absolute byte offsets in the file (header included). */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** Where the tensor bytes start: 8 + header length. */
  dataStart: number;
  tensors: Map<string, TensorInfo>;
  metadata: Record<string, string>;
  /** Smallest file size that holds every tensor. */
  requiredSize: number;
}

/** Largest header we accept; real headers are well under 1 MB (the SD1.5 UNet's is ~90 kB). */
const MAX_HEADER = 100 * 1024 * 1024;

/** Reads the header length from the first 8 bytes; throws a readable error if it cannot be one. */
export function headerLength(first8: Uint8Array, label = 'this file'): number {
  if (first8.byteLength < 8) {
    throw new WeightFileError('truncated', `${label} is ${first8.byteLength} bytes long: too short to be a safetensors file (it needs at least an 8-byte header length).`);
  }
  const view = new DataView(first8.buffer, first8.byteOffset, 8);
  const n = view.getBigUint64(0, true);
  if (n < 2n || n > BigInt(MAX_HEADER)) {
    throw new WeightFileError('not-safetensors', `${label} is not a safetensors file (its first 8 bytes do not give a plausible header length). Pick a .safetensors file; .bin/.ckpt pickles are not read, for safety.`);
  }
  return Number(n);
}

/**
 * Parses the header from a prefix of the file (at least 8 + N bytes). `fileSize`, when known,
 * is checked against the offsets so a truncated download is caught before any tensor is read.
 */
export function parseSafetensorsHeader(prefix: Uint8Array, fileSize?: number, label = 'this file'): SafetensorsHeader {
  const n = headerLength(prefix, label);
  if (prefix.byteLength < 8 + n) {
    throw new WeightFileError('truncated', `${label} ends inside its header (${prefix.byteLength} of ${8 + n} header bytes present): the file is truncated.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(prefix.subarray(8, 8 + n)));
  } catch {
    throw new WeightFileError('not-safetensors', `${label} is not a safetensors file: its header is not valid JSON.`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new WeightFileError('not-safetensors', `${label} is not a safetensors file: its header is not a JSON object.`);
  }
  const dataStart = 8 + n;
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  let requiredSize = dataStart;
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = (raw ?? {}) as Record<string, string>;
      continue;
    }
    const entry = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = entry?.dtype as SafeDType;
    const shape = entry?.shape;
    const offsets = entry?.data_offsets;
    if (!(dtype in DTYPE_BYTES) || !Array.isArray(shape) || !Array.isArray(offsets) || offsets.length !== 2
      || !shape.every((d) => Number.isInteger(d) && d >= 0) || !offsets.every((o) => Number.isInteger(o) && o >= 0)) {
      throw new WeightFileError('not-safetensors', `${label}: the header entry for tensor "${name}" is malformed.`);
    }
    const [b, e] = offsets as [number, number];
    const count = (shape as number[]).reduce((a, d) => a * d, 1);
    if (e - b !== count * DTYPE_BYTES[dtype]) {
      throw new WeightFileError('not-safetensors', `${label}: tensor "${name}" claims ${e - b} bytes but ${dtype}[${shape.join(', ')}] needs ${count * DTYPE_BYTES[dtype]}.`);
    }
    tensors.set(name, { name, dtype, shape: shape as number[], begin: dataStart + b, end: dataStart + e });
    requiredSize = Math.max(requiredSize, dataStart + e);
  }
  if (fileSize !== undefined && fileSize < requiredSize) {
    throw new WeightFileError('truncated', `${label} is truncated: it has ${fileSize} bytes but its tensors need ${requiredSize}. Download it again.`);
  }
  return { dataStart, tensors, metadata, requiredSize };
}

/** IEEE half → float. */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** float → IEEE half, round to nearest even; overflow goes to ±Infinity as in numpy/torch. */
export function floatToHalf(value: number): number {
  f32[0] = value;
  return f32BitsToF16(u32[0]);
}

/** IEEE float32 bit pattern → half bit pattern (the streaming converter works on raw bits). */
export function f32BitsToF16(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    if (rem > midpoint || (rem === midpoint && half & 1)) half++;
    return sign | half;
  }
  let half = sign | (e << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return half;
}

/** Copies a tensor's bytes out of the file buffer as float32 (F32, F16 and BF16 accepted). */
export function readFloat32(file: Uint8Array, info: TensorInfo): Float32Array {
  const count = info.shape.reduce((a, d) => a * d, 1);
  if (file.byteLength < info.end) {
    throw new WeightFileError('truncated', `tensor "${info.name}" lies beyond the end of the data (${file.byteLength} < ${info.end} bytes).`);
  }
  const view = new DataView(file.buffer, file.byteOffset + info.begin, info.end - info.begin);
  const out = new Float32Array(count);
  switch (info.dtype) {
    case 'F32':
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
      break;
    case 'F16':
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      break;
    case 'BF16':
      for (let i = 0; i < count; i++) { u32[0] = view.getUint16(i * 2, true) << 16; out[i] = f32[0]; }
      break;
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
      break;
    default:
      throw new WeightFileError('wrong-dtype', `tensor "${info.name}" has dtype ${info.dtype}; a floating-point tensor was expected.`);
  }
  return out;
}

/** Reads integer tensors (I64 → Number, I32) — token ids and timesteps in the fixtures. */
export function readInts(file: Uint8Array, info: TensorInfo): number[] {
  const count = info.shape.reduce((a, d) => a * d, 1);
  const view = new DataView(file.buffer, file.byteOffset + info.begin, info.end - info.begin);
  const out: number[] = new Array(count);
  if (info.dtype === 'I64') for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(i * 8, true));
  else if (info.dtype === 'I32') for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, true);
  else if (info.dtype === 'U8') for (let i = 0; i < count; i++) out[i] = view.getUint8(i);
  else throw new WeightFileError('wrong-dtype', `tensor "${info.name}" has dtype ${info.dtype}; an integer tensor was expected.`);
  return out;
}

/** A whole safetensors file in memory: its header plus typed reads. Used for small files and tests. */
export interface SafetensorsFile {
  bytes: Uint8Array;
  header: SafetensorsHeader;
  has(name: string): boolean;
  info(name: string): TensorInfo;
  float32(name: string): Float32Array;
  ints(name: string): number[];
}

export function parseSafetensors(bytes: Uint8Array, label = 'this file'): SafetensorsFile {
  const header = parseSafetensorsHeader(bytes, bytes.byteLength, label);
  const info = (name: string) => {
    const i = header.tensors.get(name);
    if (!i) throw new WeightFileError('missing-tensor', `${label} has no tensor named "${name}".`);
    return i;
  };
  return {
    bytes,
    header,
    has: (name) => header.tensors.has(name),
    info,
    float32: (name) => readFloat32(bytes, info(name)),
    ints: (name) => readInts(bytes, info(name)),
  };
}
