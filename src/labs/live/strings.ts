/** Every label of the live lab, in both languages (the type makes a missing key an error). */
import type { Strings } from '../shared/base';

type K =
  | 'capTitle' | 'capChecking' | 'capOk' | 'capAdapter' | 'capEstimate' | 'galleryTitle'
  | 'modelsTitle' | 'pickFiles' | 'pickHelp' | 'filesNone' | 'load' | 'loading' | 'loaded' | 'downloadNotReady' | 'missingParts'
  | 'roleCheckpoint' | 'roleUnet' | 'roleVae' | 'roleText' | 'roleVision' | 'roleAdapter' | 'roleUnknown'
  | 'refTitle' | 'refPick' | 'refCrop' | 'refNone'
  | 'prompt' | 'negativePrompt' | 'seed' | 'steps' | 'cfg' | 'scheduler' | 'width' | 'height'
  | 'adapterTitle' | 'weight' | 'weightType' | 'combineEmbeds' | 'startAt' | 'endAt' | 'embedsScaling'
  | 'generate' | 'cancel' | 'step' | 'done' | 'cancelled' | 'previewAlt' | 'resultAlt' | 'notLoaded' | 'needRef'
  | 'importWf' | 'exportWf' | 'imported' | 'importUnknownNode' | 'importUnsupported' | 'importFailed' | 'exported'
  | 'historyTitle' | 'historyEmpty' | 'historyUse' | 'historyClear' | 'historyItem' | 'summaryIdle' | 'errorPrefix';

