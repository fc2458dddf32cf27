/**
 * The server-rendered shell of each lab (used by src/components/lesson/Lab.astro at build time,
 * never shipped to the browser): title, one-line introduction and a static text alternative.
 * Numbers in the text alternatives are computed by the same functions the labs use.
 */
import type { Lang } from '../lib/i18n/lang';
import { formatInt } from '../lib/labs/format';
import { loraCosts } from '../lib/labs/lora';
import type { LabName } from './contract';

export interface LabShell {
  title: string;
  intro: string;
  /** Paragraphs of the text alternative: what the lab shows, with its default numbers. */
  alt: string[];
}

const seed = loraCosts(100, 100, 5);
const n = (x: number, lang: Lang) => formatInt(x, lang);

export const SHELL_UI: Record<Lang, { kicker: string; altSummary: string; waiting: string; noscript: string; error: string; retry: string }> = {
  en: {
    kicker: 'Lab',
    altSummary: 'Text description of this lab',
    waiting: 'The lab starts when you scroll to it. It runs in this page; nothing is downloaded from elsewhere.',
    noscript: 'This lab needs JavaScript. The text description below covers what it shows.',
    error: 'The lab could not load (are you offline?). The text description below covers what it shows.',
    retry: 'Try again',
  },
  zh: {
    kicker: '实验',
    altSummary: '本实验的文字说明',
    waiting: '滚动到这里时实验自动启动，全部在本页计算，不从别处下载任何东西。',
    noscript: '这个实验需要 JavaScript。下面的文字说明讲了它展示的内容。',
    error: '实验没能加载（是否断网了？）。下面的文字说明讲了它展示的内容。',
    retry: '重试',
  },
};

