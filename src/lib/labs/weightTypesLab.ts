/**
 * The weight-type lab's computations (lessons 7 and 9): per-layer weights from the pipeline's own
 * functions (ipadapter/weightTypes, ipadapter/layerWeightsString — ComfyUI_IPAdapter_plus v2
 * semantics), and start_at/end_at on a scheduler's real σ schedule (ipadapter/startEnd,
 * schedulers/).
 */
import { SD15_SCHEDULER_CONFIG } from '../course/startEndWindow';
import { madScientistWeights, type LayerWeightsError } from '../ipadapter/layerWeightsString';
import { activeSteps, sigmaBounds } from '../ipadapter/startEnd';
import { compositionLayers, IP_LAYERS, isWeightType, WEIGHT_TYPES, type Arch, type IpLayer, type WeightType } from '../ipadapter/weightTypes';
import { createScheduler, isSchedulerName, SCHEDULER_NAMES, type SchedulerName } from '../schedulers';
import type { LabLang } from './format';

export { WEIGHT_TYPES, SCHEDULER_NAMES };

export interface WeightTypesInput {
  arch: Arch;
  weightType: string;
  weight: number;
  compositionWeight: number;
  layerWeights: string;
}

export interface LayerView {
  layer: IpLayer;
  weight: number;
  /** "precise" types: the reference is the negative at this layer. */
  swap: boolean;
  /** SDXL 3 / SD1.5 4–5. */
  composition: boolean;
  /** SDXL 6 (the InstantStyle style layer). */
  style: boolean;
}

export interface WeightTypesView {
  layers: LayerView[];
  effectiveType: WeightType;
  usedLayerWeights: boolean;
  errors: LayerWeightsError[];
}

/** The types whose dictionaries use weight_composition. */
export const USES_COMPOSITION: readonly WeightType[] = ['style and composition', 'strong style and composition'];

export function weightTypesView(i: WeightTypesInput): WeightTypesView {
  const type: WeightType = isWeightType(i.weightType) ? i.weightType : 'linear';
  const plan = madScientistWeights(i.layerWeights, { type, weight: i.weight, arch: i.arch, compositionWeight: i.compositionWeight });
  const comp = new Set(compositionLayers(i.arch));
  return {
    layers: IP_LAYERS[i.arch].map((layer, t) => ({
      layer,
      weight: plan.weights[t],
      swap: plan.swapCondUncond[t],
      composition: comp.has(t),
      style: i.arch === 'sdxl' && t === 6,
    })),
    effectiveType: plan.effectiveType,
    usedLayerWeights: plan.usedLayerWeights,
    errors: plan.errors,
  };
}

export interface ScheduleView {
  ok: boolean;
  error?: string;
  sigmaStart: number;
  sigmaEnd: number;
  steps: { step: number; sigma: number; active: boolean }[];
  activeCount: number;
}

/**
 * σ at each sampling step of `scheduler` with `steps` steps on the SD1.5 training schedule
 * (SDXL uses the same scaled-linear betas), and whether start_at/end_at let the adapter act.
 */
export function scheduleView(scheduler: string, steps: number, startAt: number, endAt: number): ScheduleView {
  const name: SchedulerName = isSchedulerName(scheduler) ? scheduler : 'euler';
  const s = createScheduler(name, SD15_SCHEDULER_CONFIG);
  s.setTimesteps(Math.max(1, Math.min(1000, Math.round(steps))));
  const b = sigmaBounds(startAt, endAt);
  const bounds = b.ok ? b.bounds : { sigmaStart: Infinity, sigmaEnd: 0 };
  const active = b.ok ? activeSteps(s.stepSigmas, bounds) : Array.from(s.stepSigmas, () => false);
  return {
    ok: b.ok,
    error: b.ok ? undefined : b.error,
    sigmaStart: bounds.sigmaStart,
    sigmaEnd: bounds.sigmaEnd,
    steps: Array.from(s.stepSigmas, (sigma, i) => ({ step: i + 1, sigma, active: active[i] })),
    activeCount: active.filter(Boolean).length,
  };
}

/** A layer_weights error in the reader's language (the module's own messages are English). */
export function layerWeightsMessage(e: LayerWeightsError, arch: Arch, lang: LabLang): string {
  if (lang === 'en') return e.message;
  const n = IP_LAYERS[arch].length;
  const range = `0–${n - 1}`;
  const name = arch === 'sd15' ? 'SD1.5' : 'SDXL';
  const entry = `“${e.entry}”（第 ${e.position} 项）`;
  switch (e.code) {
    case 'empty-entry':
      return `第 ${e.position} 项是空的（连着两个逗号，或开头/结尾多了逗号）。格式是“编号:数值”，用逗号分隔。`;
    case 'missing-colon':
      return `${entry}没有冒号“:”。请写成“编号:数值”，例如“3:1.0”，各项用逗号分隔。`;
    case 'too-many-colons':
      return `${entry}有不止一个冒号。每项只写一个“编号:数值”，各项用逗号分隔。`;
    case 'bad-index':
      return `${entry}：层编号不是整数。${name} 的层编号是 ${range}。`;
    case 'index-out-of-range':
      return `${entry}：没有这一层。${name} 的层编号是 ${range}。`;
    case 'bad-value':
      return `${entry}：权重不是数字（可以写 1、0.5 或 -0.2）。`;
    case 'duplicate-index':
      return `${entry}把同一层又设了一次。每层只写一次。`;
    default:
      return e.message;
  }
}

/** start_at/end_at errors in Chinese (sigmaBounds' own messages are English). */
export function scheduleMessage(startAt: number, endAt: number, english: string, lang: LabLang): string {
  if (lang === 'en') return english;
  return `start_at（${startAt}）必须小于 end_at（${endAt}）：IP-Adapter 只在噪声调度的 start_at 到 end_at 之间起作用，这个区间是空的。`;
}
