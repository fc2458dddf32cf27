/**
 * A structural check of a UI-format workflow, the things ComfyUI relies on when it loads and
 * queues one: ids and counters, every link's two ends (the nodes exist, the slots exist, the
 * types agree, both ends record the link), required inputs connected, no loops, an output node,
 * and — for the node types in nodeTypes.ts — inputs and outputs as the node declares them,
 * widget values of a known layout (count and types), choices from the node's lists and numbers
 * within its bounds. Used by the tests on everything export writes.
 */
import { buildGraph } from './graph';
import { PASSIVE_TYPES, WIDGET_CHOICES, WIDGET_RANGES, schemaOf } from './nodeTypes';
import { isPlainObject, own } from './safeJson';
import { kindMatches } from './widgets';

export interface WorkflowIssue {
  path: string;
  message: string;
}

export interface ValidateOptions {
  /** Require the current widget layout of each known node (what export must write). Default true. */
  currentLayoutOnly?: boolean;
}

const OUTPUT_TYPES = new Set(['SaveImage', 'PreviewImage']);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isPair = (v: unknown) => (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isFinite(x))) || (isPlainObject(v) && typeof own(v, '0') === 'number' && typeof own(v, '1') === 'number');

export function validateUiWorkflow(w: unknown, options: ValidateOptions = {}): WorkflowIssue[] {
  const currentOnly = options.currentLayoutOnly ?? true;
  const issues: WorkflowIssue[] = [];
  const bad = (path: string, message: string) => issues.push({ path, message });
  if (!isPlainObject(w)) return [{ path: '', message: 'A workflow is an object.' }];
  const nodes = own(w, 'nodes');
  const links = own(w, 'links');
  if (!Array.isArray(nodes)) return [{ path: 'nodes', message: '"nodes" must be a list.' }];
  if (!Array.isArray(links)) return [{ path: 'links', message: '"links" must be a list.' }];
  if (typeof own(w, 'version') !== 'number') bad('version', '"version" must be a number (0.4).');
  for (const k of ['groups']) if (!Array.isArray(own(w, k))) bad(k, `"${k}" must be a list.`);
  for (const k of ['config', 'extra']) if (!isPlainObject(own(w, k))) bad(k, `"${k}" must be an object.`);

  const byId = new Map<number, Record<string, unknown>>();
  nodes.forEach((n, k) => {
    const p = `nodes[${k}]`;
    if (!isPlainObject(n)) return bad(p, 'A node is an object.');
    const id = own(n, 'id');
    if (!isInt(id) || id < 1) return bad(`${p}.id`, 'A node id is a positive whole number.');
    if (byId.has(id)) bad(`${p}.id`, `Node id ${id} is used twice.`);
    byId.set(id, n);
    if (typeof own(n, 'type') !== 'string') bad(`${p}.type`, 'A node needs a type.');
    if (!isPair(own(n, 'pos'))) bad(`${p}.pos`, 'pos must be [x, y].');
    if (!isPair(own(n, 'size'))) bad(`${p}.size`, 'size must be [width, height].');
    if (!isPlainObject(own(n, 'flags'))) bad(`${p}.flags`, 'flags must be an object.');
    if (typeof own(n, 'order') !== 'number') bad(`${p}.order`, 'order must be a number.');
    if (typeof own(n, 'mode') !== 'number') bad(`${p}.mode`, 'mode must be a number.');
    if (!isPlainObject(own(n, 'properties'))) bad(`${p}.properties`, 'properties must be an object.');
    for (const side of ['inputs', 'outputs']) {
      const v = own(n, side);
      if (v !== undefined && !Array.isArray(v)) bad(`${p}.${side}`, `${side} must be a list.`);
    }
  });
  const maxNode = Math.max(0, ...byId.keys());
  const lastNode = own(w, 'last_node_id');
  if (!isInt(lastNode) || lastNode < maxNode) bad('last_node_id', `last_node_id must be at least the largest node id (${maxNode}); got ${String(lastNode)}.`);

  const linkIds = new Set<number>();
  links.forEach((l, k) => {
    const p = `links[${k}]`;
    if (!Array.isArray(l) || l.length !== 6) return bad(p, 'A link is [id, origin_id, origin_slot, target_id, target_slot, type].');
    const [id, from, fromSlot, to, toSlot, type] = l as unknown[];
    if (!isInt(id)) return bad(p, 'The link id must be a whole number.');
    if (linkIds.has(id)) bad(p, `Link id ${id} is used twice.`);
    linkIds.add(id);
    const src = byId.get(from as number);
    const dst = byId.get(to as number);
    if (!src) return bad(p, `Link ${id} starts at node ${String(from)}, which does not exist.`);
    if (!dst) return bad(p, `Link ${id} ends at node ${String(to)}, which does not exist.`);
    const outs = (own(src, 'outputs') ?? []) as Record<string, unknown>[];
    const ins = (own(dst, 'inputs') ?? []) as Record<string, unknown>[];
    const o = isInt(fromSlot) ? outs[fromSlot] : undefined;
    const i = isInt(toSlot) ? ins[toSlot] : undefined;
    if (!o) return bad(p, `Link ${id} leaves node ${String(from)} from output ${String(fromSlot)}, which it does not have.`);
    if (!i) return bad(p, `Link ${id} enters node ${String(to)} at input ${String(toSlot)}, which it does not have.`);
    if (own(o, 'type') !== type && own(o, 'type') !== '*') bad(p, `Link ${id} is typed ${String(type)} but leaves an output of type ${String(own(o, 'type'))}.`);
    if (own(i, 'type') !== type && own(i, 'type') !== '*') bad(p, `Link ${id} (${String(type)}) enters input "${String(own(i, 'name'))}" of type ${String(own(i, 'type'))}.`);
    const outLinks = own(o, 'links');
    if (!Array.isArray(outLinks) || !outLinks.includes(id)) bad(p, `Node ${String(from)}'s output ${String(fromSlot)} does not list link ${id}.`);
    if (own(i, 'link') !== id) bad(p, `Node ${String(to)}'s input "${String(own(i, 'name'))}" does not hold link ${id}.`);
  });
  const maxLink = Math.max(0, ...linkIds);
  const lastLink = own(w, 'last_link_id');
  if (!isInt(lastLink) || lastLink < maxLink) bad('last_link_id', `last_link_id must be at least the largest link id (${maxLink}); got ${String(lastLink)}.`);

  let outputs = 0;
  for (const [id, n] of byId) {
    const type = own(n, 'type') as string;
    const p = `node ${id} (${type})`;
    const ins = (own(n, 'inputs') ?? []) as Record<string, unknown>[];
    const outs = (own(n, 'outputs') ?? []) as Record<string, unknown>[];
    ins.forEach((i) => {
      const l = own(i, 'link');
      if (l !== null && l !== undefined && !linkIds.has(l as number)) bad(p, `Input "${String(own(i, 'name'))}" holds link ${String(l)}, which is not in "links".`);
    });
    outs.forEach((o) => {
      const ls = own(o, 'links');
      if (Array.isArray(ls)) for (const l of ls) if (!linkIds.has(l as number)) bad(p, `Output "${String(own(o, 'name'))}" lists link ${String(l)}, which is not in "links".`);
    });
    if (OUTPUT_TYPES.has(type)) outputs++;
    const schema = schemaOf(type);
    if (!schema) {
      if (!PASSIVE_TYPES.has(type)) bad(p, `Unknown node type ${type}: the validator cannot check it.`);
      continue;
    }
    const inNames = ins.map((i) => `${String(own(i, 'name'))}:${String(own(i, 'type'))}`);
    const want = schema.inputs.map((s) => `${s.name}:${s.type}`);
    if (inNames.join() !== want.join()) bad(p, `Inputs are [${inNames.join(', ')}]; ${type} declares [${want.join(', ')}].`);
    const outNames = outs.map((o) => `${String(own(o, 'name'))}:${String(own(o, 'type'))}`);
    const wantOut = schema.outputs.map((s) => `${s.name}:${s.type}`);
    if (outNames.join() !== wantOut.join()) bad(p, `Outputs are [${outNames.join(', ')}]; ${type} declares [${wantOut.join(', ')}].`);
    schema.inputs.forEach((s, k) => {
      if (!s.optional && (ins[k] === undefined || own(ins[k], 'link') === null || own(ins[k], 'link') === undefined)) bad(p, `Required input "${s.name}" is not connected (ComfyUI refuses to queue it).`);
    });
    const wv = own(n, 'widgets_values') ?? [];
    if (!Array.isArray(wv)) {
      bad(p, 'widgets_values must be a list.');
      continue;
    }
    const layouts = currentOnly ? [schema.widgets[0]] : schema.widgets;
    const layout = layouts.find((l) => l.length === wv.length && l.every((f, k) => kindMatches(f.kind, wv[k])));
    if (!layout) {
      bad(p, `widgets_values has ${wv.length} values (${wv.map((v) => typeof v).join(', ')}); ${type} saves ${layouts.map((l) => `${l.length} (${l.map((f) => `${f.name}: ${f.kind}`).join(', ')})`).join(' or ')}.`);
      continue;
    }
    const choices = WIDGET_CHOICES[type] ?? {};
    const ranges = WIDGET_RANGES[type] ?? {};
    layout.forEach((f, k) => {
      const v = wv[k];
      const list = choices[f.name];
      if (list && !list.includes(v as string)) bad(p, `${f.name} "${String(v)}" is not in the node's list (${list.join(', ')}).`);
      const r = ranges[f.name];
      if (r && typeof v === 'number' && (v < r[0] || v > r[1])) bad(p, `${f.name} ${v} is outside ${r[0]} … ${r[1]}.`);
    });
  }
  if (outputs === 0) bad('nodes', 'No SaveImage or PreviewImage: ComfyUI refuses to queue a workflow without an output ("Prompt has no outputs").');

  // Loops: reuse the importer's graph check on a copy made of plain data.
  if (issues.length === 0) {
    const g = buildGraph(JSON.parse(JSON.stringify(w)));
    if (!g.ok) bad('links', g.error);
  }
  return issues;
}
