import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  checkAdapterEncoder, describe as describeFile, detectFromBytes, detectWeightFile, requireSd15Adapter, requireSd15Checkpoint,
  type ClipVisionInfo, type Detected, type IpAdapterInfo,
} from './detect';
import { WeightFileError } from './errors';
import { headerOnlyFile } from '../models/graphInfo';
import { makeSafetensors } from '../../../test/make-safetensors';
import { loadFixtureFile } from '../../../test/load-fixture';
import { fixture } from '../../../test/fixtures';

const layout = JSON.parse(readFileSync(fixture('sd15_fullsize_layout.json'), 'utf8')) as Record<string, { state_dict?: Record<string, number[]> } & Record<string, unknown>>;
const single = JSON.parse(readFileSync(fixture('ldm_single_file', 'sd15_fullsize_single_file_layout.json'), 'utf8')) as {
  tensors: { key: string; shape: number[] }[];
};
const detectShapes = (shapes: Record<string, number[]>, name = 'file.safetensors') => detectWeightFile(headerOnlyFile(name, shapes).header, name);
const stateDict = (k: string) => layout[k].state_dict as Record<string, number[]>;
const adapterShapes = (k: string) => layout[k] as unknown as Record<string, number[]>;

function error(fn: () => unknown): WeightFileError {
  try { fn(); } catch (e) { if (e instanceof WeightFileError) return e; throw e; }
  throw new Error('no error thrown');
}

/** A bigG image encoder header: 48 layers, 1664 wide, image_embeds 1280. */
function bigGShapes(): Record<string, number[]> {
  const s: Record<string, number[]> = {
    'vision_model.embeddings.patch_embedding.weight': [1664, 3, 14, 14],
    'visual_projection.weight': [1280, 1664],
  };
  for (let i = 0; i < 48; i++) s[`vision_model.encoder.layers.${i}.layer_norm1.weight`] = [1664];
  return s;
}

const sdxlCheckpoint: Record<string, number[]> = {
  'model.diffusion_model.input_blocks.0.0.weight': [320, 4, 3, 3],
  'model.diffusion_model.label_emb.0.0.weight': [1280, 2816],
  'model.diffusion_model.input_blocks.4.1.transformer_blocks.0.attn2.to_k.weight': [640, 2048],
  'conditioner.embedders.0.transformer.text_model.embeddings.token_embedding.weight': [49408, 768],
  'conditioner.embedders.1.model.token_embedding.weight': [49408, 1280],
  'first_stage_model.decoder.conv_in.weight': [512, 4, 3, 3],
};

