// A WeightFile with a real layout's names and shapes but no bytes: for structural builds at full size.
import type { SafeDType } from '../src/lib/weights/safetensors';
import type { WeightFile } from '../src/lib/weights/weights';
import { headerOnlyFile } from '../src/lib/models/graphInfo';

export function layoutWeightFile(location: string, layout: Record<string, number[]>, dtype: SafeDType = 'F16'): WeightFile {
  return headerOnlyFile(location, layout, dtype, `${location} (layout only)`);
}
