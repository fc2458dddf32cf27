/**
 * Labels of the live panel's result views (compare, layer experiment, attention maps), in both
 * languages; the type makes a missing key an error. ComfyUI's node and widget names stay as
 * ComfyUI writes them in both languages.
 */
import type { Strings } from '../shared/base';

type K =
  // compare
  | 'cmpTitle' | 'cmpA' | 'cmpB' | 'cmpItem' | 'cmpNeedTwo' | 'cmpMode' | 'cmpSide' | 'cmpOverlay' | 'cmpSplit' | 'cmpSplitValue'
  | 'cmpAltA' | 'cmpAltB' | 'cmpDiffTitle' | 'cmpSame' | 'cmpNode' | 'cmpWidget' | 'cmpSamePreview' | 'cmpStretched' | 'cmpSizes'
  | 'cmpNodeOn' | 'cmpNodeOff' | 'cmpSameItem' | 'cmpDiffCount' | 'cmpImageFailed'
  // experiment
  | 'expTitle' | 'expIntro' | 'expWeights' | 'expWeightsHelp' | 'expLayers' | 'expLayersHelp' | 'expBaseline' | 'expAllLayers'
  | 'expRun' | 'expCancel' | 'expProgress' | 'expProgressLeft' | 'expIdle' | 'expDone' | 'expCancelled' | 'expNoGenerate'
  | 'expCellBaseline' | 'expCellAll' | 'expCellLayer' | 'expPending' | 'expRunning' | 'expFailed' | 'expCellCancelled'
  | 'expLayerHead' | 'expWeightHead' | 'expControls' | 'expGridCaption' | 'expBlockInput' | 'expBlockMiddle' | 'expBlockOutput'
  | 'errBusy' | 'errNotLoaded' | 'errInvalid' | 'errRuntime' | 'expStopped'
  // attention
  | 'attTitle' | 'attLayer' | 'attToken' | 'attTextGroup' | 'attImageGroup' | 'attOpacity' | 'attNone' | 'attLegendLow' | 'attLegendHigh'
  | 'attLegendTitle' | 'attRange' | 'attAlt' | 'attNoImage' | 'attStep' | 'attBroken';

