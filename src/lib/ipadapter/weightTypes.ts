/**
 * IP-Adapter per-layer weights, with ComfyUI_IPAdapter_plus v2 semantics (`IPAdapterPlus.py`
 * `ipadapter_execute` builds the per-layer dictionaries; `CrossAttentionPatch.py`
 * `ipadapter_attention` applies the formula types and the "precise" cond/uncond swap).
 * This one function feeds both the in-browser pipeline and the lesson figures.
 *
 * Layer index t is ComfyUI's `transformer_index`: it counts the UNet's SpatialTransformer
 * modules in execution order (input blocks → middle → output blocks). SD1.5 has 16 (one
 * transformer block each); SDXL has 11, each holding 2 or 10 transformer blocks that all share
 * the weight of their t.
 */

export type Arch = 'sd15' | 'sdxl';
export const ARCHS: readonly Arch[] = ['sd15', 'sdxl'];

/** Weight types, ids exactly as ComfyUI names them. */
export const WEIGHT_TYPES = [
  'linear',
  'ease in',
  'ease out',
  'ease in-out',
  'reverse in-out',
  'weak input',
  'weak output',
  'weak middle',
  'strong middle',
  'style transfer',
  'composition',
  'strong style transfer',
  'style and composition',
  'style transfer precise',
  'composition precise',
  'strong style and composition',
] as const;
export type WeightType = (typeof WEIGHT_TYPES)[number];

export function isWeightType(x: unknown): x is WeightType {
  return typeof x === 'string' && (WEIGHT_TYPES as readonly string[]).includes(x);
}

export type BlockType = 'input' | 'middle' | 'output';

export interface IpLayer {
  /** ComfyUI transformer_index t. */
  index: number;
  block: BlockType;
  /** ComfyUI's attn2 patch key block: ['input', 1], ['middle', 1], ['output', 3], … */
  comfyBlock: readonly [BlockType, number];
  /** diffusers path of the attention (Transformer2DModel) module, e.g. `down_blocks.0.attentions.0`. */
  attention: string;
  /** diffusers paths of its cross-attention modules, one per transformer block (1 for SD1.5; 2 or 10 for SDXL). */
  modules: readonly string[];
  /** `i` of the checkpoint keys `ip_adapter.{i}.to_k_ip.weight` / `to_v_ip`, one per module (odd; diffusers order, mid last). */
  ckptIndices: readonly number[];
  /** Channel width C of this layer (inner dim of Q, K, V): 320, 640 or 1280. */
  width: 320 | 640 | 1280;
  /** The layer's feature map is the latent downsampled by this factor (1, 2, 4 or 8). */
  downsample: 1 | 2 | 4 | 8;
}

interface StageSpec {
  block: BlockType;
  /** ComfyUI input/output block ids of the SpatialTransformers of this stage. */
  comfyIds: number[];
  prefix: string;
  depth: number;
  width: 320 | 640 | 1280;
  downsample: 1 | 2 | 4 | 8;
}

const STAGES: Record<Arch, StageSpec[]> = {
  sd15: [
    { block: 'input', comfyIds: [1, 2], prefix: 'down_blocks.0', depth: 1, width: 320, downsample: 1 },
    { block: 'input', comfyIds: [4, 5], prefix: 'down_blocks.1', depth: 1, width: 640, downsample: 2 },
    { block: 'input', comfyIds: [7, 8], prefix: 'down_blocks.2', depth: 1, width: 1280, downsample: 4 },
    { block: 'middle', comfyIds: [1], prefix: 'mid_block', depth: 1, width: 1280, downsample: 8 },
    { block: 'output', comfyIds: [3, 4, 5], prefix: 'up_blocks.1', depth: 1, width: 1280, downsample: 4 },
    { block: 'output', comfyIds: [6, 7, 8], prefix: 'up_blocks.2', depth: 1, width: 640, downsample: 2 },
    { block: 'output', comfyIds: [9, 10, 11], prefix: 'up_blocks.3', depth: 1, width: 320, downsample: 1 },
  ],
  sdxl: [
    { block: 'input', comfyIds: [4, 5], prefix: 'down_blocks.1', depth: 2, width: 640, downsample: 2 },
    { block: 'input', comfyIds: [7, 8], prefix: 'down_blocks.2', depth: 10, width: 1280, downsample: 4 },
    { block: 'middle', comfyIds: [1], prefix: 'mid_block', depth: 10, width: 1280, downsample: 4 },
    { block: 'output', comfyIds: [0, 1, 2], prefix: 'up_blocks.0', depth: 10, width: 1280, downsample: 4 },
    { block: 'output', comfyIds: [3, 4, 5], prefix: 'up_blocks.1', depth: 2, width: 640, downsample: 2 },
  ],
};

