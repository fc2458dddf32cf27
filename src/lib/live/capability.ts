/**
 * Can this browser run the live lab, and how? Pure decision logic over what WebGPU reports
 * (an adapter's features, limits and info), plus `probeCapability()`, the thin glue that asks the
 * browser. Every failure comes with a specific sentence in both languages: what is missing, what
 * it costs, what the reader can do.
 *
 * Memory is an estimate, not a measurement (WebGPU does not tell a page how much GPU memory
 * there is): weights × bytes per value + the biggest activations at the chosen size.
 */

export type Lang2 = 'en' | 'zh';

/**
 * A software adapter (the CPU emulating a GPU): flagged by the browser, or named SwiftShader,
 * which Chromium's headless builds do not always flag. Shared by the lab, the GPU bench and the
 * gallery's WebGPU route.
 */
export function isSoftwareAdapter(a: { isFallbackAdapter?: boolean; info?: { isFallbackAdapter?: boolean; architecture?: string; description?: string } }): boolean {
  return Boolean(a.isFallbackAdapter ?? a.info?.isFallbackAdapter) || /swiftshader/i.test(`${a.info?.architecture ?? ''} ${a.info?.description ?? ''}`);
}
export type Bilingual = Record<Lang2, string>;

/** What we read from a GPUAdapter (a plain object, so tests pass fakes). */
export interface AdapterFacts {
  features: ReadonlySet<string> | readonly string[];
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  /** GPUAdapter.isFallbackAdapter (older Chromium), or info.isFallbackAdapter. */
  isFallbackAdapter?: boolean;
}

export type Probe =
  | { kind: 'no-webgpu' }
  | { kind: 'no-adapter' }
  | { kind: 'error'; message: string }
  | { kind: 'adapter'; adapter: AdapterFacts };

/** Parameter counts of the networks (SD1.5 and h94/IP-Adapter); bytes = params × 2 (fp16) or 4 (fp32). */
export const MODEL_PARAMS = {
  unet: 859_520_964,
  textEncoder: 123_060_480,
  vae: 83_653_863,
  imageEncoder: 632_076_800,
  adapter: { base: 22_000_000, light: 22_000_000, plus: 98_000_000, 'plus-face': 98_000_000, 'full-face': 43_000_000 },
} as const;
export type AdapterKind = keyof typeof MODEL_PARAMS.adapter;

export interface ModelChoice {
  adapter: AdapterKind;
  width: number;
  height: number;
  /** CFG doubles the UNet batch. */
  cfg: boolean;
  /** Skip the VAE encoder (text-to-image). */
  img2img?: boolean;
}

export interface MemoryEstimate {
  floatType: 'float16' | 'float32';
  weightsBytes: number;
  activationBytes: number;
  totalBytes: number;
  /** The biggest single GPU buffer: the self-attention scores at the largest latent. */
  largestBufferBytes: number;
}

/** Estimated GPU memory for a choice of models and size. */
export function estimateMemory(c: ModelChoice, floatType: 'float16' | 'float32'): MemoryEstimate {
  const b = floatType === 'float16' ? 2 : 4;
  const p = MODEL_PARAMS;
  const params = p.unet + p.textEncoder + p.vae * (c.img2img ? 1 : 0.6) + p.imageEncoder + p.adapter[c.adapter];
  const weightsBytes = Math.round(params * b);
  const batch = c.cfg ? 2 : 1;
  const tokens = (c.width / 8) * (c.height / 8);
  // self-attention scores in the first UNet block: batch · 8 heads · N² values
  const largestBufferBytes = batch * 8 * tokens * tokens * b;
  // the VAE decoder's 128-channel full-resolution activations (a few alive at once) + UNet's feature maps
  const vaeAct = 3 * 128 * c.width * c.height * b;
  const unetAct = batch * 320 * tokens * b * 12;
  const activationBytes = Math.round(largestBufferBytes * 1.5 + Math.max(vaeAct, unetAct));
  return { floatType, weightsBytes, activationBytes, totalBytes: weightsBytes + activationBytes, largestBufferBytes };
}

export type Verdict = 'ok' | 'warn' | 'blocked';

export interface CapabilityMessage {
  code: 'no-webgpu' | 'no-adapter' | 'probe-failed' | 'no-f16' | 'buffer-too-small' | 'memory' | 'software';
  level: 'warn' | 'blocked';
  text: Bilingual;
}

export interface Capability {
  verdict: Verdict;
  floatType: 'float16' | 'float32' | null;
  adapterName: string | null;
  limits: AdapterFacts['limits'] | null;
  estimate: MemoryEstimate | null;
  messages: CapabilityMessage[];
  /** Largest square size (multiple of 64) whose biggest buffer fits the adapter's limits. */
  maxSquareSide: number | null;
}

export interface DecideOptions {
  /** Memory the lab may assume (bytes); default: navigator.deviceMemory × ½ where known, else 4 GiB. */
  memoryBudget?: number;
}

export const GB = 1024 ** 3;
export const formatGB = (bytes: number) => `${(bytes / GB).toFixed(bytes < GB ? 2 : 1)} GB`;

