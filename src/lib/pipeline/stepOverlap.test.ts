// The loop's own cost per step is what lies outside the UNet call: a stochastic scheduler's fresh
// noise is drawn while the call is pending (on WebGPU the GPU is busy then), and the timings say
// how long each step waited for the network.
import { afterEach, expect, test, vi } from 'vitest';
import { SD15_UNET } from '../models/configs';
import { generate } from './generate';
import { fakeRunners } from './fakeRunners.testutil';
import { StepNoise } from './noise';
import type { GenerateSettings } from './settings';

const info = { unet: SD15_UNET, vaeScale: 8, scalingFactor: 0.18215 };
const base: GenerateSettings = { prompt: { ids: new Array(77).fill(49407) }, negativePrompt: { ids: new Array(77).fill(7) }, width: 64, height: 64, steps: 3, guidance: 5, scheduler: 'euler_ancestral', seed: 1 };

afterEach(() => vi.restoreAllMocks());

test.each([['euler_ancestral'], ['lcm']])('%s draws each step\'s noise while the UNet call is pending', async (scheduler) => {
  const f = fakeRunners({ config: SD15_UNET, branchModels: [0] });
  let pending = 0;
  const run = f.runners.unet.run;
  f.runners.unet.run = async (feeds) => { pending++; try { return await run(feeds); } finally { pending--; } };
  const seen: number[] = [];
  const next = StepNoise.prototype.next;
  vi.spyOn(StepNoise.prototype, 'next').mockImplementation(function (this: StepNoise) { seen.push(pending); return next.call(this); });
  await generate(f.runners, info, { ...base, scheduler });
  expect(seen).toEqual([1, 1, 1]);
});

test('timings: one UNet wait per step, never longer than its step', async () => {
  const f = fakeRunners({ config: SD15_UNET, branchModels: [0], latencyMs: 5 });
  const r = await generate(f.runners, info, { ...base, steps: 4 });
  expect(r.timings.unetMs).toHaveLength(4);
  r.timings.unetMs.forEach((u, i) => { expect(u).toBeGreaterThan(0); expect(u).toBeLessThanOrEqual(r.timings.stepMs[i]); });
});
