/**
 * One adapter's per-layer weights, and the UNet inputs they become at each step.
 *
 * The weights come from ComfyUI's rules in src/lib/ipadapter/ unchanged: weight_type →
 * `layerWeightsFor`, the Mad Scientist layer_weights string → `madScientistWeights` (which also
 * says where the "precise" types swap cond and uncond), embeds_scaling → `embedsScalingFor`,
 * start_at/end_at → `sigmaBounds`/`isActiveAt`. A UNet with SD1.5's 16 cross-attention layers
 * (or SDXL's 11) uses those tables as they are. Any other layer count — the tiny test networks
 * — gets the formula types (linear, ease…, weak…/strong middle) with that L and the blocks of
 * its own layers; the dictionary types (style transfer, composition…) name SD1.5's layers and
 * are refused there with a message.
 *
 * Outside the start/end window every scale of the adapter is 0, which the UNet graph turns into
 * "no image branch" exactly (out + 0·x), so the graph never has to change between steps.
 */
import { branchScaleInputs } from '../models/unet';
import { embedsScalingFor, type EmbedsScaling } from '../ipadapter/embedsScaling';
import { madScientistWeights, parseLayerWeights } from '../ipadapter/layerWeightsString';
import { isActiveAt, sigmaBounds, type SigmaBounds } from '../ipadapter/startEnd';
import { IP_LAYERS, type Arch, type BlockType, type WeightType } from '../ipadapter/weightTypes';

/** What the scale rules need to know about a cross-attention layer. */
export interface LayerInfo {
  /** ComfyUI transformer_index. */
  index: number;
  block: BlockType;
  /** Width C (embeds_scaling's C penalty). */
  channels: number;
}

/** SD1.5's 16 layers. */
export const SD15_LAYER_INFO: readonly LayerInfo[] = IP_LAYERS.sd15.map((l) => ({ index: l.index, block: l.block, channels: l.width }));

export interface AdapterWeightOptions {
  weight: number;
  weightType: WeightType;
  layerWeights?: string;
  compositionWeight?: number;
  styleBoost?: number;
  compositionBoost?: number;
}

export interface LayerWeightPlan {
  /** Per-layer weight, 0 = skipped. */
  weights: number[];
  /** Layers where the reference becomes the negative (precise types). */
  swap: boolean[];
  usedLayerWeights: boolean;
}

export interface LayerIssue { code: string; message: string }

const FORMULA_TYPES = new Set<WeightType>(['linear', 'ease in', 'ease out', 'ease in-out', 'reverse in-out', 'weak input', 'weak middle', 'weak output', 'strong middle']);

function archOf(layers: readonly LayerInfo[]): Arch | null {
  if (layers.length === IP_LAYERS.sd15.length) return 'sd15';
  if (layers.length === IP_LAYERS.sdxl.length) return 'sdxl';
  return null;
}

/** The formula weight types for any L (CrossAttentionPatch's formulas with that L). */
function formulaWeights(type: WeightType, w: number, layers: readonly LayerInfo[]): number[] {
  const L = layers.length;
  return layers.map((l) => {
    const t = l.index;
    switch (type) {
      case 'linear': return w;
      case 'ease in': return w * (0.05 + 0.95 * (1 - t / L));
      case 'ease out': return w * (0.05 + 0.95 * (t / L));
      case 'ease in-out': return w * (0.05 + 0.95 * (1 - Math.abs(t - L / 2) / (L / 2)));
      case 'reverse in-out': return w * (0.05 + 0.95 * (Math.abs(t - L / 2) / (L / 2)));
      case 'weak input': return l.block === 'input' ? w * 0.2 : w;
      case 'weak middle': return l.block === 'middle' ? w * 0.2 : w;
      case 'weak output': return l.block === 'output' ? w * 0.2 : w;
      case 'strong middle': return l.block === 'middle' ? w : w * 0.2;
      default: throw new Error(`weight type "${type}" is not a formula type`);
    }
  });
}

