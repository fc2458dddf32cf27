/**
 * Every problem with a weight file a reader can cause (wrong file, truncated download, a model
 * of another family) becomes a WeightFileError with a code the UI can act on and a message a
 * person can read.
 */
export type WeightErrorCode =
  | 'not-safetensors'
  | 'truncated'
  | 'missing-tensor'
  | 'wrong-shape'
  | 'wrong-dtype'
  | 'wrong-model'
  | 'encoder-mismatch';

export class WeightFileError extends Error {
  readonly code: WeightErrorCode;
  constructor(code: WeightErrorCode, message: string) {
    super(message);
    this.name = 'WeightFileError';
    this.code = code;
  }
}
