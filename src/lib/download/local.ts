/**
 * Weights already on the reader's disk: files they pick, or a ComfyUI `models/` folder
 * (<input webkitdirectory> or the File System Access API). Each .safetensors file is recognised
 * from its header alone (detect.ts) — two small File.slice reads — and becomes a WeightFile
 * whose bytes are read with File.slice when a graph needs them. Nothing is uploaded or copied.
 */
import { describe, detectWeightFile, type Detected } from '../weights/detect';
import { WeightFileError } from '../weights/errors';
import { headerLength, parseSafetensorsHeader } from '../weights/safetensors';
import type { WeightFile } from '../weights/weights';
import { blobSource, type RangeSource } from './fetcher';

/** ComfyUI's model folders that hold what this course runs. */
export const COMFY_FOLDERS = ['checkpoints', 'clip_vision', 'ipadapter', 'loras', 'vae', 'unet', 'diffusion_models', 'text_encoders', 'clip'] as const;
export type ComfyFolder = (typeof COMFY_FOLDERS)[number] | 'other';

/** A picked file: the File and its path relative to the picked folder (or its name). */
export interface LocalPick {
  file: Blob;
  name: string;
  path: string;
}

export interface LocalWeight {
  path: string;
  name: string;
  size: number;
  folder: ComfyFolder;
  detected: Detected;
  description: string;
  /** Set when the folder and the contents disagree (an adapter kept in clip_vision/, say). */
  note?: string;
  weightFile: WeightFile;
  source: RangeSource;
  read(begin: number, end: number): Promise<Uint8Array>;
}

export interface Skipped {
  path: string;
  reason: string;
}

/** The last path segment that names a ComfyUI model folder ("ComfyUI/models/ipadapter/x" → ipadapter). */
export function folderOf(path: string): ComfyFolder {
  const segs = path.split('/').slice(0, -1).map((s) => s.toLowerCase());
  for (let i = segs.length - 1; i >= 0; i--) {
    const hit = COMFY_FOLDERS.find((f) => f === segs[i]);
    if (hit) return hit;
  }
  return 'other';
}

const EXPECTED: Partial<Record<ComfyFolder, Detected['kind'][]>> = {
  checkpoints: ['checkpoint'],
  clip_vision: ['clip-vision'],
  ipadapter: ['ip-adapter'],
  vae: ['diffusers-vae', 'checkpoint'],
  unet: ['diffusers-unet'],
  diffusion_models: ['diffusers-unet'],
  text_encoders: ['clip-text'],
  clip: ['clip-text'],
};

const PICKLE = /\.(bin|ckpt|pt|pth|pkl)$/i;

async function bytesOf(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
}

/** Reads each pick's header and recognises it; everything else is listed with the reason. */
export async function recognise(picks: LocalPick[]): Promise<{ weights: LocalWeight[]; skipped: Skipped[] }> {
  const weights: LocalWeight[] = [];
  const skipped: Skipped[] = [];
  for (const p of picks) {
    if (PICKLE.test(p.name)) {
      skipped.push({ path: p.path, reason: 'a pickle file (.bin/.ckpt/.pt/.pth): loading one can run code, so it is never read here. Use the .safetensors version.' });
      continue;
    }
    if (!/\.safetensors$/i.test(p.name)) {
      if (!p.name.startsWith('.') && !/\.(txt|md|json|yaml|yml|png|jpg|jpeg|webp)$/i.test(p.name)) skipped.push({ path: p.path, reason: 'not a .safetensors file' });
      continue;
    }
    try {
      const first8 = await bytesOf(p.file.slice(0, 8));
      const n = headerLength(first8, p.name);
      const prefix = await bytesOf(p.file.slice(0, 8 + n));
      const header = parseSafetensorsHeader(prefix, p.file.size, p.name);
      const detected = detectWeightFile(header, p.name);
      if (detected.kind === 'unknown') {
        skipped.push({ path: p.path, reason: detected.reason });
        continue;
      }
      const folder = folderOf(p.path);
      const expect = EXPECTED[folder];
      const description = describe(detected);
      const file = p.file;
      weights.push({
        path: p.path, name: p.name, size: p.file.size, folder, detected, description,
        note: expect && !expect.includes(detected.kind) ? `kept in ${folder}/, but holds: ${description}` : undefined,
        weightFile: { location: `local/${p.path}`, header, label: p.path },
        source: blobSource(file, p.path),
        read: (begin, end) => bytesOf(file.slice(begin, end)),
      });
    } catch (e) {
      skipped.push({ path: p.path, reason: e instanceof WeightFileError ? e.message : `could not be read: ${(e as Error).message}` });
    }
  }
  return { weights, skipped };
}

/** Picks from an <input type=file> (webkitRelativePath gives the folder structure). */
export function picksFromFileList(files: ArrayLike<File>): LocalPick[] {
  return Array.from(files, (f) => ({ file: f, name: f.name, path: (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name }));
}

/** Walks a directory handle (File System Access API), a few levels deep. */
export async function picksFromDirectory(dir: FileSystemDirectoryHandle, maxDepth = 4, prefix = dir.name): Promise<LocalPick[]> {
  const out: LocalPick[] = [];
  for await (const [name, h] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
    const path = `${prefix}/${name}`;
    if (h.kind === 'file') out.push({ file: await (h as FileSystemFileHandle).getFile(), name, path });
    else if (maxDepth > 0 && !name.startsWith('.')) out.push(...await picksFromDirectory(h as FileSystemDirectoryHandle, maxDepth - 1, path));
  }
  return out;
}
