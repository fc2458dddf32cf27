import * as onnxProto from 'onnx-proto';
import { floatToHalf, type SafeDType, type TensorInfo } from '../weights/safetensors';

// onnx-proto is CommonJS (`module.exports = root`); bundlers and Node expose it differently.
const onnx: typeof onnxProto.onnx = (onnxProto as any).onnx ?? (onnxProto as any).default.onnx;

/**
 * A small ONNX graph builder: ops in, ModelProto bytes out. The networks (src/lib/models/) are
 * written as functions that call it, so each reads like its diagram. Weights are not copied into
 * the model: initializers point into the upstream safetensors bytes as ONNX external data, and
 * only tensors that need a dtype change are materialised (see `conversions`).
 */
export type ElemType = 'float32' | 'float16' | 'int64' | 'int32' | 'bool' | 'uint8';

const ELEM: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  bool: onnx.TensorProto.DataType.BOOL,
  uint8: onnx.TensorProto.DataType.UINT8,
};
const SAFE_TO_ELEM: Partial<Record<SafeDType, ElemType>> = { F32: 'float32', F16: 'float16', I64: 'int64', I32: 'int32', U8: 'uint8', BOOL: 'bool' };

/** A float attribute: plain numbers that are integers become INT attributes. */
export class FloatAttr { constructor(readonly value: number) {} }
export const float = (value: number) => new FloatAttr(value);
export type AttrValue = number | FloatAttr | string | number[] | FloatAttr[];

/** Where an external initializer's bytes are: a file (by location name) and a byte range. */
export interface ExternalRef {
  location: string;
  info: TensorInfo;
}

/** A weight that must be converted (dtype change) before the session is created. */
export interface Conversion {
  name: string;
  source: ExternalRef;
  to: ElemType;
  /** Byte offset in the converted-weights buffer. */
  offset: number;
  length: number;
  /** Transpose a 2D weight while converting ([out, in] → [in, out]). */
  transpose?: boolean;
}

export const CONVERTED_LOCATION = 'converted.bin';

export type Dim = number | string;

export class Graph {
  readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  readonly inputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  readonly outputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  readonly conversions: Conversion[] = [];
  /** Location names of the external files the model refers to. */
  readonly locations = new Set<string>();
  /** The float type of the network's weights and activations. */
  readonly floatType: ElemType;
  private convertedBytes = 0;
  private counter = 0;
  private readonly scopes: string[] = [];
  private readonly initializerNames = new Set<string>();

  constructor(readonly name: string, floatType: 'float32' | 'float16' = 'float32') {
    this.floatType = floatType;
  }

  /** Names nodes after the module they belong to, e.g. `down_blocks.0/attn2/MatMul_12`. */
  scope<T>(name: string, body: () => T): T {
    this.scopes.push(name);
    try { return body(); } finally { this.scopes.pop(); }
  }

  private fresh(hint: string): string {
    return `${this.scopes.join('/')}${this.scopes.length ? '/' : ''}${hint}_${this.counter++}`;
  }