export const STRINGS: Strings<K> = {
  en: {
    capTitle: 'Can this browser run it?', capChecking: 'Checking WebGPU…', capOk: 'WebGPU is available: the networks run in {float}.',
    capAdapter: 'GPU: {name}. Largest buffer: {buf}; storage binding: {bind}.', capEstimate: 'Estimated GPU memory for SD1.5 + IP-Adapter at {w}×{h}: {total} ({float}).',
    galleryTitle: 'Gallery',
    modelsTitle: 'Models', pickFiles: 'Use my own files (.safetensors)', pickHelp: 'Pick a single-file SD1.5 checkpoint, or the UNet, VAE and text encoder, plus the CLIP ViT-H image encoder and an IP-Adapter file. Nothing is uploaded: the files are read in this page.',
    filesNone: 'No files picked yet.', load: 'Load models', loading: 'Loading: {stage} ({done}/{total})', loaded: 'Loaded on {provider} ({float}) in {ms} ms.',
    downloadNotReady: 'Downloading the weights from this panel is not available yet: use your own files.',
    missingParts: 'Still missing: {parts}.',
    roleCheckpoint: 'checkpoint (UNet + VAE + text encoder)', roleUnet: 'UNet', roleVae: 'VAE', roleText: 'text encoder', roleVision: 'image encoder (CLIP vision)', roleAdapter: 'IP-Adapter', roleUnknown: 'not recognised',
    refTitle: 'Reference image', refPick: 'Choose an image', refCrop: 'What CLIP sees: the 224×224 centre crop (PrepImageForClipVision)', refNone: 'No reference image yet.',
    prompt: 'Prompt', negativePrompt: 'Negative prompt', seed: 'seed', steps: 'steps', cfg: 'cfg', scheduler: 'scheduler', width: 'width', height: 'height',
    adapterTitle: 'IPAdapter Advanced', weight: 'weight', weightType: 'weight_type', combineEmbeds: 'combine_embeds', startAt: 'start_at', endAt: 'end_at', embedsScaling: 'embeds_scaling',
    generate: 'Generate', cancel: 'Cancel', step: 'Step {step} of {steps}', done: 'Done in {ms} ms.', cancelled: 'Cancelled at step {step}.',
    previewAlt: 'Preview of the image being generated, step {step}', resultAlt: 'Generated image: {prompt}', notLoaded: 'Load the models first.', needRef: 'Choose a reference image first.',
    importWf: 'Import ComfyUI workflow', exportWf: 'Export as ComfyUI workflow', imported: 'Workflow imported.', importUnknownNode: 'Not carried over: node {type} (#{id}): {reason}',
    importUnsupported: 'Replaced: {nodeType} (#{node}) {field} = {value}: {reason}', importFailed: 'The workflow was not imported: {error}', exported: 'Workflow saved as {file}.',
    historyTitle: 'History (kept in this browser)', historyEmpty: 'No results yet.', historyUse: 'Use these settings', historyClear: 'Clear history', historyItem: 'seed {seed}, {steps} steps, weight {weight}, {weightType}',
    summaryIdle: 'Nothing generated yet.', errorPrefix: 'Error',
  },
  zh: {
    capTitle: '这个浏览器能跑吗？', capChecking: '正在检查 WebGPU…', capOk: 'WebGPU 可用：网络以 {float} 运行。',
    capAdapter: 'GPU：{name}。单个缓冲区上限：{buf}；存储绑定上限：{bind}。', capEstimate: 'SD1.5 + IP-Adapter 在 {w}×{h} 下预计显存：{total}（{float}）。',
    galleryTitle: '图库',
    modelsTitle: '模型', pickFiles: '用我自己的文件（.safetensors）', pickHelp: '选一个 SD1.5 单文件底模，或者分开的 UNet、VAE、文本编码器；再加上 CLIP ViT-H 图像编码器和一个 IP-Adapter 文件。不会上传任何东西：文件只在本页读取。',
    filesNone: '还没有选择文件。', load: '加载模型', loading: '加载中：{stage}（{done}/{total}）', loaded: '已在 {provider} 上加载（{float}），用时 {ms} 毫秒。',
    downloadNotReady: '暂时还不能从这个面板下载权重：请使用自己的文件。',
    missingParts: '还缺：{parts}。',
    roleCheckpoint: '底模（UNet + VAE + 文本编码器）', roleUnet: 'UNet', roleVae: 'VAE', roleText: '文本编码器', roleVision: '图像编码器（CLIP vision）', roleAdapter: 'IP-Adapter', roleUnknown: '无法识别',
    refTitle: '参考图', refPick: '选择图片', refCrop: 'CLIP 实际看到的：224×224 中心裁切（PrepImageForClipVision）', refNone: '还没有参考图。',
    prompt: '提示词', negativePrompt: '反向提示词', seed: 'seed（种子）', steps: 'steps（步数）', cfg: 'cfg', scheduler: 'scheduler（采样器）', width: 'width（宽）', height: 'height（高）',
    adapterTitle: 'IPAdapter Advanced 节点', weight: 'weight（权重）', weightType: 'weight_type（权重类型）', combineEmbeds: 'combine_embeds（嵌入合并）', startAt: 'start_at（开始）', endAt: 'end_at（结束）', embedsScaling: 'embeds_scaling（嵌入缩放）',
    generate: '生成', cancel: '取消', step: '第 {step} / {steps} 步', done: '完成，用时 {ms} 毫秒。', cancelled: '在第 {step} 步取消。',
    previewAlt: '正在生成的图像预览，第 {step} 步', resultAlt: '生成的图像：{prompt}', notLoaded: '请先加载模型。', needRef: '请先选择参考图。',
    importWf: '导入 ComfyUI 工作流', exportWf: '导出为 ComfyUI 工作流', imported: '工作流已导入。', importUnknownNode: '未导入：节点 {type}（#{id}）：{reason}',
    importUnsupported: '已替换：{nodeType}（#{node}）的 {field} = {value}：{reason}', importFailed: '工作流没有导入：{error}', exported: '工作流已保存为 {file}。',
    historyTitle: '历史记录（保存在本浏览器）', historyEmpty: '还没有结果。', historyUse: '用这组参数', historyClear: '清空历史', historyItem: 'seed {seed}，{steps} 步，权重 {weight}，{weightType}',
    summaryIdle: '还没有生成任何图像。', errorPrefix: '出错',
  },
};
