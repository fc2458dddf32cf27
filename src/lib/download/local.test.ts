import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { fixture } from '../../../test/fixtures';
import { folderOf, recognise, type LocalPick } from './local';

const pick = (path: string, bytes: Uint8Array): LocalPick => ({ file: new Blob([bytes as Uint8Array<ArrayBuffer>]), name: path.split('/').pop()!, path });
const fx = (...p: string[]) => new Uint8Array(readFileSync(fixture(...p)));

describe('local files (a ComfyUI models folder)', () => {
  test('folders are recognised from the path', () => {
    expect(folderOf('ComfyUI/models/ipadapter/ip-adapter_sd15.safetensors')).toBe('ipadapter');
    expect(folderOf('models/clip_vision/sub/CLIP-ViT-H.safetensors')).toBe('clip_vision');
    expect(folderOf('x.safetensors')).toBe('other');
  });

  test('each file is recognised by its header; pickles and junk are listed with the reason', async () => {
    const { weights, skipped } = await recognise([
      pick('models/checkpoints/tiny.safetensors', fx('ldm_single_file', 'checkpoint.safetensors')),
      pick('models/clip_vision/CLIP-ViT-H-14.safetensors', fx('clip_vision', 'weights.safetensors')),
      pick('models/ipadapter/ip-adapter_sd15.safetensors', fx('unet', 'ip-adapter_sd15.safetensors')),
      pick('models/clip_vision/ip-adapter-plus_sd15.safetensors', fx('unet', 'ip-adapter-plus_sd15.safetensors')),
      pick('models/ipadapter/ip-adapter_sd15_light_v11.bin', new Uint8Array(10)),
      pick('models/loras/broken.safetensors', new Uint8Array([1, 2, 3])),
      pick('models/README.md', new Uint8Array(1)),
    ]);
    expect(weights.map((w) => [w.folder, w.detected.kind])).toEqual([
      ['checkpoints', 'checkpoint'], ['clip_vision', 'clip-vision'], ['ipadapter', 'ip-adapter'], ['clip_vision', 'ip-adapter'],
    ]);
    expect(weights[3].note).toMatch(/kept in clip_vision\/, but holds: IP-Adapter plus/);
    expect(weights[0].weightFile.header.tensors.size).toBeGreaterThan(100);
    expect(skipped.map((s) => s.path)).toEqual(['models/ipadapter/ip-adapter_sd15_light_v11.bin', 'models/loras/broken.safetensors']);
    expect(skipped[0].reason).toMatch(/pickle/);
    // bytes are read on demand with File.slice
    const info = weights[2].weightFile.header.tensors.get('image_proj.proj.weight')!;
    expect((await weights[2].read(info.begin, info.end)).byteLength).toBe(info.end - info.begin);
  });
});
