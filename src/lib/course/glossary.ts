import type { Bilingual } from '../i18n/lang';

/**
 * The hover glossary shared by both languages. `<Term id="…">` in a lesson shows the entry.
 * Add entries in alphabetical order of id; keep definitions to one or two sentences.
 */
export interface GlossaryEntry {
  term: Bilingual;
  definition: Bilingual;
}

export const GLOSSARY = {
  token: {
    term: { en: 'token', zh: 'token（词元）' },
    definition: {
      en: 'A piece of text the tokenizer cuts a prompt into — a word, part of a word or a symbol — each with an integer id from a fixed vocabulary (49,408 entries for CLIP).',
      zh: '分词器把提示词切成的小块：一个词、半个词或一个符号。每个 token 在固定词表里有一个整数编号（CLIP 的词表有 49408 个）。',
    },
  },
  embedding: {
    term: { en: 'embedding', zh: 'embedding（嵌入向量）' },
    definition: {
      en: 'A vector of numbers that stands for a token or an image. SD1.5 turns each of its 77 token positions into a 768-number vector.',
      zh: '用一串数字（向量）来代表一个 token 或一张图。SD1.5 把 77 个 token 位置各变成一个 768 维的向量。',
    },
  },
  clip: {
    term: { en: 'CLIP', zh: 'CLIP' },
    definition: {
      en: 'A pair of encoders, one for text and one for images, trained together so that a caption and its picture land close together in the same vector space.',
      zh: '一对编码器，一个编码文字、一个编码图片，一起训练，让图片和描述它的文字落在同一个向量空间里、彼此靠近。',
    },
  },
  unet: {
    term: { en: 'UNet', zh: 'UNet' },
    definition: {
      en: 'The denoising network of Stable Diffusion: it predicts the noise in a latent, going down in resolution and back up, with cross-attention to the prompt at several depths.',
      zh: 'Stable Diffusion 里负责去噪的网络：先把潜空间图像一步步缩小再放大，预测其中的噪声；在好几个深度通过交叉注意力读取提示词。',
    },
  },
  'cross-attention': {
    term: { en: 'cross-attention', zh: '交叉注意力' },
    definition: {
      en: 'Attention whose queries come from the image being generated and whose keys and values come from somewhere else — the prompt’s embeddings, or with IP-Adapter also the image tokens.',
      zh: '一种注意力：查询（Q）来自正在生成的图像，键和值（K、V）来自别处——提示词的嵌入向量；用了 IP-Adapter 之后，还来自参考图的图像 token。',
    },
  },
  'self-attention': {
    term: { en: 'self-attention', zh: '自注意力' },
    definition: {
      en: 'Attention in which queries, keys and values all come from the same sequence, so every position can look at every other.',
      zh: 'Q、K、V 都来自同一个序列的注意力，每个位置都能看到其它所有位置。',
    },
  },
  lora: {
    term: { en: 'LoRA', zh: 'LoRA' },
    definition: {
      en: 'Low-Rank Adaptation: a weight update written as the product of two thin matrices B·A, trained while the base weights stay frozen.',
      zh: '低秩适配：把权重的改动写成两个“瘦”矩阵的乘积 B·A，训练时只训练它们，底模权重保持不动。',
    },
  },
  rank: {
    term: { en: 'rank', zh: '秩（rank）' },
    definition: {
      en: 'The number of independent directions a matrix can express; a LoRA of rank r can only change a layer along r directions.',
      zh: '矩阵能表达的独立方向的个数；秩为 r 的 LoRA 只能沿 r 个方向改动一层。',
    },
  },
  cfg: {
    term: { en: 'CFG', zh: 'CFG（提示词引导系数）' },
    definition: {
      en: 'Classifier-free guidance: the model predicts noise with and without the condition and moves further in the direction of the difference, by the CFG scale.',
      zh: '无分类器引导：模型分别在“有条件”和“无条件”下预测噪声，再沿两者之差的方向多走一些，走多远由 CFG 数值决定。',
    },
  },
  latent: {
    term: { en: 'latent', zh: '潜空间（latent）' },
    definition: {
      en: 'The compressed picture the UNet works on: for SD1.5, 4 channels at one eighth of the image size (64×64 for 512×512). The VAE converts between latents and pixels.',
      zh: 'UNet 实际处理的压缩图像：SD1.5 里是 4 个通道、边长为原图的 1/8（512×512 的图对应 64×64）。VAE 负责在潜空间和像素之间转换。',
    },
  },
  vae: {
    term: { en: 'VAE', zh: 'VAE' },
    definition: {
      en: 'The autoencoder that turns pixels into latents (encoder) and latents back into pixels (decoder).',
      zh: '变分自编码器：编码器把像素压成潜空间，解码器把潜空间还原成像素。',
    },
  },
  'ip-adapter': {
    term: { en: 'IP-Adapter', zh: 'IP-Adapter' },
    definition: {
      en: 'Image Prompt Adapter: a small trained add-on (22M parameters for SD1.5) that lets a reference image steer a frozen diffusion model through a second, decoupled cross-attention.',
      zh: '图像提示适配器：一个很小的训练模块（SD1.5 版 2200 万参数），通过一条额外的、解耦的交叉注意力，让参考图去引导冻结的底模。',
    },
  },
  'decoupled-cross-attention': {
    term: { en: 'decoupled cross-attention', zh: '解耦交叉注意力' },
    definition: {
      en: 'IP-Adapter’s design: the same queries attend to text tokens and to image tokens in two separate softmaxes, and the results are added with weight λ.',
      zh: 'IP-Adapter 的核心设计：同一组查询分别对文字 token 和图像 token 做两次独立的 softmax 注意力，结果按权重 λ 相加。',
    },
  },
  'image-encoder': {
    term: { en: 'image encoder', zh: '图像编码器（CLIP Vision）' },
    definition: {
      en: 'The frozen CLIP vision network (ViT-H/14 for SD1.5 adapters) that turns the reference image into an embedding.',
      zh: '冻结的 CLIP 视觉网络（SD1.5 的 IP-Adapter 用 ViT-H/14），把参考图变成嵌入向量。',
    },
  },
  sampler: {
    term: { en: 'sampler / scheduler', zh: '采样器 / 调度器' },
    definition: {
      en: 'The rule that turns the UNet’s noise predictions into the next, less noisy latent, step by step (Euler, DPM++ 2M, DDIM …).',
      zh: '把 UNet 的噪声预测一步步变成更干净潜空间图像的规则（Euler、DPM++ 2M、DDIM 等）。',
    },
  },
  softmax: {
    term: { en: 'softmax', zh: 'softmax' },
    definition: {
      en: 'Turns a list of scores into positive weights that add up to 1: exp of each score divided by the sum of the exps.',
      zh: '把一组分数变成加起来等于 1 的正权重：每个分数取指数，再除以所有指数之和。',
    },
  },
  bpe: {
    term: { en: 'BPE (byte-pair encoding)', zh: 'BPE（字节对编码）' },
    definition: {
      en: 'The tokenizer scheme CLIP uses: start from single bytes and repeatedly merge the most frequent neighbouring pairs into one vocabulary entry, so common words become one token and rare ones several.',
      zh: 'CLIP 用的分词方法：从单个字节出发，反复把最常一起出现的相邻两块合并成一个词表条目。常见英文单词因此是一个 token，少见的词会被拆成几块。',
    },
  },
  'class-token': {
    term: { en: 'class token', zh: '分类 token（CLS）' },
    definition: {
      en: 'An extra learned token a vision transformer puts in front of the image patches; its final state summarises the whole picture and becomes the image embedding.',
      zh: '视觉 Transformer 放在所有图块前面的一个额外 token；它最后的输出概括整张图，就是图像 embedding 的来源。',
    },
  },
  patch: {
    term: { en: 'patch', zh: '图块（patch）' },
    definition: {
      en: 'A small square of the input picture (14×14 pixels for ViT-H/14) that a vision transformer treats as one token.',
      zh: '输入图片上的一个小方块（ViT-H/14 是 14×14 像素），视觉 Transformer 把每个图块当作一个 token。',
    },
  },
  projector: {
    term: { en: 'projector (image projection model)', zh: '投影层（image projection）' },
    definition: {
      en: 'The small trained network of IP-Adapter that turns the CLIP image embedding into image tokens of the UNet’s text width (768 for SD1.5): 4 tokens for the base model, 16 for Plus.',
      zh: 'IP-Adapter 里训练出来的小网络，把 CLIP 图像 embedding 变成和文本 token 一样宽（SD1.5 是 768）的图像 token：基础版 4 个，Plus 版 16 个。',
    },
  },
  'contrastive-learning': {
    term: { en: 'contrastive learning', zh: '对比学习' },
    definition: {
      en: 'Training that pulls matching pairs (a picture and its caption) together and pushes the other pairs in the batch apart; CLIP’s InfoNCE loss is one.',
      zh: '一种训练方式：把配对的样本（图片和它的描述）拉近，把同一批里不配对的推远。CLIP 用的 InfoNCE 损失就是这样。',
    },
  },
  img2img: {
    term: { en: 'image-to-image (img2img)', zh: '图生图（img2img）' },
    definition: {
      en: 'Starting the sampler from a noised copy of a reference image’s latent instead of pure noise; the denoise strength decides how much noise is added and how many steps run.',
      zh: '不从纯噪声出发，而是把参考图编码成潜空间后加一部分噪声作为起点再去噪；重绘幅度（denoise）决定加多少噪声、跑哪些步。',
    },
  },
  'denoise-strength': {
    term: { en: 'denoise strength', zh: '重绘幅度（denoise）' },
    definition: {
      en: 'In img2img, the fraction of the noise schedule that is run: 1 starts from (almost) pure noise, 0.3 keeps most of the reference.',
      zh: '图生图里要跑的那一段噪声进度：1 几乎从纯噪声开始，0.3 会保留参考图的大部分。',
    },
  },
  'weight-type': {
    term: { en: 'weight_type', zh: 'weight_type（权重类型）' },
    definition: {
      en: 'In ComfyUI_IPAdapter_plus, the rule that gives each cross-attention layer of the UNet its own share of the adapter weight (linear, ease in, style transfer, …) — per layer, the same at every step.',
      zh: 'ComfyUI_IPAdapter_plus 里给 UNet 每个交叉注意力层分配各自权重的规则（linear、ease in、style transfer……）——按层分配，每一步都一样。',
    },
  },
  sigma: {
    term: { en: 'noise level σ', zh: '噪声水平 σ' },
    definition: {
      en: 'How much noise a latent contains at a sampling step; SD1.5’s schedule runs from about 14.6 down to 0.03. start_at and end_at are positions on this scale, not step numbers.',
      zh: '某一步潜空间图像里噪声的多少；SD1.5 从约 14.6 降到 0.03。start_at、end_at 指的是这条刻度上的位置，不是第几步。',
    },
  },
  'attn-mask': {
    term: { en: 'attn_mask', zh: 'attn_mask（注意力蒙版）' },
    definition: {
      en: 'A greyscale mask that multiplies the output of IP-Adapter’s image branch, resized to each layer’s resolution: white = full effect of the reference, black = none.',
      zh: '一张灰度蒙版，缩放到每层的分辨率后乘在 IP-Adapter 图像分支的输出上：白色 = 参考图完全生效，黑色 = 不生效。',
    },
  },
  controlnet: {
    term: { en: 'ControlNet', zh: 'ControlNet' },
    definition: {
      en: 'A trained copy of the UNet’s encoder that reads a control image (lines, depth, pose) and adds its outputs to the UNet’s features, fixing structure rather than style.',
      zh: '一份训练过的 UNet 编码器副本，读取控制图（线稿、深度、姿态），把输出加到 UNet 的特征上——固定的是结构，不是画风。',
    },
  },
  faceid: {
    term: { en: 'IP-Adapter FaceID', zh: 'IP-Adapter FaceID' },
    definition: {
      en: 'IP-Adapter variants that read a face-recognition embedding (InsightFace) instead of, or besides, CLIP, and come with a LoRA; non-commercial like InsightFace’s models.',
      zh: '用人脸识别特征（InsightFace）代替或补充 CLIP 的 IP-Adapter 变体，配套一个 LoRA；和 InsightFace 的模型一样不可商用。',
    },
  },
} satisfies Record<string, GlossaryEntry>;

export type GlossaryId = keyof typeof GLOSSARY;
