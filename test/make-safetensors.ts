// Writes a safetensors file in memory, for tests that need weight files of a chosen shape.
export interface TensorSpec {
  dtype: 'F32' | 'F16' | 'I64';
  shape: number[];
  data: Float32Array | Uint16Array | BigInt64Array;
}

/** `pad` extra spaces in the header shift the data to an unaligned offset, as real files may. */
export function makeSafetensors(tensors: Record<string, TensorSpec>, pad = 0, metadata: Record<string, string> = { format: 'pt' }): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const chunks: Uint8Array[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes.byteLength] };
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(pad));
  const out = new Uint8Array(8 + json.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  let at = 8 + json.byteLength;
  for (const c of chunks) { out.set(c, at); at += c.byteLength; }
  return out;
}
