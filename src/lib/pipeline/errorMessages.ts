/**
 * What to tell the reader when the generation worker fails in a way they can act on, in both
 * languages (the live panel shows these beside the worker's technical message). Keys are the
 * worker's error codes (protocol.ts ErrorCode) and the client's own ('worker-failed',
 * 'terminated').
 */
import type { ErrorCode } from './protocol';

export type Lang = 'en' | 'zh';
export type RecoverableCode = Extract<ErrorCode, 'device-lost' | 'out-of-memory' | 'size-not-loaded' | 'unet-branches'> | 'worker-failed' | 'terminated';

export const PIPELINE_ERROR_MESSAGES: Record<RecoverableCode, Record<Lang, { title: string; action: string }>> = {
  'device-lost': {
    en: {
      title: 'The GPU stopped responding (the browser lost the WebGPU device).',
      action: 'This happens after a driver reset, when the computer sleeps, or when another tab needs the GPU. Nothing is wrong with your settings: press “Load models” again (no page reload; the weights come from the cache) and generate again.',
    },
    zh: {
      title: '显卡失去响应（浏览器丢失了 WebGPU 设备）。',
      action: '显卡驱动重置、电脑休眠或其他标签页抢占显卡时会出现这种情况，与你的设置无关。再点一次“加载模型”（不用刷新页面，权重从缓存读取），然后重新生成。',
    },
  },
  'out-of-memory': {
    en: {
      title: 'The GPU ran out of memory.',
      action: 'The models were released to free it. Load again with a smaller image size or batch, fewer reference images or adapters, or the LCM fast mode; close other tabs that use the GPU.',
    },
    zh: {
      title: '显存不足。',
      action: '模型已释放，显存已腾出。请用更小的图像尺寸或批次、更少的参考图或 IP-Adapter 重新加载，或者改用 LCM 快速模式；也可以关掉其他占用显卡的标签页。',
    },
  },
  'size-not-loaded': {
    en: {
      title: 'The models were prepared for another image size or batch.',
      action: 'For speed the GPU sessions are made for one size. Load the models again at the new size (the weights come from the cache).',
    },
    zh: {
      title: '模型是按另一种图像尺寸或批次准备的。',
      action: '为了速度，显卡会话只针对一种尺寸建立。请按新的尺寸重新加载模型（权重从缓存读取）。',
    },
  },
  'unet-branches': {
    en: {
      title: 'This IP-Adapter setup needs more image branches in the UNet than were loaded.',
      action: 'Load the models again: the panel then builds the UNet for the adapters and weight types you chose.',
    },
    zh: {
      title: '当前的 IP-Adapter 组合需要的 UNet 图像分支比已加载的多。',
      action: '请重新加载模型，面板会按你选择的 IP-Adapter 和权重类型重建 UNet。',
    },
  },
  'worker-failed': {
    en: {
      title: 'The generation worker crashed.',
      action: 'A fresh one starts on your next action: load the models again and generate.',
    },
    zh: {
      title: '生成用的后台线程（Worker）崩溃了。',
      action: '下一次操作时会自动启动新的线程：请重新加载模型再生成。',
    },
  },
  terminated: {
    en: { title: 'The generation worker was stopped.', action: 'Load the models again to continue.' },
    zh: { title: '生成线程已停止。', action: '请重新加载模型后继续。' },
  },
};

/** The bilingual explanation of a code, or null for codes whose worker message says it all. */
export function pipelineErrorMessage(code: string, lang: Lang): { title: string; action: string } | null {
  return (PIPELINE_ERROR_MESSAGES as Record<string, Record<Lang, { title: string; action: string }>>)[code]?.[lang] ?? null;
}
