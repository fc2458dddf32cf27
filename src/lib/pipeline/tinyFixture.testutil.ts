// The tiny fixture networks (../shared/fixtures) as a loaded pipeline, for tests and the bench.
// Node only (reads files). Sessions are created once per test file.
import { readFileSync } from 'node:fs';
import type * as Ort from 'onnxruntime-web';
import { loadFixtureFile } from '../../../test/load-fixture';
import { fixture } from '../../../test/fixtures';
import { clipTextConfigFromJson, clipVisionConfigFromJson, unetConfigFromJson, vaeConfigFromJson } from '../models/configs';
import { Weights } from '../weights/weights';
import type { FileBytes } from '../onnx/materialize';
import { buildPipelineGraphs, createPipelineSessions, type GraphOptions, type PipelineConfigs, type PipelineWeights } from './graphs';
import { ortRunners, type PipelineRunners, type PipelineSessions } from './runners';
import type { PipelineModelInfo } from './generate';
import type { ClipPixels, GenerateSettings } from './settings';

const json = (...p: string[]) => JSON.parse(readFileSync(fixture(...p), 'utf8'));

export function tinyWeights(): { weights: PipelineWeights; configs: PipelineConfigs; files: FileBytes } {
  const parts = {
    unet: loadFixtureFile('unet', 'weights.safetensors'),
    vae: loadFixtureFile('vae', 'weights.safetensors'),
    text: loadFixtureFile('clip_text', 'weights.safetensors'),
    vision: loadFixtureFile('clip_vision', 'weights.safetensors'),
    base: loadFixtureFile('unet', 'ip-adapter_sd15.safetensors'),
    plus: loadFixtureFile('unet', 'ip-adapter-plus_sd15.safetensors'),
  };
  const files: FileBytes = new Map(Object.values(parts).map((p) => [p.weightFile.location, p.bytes]));
  const w = (p: { weightFile: ConstructorParameters<typeof Weights>[0][number] }) => new Weights([p.weightFile]);
  return {
    files,
    weights: { unet: w(parts.unet), vae: w(parts.vae), text: w(parts.text), vision: w(parts.vision), adapters: [w(parts.base), w(parts.plus)] },
    configs: {
      unet: unetConfigFromJson(json('unet', 'config.json')),
      vae: vaeConfigFromJson(json('vae', 'config.json')),
      text: clipTextConfigFromJson(json('clip_text', 'config.json')),
      vision: clipVisionConfigFromJson(json('clip_vision', 'config.json')),
    },
  };
}

export const pipelineConfig = () => json('pipeline_sd15', 'pipeline_config.json') as { scheduler_config: Record<string, unknown>; num_inference_steps: number; guidance_scale: number; ip_adapter_scale: number };

export interface TinyPipeline {
  runners: PipelineRunners;
  sessions: PipelineSessions;
  info: PipelineModelInfo;
  /** Prompt ids (fixture rows 0 and 1) and the empty prompt. */
  ids: number[][];
  emptyIds: number[];
  /** clip_vision's two input images (already normalised, 32×32). */
  images: ClipPixels[];
}

export async function tinyPipeline(ort: typeof Ort, opts: GraphOptions = {}): Promise<TinyPipeline> {
  const { weights, configs, files } = tinyWeights();
  const graphs = buildPipelineGraphs(weights, configs, opts);
  const sessions = (await createPipelineSessions(ort, graphs, files))!;
  const textIn = loadFixtureFile('clip_text', 'inputs.safetensors').file;
  const ids = textIn.ints('input_ids');
  const emptyIds = textIn.ints('uncond_input_ids');
  const px = loadFixtureFile('clip_vision', 'inputs.safetensors').file.float32('pixel_values');
  const per = 3 * 32 * 32;
  return {
    runners: ortRunners(ort, sessions),
    sessions,
    info: { unet: configs.unet, vaeScale: 8, scalingFactor: 0.18215, schedulerConfig: pipelineConfig().scheduler_config, emptyPromptIds: emptyIds },
    ids: [ids.slice(0, 77), ids.slice(77, 154)],
    emptyIds,
    images: [0, 1].map((i) => ({ data: px.slice(i * per, (i + 1) * per), size: 32 })),
  };
}

/** The pipeline_sd15 fixture's call as settings (DDIM, 4 steps, CFG 7.5, base adapter at 0.7). */
export function fixtureSettings(t: TinyPipeline): GenerateSettings {
  const inputs = loadFixtureFile('pipeline_sd15', 'inputs.safetensors').file;
  const c = pipelineConfig();
  return {
    prompt: { ids: t.ids[0] }, negativePrompt: { ids: t.emptyIds },
    width: 64, height: 64, steps: c.num_inference_steps, guidance: c.guidance_scale, scheduler: 'ddim', seed: 0,
    initialNoise: inputs.float32('latents'), keepLatents: true,
    adapters: [{ images: [t.images[0]], weight: c.ip_adapter_scale }],
  };
}
