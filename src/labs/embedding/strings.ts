import type { Strings } from '../shared/base';
import type { LabLang } from '../../lib/labs/format';
import { DownloadError, isAbort } from '../../lib/download/errors';
import { errorText } from '../../lib/download/strings';
import { TableError, type TableErrorCode } from '../../lib/labs/embeddingTable';

type K =
  | 'demoBadge' | 'demoNote' | 'realBadge' | 'testBadge' | 'realNote' | 'testNote'
  | 'originCacheLive' | 'originCacheFetched' | 'originDownload' | 'originLocal' | 'memoryOnly'
  | 'promptA' | 'promptB' | 'similarity' | 'noTokens' | 'unknown' | 'unknownReal' | 'tokens'
  | 'probe' | 'nearest' | 'probeUnknown' | 'summary' | 'compareTitle' | 'neighboursTitle'
  | 'getTitle' | 'getIntro' | 'check' | 'checkHint' | 'checking' | 'confirm' | 'confirmStored' | 'download' | 'cancel'
  | 'downloading' | 'progressLabel' | 'pick' | 'pickHint' | 'reading' | 'readingCache' | 'useDemo' | 'useReal'
  | 'failed' | 'errPickle' | 'errNotSafetensors' | 'errTruncated' | 'errMissingTensor' | 'errWrongShape' | 'errWrongDtype'
  | 'errNoFile' | 'errAborted' | 'errOther';

