/**
 * Renders the gallery (models/gallery.json) with real weights through the same pipeline host as
 * the live lab's worker (src/lib/pipeline/host.ts) into a folder of PNGs plus index.json (the
 * exact settings, model files with SHA-256, seed, time, machine). Two routes: onnxruntime-web's
 * wasm provider in Node (small networks: its heap is 4 GiB), or `--webgpu`, the host in headless
 * Chromium on a GPU (scripts/gallery-webgpu.ts; fp16 where the adapter has shader-f16). Run
 * through scripts/render-gallery.mjs:
 *
 *   node scripts/render-gallery.mjs --weights ~/ComfyUI/models --webgpu [--chromium PATH] [--out public/gallery] [--only id,id]
 *
 * `--weights` is a ComfyUI models/ folder or a folder of diffusers-layout files; each
 * .safetensors file is recognised by its header (src/lib/weights/detect).
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync, createReadStream } from 'node:fs';
import { openAsBlob } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { cpus, platform } from 'node:os';
import { deflateSync, inflateSync } from 'node:zlib';
import type * as Ort from 'onnxruntime-web';
import { createPipelineHost } from '../src/lib/pipeline/host';
import type { LoadedInfo, LoadOptions, ModelFile, ModelFiles, Reply, Request } from '../src/lib/pipeline/protocol';
import { openWebGpuHost } from './gallery-webgpu';
import type { GenerateResult } from '../src/lib/pipeline/generate';
import { detectFromBytes, describe, type Detected } from '../src/lib/weights/detect';
import { headerLength } from '../src/lib/weights/safetensors';
import {
  chooseGalleryFiles, entrySettings, GalleryError, parseGallerySettings,
  type FoundFile, type GalleryIndex, type GalleryModelFile, type GalleryRender, type GallerySettingsFile,
} from '../src/lib/live/gallery';
import { decodePng, encodePng, rgb8FromImages } from '../src/lib/live/galleryPng';

const inflate = (d: Uint8Array) => new Uint8Array(inflateSync(d));
const deflate = (d: Uint8Array) => new Uint8Array(deflateSync(d, { level: 9 }));
const sha256File = (path: string) => new Promise<string>((ok, fail) => {
  const h = createHash('sha256');
  createReadStream(path).on('data', (b) => h.update(b)).on('end', () => ok(h.digest('hex'))).on('error', fail);
});

/** Every .safetensors file under `dir` (4 levels deep), recognised from its header alone. */
export function findWeightFiles(dir: string): FoundFile[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new GalleryError({ en: `The weights folder ${dir} does not exist.`, zh: `权重文件夹 ${dir} 不存在。` }, 'weights-missing');
  }
  const out: FoundFile[] = [];
  const walk = (d: string, depth: number) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory() && depth < 4) walk(p, depth + 1);
      else if (e.isFile() && e.name.endsWith('.safetensors')) out.push({ path: p, name: relative(dir, p), bytes: statSync(p).size, detected: detectFile(p) });
    }
  };
  walk(dir, 0);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function detectFile(path: string): Detected {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const first = new Uint8Array(8);
    readSync(fd, first, 0, 8, 0);
    const n = headerLength(first, basename(path));
    const prefix = new Uint8Array(8 + n);
    readSync(fd, prefix, 0, 8 + n, 0);
    return detectFromBytes(prefix, size, basename(path));
  } catch (e) {
    return { kind: 'unknown', reason: e instanceof Error ? e.message : String(e) };
  } finally {
    closeSync(fd);
  }
}

/** A render's inputs: the weight files by role as the host takes them, and what index.json says of them. */
export interface RenderInput {
  /** The wasm route: a host made here on this onnxruntime. */
  ort?: typeof Ort;
  /** Or a host elsewhere (the WebGPU route's page): one request in, its answer out. */
  ask?: (msg: Request) => Promise<Reply>;
  /** The WebGPU route's runtime and adapter, for index.json. */
  machine?: { runtime: string; device?: string };
  files: ModelFiles;
  models: GalleryModelFile[];
  gallery: GallerySettingsFile;
  /** Resolves an entry's `reference` path (repo-relative). */
  repoRoot: string;
  outDir: string;
  loadOptions?: LoadOptions;
  /** The tiny random test networks: the index says so, and the gallery page never shows it. */
  testNetworks: boolean;
  only?: string[];
  log?: (line: string) => void;
}