function buildLayers(arch: Arch): IpLayer[] {
  const layers: Omit<IpLayer, 'ckptIndices'>[] = [];
  for (const s of STAGES[arch]) {
    s.comfyIds.forEach((id, a) => {
      const attention = `${s.prefix}.attentions.${a}`;
      layers.push({
        index: layers.length,
        block: s.block,
        comfyBlock: [s.block, id] as const,
        attention,
        modules: Array.from({ length: s.depth }, (_, b) => `${attention}.transformer_blocks.${b}.attn2`),
        width: s.width,
        downsample: s.downsample,
      });
    });
  }
  // Checkpoint numbering: diffusers' attn_processors order (down, up, then mid — the mid block is
  // registered after up_blocks), counting attn1 and attn2, so cross-attention gets 1, 3, 5, …
  const ckptOrder = [...layers.filter((l) => l.block !== 'middle'), ...layers.filter((l) => l.block === 'middle')];
  const ckpt = new Map<number, number[]>();
  let n = 0;
  for (const l of ckptOrder) {
    ckpt.set(
      l.index,
      l.modules.map(() => 2 * n++ + 1),
    );
  }
  return layers.map((l) => ({ ...l, ckptIndices: ckpt.get(l.index) as number[] }));
}

export const IP_LAYERS: Readonly<Record<Arch, readonly IpLayer[]>> = {
  sd15: buildLayers('sd15'),
  sdxl: buildLayers('sdxl'),
};

/** Number of layer indices: 16 for SD1.5, 11 for SDXL. */
export function layerCount(arch: Arch): number {
  return IP_LAYERS[arch].length;
}

/** The ComfyUI layer index t and transformer-block position of checkpoint key `ip_adapter.{keyIndex}`. */
export function layerForCkptIndex(arch: Arch, keyIndex: number): { index: number; transformerBlock: number } | undefined {
  for (const l of IP_LAYERS[arch]) {
    const b = l.ckptIndices.indexOf(keyIndex);
    if (b >= 0) return { index: l.index, transformerBlock: b };
  }
  return undefined;
}

export interface LayerWeightOptions {
  /** The node's `weight` (ComfyUI allows −1 … 5). */
  weight: number;
  arch: Arch;
  /**
   * `weight_composition` for 'style and composition' / 'strong style and composition'.
   * Defaults to 1.0, as in ComfyUI's IPAdapterAdvanced (which has no composition input).
   */
  compositionWeight?: number;
  /** IPAdapter Precise Style Transfer's `style_boost`; when absent 'style transfer precise' uses `weight`. */
  styleBoost?: number;
  /** IPAdapter Precise Composition's `composition_boost`; when absent 'composition precise' uses `weight`. */
  compositionBoost?: number;
}

/** Sparse {t: value} → dense vector; unlisted layers get 0 (ComfyUI skips them). */
function dense(n: number, entries: [number[], number][]): number[] {
  const out = new Array<number>(n).fill(0);
  for (const [idx, v] of entries) for (const t of idx) out[t] = v;
  return out;
}

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/**
 * Per-layer weight for a weight type, one entry per ComfyUI layer index (16 for SD1.5, 11
 * for SDXL). A 0 means the image branch is skipped at that layer.
 *
 * Formula types (L = layer count, t = index, w = weight):
 *   linear w; ease in w·(0.05 + 0.95·(1 − t/L)); ease out w·(0.05 + 0.95·t/L);
 *   ease in-out w·(0.05 + 0.95·(1 − |t − L/2|/(L/2))); reverse in-out w·(0.05 + 0.95·|t − L/2|/(L/2));
 *   weak input / weak middle / weak output: that block ×0.2; strong middle: input and output ×0.2.
 * Dictionary types: see the tables in the code (copied in meaning from ipadapter_execute).
 */
