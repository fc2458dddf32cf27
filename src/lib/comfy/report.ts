/**
 * What an import could not carry over, by name: nodes the bridge does not understand (or
 * understands but the lab cannot run), values it had to replace, and plain notes. Nothing in a
 * workflow is dropped without an entry here.
 */
import type { NodeId } from './graph';

export interface UnknownNode {
  id: NodeId;
  type: string;
  /** On the way from the sampler to its model, prompts, latent or images (its effect is lost), or elsewhere. */
  onPath: boolean;
  reason: string;
}

export interface UnsupportedValue {
  /** The node holding the value. */
  node: NodeId;
  nodeType: string;
  /** Its widget or input name (`sampler_name`, `weight_type`, `positive`, …). */
  field: string;
  /** The value as the workflow wrote it. */
  value: unknown;
  reason: string;
  /** What the settings hold instead (the closest supported choice), when there is one. */
  used?: unknown;
}

export interface ImportReport {
  format: 'workflow' | 'api';
  /** The sampler the settings were read from, and any others the workflow has. */
  sampler: { id: NodeId; type: string };
  otherSamplers: { id: NodeId; type: string }[];
  unknownNodes: UnknownNode[];
  unsupportedValues: UnsupportedValue[];
  notes: string[];
}
