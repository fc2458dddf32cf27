/**
 * The layer-weights grid of the live panel: SD1.5's 16 cross-attention layers in ComfyUI's order
 * (transformer_index 0–15: input blocks, middle, output blocks) ↔ the Mad Scientist node's
 * `layer_weights` text ("idx:val, …"), both ways. Parsing and its error messages are
 * src/lib/ipadapter/layerWeightsString.ts (what the pipeline validates with); this file adds the
 * grid's direction and the messages in Chinese.
 */
import { formatLayerWeights, parseLayerWeights, type LayerWeightsError } from '../ipadapter/layerWeightsString';
import { IP_LAYERS, type IpLayer } from '../ipadapter/weightTypes';

export const SD15_LAYERS: readonly IpLayer[] = IP_LAYERS.sd15;
export const LAYER_COUNT = SD15_LAYERS.length;

/** ComfyUI's name of a layer's block: "input 1", "middle 1", "output 3" (its attn2 patch key). */
export const layerBlockName = (l: IpLayer) => `${l.comfyBlock[0]} ${l.comfyBlock[1]}`;

export interface GridReading {
  /** 16 values when the text parses (unlisted layers 0), else null. */
  values: number[] | null;
  /** The text has no entries: the weight type applies, layer_weights is ignored. */
  blank: boolean;
  errors: LayerWeightsError[];
}

export function gridFromString(text: string): GridReading {
  const p = parseLayerWeights(text, 'sd15');
  return { values: p.ok ? p.values : null, blank: p.blank, errors: p.errors };
}

/**
 * The grid as layer_weights text: non-zero layers only. A grid of zeros is written "0:0" — an
 * empty text would mean "no layer_weights" (the weight type applies), not "every layer off".
 */
export function stringFromGrid(values: readonly number[]): string {
  const clean = values.slice(0, LAYER_COUNT).map((v) => (Number.isFinite(v) ? Math.round(v * 1e6) / 1e6 : 0));
  return formatLayerWeights(clean) || '0:0';
}

/** One grid cell changed: the new text (parses the old one; a broken old text starts from zeros). */
export function setLayer(text: string, index: number, value: number): string {
  const values = gridFromString(text).values ?? new Array<number>(LAYER_COUNT).fill(0);
  values[index] = value;
  return stringFromGrid(values);
}

/** A layer_weights error in the reader's language (English is the parser's own sentence). */
export function layerErrorText(e: LayerWeightsError, lang: 'en' | 'zh'): string {
  if (lang === 'en') return e.message;
  const at = `第 ${e.position} 项「${e.entry}」`;
  switch (e.code) {
    case 'empty-entry': return `第 ${e.position} 项是空的（连着两个逗号，或开头/结尾多了逗号）。每项写成「层号:数值」，用逗号隔开。`;
    case 'missing-colon': return `${at}没有「:」。请写成「层号:数值」，例如「3:1.0」，各项用逗号隔开。`;
    case 'too-many-colons': return `${at}有不止一个「:」。每项只写一个「层号:数值」，用逗号隔开。`;
    case 'bad-index': return `${at}：层号不是整数。SD1.5 的层号是 0–${LAYER_COUNT - 1}。`;
    case 'index-out-of-range': return `${at}：没有这一层。SD1.5 的层号是 0–${LAYER_COUNT - 1}。`;
    case 'bad-value': return `${at}：权重不是数字（可以写 1、0.5 或 -0.2）。`;
    case 'duplicate-index': return `${at}又设了同一层（前面已经设过）。每层只写一次。`;
    default: return e.message;
  }
}
