/**
 * Streaming conversion: source bytes arrive in arbitrary chunks (whatever the network hands
 * over); the mapper keeps the bytes of the layout's tensors, drops the gaps between them and
 * converts float tensors element by element (fp32 → fp16 for the ViT-H), so no tensor, and no
 * file, is ever held whole. A chunk may end inside an element: `consumable()` says how much of
 * it forms whole elements, and the caller keeps the rest for the next chunk.
 *
 * Typed-array views assume a little-endian machine, as every browser and Node platform is; the
 * safetensors data is little-endian too.
 */
import { f32BitsToF16, halfToFloat } from '../weights/safetensors';
import { elementBytes, type ArtefactLayout, type Conversion, type OutTensor } from './plan';

export { f32BitsToF16 };

let halfTable: Float32Array | undefined;
const halfLut = () => (halfTable ??= Float32Array.from({ length: 65536 }, (_, h) => halfToFloat(h)));

/** A view of `bytes` as `T` elements, copying only when the offset is not aligned. */
function view<T>(bytes: Uint8Array, size: number, make: (b: ArrayBufferLike, o: number, n: number) => T): T {
  const n = bytes.byteLength / size;
  if (bytes.byteOffset % size === 0) return make(bytes.buffer, bytes.byteOffset, n);
  return make(bytes.slice().buffer, 0, n);
}

/** Converts whole elements (bytes.length a multiple of the source element size). */
export function convertBytes(c: Conversion, bytes: Uint8Array): Uint8Array {
  switch (c) {
    case 'copy': return bytes;
    case 'f32-f16': {
      const src = view(bytes, 4, (b, o, n) => new Uint32Array(b, o, n));
      const out = new Uint16Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = f32BitsToF16(src[i]);
      return new Uint8Array(out.buffer);
    }
    case 'f16-f32': {
      const src = view(bytes, 2, (b, o, n) => new Uint16Array(b, o, n));
      const lut = halfLut();
      const out = new Float32Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = lut[src[i]];
      return new Uint8Array(out.buffer);
    }
    case 'bf16-f32': {
      const src = view(bytes, 2, (b, o, n) => new Uint16Array(b, o, n));
      const out = new Uint32Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = src[i] << 16;
      return new Uint8Array(out.buffer);
    }
    case 'bf16-f16': {
      const src = view(bytes, 2, (b, o, n) => new Uint16Array(b, o, n));
      const out = new Uint16Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = f32BitsToF16(src[i] << 16);
      return new Uint8Array(out.buffer);
    }
  }
}

/** Maps source bytes at known offsets to stored bytes, in order. */
export class StreamMapper {
  private ti = 0;
  /** Next source offset to consume. */
  pos: number;
  /** Next stored offset to produce. */
  outPos: number;

  constructor(private readonly layout: ArtefactLayout, start = { src: 0, out: 0 }) {
    this.pos = start.src;
    this.outPos = start.out;
    const t = layout.tensors;
    while (this.ti < t.length && t[this.ti].srcEnd <= this.pos) this.ti++;
    const cur = t[this.ti];
    if (cur && this.pos > cur.srcBegin) {
      const [se, oe] = elementBytes(cur.conversion);
      const rel = this.pos - cur.srcBegin;
      if (rel % se !== 0 || cur.outBegin + (rel / se) * oe !== this.outPos) throw new Error(`resume point ${this.pos} does not match stored offset ${this.outPos} in tensor ${cur.name}`);
    }
  }

  private tensorAt(offset: number, from: number): OutTensor | undefined {
    const t = this.layout.tensors;
    for (let i = from; i < t.length; i++) {
      if (t[i].srcBegin > offset) return undefined;
      if (offset < t[i].srcEnd) return t[i];
    }
    return undefined;
  }

  /** How many of `length` bytes at `at` form whole elements (the rest waits for the next chunk). */
  consumable(at: number, length: number): number {
    const end = at + length;
    const t = this.tensorAt(end, this.ti);
    if (!t || end === t.srcBegin || t.conversion === 'copy') return length;
    const [se] = elementBytes(t.conversion);
    const whole = t.srcBegin + Math.floor((end - t.srcBegin) / se) * se;
    return Math.max(0, whole - at);
  }

  /**
   * Consumes `bytes` found at source offset `at` (at ≥ pos; skipping ahead is allowed only over
   * bytes no tensor needs). Returns the stored pieces; `onTensor` sees each tensor's source bytes.
   */
  map(at: number, bytes: Uint8Array, onTensor?: (part: string, src: Uint8Array) => void): Uint8Array[] {
    const t = this.layout.tensors;
    if (at < this.pos) throw new Error(`bytes at ${at} arrive after ${this.pos} was consumed`);
    if (at > this.pos) {
      const skipped = t.slice(this.ti).find((x) => x.srcEnd > this.pos && x.srcBegin < at && x.srcEnd > x.srcBegin);
      if (skipped) throw new Error(`bytes ${this.pos}..${at} of tensor ${skipped.name} were skipped`);
      this.pos = at;
    }
    const out: Uint8Array[] = [];
    const end = at + bytes.length;
    let p = at;
    while (p < end) {
      while (this.ti < t.length && t[this.ti].srcEnd <= p) this.ti++;
      const cur = t[this.ti];
      if (!cur) { p = end; break; }
      if (p < cur.srcBegin) { p = Math.min(end, cur.srcBegin); continue; }
      const stop = Math.min(end, cur.srcEnd);
      const src = bytes.subarray(p - at, stop - at);
      const [se, oe] = elementBytes(cur.conversion);
      if (src.length % se !== 0) throw new Error(`a partial element of ${cur.name} reached the mapper`);
      onTensor?.(cur.part, src);
      const converted = convertBytes(cur.conversion, src);
      out.push(converted);
      this.outPos += (src.length / se) * oe;
      p = stop;
    }
    this.pos = end;
    return out;
  }
}