export function labShell(name: LabName, lang: Lang): LabShell {
  const en = lang === 'en';
  switch (name) {
    case 'lora':
      return en
        ? {
            title: 'LoRA by the numbers: rank, cost, and a matrix you can see',
            intro: 'Change d, k and r and count what a full update and a rank-r LoRA cost; approximate a picture with rank r; then train B·A from B = 0 and watch the loss fall.',
            alt: [
              `Counting: a d×k weight has d·k parameters; a rank-r LoRA has d·r + r·k. For the seed's example d = k = 100, r = 5 that is ${n(seed.fullParams, lang)} versus ${n(seed.loraParams, lang)} parameters, and ${n(seed.fullMultiplyAdds, lang)} versus ${n(seed.loraMultiplyAdds.first, lang)} + ${n(seed.loraMultiplyAdds.second, lang)} = ${n(seed.loraMultiplyAdds.total, lang)} multiply-adds per input vector. The two costs are equal at r = d·k/(d + k) = ${seed.breakEven}.`,
              'Rank-r picture: a 64×64 grayscale picture (a house, a sun, the ground) is a matrix. Its singular value decomposition, cut to r terms, is the best rank-r approximation; the lab shows it for any r with its error. Straight horizontal and vertical edges need few ranks; the round sun and the slanted roof need many.',
              'Training: B·A (rank r) learns the picture as a target update by gradient descent. B starts at 0, so the first product is all zeros — the model starts unchanged. The loss falls towards, and never below, the error of the rank-r SVD. The run stops by itself after a fixed number of steps, or when you press Stop.',
            ],
          }
        : {
            title: '用数字看 LoRA：秩、开销，和一张看得见的矩阵',
            intro: '调整 d、k、r，算一算完整更新和秩为 r 的 LoRA 各要多少参数；用秩 r 去近似一张图；再从 B = 0 开始训练 B·A，看损失一路下降。',
            alt: [
              `计数：一个 d×k 的权重有 d·k 个参数；秩为 r 的 LoRA 有 d·r + r·k 个。种子教程的例子 d = k = 100、r = 5：${n(seed.fullParams, lang)} 对 ${n(seed.loraParams, lang)} 个参数；每个输入向量的乘加次数 ${n(seed.fullMultiplyAdds, lang)} 对 ${n(seed.loraMultiplyAdds.first, lang)} + ${n(seed.loraMultiplyAdds.second, lang)} = ${n(seed.loraMultiplyAdds.total, lang)}。当 r = d·k/(d + k) = ${seed.breakEven} 时两者相等。`,
              '秩 r 的图：一张 64×64 的灰度图（房子、太阳、地面）就是一个矩阵。把它的奇异值分解截到前 r 项，就是最好的秩 r 近似；实验对任意 r 给出近似图和误差。横平竖直的边只要很少几个秩，圆形的太阳和斜的屋顶需要很多。',
              '训练：用梯度下降让 B·A（秩 r）去学这张图（当作目标更新）。B 从 0 开始，所以第一步的乘积全是 0——模型一开始完全没变。损失逐步下降，逼近但不会低于秩 r 的 SVD 误差。训练在固定步数后自动停止，也可以随时按“停止”。',
            ],
          };
    case 'attention':
      return en
        ? {
            title: 'Attention you can read: text tokens, image tokens, and λ',
            intro: 'Pick a latent position (the query) and see its softmax weights over the text tokens and the image tokens, the decoupled sum with λ, and the same inputs through one softmax over all tokens.',
            alt: [
              'Each token has a small, visible key vector and value vector; each latent position has a query vector. The scores are q·k/√d. Decoupled cross-attention (IP-Adapter) takes one softmax over the text tokens and a separate softmax over the image tokens, then adds text output + λ × image output: the text weights always sum to 1, whatever the image does.',
              'Beside it, the rejected design: one softmax over text and image tokens together. The weights of all tokens then sum to 1, so every image token takes weight away from the text tokens — with four image tokens the text keeps much less than it had. The formulas are shown with the current numbers substituted.',
            ],
          }
        : {
            title: '看得懂的注意力：文字 token、图像 token 和 λ',
            intro: '选一个潜空间位置（query），看它在文字 token 和图像 token 上的 softmax 权重、带 λ 的解耦相加，以及同样的输入放进一个 softmax 时的结果。',
            alt: [
              '每个 token 有一个小而可见的 key 向量和 value 向量；每个潜空间位置有一个 query 向量。得分是 q·k/√d。解耦交叉注意力（IP-Adapter）对文字 token 做一次 softmax，对图像 token 另做一次 softmax，再相加：文字输出 + λ × 图像输出。无论图像怎样，文字权重之和始终是 1。',
              '旁边是论文里被否定的做法：把文字和图像 token 放进同一个 softmax。所有 token 的权重加起来才是 1，每个图像 token 都会从文字 token 那里抢走权重——有四个图像 token 时，文字剩下的权重少了很多。公式会代入当前的数字显示。',
            ],
          };
    case 'weight-types':
      return en
        ? {
            title: 'weight_type, layer by layer, and start_at/end_at on the noise schedule',
            intro: 'Choose SD1.5 or SDXL, a weight type, the weight and the composition weight; see the weight every cross-attention layer gets, where start_at and end_at fall on the σ schedule, and try a layer_weights string.',
            alt: [
              'The per-layer weights come from the same function the pipeline uses (ComfyUI_IPAdapter_plus v2 semantics). SD1.5 has 16 cross-attention layers (indices 0–15: 6 in the input blocks, 1 in the middle, 9 in the output blocks); SDXL has 11 (0–10), with 3 the composition layer and 6 the style layer. "linear" gives every layer the weight; "style transfer" on SDXL gives only layer 6 the weight and the others 0.',
              'start_at and end_at are fractions of the noise schedule, not of the step count: the adapter is active at the steps whose noise level σ lies between σ(end_at) and σ(start_at). The chart shows σ for each sampling step of the chosen scheduler with the active steps marked. The layer_weights editor parses "index:value, …" strings as the Mad Scientist node does and explains each mistake.',
            ],
          }
        : {
            title: 'weight_type 逐层看，以及 start_at/end_at 落在噪声调度的哪里',
            intro: '选 SD1.5 或 SDXL、权重类型、权重和构图权重，看每个交叉注意力层实际拿到的权重、start_at 和 end_at 在 σ 调度上的位置，再试试 layer_weights 字符串。',
            alt: [
              '逐层权重来自流程本身使用的同一个函数（ComfyUI_IPAdapter_plus v2 的语义）。SD1.5 有 16 个交叉注意力层（编号 0–15：输入块 6 个、中间 1 个、输出块 9 个）；SDXL 有 11 个（0–10），其中 3 号是构图层、6 号是风格层。"linear" 让每层都拿到这个权重；SDXL 上的 "style transfer" 只有 6 号层有权重，其余为 0。',
              'start_at 和 end_at 是噪声调度的比例，不是步数的比例：只有噪声水平 σ 落在 σ(end_at) 与 σ(start_at) 之间的步，IP-Adapter 才起作用。图表给出所选采样器每一步的 σ，并标出起作用的步。layer_weights 编辑器按 Mad Scientist 节点的规则解析 "编号:数值, …"，并解释每个错误。',
            ],
          };
    case 'tokenizer':
      return en
        ? {
            title: 'The CLIP tokenizer, live',
            intro: 'Type a prompt and see the tokens SD1.5 actually reads: their ids, the start, end and padding tokens, the count against 77, where truncation cuts, and the weights that (word:1.5) puts on tokens.',
            alt: [
              'The lab runs the real CLIP BPE tokenizer (the same code the in-browser pipeline uses, with its 49,408-token vocabulary, loaded with the lab). Every prompt becomes 77 positions: the start token 49406, up to 75 prompt tokens, the end token 49407, then padding (49407 again for SD1.5). A prompt longer than 75 tokens is cut; the lab marks where.',
              'ComfyUI weighting such as (cat:1.5) multiplies the weight of exactly the tokens inside the brackets; the lab shows each token with its weight. Chinese text is tokenized too, but CLIP\'s vocabulary is English-centred: most Chinese characters become two or three byte-level tokens that carry little meaning.',
            ],
          }
        : {
            title: 'CLIP 分词器，现场演示',
            intro: '输入提示词，看 SD1.5 真正读到的 token：它们的 id、开始/结束/填充 token、与 77 上限的对比、截断的位置，以及 (cat:1.5) 这类权重落在哪些 token 上。',
            alt: [
              '实验运行的是真正的 CLIP BPE 分词器（与浏览器里跑的流程同一份代码，词表 49,408 个 token，随实验一起加载）。每个提示词都变成 77 个位置：开始 token 49406、最多 75 个提示词 token、结束 token 49407，然后是填充（SD1.5 填充的也是 49407）。超过 75 个 token 的提示词会被截断，实验会标出截断处。',
              'ComfyUI 的权重写法，例如 (cat:1.5)，只会改变括号里那些 token 的权重；实验会在每个 token 上标出权重。中文也能分词，但 CLIP 的词表以英文为主：大多数汉字会被拆成两三个字节级 token，几乎不带语义。',
            ],
          };
    case 'mask':
      return en
        ? {
            title: 'Two masks, and what each UNet layer sees of them',
            intro: 'Place two rectangular regions on the image (drag them, or select one and use the arrow keys); see each mask resized to every cross-attention layer\'s resolution by the pipeline\'s own rule.',
            alt: [
              'Two rectangles mark where each reference image may act (white = full effect, black = none), like the two-people example. At each cross-attention layer the mask is resized bilinearly to that layer\'s feature map: for a 512×512 image the latent is 64×64 and SD1.5\'s layers work at 64×64, 32×32, 16×16 and 8×8 positions, so at the deepest layers a small region covers only a few cells, with blurred edges.',
              'Keyboard: Tab to a rectangle\'s button to select it; arrow keys move it, Shift + arrow keys resize it. The lab lists every layer with its resolution and how much of each mask survives there.',
            ],
          }
        : {
            title: '两个遮罩，以及 UNet 每一层看到的样子',
            intro: '在图上放两个矩形区域（可以拖动，也可以选中后用方向键移动），看每个遮罩按流程自己的规则缩放到每个交叉注意力层的分辨率。',
            alt: [
              '两个矩形标出每张参考图可以起作用的区域（白色 = 完全生效，黑色 = 不生效），就像双人示例那样。在每个交叉注意力层，遮罩会被双线性缩放到该层特征图的大小：512×512 的图，潜空间是 64×64，SD1.5 的各层分别在 64×64、32×32、16×16 和 8×8 个位置上计算，所以在最深的层，小区域只剩几个格子，边缘也变模糊。',
              '键盘操作：用 Tab 移到某个矩形的按钮上选中它；方向键移动，Shift + 方向键调整大小。实验列出每一层的分辨率，以及每个遮罩在那一层还剩多少。',
            ],
          };
    case 'embedding':
      return en
        ? {
            title: 'Embedding space: nearest tokens and prompt similarity',
            intro: 'Compare two prompts by the cosine similarity of their embeddings and list a token\'s nearest neighbours — on a small demo table until the real CLIP embedding table is loaded.',
            alt: [
              'Each token id selects one row of the embedding table; similar words have rows that point in similar directions, measured by cosine similarity (1 = same direction, 0 = unrelated). A prompt is summarised here as the mean of its token vectors.',
              'Until the text encoder\'s own table (49,408 × 768 numbers: read from the live lab\'s download, fetched alone after you confirm its size, or read from a file on your disk) is available, the lab uses a small deterministic demo table of a few dozen words built by hand for this lesson and clearly labelled as such: its numbers illustrate the idea, they are not CLIP\'s.',
            ],
          }
        : {
            title: '嵌入空间：最近的 token 与提示词相似度',
            intro: '用嵌入向量的余弦相似度比较两个提示词，列出某个 token 的最近邻——在真正的 CLIP 嵌入表加载之前，用一张小的演示表。',
            alt: [
              '每个 token id 选中嵌入表中的一行；意思相近的词，它们的行指向相近的方向，用余弦相似度衡量（1 = 方向相同，0 = 不相关）。这里把提示词概括为其所有 token 向量的平均。',
              '在文本编码器自己的表（49,408 × 768 个数：从在线实验下载的权重里读取、确认大小后单独下载，或从你电脑上的文件读取）可用之前，实验使用一张为本课手工构造的几十个词的小型确定性演示表，并明确标注：它的数字只用来说明概念，不是 CLIP 的数字。',
            ],
          };
    case 'live':
      return en
        ? {
            title: 'SD1.5 + IP-Adapter in this page',
            intro: 'Check what your GPU can do, load your own weight files, pick a reference image and generate with the IPAdapter Advanced node\'s inputs, step by step. Workflows import from and export to ComfyUI.',
            alt: [
              'The lab first checks WebGPU: whether the browser has it, the GPU\'s buffer limits, 16-bit float support (without it the networks run in 32-bit floats, twice the memory) and an estimate of the memory SD1.5 + IP-Adapter need at the chosen size.',
              'You pick the weight files from your disk (nothing is uploaded): an SD1.5 checkpoint, the CLIP ViT-H image encoder and an IP-Adapter file. The inputs are named as in ComfyUI (weight, weight_type, combine_embeds, start_at, end_at, embeds_scaling, seed, steps, cfg, scheduler). No gallery of real results exists yet: where the lab cannot run, it says so instead of showing made-up pictures.',
            ],
          }
        : {
            title: '在本页运行 SD1.5 + IP-Adapter',
            intro: '先检查你的 GPU 能做什么，再加载你自己的权重文件，选一张参考图，用 IPAdapter Advanced 节点的参数一步步出图。工作流可以与 ComfyUI 互相导入导出。',
            alt: [
              '实验先检查 WebGPU：浏览器是否支持、GPU 的缓冲区上限、是否支持 16 位浮点（不支持时网络用 32 位浮点运行，显存翻倍），并估算所选尺寸下 SD1.5 + IP-Adapter 需要的显存。',
              '权重文件从你的硬盘选择（不会上传）：一个 SD1.5 底模、CLIP ViT-H 图像编码器和一个 IP-Adapter 文件。参数名与 ComfyUI 一致（weight、weight_type、combine_embeds、start_at、end_at、embeds_scaling、seed、steps、cfg、scheduler）。目前还没有真实出图的图库：实验跑不了的地方会直说，不会拿编造的图片充数。',
            ],
          };
  }
}
