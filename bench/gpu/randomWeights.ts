/**
 * Real-size weight files with random values, made inside the page: the graphs are built from a
 * layout (tensor name → shape, e.g. ../shared/fixtures/sd15_fullsize_layout.json) exactly as from
 * real files, and the bytes are filled here, so nothing of 3+ GB crosses from Node.
 *
 * Each network's tensors are split over several files ("shards") of at most `shardBytes`, each
 * its own ArrayBuffer: Chrome caps one ArrayBuffer at about 2 GB and the fp16 UNet alone is
 * 1.72 GB. The builder takes several files per network as it is (`new Weights([...shards])`;
 * every initializer names its shard as external-data location), so no builder change is needed.
 *
 * Values are small (uniform, std 0.5/√fan_in; norm scales ≈ 1, biases ≈ 0) so activations stay
 * finite in fp16. Each tensor repeats a random block of 4093 values: only speed is measured.
 */
import { mulberry32 } from '../../src/lib/labs/random';
import { headerOnlyFile } from '../../src/lib/models/graphInfo';
import { floatToHalf } from '../../src/lib/weights/safetensors';
import { Weights, type WeightFile } from '../../src/lib/weights/weights';

export type Layout = Record<string, number[]>;

export interface RandomNetwork {
  weights: Weights;
  files: WeightFile[];
  bytes: Map<string, Uint8Array>;
  totalBytes: number;
}

/** The labs' seeded generator (the values only have to be finite and varied). */
export const rng = mulberry32;

const count = (shape: number[]) => shape.reduce((a, d) => a * d, 1);

/** Splits a layout into consecutive groups of at most `shardBytes` (one tensor never splits). */
export function shardLayout(layout: Layout, bytesPerValue: number, shardBytes: number): Layout[] {
  const shards: Layout[] = [];
  let cur: Layout = {};
  let size = 0;
  for (const [name, shape] of Object.entries(layout)) {
    const b = count(shape) * bytesPerValue;
    if (size > 0 && size + b > shardBytes) { shards.push(cur); cur = {}; size = 0; }
    cur[name] = shape;
    size += b;
  }
  if (size > 0 || shards.length === 0) shards.push(cur);
  return shards;
}

/** A network's random files: `${name}-00.bin`, `${name}-01.bin`, … as external-data locations. */
export function randomNetwork(name: string, layout: Layout, dtype: 'F16' | 'F32', shardBytes: number, seed: number): RandomNetwork {
  const per = dtype === 'F16' ? 2 : 4;
  const random = rng(seed);
  const files: WeightFile[] = [];
  const bytes = new Map<string, Uint8Array>();
  let totalBytes = 0;
  shardLayout(layout, per, shardBytes).forEach((shard, i) => {
    const file = headerOnlyFile(`${name}-${String(i).padStart(2, '0')}.bin`, shard, dtype, `${name} (random, shard ${i})`);
    const data = new Uint8Array(file.header.requiredSize);
    for (const info of file.header.tensors.values()) fillTensor(data, info.begin, info.name, info.shape, dtype, random);
    files.push(file);
    bytes.set(file.location, data);
    totalBytes += data.byteLength;
  });
  return { weights: new Weights(files), files, bytes, totalBytes };
}

function fillTensor(data: Uint8Array, begin: number, name: string, shape: number[], dtype: 'F16' | 'F32', random: () => number): void {
  const n = count(shape);
  if (n === 0) return;
  let center = 0;
  let spread: number;
  if (shape.length <= 1) {
    center = name.endsWith('weight') ? 1 : 0; // LayerNorm/GroupNorm scale ≈ 1, biases ≈ 0
    spread = 0.02;
  } else {
    spread = 0.5 * Math.sqrt(3 / count(shape.slice(1))); // uniform ±a: std = a/√3 = 0.5/√fan_in
  }
  const view = dtype === 'F16'
    ? new Uint16Array(data.buffer, data.byteOffset + begin, n)
    : new Float32Array(data.buffer, data.byteOffset + begin, n);
  const block = Math.min(n, 4093);
  for (let i = 0; i < block; i++) {
    const v = center + (random() * 2 - 1) * spread;
    view[i] = dtype === 'F16' ? floatToHalf(v) : v;
  }
  for (let k = block; k < n; k *= 2) view.copyWithin(k, 0, Math.min(k, n - k));
}
