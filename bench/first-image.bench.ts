// `npm run bench -- first-image`: the live lab's "use downloaded models" path, timed from the
// reader's start (Load) to the first image, with the tiny weights already in the download cache:
// cache → model files (findCachedModels, no request) → the worker's pipeline host (graphs,
// sessions) → generate. In Node on onnxruntime-web's wasm (the browser adds the worker hop and
// the GPU); prints figures, asserts nothing about speed.
import { test } from 'vitest';
import os from 'node:os';
import { startHfServer } from '../test/e2e/support/hf-server';
import { serverFiles, testManifest } from '../test/e2e/support/test-manifest';
import { downloadAll } from '../test/e2e/support/download-all';
import { defaultSelection, validateManifest } from '../src/lib/download/manifest';
import { findCachedModels } from '../src/lib/live/cachedModels';
import { createPipelineHost } from '../src/lib/pipeline/host';
import type { Reply } from '../src/lib/pipeline/protocol';
import { pipelineConfig, tinyWeights } from '../src/lib/pipeline/tinyFixture.testutil';
import { loadFixtureFile } from '../test/load-fixture';
import { ort } from '../test/ort';

test('start → first image with cached tiny weights (use downloaded models, wasm in Node)', async () => {
  const hf = await startHfServer(serverFiles());
  try {
    const m = validateManifest(testManifest(hf.hub, hf.cdn));
    const { cache } = await downloadAll(m, { ...defaultSelection(m), dtype: 'keep' });

    const textIn = loadFixtureFile('clip_text', 'inputs.safetensors').file;
    const ids = Array.from(textIn.ints('input_ids').slice(0, 77));
    const empty = Array.from(textIn.ints('uncond_input_ids'));
    // a picture as the panel sends it: RGB bytes, CLIP-preprocessed by the host
    const reference = { image: { width: 16, height: 12, data: Uint8Array.from({ length: 16 * 12 * 3 }, (_, i) => (i * 37) & 255) } };
    console.log(`\nnode ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}; tiny networks, 64×64, 4 DDIM steps, CFG, base adapter`);
    for (let visit = 1; visit <= 3; visit++) {
      const requests = hf.log.length;
      const t0 = performance.now();
      const found = await findCachedModels(cache, m);
      if (!found) throw new Error('the cache should hold the default selection');
      const tFiles = performance.now();
      let firstPreview = 0;
      const replies: Reply[] = [];
      const host = createPipelineHost({
        ort, post: (r) => { replies.push(r); if (r.type === 'progress' && !firstPreview) firstPreview = performance.now(); },
      });
      await host.handle({
        type: 'load', id: 1, files: found.files,
        options: { provider: 'wasm', floatType: 'float32', configs: tinyWeights().configs, schedulerConfig: pipelineConfig().scheduler_config as never, emptyPromptIds: empty },
      });
      const tLoaded = performance.now();
      await host.handle({
        type: 'generate', id: 2,
        settings: { prompt: { ids }, negativePrompt: { ids: empty }, width: 64, height: 64, steps: 4, guidance: 7, scheduler: 'ddim', seed: 1, adapters: [{ images: [reference], weight: 0.8 }] },
      });
      const tImage = performance.now();
      const result = replies.find((r) => r.type === 'result' || r.type === 'error');
      if (result?.type !== 'result') throw new Error(`no image: ${JSON.stringify(result)}`);
      await host.handle({ type: 'unload', id: 3 });
      console.log(`  visit ${visit}: start → first image ${(tImage - t0).toFixed(0)} ms (files from the cache ${(tFiles - t0).toFixed(0)} ms, graphs + sessions ${(tLoaded - tFiles).toFixed(0)} ms, first preview at ${(firstPreview - t0).toFixed(0)} ms, generate ${(tImage - tLoaded).toFixed(0)} ms); requests to the servers: ${hf.log.length - requests}`);
    }
  } finally {
    await hf.close();
  }
});
