// Download → cache → assembled safetensors → the generation worker's host (wasm): the tiny
// pipeline loads from the downloaded files and reproduces the fixture image. Stored as
// published (fp32) it matches as closely as the fixture files themselves; stored as fp16 it
// stays within fp16 precision.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startHfServer, type HfServer } from '../../../test/e2e/support/hf-server';
import { serverFiles, testManifest } from '../../../test/e2e/support/test-manifest';
import { downloadAll } from '../../../test/e2e/support/download-all';
import { ort, relativeError } from '../../../test/ort';
import { loadFixtureFile } from '../../../test/load-fixture';
import { createPipelineHost } from '../pipeline/host';
import { fixtureSettings, pipelineConfig, tinyWeights, type TinyPipeline } from '../pipeline/tinyFixture.testutil';
import type { Reply } from '../pipeline/protocol';
import { defaultSelection, validateManifest, type Manifest, type StoreDType } from './manifest';
import { modelFiles, pipelineFiles } from './session';

let hf: HfServer;
let m: Manifest;
beforeAll(async () => {
  hf = await startHfServer(serverFiles());
  m = validateManifest(testManifest(hf.hub, hf.cdn));
});
afterAll(() => hf.close());

const textIn = loadFixtureFile('clip_text', 'inputs.safetensors').file;
const px = loadFixtureFile('clip_vision', 'inputs.safetensors').file.float32('pixel_values');
const tiny = { ids: [textIn.ints('input_ids').slice(0, 77)], emptyIds: textIn.ints('uncond_input_ids'), images: [{ data: px.slice(0, 3072), size: 32 }] } as unknown as TinyPipeline;
const want = loadFixtureFile('pipeline_sd15', 'outputs.safetensors').file.float32('image');

async function generateFrom(dtype: StoreDType): Promise<number> {
  const sel = { ...defaultSelection(m), img2img: true, dtype };
  const { cache, run } = await downloadAll(m, sel);
  expect(run.files.filter((f) => f.error)).toEqual([]);
  const files = pipelineFiles(await modelFiles(cache, m, sel));

  const replies: Reply[] = [];
  const host = createPipelineHost({ ort, post: (r) => replies.push(r) });
  await host.handle({
    type: 'load', id: 1, files,
    options: { provider: 'wasm', configs: tinyWeights().configs, schedulerConfig: pipelineConfig().scheduler_config, emptyPromptIds: textIn.ints('uncond_input_ids') },
  });
  const loaded = replies.find((r) => r.type === 'loaded' || r.type === 'error')!;
  expect(loaded).toMatchObject({ type: 'loaded' });
  await host.handle({ type: 'generate', id: 2, settings: fixtureSettings(tiny) });
  const result = replies.find((r) => r.type === 'result' || (r.type === 'error' && r.id === 2)) as Extract<Reply, { type: 'result' }>;
  expect(result.type).toBe('result');
  await host.handle({ type: 'unload', id: 3 });
  return relativeError(result.images, want);
}

test('the downloaded files, stored as published, give the fixture image', async () => {
  expect(await generateFrom('keep')).toBeLessThan(1e-3);
});

test('stored as fp16, the image stays within fp16 precision of the fixture', async () => {
  const err = await generateFrom('F16');
  console.log(`pipeline from fp16-stored weights: max rel err ${err.toExponential(2)}`);
  expect(err).toBeLessThan(1e-2);
});
