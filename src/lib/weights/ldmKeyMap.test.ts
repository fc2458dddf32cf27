import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  LDM_PREFIX, ldmComponentFile, ldmKeyToDiffusers, ldmStructure, ldmWeights, modernVaeAttentionKey, type LdmComponent,
} from './ldmKeyMap';
import { WeightFileError } from './errors';
import { headerOnlyFile } from '../models/graphInfo';
import { loadFixtureFile } from '../../../test/load-fixture';
import { fixture } from '../../../test/fixtures';

interface KeyMapJson {
  unet: Record<string, string>;
  vae: Record<string, string>;
  text_encoder: Record<string, string>;
  reshape: { vae: Record<string, { ldm_key: string; diffusers_shape: number[]; ldm_shape: number[] }> };
  checkpoint_only_keys: Record<string, string>;
}
const keyMap = JSON.parse(readFileSync(fixture('ldm_single_file', 'key_map.json'), 'utf8')) as KeyMapJson;
const ckpt = loadFixtureFile('ldm_single_file', 'checkpoint.safetensors');
const components: LdmComponent[] = ['unet', 'vae', 'text_encoder'];

describe('single-file (LDM) checkpoint → diffusers names, by rule', () => {
  test('tiny checkpoint: the rule gives key_map.json exactly, for all 584 weights', () => {
    const structure = ldmStructure(ckpt.file.header.tensors.keys());
    expect(structure).toEqual({ layersPerBlock: 2, vaeLevels: 4 });
    const ours: Record<string, Record<string, string>> = { unet: {}, vae: {}, text_encoder: {} };
    const ignored: string[] = [];
    for (const key of ckpt.file.header.tensors.keys()) {
      const hit = ldmKeyToDiffusers(key, structure);
      if (hit) ours[hit[0]][hit[1]] = key;
      else ignored.push(key);
    }
    for (const c of components) expect(ours[c], c).toEqual(keyMap[c]);
    expect(ignored.sort()).toEqual(Object.keys(keyMap.checkpoint_only_keys).sort());
  });

  test('tiny checkpoint: component files carry the diffusers shapes (8 VAE 1×1 convs become linear)', () => {
    const diffusersFiles = { unet: 'unet', vae: 'vae', text_encoder: 'clip_text' } as const;
    for (const c of components) {
      const view = ldmComponentFile(ckpt.weightFile, c);
      const ref = loadFixtureFile(diffusersFiles[c], 'weights.safetensors').file.header.tensors;
      expect(view.header.tensors.size, c).toBe(ref.size);
      for (const [name, info] of ref) {
        const got = view.header.tensors.get(name);
        expect(got?.shape, name).toEqual(info.shape);
        expect(got!.end - got!.begin, name).toBe(info.end - info.begin);
      }
    }
    const vae = ldmComponentFile(ckpt.weightFile, 'vae');
    for (const [name, r] of Object.entries(keyMap.reshape.vae)) {
      expect(vae.header.tensors.get(name)?.shape).toEqual(r.diffusers_shape);
      expect(ckpt.file.header.tensors.get(r.ldm_key)?.shape).toEqual(r.ldm_shape);
    }
  });

  test('tiny checkpoint: the bytes behind each renamed tensor are the diffusers file\'s bytes', () => {
    const vae = loadFixtureFile('vae', 'weights.safetensors');
    const view = ldmComponentFile(ckpt.weightFile, 'vae');
    for (const name of ['decoder.mid_block.attentions.0.to_q.weight', 'decoder.up_blocks.0.resnets.0.conv1.weight', 'encoder.down_blocks.1.resnets.0.conv_shortcut.weight']) {
      const a = view.header.tensors.get(name)!;
      const b = vae.file.info(name);
      expect(Buffer.compare(ckpt.bytes.subarray(a.begin, a.end), vae.bytes.subarray(b.begin, b.end)), name).toBe(0);
    }
  });

  test('SD1.5 full size: all 1130 weights map to the diffusers keys listed in the layout', () => {
    const layout = JSON.parse(readFileSync(fixture('ldm_single_file', 'sd15_fullsize_single_file_layout.json'), 'utf8')) as {
      tensors: { key: string; shape: number[]; component: string; diffusers_key?: string }[];
      optional_tensors: { key: string; shape: number[] }[];
    };
    const keys = [...layout.tensors.map((t) => t.key), ...layout.optional_tensors.map((t) => t.key)];
    const structure = ldmStructure(keys);
    expect(structure).toEqual({ layersPerBlock: 2, vaeLevels: 4 });
    let mapped = 0;
    for (const t of layout.tensors) {
      const hit = ldmKeyToDiffusers(t.key, structure);
      if (t.component === 'schedule_buffer') { expect(hit, t.key).toBeUndefined(); continue; }
      expect(hit, t.key).toEqual([t.component, t.diffusers_key]);
      mapped++;
    }
    expect(mapped).toBe(686 + 248 + 196);
    for (const t of layout.optional_tensors) expect(ldmKeyToDiffusers(t.key, structure), t.key).toBeUndefined();
  });

  test('old text-encoder naming without text_model. is accepted; a missing tensor is named', () => {
    const file = headerOnlyFile('old.safetensors', {
      [`${LDM_PREFIX.text_encoder}embeddings.token_embedding.weight`]: [10, 4],
      [`${LDM_PREFIX.text_encoder}final_layer_norm.weight`]: [4],
    });
    const w = ldmWeights(file, 'text_encoder');
    expect(w.shape('text_model.embeddings.token_embedding.weight')).toEqual([10, 4]);
    try {
      w.ref('text_model.final_layer_norm.bias');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(WeightFileError);
      expect((e as WeightFileError).code).toBe('missing-tensor');
      expect((e as Error).message).toMatch(/"text_model\.final_layer_norm\.bias".*old\.safetensors \(text encoder part/);
    }
  });

  test('legacy diffusers VAE attention names', () => {
    expect(modernVaeAttentionKey('decoder.mid_block.attentions.0.query.weight')).toBe('decoder.mid_block.attentions.0.to_q.weight');
    expect(modernVaeAttentionKey('encoder.mid_block.attentions.0.proj_attn.bias')).toBe('encoder.mid_block.attentions.0.to_out.0.bias');
    expect(modernVaeAttentionKey('decoder.conv_in.weight')).toBe('decoder.conv_in.weight');
  });
});
