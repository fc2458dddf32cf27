// The generation worker in process, for Node tests: the host with onnxruntime-web on wasm behind a
// WorkerLike that structured-clones every message both ways, as a real worker would.
import { readFileSync } from 'node:fs';
import { ort } from '../../../test/ort';
import { fixture } from '../../../test/fixtures';
import { loadFixtureFile } from '../../../test/load-fixture';
import { createPipelineHost, type HostEnv } from './host';
import type { WorkerLike } from './client';
import type { LoadOptions, ModelFiles, Reply } from './protocol';
import { fixtureSettings, pipelineConfig, tinyWeights, type TinyPipeline } from './tinyFixture.testutil';
import type { GenerateSettings } from './settings';

export interface InProcessWorker extends WorkerLike {
  replies: Reply[];
  /** What the host's environment got (tests change device/wrapRunners through it). */
  env: HostEnv;
  /** Fires the worker's error event, as a crashed worker does. */
  crash(message: string): void;
  terminated: boolean;
}

export function inProcessWorker(extra: Partial<HostEnv> = {}): InProcessWorker {
  const replies: Reply[] = [];
  const worker: InProcessWorker = {
    replies,
    terminated: false,
    onmessage: null,
    onerror: null,
    env: undefined as unknown as HostEnv,
    postMessage(m) {
      if (worker.terminated) return;
      const copy = structuredClone(m);
      queueMicrotask(() => void host.handle(copy as never));
    },
    crash(message) { worker.onerror?.({ message }); },
    terminate() { worker.terminated = true; },
  };
  worker.env = {
    ort,
    post: (r) => {
      if (worker.terminated) return;
      replies.push(r);
      const copy = structuredClone(r);
      queueMicrotask(() => worker.onmessage?.({ data: copy }));
    },
    ...extra,
  };
  const host = createPipelineHost(worker.env);
  return worker;
}

const bytes = (...p: string[]) => new Uint8Array(readFileSync(fixture(...p)));

/** The tiny fixture's files, as bytes or (asBlobs) as Blobs — what OPFS gives a page. */
export function tinyFiles(asBlobs = false): ModelFiles {
  const f = (name: string, ...p: string[]) => {
    const b = bytes(...p);
    return { name, data: asBlobs ? new Blob([b]) : b };
  };
  return {
    unet: f('unet.safetensors', 'unet', 'weights.safetensors'),
    vae: f('vae.safetensors', 'vae', 'weights.safetensors'),
    textEncoder: f('text.safetensors', 'clip_text', 'weights.safetensors'),
    imageEncoder: f('image_encoder.safetensors', 'clip_vision', 'weights.safetensors'),
    adapters: [f('ip-adapter_sd15.safetensors', 'unet', 'ip-adapter_sd15.safetensors')],
  };
}

const textIn = loadFixtureFile('clip_text', 'inputs.safetensors').file;

export const tinyLoadOptions = (o: Partial<LoadOptions> = {}): LoadOptions => ({
  provider: 'wasm', configs: tinyWeights().configs, schedulerConfig: pipelineConfig().scheduler_config, emptyPromptIds: textIn.ints('uncond_input_ids'), ...o,
});

const px = loadFixtureFile('clip_vision', 'inputs.safetensors').file.float32('pixel_values');
const tiny = { ids: [textIn.ints('input_ids').slice(0, 77)], emptyIds: textIn.ints('uncond_input_ids'), images: [{ data: px.slice(0, 3072), size: 32 }] } as unknown as TinyPipeline;

/** The pipeline_sd15 fixture's settings (64×64, DDIM 4 steps, CFG 7.5, base adapter). */
export const tinySettings = (): GenerateSettings => fixtureSettings(tiny);
