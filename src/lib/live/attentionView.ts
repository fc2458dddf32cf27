/**
 * What the attention-map view computes: the token list a reader picks from, one token's map (or
 * the mean over an adapter's image tokens), bilinear upsampling to the picture's size,
 * normalisation, a perceptually uniform colour map (viridis), and a sentence saying where the map
 * is strongest — the view's text alternative. Pure: no DOM.
 *
 * Maps come from the pipeline as src/lib/pipeline/attentionMaps.ts defines them: per layer,
 * token-major [tokens × h·w] softmax probabilities, averaged over heads.
 */
import { tokenMap, type AttentionMaps } from '../pipeline/attentionMaps';
import { IP_LAYERS } from '../ipadapter/weightTypes';
import { UNICODE_TO_BYTE } from '../tokenizer/bytes';

export type Bilingual = { en: string; zh: string };

/** Which map: a text token, one image token of an adapter branch, or the mean of a branch's image tokens. */
export type TokenChoice =
  | { kind: 'text'; index: number }
  | { kind: 'image'; branch: number; index: number }
  | { kind: 'image-mean'; branch: number };

export interface TokenOption {
  /** Stable value for a <select>: `t3`, `i0.2`, `m0`. */
  value: string;
  choice: TokenChoice;
  label: Bilingual;
  group: 'text' | 'image';
}

/** The prompt's tokens as the project's tokenizer gives them (Sd15Encoding: 77·k pieces, offsets into `prompt`). */
export interface TextTokens {
  pieces: readonly string[];
  offsets?: readonly (readonly [number, number] | null)[];
  prompt?: string;
}

export const choiceValue = (c: TokenChoice): string => (c.kind === 'text' ? `t${c.index}` : c.kind === 'image' ? `i${c.branch}.${c.index}` : `m${c.branch}`);

export function parseChoice(v: string): TokenChoice | null {
  let m = /^t(\d+)$/.exec(v);
  if (m) return { kind: 'text', index: Number(m[1]) };
  m = /^i(\d+)\.(\d+)$/.exec(v);
  if (m) return { kind: 'image', branch: Number(m[1]), index: Number(m[2]) };
  m = /^m(\d+)$/.exec(v);
  if (m) return { kind: 'image-mean', branch: Number(m[1]) };
  return null;
}

const START = '<|startoftext|>';
const END = '<|endoftext|>';

/** A BPE piece as text: CLIP's byte symbols back to UTF-8, the word-end mark dropped. */
export function pieceText(piece: string): string {
  if (piece === START || piece === END) return piece;
  const bytes: number[] = [];
  for (const ch of piece.replace(/<\/w>$/, '')) {
    const b = UNICODE_TO_BYTE.get(ch);
    if (b === undefined) return piece.replace(/<\/w>$/, '');
    bytes.push(b);
  }
  return new TextDecoder('utf-8').decode(new Uint8Array(bytes));
}

/**
 * The tokens of one layer's maps, in picker order: text tokens, then per adapter branch the
 * mean of its image tokens and each image token. With the tokenizer's pieces, text tokens are
 * the prompt's words (from the prompt itself when offsets are given: CJK characters split into
 * several byte pieces still read right), the start token, and the first end token; the padding
 * after it (more end tokens) is left out of the list. Without pieces: "text token k".
 */