/** Problems with a layer_weights string for these layers (empty when fine). */
export function layerWeightsIssues(text: string, type: WeightType, layers: readonly LayerInfo[] = SD15_LAYER_INFO): LayerIssue[] {
  const arch = archOf(layers) ?? 'sd15';
  const parsed = parseLayerWeights(text, arch);
  const issues: LayerIssue[] = parsed.errors.map((e) => ({ code: e.code, message: e.message }));
  if (!archOf(layers) && parsed.ok && !parsed.blank) {
    const L = layers.length;
    parsed.listed.forEach((on, i) => {
      if (on && i >= L) issues.push({ code: 'index-out-of-range', message: `layer_weights names layer ${i}, but this UNet has ${L} cross-attention layers (0–${L - 1}).` });
    });
  }
  if (!archOf(layers) && (parsed.blank || !parsed.ok) && !FORMULA_TYPES.has(type)) {
    issues.push({ code: 'weight-type-needs-sd15', message: `The weight type "${type}" names SD1.5's 16 layers; this UNet has ${layers.length}.` });
  }
  return issues;
}

/** Per-layer weights and swap flags of one adapter. Throws (with the validators' message) on bad input; validate first. */
export function adapterLayerWeights(o: AdapterWeightOptions, layers: readonly LayerInfo[]): LayerWeightPlan {
  const text = o.layerWeights ?? '';
  const issues = layerWeightsIssues(text, o.weightType, layers);
  if (issues.length) throw new Error(issues.map((i) => i.message).join(' '));
  const arch = archOf(layers);
  if (arch) {
    const plan = madScientistWeights(text, { type: o.weightType, weight: o.weight, arch, compositionWeight: o.compositionWeight, styleBoost: o.styleBoost, compositionBoost: o.compositionBoost });
    return { weights: plan.weights, swap: plan.swapCondUncond, usedLayerWeights: plan.usedLayerWeights };
  }
  const parsed = parseLayerWeights(text, 'sd15');
  const none = layers.map(() => false);
  if (!parsed.blank) return { weights: layers.map((l) => (parsed.values as number[])[l.index] * o.weight), swap: none, usedLayerWeights: true };
  return { weights: formulaWeights(o.weightType, o.weight, layers), swap: none, usedLayerWeights: false };
}

/** The UNet inputs of one image branch for one step. */
export interface BranchScales {
  scale: Float32Array;
  kScale: Float32Array;
  vMean: Float32Array;
}

/**
 * The scale vectors of the adapter's two possible branches: `normal` (the reference as cond,
 * the negative as uncond) on the non-swapped layers, `swapped` (reference as uncond, zeros as
 * cond) on the swapped ones; all zero when the step's σ is outside [σ_end, σ_start].
 */
export function branchScales(plan: LayerWeightPlan, mode: EmbedsScaling, layers: readonly LayerInfo[], active: boolean): { normal: BranchScales; swapped: BranchScales } {
  const make = (pick: (i: number) => boolean): BranchScales => branchScaleInputs(layers.map((l, i) => {
    const w = active && pick(i) ? plan.weights[i] : 0;
    return embedsScalingFor(mode, w, l.channels);
  }));
  return { normal: make((i) => !plan.swap[i]), swapped: make((i) => plan.swap[i]) };
}

/** Whether the adapter runs at each step: σ_end ≤ σ_step ≤ σ_start on the model's σ table. */
export function activeSteps(startAt: number, endAt: number, stepSigmas: ArrayLike<number>, sigmaTable?: ArrayLike<number>): { active: boolean[]; bounds: SigmaBounds } {
  const b = sigmaBounds(startAt, endAt, sigmaTable);
  if (!b.ok) throw new Error(b.error);
  return { active: Array.from(stepSigmas, (s) => isActiveAt(s, b.bounds)), bounds: b.bounds };
}
