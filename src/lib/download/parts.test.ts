// The manifest's parts against the graph builders: for every graph, the tensors it reads
// (usedTensors) are exactly the tensors of the parts that name it — nothing missing, nothing
// downloaded for nothing. Checked on the tiny fixtures with the test manifest's parts, which
// use the same prefixes as models/manifest.json (the tiny ViT's last layer is 1, not 31).
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadFixtureFile } from '../../../test/load-fixture';
import { fixture } from '../../../test/fixtures';
import { testManifest } from '../../../test/e2e/support/test-manifest';
import { Weights } from '../weights/weights';
import { clipTextConfigFromJson, clipVisionConfigFromJson, type UnetConfig, type VaeConfig } from '../models/configs';
import { buildPipelineGraphs } from '../pipeline/graphs';
import { usedTensors } from '../models/graphWeights';
import type { Graph } from '../onnx/graph';
import { inPart } from './plan';
import { validateManifest, type GraphId } from './manifest';

const json = (...p: string[]) => JSON.parse(readFileSync(fixture(...p), 'utf8'));
const m = validateManifest(testManifest('http://127.0.0.1:1', 'http://127.0.0.1:2'));
const files = {
  unet: loadFixtureFile('unet', 'weights.safetensors'),
  text: loadFixtureFile('clip_text', 'weights.safetensors'),
  vae: loadFixtureFile('vae', 'weights.safetensors'),
  vit: loadFixtureFile('clip_vision', 'weights.safetensors'),
  base: loadFixtureFile('unet', 'ip-adapter_sd15.safetensors'),
  plus: loadFixtureFile('unet', 'ip-adapter-plus_sd15.safetensors'),
};
const configs = {
  unet: json('unet', 'config.json') as UnetConfig,
  vae: json('vae', 'config.json') as VaeConfig,
  text: clipTextConfigFromJson(json('clip_text', 'config.json')),
  vision: clipVisionConfigFromJson(json('clip_vision', 'config.json')),
};

const used = (g: Graph, f: { weightFile: { location: string } }) =>
  usedTensors(g, Object.values(files).map((x) => x.weightFile)).filter((u) => u.location === f.weightFile.location).map((u) => u.info.name).sort();
const selected = (fileId: string, graph: GraphId, f: { file: { header: { tensors: Map<string, unknown> } } }) => {
  const parts = m.files.find((x) => x.id === fileId)!.parts.filter((p) => p.graphs.includes(graph));
  return [...f.file.header.tensors.keys()].filter((n) => parts.some((p) => inPart(n, p))).sort();
};

function graphsFor(adapters: ('base' | 'plus')[]) {
  return buildPipelineGraphs({
    unet: new Weights([files.unet.weightFile]), vae: new Weights([files.vae.weightFile]), text: new Weights([files.text.weightFile]),
    vision: new Weights([files.vit.weightFile]), adapters: adapters.map((a) => new Weights([files[a].weightFile])),
  }, configs, { branchModels: adapters.map((_, i) => i) });
}

describe('manifest parts = the tensors each graph reads', () => {
  test('base model: UNet, text encoder, VAE decoder and encoder', () => {
    const g = graphsFor(['base']);
    expect(used(g.unet.graph, files.unet)).toEqual(selected('ds8-unet', 'unet', files.unet));
    expect(used(g.text!, files.text)).toEqual(selected('ds8-text', 'text_encoder', files.text));
    expect(used(g.vaeDecoder, files.vae)).toEqual(selected('ds8-vae', 'vae_decoder', files.vae));
    expect(used(g.vaeEncoder!, files.vae)).toEqual(selected('ds8-vae', 'vae_encoder', files.vae));
    // decoder and encoder parts split the VAE file between them
    const both = new Set([...selected('ds8-vae', 'vae_decoder', files.vae), ...selected('ds8-vae', 'vae_encoder', files.vae)]);
    expect(both.size).toBe(files.vae.file.header.tensors.size);
  });

  test('adapters: projector part for the projector graph, layers part for the UNet branch', () => {
    for (const [kind, id] of [['base', 'ipa-sd15'], ['plus', 'ipa-plus-sd15']] as const) {
      const g = graphsFor([kind]);
      expect(used(g.projectors[0].graph, files[kind])).toEqual(selected(id, 'projector', files[kind]));
      expect(used(g.unet.graph, files[kind])).toEqual(selected(id, 'unet', files[kind]));
    }
  });

  test('ViT: image_embeds reads trunk + head; penultimate (Plus) reads the trunk only', () => {
    expect(used(graphsFor(['base']).image!.graph, files.vit)).toEqual(selected('vit-h', 'image_encoder/image_embeds', files.vit));
    const plusOnly = used(graphsFor(['plus']).image!.graph, files.vit);
    expect(plusOnly).toEqual(selected('vit-h', 'image_encoder/penultimate', files.vit));
    expect(plusOnly.length).toBeLessThan(files.vit.file.header.tensors.size);
  });
});
