/**
 * The gallery for readers who cannot run the model: what to render (models/gallery.json), which
 * weight files render it, and what a render records (public/gallery/index.json). Rendering itself
 * is scripts/render-gallery.ts through the same pipeline host as the live lab's worker.
 *
 * The gallery shows only real renders: an index written from the tiny test networks (or none at
 * all) makes the page say plainly that no real renders exist yet.
 */
import type { Bilingual } from '../i18n/lang';
import type { Detected } from '../weights/detect';
import { describe } from '../weights/detect';
import { validateSettings, type AdapterSettings, type GenerateSettings } from '../pipeline/settings';
import type { RawReference } from '../pipeline/references';

export type PromptSpec = string | { ids: number[] };
export type GalleryExperiment = 'weight' | 'weight-type' | 'layers';

/** One picture to render: a prompt, a reference image (a repo path) and IPAdapter Advanced's inputs. */
export interface GallerySpec {
  id: string;
  experiment: GalleryExperiment;
  title: Bilingual;
  /** Text (SD1.5's CLIP tokenizer), or token ids (77·k) for test networks with their own vocabulary. */
  prompt: PromptSpec;
  negativePrompt?: PromptSpec;
  /** Repo-relative path of the reference image (PNG). */
  reference: string;
  seed?: number;
  steps?: number;
  guidance?: number;
  scheduler?: string;
  width?: number;
  height?: number;
  adapter: Pick<AdapterSettings, 'weight' | 'weightType' | 'startAt' | 'endAt' | 'layerWeights' | 'embedsScaling' | 'combineEmbeds'>;
}

export interface GallerySettingsFile {
  version: 1;
  defaults: { width: number; height: number; steps: number; guidance: number; scheduler: string; seed: number; negativePrompt: PromptSpec };
  entries: GallerySpec[];
}

/** A model file a render used: its role, file name, size and SHA-256 (hex). */
export interface GalleryModelFile { role: string; name: string; bytes: number; sha256: string; detected: string }

/** One rendered picture as index.json records it: the exact settings it was made with. */
export interface GalleryRender {
  id: string;
  experiment: GalleryExperiment;
  title: Bilingual;
  /** PNG file name, beside index.json. */
  file: string;
  width: number;
  height: number;
  settings: {
    prompt: PromptSpec; negativePrompt: PromptSpec; width: number; height: number; steps: number; guidance: number; scheduler: string; seed: number;
    reference: { path: string; sha256: string; width: number; height: number };
    adapter: GallerySpec['adapter'];
  };
  timeMs: number;
}

export interface GalleryIndex {
  version: 1;
  /** True when rendered with the tiny random test networks: such an index is never gallery content. */
  testNetworks: boolean;
  renderedAt: string;
  machine: { platform: string; cpu: string; runtime: string; provider: 'wasm' | 'webgpu'; floatType: 'float32' | 'float16'; device?: string };
  models: GalleryModelFile[];
  renders: GalleryRender[];
}

