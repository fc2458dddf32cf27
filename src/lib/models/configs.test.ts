import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  clipTextConfigFromJson, clipVisionConfigFromJson, SD15_TEXT, SD15_UNET, SD15_VAE, unetConfigFromJson, vaeConfigFromJson, VIT_H_14,
} from './configs';
import { fixture } from '../../../test/fixtures';

const json = (...p: string[]) => JSON.parse(readFileSync(fixture(...p), 'utf8'));

describe('configs', () => {
  const layout = json('sd15_fullsize_layout.json');

  test('the real SD1.5 / ViT-H configs agree with the full-size layout\'s config.json objects', () => {
    expect(clipTextConfigFromJson(layout.text_encoder.config)).toEqual(SD15_TEXT);
    expect(clipVisionConfigFromJson(layout.ip_image_encoder.config)).toEqual(VIT_H_14);
    const unet = unetConfigFromJson(layout.unet.config);
    for (const k of ['in_channels', 'out_channels', 'block_out_channels', 'down_block_types', 'up_block_types', 'layers_per_block',
      'attention_head_dim', 'cross_attention_dim', 'norm_num_groups', 'use_linear_projection'] as const) {
      expect(unet[k], k).toEqual(SD15_UNET[k]);
    }
    const vae = vaeConfigFromJson(layout.vae.config);
    for (const k of ['block_out_channels', 'layers_per_block', 'latent_channels', 'norm_num_groups', 'scaling_factor'] as const) expect(vae[k], k).toEqual(SD15_VAE[k]);
  });

  test('tiny fixture configs: transformers and diffusers config.json', () => {
    expect(clipTextConfigFromJson(json('clip_text', 'config.json'))).toEqual({
      vocabSize: 1000, hiddenSize: 32, intermediateSize: 64, numLayers: 2, numHeads: 4, maxPositions: 77,
      hiddenAct: 'quick_gelu', layerNormEps: 1e-5, eosTokenId: 2,
    });
    expect(clipVisionConfigFromJson(json('clip_vision', 'config.json'))).toMatchObject({ hiddenSize: 32, patchSize: 8, imageSize: 32, projectionDim: 16, hiddenAct: 'gelu' });
    expect(unetConfigFromJson(json('unet', 'config.json'))).toMatchObject({ block_out_channels: [32, 64], cross_attention_dim: 32, norm_num_groups: 8 });
    expect(vaeConfigFromJson(json('vae', 'config.json'))).toMatchObject({ block_out_channels: [16, 32, 32, 32], norm_num_groups: 8 });
  });

  test('a full CLIPConfig (text_config + vision_config) is read too; bad values are named', () => {
    const full = { projection_dim: 1024, text_config: { hidden_size: 1024, num_hidden_layers: 24, hidden_act: 'gelu' }, vision_config: { hidden_size: 1280, num_hidden_layers: 32, patch_size: 14 } };
    expect(clipTextConfigFromJson(full)).toMatchObject({ hiddenSize: 1024, numLayers: 24, hiddenAct: 'gelu' });
    expect(clipVisionConfigFromJson(full)).toMatchObject({ hiddenSize: 1280, projectionDim: 1024, patchSize: 14 });
    expect(() => clipTextConfigFromJson({ hidden_act: 'relu' })).toThrow(/hidden_act "relu"/);
    expect(() => clipTextConfigFromJson({ hidden_size: '768' })).toThrow(/"hidden_size" should be a number/);
    expect(() => unetConfigFromJson({ addition_embed_type: 'text_time' })).toThrow(/SDXL/);
    expect(() => unetConfigFromJson({ block_out_channels: [1, 2], down_block_types: ['A'] })).toThrow(/2 block_out_channels but 1 down/);
  });
});
