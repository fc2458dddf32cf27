/** ComfyUI's UI workflow format, schema 0.4 (what "Save" writes and every ComfyUI version loads). */

export interface UiInput {
  name: string;
  type: string;
  link: number | null;
}

export interface UiOutput {
  name: string;
  type: string;
  links: number[];
  slot_index: number;
}

export interface UiNode {
  id: number;
  type: string;
  pos: [number, number];
  size: [number, number];
  flags: Record<string, never>;
  order: number;
  mode: number;
  inputs: UiInput[];
  outputs: UiOutput[];
  properties: { 'Node name for S&R': string };
  widgets_values: unknown[];
}

/** [id, origin node, origin slot, target node, target slot, type]. */
export type UiLink = [number, number, number, number, number, string];

export interface UiWorkflow {
  last_node_id: number;
  last_link_id: number;
  nodes: UiNode[];
  links: UiLink[];
  groups: unknown[];
  config: Record<string, never>;
  extra: Record<string, unknown>;
  version: 0.4;
}
