import type { Bilingual } from '../i18n/lang';

/**
 * Problems with a LoRA file a reader can cause: a file that is no LoRA, one for another model
 * (nothing in it matches this model's layers), one whose factors have the wrong shapes, a
 * strength that is not a number. Code for the UI, message in both languages.
 */
export type LoraErrorCode = 'not-a-lora' | 'no-match' | 'wrong-model' | 'bad-strength';

export class LoraError extends Error {
  readonly code: LoraErrorCode;
  readonly messages: Bilingual;
  constructor(code: LoraErrorCode, messages: Bilingual) {
    super(messages.en);
    this.name = 'LoraError';
    this.code = code;
    this.messages = messages;
  }
}