describe('detect: what a file is, from its header', () => {
  test('SD1.5 single-file checkpoint (full-size layout) passes the SD1.5 check', () => {
    const d = detectShapes(Object.fromEntries(single.tensors.map((t) => [t.key, t.shape])), 'v1-5-pruned-emaonly.safetensors');
    expect(d).toMatchObject({ kind: 'checkpoint', family: 'sd15', hasVae: true, hasTextEncoder: true, inpainting: false, crossAttentionDim: 768 });
    requireSd15Checkpoint(d, 'v1-5-pruned-emaonly.safetensors');
  });

  test('an SDXL checkpoint given to the SD1.5 builder gets a clear error', () => {
    const d = detectShapes(sdxlCheckpoint, 'sd_xl_base_1.0.safetensors');
    expect(d).toMatchObject({ kind: 'checkpoint', family: 'sdxl' });
    const e = error(() => requireSd15Checkpoint(d, 'sd_xl_base_1.0.safetensors'));
    expect(e.code).toBe('wrong-model');
    expect(e.message).toMatch(/sd_xl_base_1\.0\.safetensors is an SDXL checkpoint/);
    expect(e.message).toMatch(/2048-wide/);
    expect(e.message).toMatch(/SD1\.5-based checkpoint/);
  });

  test('SD2 and inpainting checkpoints are refused with their reason; other files are not checkpoints', () => {
    const sd2 = detectShapes({ 'model.diffusion_model.input_blocks.0.0.weight': [320, 4, 3, 3], 'model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight': [320, 1024] });
    expect(error(() => requireSd15Checkpoint(sd2, 'v2-1.safetensors')).message).toMatch(/Stable Diffusion 2\.x.*1024-wide/);
    const inpaint = detectShapes({ 'model.diffusion_model.input_blocks.0.0.weight': [320, 9, 3, 3], 'model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight': [320, 768] });
    expect(error(() => requireSd15Checkpoint(inpaint, 'x.safetensors')).message).toMatch(/inpainting/);
    const vision = detectShapes(stateDict('ip_image_encoder'));
    expect(error(() => requireSd15Checkpoint(vision, 'model.safetensors')).message).toMatch(/CLIP image encoder ViT-H\/14, not a single-file checkpoint/);
  });

  test('diffusers UNet, VAE and text encoder; CLIP ViT-H/14 vs ViT-bigG/14', () => {
    expect(detectShapes(stateDict('unet'))).toMatchObject({ kind: 'diffusers-unet', family: 'sd15', crossAttentionDim: 768 });
    expect(detectShapes(stateDict('vae'))).toMatchObject({ kind: 'diffusers-vae', legacyAttentionNames: false });
    expect(detectShapes(stateDict('text_encoder'))).toMatchObject({ kind: 'clip-text', family: 'sd15', hiddenSize: 768, layers: 12 });
    expect(detectShapes(stateDict('ip_image_encoder'))).toMatchObject({ kind: 'clip-vision', encoder: 'ViT-H/14', hiddenSize: 1280, layers: 32, projectionDim: 1024 });
    expect(detectShapes(bigGShapes())).toMatchObject({ kind: 'clip-vision', encoder: 'ViT-bigG/14', hiddenSize: 1664, layers: 48, projectionDim: 1280 });
    expect(detectShapes({ 'visual.transformer.resblocks.0.attn.in_proj_weight': [3840, 1280] })).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/open_clip/) });
  });

  test('the tiny fixtures are recognised too', () => {
    const kinds = [
      ['clip_text', 'weights.safetensors', 'clip-text'], ['clip_vision', 'weights.safetensors', 'clip-vision'],
      ['unet', 'weights.safetensors', 'diffusers-unet'], ['vae', 'weights.safetensors', 'diffusers-vae'],
      ['ldm_single_file', 'checkpoint.safetensors', 'checkpoint'], ['unet', 'ip-adapter_sd15.safetensors', 'ip-adapter'],
    ];
    for (const [dir, name, kind] of kinds) expect(detectWeightFile(loadFixtureFile(dir, name).file.header, name).kind, `${dir}/${name}`).toBe(kind);
    const split = detectWeightFile(loadFixtureFile('ip_image_proj', 'weights_plus.safetensors').file.header);
    expect(split).toMatchObject({ kind: 'ip-adapter', variant: 'plus', projectorOnly: true, layers: 0, tokens: 16 });
  });

  test('IP-Adapter variants and the encoder output each one reads', () => {
    const base = detectShapes(adapterShapes('ip-adapter_sd15.safetensors'), 'ip-adapter_sd15.safetensors');
    expect(base).toMatchObject({ kind: 'ip-adapter', variant: 'base', family: 'sd15', tokens: 4, layers: 16, needs: { encoder: 'ViT-H/14', input: 'image_embeds', width: 1024 } });
    const light = detectShapes(adapterShapes('ip-adapter_sd15.safetensors'), 'ip-adapter_sd15_light_v11.safetensors');
    expect(light).toMatchObject({ variant: 'light' });
    const plus = detectShapes(adapterShapes('ip-adapter-plus_sd15.safetensors'), 'ip-adapter-plus_sd15.safetensors');
    expect(plus).toMatchObject({ variant: 'plus', tokens: 16, layers: 16, needs: { encoder: 'ViT-H/14', input: 'penultimate_hidden_states', width: 1280 } });
    expect(detectShapes(adapterShapes('ip-adapter-plus_sd15.safetensors'), 'ip-adapter-plus-face_sd15.safetensors')).toMatchObject({ variant: 'plus-face' });
    const fullFace = detectShapes({ 'image_proj.proj.0.weight': [1280, 1280], 'image_proj.proj.2.weight': [768, 1280], 'image_proj.proj.3.weight': [768], 'ip_adapter.1.to_k_ip.weight': [320, 768] });
    expect(fullFace).toMatchObject({ variant: 'full-face', family: 'sd15', needs: { encoder: 'ViT-H/14', input: 'penultimate_hidden_states', width: 1280 } });
    const vitG = detectShapes({ 'image_proj.proj.weight': [3072, 1280], 'image_proj.norm.weight': [768], 'ip_adapter.1.to_k_ip.weight': [320, 768] });
    expect(vitG).toMatchObject({ variant: 'vit-g', family: 'sd15', needs: { encoder: 'ViT-bigG/14', input: 'image_embeds', width: 1280 } });
    const faceid = detectShapes({ 'image_proj.proj.0.weight': [1024, 512], 'image_proj.proj.2.weight': [3072, 1024], 'image_proj.norm.weight': [768], 'ip_adapter.1.to_k_ip.weight': [320, 768] });
    expect(faceid).toMatchObject({ variant: 'faceid', family: 'sd15', needs: undefined });
    expect(describeFile(base)).toBe('IP-Adapter base for Stable Diffusion 1.5');
  });

  test('an adapter paired with the wrong image encoder: the 1280 vs 1024 mismatch, explained', () => {
    const vitH = detectShapes(stateDict('ip_image_encoder')) as ClipVisionInfo;
    const bigG = detectShapes(bigGShapes()) as ClipVisionInfo;
    const base = detectShapes(adapterShapes('ip-adapter_sd15.safetensors')) as IpAdapterInfo;
    const plus = detectShapes(adapterShapes('ip-adapter-plus_sd15.safetensors')) as IpAdapterInfo;
    const vitG = detectShapes({ 'image_proj.proj.weight': [3072, 1280], 'image_proj.norm.weight': [768] }) as IpAdapterInfo;
    checkAdapterEncoder(base, 'ip-adapter_sd15.safetensors', vitH, 'model.safetensors');
    checkAdapterEncoder(plus, 'ip-adapter-plus_sd15.safetensors', vitH, 'model.safetensors');
    checkAdapterEncoder(vitG, 'ip-adapter_sd15_vit-G.safetensors', bigG, 'bigG.safetensors');

    const e = error(() => checkAdapterEncoder(vitG, 'ip-adapter_sd15_vit-G.safetensors', vitH, 'CLIP-ViT-H-14.safetensors'));
    expect(e.code).toBe('encoder-mismatch');
    console.log(e.message);
    expect(e.message).toMatch(/image_proj\.proj\.weight, shape \[3072, 1280\]/);
    expect(e.message).toMatch(/CLIP ViT-bigG\/14/);
    expect(e.message).toMatch(/CLIP-ViT-H-14\.safetensors is CLIP ViT-H\/14, whose image_embeds are 1024 wide/);
    expect(e.message).toMatch(/\[3072, 1280\] vs \[3072, 1024\]/);
    expect(e.message).toMatch(/ViT-H\/14: image_embeds 1024, hidden states 1280/);

    const e2 = error(() => checkAdapterEncoder(base, 'ip-adapter_sd15.safetensors', bigG, 'bigG.safetensors'));
    expect(e2.message).toMatch(/\[3072, 1024\] vs \[3072, 1280\]/);
    const e3 = error(() => checkAdapterEncoder(plus, 'ip-adapter-plus_sd15.safetensors', bigG, 'bigG.safetensors'));
    expect(e3.message).toMatch(/hidden_states\[-2\].*1280 numbers per token/);
    expect(e3.message).toMatch(/hidden states are 1664 wide/);
    const noProj = { ...vitH, projectionDim: undefined };
    expect(error(() => checkAdapterEncoder(base, 'a', noProj, 'b')).message).toMatch(/without its visual_projection/);
  });

  test('an SDXL adapter is refused for SD1.5', () => {
    const sdxl = detectShapes({ 'image_proj.proj.weight': [8192, 1280], 'image_proj.norm.weight': [2048], 'ip_adapter.1.to_k_ip.weight': [640, 2048] }) as IpAdapterInfo;
    expect(sdxl).toMatchObject({ family: 'sdxl', tokens: 4, needs: { encoder: 'ViT-bigG/14', width: 1280 } });
    const e = error(() => requireSd15Adapter(sdxl, 'ip-adapter_sdxl.safetensors'));
    expect(e.code).toBe('wrong-model');
    expect(e.message).toMatch(/IP-Adapter for SDXL.*2048 wide.*768-wide/);
    requireSd15Adapter(detectShapes(adapterShapes('ip-adapter_sd15.safetensors')) as IpAdapterInfo, 'x');
  });

  test('not safetensors, truncated: readable errors before detection', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    expect(error(() => detectFromBytes(png, png.byteLength, 'photo.png'))).toMatchObject({ code: 'not-safetensors', message: expect.stringMatching(/photo\.png is not a safetensors file/) });
    const pickle = new Uint8Array([0x80, 0x02, 0x63, 0x63, 0x6f, 0x6c, 0x6c, 0x65, 0x63, 0x74]);
    expect(error(() => detectFromBytes(pickle, 10, 'ip-adapter_sd15.bin')).code).toBe('not-safetensors');
    const whole = makeSafetensors({ 'image_proj.norm.weight': { dtype: 'F32', shape: [4], data: new Float32Array(4) } });
    expect(error(() => detectFromBytes(whole.subarray(0, whole.byteLength - 3), whole.byteLength - 3, 'cut.safetensors'))).toMatchObject({ code: 'truncated', message: expect.stringMatching(/cut\.safetensors is truncated/) });
    expect(error(() => detectFromBytes(whole.subarray(0, 12), undefined, 'cut.safetensors')).code).toBe('truncated');
    const d: Detected = detectFromBytes(whole, whole.byteLength, 'ok.safetensors');
    expect(d.kind).toBe('unknown');
  });
});
