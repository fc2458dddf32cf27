import type { Bilingual } from '../i18n/lang';

/**
 * What can go wrong with a picture a reader drops into the page, as data the UI can show in
 * either language: a code to act on, and the message in both. Notices are the non-fatal kind
 * (the image was used, but changed on the way) and are returned, not thrown.
 */
export type ImageErrorCode =
  | 'empty-file'
  | 'not-an-image'
  | 'unsupported-format'
  | 'corrupt-image'
  | 'file-too-large'
  | 'image-too-large'
  | 'decode-unavailable';

export class ImageInputError extends Error {
  readonly code: ImageErrorCode;
  readonly messages: Bilingual;
  constructor(code: ImageErrorCode, messages: Bilingual, options?: { cause?: unknown }) {
    super(messages.en, options);
    this.name = 'ImageInputError';
    this.code = code;
    this.messages = messages;
  }
}

export type ImageNoticeCode = 'downscaled' | 'animated-first-frame' | 'transparency-flattened' | 'mask-aspect-mismatch';

export interface ImageNotice {
  code: ImageNoticeCode;
  messages: Bilingual;
}

const mb = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);

/** The error messages, in one place so both languages stay in step. */
export const imageErrors = {
  empty: (name: string) => new ImageInputError('empty-file', {
    en: `"${name}" is empty (0 bytes). The upload or download probably failed; pick the file again.`,
    zh: `“${name}”是空文件（0 字节），可能上传或下载没有完成。请重新选择这张图片。`,
  }),
  notAnImage: (name: string, looksLike?: string) => new ImageInputError('not-an-image', {
    en: `"${name}" is not an image${looksLike ? ` (it looks like ${looksLike})` : ''}. Use a PNG, JPEG, WebP, GIF or BMP picture.`,
    zh: `“${name}”不是图片${looksLike ? `（看起来是${zhKind(looksLike)}）` : ''}。请使用 PNG、JPEG、WebP、GIF 或 BMP 格式的图片。`,
  }),
  unsupported: (name: string, format: string) => new ImageInputError('unsupported-format', {
    en: `"${name}" is a ${format} image, which this browser cannot decode. Convert it to PNG or JPEG first.`,
    zh: `“${name}”是 ${format} 格式，这个浏览器无法解码。请先转换成 PNG 或 JPEG。`,
  }),
  corrupt: (name: string, why?: string) => new ImageInputError('corrupt-image', {
    en: `"${name}" looks like an image but cannot be decoded${why ? ` (${why})` : ''}: the file is damaged or incomplete. Save or download it again.`,
    zh: `“${name}”看起来是图片，但无法解码${why ? `（${why}）` : ''}：文件已损坏或不完整。请重新保存或下载。`,
  }),
  fileTooLarge: (name: string, bytes: number, limit: number) => new ImageInputError('file-too-large', {
    en: `"${name}" is ${mb(bytes)} MB; images up to ${mb(limit)} MB are accepted. Save a smaller copy.`,
    zh: `“${name}”有 ${mb(bytes)} MB，最大只接受 ${mb(limit)} MB 的图片。请另存一份小一些的。`,
  }),
  imageTooLarge: (name: string, w: number, h: number) => new ImageInputError('image-too-large', {
    en: `"${name}" is ${w}×${h} pixels, more than this browser can decode. Resize it (e.g. to 2048 px on the long side) and try again.`,
    zh: `“${name}”有 ${w}×${h} 像素，超出了浏览器能解码的大小。请先缩小（例如长边 2048 像素）再试。`,
  }),
  noDecoder: () => new ImageInputError('decode-unavailable', {
    en: 'This browser cannot decode images here (createImageBitmap / OffscreenCanvas are missing). Use a current Chrome, Edge or Firefox.',
    zh: '这个浏览器在这里无法解码图片（缺少 createImageBitmap / OffscreenCanvas）。请使用较新的 Chrome、Edge 或 Firefox。',
  }),
};

function zhKind(en: string): string {
  const map: Record<string, string> = {
    'a PDF document': 'PDF 文档', 'a ZIP archive': 'ZIP 压缩包', 'a safetensors weight file': 'safetensors 权重文件',
    'a text file': '文本文件', 'a video': '视频', 'an SVG drawing': 'SVG 矢量图', 'a PyTorch pickle': 'PyTorch pickle 文件',
  };
  return map[en] ?? en;
}

export const imageNotices = {
  downscaled: (w: number, h: number, nw: number, nh: number): ImageNotice => ({
    code: 'downscaled',
    messages: {
      en: `The image is ${w}×${h}; it was scaled down to ${nw}×${nh} before use (the encoder sees 224×224 anyway).`,
      zh: `图片是 ${w}×${h}，使用前已缩小到 ${nw}×${nh}（图像编码器最终只看 224×224）。`,
    },
  }),
  animated: (frames: number | undefined): ImageNotice => ({
    code: 'animated-first-frame',
    messages: {
      en: `The image is animated${frames ? ` (${frames} frames)` : ''}; only its first frame is used.`,
      zh: `这是一张动图${frames ? `（${frames} 帧）` : ''}，只使用第一帧。`,
    },
  }),
  transparency: (): ImageNotice => ({
    code: 'transparency-flattened',
    messages: {
      en: 'The image has transparent areas; they were filled with white (the encoder takes RGB only).',
      zh: '图片有透明区域，已用白色填充（图像编码器只接受 RGB）。',
    },
  }),
};
