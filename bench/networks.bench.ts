// Networks benchmark (issue 3). Prints, never asserts:
//  1. real-size graphs built from the real key layouts (structure + external data, no weights):
//     build and serialise time, model bytes, node count, and the process's memory growth;
//  2. the tiny fixture networks on onnxruntime-web wasm in Node: median inference time, and the
//     node count before and after onnxruntime's graph optimisations (from its verbose log).
import { test } from 'vitest';
import { readFileSync, writeFileSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { externalDataFor } from '../src/lib/onnx/materialize';
import os from 'node:os';
import * as ort from 'onnxruntime-web';
import type { Graph } from '../src/lib/onnx/graph';
import { createSession } from '../src/lib/onnx/session';
import { Weights } from '../src/lib/weights/weights';
import { buildUnet, type UnetConfig } from '../src/lib/models/unet';
import { buildVaeDecoder, buildVaeEncoder } from '../src/lib/models/vae';
import { buildClipTextEncoder } from '../src/lib/models/clipText';
import { buildClipVisionEncoder } from '../src/lib/models/clipVision';
import { buildImageProj, imageProjConfigFromWeights } from '../src/lib/models/imageProj';
import { clipTextConfigFromJson, clipVisionConfigFromJson } from '../src/lib/models/configs';
import { unetTimeProj } from '../src/lib/models/timestep';
import { layoutWeightFile } from '../test/layout-weights';
import { loadFixtureFile } from '../test/load-fixture';
import { fixture } from '../test/fixtures';

ort.env.wasm.numThreads = 1;
const layout = JSON.parse(readFileSync(fixture('sd15_fullsize_layout.json'), 'utf8'));
const MB = (b: number) => (b / 2 ** 20).toFixed(1);

function measure(name: string, build: () => Graph) {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  const t0 = performance.now();
  const g = build();
  const built = performance.now();
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const bytes = g.toBytes();
  const t1 = performance.now();
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const after = process.memoryUsage();
  console.log(
    `${name.padEnd(34)} build ${(built - t0).toFixed(0).padStart(5)} ms  serialise ${(t1 - built).toFixed(0).padStart(4)} ms  `
    + `model ${MB(bytes.byteLength).padStart(5)} MiB  nodes ${String(g.nodes.length).padStart(5)}  initializers ${String(g.initializers.length).padStart(4)}  `
    + `heap +${MB(after.heapUsed - before.heapUsed)} MiB  rss ${MB(peakRss)} MiB (+${MB(peakRss - before.rss)})`,
  );
}

test('real-size graphs: build time and memory (structure with external data)', () => {
  console.log(`\nReal-size SD1.5 graphs on ${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}`);
  const unet = new Weights([layoutWeightFile('unet.fp16.safetensors', layout.unet.state_dict, 'F16')]);
  const unet32 = new Weights([layoutWeightFile('unet.safetensors', layout.unet.state_dict, 'F32')]);
  const base = new Weights([layoutWeightFile('ip-adapter_sd15.safetensors', layout['ip-adapter_sd15.safetensors'], 'F32')]);
  const plus = new Weights([layoutWeightFile('ip-adapter-plus_sd15.safetensors', layout['ip-adapter-plus_sd15.safetensors'], 'F32')]);
  const cfg = layout.unet.config as UnetConfig;
  for (let i = 0; i < 2; i++) {
    // first round warms the JIT; the second is the figure to read
    console.log(i === 0 ? '(warm-up)' : '(measured)');
    measure('UNet fp16 + base adapter', () => buildUnet(cfg, unet, { floatType: 'float16', adapters: [{ weights: base }] }));
    measure('UNet fp16, plain', () => buildUnet(cfg, unet, { floatType: 'float16' }));
    measure('UNet fp32 + plus adapter + mask', () => buildUnet(cfg, unet32, { adapters: [{ weights: plus, mask: true }] }));
    measure('text encoder fp16', () => buildClipTextEncoder(clipTextConfigFromJson(layout.text_encoder.config), new Weights([layoutWeightFile('te.safetensors', layout.text_encoder.state_dict, 'F16')]), { floatType: 'float16' }));
    measure('ViT-H/14 fp16 (from fp32 file)', () => buildClipVisionEncoder(clipVisionConfigFromJson(layout.ip_image_encoder.config), new Weights([layoutWeightFile('image_encoder.safetensors', layout.ip_image_encoder.state_dict, 'F32')]), { floatType: 'float16', outputs: ['image_embeds', 'penultimate_hidden_states'] }));
    const vae = new Weights([layoutWeightFile('vae.fp16.safetensors', layout.vae.state_dict, 'F16')]);
    measure('VAE decoder fp16', () => buildVaeDecoder(layout.vae.config, vae, { floatType: 'float16' }));
    measure('VAE encoder fp16', () => buildVaeEncoder(layout.vae.config, vae, { floatType: 'float16' }));
  }
});

/**
 * Node count after onnxruntime's optimisations, read from its verbose session log. The wasm
 * module binds console at load time, so the session is created in a child process whose
 * output is parsed.
 */
function optimisedNodeCount(graph: Graph, files: Map<string, Uint8Array>): string {
  mkdirSync(join(process.cwd(), '.cache'), { recursive: true });
  const dir = mkdtempSync(join(process.cwd(), '.cache', 'bench-'));
  try {
    writeFileSync(join(dir, 'model.onnx'), graph.toBytes());
    const ext = externalDataFor(graph, files);
    ext.forEach((e, i) => writeFileSync(join(dir, `ext${i}.bin`), e.data));
    writeFileSync(join(dir, 'external.json'), JSON.stringify(ext.map((e, i) => ({ path: e.path, file: `ext${i}.bin` }))));
    const env = { ...process.env };
    delete env.NODE_OPTIONS; // the test runner's loader hooks must not follow into the child
    const child = spawnSync(process.execPath, [join(process.cwd(), 'bench', 'ort-node-count.mjs'), dir], { cwd: process.cwd(), env, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
    const log = `${child.stdout}\n${child.stderr}`;
    const counts = [...log.matchAll(/Number of nodes: (\d+)/g)].map((m) => m[1]);
    return counts.at(-1) ?? `n/a (${log.split('\n').find((l) => /Error/.test(l))?.slice(0, 120) ?? 'no placement line'})`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('tiny fixture networks on wasm: inference time and node counts', async () => {
  console.log(`\nTiny networks, onnxruntime-web ${ort.env.versions.web} wasm, 1 thread`);
  const unetCfg = JSON.parse(readFileSync(fixture('unet', 'config.json'), 'utf8')) as UnetConfig;
  const u = loadFixtureFile('unet', 'weights.safetensors');
  const b = loadFixtureFile('unet', 'ip-adapter_sd15.safetensors');
  const ui = loadFixtureFile('unet', 'inputs.safetensors').file;
  const uo = loadFixtureFile('unet', 'outputs.safetensors').file;
  const t = ui.ints('timestep')[0];
  const unetFeeds = (withIp: boolean) => {
    const f: Record<string, ort.Tensor> = {
      sample: new ort.Tensor('float32', ui.float32('sample'), [2, 4, 8, 8]),
      time_proj: new ort.Tensor('float32', unetTimeProj([t, t], unetCfg), [2, unetCfg.block_out_channels[0]]),
      encoder_hidden_states: new ort.Tensor('float32', ui.float32('encoder_hidden_states'), [2, 77, 32]),
    };
    if (withIp) {
      f.ip_tokens_0 = new ort.Tensor('float32', uo.float32('ip_tokens_base'), [2, 4, 32]);
      f.ip_scale_0 = new ort.Tensor('float32', new Float32Array(6).fill(1), [6]);
    }
    return f;
  };
  const text = loadFixtureFile('clip_text', 'weights.safetensors');
  const textIn = loadFixtureFile('clip_text', 'inputs.safetensors').file;
  const vis = loadFixtureFile('clip_vision', 'weights.safetensors');
  const visIn = loadFixtureFile('clip_vision', 'inputs.safetensors').file;
  const vae = loadFixtureFile('vae', 'weights.safetensors');
  const vaeIn = loadFixtureFile('vae', 'inputs.safetensors').file;
  const projIn = loadFixtureFile('ip_image_proj', 'inputs.safetensors').file;
  const plus = loadFixtureFile('unet', 'ip-adapter-plus_sd15.safetensors');
  const files = (...fs: ReturnType<typeof loadFixtureFile>[]) => new Map(fs.map((f) => [f.weightFile.location, f.bytes]));
  const cases: { name: string; graph: Graph; files: Map<string, Uint8Array>; feeds: Record<string, ort.Tensor> }[] = [
    { name: 'UNet, plain', graph: buildUnet(unetCfg, new Weights([u.weightFile])), files: files(u), feeds: unetFeeds(false) },
    { name: 'UNet + base adapter', graph: buildUnet(unetCfg, new Weights([u.weightFile]), { adapters: [{ weights: new Weights([b.weightFile]) }] }), files: files(u, b), feeds: unetFeeds(true) },
    { name: 'CLIP text encoder', graph: buildClipTextEncoder(clipTextConfigFromJson(JSON.parse(readFileSync(fixture('clip_text', 'config.json'), 'utf8'))), new Weights([text.weightFile])), files: files(text), feeds: { input_ids: new ort.Tensor('int64', BigInt64Array.from(textIn.ints('input_ids'), BigInt), textIn.info('input_ids').shape) } },
    { name: 'CLIP vision encoder', graph: buildClipVisionEncoder(clipVisionConfigFromJson(JSON.parse(readFileSync(fixture('clip_vision', 'config.json'), 'utf8'))), new Weights([vis.weightFile])), files: files(vis), feeds: { pixel_values: new ort.Tensor('float32', visIn.float32('pixel_values'), visIn.info('pixel_values').shape) } },
    { name: 'Resampler (plus)', graph: buildImageProj(imageProjConfigFromWeights(new Weights([plus.weightFile]).under('image_proj.')), new Weights([plus.weightFile])), files: files(plus), feeds: { image_hidden_states: new ort.Tensor('float32', projIn.float32('image_hidden_states'), projIn.info('image_hidden_states').shape) } },
    { name: 'VAE decoder', graph: buildVaeDecoder(JSON.parse(readFileSync(fixture('vae', 'config.json'), 'utf8')), new Weights([vae.weightFile])), files: files(vae), feeds: { latents: new ort.Tensor('float32', vaeIn.float32('latents'), [1, 4, 8, 8]) } },
  ];
  console.log('network'.padEnd(24), 'nodes built', ' after ORT opt', '  median run (ms, 20 runs)');
  for (const c of cases) {
    const optimised = optimisedNodeCount(c.graph, c.files);
    const session = await createSession(ort, c.graph, c.files);
    const times: number[] = [];
    for (let i = 0; i < 22; i++) {
      const t0 = performance.now();
      await session.run(c.feeds);
      if (i >= 2) times.push(performance.now() - t0);
    }
    times.sort((a, b2) => a - b2);
    await session.release();
    console.log(c.name.padEnd(24), String(c.graph.nodes.length).padStart(11), String(optimised).padStart(14), times[times.length >> 1].toFixed(2).padStart(12));
  }
});
