/** The gallery page's words, in both languages (src/pages/[lang]/lab/gallery.astro). */
import type { Bilingual, Lang } from '../i18n/lang';
import type { PromptSpec } from './gallery';

export const G = {
  title: { en: 'Gallery of results', zh: '出图示例' },
  intro: {
    en: 'For readers whose browser or GPU cannot run the live lab: pictures made by this course’s own pipeline with real SD1.5 + IP-Adapter weights, each with the exact settings it was made with, so you can reproduce it in ComfyUI or in the live lab.',
    zh: '给浏览器或显卡跑不动实时实验的读者：这里放的是本课程自己的流水线用真实的 SD1.5 + IP-Adapter 权重生成的图片，每张都附上完整参数，你可以在 ComfyUI 或实时实验里照着复现。',
  },
  noneTitle: { en: 'No real renders yet', zh: '还没有真实出图' },
  none: {
    en: 'No pictures have been rendered with the real weights yet, so this gallery is empty. The course does not show made-up or stand-in images in their place.',
    zh: '目前还没有用真实权重渲染过任何图片，所以这个图库是空的。本课程不会用编造的或代替的图片来充数。',
  },
  testOnly: {
    en: 'The only renders on record were made with the tiny random test networks, which draw noise, not pictures; they are not shown.',
    zh: '现有的渲染记录都来自很小的随机测试网络，它们只会画出噪声而不是图片，所以不展示。',
  },
  planned: { en: 'What the gallery will show', zh: '图库将会展示的内容' },
  plannedIntro: {
    en: 'These are the settings the gallery script renders (models/gallery.json), all with the same seed so that only the IP-Adapter setting changes:',
    zh: '下面是图库脚本要渲染的参数（models/gallery.json），全部用同一个种子，只改变 IP-Adapter 的设置：',
  },
  howTo: { en: 'Render it yourself', zh: '自己来渲染' },
  howToText: {
    en: 'With the weights on disk (a ComfyUI models folder: an SD1.5 checkpoint, the ViT-H image encoder and ip-adapter_sd15.safetensors), run:',
    zh: '如果你的硬盘上有权重（ComfyUI 的 models 文件夹：一个 SD1.5 底模、ViT-H 图像编码器和 ip-adapter_sd15.safetensors），运行：',
  },
  howToNote: {
    en: 'It writes the PNGs and index.json (exact settings, model file names and SHA-256, seed, time, machine) into public/gallery/. With --webgpu it runs the live lab’s pipeline in headless Chromium on your GPU (fp16 where the GPU offers it, else fp32); without it, on onnxruntime’s CPU (wasm) build, whose 4 GiB memory cannot hold full-size SD1.5 + ViT-H, so real weights need --webgpu. No one has rendered the real gallery yet, so this page shows none. Meanwhile, the live lab runs the same settings on your own GPU:',
    zh: '它会把 PNG 和 index.json（完整参数、模型文件名和 SHA-256、种子、耗时、机器）写进 public/gallery/。加上 --webgpu，它会在无头 Chromium 里用你的显卡跑实时实验的同一条流水线（显卡支持就用 fp16，否则 fp32）；不加的话走 onnxruntime 的 CPU（wasm）版本，最多 4 GiB 内存装不下完整尺寸的 SD1.5 + ViT-H，所以真实权重要用 --webgpu。目前还没有人渲染过真实的图库，所以这一页暂时是空的。在那之前，你可以在实时实验里用自己的显卡跑同样的参数：',
  },
  liveLink: { en: 'the live lab (lesson 9)', zh: '实时实验（第 9 课）' },
  downloadsLink: { en: 'get the weights', zh: '获取权重' },
  renderedWith: { en: 'Rendered {when} on {machine} with these model files:', zh: '{when} 在 {machine} 上渲染，所用模型文件：' },
  experiment: {
    weight: { en: 'IP-Adapter weight', zh: 'IP-Adapter 权重' },
    'weight-type': { en: 'Weight type', zh: '权重类型（weight_type）' },
    layers: { en: 'One layer at a time (layer_weights)', zh: '逐层实验（layer_weights）' },
  } as Record<string, Bilingual>,
  prompt: { en: 'Prompt', zh: '提示词' },
  negative: { en: 'Negative prompt', zh: '负面提示词' },
  reference: { en: 'Reference image', zh: '参考图' },
  sampler: { en: 'Sampler', zh: '采样器' },
  size: { en: 'Size', zh: '尺寸' },
  steps: { en: 'Steps', zh: '步数' },
  cfg: { en: 'CFG', zh: 'CFG' },
  seed: { en: 'Seed', zh: '种子' },
  adapter: { en: 'IPAdapter Advanced', zh: 'IPAdapter Advanced 节点' },
  alt: { en: 'Rendered image: {title}. Prompt: {prompt}.', zh: '渲染结果：{title}。提示词：{prompt}。' },
} as const;

export const g = (lang: Lang, text: Bilingual, vars: Record<string, string | number> = {}): string =>
  text[lang].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));

/** A prompt as the page prints it: the text, or a note that it was given as token ids. */
export const promptText = (p: PromptSpec): string => (typeof p === 'string' ? p : `(${p.ids.length} token ids)`);

/** IPAdapter Advanced's inputs, as ComfyUI names them. */
export function adapterText(a: { weight?: number; weightType?: string; startAt?: number; endAt?: number; layerWeights?: string; embedsScaling?: string; combineEmbeds?: string }): string {
  const parts = [`weight ${a.weight ?? 1}`, `weight_type ${a.weightType ?? 'linear'}`, `start_at ${a.startAt ?? 0}`, `end_at ${a.endAt ?? 1}`];
  if (a.embedsScaling) parts.push(`embeds_scaling ${a.embedsScaling}`);
  if (a.combineEmbeds) parts.push(`combine_embeds ${a.combineEmbeds}`);
  if (a.layerWeights) parts.push(`layer_weights "${a.layerWeights}"`);
  return parts.join(', ');
}