export const RESULT_STRINGS: Strings<K> = {
  en: {
    cmpTitle: 'Compare two results', cmpA: 'Result A', cmpB: 'Result B', cmpItem: '#{n}: seed {seed}, {steps} steps, weight {weight}',
    cmpNeedTwo: 'Generate at least two results to compare them.', cmpMode: 'View', cmpSide: 'Side by side', cmpOverlay: 'Overlay with a slider',
    cmpSplit: 'Divider: A on the left, B on the right', cmpSplitValue: '{p}% A', cmpAltA: 'Result A: {label}', cmpAltB: 'Result B: {label}',
    cmpDiffTitle: 'Settings that differ', cmpSame: 'The two results were made with the same settings.', cmpNode: 'node', cmpWidget: 'widget',
    cmpSamePreview: 'same size, other pixels', cmpStretched: 'The two images have different proportions; in the overlay B is stretched to A’s frame.',
    cmpSizes: 'A is {a}, B is {b}.', cmpNodeOn: 'in the workflow', cmpNodeOff: 'not used', cmpSameItem: 'A and B are the same result: pick two different ones.',
    cmpDiffCount: '{n} settings differ.', cmpImageFailed: 'This image could not be shown.',
    expTitle: 'Layer experiment', expIntro: 'The same seed and settings, the adapter on one layer at a time (every other layer 0), as the Mad Scientist node’s layer_weights “t:w” with weight 1. Controls: no adapter, and every layer at 1.',
    expWeights: 'Weights', expWeightsHelp: 'Comma-separated, e.g. 1, 1.5, 2 (ComfyUI allows −1 to 5).',
    expLayers: 'Layers', expLayersHelp: 'ComfyUI layer indices, SD1.5 has 0–15; ranges like 0-3, 6, 9-15.',
    expBaseline: 'Control: no adapter', expAllLayers: 'Control: every layer at 1',
    expRun: 'Run the experiment', expCancel: 'Cancel', expProgress: '{done} of {total} images', expProgressLeft: '{done} of {total} images, about {time} left',
    expIdle: '{n} images to generate.', expDone: 'Finished: {done} images, {failed} failed.', expCancelled: 'Cancelled after {done} of {total} images.',
    expNoGenerate: 'Load the models first: the experiment uses the panel’s generator.',
    expCellBaseline: 'No adapter', expCellAll: 'All layers at 1', expCellLayer: 'layer {layer} at {weight}',
    expPending: 'waiting', expRunning: 'generating…', expFailed: 'failed: {error}', expCellCancelled: 'not run (cancelled)',
    expLayerHead: 'Layer', expWeightHead: 'weight {w}', expControls: 'Controls', expGridCaption: 'One layer at a time: rows are layers, columns are weights; seed {seed}.',
    expBlockInput: 'input', expBlockMiddle: 'middle', expBlockOutput: 'output',
    errBusy: 'another generation was running (wait for it, or cancel it, then run again)', errNotLoaded: 'the models are not loaded (load them, then run again)',
    errInvalid: 'the settings were refused', errRuntime: 'the GPU stopped with an error',
    expStopped: 'Stopped after {done} of {total} images: {why}',
    attTitle: 'Attention maps', attLayer: 'Layer', attToken: 'Token', attTextGroup: 'Prompt (text tokens)', attImageGroup: 'Reference (image tokens)',
    attOpacity: 'Map opacity', attNone: 'No attention maps were recorded for this result.', attLegendLow: 'low', attLegendHigh: 'high',
    attLegendTitle: 'Attention (viridis: dark = low, yellow = high)', attRange: 'probability {min} to {max} in this map',
    attAlt: '{token} at {layer}: {where}', attNoImage: 'The result image is missing; the map is shown alone.', attStep: 'recorded at step {step}',
    attBroken: 'These maps cannot be shown: {error}',
  },
  zh: {
    cmpTitle: '对比两张结果', cmpA: '结果 A', cmpB: '结果 B', cmpItem: '#{n}：seed {seed}，{steps} 步，权重 {weight}',
    cmpNeedTwo: '至少生成两张图才能对比。', cmpMode: '查看方式', cmpSide: '并排', cmpOverlay: '叠放 + 滑块',
    cmpSplit: '分割线：左边是 A，右边是 B', cmpSplitValue: 'A 占 {p}%', cmpAltA: '结果 A：{label}', cmpAltB: '结果 B：{label}',
    cmpDiffTitle: '不同的参数', cmpSame: '这两张图的参数完全相同。', cmpNode: '节点', cmpWidget: '参数',
    cmpSamePreview: '尺寸相同，像素不同', cmpStretched: '两张图的长宽比不同；叠放时 B 会被拉伸到 A 的画框里。',
    cmpSizes: 'A 是 {a}，B 是 {b}。', cmpNodeOn: '工作流里有', cmpNodeOff: '没有用', cmpSameItem: 'A 和 B 是同一张结果：请选两张不同的。',
    cmpDiffCount: '有 {n} 项参数不同。', cmpImageFailed: '这张图显示不出来。',
    expTitle: '分层实验', expIntro: '种子和所有参数都不变，每次只在一层打开 IP-Adapter（其余层为 0），写法就是 Mad Scientist 节点的 layer_weights「t:w」、weight 为 1。对照组：不用 IP-Adapter，以及所有层都为 1。',
    expWeights: '权重', expWeightsHelp: '用逗号分隔，例如 1, 1.5, 2（ComfyUI 允许 −1 到 5）。',
    expLayers: '层', expLayersHelp: 'ComfyUI 的层号，SD1.5 是 0–15；可以写范围，如 0-3, 6, 9-15。',
    expBaseline: '对照：不用 IP-Adapter', expAllLayers: '对照：所有层都为 1',
    expRun: '开始实验', expCancel: '取消', expProgress: '已完成 {done} / {total} 张', expProgressLeft: '已完成 {done} / {total} 张，大约还要 {time}',
    expIdle: '要生成 {n} 张图。', expDone: '完成：{done} 张，失败 {failed} 张。', expCancelled: '已取消：完成了 {done} / {total} 张。',
    expNoGenerate: '请先加载模型：实验用的是面板的生成器。',
    expCellBaseline: '不用 IP-Adapter', expCellAll: '所有层为 1', expCellLayer: '第 {layer} 层，权重 {weight}',
    expPending: '等待中', expRunning: '生成中…', expFailed: '失败：{error}', expCellCancelled: '未运行（已取消）',
    expLayerHead: '层', expWeightHead: '权重 {w}', expControls: '对照组', expGridCaption: '每次只开一层：行是层，列是权重；种子 {seed}。',
    expBlockInput: '输入', expBlockMiddle: '中间', expBlockOutput: '输出',
    errBusy: '另一张图正在生成（等它完成或先取消，再重新运行）', errNotLoaded: '模型还没加载（先加载再运行）',
    errInvalid: '参数没有通过检查', errRuntime: 'GPU 运行出错',
    expStopped: '在 {done} / {total} 张后停止：{why}',
    attTitle: '注意力图', attLayer: '层', attToken: 'Token', attTextGroup: '提示词（文本 token）', attImageGroup: '参考图（图像 token）',
    attOpacity: '热力图不透明度', attNone: '这张结果没有记录注意力图。', attLegendLow: '低', attLegendHigh: '高',
    attLegendTitle: '注意力（viridis 配色：深色为低，黄色为高）', attRange: '本图的概率范围 {min} 到 {max}',
    attAlt: '{layer}上的{token}：{where}', attNoImage: '没有结果图；只显示注意力图本身。', attStep: '取自第 {step} 步',
    attBroken: '这些注意力图无法显示：{error}',
  },
};