/** The core: load once, render each entry, write `<id>.png` and index.json. Returns the index. */
export async function renderGalleryToFolder(r: RenderInput): Promise<GalleryIndex> {
  const log = r.log ?? (() => {});
  const inProcess = (ort: typeof Ort) => {
    const replies: Reply[] = [];
    const host = createPipelineHost({ ort, post: (reply) => replies.push(reply) });
    return async (msg: Request): Promise<Reply | undefined> => {
      const from = replies.length;
      await host.handle(msg);
      return replies.slice(from).find((x) => x.type !== 'load-progress' && x.type !== 'progress');
    };
  };
  const send = r.ask ?? inProcess(r.ort!);
  const ask = async (msg: Request): Promise<Reply> => {
    const answer = await send(msg);
    if (!answer) throw new GalleryError({ en: `The pipeline gave no answer to ${msg.type}.`, zh: `流水线没有回应 ${msg.type} 请求。` }, 'render');
    if (answer.type === 'error') throw new GalleryError({ en: `The pipeline refused (${answer.code}): ${answer.message}`, zh: `流水线报错（${answer.code}）：${answer.message}` }, 'render');
    return answer;
  };

  const entries = r.gallery.entries.filter((e) => !r.only?.length || r.only.includes(e.id));
  if (entries.length === 0) throw new GalleryError({ en: `No gallery entry matches --only ${r.only?.join(',')}.`, zh: `--only ${r.only?.join(',')} 没有匹配任何图库条目。` }, 'settings');
  const references = new Map<string, { image: { width: number; height: number; data: Uint8Array }; sha256: string }>();
  for (const e of entries) {
    if (references.has(e.reference)) continue;
    const path = resolve(r.repoRoot, e.reference);
    if (!existsSync(path)) throw new GalleryError({ en: `${e.id}: the reference image ${e.reference} does not exist.`, zh: `${e.id}：参考图 ${e.reference} 不存在。` }, 'reference');
    const bytes = new Uint8Array(readFileSync(path));
    try {
      const png = decodePng(bytes, inflate);
      references.set(e.reference, { image: { width: png.width, height: png.height, data: png.data }, sha256: createHash('sha256').update(bytes).digest('hex') });
    } catch (err) {
      throw new GalleryError({ en: `${e.id}: the reference ${e.reference} cannot be read (${(err as Error).message}).`, zh: `${e.id}：参考图 ${e.reference} 无法读取（${(err as Error).message}）。` }, 'reference');
    }
  }

  log('loading the networks…');
  const loaded = await ask({ type: 'load', id: 1, files: r.files, options: { provider: r.ask ? 'webgpu' : 'wasm', ...r.loadOptions } });
  const info = (loaded as Extract<Reply, { type: 'loaded' }>).info as LoadedInfo;
  mkdirSync(r.outDir, { recursive: true });
  const renders: GalleryRender[] = [];
  for (const [i, e] of entries.entries()) {
    const ref = references.get(e.reference)!;
    const settings = entrySettings(r.gallery, e, { image: ref.image });
    log(`${e.id}: ${settings.steps} steps…`);
    const answer = await ask({ type: 'generate', id: 2 + i, settings });
    const result = answer as unknown as GenerateResult;
    const file = `${e.id}.png`;
    writeFileSync(join(r.outDir, file), encodePng(rgb8FromImages(result.images, 0, result.width, result.height), result.width, result.height, deflate));
    renders.push({
      id: e.id, experiment: e.experiment, title: e.title, file, width: result.width, height: result.height,
      settings: {
        prompt: e.prompt, negativePrompt: settings.negativePrompt as GalleryRender['settings']['negativePrompt'], width: settings.width, height: settings.height, steps: settings.steps,
        guidance: settings.guidance, scheduler: settings.scheduler, seed: settings.seed,
        reference: { path: e.reference, sha256: ref.sha256, width: ref.image.width, height: ref.image.height },
        adapter: e.adapter,
      },
      timeMs: Math.round(result.timings.totalMs),
    });
  }
  const index: GalleryIndex = {
    version: 1, testNetworks: r.testNetworks, renderedAt: new Date().toISOString(),
    machine: {
      platform: `${platform()} ${process.arch}`, cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}`,
      runtime: r.machine?.runtime ?? `Node ${process.version}, onnxruntime-web ${r.ort?.env.versions?.web ?? ''}`.trim(),
      provider: info.provider, floatType: info.floatType, device: r.machine?.device ?? info.device,
    },
    models: r.models, renders,
  };
  writeFileSync(join(r.outDir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  await send({ type: 'unload', id: 999 });
  return index;
}

/**
 * onnxruntime-web's wasm build has a 32-bit heap (4 GiB) that holds every session's weights at
 * once; SD1.5 in fp32 with ViT-H needs about 6.4 GB. Refuse before spending minutes on it.
 */
export const WASM_HEAP_BUDGET = 3.5 * 2 ** 30;
export function fp32Bytes(found: FoundFile[]): number {
  return found.reduce((a, f) => a + (f.detected.kind !== 'unknown' && 'dtype' in f.detected && f.detected.dtype === 'F16' ? 2 : 1) * f.bytes, 0);
}

/** Why the WebGPU route could not start, in both languages (no GPU adapter, or no browser). */
export function webGpuStartError(e: unknown): GalleryError {
  const err = e as Error & { code?: string };
  if (err?.code === 'no-adapter') {
    return new GalleryError({ en: 'Chromium offers no WebGPU adapter on this machine: is there a GPU, with a Vulkan driver? (--chromium PATH picks another browser.)', zh: '这台机器上的 Chromium 没有可用的 WebGPU 适配器：有显卡吗？装了它的 Vulkan 驱动吗？（可以用 --chromium 路径 换一个浏览器。）' }, 'render');
  }
  const why = (err?.message ?? String(e)).split('\n')[0];
  return new GalleryError({ en: `Chromium could not be started: ${why} (--chromium PATH picks the browser).`, zh: `无法启动 Chromium：${why}（可以用 --chromium 路径 指定浏览器）。` }, 'render');
}

async function main(argv: string[]): Promise<number> {
  const opt = (name: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
  const repoRoot = resolve(process.env.IPA_REPO_ROOT ?? new URL('..', import.meta.url).pathname);
  const weights = opt('--weights');
  if (!weights) {
    console.error('Usage: node scripts/render-gallery.mjs --weights <ComfyUI models folder or diffusers files> [--webgpu [--chromium PATH]] [--out public/gallery] [--settings models/gallery.json] [--only id,id]\n用法：node scripts/render-gallery.mjs --weights <ComfyUI 的 models 文件夹或 diffusers 权重文件夹> [--webgpu [--chromium 路径]] [--out public/gallery] [--only id,id]');
    return 2;
  }
  try {
    const gallery = parseGallerySettings(JSON.parse(readFileSync(resolve(opt('--settings') ?? join(repoRoot, 'models/gallery.json')), 'utf8')));
    const found = findWeightFiles(resolve(weights));
    const chosen = chooseGalleryFiles(found, weights);
    const used = Object.values(chosen).filter(Boolean) as FoundFile[];
    for (const f of used) console.log(`${f.name}: ${describe(f.detected)}`);
    const webgpu = argv.includes('--webgpu');
    if (!webgpu && fp32Bytes(used) > WASM_HEAP_BUDGET) {
      throw new GalleryError({
        en: `These networks need about ${(fp32Bytes(used) / 1e9).toFixed(1)} GB as float32, more than onnxruntime-web's wasm heap holds (4 GiB, shared by every session). Add --webgpu to render on this machine's GPU in headless Chromium; see README "Gallery".`,
        zh: `这些网络按 float32 约需 ${(fp32Bytes(used) / 1e9).toFixed(1)} GB，超过 onnxruntime-web 的 wasm 内存上限（4 GiB，所有会话共用）。加上 --webgpu，就会在无头 Chromium 里用本机显卡出图；见 README 的 "Gallery" 一节。`,
      }, 'weights-wrong');
    }
    const file = async (f: FoundFile): Promise<ModelFile> => ({ name: basename(f.path), data: await openAsBlob(f.path) });
    const files: ModelFiles = chosen.checkpoint
      ? { checkpoint: await file(chosen.checkpoint) }
      : { unet: await file(chosen.unet!), vae: await file(chosen.vae!), textEncoder: await file(chosen.textEncoder!) };
    files.imageEncoder = await file(chosen.imageEncoder);
    files.adapters = [await file(chosen.adapter)];
    const roles: [string, FoundFile | undefined][] = [['checkpoint', chosen.checkpoint], ['unet', chosen.unet], ['vae', chosen.vae], ['text encoder', chosen.textEncoder], ['image encoder', chosen.imageEncoder], ['ip-adapter', chosen.adapter]];
    const models: GalleryModelFile[] = [];
    for (const [role, f] of roles) if (f) models.push({ role, name: basename(f.path), bytes: f.bytes, sha256: await sha256File(f.path), detected: describe(f.detected) });
    const common = { files, models, gallery, repoRoot, outDir: resolve(opt('--out') ?? join(repoRoot, 'public/gallery')), testNetworks: false, only: opt('--only')?.split(','), log: (l: string) => console.log(l) };
    let index: GalleryIndex;
    if (webgpu) {
      const host = await openWebGpuHost({ repoRoot, chromiumPath: opt('--chromium') }).catch((e) => { throw webGpuStartError(e); });
      try {
        if (host.adapter.fallback) throw new GalleryError({ en: `Chromium's only WebGPU adapter here is a software one (${host.adapter.description}): real networks would take hours. Run on a machine with a GPU.`, zh: `这里 Chromium 只有软件模拟的 WebGPU（${host.adapter.description}）：真实网络要跑几个小时。请在有显卡的机器上运行。` }, 'render');
        console.log(`WebGPU adapter: ${host.adapter.description}; ${host.adapter.f16 ? 'fp16' : 'fp32 (no shader-f16)'}`);
        index = await renderGalleryToFolder({
          ...common, ask: host.ask, loadOptions: { floatType: host.adapter.f16 ? 'float16' : 'float32' },
          machine: { runtime: `Chromium ${host.browserVersion}, WebGPU`, device: host.adapter.description },
        });
      } catch (e) {
        if (e instanceof GalleryError) throw e;
        // the page crashed or was lost (out of GPU memory, a driver reset): say so, not a stack
        const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
        throw new GalleryError({ en: `The renderer page in Chromium failed: ${why}. If the GPU ran out of memory, close other GPU programs or render fewer entries at once (--only).`, zh: `Chromium 里的渲染页面出错：${why}。如果是显存不够，请关掉其他占用显卡的程序，或用 --only 一次少渲染几张。` }, 'render');
      } finally { await host.close(); }
    } else {
      const ort = await import('onnxruntime-web');
      ort.env.wasm.numThreads = 1;
      index = await renderGalleryToFolder({ ...common, ort: ort as unknown as typeof Ort });
    }
    console.log(`${index.renders.length} images rendered.`);
    return 0;
  } catch (e) {
    if (e instanceof GalleryError) { console.error(`${e.text.en}\n${e.text.zh}`); return 1; }
    throw e;
  }
}

// Run by scripts/render-gallery.mjs (which sets this); imported by the test, it does nothing.
if (process.env.IPA_RENDER_GALLERY_MAIN === '1') process.exitCode = await main(process.argv.slice(2));
