// `npm run bench -- pipeline`: what the generation loop costs outside the networks, and the tiny
// pipeline's speed on onnxruntime-web wasm in Node. Prints figures; asserts nothing about speed.
import { test } from 'vitest';
import { SD15_UNET } from '../src/lib/models/configs';
import { createScheduler } from '../src/lib/schedulers';
import { SCHEDULER_NAMES } from '../src/lib/schedulers';
import { generate, SD15_SCHEDULER_CONFIG } from '../src/lib/pipeline/generate';
import { applyGuidance } from '../src/lib/pipeline/guidance';
import { latentToRgb } from '../src/lib/pipeline/preview';
import { sampleFeed, timeFeed } from '../src/lib/pipeline/feeds';
import { yieldTask } from '../src/lib/pipeline/yieldTask';
import { StepNoise } from '../src/lib/pipeline/noise';
import { createNoiseGenerator, philoxWords, roundKeys } from '../src/lib/schedulers/noise';
import { fakeRunners } from '../src/lib/pipeline/fakeRunners.testutil';
import { fixtureSettings, tinyPipeline } from '../src/lib/pipeline/tinyFixture.testutil';
import type { GenerateSettings } from '../src/lib/pipeline/settings';
import { ort } from '../test/ort';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);

/** Median time of `fn` over `n` runs after `warm` warm-up runs. */
async function time(fn: () => unknown, n = 200, warm = 20): Promise<number> {
  for (let i = 0; i < warm; i++) await fn();
  const xs: number[] = [];
  for (let i = 0; i < n; i++) { const t = performance.now(); await fn(); xs.push(performance.now() - t); }
  return median(xs);
}

test('pipeline overhead per step outside the networks, 512×512 (64×64 latents), CFG batch of 2', async () => {
  const info = { unet: SD15_UNET, vaeScale: 8, scalingFactor: 0.18215 };
  const px = { data: new Float32Array(3 * 224 * 224).fill(0.1), size: 224 };
  const base: GenerateSettings = {
    prompt: { ids: new Array(77).fill(49407) }, negativePrompt: { ids: new Array(77).fill(49407) },
    width: 512, height: 512, steps: 60, guidance: 7, scheduler: 'euler', seed: 1,
    adapters: [{ images: [px], weight: 0.8, weightType: 'ease in-out', startAt: 0.1, endAt: 0.9 }],
  };
  console.log('\nthe loop\'s own cost per step, median (best of 3 runs\' medians: the machine is shared)');
  console.log('  instant: the stand-in UNet returns at once, so everything is serial (as on wasm, which computes on this thread)');
  console.log('  busy UNet: the stand-in resolves after 8 ms with the thread free (as on WebGPU); figure = step − UNet wait');
  console.log(`  ${'scheduler'.padEnd(16)} ${'preview'.padEnd(7)} ${'instant'.padStart(9)} ${'busy UNet'.padStart(10)}`);
  const best = async (scheduler: string, preview: 'x0' | 'none', latencyMs: number) => {
    const runs: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      const f = fakeRunners({ config: SD15_UNET, branchModels: [0, 0], reuseOutput: true, latencyMs });
      const steps = scheduler === 'lcm' ? 50 : 60;
      const r = await generate(f.runners, info, { ...base, scheduler, steps, preview });
      const own = r.timings.stepMs.map((t, i) => t - (latencyMs ? r.timings.unetMs[i] : 0));
      runs.push(median(own.slice(5)));
    }
    return Math.min(...runs);
  };
  for (const scheduler of SCHEDULER_NAMES) {
    for (const preview of ['x0', 'none'] as const) {
      const instant = await best(scheduler, preview, 0);
      const busy = await best(scheduler, preview, 8);
      console.log(`  ${scheduler.padEnd(16)} ${preview.padEnd(7)} ${fmt(instant).padStart(9)} ${fmt(busy).padStart(10)}`);
    }
  }
  console.log('Euler ancestral and LCM draw 4·64·64 fresh normals per image per step (Philox, below) right after');
  console.log('dispatching the UNet call: with a busy UNet they are off the critical path, with an instant one they add to it.');
  // the parts
  const n = 4 * 64 * 64;
  const a = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
  const b = Float32Array.from({ length: n }, (_, i) => Math.cos(i));
  const out = new Float32Array(n);
  const rgba = new Uint8ClampedArray(64 * 64 * 4);
  const rows = [{ uncond: true, image: 0 }, { uncond: false, image: 0 }];
  const buf = new Float32Array(2 * n);
  const sched = createScheduler('dpmpp_2m', SD15_SCHEDULER_CONFIG);
  sched.setTimesteps(1000);
  let k = 0;
  console.log('parts (median):');
  console.log(`  guidance ε_u + g(ε_c − ε_u)     ${fmt(await time(() => applyGuidance(a, b, 7, out)))}`);
  console.log(`  scheduler step (DPM++ 2M)       ${fmt(await time(() => sched.step(b, sched.timesteps[k], a) && k++, 500))}`);
  console.log(`  preview latent → RGBA 64×64     ${fmt(await time(() => latentToRgb(a, 64, 64, 0, rgba)))}`);
  console.log(`  sample rows [u, c] copy         ${fmt(await time(() => sampleFeed(a, rows, [4, 64, 64], buf)))}`);
  console.log(`  time_proj (2 × 320 sin/cos)     ${fmt(await time(() => timeFeed(500.5, 2, SD15_UNET)))}`);
  console.log(`  yield to the event loop         ${fmt(await time(() => yieldTask()))}`);
  const z = new StepNoise(1, 1, n);
  console.log(`  step noise 4×64×64 (Philox)     ${fmt(await time(() => z.next(), 200, 20))}`);
  const g = createNoiseGenerator(1, 1);
  console.log(`    the same by the series alone   ${fmt(await time(() => { for (let i = 0; i < n; i++) g.normal(); }, 50, 5))}  (the previous path; the fast one gives the same float32 bits)`);
  const key: [number, number] = [1, 0];
  const rk = roundKeys(key);
  console.log(`    Philox words, WebAssembly SIMD ${fmt(await time(() => philoxWords(key, rk, 0, 0, 1, n / 2), 200, 20))}`);
  console.log(`    Philox words, JavaScript       ${fmt(await time(() => philoxWords(key, rk, 0, 0, 1, n / 2, false), 50, 5))}  (where the engine lacks SIMD)`);
});

test('tiny pipeline on onnxruntime-web wasm in Node (64×64 image, CFG batch 2, base adapter)', async () => {
  const t = await tinyPipeline(ort);
  const s = { ...fixtureSettings(t), keepLatents: false, initialNoise: undefined };
  await generate(t.runners, t.info, s); // warm-up
  console.log('');
  const runs: [string, Partial<GenerateSettings>][] = [['with adapter', {}], ['no adapter', { adapters: [] }], ['CFG as two calls', { cfgMode: 'separate' }]];
  for (const [label, extra] of runs) {
    const r = await generate(t.runners, t.info, { ...s, ...extra, steps: 20, scheduler: 'euler' });
    const step = median(r.timings.stepMs);
    console.log(`  ${label.padEnd(17)} ${(1000 / step).toFixed(1)} steps/s (median step ${fmt(step)}); 20 steps + decode ${r.timings.totalMs.toFixed(0)} ms (decode ${r.timings.decodeMs.toFixed(0)} ms)`);
  }
});
