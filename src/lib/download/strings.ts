/**
 * The download panel's words, in both languages, and the formatting of sizes, speeds and times.
 * Pure functions: the confirmation screen's text is tested in Node.
 */
import type { Lang } from '../i18n/lang';
import type { DownloadError, DownloadErrorCode } from './errors';

type Text = Record<Lang, string>;

export const S = {
  title: { en: 'Get the weights', zh: '获取权重文件' },
  intro: {
    en: 'The live lab runs Stable Diffusion 1.5 and IP-Adapter on your own GPU. Its weights come straight from Hugging Face to this browser (or from files already on your disk) and stay on this device: nothing is uploaded.',
    zh: '实时实验在你自己的显卡上运行 Stable Diffusion 1.5 和 IP-Adapter。权重文件直接从 Hugging Face 下载到这个浏览器里（也可以用你电脑上已有的文件），只保存在本机，不会上传任何东西。',
  },
  base: { en: 'Base model', zh: '底模' },
  adapters: { en: 'IP-Adapter models', zh: 'IP-Adapter 模型' },
  extras: { en: 'Extras', zh: '附加' },
  img2img: { en: 'VAE encoder (for image-to-image)', zh: 'VAE 编码器（图生图需要）' },
  storeF16: { en: 'Store float weights as fp16 (half the disk; the fp32 ViT-H becomes 1.26 GB)', zh: '以 fp16 保存浮点权重（占用减半；fp32 的 ViT-H 变为 1.26 GB）' },
  check: { en: 'Check sizes', zh: '查看大小' },
  checkHint: {
    en: 'Reads only the file headers (a few hundred kB in all) from {origins}, to work out exactly what to download.',
    zh: '只读取文件头（总共几百 KB），来源：{origins}，用来精确算出需要下载多少。',
  },
  checking: { en: 'Reading file headers…', zh: '正在读取文件头…' },
  confirmTitle: { en: 'Ready to download', zh: '准备下载' },
  nothingToDo: { en: 'Everything you chose is already on this device: 0 bytes to download.', zh: '所选的文件都已在本机：需要下载 0 字节。' },
  confirmFetch: { en: 'Download {bytes} from {origins}.', zh: '将从 {origins} 下载 {bytes}。' },
  confirmDisk: { en: 'Disk use on this device: {bytes} more{free}.', zh: '将在本机多占用 {bytes} 磁盘空间{free}。' },
  confirmFree: { en: ' ({free} free for this site)', zh: '（本站还可用 {free}）' },
  confirmResume: { en: '{bytes} of it were already downloaded earlier and are kept.', zh: '其中 {bytes} 之前已下载，会接着下载。' },
  confirmCached: { en: 'Already on this device: {bytes}.', zh: '本机已有：{bytes}。' },
  confirmUnverified: { en: 'Without a published checksum (checked by size and header only): {files}.', zh: '没有公开校验值（只检查大小和文件头）：{files}。' },
  confirmRow: { en: '{label}: {bytes}', zh: '{label}：{bytes}' },
  confirmRowCached: { en: '{label}: already here', zh: '{label}：已在本机' },
  start: { en: 'Download', zh: '开始下载' },
  cancel: { en: 'Cancel', zh: '取消' },
  pause: { en: 'Pause', zh: '暂停' },
  resume: { en: 'Resume', zh: '继续' },
  total: { en: 'Total', zh: '总计' },
  progressLine: { en: '{done} of {total}', zh: '{done} / {total}' },
  speedLine: { en: '{speed}, {eta} left', zh: '{speed}，剩余 {eta}' },
  speedUnknown: { en: 'measuring speed…', zh: '正在测速…' },
  stateWaiting: { en: 'waiting', zh: '等待中' },
  stateDownloading: { en: 'downloading', zh: '下载中' },
  stateVerifying: { en: 'checking', zh: '校验中' },
  stateDone: { en: 'done', zh: '完成' },
  stateCached: { en: 'already here', zh: '已在本机' },
  stateError: { en: 'failed', zh: '失败' },
  statePaused: { en: 'paused', zh: '已暂停' },
  allDone: { en: 'All weights are on this device. Fetched this time: {bytes}.', zh: '所有权重都已在本机。本次下载：{bytes}。' },
  someFailed: { en: 'Some files failed; the others are kept. Fix the cause and press Download again: finished files are not fetched again.', zh: '部分文件失败，其余已保存。处理好问题后再点“开始下载”：已完成的文件不会重复下载。' },
  manage: { en: 'Manage downloads', zh: '管理已下载的文件' },
  manageEmpty: { en: 'Nothing is stored yet.', zh: '还没有保存任何文件。' },
  manageUsing: { en: 'Stored in {store}: {bytes} in all.', zh: '保存在 {store}，共 {bytes}。' },
  colFile: { en: 'File', zh: '文件' },
  colParts: { en: 'Parts', zh: '部分' },
  colSize: { en: 'Size', zh: '大小' },
  colState: { en: 'State', zh: '状态' },
  complete: { en: 'complete', zh: '完整' },
  partial: { en: 'unfinished', zh: '未完成' },
  delete: { en: 'Delete', zh: '删除' },
  deleteNamed: { en: 'Delete {name}', zh: '删除 {name}' },
  deleteAll: { en: 'Delete all', zh: '全部删除' },
  local: { en: 'Use files already on your disk', zh: '使用电脑上已有的文件' },
  localIntro: {
    en: 'Pick .safetensors files, or your ComfyUI models folder (checkpoints, clip_vision, ipadapter, loras). They are read in place by this page; nothing is uploaded or copied.',
    zh: '选择 .safetensors 文件，或者直接选 ComfyUI 的 models 文件夹（checkpoints、clip_vision、ipadapter、loras）。文件只在本页内读取，不会上传，也不会复制。',
  },
  pickFiles: { en: 'Pick files', zh: '选择文件' },
  pickFolder: { en: 'Pick a models folder', zh: '选择 models 文件夹' },
  localNone: { en: 'No weight files recognised.', zh: '没有识别出权重文件。' },
  colWhat: { en: 'Recognised as', zh: '识别为' },
  colFolder: { en: 'Folder', zh: '文件夹' },
  skipped: { en: 'skipped', zh: '已跳过' },
  opfs: { en: 'the browser\u2019s private file system (OPFS)', zh: '浏览器私有文件系统（OPFS）' },
  cacheStorage: { en: 'the browser\u2019s Cache Storage', zh: '浏览器 Cache Storage' },
  memory: { en: 'memory only (this browser offers no persistent storage; nothing survives a reload)', zh: '仅内存（此浏览器没有可用的持久存储，刷新后需重新下载）' },
} satisfies Record<string, Text>;