export const STRINGS: Strings<K> = {
  en: {
    demoBadge: 'Demo table — not CLIP’s numbers',
    demoNote: 'This table has {n} English words × {d} dimensions, set by hand for this lesson (dimensions: {dims}) plus a little seeded noise. It shows how similarity works; it is not CLIP’s table. CLIP’s real table ({clip} tokens × 768) can be used instead: see “Use CLIP’s real table” below.',
    realBadge: 'Real table — CLIP ViT-L/14 token embeddings',
    testBadge: 'Real table from a test model — not CLIP’s full vocabulary',
    realNote: '{rows} tokens × {dim} numbers ({tensor}), stored as {dtype} and converted to 32-bit floats. These are the rows the token ids select, before the text encoder’s 12 transformer layers. Prompts are cut by the CLIP tokenizer the pipeline uses; a token that does not end a word is shown with “…”.',
    testNote: 'This table has {rows} rows, not CLIP’s {clip}: it comes from a small test model. The CLIP tokenizer still cuts the prompts; tokens whose id is {rows} or more have no row here and are listed as missing.',
    originCacheLive: 'Read from {file}, which you downloaded for the live lab: already on this device, nothing was fetched.',
    originCacheFetched: 'Fetched earlier from {host} (only this tensor of {file}) and kept on this device: nothing was fetched now.',
    originDownload: 'Fetched just now from {host}: only this tensor of {file}, {bytes} in all (header included). It is kept on this device, so your next visit downloads nothing.',
    originLocal: 'Read from {file} on your disk, in this page; nothing was uploaded. It is not kept: pick the file again on your next visit.',
    memoryOnly: 'This browser offers this page no lasting storage, so a fetched table is kept only until you leave the page.',
    compareTitle: 'How similar are two prompts?',
    promptA: 'Prompt A',
    promptB: 'Prompt B',
    similarity: 'Cosine similarity of their mean token vectors: {c}',
    noTokens: 'A prompt has no tokens this table knows, so there is nothing to compare.',
    unknown: 'Not in the demo table (ignored): {w}',
    unknownReal: 'No row in this table (ignored): {w}',
    tokens: 'tokens: {t}',
    neighboursTitle: 'Nearest tokens',
    probe: 'Token to look around',
    nearest: 'Nearest tokens to “{w}” by cosine similarity',
    probeUnknown: '“{w}” is not in this table. Try one of: {s}.',
    summary: '{kind}. A and B have cosine similarity {c}. Nearest to “{w}”: {n}.',
    getTitle: 'Use CLIP’s real table',
    getIntro: 'The table is one tensor of SD1.5’s text encoder ({clip} × 768 numbers). If the live lab’s download is on this device, it is read from there by itself. Otherwise fetch that tensor alone, or pick a file you already have.',
    check: 'Check the download',
    checkHint: 'Reads only the file’s header (tens of kB at most) from {host}, to work out exactly what to fetch. Nothing is fetched before you press a button.',
    checking: 'Reading the file’s header…',
    confirm: 'Download {bytes} from {host}: only the token-embedding table ({shape}, {dtype}) of {file}.',
    confirmStored: 'It is kept on this device ({bytes} of disk), so your next visit downloads nothing.',
    download: 'Download the table',
    cancel: 'Cancel',
    downloading: 'Downloading the table: {done} of {total}',
    progressLabel: 'Download of the token-embedding table',
    pick: 'Or pick a file on your disk (SD1.5’s text encoder, or a checkpoint; .safetensors)',
    pickHint: 'Read in this page by slices, only the header and the table. Nothing is uploaded.',
    reading: 'Reading the table from {file}…',
    readingCache: 'CLIP’s table is on this device; reading it…',
    useDemo: 'Back to the demo table',
    useReal: 'Use the real table again',
    failed: 'The real table could not be used. {why} The demo table stays in use.',
    errPickle: '{file} is a pickle file (.bin, .ckpt, .pt): opening one can run code, so it is never read here. Pick the .safetensors version.',
    errNotSafetensors: '{file} is not a safetensors file. Pick SD1.5’s text encoder (text_encoder/model.safetensors) or a .safetensors checkpoint.',
    errTruncated: '{file} is cut short: its header promises more bytes than the file has.',
    errMissingTensor: '{file} has no token-embedding table (text_model.embeddings.token_embedding.weight, or cond_stage_model.transformer.… in a checkpoint). Is it a UNet, a VAE or an IP-Adapter file?',
    errWrongShape: 'The token-embedding table in {file} has shape [{shape}]; CLIP’s is [49408, 768]. A table with more rows, or not 2-D, belongs to another model.',
    errWrongDtype: 'The token-embedding table in {file} is {dtype}; a float table (fp16, bf16 or fp32) was expected.',
    errNoFile: 'The model list names no text encoder to fetch the table from.',
    errAborted: 'Download cancelled. Press “Check the download” to start again.',
    errOther: 'Something went wrong: {message}',
  },
  zh: {
    demoBadge: '演示表——不是 CLIP 的数字',
    demoNote: '这张表有 {n} 个英文单词 × {d} 个维度，是为本课手工设定的（维度：{dims}），再加一点固定种子的噪声。它用来说明相似度怎么算，不是 CLIP 的表。词表是英文的，因为 CLIP 的词表以英文为主。也可以改用 CLIP 真正的表（{clip} 个 token × 768）：见下面的“使用 CLIP 真正的嵌入表”。',
    realBadge: '真实的表——CLIP ViT-L/14 的 token 嵌入',
    testBadge: '来自测试模型的真实表——不是 CLIP 的完整词表',
    realNote: '{rows} 个 token × {dim} 个数（{tensor}），原本以 {dtype} 保存，已转成 32 位浮点。这些是 token id 直接选中的行，还没经过文本编码器的 12 层 transformer。提示词由流水线所用的 CLIP 分词器切分；不在词尾的 token 后面标“…”。',
    testNote: '这张表只有 {rows} 行，不是 CLIP 的 {clip} 行：它来自一个很小的测试模型。提示词仍由 CLIP 分词器切分；id 大于等于 {rows} 的 token 在这里没有对应的行，会列为缺失。',
    originCacheLive: '读取自 {file}：你为在线实验下载过它，已在本机，没有再下载任何东西。',
    originCacheFetched: '之前从 {host} 下载（只取了 {file} 里的这一个张量），保存在本机：这次没有下载任何东西。',
    originDownload: '刚从 {host} 下载：只取了 {file} 里的这一个张量，共 {bytes}（含文件头）。已保存在本机，下次打开不用再下载。',
    originLocal: '读取自你电脑上的 {file}，只在本页内读取，没有上传任何东西。不会保存：下次需要重新选择文件。',
    memoryOnly: '这个浏览器没有给本页提供持久存储，下载的表只保留到你离开本页为止。',
    compareTitle: '两个提示词有多相似？',
    promptA: '提示词 A',
    promptB: '提示词 B',
    similarity: '两者 token 向量平均值的余弦相似度：{c}',
    noTokens: '有一个提示词里没有这张表认识的 token，无法比较。',
    unknown: '演示表里没有（已忽略）：{w}',
    unknownReal: '这张表里没有对应的行（已忽略）：{w}',
    tokens: 'token：{t}',
    neighboursTitle: '最近的 token',
    probe: '要查看周围的 token',
    nearest: '按余弦相似度，离“{w}”最近的 token',
    probeUnknown: '这张表里没有“{w}”。试试：{s}。',
    summary: '{kind}。A 与 B 的余弦相似度为 {c}。离“{w}”最近的是：{n}。',
    getTitle: '使用 CLIP 真正的嵌入表',
    getIntro: '这张表是 SD1.5 文本编码器里的一个张量（{clip} × 768 个数）。如果本机已有在线实验下载的权重，会自动从那里读取；否则可以只下载这一个张量，或者选择你电脑上已有的文件。',
    check: '查看下载大小',
    checkHint: '只从 {host} 读取文件头（最多几十 KB），用来精确算出要下载多少。在你点按钮之前，不会下载任何东西。',
    checking: '正在读取文件头…',
    confirm: '将从 {host} 下载 {bytes}：只取 {file} 里的 token 嵌入表（{shape}，{dtype}）。',
    confirmStored: '下载后保存在本机（占用 {bytes} 磁盘），下次打开不用再下载。',
    download: '下载嵌入表',
    cancel: '取消',
    downloading: '正在下载嵌入表：{done} / {total}',
    progressLabel: 'token 嵌入表的下载进度',
    pick: '或者选择你电脑上的文件（SD1.5 的文本编码器，或者底模 checkpoint；.safetensors）',
    pickHint: '只在本页内按片读取文件头和这张表，不会上传任何东西。',
    reading: '正在从 {file} 读取嵌入表…',
    readingCache: '本机已有 CLIP 的嵌入表，正在读取…',
    useDemo: '换回演示表',
    useReal: '重新使用真实的表',
    failed: '没能使用真实的表。{why} 继续使用演示表。',
    errPickle: '{file} 是 pickle 文件（.bin、.ckpt、.pt）：打开这种文件可能执行代码，所以这里从不读取。请选择 .safetensors 版本。',
    errNotSafetensors: '{file} 不是 safetensors 文件。请选择 SD1.5 的文本编码器（text_encoder/model.safetensors）或 .safetensors 格式的底模。',
    errTruncated: '{file} 不完整：文件头写的字节数比文件实际的多。',
    errMissingTensor: '{file} 里没有 token 嵌入表（text_model.embeddings.token_embedding.weight，底模里是 cond_stage_model.transformer.…）。它是不是 UNet、VAE 或 IP-Adapter 的文件？',
    errWrongShape: '{file} 里的 token 嵌入表形状是 [{shape}]，CLIP 的是 [49408, 768]。行数更多或不是二维的表属于别的模型。',
    errWrongDtype: '{file} 里的 token 嵌入表是 {dtype} 类型，应为浮点（fp16、bf16 或 fp32）。',
    errNoFile: '模型清单里没有可以取嵌入表的文本编码器。',
    errAborted: '已取消下载。点“查看下载大小”可以重新开始。',
    errOther: '出错了：{message}',
  },
};

