// The LCM-LoRA fast path at the pipeline level: a LoRA in LCM-LoRA's layout (kohya keys with
// diffusers module names and an alpha per module, on the modules diffusers' LCM distillation
// trains) loaded through the worker client with the 'lcm' scheduler, 4 steps, guidance 1, on
// static-shape sessions — an image comes back; merged and side-branch give the same image.
import { describe, expect, test } from 'vitest';
import { relativeError } from '../../../test/ort';
import { makeSafetensors, type TensorSpec } from '../../../test/make-safetensors';
import { loadFixtureFile } from '../../../test/load-fixture';
import { targetModules } from '../lora/keymap';
import { Weights } from '../weights/weights';
import { PipelineClient } from './client';
import { inProcessWorker, tinyFiles, tinyLoadOptions, tinySettings } from './inProcessWorker.testutil';
import type { GenerateSettings } from './settings';

// the module kinds train_lcm_distill_lora_sd_wds.py adapts (src/lib/lora/lora.test.ts checks the full-size key list)
const LCM_TARGETS = ['to_q', 'to_k', 'to_v', 'to_out.0', 'proj_in', 'proj_out', 'ff.net.0.proj', 'ff.net.2', 'conv1', 'conv2',
  'conv_shortcut', 'downsamplers.0.conv', 'upsamplers.0.conv', 'time_emb_proj'];

/** A rank-4 LCM-LoRA-layout file for the tiny UNet (seeded values). */
function tinyLcmLora(): { bytes: Uint8Array; modules: number } {
  const unet = new Weights([loadFixtureFile('unet', 'weights.safetensors').weightFile]);
  const tensors: Record<string, TensorSpec> = {};
  let seed = 7;
  const rnd = (n: number, scale: number) => Float32Array.from({ length: n }, () => { seed = (seed * 16807) % 2147483647; return ((seed / 2147483647) * 2 - 1) * scale; });
  let modules = 0;
  for (const t of targetModules(unet).values()) {
    if (!LCM_TARGETS.some((x) => t.module === x || t.module.endsWith(`.${x}`))) continue;
    const [out, inp, kh = 1, kw = 1] = t.weight.shape;
    const conv = t.kind === 'conv';
    const base = `lora_unet_${t.module.replace(/\./g, '_')}`;
    tensors[`${base}.lora_down.weight`] = { dtype: 'F32', shape: conv ? [4, inp, kh, kw] : [4, inp], data: rnd(4 * inp * kh * kw, 0.3 / Math.sqrt(inp)) };
    tensors[`${base}.lora_up.weight`] = { dtype: 'F32', shape: conv ? [out, 4, 1, 1] : [out, 4], data: rnd(out * 4, 0.3) };
    tensors[`${base}.alpha`] = { dtype: 'F32', shape: [], data: Float32Array.of(4) };
    modules++;
  }
  return { bytes: makeSafetensors(tensors), modules };
}

const lcm = (): GenerateSettings => ({ ...tinySettings(), scheduler: 'lcm', steps: 4, guidance: 1, seed: 11, initialNoise: undefined, keepLatents: false });

describe('LCM-LoRA fast path through the worker', () => {
  test('4 LCM steps with an LCM-LoRA give an image; the LoRA changes it; merged = side branch', async () => {
    const lora = tinyLcmLora();
    const run = async (loraMode?: 'merge' | 'side', withLora = true) => {
      const client = new PipelineClient(inProcessWorker());
      const info = await client.load(
        { ...tinyFiles(), loras: withLora ? [{ file: { name: 'lcm-lora-tiny.safetensors', data: lora.bytes.slice() }, strength: 1 }] : [] },
        tinyLoadOptions({ shape: { width: 64, height: 64 }, loraMode }),
      );
      const steps: number[] = [];
      const r = await client.generate(lcm(), { onProgress: (p) => steps.push(p.step) });
      return { info, steps, r };
    };
    const merged = await run('merge');
    expect(merged.info.loras).toEqual([{ name: 'lcm-lora-tiny.safetensors', unet: lora.modules, textEncoder: 0, notice: null }]);
    expect(lora.modules).toBeGreaterThan(20);
    expect(merged.steps).toEqual([1, 2, 3, 4]);
    expect(merged.r.timesteps).toEqual([999, 759, 499, 259]);
    expect(merged.r.images).toHaveLength(3 * 64 * 64);
    expect(merged.r.images.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(true);
    const plain = await run(undefined, false);
    expect(relativeError(merged.r.images, plain.r.images)).toBeGreaterThan(1e-3);
    const side = await run('side');
    expect(relativeError(side.r.images, merged.r.images)).toBeLessThan(1e-4);
  });
});
