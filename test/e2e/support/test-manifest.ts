// The tiny fixture weights laid out like the upstream repositories, and a manifest pointing at
// a local HfServer. Same choices and parts as models/manifest.json, sized for the tiny networks
// (the tiny ViT has 2 layers, so its "head" is layer 1, not 31). Fixtures are only read.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fixture } from '../../fixtures';
import { makeSafetensors } from '../../make-safetensors';
import { parseSafetensorsHeader } from '../../../src/lib/weights/safetensors';

export const REV = {
  ds8: 'a7e52b98680b1ba8ff7bce97c7f9f2e2e5337917',
  ipa: '92a2d51861c754afacf8b3aaf90845254b49f219',
  lcm: 'd2a62207399b8f04998c0aa81f45aa5a46254bcc',
};

const read = (...p: string[]) => new Uint8Array(readFileSync(fixture(...p)));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A tiny LoRA in the LCM-LoRA's kohya naming (fp16), since the fixtures have none. */
function tinyLora(): Uint8Array {
  const t = (shape: number[], seed: number) => {
    const n = shape.reduce((a, d) => a * d, 1);
    const data = new Uint16Array(n);
    for (let i = 0; i < n; i++) data[i] = 0x3c00 ^ ((i * 2654435761 + seed) & 0x3ff);
    return { dtype: 'F16' as const, shape, data };
  };
  return makeSafetensors({
    'lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight': t([4, 32], 1),
    'lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight': t([32, 4], 2),
    'lora_unet_down_blocks_0_attentions_0_proj_in.alpha': t([], 3),
  });
}

export interface FixtureFile { repo: string; revision: string; path: string; bytes: Uint8Array }

export function fixtureFiles(): FixtureFile[] {
  const unet = read('unet', 'weights.safetensors');
  const text = read('clip_text', 'weights.safetensors');
  const vae = read('vae', 'weights.safetensors');
  const ipa = read('unet', 'ip-adapter_sd15.safetensors');
  const plus = read('unet', 'ip-adapter-plus_sd15.safetensors');
  const vit = read('clip_vision', 'weights.safetensors');
  const f = (repo: string, revision: string, path: string, bytes: Uint8Array) => ({ repo, revision, path, bytes });
  return [
    f('Lykon/dreamshaper-8', REV.ds8, 'unet/diffusion_pytorch_model.fp16.safetensors', unet),
    f('Lykon/dreamshaper-8', REV.ds8, 'text_encoder/model.fp16.safetensors', text),
    f('Lykon/dreamshaper-8', REV.ds8, 'vae/diffusion_pytorch_model.fp16.safetensors', vae),
    f('stable-diffusion-v1-5/stable-diffusion-v1-5', 'main', 'unet/diffusion_pytorch_model.fp16.safetensors', unet),
    f('stable-diffusion-v1-5/stable-diffusion-v1-5', 'main', 'text_encoder/model.fp16.safetensors', text),
    f('stable-diffusion-v1-5/stable-diffusion-v1-5', 'main', 'vae/diffusion_pytorch_model.fp16.safetensors', vae),
    f('h94/IP-Adapter', REV.ipa, 'models/ip-adapter_sd15.safetensors', ipa),
    f('h94/IP-Adapter', REV.ipa, 'models/ip-adapter_sd15_light.safetensors', ipa),
    f('h94/IP-Adapter', REV.ipa, 'models/ip-adapter-plus_sd15.safetensors', plus),
    f('h94/IP-Adapter', REV.ipa, 'models/ip-adapter-plus-face_sd15.safetensors', plus),
    f('h94/IP-Adapter', REV.ipa, 'models/image_encoder/model.safetensors', vit),
    f('latent-consistency/lcm-lora-sdv1-5', REV.lcm, 'pytorch_lora_weights.safetensors', tinyLora()),
  ];
}