/** The text shown where the lab cannot run: no gallery of real renders exists yet. */
export const GALLERY_FALLBACK: Bilingual = {
  en: 'No gallery of real results exists yet: SD1.5 + IP-Adapter images for this course have not been rendered, and the course will not show made-up pictures in their place. Once the gallery script has run with the real weights, its images and their exact settings will appear on the gallery page, /en/lab/gallery/ (which lists what will be rendered until then).',
  zh: '目前还没有真实出图的图库：本课程还没有用 SD1.5 + IP-Adapter 真正渲染过示例图，我们也不会拿编造的图片充数。等图库脚本用真实权重跑过之后，图片和它们的完整参数会显示在图库页面 /zh/lab/gallery/（在那之前，那里列出了将要渲染的参数）。',
};

function largestSide(limit: number, cfg: boolean, b: number): number {
  // batch · 8 · N² · b ≤ limit, N = (s/8)²
  const n = Math.sqrt(limit / ((cfg ? 2 : 1) * 8 * b));
  const side = Math.floor((Math.sqrt(n) * 8) / 64) * 64;
  return Math.max(0, side);
}

/** The decision: can it run, in which precision, and what to tell the reader. */
export function decideCapability(probe: Probe, choice: ModelChoice, o: DecideOptions = {}): Capability {
  const none = (m: CapabilityMessage): Capability => ({ verdict: 'blocked', floatType: null, adapterName: null, limits: null, estimate: null, messages: [m], maxSquareSide: null });
  if (probe.kind === 'no-webgpu') {
    return none({
      code: 'no-webgpu', level: 'blocked',
      text: {
        en: 'This browser has no WebGPU, so the lab cannot run the model here. Use a recent Chrome or Edge (version 113 or later) on Windows, macOS or ChromeOS, or Chrome on Android 12+; on Linux enable chrome://flags/#enable-unsafe-webgpu; in Safari 18+ turn on WebGPU under Develop › Feature Flags; Firefox 141+ has it on Windows. Everything else in the lesson works without it.',
        zh: '这个浏览器没有 WebGPU，所以实验没法在这里跑模型。请用较新的 Chrome 或 Edge（113 及以上，Windows、macOS、ChromeOS），或 Android 12 以上的 Chrome；Linux 上需在 chrome://flags/#enable-unsafe-webgpu 打开；Safari 18 以上在「开发 › 功能标志」里打开 WebGPU；Firefox 141 以上在 Windows 上已支持。课程里其余内容不需要它。',
      },
    });
  }
  if (probe.kind === 'no-adapter') {
    return none({
      code: 'no-adapter', level: 'blocked',
      text: {
        en: 'The browser has WebGPU but gave no GPU adapter: the GPU may be blocklisted, hardware acceleration may be off (browser settings › System), or the driver too old. Turn hardware acceleration on, update the graphics driver, and reload.',
        zh: '浏览器支持 WebGPU，但没有给出可用的 GPU（适配器）：可能显卡被列入了黑名单、硬件加速被关掉了（浏览器设置 › 系统），或者驱动太旧。请打开硬件加速、更新显卡驱动后刷新页面。',
      },
    });
  }
  if (probe.kind === 'error') {
    return none({
      code: 'probe-failed', level: 'blocked',
      text: {
        en: `Asking the browser for a GPU failed: ${probe.message}. Reload the page; if it happens again, restart the browser.`,
        zh: `向浏览器申请 GPU 时出错：${probe.message}。请刷新页面；如果还出错，重启浏览器。`,
      },
    });
  }
  const a = probe.adapter;
  const features = new Set(a.features);
  const messages: CapabilityMessage[] = [];
  const f16 = features.has('shader-f16');
  const budget = o.memoryBudget ?? 4 * GB;
  const fallback = isSoftwareAdapter(a);
  const name = [a.info?.vendor, a.info?.architecture, a.info?.device, a.info?.description].filter(Boolean).join(' ') || null;

  const e16 = estimateMemory(choice, 'float16');
  const e32 = estimateMemory(choice, 'float32');
  let floatType: 'float16' | 'float32' = f16 ? 'float16' : 'float32';
  let est = f16 ? e16 : e32;
  let verdict: Verdict = 'ok';

  if (!f16) {
    const fits = e32.totalBytes <= budget;
    messages.push({
      code: 'no-f16', level: fits ? 'warn' : 'blocked',
      text: {
        en: `This GPU has no 'shader-f16' (16-bit float shaders), so the networks run in 32-bit floats: about ${formatGB(e32.totalBytes)} of GPU memory instead of ${formatGB(e16.totalBytes)}, twice the weight bytes, and slower steps.` + (fits ? '' : ` That is more than the ${formatGB(budget)} this device can be expected to give a page, so the lab will not start it. Try a smaller size, or a browser/GPU with shader-f16 (Chrome 120+ on most GPUs from 2019 on).`),
        zh: `这块 GPU 不支持 'shader-f16'（16 位浮点着色器），所以网络只能用 32 位浮点运行：大约要 ${formatGB(e32.totalBytes)} 显存（半精度只要 ${formatGB(e16.totalBytes)}），权重占用翻倍，每步也更慢。` + (fits ? '' : `这超过了这台设备大概能给网页的 ${formatGB(budget)}，所以实验不会启动。可以把尺寸调小，或者换一个支持 shader-f16 的浏览器/显卡（多数 2019 年以后的显卡配 Chrome 120 以上即可）。`),
      },
    });
    if (!fits) verdict = 'blocked';
  } else if (e16.totalBytes > budget) {
    messages.push({
      code: 'memory', level: 'warn',
      text: {
        en: `The chosen models need about ${formatGB(e16.totalBytes)} of GPU memory, more than the ${formatGB(budget)} this device can be expected to give a page. It may run out of memory; a smaller size needs less.`,
        zh: `所选模型大约需要 ${formatGB(e16.totalBytes)} 显存，超过这台设备大概能给网页的 ${formatGB(budget)}，运行中可能显存不足；尺寸调小会省一些。`,
      },
    });
    verdict = 'warn';
  }
  floatType = f16 ? 'float16' : 'float32';
  est = f16 ? e16 : e32;

  const limit = Math.min(a.limits.maxBufferSize, a.limits.maxStorageBufferBindingSize);
  const maxSide = largestSide(limit, choice.cfg, floatType === 'float16' ? 2 : 4);
  if (est.largestBufferBytes > limit) {
    verdict = 'blocked';
    messages.push({
      code: 'buffer-too-small', level: 'blocked',
      text: {
        en: `At ${choice.width}×${choice.height} the largest buffer (self-attention scores, ${formatGB(est.largestBufferBytes)}) exceeds this GPU's limit for one buffer (maxBufferSize ${formatGB(a.limits.maxBufferSize)}, maxStorageBufferBindingSize ${formatGB(a.limits.maxStorageBufferBindingSize)}). ` + (maxSide >= 64 ? `Choose ${maxSide}×${maxSide} or smaller.` : 'No image size fits.'),
        zh: `在 ${choice.width}×${choice.height} 下，最大的一块缓冲区（自注意力分数，${formatGB(est.largestBufferBytes)}）超过了这块 GPU 单个缓冲区的上限（maxBufferSize ${formatGB(a.limits.maxBufferSize)}，maxStorageBufferBindingSize ${formatGB(a.limits.maxStorageBufferBindingSize)}）。` + (maxSide >= 64 ? `请选 ${maxSide}×${maxSide} 或更小的尺寸。` : '没有哪个尺寸放得下。'),
      },
    });
  }
  if (fallback) {
    messages.push({
      code: 'software', level: 'warn',
      text: {
        en: 'This is a software GPU (the browser emulates it on the CPU, e.g. SwiftShader): the lab works, but a full-size SD1.5 step can take minutes. Only tiny test networks are practical here.',
        zh: '这是一个软件模拟的 GPU（浏览器在 CPU 上模拟，例如 SwiftShader）：实验能跑，但完整尺寸的 SD1.5 每一步可能要几分钟，这里只适合跑很小的测试网络。',
      },
    });
    if (verdict === 'ok') verdict = 'warn';
  }
  if (verdict === 'ok' && messages.some((m) => m.level === 'warn')) verdict = 'warn';
  return { verdict, floatType, adapterName: name, limits: { ...a.limits }, estimate: est, messages, maxSquareSide: maxSide };
}