const ERROR_KEY: Record<TableErrorCode, K> = {
  pickle: 'errPickle',
  'not-safetensors': 'errNotSafetensors',
  truncated: 'errTruncated',
  'missing-tensor': 'errMissingTensor',
  'wrong-shape': 'errWrongShape',
  'wrong-dtype': 'errWrongDtype',
  'no-file': 'errNoFile',
};

const fillIn = (text: string, vars: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));

/**
 * Why the real table could not be used, in the reader's language: the table's own problems
 * from this lab's strings, download problems (404, refused origin, full disk…) in the download
 * panel's words (src/lib/download/strings.ts), a cancel as a cancel.
 */
export function errorMessage(e: unknown, lang: LabLang): string {
  const t = STRINGS[lang];
  let why: string;
  if (e instanceof TableError) {
    why = fillIn(t[ERROR_KEY[e.code]], { file: e.facts.file ?? '', shape: (e.facts.shape ?? []).join(', '), dtype: e.facts.dtype ?? '' });
  } else if (e instanceof DownloadError || isAbort(e)) {
    why = isAbort(e) ? t.errAborted : errorText(e as DownloadError, lang);
  } else {
    why = fillIn(t.errOther, { message: e instanceof Error ? e.message : String(e) });
  }
  return fillIn(t.failed, { why });
}
