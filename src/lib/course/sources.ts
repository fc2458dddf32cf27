/**
 * Sources cited in the lessons. `<Cite id="…">` shows a hover card and links to the entry in
 * the lesson's source list. Add entries as needed; ids are short and stable.
 */
export interface Source {
  authors: string;
  title: string;
  year: number;
  venue?: string;
  url: string;
  /** How an in-text citation names it; defaults to the first author's surname (+ "et al."). */
  short?: string;
}

/** "Ye et al., 2023" — the label of an in-text citation. */
export function citeLabel(s: Source): string {
  if (s.short) return `${s.short}, ${s.year}`;
  const authors = s.authors.split(',').map((a) => a.trim());
  const first = authors[0].replace(/\s+et al\.?$/, '').replace(/\s*\(.*\)$/, '');
  const surname = first.split(/\s+/).pop();
  return `${surname}${authors.length > 1 || s.authors.includes(' et al') ? ' et al.' : ''}, ${s.year}`;
}

export const SOURCES = {
  ipadapter: {
    authors: 'Hu Ye, Jun Zhang, Sibo Liu, Xiao Han, Wei Yang',
    title: 'IP-Adapter: Text Compatible Image Prompt Adapter for Text-to-Image Diffusion Models',
    year: 2023,
    venue: 'arXiv:2308.06721',
    url: 'https://arxiv.org/abs/2308.06721',
  },
  lora: {
    authors: 'Edward J. Hu, Yelong Shen, Phillip Wallis, Zeyuan Allen-Zhu, Yuanzhi Li, Shean Wang, Lu Wang, Weizhu Chen',
    title: 'LoRA: Low-Rank Adaptation of Large Language Models',
    year: 2021,
    venue: 'arXiv:2106.09685',
    url: 'https://arxiv.org/abs/2106.09685',
  },
  clip: {
    authors: 'Alec Radford et al.',
    title: 'Learning Transferable Visual Models From Natural Language Supervision',
    year: 2021,
    venue: 'ICML',
    url: 'https://arxiv.org/abs/2103.00020',
  },
  ldm: {
    authors: 'Robin Rombach, Andreas Blattmann, Dominik Lorenz, Patrick Esser, Björn Ommer',
    title: 'High-Resolution Image Synthesis with Latent Diffusion Models',
    year: 2022,
    venue: 'CVPR',
    url: 'https://arxiv.org/abs/2112.10752',
  },
  attention: {
    authors: 'Ashish Vaswani et al.',
    title: 'Attention Is All You Need',
    year: 2017,
    venue: 'NeurIPS',
    url: 'https://arxiv.org/abs/1706.03762',
  },
  instantstyle: {
    authors: 'Haofan Wang, Matteo Spinelli, Qixun Wang, Xu Bai, Zekui Qin, Anthony Chen',
    title: 'InstantStyle: Free Lunch towards Style-Preserving in Text-to-Image Generation',
    year: 2024,
    venue: 'arXiv:2404.02733',
    url: 'https://arxiv.org/abs/2404.02733',
  },
  'ipadapter-plus': {
    authors: 'Matteo Spinelli (cubiq)',
    short: 'cubiq',
    title: 'ComfyUI_IPAdapter_plus',
    year: 2024,
    venue: 'GitHub',
    url: 'https://github.com/cubiq/ComfyUI_IPAdapter_plus',
  },
  'ipadapter-code': {
    authors: 'Tencent AI Lab',
    short: 'Tencent AI Lab',
    title: 'IP-Adapter (official code and models)',
    year: 2023,
    venue: 'GitHub / Hugging Face h94/IP-Adapter',
    url: 'https://github.com/tencent-ailab/IP-Adapter',
  },
  diffusers: {
    authors: 'Hugging Face',
    short: 'Hugging Face',
    title: 'Diffusers: IP-Adapter documentation',
    year: 2024,
    url: 'https://huggingface.co/docs/diffusers/using-diffusers/ip_adapter',
  },
  controlnet: {
    authors: 'Lvmin Zhang, Anyi Rao, Maneesh Agrawala',
    title: 'Adding Conditional Control to Text-to-Image Diffusion Models',
    year: 2023,
    venue: 'ICCV',
    url: 'https://arxiv.org/abs/2302.05543',
  },
  'lcm-lora': {
    authors: 'Simian Luo et al.',
    title: 'LCM-LoRA: A Universal Stable-Diffusion Acceleration Module',
    year: 2023,
    venue: 'arXiv:2311.05556',
    url: 'https://arxiv.org/abs/2311.05556',
  },
  dreambooth: {
    authors: 'Nataniel Ruiz, Yuanzhen Li, Varun Jampani, Yael Pritch, Michael Rubinstein, Kfir Aberman',
    title: 'DreamBooth: Fine Tuning Text-to-Image Diffusion Models for Subject-Driven Generation',
    year: 2023,
    venue: 'CVPR',
    url: 'https://arxiv.org/abs/2208.12242',
  },
  'textual-inversion': {
    authors: 'Rinon Gal, Yuval Alaluf, Yuval Atzmon, Or Patashnik, Amit H. Bermano, Gal Chechik, Daniel Cohen-Or',
    title: 'An Image is Worth One Word: Personalizing Text-to-Image Generation using Textual Inversion',
    year: 2023,
    venue: 'ICLR',
    url: 'https://arxiv.org/abs/2208.01618',
  },
  vit: {
    authors: 'Alexey Dosovitskiy et al.',
    title: 'An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale',
    year: 2021,
    venue: 'ICLR',
    url: 'https://arxiv.org/abs/2010.11929',
  },
  openclip: {
    authors: 'Mehdi Cherti, Romain Beaumont, Ross Wightman, Mitchell Wortsman, Gabriel Ilharco, Cade Gordon, Christoph Schuhmann, Ludwig Schmidt, Jenia Jitsev',
    title: 'Reproducible Scaling Laws for Contrastive Language-Image Learning (OpenCLIP)',
    year: 2023,
    venue: 'CVPR',
    url: 'https://arxiv.org/abs/2212.07143',
  },
  cpc: {
    authors: 'Aaron van den Oord, Yazhe Li, Oriol Vinyals',
    title: 'Representation Learning with Contrastive Predictive Coding (InfoNCE)',
    year: 2018,
    venue: 'arXiv:1807.03748',
    url: 'https://arxiv.org/abs/1807.03748',
  },
  bpe: {
    authors: 'Rico Sennrich, Barry Haddow, Alexandra Birch',
    title: 'Neural Machine Translation of Rare Words with Subword Units',
    year: 2016,
    venue: 'ACL',
    url: 'https://arxiv.org/abs/1508.07909',
  },
  flamingo: {
    authors: 'Jean-Baptiste Alayrac et al.',
    title: 'Flamingo: a Visual Language Model for Few-Shot Learning (the Perceiver Resampler)',
    year: 2022,
    venue: 'NeurIPS',
    url: 'https://arxiv.org/abs/2204.14198',
  },
  ddpm: {
    authors: 'Jonathan Ho, Ajay Jain, Pieter Abbeel',
    title: 'Denoising Diffusion Probabilistic Models',
    year: 2020,
    venue: 'NeurIPS',
    url: 'https://arxiv.org/abs/2006.11239',
  },
  ddim: {
    authors: 'Jiaming Song, Chenlin Meng, Stefano Ermon',
    title: 'Denoising Diffusion Implicit Models',
    year: 2021,
    venue: 'ICLR',
    url: 'https://arxiv.org/abs/2010.02502',
  },
  sdedit: {
    authors: 'Chenlin Meng, Yutong He, Yang Song, Jiaming Song, Jiajun Wu, Jun-Yan Zhu, Stefano Ermon',
    title: 'SDEdit: Guided Image Synthesis and Editing with Stochastic Differential Equations',
    year: 2022,
    venue: 'ICLR',
    url: 'https://arxiv.org/abs/2108.01073',
  },
  comfyui: {
    authors: 'comfyanonymous and contributors',
    title: 'ComfyUI (comfy/samplers.py: KSampler, schedulers, denoise)',
    year: 2024,
    venue: 'GitHub',
    url: 'https://github.com/comfyanonymous/ComfyUI',
  },
  'ipadapter-faceid': {
    authors: 'Hu Ye (h94)',
    title: 'IP-Adapter-FaceID model card (InsightFace embedding, LoRA, non-commercial licence)',
    year: 2024,
    venue: 'Hugging Face',
    url: 'https://huggingface.co/h94/IP-Adapter-FaceID',
  },
  karras: {
    authors: 'Tero Karras, Miika Aittala, Timo Aila, Samuli Laine',
    title: 'Elucidating the Design Space of Diffusion-Based Generative Models',
    year: 2022,
    venue: 'NeurIPS',
    url: 'https://arxiv.org/abs/2206.00364',
  },
} satisfies Record<string, Source>;

export type SourceId = keyof typeof SOURCES;
