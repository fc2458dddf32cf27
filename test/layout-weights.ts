// A WeightFile with a real layout's names and shapes but no bytes: for structural builds at full size.
import type { SafeDType, TensorInfo } from '../src/lib/weights/safetensors';
import { DTYPE_BYTES } from '../src/lib/weights/safetensors';
import type { WeightFile } from '../src/lib/weights/weights';

export function layoutWeightFile(location: string, layout: Record<string, number[]>, dtype: SafeDType = 'F16'): WeightFile {
  const tensors = new Map<string, TensorInfo>();
  let offset = 8;
  for (const [name, shape] of Object.entries(layout)) {
    const bytes = shape.reduce((a, d) => a * d, 1) * DTYPE_BYTES[dtype];
    tensors.set(name, { name, dtype, shape, begin: offset, end: offset + bytes });
    offset += bytes;
  }
  return { location, label: `${location} (layout only)`, header: { dataStart: 8, tensors, metadata: {}, requiredSize: offset } };
}
