// The GPU bench's random weights (bench/gpu/randomWeights.ts): real layouts split over several
// buffers the builder takes as separate files, values finite and small, and a network built
// from them runs (tiny UNet on wasm, the same bytes the bench page makes).
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import * as ort from 'onnxruntime-web';
import { randomNetwork, shardLayout } from '../../bench/gpu/randomWeights';
import { buildUnet } from '../../src/lib/models/unet';
import { unetConfigFromJson } from '../../src/lib/models/configs';
import { unetTimeProj } from '../../src/lib/models/timestep';
import { createSession } from '../../src/lib/onnx/session';
import { halfToFloat } from '../../src/lib/weights/safetensors';
import { loadFixtureFile } from '../load-fixture';
import { fixture } from '../fixtures';

ort.env.wasm.numThreads = 1;
const layout = JSON.parse(readFileSync(fixture('sd15_fullsize_layout.json'), 'utf8'));

test('the fp16 SD1.5 UNet layout splits into buffers of at most 256 MiB, every tensor kept whole', () => {
  const shards = shardLayout(layout.unet.state_dict, 2, 256 * 2 ** 20);
  const sizes = shards.map((s) => Object.values(s).reduce((a, shape) => a + shape.reduce((x, d) => x * d, 1) * 2, 0));
  expect(shards.length).toBeGreaterThanOrEqual(7); // 1.72 GB / 256 MiB = 6.4
  expect(shards.length).toBeLessThanOrEqual(8);
  expect(Math.max(...sizes)).toBeLessThanOrEqual(256 * 2 ** 20);
  expect(sizes.reduce((a, b) => a + b)).toBe(859_520_964 * 2);
  expect(shards.flatMap((s) => Object.keys(s))).toEqual(Object.keys(layout.unet.state_dict));
});

test('random fp16 weights: finite, small, norm scales near 1', () => {
  const vision = randomNetwork('vision', { 'a.weight': [64, 32], 'ln.weight': [32], 'ln.bias': [32] }, 'F16', 1 << 20, 3);
  const bytes = [...vision.bytes.values()][0];
  const file = vision.files[0];
  const read = (name: string) => {
    const t = file.header.tensors.get(name)!;
    return Array.from(new Uint16Array(bytes.buffer, bytes.byteOffset + t.begin, (t.end - t.begin) / 2), halfToFloat);
  };
  const w = read('a.weight');
  expect(w.every(Number.isFinite)).toBe(true);
  expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(0.5 * Math.sqrt(3 / 32) + 1e-3);
  expect(new Set(w).size).toBeGreaterThan(100);
  expect(read('ln.weight').every((v) => Math.abs(v - 1) <= 0.021)).toBe(true);
  expect(read('ln.bias').every((v) => Math.abs(v) <= 0.021)).toBe(true);
});

test('a tiny UNet built over many random shards runs and gives a finite output', async () => {
  const header = loadFixtureFile('unet', 'weights.safetensors').file.header;
  const shapes = Object.fromEntries([...header.tensors.values()].map((t) => [t.name, t.shape]));
  const net = randomNetwork('unet', shapes, 'F32', 64 * 1024, 1);
  const cfg = unetConfigFromJson(JSON.parse(readFileSync(fixture('unet', 'config.json'), 'utf8')));
  const graph = buildUnet(cfg, net.weights);
  expect(net.files.length).toBeGreaterThan(10);
  expect([...graph.locations].sort()).toEqual(net.files.map((f) => f.location).sort());
  const session = await createSession(ort, graph, net.bytes);
  const D = cfg.cross_attention_dim;
  const out = await session.run({
    sample: new ort.Tensor('float32', new Float32Array(2 * 4 * 8 * 8).fill(0.5), [2, 4, 8, 8]),
    time_proj: new ort.Tensor('float32', unetTimeProj([500, 500], cfg), [2, cfg.block_out_channels[0]]),
    encoder_hidden_states: new ort.Tensor('float32', new Float32Array(2 * 77 * D).fill(0.1), [2, 77, D]),
  });
  const data = out.out_sample.data as Float32Array;
  expect(data.length).toBe(2 * 4 * 8 * 8);
  expect(data.every(Number.isFinite)).toBe(true);
  expect(new Set(data).size).toBeGreaterThan(10);
  await session.release();
});