export class GalleryError extends Error {
  constructor(readonly text: Bilingual, readonly code: 'settings' | 'weights-missing' | 'weights-wrong' | 'reference' | 'render') {
    super(`${text.en}\n${text.zh}`);
    this.name = 'GalleryError';
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const EXPERIMENTS: GalleryExperiment[] = ['weight', 'weight-type', 'layers'];

/** A placeholder reference: lets validateSettings check an entry before any image is read. */
const PLACEHOLDER: RawReference = { image: { width: 1, height: 1, data: new Uint8Array(3) } };

/** The settings of one entry as the pipeline takes them (the reference already decoded). */
export function entrySettings(file: GallerySettingsFile, e: GallerySpec, reference: RawReference): GenerateSettings {
  const d = file.defaults;
  return {
    prompt: e.prompt, negativePrompt: e.negativePrompt ?? d.negativePrompt,
    width: e.width ?? d.width, height: e.height ?? d.height, steps: e.steps ?? d.steps, guidance: e.guidance ?? d.guidance,
    scheduler: e.scheduler ?? d.scheduler, seed: e.seed ?? d.seed,
    adapters: [{ images: [reference], ...e.adapter }],
  };
}

/** Checks models/gallery.json; every problem named in both languages. */
export function parseGallerySettings(json: unknown): GallerySettingsFile {
  const fail = (en: string, zh: string): never => { throw new GalleryError({ en, zh }, 'settings'); };
  if (!isObj(json) || json.version !== 1) fail('gallery.json must be an object with "version": 1.', 'gallery.json 必须是一个对象，并写明 "version": 1。');
  const o = json as Record<string, unknown>;
  if (!isObj(o.defaults)) fail('gallery.json has no "defaults" object.', 'gallery.json 缺少 "defaults" 对象。');
  if (!Array.isArray(o.entries) || o.entries.length === 0) fail('gallery.json has no "entries" (a list of pictures to render).', 'gallery.json 缺少 "entries"（要渲染的图片列表）。');
  const file = json as unknown as GallerySettingsFile;
  const ids = new Set<string>();
  file.entries.forEach((e, i) => {
    const at = `entries[${i}]`;
    if (!isObj(e)) fail(`${at} is not an object.`, `${at} 不是对象。`);
    if (typeof e.id !== 'string' || !/^[a-z0-9][a-z0-9.-]*$/.test(e.id)) fail(`${at}.id must be lower-case letters, digits, "." or "-" (it names the PNG file).`, `${at}.id 只能用小写字母、数字、"." 和 "-"（它也是 PNG 的文件名）。`);
    if (ids.has(e.id)) fail(`${at}.id "${e.id}" is used twice.`, `${at}.id "${e.id}" 重复了。`);
    ids.add(e.id);
    if (!EXPERIMENTS.includes(e.experiment)) fail(`${at}.experiment must be one of ${EXPERIMENTS.join(', ')}.`, `${at}.experiment 必须是 ${EXPERIMENTS.join('、')} 之一。`);
    if (!isObj(e.title) || typeof e.title.en !== 'string' || typeof e.title.zh !== 'string') fail(`${at}.title needs "en" and "zh".`, `${at}.title 需要 "en" 和 "zh" 两种语言。`);
    const promptOk = (p: unknown) => typeof p === 'string' || (isObj(p) && Array.isArray(p.ids) && p.ids.every((x) => Number.isInteger(x)));
    if (!promptOk(e.prompt)) fail(`${at}.prompt must be text (or token ids).`, `${at}.prompt 必须是文字提示词（或 token id 列表）。`);
    if (typeof e.reference !== 'string' || !/\.png$/i.test(e.reference) || e.reference.includes('..')) fail(`${at}.reference must be a PNG path inside the repository.`, `${at}.reference 必须是仓库里的一张 PNG 参考图路径。`);
    if (!isObj(e.adapter)) fail(`${at}.adapter must be an object (IPAdapter Advanced's inputs).`, `${at}.adapter 必须是对象（IPAdapter Advanced 节点的参数）。`);
    const v = validateSettings(entrySettings(file, e, PLACEHOLDER), { adapterModels: 1 });
    if (!v.ok) fail(`${at} (${e.id}): ${v.errors.map((x) => `${x.path}: ${x.message}`).join(' ')}`, `${at}（${e.id}）的参数有误：${v.errors.map((x) => `${x.path}: ${x.message}`).join(' ')}`);
  });
  return file;
}

/** A weight file the script found, with what src/lib/weights/detect made of it. */
export interface FoundFile { path: string; name: string; bytes: number; detected: Detected }

export interface GalleryFiles {
  checkpoint?: FoundFile;
  unet?: FoundFile;
  vae?: FoundFile;
  textEncoder?: FoundFile;
  imageEncoder: FoundFile;
  adapter: FoundFile;
}

/**
 * Picks the files the gallery needs from what a folder holds (a ComfyUI models/ folder or
 * diffusers-layout files): an SD1.5 checkpoint (or a diffusers UNet + VAE + text encoder), the
 * ViT-H image encoder and the base SD1.5 IP-Adapter. Refuses, naming what is missing or wrong.
 */
export function chooseGalleryFiles(found: FoundFile[], folder: string): GalleryFiles {
  const of = (k: Detected['kind']) => found.filter((f) => f.detected.kind === k);
  const sd15 = (f: FoundFile) => !('family' in f.detected) || f.detected.family === 'sd15';
  const checkpoint = of('checkpoint').find((f) => sd15(f) && f.detected.kind === 'checkpoint' && f.detected.hasVae && f.detected.hasTextEncoder);
  const unet = of('diffusers-unet').find(sd15);
  const vae = of('diffusers-vae')[0];
  const textEncoder = of('clip-text').find(sd15);
  const imageEncoder = found.find((f) => f.detected.kind === 'clip-vision' && f.detected.encoder === 'ViT-H/14');
  const adapter = found.find((f) => f.detected.kind === 'ip-adapter' && f.detected.variant === 'base' && f.detected.family === 'sd15');
  const missing: Bilingual[] = [];
  if (!checkpoint && !(unet && vae && textEncoder)) missing.push({ en: 'an SD1.5 checkpoint (models/checkpoints/*.safetensors) or a diffusers UNet, VAE and text encoder', zh: 'SD1.5 底模（models/checkpoints/*.safetensors），或 diffusers 格式的 UNet、VAE 和文本编码器' });
  if (!imageEncoder) missing.push({ en: 'the ViT-H/14 image encoder (clip_vision/CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors = h94/IP-Adapter models/image_encoder/model.safetensors)', zh: 'ViT-H/14 图像编码器（clip_vision/CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors，即 h94/IP-Adapter 的 models/image_encoder/model.safetensors）' });
  if (!adapter) missing.push({ en: 'the base SD1.5 IP-Adapter (ipadapter/ip-adapter_sd15.safetensors)', zh: 'SD1.5 基础版 IP-Adapter（ipadapter/ip-adapter_sd15.safetensors）' });
  if (missing.length) {
    const seen = found.length
      ? { en: ` Found: ${found.map((f) => `${f.name} (${describe(f.detected)})`).join('; ')}.`, zh: ` 找到的文件：${found.map((f) => `${f.name}（${describe(f.detected)}）`).join('；')}。` }
      : { en: ' No .safetensors files were found there.', zh: ' 该文件夹里没有找到任何 .safetensors 文件。' };
    throw new GalleryError({
      en: `Cannot render the gallery from ${folder}: missing ${missing.map((m) => m.en).join('; ')}.${seen.en}`,
      zh: `无法用 ${folder} 渲染图库：缺少${missing.map((m) => m.zh).join('；')}。${seen.zh}`,
    }, found.length ? 'weights-wrong' : 'weights-missing');
  }
  return checkpoint ? { checkpoint, imageEncoder: imageEncoder!, adapter: adapter! } : { unet, vae, textEncoder, imageEncoder: imageEncoder!, adapter: adapter! };
}

export type GalleryState =
  | { kind: 'none' }
  | { kind: 'test-only'; renders: number }
  | { kind: 'real'; index: GalleryIndex };

/** What the gallery page can show: real renders only; an index from test networks counts as none. */
export function galleryState(index: unknown): GalleryState {
  if (!isObj(index) || index.version !== 1 || !Array.isArray(index.renders) || index.renders.length === 0) return { kind: 'none' };
  if (index.testNetworks !== false) return { kind: 'test-only', renders: index.renders.length };
  return { kind: 'real', index: index as unknown as GalleryIndex };
}
