/**
 * The pixels behind the names in the panel's state: the reader's pictures (by LoadImage name),
 * the painted masks (in the state) and the loaded IP-Adapter files, offered to comfy's
 * `toGenerateSettings` as its PipelineAssets. References go to the worker as 8-bit images with
 * their PrepImageForClipVision step (the worker preprocesses: src/lib/pipeline/references.ts);
 * masks as the pipeline's MaskImage; the init image resized to the output (Pillow's bicubic, as
 * ComfyUI's ImageScale "bicubic").
 */
import type { AdapterModelRef, BridgeImage, BridgeLora, BridgeMask, PipelineAssets } from '../comfy';
import { colorMask } from '../comfy/colorMask';
import { PRESET_FILES, type AdapterVariant } from '../comfy/models';
import { maskFromImage } from '../image/mask';
import { pilResize } from '../image/resample';
import type { RgbaImage, RgbImage } from '../image/types';
import type { MaskImage, RgbTensor } from '../pipeline/settings';
import type { RawReference } from '../pipeline/references';
import { decodeMask, maskImageOf } from './maskGrid';
import type { LiveState } from './panel';

export interface Picture {
  rgba: RgbaImage;
  /** Composited on white (what CLIP takes). */
  rgb: RgbImage;
}

export interface LoadedAdapterFile {
  name: string;
  /** From the file's tensors (src/lib/weights/detect), null when unknown. */
  variant: AdapterVariant | null;
}

/** The loaded adapter file a model reference means: by file name, or by the preset's variant. */
export function resolveAdapterModel(ref: AdapterModelRef, loaded: readonly LoadedAdapterFile[]): number | null {
  if (ref.loader === 'files') {
    const i = loaded.findIndex((f) => f.name === ref.ipadapterFile);
    return i < 0 ? null : i;
  }
  const want = PRESET_FILES[ref.preset];
  const byName = loaded.findIndex((f) => f.name === want.ipadapterFile);
  if (byName >= 0) return byName;
  const byVariant = loaded.findIndex((f) => f.variant === want.variant);
  return byVariant < 0 ? null : byVariant;
}

/** RGB bytes → [3, h, w] in [0, 1] at the output size. */
export function initTensor(img: RgbImage, width: number, height: number): RgbTensor {
  const px = pilResize(img.data, img.width, img.height, 3, width, height, 'bicubic');
  const n = width * height;
  const data = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) data[c * n + i] = px[i * 3 + c] / 255;
  return { data, width, height };
}

/** A named mask as the pipeline takes it: a painted grid, or one channel / colour of a picture. */
export function maskFor(m: BridgeMask, state: Pick<LiveState, 'masks' | 'width' | 'height'>, pictures: ReadonlyMap<string, Picture>): MaskImage | null {
  const painted = Object.prototype.hasOwnProperty.call(state.masks, m.image) ? decodeMask(state.masks[m.image]) : null;
  if (painted) return maskImageOf(painted);
  const p = pictures.get(m.image);
  if (!p) return null;
  const { width, height } = p.rgba;
  if (m.kind === 'color') return { data: colorMask({ data: p.rgba.data, width, height, channels: 4 }, m.color, m.thresholds), width, height };
  const latent = { width: Math.max(1, Math.round(state.width / 8)), height: Math.max(1, Math.round(state.height / 8)) };
  return { data: maskFromImage(p.rgba, latent, m.channel).mask, width, height };
}

export interface AssetSources {
  pictures: ReadonlyMap<string, Picture>;
  adapters: readonly LoadedAdapterFile[];
  /** The LoRAs the loaded models were merged with (name and strengths); undefined: not tracked. */
  loras?: readonly BridgeLora[];
}

const sameLora = (a: BridgeLora, b: BridgeLora) => a.name === b.name && a.strengthModel === b.strengthModel && a.strengthClip === b.strengthClip;

export function panelAssets(state: LiveState, src: AssetSources): PipelineAssets {
  const assets: PipelineAssets = {
    clipPixels(image: BridgeImage): RawReference | null {
      const p = src.pictures.get(image.name);
      if (!p) return null;
      return image.prep ? { image: p.rgb, prep: { ...image.prep } } : { image: p.rgb };
    },
    mask: (m) => maskFor(m, state, src.pictures),
    initImage(name, width, height) {
      const p = src.pictures.get(name);
      return p ? initTensor(p.rgb, width, height) : null;
    },
    adapterModel: (ref) => resolveAdapterModel(ref, src.adapters),
  };
  const loaded = src.loras;
  if (loaded) assets.loraLoaded = (l) => loaded.some((x) => sameLora(x, l));
  return assets;
}

/**
 * The UNet's image branches for this state: per loaded adapter file, as many as the adapters
 * using it need (precise weight types need two), at least two — so adding a regional adapter
 * later rarely needs a reload.
 */
export function branchModelsFor(s: LiveState, files: readonly LoadedAdapterFile[]): number[] {
  const need = files.map(() => 0);
  for (const a of s.adapters) {
    const i = resolveAdapterModel(a.model, files) ?? 0;
    if (i < need.length) need[i] += /precise/.test(a.weightType) ? 2 : 1;
  }
  return need.flatMap((n, i) => new Array<number>(Math.max(2, n)).fill(i));
}