export function tokenOptions(maps: AttentionMaps, text?: TextTokens): TokenOption[] {
  const out: TokenOption[] = [];
  const n = maps.textTokens;
  if (text && text.pieces.length >= n) {
    for (let k = 0; k < n; k++) {
      const piece = text.pieces[k];
      // SD1.5 pads with the end token: keep the first end of each 77-chunk, drop the rest
      if (piece === END && k % 77 !== 0 && text.pieces[k - 1] === END) continue;
      if (piece === START && k % 77 !== 0) continue;
      const span = text.offsets?.[k];
      const word = span && text.prompt !== undefined ? text.prompt.slice(span[0], span[1]) : pieceText(piece);
      const special = piece === START ? { en: 'start token', zh: '起始 token' } : piece === END ? { en: 'end token', zh: '结束 token' } : null;
      out.push({
        value: `t${k}`, choice: { kind: 'text', index: k }, group: 'text',
        label: special ? { en: `${special.en} (${k})`, zh: `${special.zh}（${k}）` } : { en: `“${word}” (${k})`, zh: `“${word}”（${k}）` },
      });
    }
  } else {
    for (let k = 0; k < n; k++) out.push({ value: `t${k}`, choice: { kind: 'text', index: k }, group: 'text', label: { en: `text token ${k}`, zh: `文本 token ${k}` } });
  }
  maps.image.forEach((b, branch) => {
    const which = maps.image.length > 1 ? { en: ` — adapter ${b.adapter + 1}`, zh: `（第 ${b.adapter + 1} 个 IP-Adapter）` } : { en: '', zh: '' };
    out.push({ value: `m${branch}`, choice: { kind: 'image-mean', branch }, group: 'image', label: { en: `all image tokens (mean)${which.en}`, zh: `全部图像 token（平均）${which.zh}` } });
    for (let k = 0; k < b.tokens; k++) {
      out.push({ value: `i${branch}.${k}`, choice: { kind: 'image', branch, index: k }, group: 'image', label: { en: `image token ${k + 1}${which.en}`, zh: `图像 token ${k + 1}${which.zh}` } });
    }
  });
  return out;
}

/** Problems with one layer's maps (the contract broken): empty when fine. */
export function mapsIssue(m: AttentionMaps): Bilingual | null {
  const n = m.h * m.w;
  const bad = !Number.isInteger(m.h) || !Number.isInteger(m.w) || m.h < 1 || m.w < 1
    || !(m.text instanceof Float32Array) || m.text.length !== m.textTokens * n
    || m.image.some((b) => !(b.maps instanceof Float32Array) || b.maps.length !== b.tokens * n);
  return bad ? {
    en: `The maps of layer ${m.layer} do not have the size their grid says (${m.h}×${m.w} per token); they cannot be shown.`,
    zh: `第 ${m.layer} 层的注意力图大小与网格（每个 token ${m.h}×${m.w}）对不上，无法显示。`,
  } : null;
}

/** One map of h·w values for a choice (a copy for the mean; a view otherwise). */
export function selectMap(m: AttentionMaps, c: TokenChoice): Float32Array {
  if (c.kind === 'text') return tokenMap(m.text, c.index, m.h, m.w);
  const b = m.image[c.branch];
  if (!b) throw new RangeError(`no image branch ${c.branch} in layer ${m.layer}`);
  if (c.kind === 'image') return tokenMap(b.maps, c.index, m.h, m.w);
  return meanOfTokens(b.maps, b.tokens, m.h * m.w);
}

/** Mean over tokens of a token-major [tokens × n] array. */
export function meanOfTokens(maps: Float32Array, tokens: number, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let k = 0; k < tokens; k++) for (let p = 0; p < n; p++) out[p] += maps[k * n + p];
  for (let p = 0; p < n; p++) out[p] /= tokens;
  return out;
}

/**
 * Bilinear resize of an h×w map to H×W with half-pixel centres (align_corners = false, as
 * PyTorch's interpolate and the ComfyUI mask resize use): the map's cells keep their places.
 */
