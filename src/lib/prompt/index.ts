/** ComfyUI's prompt weighting for SD1.5: parsing, weighted 77-token chunks, applying the weights. */
export { escapeImportant, parsePromptWeights, pythonFloat, unescapeImportant } from './parse';
export type { DiagnosticSeverity, ParsedPrompt, PromptDiagnostic, WeightedSegment } from './parse';
export { CHUNK_LENGTH, chunkIds, chunkWeights, tokenizeWithWeights } from './weightedTokens';
export type { TokenizeWithWeightsOptions, WeightedToken, WeightedTokenization } from './weightedTokens';
export { applyTokenWeights, needsEmptyEncoding } from './applyWeights';