export type Key = keyof typeof S;

export function s(lang: Lang, key: Key, vars: Record<string, string | number> = {}): string {
  return S[key][lang].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
}

/** Sizes in decimal units, as Hugging Face shows them (1.72 GB). */
export function formatBytes(n: number, lang: Lang = 'en'): string {
  void lang;
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) { v /= 1000; u++; }
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${units[u]}`;
}

export const formatSpeed = (bytesPerSecond: number, lang: Lang = 'en') => `${formatBytes(Math.round(bytesPerSecond), lang)}/s`;

export function formatDuration(seconds: number, lang: Lang = 'en'): string {
  const t = Math.max(0, Math.round(seconds));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  if (lang === 'zh') return h ? `${h} 小时 ${m} 分` : m ? `${m} 分 ${sec} 秒` : `${sec} 秒`;
  return h ? `${h} h ${m} min` : m ? `${m} min ${sec} s` : `${sec} s`;
}

/** The hosts of a list of origins, for sentences ("huggingface.co, cdn-lfs.hf.co"). */
export const hostList = (origins: string[]) => origins.map((o) => new URL(o).host).join(', ');

const ERR: Record<DownloadErrorCode, Text> = {
  origin: { en: 'Refused: {url} is not an origin the manifest allows. Nothing was sent there.', zh: '已拒绝：{url} 不在模型清单允许的来源里，没有向它发送任何请求。' },
  'not-found': { en: '{file} was not found (HTTP 404) at {url}. The file may have moved upstream.', zh: '找不到 {file}（HTTP 404），地址：{url}。文件可能已在上游移动或改名。' },
  forbidden: { en: '{file}: access denied (HTTP {status}) at {url}.', zh: '{file}：没有访问权限（HTTP {status}），地址：{url}。' },
  http: { en: '{file}: the server answered HTTP {status} at {url}.', zh: '{file}：服务器返回 HTTP {status}，地址：{url}。' },
  network: { en: '{file}: the connection kept breaking; what arrived is kept. Press Resume to go on.', zh: '{file}：网络连接多次中断，已下载的部分都保留着。点“继续”接着下载。' },
  protocol: { en: '{file}: the server\u2019s answer did not fit the request.', zh: '{file}：服务器的响应与请求不符。' },
  size: { en: '{file} has the wrong size (expected {expected}, found {actual}).', zh: '{file} 的大小不对（应为 {expected}，实际 {actual}）。' },
  header: { en: '{file} is not a valid safetensors file (its header does not parse).', zh: '{file} 不是有效的 safetensors 文件（文件头无法解析）。' },
  checksum: { en: '{file} failed its checksum (sha256): the bytes were corrupted on the way or the file changed upstream. The damaged copy was deleted; download it again.', zh: '{file} 校验失败（sha256）：数据在传输中损坏，或上游文件已改变。损坏的副本已删除，请重新下载。' },
  changed: { en: '{file} changed upstream during the download. Delete it and download again.', zh: '{file} 在下载过程中被上游修改了。请删除后重新下载。' },
  disk: { en: 'Not enough disk space: this needs {need}, the browser allows this site {free} more. Free some space or delete downloads below.', zh: '磁盘空间不足：需要 {need}，浏览器只允许本站再用 {free}。请清理磁盘或删除下面不需要的文件。' },
  quota: { en: 'The disk filled up while saving {file}. Everything saved so far is kept: free some space, then press Resume.', zh: '保存 {file} 时磁盘满了。已保存的部分都保留着：清理出空间后点“继续”。' },
  storage: { en: 'Saving {file} failed.', zh: '保存 {file} 失败。' },
  aborted: { en: 'Paused.', zh: '已暂停。' },
};

/** The reader-facing message for an error, in their language. */
export function errorText(e: Pick<DownloadError, 'code' | 'facts'>, lang: Lang): string {
  const f = e.facts;
  const vars: Record<string, string | number> = {
    file: f.file ?? '', url: f.url ?? '', status: f.status ?? '',
    expected: typeof f.expected === 'number' ? formatBytes(f.expected) : f.expected ?? '',
    actual: typeof f.actual === 'number' ? formatBytes(f.actual) : f.actual ?? '',
    need: f.need !== undefined ? formatBytes(f.need) : '', free: f.free !== undefined ? formatBytes(f.free) : '',
  };
  return ERR[e.code][lang].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}
