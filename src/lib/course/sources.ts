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
} satisfies Record<string, Source>;

export type SourceId = keyof typeof SOURCES;
