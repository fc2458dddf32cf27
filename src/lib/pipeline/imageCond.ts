/**
 * Reference images → the image tokens each latent's cond and uncond rows see, as ComfyUI's
 * `ipadapter_execute` builds them (ComfyUI_IPAdapter_plus v2):
 *
 * 1. every reference goes through the CLIP image encoder: pooled `image_embeds` for base
 *    adapters, penultimate hidden states for Plus/full-face;
 * 2. the negative: image_negative if given, else zero embeddings (base) or a black image (Plus);
 *    'noise' builds image_negative from each reference with IPAdapterNoise;
 * 3. without unfold_batch, several references are combined on the CLIP side (combine_embeds);
 *    after a non-concat combination the negative is the first one; concat projects each image
 *    and puts the tokens side by side (one softmax over N·T tokens);
 * 4. the projector turns embeddings into tokens [T, C];
 * 5. with unfold_batch, latent i gets image i's tokens (the last image repeats).
 */
import { combineEmbeds, combineNegative, concatTokens, type Embeds } from '../ipadapter/combineEmbeds';
import { negativeNoise, type RgbImage } from '../ipadapter/negativeNoise';
import { CLIP_MEAN, CLIP_STD } from '../image/clipPreprocess';
import { referencePixels } from './references';
import type { ClipPixels, ResolvedAdapter } from './settings';
import type { ImageEncoderRunner, ProjectorRunner, Tensor32 } from './runners';


/** A black image as the encoder sees it: (0 − mean)/std per channel. */
export function blackClipPixels(size: number): ClipPixels {
  const data = new Float32Array(3 * size * size);
  for (let c = 0; c < 3; c++) data.fill(-CLIP_MEAN[c] / CLIP_STD[c], c * size * size, (c + 1) * size * size);
  return { data, size };
}

/** Normalised CHW pixels → RGB HWC float in [0, 1] (undoing the normalisation, for IPAdapterNoise). */
export function clipPixelsToUnitRgb(p: ClipPixels): RgbImage {
  const n = p.size * p.size;
  const data = new Float32Array(3 * n);
  for (let c = 0; c < 3; c++) for (let i = 0; i < n; i++) data[i * 3 + c] = p.data[c * n + i] * CLIP_STD[c] + CLIP_MEAN[c];
  return { data, width: p.size, height: p.size };
}

/** RGB HWC in [0, 1] → normalised CHW pixels. */
export function rgbToClipPixels(img: RgbImage): ClipPixels {
  if (img.width !== img.height) throw new Error(`CLIP pixels are square; got ${img.width}×${img.height}`);
  const n = img.width * img.height;
  const data = new Float32Array(3 * n);
  for (let c = 0; c < 3; c++) for (let i = 0; i < n; i++) data[c * n + i] = (img.data[i * 3 + c] - CLIP_MEAN[c]) / CLIP_STD[c];
  return { data, size: img.width };
}

function stackPixels(images: ClipPixels[]): Tensor32 {
  const size = images[0].size;
  const per = 3 * size * size;
  const data = new Float32Array(images.length * per);
  images.forEach((im, i) => data.set(im.data, i * per));
  return { data, dims: [images.length, 3, size, size] };
}

const asEmbeds = (t: Tensor32): Embeds => (t.dims.length === 2
  ? { data: t.data, n: t.dims[0], t: 1, d: t.dims[1] }
  : { data: t.data, n: t.dims[0], t: t.dims[1], d: t.dims[2] });

const toTensor = (e: Embeds, pooled: boolean): Tensor32 => ({ data: e.data, dims: pooled ? [e.n, e.d] : [e.n, e.t, e.d] });

async function encode(encoder: ImageEncoderRunner, images: ClipPixels[], input: ProjectorRunner['input']): Promise<Embeds> {
  const out = await encoder.encode(stackPixels(images));
  const t = input === 'image_embeds' ? out.imageEmbeds : out.hiddenStates;
  if (!t) throw new Error(`The image encoder gave no ${input === 'image_embeds' ? 'image_embeds' : 'penultimate hidden states'}, which this adapter's projector needs.`);
  return asEmbeds(t);
}

/** Tokens [T, C] for each latent of the batch: cond (the references) and uncond (the negative). */
export interface AdapterTokens {
  tokens: number;
  channels: number;
  cond: Float32Array[];
  uncond: Float32Array[];
}

/** Splits projected [N, T, C] into N arrays of [T, C]. */
function rows(t: Tensor32): Float32Array[] {
  const [n, T, C] = t.dims;
  return Array.from({ length: n }, (_, i) => t.data.subarray(i * T * C, (i + 1) * T * C));
}

/**
 * Runs steps 1–5 for one adapter and `batch` latents. `needUncond` false (no CFG) skips the
 * negative.
 */
export async function adapterTokens(
  a: ResolvedAdapter, encoder: ImageEncoderRunner | undefined, projector: ProjectorRunner, batch: number, needUncond: boolean,
): Promise<AdapterTokens> {
  if (!encoder) throw new Error('No image encoder is loaded, so IP-Adapter references cannot be encoded.');
  const input = projector.input;
  const pooled = input === 'image_embeds';
  const images = a.images.map((im) => referencePixels(im, encoder.size));
  const cond = await encode(encoder, images, input);

  let neg: Embeds | null = null;
  if (needUncond) {
    const n = a.negative;
    if (n.kind === 'default' && pooled) neg = { data: new Float32Array(cond.data.length), n: cond.n, t: cond.t, d: cond.d };
    else if (n.kind === 'default' || n.kind === 'black') neg = await encode(encoder, [blackClipPixels(encoder.size)], input);
    else if (n.kind === 'image') neg = await encode(encoder, [referencePixels(n.image, encoder.size)], input);
    else {
      const noisy = images.map((im) => rgbToClipPixels(negativeNoise(clipPixelsToUnitRgb(im), { type: n.type, strength: n.strength, blur: n.blur, seed: n.seed })));
      neg = await encode(encoder, noisy, input);
    }
  }

  const pick = <T,>(list: T[], i: number): T => list[Math.min(i, list.length - 1)];
  const perLatent = (list: Float32Array[]) => Array.from({ length: batch }, (_, i) => pick(list, i));

  if (a.unfoldBatch) {
    const c = await projector.project(toTensor(cond, pooled));
    const u = neg ? await projector.project(toTensor(neg, pooled)) : null;
    return { tokens: c.dims[1], channels: c.dims[2], cond: perLatent(rows(c)), uncond: u ? perLatent(rows(u)) : [] };
  }
  const one = async (c: { embeds: Embeds; concatAfterProjection: boolean }): Promise<{ data: Float32Array; tokens: number; channels: number }> => {
    const r = await projector.project(toTensor(c.embeds, pooled));
    const [n, T, C] = r.dims;
    if (!c.concatAfterProjection) return { data: r.data.subarray(0, T * C), tokens: T, channels: C };
    return { data: concatTokens({ data: r.data, n, t: T, d: C }).data, tokens: n * T, channels: C };
  };
  const c = await one(combineEmbeds(cond, a.combineEmbeds));
  const u = neg ? await one(combineNegative(neg, cond.n, a.combineEmbeds)) : null;
  if (u && u.tokens !== c.tokens) throw new Error(`The negative gives ${u.tokens} image tokens but the references ${c.tokens}.`);
  return { tokens: c.tokens, channels: c.channels, cond: perLatent([c.data]), uncond: u ? perLatent([u.data]) : [] };
}
