// The panel's "use downloaded models": only what the cache holds, nothing fetched.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startHfServer, type HfServer } from '../../../test/e2e/support/hf-server';
import { serverFiles, testManifest } from '../../../test/e2e/support/test-manifest';
import { downloadAll } from '../../../test/e2e/support/download-all';
import { MemoryStore } from '../storage/store';
import { WeightCache } from '../storage/cache';
import { defaultSelection, validateManifest, type Manifest } from '../download/manifest';
import { findCachedModels } from './cachedModels';
import { LCM_LORA_NAME } from './fastPath';

let hf: HfServer;
let m: Manifest;
beforeAll(async () => {
  hf = await startHfServer(serverFiles());
  m = validateManifest(testManifest(hf.hub, hf.cdn));
});
afterAll(() => hf.close());

test('an empty cache gives null; after a download, the cached set (base, adapter, LCM-LoRA) without a request', async () => {
  const cache = new WeightCache(new MemoryStore());
  expect(await findCachedModels(cache, m)).toBeNull();
  const sel = { ...defaultSelection(m, { slowGpu: true }), dtype: 'keep' as const };
  const { run } = await downloadAll(m, sel, cache);
  expect(run.files.filter((f) => f.error)).toEqual([]);
  const before = hf.log.length;
  const found = await findCachedModels(cache, m);
  expect(hf.log.length).toBe(before);
  expect(found).not.toBeNull();
  expect(found!.selection).toMatchObject({ base: sel.base, adapters: sel.adapters, loras: ['lcm'], dtype: 'keep' });
  expect(found!.files.unet && found!.files.vae && found!.files.textEncoder && found!.files.imageEncoder).toBeTruthy();
  expect(found!.adapters.map((a) => a.variant)).toEqual(sel.adapters);
  expect(found!.loras.map((l) => l.name)).toEqual([LCM_LORA_NAME]);
});
