/**
 * Lesson 9 (which layer does what): the cross-attention layers of SD1.5 and SDXL as a table and
 * a map, the InstantStyle roles, and the one-layer-at-a-time experiment as Mad Scientist
 * layer_weights strings. Layer facts come from src/lib/ipadapter/weightTypes.ts (IP_LAYERS);
 * strings are checked with the node's own parser (layerWeightsString.ts).
 */
import { featureMapSize } from '../ipadapter/attentionMask';
import { formatLayerWeights, parseLayerWeights } from '../ipadapter/layerWeightsString';
import { IP_LAYERS, layerCount, type Arch, type BlockType } from '../ipadapter/weightTypes';

/** What InstantStyle found a layer to carry (SDXL); SD1.5 has no clear split. */
export type LayerRole = 'style' | 'composition' | null;

/** InstantStyle (SDXL): up_blocks.0.attentions.1 carries style, down_blocks.2.attentions.1 layout. */
export const INSTANTSTYLE_SDXL: Record<Exclude<LayerRole, null>, string> = {
  style: 'up_blocks.0.attentions.1',
  composition: 'down_blocks.2.attentions.1',
};

/** InstantStyle's experimental SD1.5 choices, as diffusers block prefixes. */
export const INSTANTSTYLE_SD15 = {
  style: ['up_blocks.1'],
  styleAndLayout: ['down_blocks.2', 'mid_block', 'up_blocks.1'],
} as const;

export interface LayerRow {
  /** ComfyUI transformer_index */
  t: number;
  block: BlockType;
  /** diffusers attention module, e.g. down_blocks.2.attentions.1 */
  attention: string;
  /** transformer blocks inside (1 for SD1.5; 2 or 10 for SDXL) */
  transformerBlocks: number;
  width: number;
  /** feature map side for a square image of `imageSide` pixels */
  side: number;
  role: LayerRole;
}

/** Native square image size of each architecture. */
export const NATIVE_SIDE: Record<Arch, number> = { sd15: 512, sdxl: 1024 };

export function layerRows(arch: Arch, imageSide = NATIVE_SIDE[arch]): LayerRow[] {
  const latent = Math.ceil(imageSide / 8);
  return IP_LAYERS[arch].map((l) => ({
    t: l.index,
    block: l.block,
    attention: l.attention,
    transformerBlocks: l.modules.length,
    width: l.width,
    side: featureMapSize(latent, latent, l.downsample).h,
    role:
      arch === 'sdxl'
        ? l.attention === INSTANTSTYLE_SDXL.style
          ? 'style'
          : l.attention === INSTANTSTYLE_SDXL.composition
            ? 'composition'
            : null
        : null,
  }));
}

/** ComfyUI layer indices whose attention module starts with one of the given diffusers prefixes. */
export function indicesOfBlocks(arch: Arch, prefixes: readonly string[]): number[] {
  return IP_LAYERS[arch].filter((l) => prefixes.some((p) => l.attention === p || l.attention.startsWith(`${p}.`))).map((l) => l.index);
}

/**
 * A slider number from a layer-weights UI (the seed course shows 1–12 for SDXL) read as
 * ComfyUI's 0-based index: the layer it sets, or null when the architecture has no such layer
 * (ComfyUI then silently ignores it).
 */
export function layerForSlider(n: number, arch: Arch): number | null {
  return Number.isInteger(n) && n >= 0 && n < layerCount(arch) ? n : null;
}

export interface ExperimentRun {
  /** the one active layer, or null for the two control runs */
  t: number | null;
  weight: number;
  /** what to type into the Mad Scientist node's layer_weights ('' = no adapter / all layers) */
  layerWeights: string;
  note: 'layer' | 'control-off' | 'control-all';
}

/**
 * The one-layer-at-a-time experiment: two controls (adapter off; all layers at 1) and, for each
 * layer, one run per weight with only that layer on. Keep the seed, prompt and node weight (1) fixed.
 */
export function experimentPlan(arch: Arch, weights: readonly number[] = [1, 1.5, 2]): ExperimentRun[] {
  const n = layerCount(arch);
  const runs: ExperimentRun[] = [
    { t: null, weight: 0, layerWeights: '', note: 'control-off' },
    { t: null, weight: 1, layerWeights: formatLayerWeights(new Array(n).fill(1)), note: 'control-all' },
  ];
  for (let t = 0; t < n; t++) {
    for (const w of weights) {
      const v = new Array<number>(n).fill(0);
      v[t] = w;
      runs.push({ t, weight: w, layerWeights: formatLayerWeights(v), note: 'layer' });
    }
  }
  // every string must be one the node accepts
  for (const r of runs) {
    const p = parseLayerWeights(r.layerWeights, arch);
    if (!p.ok) throw new Error(`experimentPlan produced an invalid layer_weights string "${r.layerWeights}"`);
  }
  return runs;
}