/** The memory the lab assumes a page may use: half the device's RAM where the browser says (integrated GPUs share it), else 4 GiB. */
export function defaultMemoryBudget(deviceMemoryGB: number | undefined): number {
  return deviceMemoryGB && deviceMemoryGB > 0 ? (deviceMemoryGB * GB) / 2 : 4 * GB;
}

interface GpuLike {
  requestAdapter(o?: unknown): Promise<null | {
    features: ReadonlySet<string>;
    limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
    info?: AdapterFacts['info'];
    isFallbackAdapter?: boolean;
  }>;
}

/** Asks the browser (the glue; decideCapability does the thinking). */
export async function probeWebGpu(nav: object = globalThis.navigator): Promise<Probe> {
  const gpu = (nav as { gpu?: unknown } | undefined)?.gpu as GpuLike | undefined;
  if (!gpu || typeof gpu.requestAdapter !== 'function') return { kind: 'no-webgpu' };
  try {
    const a = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!a) return { kind: 'no-adapter' };
    const info = a.info ? { vendor: a.info.vendor, architecture: a.info.architecture, device: a.info.device, description: a.info.description, isFallbackAdapter: a.info.isFallbackAdapter } : undefined;
    return {
      kind: 'adapter',
      adapter: {
        features: new Set(a.features),
        limits: { maxBufferSize: Number(a.limits.maxBufferSize), maxStorageBufferBindingSize: Number(a.limits.maxStorageBufferBindingSize) },
        info, isFallbackAdapter: a.isFallbackAdapter,
      },
    };
  } catch (e) {
    return { kind: 'error', message: e instanceof Error ? e.message : String(e) };
  }
}