export function layerWeightsFor(type: WeightType, opts: LayerWeightOptions): number[] {
  const { arch } = opts;
  const w = opts.weight;
  const layers = IP_LAYERS[arch];
  const L = layers.length;
  const xl = arch === 'sdxl';
  const wc = opts.compositionWeight ?? 1.0;
  const perLayer = (f: (t: number, l: IpLayer) => number) => layers.map((l) => f(l.index, l));

  switch (type) {
    case 'linear':
      return perLayer(() => w);
    case 'ease in':
      return perLayer((t) => w * (0.05 + 0.95 * (1 - t / L)));
    case 'ease out':
      return perLayer((t) => w * (0.05 + 0.95 * (t / L)));
    case 'ease in-out':
      return perLayer((t) => w * (0.05 + 0.95 * (1 - Math.abs(t - L / 2) / (L / 2))));
    case 'reverse in-out':
      return perLayer((t) => w * (0.05 + 0.95 * (Math.abs(t - L / 2) / (L / 2))));
    case 'weak input':
      return perLayer((_, l) => (l.block === 'input' ? w * 0.2 : w));
    case 'weak middle':
      return perLayer((_, l) => (l.block === 'middle' ? w * 0.2 : w));
    case 'weak output':
      return perLayer((_, l) => (l.block === 'output' ? w * 0.2 : w));
    case 'strong middle':
      return perLayer((_, l) => (l.block === 'input' || l.block === 'output' ? w * 0.2 : w));
    case 'style transfer':
      return xl ? dense(L, [[[6], w]]) : dense(L, [[[...range(0, 3), ...range(9, 15)], w]]);
    case 'composition':
      return xl ? dense(L, [[[3], w]]) : dense(L, [[[4], w * 0.25], [[5], w]]);
    case 'strong style transfer':
      return xl
        ? dense(L, [[[0, 1, 2, ...range(4, 10)], w]])
        : dense(L, [[[...range(0, 3), ...range(6, 15)], w]]);
    case 'style and composition':
      return xl
        ? dense(L, [[[3], wc], [[6], w]])
        : dense(L, [[[...range(0, 3), ...range(9, 15)], w], [[4], wc * 0.25], [[5], wc]]);
    case 'strong style and composition':
      return xl
        ? dense(L, [[range(0, 10), w], [[3], wc]])
        : dense(L, [[range(0, 15), w], [[4, 5], wc]]);
    case 'style transfer precise': {
      const boost = opts.styleBoost ?? w;
      return xl
        ? dense(L, [[[3], boost], [[6], w]])
        : dense(L, [[[...range(0, 3), ...range(9, 15)], w], [[4], boost * 0.25], [[5], boost]]);
    }
    case 'composition precise': {
      const boost = opts.compositionBoost ?? w;
      return xl
        ? dense(L, [[range(0, 10), boost * 0.1], [[3], w], [[6], boost]])
        : dense(L, [[[...range(0, 3), ...range(9, 15)], boost], [[4], w * 0.25], [[5], w], [[6, 7, 8], boost * 0.1]]);
    }
    default: {
      const never: never = type;
      throw new Error(`Unknown weight type "${String(never)}". Valid types: ${WEIGHT_TYPES.join(', ')}.`);
    }
  }
}

/** The composition layers: SDXL t = 3 (down_blocks.2.attentions.1); SD1.5 t = 4, 5 (down_blocks.2). */
export function compositionLayers(arch: Arch): number[] {
  return arch === 'sdxl' ? [3] : [4, 5];
}

/**
 * For the "precise" types: at which layers the reference becomes the negative, i.e. the
 * image branch gets uncond = cond embeddings and cond = 0 (CrossAttentionPatch). 'style
 * transfer precise' swaps at the composition layers; 'composition precise' at every other
 * layer. All false for the other types. Only layers with a non-zero weight run at all.
 */
export function swapsCondUncond(type: WeightType, arch: Arch): boolean[] {
  const comp = new Set(compositionLayers(arch));
  return IP_LAYERS[arch].map((l) =>
    type === 'style transfer precise' ? comp.has(l.index) : type === 'composition precise' ? !comp.has(l.index) : false,
  );
}