/** Server paths (/<repo>/resolve/<revision>/<path>) → bytes. */
export function serverFiles(files = fixtureFiles()): Map<string, Uint8Array> {
  return new Map(files.map((f) => [`/${f.repo}/resolve/${f.revision}/${f.path}`, f.bytes]));
}

export const serverPath = (f: Pick<FixtureFile, 'repo' | 'revision' | 'path'>) => `/${f.repo}/resolve/${f.revision}/${f.path}`;

/** sha256 of the named tensors' bytes in file order (a part's checksum). */
export function partSha(bytes: Uint8Array, take: (name: string) => boolean): string {
  const h = parseSafetensorsHeader(bytes, bytes.byteLength);
  const infos = [...h.tensors.values()].filter((t) => take(t.name)).sort((a, b) => a.begin - b.begin);
  const hash = createHash('sha256');
  for (const t of infos) hash.update(bytes.subarray(t.begin, t.end));
  return hash.digest('hex');
}

/**
 * The manifest for a local server. `blockBytes` is small so that resuming after a closed tab is
 * visible with tiny files.
 */
export function testManifest(hub: string, cdn: string, o: { blockBytes?: number; concurrency?: number } = {}) {
  const files = fixtureFiles();
  const bytes = (repo: string, path: string) => files.find((f) => f.repo === repo && f.path === path)!.bytes;
  const size = (repo: string, path: string) => bytes(repo, path).byteLength;
  const vaeBytes = bytes('Lykon/dreamshaper-8', 'vae/diffusion_pytorch_model.fp16.safetensors');
  const decoderSha = partSha(vaeBytes, (n) => n.startsWith('decoder.') || n.startsWith('post_quant_conv.'));
  const base = (id: string, repo: string, role: string, path: string, parts: unknown[], extra: Record<string, unknown> = {}) => ({
    id, role, repo, path, size: size(repo, path), approxSize: null, sha256: null, dtype: 'F16',
    label: { en: `${id} (test)`, zh: `${id}（测试）` }, parts, sources: ['test fixture'], ...extra,
  });
  const all = (graph: string) => [{ name: 'all', include: [''], graphs: [graph] }];
  const vaeParts = (sha: string | null) => [
    { name: 'decoder', include: ['decoder.', 'post_quant_conv.'], graphs: ['vae_decoder'], sha256: sha },
    { name: 'encoder', include: ['encoder.', 'quant_conv.'], graphs: ['vae_encoder'] },
  ];
  const adapterParts = [
    { name: 'projector', include: ['image_proj.'], graphs: ['projector'] },
    { name: 'layers', include: ['ip_adapter.'], graphs: ['unet'] },
  ];
  const ds8 = 'Lykon/dreamshaper-8';
  const sd15 = 'stable-diffusion-v1-5/stable-diffusion-v1-5';
  const ipa = 'h94/IP-Adapter';
  return {
    version: 1,
    hosts: {
      huggingface: { base: hub, resolve: '{base}/{repo}/resolve/{revision}/{path}', redirectOrigins: [cdn], note: 'local test server' },
    },
    repos: {
      [ds8]: { host: 'huggingface', revision: REV.ds8, revisionPinned: true },
      [sd15]: { host: 'huggingface', revision: 'main', revisionPinned: false },
      [ipa]: { host: 'huggingface', revision: REV.ipa, revisionPinned: true },
      'latent-consistency/lcm-lora-sdv1-5': { host: 'huggingface', revision: REV.lcm, revisionPinned: true },
    },
    settings: { blockBytes: o.blockBytes ?? 64 * 1024, gapBytes: 4096, shardBytes: 2 ** 30, wholeFileOverhead: 0.1, concurrency: o.concurrency ?? 2 },
    files: [
      base('ds8-unet', ds8, 'unet', 'unet/diffusion_pytorch_model.fp16.safetensors', all('unet')),
      base('ds8-text', ds8, 'text_encoder', 'text_encoder/model.fp16.safetensors', all('text_encoder'), { sha256: sha(bytes(ds8, 'text_encoder/model.fp16.safetensors')) }),
      base('ds8-vae', ds8, 'vae', 'vae/diffusion_pytorch_model.fp16.safetensors', vaeParts(decoderSha)),
      base('sd15-unet', sd15, 'unet', 'unet/diffusion_pytorch_model.fp16.safetensors', all('unet')),
      base('sd15-text', sd15, 'text_encoder', 'text_encoder/model.fp16.safetensors', all('text_encoder')),
      base('sd15-vae', sd15, 'vae', 'vae/diffusion_pytorch_model.fp16.safetensors', vaeParts(null)),
      base('ipa-sd15', ipa, 'adapter', 'models/ip-adapter_sd15.safetensors', adapterParts, { sha256: sha(bytes(ipa, 'models/ip-adapter_sd15.safetensors')) }),
      base('ipa-sd15-light', ipa, 'adapter', 'models/ip-adapter_sd15_light.safetensors', adapterParts),
      base('ipa-plus-sd15', ipa, 'adapter', 'models/ip-adapter-plus_sd15.safetensors', adapterParts, { sha256: sha(bytes(ipa, 'models/ip-adapter-plus_sd15.safetensors')) }),
      base('ipa-plus-face-sd15', ipa, 'adapter', 'models/ip-adapter-plus-face_sd15.safetensors', adapterParts),
      base('vit-h', ipa, 'image_encoder', 'models/image_encoder/model.safetensors', [
        { name: 'trunk', include: ['vision_model.embeddings.', 'vision_model.pre_layrnorm.', 'vision_model.encoder.layers.'], exclude: ['vision_model.encoder.layers.1.'], graphs: ['image_encoder/image_embeds', 'image_encoder/penultimate'] },
        { name: 'head', include: ['vision_model.encoder.layers.1.', 'vision_model.post_layernorm.', 'visual_projection.'], graphs: ['image_encoder/image_embeds'] },
      ], { sha256: sha(bytes(ipa, 'models/image_encoder/model.safetensors')), dtype: 'F32' }),
      base('lcm-lora-sd15', 'latent-consistency/lcm-lora-sdv1-5', 'lora', 'pytorch_lora_weights.safetensors', all('lora')),
    ],
    choices: {
      imageEncoders: [{ id: 'vit-h', label: { en: 'CLIP ViT-H/14 (tiny)', zh: 'CLIP ViT-H/14（迷你）' }, file: 'vit-h' }],
      base: [
        { id: 'dreamshaper-8', default: true, label: { en: 'Dreamshaper 8 (tiny)', zh: 'Dreamshaper 8（迷你）' }, files: { unet: 'ds8-unet', text_encoder: 'ds8-text', vae: 'ds8-vae' } },
        { id: 'sd15', label: { en: 'Stable Diffusion 1.5 (tiny)', zh: 'Stable Diffusion 1.5（迷你）' }, files: { unet: 'sd15-unet', text_encoder: 'sd15-text', vae: 'sd15-vae' } },
      ],
      adapters: [
        { id: 'standard', default: true, file: 'ipa-sd15', encoder: 'vit-h', input: 'image_embeds', tokens: 4, label: { en: 'Standard', zh: '标准版' } },
        { id: 'light', file: 'ipa-sd15-light', encoder: 'vit-h', input: 'image_embeds', tokens: 4, label: { en: 'Light', zh: '轻量版' } },
        { id: 'plus', file: 'ipa-plus-sd15', encoder: 'vit-h', input: 'penultimate', tokens: 16, label: { en: 'Plus', zh: 'Plus' } },
        { id: 'plus-face', file: 'ipa-plus-face-sd15', encoder: 'vit-h', input: 'penultimate', tokens: 16, label: { en: 'Plus Face', zh: 'Plus Face' } },
      ],
      loras: [{ id: 'lcm', file: 'lcm-lora-sd15', label: { en: 'LCM-LoRA', zh: 'LCM-LoRA' } }],
    },
  };
}
