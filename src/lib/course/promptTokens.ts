/**
 * How SD1.5 turns a prompt into the 77 token ids its text encoder reads (lesson 2), with a few
 * prompts tokenized by the real CLIP tokenizer (ids from OpenAI's simple_tokenizer and
 * transformers' CLIPTokenizer, which agree; see ../shared/fixtures/clip_tokenizer).
 */

export const START_OF_TEXT = 49406;
export const END_OF_TEXT = 49407;
export const CLIP_VOCAB_SIZE = 49408;
/** Positions the text encoder reads. */
export const CONTEXT_LENGTH = 77;
/** Positions left for the prompt once start and end are placed. */
export const USABLE_TOKENS = CONTEXT_LENGTH - 2;
/** Width of each token's embedding in SD1.5's text encoder (CLIP ViT-L/14). */
export const TEXT_EMBED_DIM = 768;

/**
 * SD1.5's rule: start token, the prompt's ids truncated to 75, end token, then padding with the
 * end token (49407) up to 77. (SD2 pads with 0 instead; SD1.5 does not.)
 */
export function sd15InputIds(ids: readonly number[]): number[] {
  const body = ids.slice(0, USABLE_TOKENS);
  const out = [START_OF_TEXT, ...body, END_OF_TEXT];
  while (out.length < CONTEXT_LENGTH) out.push(END_OF_TEXT);
  return out;
}

/** How many of the prompt's tokens are dropped by the 75-token limit. */
export const truncatedCount = (ids: readonly number[]): number => Math.max(0, ids.length - USABLE_TOKENS);

export interface TokenizedExample {
  prompt: string;
  /** BPE pieces; `</w>` marks the end of a word. */
  tokens: string[];
  ids: number[];
}

/** Real tokenizer output for prompts the lessons use. */
export const TOKENIZED: Record<'photoOfACat' | 'fatCat' | 'chineseFatCat' | 'dreamshaper' | 'weighted', TokenizedExample> = {
  photoOfACat: {
    prompt: 'a photo of a cat',
    tokens: ['a</w>', 'photo</w>', 'of</w>', 'a</w>', 'cat</w>'],
    ids: [320, 1125, 539, 320, 2368],
  },
  fatCat: {
    prompt: 'a fat cat, landscape, grass',
    tokens: ['a</w>', 'fat</w>', 'cat</w>', ',</w>', 'landscape</w>', ',</w>', 'grass</w>'],
    ids: [320, 5484, 2368, 267, 5727, 267, 5922],
  },
  chineseFatCat: {
    prompt: '一只胖猫在草地上',
    // byte-level pieces shown as CLIP's byte-to-unicode characters
    tokens: ['ä¸', 'Ģ', 'åı', 'ª', 'è', 'ĥ', 'ĸ', 'ç', 'Į', '«', 'åľ', '¨', 'è', 'į', 'ī', 'åľ', '°', 'ä¸', 'Ĭ</w>'],
    ids: [19759, 222, 34517, 103, 164, 225, 244, 163, 234, 104, 37746, 101, 164, 235, 231, 37746, 108, 19759, 488],
  },
  dreamshaper: { prompt: 'dreamshaper', tokens: ['dream', 'shap', 'er</w>'], ids: [4595, 5581, 528] },
  weighted: {
    prompt: '(cat:1.5)',
    tokens: ['(</w>', 'cat</w>', ':</w>', '1</w>', '.</w>', '5</w>', ')</w>'],
    ids: [263, 2368, 281, 272, 269, 276, 264],
  },
};

/** UTF-8 bytes of a string: a Chinese character is 3 bytes, which byte-level BPE starts from. */
export const utf8Length = (s: string): number => new TextEncoder().encode(s).length;

/** Size of the matrix the UNet's cross-attention reads as K/V input: 77 × 768. */
export const textConditioningShape = (): [number, number] => [CONTEXT_LENGTH, TEXT_EMBED_DIM];
