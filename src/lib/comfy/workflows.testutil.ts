// Test helpers: the real example workflows (../shared/comfy-workflows) and a small builder of UI-format workflows.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SHARED } from '../../../test/fixtures';
import { schemaOf } from './nodeTypes';

export const WORKFLOWS = process.env.IPA_COMFY_WORKFLOWS ?? resolve(SHARED, 'comfy-workflows');
export const HAVE_WORKFLOWS = existsSync(resolve(WORKFLOWS, 'ipadapter_simple.json'));
export const REAL = ['ipadapter_simple', 'ipadapter_advanced', 'ipadapter_negative_image', 'ipadapter_regional_conditioning'] as const;

export function loadText(name: string): string {
  return readFileSync(resolve(WORKFLOWS, `${name}.json`), 'utf8');
}

/** A mutable copy of a real workflow. */
export function loadJson(name: string): any {
  return JSON.parse(loadText(name));
}

export interface NodeSpec {
  id: number;
  type: string;
  widgets?: unknown[];
  mode?: number;
  /** input name → [origin id, origin slot] */
  in?: Record<string, [number, number]>;
  /** For types without a schema: input names and types, output types. */
  ins?: Record<string, string>;
  outs?: string[];
  /** Widgets converted to inputs: name → [origin id, origin slot, type]. */
  widgetIn?: Record<string, [number, number, string]>;
}

/** Builds a UI-format workflow object from compact node specs (links are numbered from 1). */
export function ui(specs: NodeSpec[]): any {
  const links: unknown[][] = [];
  const outputsOf = (s: NodeSpec) => (schemaOf(s.type)?.outputs.map((o) => ({ name: o.name, type: o.type })) ?? (s.outs ?? []).map((t) => ({ name: t, type: t })));
  const nodes = specs.map((s) => ({
    id: s.id,
    type: s.type,
    pos: [0, 0],
    size: [100, 100],
    flags: {},
    order: 0,
    mode: s.mode ?? 0,
    inputs: [
      ...(schemaOf(s.type)?.inputs.map((i) => ({ name: i.name, type: i.type, link: null as number | null })) ??
        Object.entries(s.ins ?? {}).map(([name, type]) => ({ name, type, link: null as number | null }))),
      ...Object.entries(s.widgetIn ?? {}).map(([name, [, , type]]) => ({ name, type, link: null as number | null, widget: { name } })),
    ],
    outputs: outputsOf(s).map((o, k) => ({ ...o, links: [] as number[], slot_index: k })),
    properties: {},
    widgets_values: s.widgets ?? [],
  }));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const s of specs) {
    const target = byId.get(s.id)!;
    for (const [name, [from, slot]] of [...Object.entries(s.in ?? {}), ...Object.entries(s.widgetIn ?? {}).map(([k, v]) => [k, [v[0], v[1]]] as const)]) {
      const k = target.inputs.findIndex((i) => i.name === name);
      if (k < 0) throw new Error(`${s.type} has no input ${name}`);
      const src = byId.get(from);
      const type = src?.outputs[slot]?.type ?? target.inputs[k].type;
      const id = links.length + 1;
      links.push([id, from, slot, s.id, k, type]);
      target.inputs[k].link = id;
      src?.outputs[slot]?.links.push(id);
    }
  }
  return { last_node_id: Math.max(...specs.map((s) => s.id)), last_link_id: links.length, nodes, links, groups: [], config: {}, extra: {}, version: 0.4 };
}

/** A minimal txt2img graph with one IP-Adapter node of `type` and `widgets` (ids 1–9), to vary. */
export function oneAdapter(type: string, widgets: unknown[], extra: NodeSpec[] = [], applyIn: Record<string, [number, number]> = {}): any {
  return ui([
    { id: 1, type: 'CheckpointLoaderSimple', widgets: ['dreamshaper_8.safetensors'] },
    { id: 2, type: 'IPAdapterUnifiedLoader', widgets: ['PLUS (high strength)'], in: { model: [1, 0] } },
    { id: 3, type: 'LoadImage', widgets: ['ref.png', 'image'] },
    { id: 4, type, widgets, in: { model: [2, 0], ipadapter: [2, 1], image: [3, 0], ...applyIn } },
    { id: 5, type: 'CLIPTextEncode', widgets: ['a cat'], in: { clip: [1, 1] } },
    { id: 6, type: 'CLIPTextEncode', widgets: ['blurry'], in: { clip: [1, 1] } },
    { id: 7, type: 'EmptyLatentImage', widgets: [512, 512, 1] },
    { id: 8, type: 'KSampler', widgets: [42, 'fixed', 20, 7, 'euler', 'normal', 1], in: { model: [4, 0], positive: [5, 0], negative: [6, 0], latent_image: [7, 0] } },
    { id: 9, type: 'VAEDecode', in: { samples: [8, 0], vae: [1, 2] } },
    ...extra,
  ]);
}