  input(name: string, type: ElemType, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Declares `value` as a graph output under `name` (an Identity node renames it). */
  output(name: string, value: string, type: ElemType = this.floatType, dims?: Dim[]): string {
    this.nodes.push(onnx.NodeProto.create({ opType: 'Identity', input: [value], output: [name], name: `output/${name}` }));
    this.outputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** One node with one output; returns the output's name. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, domain = ''): string {
    return this.opN(opType, inputs, 1, attrs, domain)[0];
  }

  /** One node with `outputs` outputs. An empty string in `inputs` marks an omitted optional input. */
  opN(opType: string, inputs: string[], outputs: number, attrs: Record<string, AttrValue> = {}, domain = ''): string[] {
    const nodeName = this.fresh(opType);
    const out = Array.from({ length: outputs }, (_, i) => (outputs === 1 ? nodeName : `${nodeName}:${i}`));
    this.nodes.push(onnx.NodeProto.create({
      opType, domain, name: nodeName, input: inputs, output: out,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    }));
    return out;
  }

  /** An inline constant (small tensors: shapes, scalars, masks). */
  constant(values: ArrayLike<number> | bigint[], dims: number[], type: ElemType = this.floatType, hint = 'const'): string {
    const name = this.fresh(hint);
    this.initializers.push(tensorProto(name, type, dims, encode(values, type)));
    this.initializerNames.add(name);
    return name;
  }

  scalar(value: number, type: ElemType = this.floatType): string {
    return this.constant([value], [], type, 'scalar');
  }

  ints(values: number[]): string {
    return this.constant(values.map((v) => BigInt(v)), [values.length], 'int64', 'ints');
  }

  /**
   * A weight from an upstream file. Kept as external data pointing into the file when its dtype
   * is the graph's float type; otherwise queued for conversion into `converted.bin`.
   * `name` is the initializer's name (stable, so tests and logs can refer to it).
   */
  weight(name: string, ref: ExternalRef, shape = ref.info.shape, transpose = false): string {
    if (this.initializerNames.has(name)) return name;
    const fileType = SAFE_TO_ELEM[ref.info.dtype];
    const count = shape.reduce((a, d) => a * d, 1);
    if (count !== ref.info.shape.reduce((a, d) => a * d, 1)) {
      throw new Error(`graph ${this.name}: cannot view ${ref.info.name} [${ref.info.shape}] as [${shape}]`);
    }
    const target = fileType === 'int64' || fileType === 'int32' ? fileType : this.floatType;
    if (fileType === target) {
      this.locations.add(ref.location);
      this.initializers.push(externalTensor(name, target, shape, ref.location, ref.info.begin, ref.info.end - ref.info.begin));
    } else {
      const length = count * (target === 'float16' ? 2 : 4);
      const offset = this.convertedBytes;
      this.convertedBytes += length + ((4 - (length % 4)) % 4);
      this.conversions.push({ name, source: ref, to: target, offset, length, transpose });
      this.locations.add(CONVERTED_LOCATION);
      this.initializers.push(externalTensor(name, target, shape, CONVERTED_LOCATION, offset, length));
    }
    this.initializerNames.add(name);
    return name;
  }

  /**
   * A 2D weight [out, in] as [in, out], ready for MatMul. When the weight is converted anyway
   * (fp32 file → fp16 graph) the transpose happens during conversion; otherwise a Transpose
   * node on the initializer, which onnxruntime folds at session creation.
   */
  weightT(name: string, ref: ExternalRef): string {
    const [o, i] = ref.info.shape;
    if (ref.info.shape.length !== 2) throw new Error(`weightT: ${ref.info.name} is not 2D`);
    const converts = SAFE_TO_ELEM[ref.info.dtype] !== this.floatType;
    if (converts) return this.weight(`${name}^T`, ref, [i, o], true);
    return this.op('Transpose', [this.weight(name, ref)], { perm: [1, 0] });
  }

  /** Total bytes of `converted.bin`. */
  get convertedSize(): number {
    return this.convertedBytes;
  }

  /** Serialises the model. Opset 20 (default domain) and com.microsoft 1 for contrib ops. */
  toBytes(opset = 20): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 9,
      producerName: 'ip-adapter-course',
      opsetImport: [
        onnx.OperatorSetIdProto.create({ domain: '', version: opset }),
        onnx.OperatorSetIdProto.create({ domain: 'com.microsoft', version: 1 }),
      ],
      graph: onnx.GraphProto.create({
        name: this.name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs,
      }),
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, type: ElemType, dims?: Dim[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: ELEM[type],
        shape: dims ? onnx.TensorShapeProto.create({
          dim: dims.map((d) => (typeof d === 'number'
            ? onnx.TensorShapeProto.Dimension.create({ dimValue: d })
            : onnx.TensorShapeProto.Dimension.create({ dimParam: d }))),
        }) : undefined,
      }),
    }),
  });
}

function attribute(name: string, v: AttrValue) {
  const T = onnx.AttributeProto.AttributeType;
  if (v instanceof FloatAttr) return onnx.AttributeProto.create({ name, type: T.FLOAT, f: v.value });
  if (typeof v === 'string') return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(v) });
  if (typeof v === 'number') {
    return Number.isInteger(v)
      ? onnx.AttributeProto.create({ name, type: T.INT, i: v })
      : onnx.AttributeProto.create({ name, type: T.FLOAT, f: v });
  }
  if (v.length > 0 && v[0] instanceof FloatAttr) {
    return onnx.AttributeProto.create({ name, type: T.FLOATS, floats: (v as FloatAttr[]).map((x) => x.value) });
  }
  return onnx.AttributeProto.create({ name, type: T.INTS, ints: v as number[] });
}

function tensorProto(name: string, type: ElemType, dims: number[], rawData: Uint8Array) {
  return onnx.TensorProto.create({ name, dataType: ELEM[type], dims, rawData });
}

function externalTensor(name: string, type: ElemType, dims: number[], location: string, offset: number, length: number) {
  return onnx.TensorProto.create({
    name, dataType: ELEM[type], dims,
    dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [
      onnx.StringStringEntryProto.create({ key: 'location', value: location }),
      onnx.StringStringEntryProto.create({ key: 'offset', value: String(offset) }),
      onnx.StringStringEntryProto.create({ key: 'length', value: String(length) }),
    ],
  });
}

/** Little-endian raw bytes of a small constant. */
export function encode(values: ArrayLike<number> | bigint[], type: ElemType): Uint8Array {
  const n = values.length;
  switch (type) {
    case 'float32': return new Uint8Array(Float32Array.from(values as ArrayLike<number>).buffer);
    case 'float16': return new Uint8Array(Uint16Array.from(values as ArrayLike<number>, floatToHalf).buffer);
    case 'int64': {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = BigInt((values as ArrayLike<number | bigint>)[i]);
      return new Uint8Array(out.buffer);
    }
    case 'int32': return new Uint8Array(Int32Array.from(values as ArrayLike<number>).buffer);
    case 'bool':
    case 'uint8': return Uint8Array.from(values as ArrayLike<number>);
  }
}
