import { describe, expect, test } from 'vitest';
import * as ort from 'onnxruntime-web';
import { Graph } from './graph';
import { externalDataFor } from './materialize';
import { parseSafetensors } from '../weights/safetensors';
import { makeSafetensors } from '../../../test/make-safetensors';

ort.env.wasm.numThreads = 1;

describe('Graph', () => {
  const W = Float32Array.from({ length: 6 }, (_, i) => (i - 2.5) / 3); // [out=3, in=2]
  const b = Float32Array.from([0.1, -0.2, 0.3]);
  const bytes = makeSafetensors({ 'lin.weight': { dtype: 'F32', shape: [3, 2], data: W }, 'lin.bias': { dtype: 'F32', shape: [3], data: b } }, 3);
  const file = parseSafetensors(bytes);

  function linearGraph(floatType: 'float32' | 'float16') {
    const g = new Graph('linear', floatType);
    const x = g.input('x', 'float32', [1, 2]);
    const ref = (key: string) => ({ location: 'w.safetensors', info: file.info(key) });
    const xw = floatType === 'float16' ? g.op('Cast', [x], { to: 10 }) : x;
    const wt = g.op('Transpose', [g.weight('lin.weight', ref('lin.weight'))], { perm: [1, 0] });
    let y = g.op('Add', [g.op('MatMul', [xw, wt]), g.weight('lin.bias', ref('lin.bias'))]);
    if (floatType === 'float16') y = g.op('Cast', [y], { to: 1 });
    g.output('y', y, 'float32', [1, 3]);
    return g;
  }

  test('external data points into the safetensors bytes, even at unaligned offsets', async () => {
    const g = linearGraph('float32');
    expect(g.conversions).toHaveLength(0);
    const session = await ort.InferenceSession.create(g.toBytes(), {
      executionProviders: ['wasm'],
      externalData: externalDataFor(g, new Map([['w.safetensors', bytes]])),
    });
    const { y } = await session.run({ x: new ort.Tensor('float32', Float32Array.from([2, -1]), [1, 2]) });
    const expected = [0, 1, 2].map((o) => W[o * 2] * 2 + W[o * 2 + 1] * -1 + b[o]);
    expect(Array.from(y.data as Float32Array)).toEqual(expected.map((v) => expect.closeTo(v, 6)));
  });

  test('an fp16 graph queues fp32 weights for conversion', () => {
    const g = linearGraph('float16');
    expect(g.conversions.map((c) => c.name)).toEqual(['lin.weight', 'lin.bias']);
    const ext = externalDataFor(g, new Map([['w.safetensors', bytes]]));
    expect(ext.map((e) => e.path)).toEqual(['converted.bin']);
    expect(ext[0].data.byteLength).toBe(g.convertedSize);
    expect(new Uint16Array(ext[0].data.buffer, 0, 1)[0]).toBe(0xbaab); // -2.5/3 ≈ -0.8333 as IEEE half
  });
});
