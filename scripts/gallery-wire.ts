/**
 * The gallery's WebGPU route talks to a pipeline host inside Chromium through Playwright, which
 * carries JSON: typed arrays (reference pixels in, the image out) travel as base64, and each
 * weight file as a URL the page fetches from the script's local server (multi-GB files never
 * pass through JSON).
 */
const TYPED = { Uint8Array, Float32Array, Int32Array } as const;
type TypedName = keyof typeof TYPED;

const toBase64 = (bytes: Uint8Array): string => {
  if (typeof Buffer !== 'undefined') return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};
const fromBase64 = (b64: string): Uint8Array => {
  if (typeof Buffer !== 'undefined') return new Uint8Array(Buffer.from(b64, 'base64'));
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
};

/** JSON with typed arrays kept (as { __typed, b64 }). */
export function packWire(value: unknown): string {
  return JSON.stringify(value, (_, v) => {
    for (const name of Object.keys(TYPED) as TypedName[]) {
      if (v instanceof TYPED[name]) return { __typed: name, b64: toBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
    }
    return v;
  });
}

export function reviveWire<T>(text: string): T {
  return JSON.parse(text, (_, v) => {
    if (v && typeof v === 'object' && typeof v.__typed === 'string' && v.__typed in TYPED) {
      const bytes = fromBase64(v.b64);
      const Ctor = TYPED[v.__typed as TypedName];
      const copy = bytes.slice(); // aligned, own buffer
      return new Ctor(copy.buffer as ArrayBuffer, 0, copy.byteLength / Ctor.BYTES_PER_ELEMENT);
    }
    return v;
  }) as T;
}

/** A weight file sent as a URL on the script's server: { name, data: { url } }. */
export interface WireFile { name: string; data: { url: string } }
export const isWireFile = (v: unknown): v is WireFile =>
  !!v && typeof v === 'object' && typeof (v as WireFile).name === 'string' && !!(v as WireFile).data && typeof (v as WireFile).data.url === 'string';