export function bilinearUpsample(map: ArrayLike<number>, h: number, w: number, H: number, W: number): Float32Array {
  const out = new Float32Array(H * W);
  const sy = h / H;
  const sx = w / W;
  for (let y = 0; y < H; y++) {
    const fy = Math.min(h - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(h - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < W; x++) {
      const fx = Math.min(w - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(w - 1, x0 + 1);
      const tx = fx - x0;
      const top = map[y0 * w + x0] * (1 - tx) + map[y0 * w + x1] * tx;
      const bottom = map[y1 * w + x0] * (1 - tx) + map[y1 * w + x1] * tx;
      out[y * W + x] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}

export interface Normalised {
  values: Float32Array;
  min: number;
  max: number;
  /** max − min is (nearly) zero: nothing stands out, every value maps to 0. */
  flat: boolean;
}

/** Min–max to [0, 1]. Non-finite entries count as the minimum. */
export function normalise(map: ArrayLike<number>): Normalised {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < map.length; i++) {
    const v = map[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === Infinity) { min = 0; max = 0; }
  const span = max - min;
  const flat = !(span > 1e-12 * Math.max(1, Math.abs(max)));
  const values = new Float32Array(map.length);
  if (!flat) for (let i = 0; i < map.length; i++) values[i] = Number.isFinite(map[i]) ? (map[i] - min) / span : 0;
  return { values, min, max, flat };
}

// Viridis (matplotlib's default, perceptually uniform, readable in greyscale and by most colour-
// vision deficiencies) as a degree-6 polynomial fit per channel, so no colour table is shipped.
const VIRIDIS = [
  [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
  [0.1050930431085774, 1.404613529898575, 1.384590162594685],
  [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
  [-4.634230498983486, -5.799100973351585, -19.33244095627987],
  [6.228269936347081, 14.17993336680509, 56.69055260068105],
  [4.776384997670288, -13.74514537774601, -65.35303263337234],
  [-5.435455855934631, 4.645852612178535, 26.3124352495832],
] as const;

/** Viridis at t ∈ [0, 1] (clamped) as 8-bit RGB. */
export function viridis(t: number): [number, number, number] {
  const x = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const rgb: [number, number, number] = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    let v = 0;
    for (let k = VIRIDIS.length - 1; k >= 0; k--) v = v * x + VIRIDIS[k][c];
    rgb[c] = Math.round(Math.min(1, Math.max(0, v)) * 255);
  }
  return rgb;
}

/** 256 entries × RGB, for drawing many pixels. */
export function viridisTable(): Uint8ClampedArray {
  const t = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) t.set(viridis(i / 255), 3 * i);
  return t;
}

/** Values in [0, 1] → RGBA pixels with one alpha (the opacity slider). */
export function colourise(values: ArrayLike<number>, alpha: number, table = viridisTable()): Uint8ClampedArray<ArrayBuffer> {
  const a = Math.round(Math.min(1, Math.max(0, alpha)) * 255);
  const out = new Uint8ClampedArray(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const k = 3 * Math.round(Math.min(1, Math.max(0, values[i] || 0)) * 255);
    out[4 * i] = table[k]; out[4 * i + 1] = table[k + 1]; out[4 * i + 2] = table[k + 2]; out[4 * i + 3] = a;
  }
  return out;
}

/** A CSS gradient of the colour map (the legend), from `stops` samples. */
export function legendGradient(stops = 9, direction = 'to right'): string {
  const parts: string[] = [];
  for (let i = 0; i < stops; i++) {
    const t = i / (stops - 1);
    const [r, g, b] = viridis(t);
    parts.push(`rgb(${r} ${g} ${b}) ${+(t * 100).toFixed(2)}%`);
  }
  return `linear-gradient(${direction}, ${parts.join(', ')})`;
}

// ---- the text alternative ----

const ROWS = ['top', 'middle', 'bottom'] as const;
const COLS = ['left', 'centre', 'right'] as const;
const PLACE: Record<string, Bilingual> = {
  'top-left': { en: 'the upper left third', zh: '左上方' },
  'top-centre': { en: 'the top centre', zh: '上方正中' },
  'top-right': { en: 'the upper right third', zh: '右上方' },
  'middle-left': { en: 'the left third, halfway down', zh: '左侧中部' },
  'middle-centre': { en: 'the centre', zh: '画面正中' },
  'middle-right': { en: 'the right third, halfway down', zh: '右侧中部' },
  'bottom-left': { en: 'the lower left third', zh: '左下方' },
  'bottom-centre': { en: 'the bottom centre', zh: '下方正中' },
  'bottom-right': { en: 'the lower right third', zh: '右下方' },
};

export interface MapDescription {
  flat: boolean;
  /** The 3×3 region (row, column) of the peak. */
  row: (typeof ROWS)[number];
  col: (typeof COLS)[number];
  /** Peak position as fractions of width and height (cell centres). */
  peakX: number;
  peakY: number;
  /** Share of the map's total in the peak's ninth of the picture (1/9 ≈ 0.11 = spread evenly). */
  share: number;
  text: Bilingual;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** Where a map (h×w, non-negative) is strongest, in words: the sentence screen readers hear. */
export function describeMap(map: ArrayLike<number>, h: number, w: number): MapDescription {
  const { flat } = normalise(map);
  let best = 0;
  let total = 0;
  for (let i = 0; i < h * w; i++) {
    const v = Number.isFinite(map[i]) ? Math.max(0, map[i]) : 0;
    total += v;
    if (v > (Number.isFinite(map[best]) ? map[best] : -Infinity)) best = i;
  }
  const py = Math.floor(best / w);
  const px = best % w;
  const peakX = (px + 0.5) / w;
  const peakY = (py + 0.5) / h;
  const row = ROWS[Math.min(2, Math.floor(peakY * 3))];
  const col = COLS[Math.min(2, Math.floor(peakX * 3))];
  // mass in the peak's ninth, with cells split by area where a third boundary cuts through them
  let inside = 0;
  const r0 = ROWS.indexOf(row) / 3;
  const c0 = COLS.indexOf(col) / 3;
  for (let y = 0; y < h; y++) {
    const oy = Math.max(0, Math.min((y + 1) / h, r0 + 1 / 3) - Math.max(y / h, r0)) * h;
    if (oy <= 0) continue;
    for (let x = 0; x < w; x++) {
      const ox = Math.max(0, Math.min((x + 1) / w, c0 + 1 / 3) - Math.max(x / w, c0)) * w;
      if (ox > 0) inside += (Number.isFinite(map[y * w + x]) ? Math.max(0, map[y * w + x]) : 0) * ox * oy;
    }
  }
  const share = total > 0 ? inside / total : 0;
  if (flat) {
    return { flat, row, col, peakX, peakY, share, text: { en: 'Spread evenly: no part of the picture stands out.', zh: '分布均匀：画面里没有哪一块特别突出。' } };
  }
  const place = PLACE[`${row}-${col}`];
  const focus = share >= 0.5 ? { en: 'concentrated there', zh: '集中在那里' } : share >= 2 / 9 ? { en: 'with much of it elsewhere too', zh: '其他地方也有不少' } : { en: 'but spread over the whole picture', zh: '但整体分布较散' };
  return {
    flat, row, col, peakX, peakY, share,
    text: {
      en: `Strongest in ${place.en} (peak at ${pct(peakX)} from the left, ${pct(peakY)} from the top); ${pct(share)} of the attention falls in that ninth of the picture, ${focus.en}.`,
      zh: `最强处在${place.zh}（峰值距左边 ${pct(peakX)}、距上边 ${pct(peakY)}）；这九分之一的画面占了 ${pct(share)} 的注意力，${focus.zh}。`,
    },
  };
}

/** A layer's name for the picker: ComfyUI index, block and the grid size of its maps. */
export function layerLabel(m: Pick<AttentionMaps, 'layer' | 'h' | 'w'>): Bilingual {
  const info = IP_LAYERS.sd15[m.layer];
  const block = info ? { en: { input: 'input', middle: 'middle', output: 'output' }[info.block], zh: { input: '输入', middle: '中间', output: '输出' }[info.block] } : null;
  return block
    ? { en: `layer ${m.layer} (${block.en}, ${info.width} channels, ${m.h}×${m.w})`, zh: `第 ${m.layer} 层（${block.zh}块，${info.width} 通道，${m.h}×${m.w}）` }
    : { en: `layer ${m.layer} (${m.h}×${m.w})`, zh: `第 ${m.layer} 层（${m.h}×${m.w}）` };
}
