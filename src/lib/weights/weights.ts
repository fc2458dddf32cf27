import { WeightFileError } from './errors';
import type { SafetensorsHeader, TensorInfo } from './safetensors';
import type { ExternalRef } from '../onnx/graph';

/** One weight file as the graph builders see it: its header and the location name its bytes go by. */
export interface WeightFile {
  location: string;
  header: SafetensorsHeader;
  /** Shown in error messages: "dreamshaper_8.safetensors", "h94/IP-Adapter ip-adapter_sd15.safetensors". */
  label: string;
}

/**
 * Named access to the tensors of one or more files, in the upstream key layout the builder
 * asks for. A key map (e.g. LDM single-file → diffusers names) translates on the way.
 * Every miss names the tensor and the file, and every shape mismatch says expected vs found.
 */
export class Weights {
  constructor(
    readonly files: WeightFile[],
    private readonly prefix = '',
    private readonly keyMap?: (key: string) => string | undefined,
  ) {}

  /** A view whose keys are relative to `prefix` (e.g. `text_model.`). */
  under(prefix: string): Weights {
    return new Weights(this.files, this.prefix + prefix, this.keyMap);
  }

  /** A view that asks for `keyMap(key)` in the files instead of `key`. */
  mapped(keyMap: (key: string) => string | undefined): Weights {
    return new Weights(this.files, this.prefix, keyMap);
  }

  private resolve(key: string): { file: WeightFile; info: TensorInfo } | undefined {
    const full = this.prefix + key;
    const stored = this.keyMap ? this.keyMap(full) : full;
    if (stored === undefined) return undefined;
    for (const file of this.files) {
      const info = file.header.tensors.get(stored);
      if (info) return { file, info };
    }
    return undefined;
  }

  has(key: string): boolean {
    return this.resolve(key) !== undefined;
  }

  shape(key: string): number[] {
    return this.ref(key).info.shape;
  }

  /** The external-data reference for `key`, checked against `expected` when given (-1 = any). */
  ref(key: string, expected?: number[]): ExternalRef {
    const hit = this.resolve(key);
    const full = this.prefix + key;
    if (!hit) {
      const where = this.files.map((f) => f.label).join(', ') || 'the given files';
      const stored = this.keyMap?.(full);
      const alias = stored && stored !== full ? ` (stored as "${stored}")` : '';
      throw new WeightFileError('missing-tensor', `The tensor "${full}"${alias} is missing from ${where}. The file may be of another model, or incomplete.`);
    }
    if (expected) {
      const found = hit.info.shape;
      const same = found.length === expected.length && expected.every((d, i) => d === -1 || d === found[i]);
      if (!same) {
        throw new WeightFileError('wrong-shape', `The tensor "${full}" in ${hit.file.label} has shape [${found.join(', ')}], expected [${expected.map((d) => (d === -1 ? '*' : d)).join(', ')}].`);
      }
    }
    return { location: hit.file.location, info: hit.info };
  }

  /** Every key (after the prefix) that the files hold, in the builder's naming when unmapped. */
  keys(): string[] {
    const out: string[] = [];
    for (const f of this.files) for (const k of f.header.tensors.keys()) if (k.startsWith(this.prefix)) out.push(k.slice(this.prefix.length));
    return out;
  }
}
