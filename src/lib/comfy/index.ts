/**
 * The ComfyUI bridge: read a ComfyUI workflow into the panel's settings (with a report of what
 * could not be carried over), write the settings as a workflow that loads in ComfyUI with
 * ComfyUI_IPAdapter_plus v2, and map the settings to the pipeline's GenerateSettings.
 * Pure TypeScript: no DOM, no I/O.
 */
export { importWorkflow, type ImportOptions, type ImportResult, type ImportErrorCode } from './import';
export { exportWorkflow, type ExportOptions, type ExportResult } from './export';
export { validateUiWorkflow, type WorkflowIssue, type ValidateOptions } from './validate';
export type { ImportReport, UnknownNode, UnsupportedValue } from './report';
export {
  defaultBridgeSettings, defaultAdapter, validateBridgeSettings, DEFAULT_PREP, MASK_CHANNELS,
  type ComfyBridgeSettings, type BridgeAdapter, type BridgeImage, type BridgeMask, type BridgeNegative, type BridgeLora,
  type AdapterModelRef, type PrepSettings, type MaskColor, type BridgeIssue,
} from './settings';
export { fromComfySampler, toComfySampler, closestScheduler, COMFY_SAMPLERS, COMFY_SCHEDULERS, type SamplerMapping, type ComfySamplerPair } from './samplers';
export {
  UNIFIED_PRESETS, PRESET_FILES, CLIP_VISION_FILES, presetFor, classifyIpadapterFile, classifyClipVisionFile, checkpointArchProblem,
  type UnifiedPreset, type AdapterVariant, type ClipVisionVariant,
} from './models';
export { colorMask } from './colorMask';
export { toGenerateSettings, fromGenerateSettings, comfyStepsToLab, labStepsToComfy, type PipelineAssets, type BridgeNames, type MappingIssue } from './pipeline';
export { parseUntrustedJson, DEFAULT_JSON_LIMITS, type JsonLimits } from './safeJson';
export { DEFAULT_GRAPH_LIMITS, type GraphLimits, type NodeId } from './graph';
export { LAB_LIMITS } from './labLimits';
export type { UiWorkflow, UiNode, UiLink } from './workflowTypes';
