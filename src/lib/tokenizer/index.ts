/**
 * SD1.5's CLIP BPE tokenizer. The vocabulary (~170 KB gzipped) is loaded lazily by
 * `loadClipTokenizer()`; importing this module does not pull it in.
 */
export {
  CONTEXT_LENGTH,
  ClipTokenizer,
  MAX_PROMPT_TOKENS,
  SD15_PAD,
  emptyPromptIds,
  loadClipTokenizer,
  sd15Encoding,
  sd15InputIds,
} from './clipTokenizer';
export type { ClipTokenizerOptions, Sd15Encoding, Span, TokenizeResult } from './clipTokenizer';
export { END_OF_TEXT, END_OF_TEXT_TOKEN, START_OF_TEXT, START_OF_TEXT_TOKEN, VOCAB_SIZE, loadClipVocab } from './vocab';
export type { ClipVocab } from './vocab';
export { BYTE_TO_UNICODE, UNICODE_TO_BYTE } from './bytes';
export { cleanForClip } from './textClean';
export type { CleanMode, OffsetText } from './textClean';
export { splitWords } from './bpe';
