/**
 * A parsed workflow (UI format or API prompt format) → one checked, format-free graph:
 * nodes by id, each input resolved to the node and output slot it comes from.
 *
 * UI format (what ComfyUI's Save writes): `{ nodes: [...], links: [...] }`; a node's
 * `inputs[k].link` names a link, and `links` holds `[id, origin_id, origin_slot, target_id,
 * target_slot, type]` (schema 0.4) or `{ id, origin_id, … }` objects (schema 1). Widget values
 * are positional (`widgets_values`).
 * API format (Export (API), or a /prompt body): `{ "3": { class_type, inputs: { seed: 5,
 * model: ["4", 0] } } }`, widget values by name, links as `[node id, output slot]`.
 * Wrappers are accepted: `{ workflow: <UI> }` (PNG metadata) and `{ prompt: <API> }`.
 *
 * Refused with a sentence (nothing is guessed): wrong types where the format fixes them, more
 * than `maxNodes` nodes or `maxLinks` links, duplicate node ids, an input whose link is not in
 * the links list or comes from a node that does not exist, and cycles (ComfyUI graphs are acyclic).
 */
import { isPlainObject, own } from './safeJson';

export type NodeId = number | string;

export interface GLink {
  /** The UI format's link id (null in the API format). */
  id: number | null;
  /** Key of the node the value comes from. */
  from: string;
  /** Its output slot. */
  slot: number;
  type: string | null;
}

export interface GInput {
  name: string;
  /** The declared type (UI format), null in the API format. */
  type: string | null;
  link: GLink | null;
  /** A widget converted to an input (UI format `widget.name`); null for ordinary inputs. */
  widget: string | null;
}

export interface GNode {
  /** String form of the id: the key nodes are stored under. */
  key: string;
  /** The id as the file wrote it. */
  id: NodeId;
  type: string;
  title: string | null;
  /** LiteGraph mode: 0 always, 2 never (muted), 4 bypass. The API format has only 0. */
  mode: number;
  inputs: GInput[];
  /** Output types by slot (UI format); empty in the API format. */
  outputTypes: (string | null)[];
  /** UI format: positional widget values (an object in a few custom nodes: `named`). */
  widgets: readonly unknown[] | null;
  /** API format: the non-link inputs by name; UI format: widgets_values when it is an object. */
  named: Readonly<Record<string, unknown>> | null;
}

export interface Graph {
  format: 'workflow' | 'api';
  nodes: Map<string, GNode>;
  /** Keys in file order. */
  order: string[];
  notes: string[];
}

export interface GraphLimits {
  maxNodes: number;
  maxLinks: number;
}

export const DEFAULT_GRAPH_LIMITS: Readonly<GraphLimits> = Object.freeze({ maxNodes: 2000, maxLinks: 20000 });

export type GraphErrorCode = 'not-a-workflow' | 'too-many-nodes' | 'too-many-links' | 'bad-node' | 'bad-link' | 'duplicate-id' | 'dangling-link' | 'cycle';
export type GraphResult = { ok: true; graph: Graph } | { ok: false; code: GraphErrorCode; error: string };

class GraphError {
  constructor(readonly code: GraphErrorCode, readonly error: string) {}
}
function fail(code: GraphErrorCode, error: string): never {
  throw new GraphError(code, error);
}

const MAX_SLOTS = 512;
const MAX_ID_LENGTH = 100;
const MAX_TYPE_LENGTH = 200;

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'string' ? `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"` : typeof v === 'object' ? 'an object' : String(v));
const isNonNegInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function nodeIdOf(v: unknown, where: string): NodeId {
  if (isNonNegInt(v)) return v;
  if (typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_LENGTH) return v;
  return fail('bad-node', `${where}: a node id must be a whole number or a short text, got ${describe(v)}.`);
}

function slotOf(v: unknown, where: string): number {
  if (isNonNegInt(v) && v < MAX_SLOTS) return v;
  if (typeof v === 'string' && /^\d{1,3}$/.test(v) && Number(v) < MAX_SLOTS) return Number(v);
  return fail('bad-link', `${where}: a slot must be a whole number from 0 to ${MAX_SLOTS - 1}, got ${describe(v)}.`);
}

function typeName(v: unknown): string | null {
  if (typeof v === 'string') return v.slice(0, MAX_TYPE_LENGTH);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(',').slice(0, MAX_TYPE_LENGTH);
  return null;
}

function nodeLabel(n: { id: NodeId; type: string }): string {
  return `node ${String(n.id)} (${n.type})`;
}

/** Finds a cycle along input links; returns the keys on it, or null. Iterative (no recursion). */
export function findCycle(nodes: Map<string, GNode>): string[] | null {
  const state = new Map<string, 1 | 2>();
  for (const start of nodes.keys()) {
    if (state.has(start)) continue;
    const stack: { key: string; next: number }[] = [{ key: start, next: 0 }];
    state.set(start, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const node = nodes.get(top.key)!;
      if (top.next >= node.inputs.length) {
        state.set(top.key, 2);
        stack.pop();
        continue;
      }
      const link = node.inputs[top.next++].link;
      if (!link || !nodes.has(link.from)) continue;
      const st = state.get(link.from);
      if (st === 1) {
        const at = stack.findIndex((e) => e.key === link.from);
        return stack.slice(at).map((e) => e.key);
      }
      if (st === undefined) {
        state.set(link.from, 1);
        stack.push({ key: link.from, next: 0 });
      }
    }
  }
  return null;
}

interface RawLink {
  id: number;
  from: NodeId;
  slot: number;
  to: NodeId;
  toSlot: number;
  type: string | null;
}

function parseLink(l: unknown, k: number): RawLink {
  const where = `links[${k}]`;
  if (Array.isArray(l)) {
    if (l.length < 5) fail('bad-link', `${where} must be [id, origin_id, origin_slot, target_id, target_slot, type], got ${l.length} values.`);
    if (!isNonNegInt(l[0])) fail('bad-link', `${where}: the link id must be a whole number, got ${describe(l[0])}.`);
    return { id: l[0], from: nodeIdOf(l[1], where), slot: slotOf(l[2], where), to: nodeIdOf(l[3], where), toSlot: slotOf(l[4], where), type: typeName(l[5]) };
  }
  if (isPlainObject(l)) {
    const id = own(l, 'id');
    if (!isNonNegInt(id)) fail('bad-link', `${where}: the link id must be a whole number, got ${describe(id)}.`);
    return {
      id: id as number,
      from: nodeIdOf(own(l, 'origin_id'), where),
      slot: slotOf(own(l, 'origin_slot'), where),
      to: nodeIdOf(own(l, 'target_id'), where),
      toSlot: slotOf(own(l, 'target_slot'), where),
      type: typeName(own(l, 'type')),
    };
  }
  return fail('bad-link', `${where} must be a list or an object, got ${describe(l)}.`);
}

function buildUi(root: Record<string, unknown>, limits: GraphLimits): Graph {
  const rawNodes = own(root, 'nodes') as unknown[];
  if (rawNodes.length > limits.maxNodes) fail('too-many-nodes', `The workflow has ${rawNodes.length} nodes; at most ${limits.maxNodes} are accepted.`);
  const rawLinks = own(root, 'links');
  if (rawLinks !== undefined && rawLinks !== null && !Array.isArray(rawLinks)) fail('bad-link', `"links" must be a list, got ${describe(rawLinks)}.`);
  const linkList = (rawLinks ?? []) as unknown[];
  if (linkList.length > limits.maxLinks) fail('too-many-links', `The workflow has ${linkList.length} links; at most ${limits.maxLinks} are accepted.`);
  const notes: string[] = [];

  const links = new Map<number, RawLink>();
  linkList.forEach((l, k) => {
    if (l === null) return; // LiteGraph leaves null holes after deletions
    const link = parseLink(l, k);
    if (links.has(link.id)) fail('bad-link', `Link id ${link.id} appears twice in "links".`);
    links.set(link.id, link);
  });

  const nodes = new Map<string, GNode>();
  const order: string[] = [];
  rawNodes.forEach((n, k) => {
    const where = `nodes[${k}]`;
    if (!isPlainObject(n)) fail('bad-node', `${where} must be an object, got ${describe(n)}.`);
    const id = nodeIdOf(own(n, 'id'), where);
    const type = own(n, 'type');
    if (typeof type !== 'string' || type.length === 0 || type.length > MAX_TYPE_LENGTH) fail('bad-node', `${where} (id ${String(id)}): "type" must be a node type name, got ${describe(type)}.`);
    const key = String(id);
    if (nodes.has(key)) fail('duplicate-id', `Two nodes have the id ${key}; node ids must be unique.`);
    const mode = own(n, 'mode');
    if (mode !== undefined && mode !== null && !(typeof mode === 'number' && Number.isInteger(mode))) fail('bad-node', `${where} (${type as string}): "mode" must be a whole number, got ${describe(mode)}.`);
    const title = own(n, 'title');

    const rawInputs = own(n, 'inputs');
    if (rawInputs !== undefined && rawInputs !== null && !Array.isArray(rawInputs)) fail('bad-node', `${where} (${type as string}): "inputs" must be a list.`);
    const inList = (rawInputs ?? []) as unknown[];
    if (inList.length > MAX_SLOTS) fail('bad-node', `${where} (${type as string}) has ${inList.length} inputs; at most ${MAX_SLOTS}.`);
    const inputs: GInput[] = inList.map((inp, s) => {
      if (!isPlainObject(inp)) return fail('bad-node', `${where} (${type as string}): inputs[${s}] must be an object.`);
      const name = own(inp, 'name');
      if (typeof name !== 'string') return fail('bad-node', `${where} (${type as string}): inputs[${s}] needs a "name".`);
      const linkId = own(inp, 'link');
      if (linkId !== undefined && linkId !== null && !isNonNegInt(linkId)) return fail('bad-link', `${nodeLabel({ id, type: type as string })} input "${name}": "link" must be a link id or null, got ${describe(linkId)}.`);
      const w = own(inp, 'widget');
      const widget = isPlainObject(w) && typeof own(w, 'name') === 'string' ? (own(w, 'name') as string) : null;
      let link: GLink | null = null;
      if (isNonNegInt(linkId)) {
        const l = links.get(linkId);
        if (!l) return fail('dangling-link', `${nodeLabel({ id, type: type as string })} input "${name}" uses link ${linkId}, which is not in the "links" list.`);
        if (String(l.to) !== key) notes.push(`Link ${linkId} is listed as going to node ${String(l.to)}, but node ${key} uses it; the node's own record was followed.`);
        link = { id: linkId, from: String(l.from), slot: l.slot, type: l.type };
      }
      return { name, type: typeName(own(inp, 'type')), link, widget };
    });

    const rawOutputs = own(n, 'outputs');
    if (rawOutputs !== undefined && rawOutputs !== null && !Array.isArray(rawOutputs)) fail('bad-node', `${where} (${type as string}): "outputs" must be a list.`);
    const outList = (rawOutputs ?? []) as unknown[];
    if (outList.length > MAX_SLOTS) fail('bad-node', `${where} (${type as string}) has ${outList.length} outputs; at most ${MAX_SLOTS}.`);
    const outputTypes = outList.map((o) => (isPlainObject(o) ? typeName(own(o, 'type')) : null));

    const wv = own(n, 'widgets_values');
    let widgets: readonly unknown[] | null = null;
    let named: Record<string, unknown> | null = null;
    if (Array.isArray(wv)) {
      if (wv.length > MAX_SLOTS) fail('bad-node', `${where} (${type as string}) has ${wv.length} widget values; at most ${MAX_SLOTS}.`);
      widgets = wv;
    } else if (isPlainObject(wv)) named = wv;
    else if (wv !== undefined && wv !== null) fail('bad-node', `${where} (${type as string}): "widgets_values" must be a list or an object, got ${describe(wv)}.`);

    nodes.set(key, {
      key, id, type: type as string,
      title: typeof title === 'string' ? title.slice(0, 200) : null,
      mode: typeof mode === 'number' ? mode : 0,
      inputs, outputTypes, widgets, named,
    });
    order.push(key);
  });

  // Every followed link must start at a node that exists, at a slot it has.
  for (const node of nodes.values()) {
    for (const input of node.inputs) {
      const l = input.link;
      if (!l) continue;
      const src = nodes.get(l.from);
      if (!src) fail('dangling-link', `Link ${String(l.id)} into ${nodeLabel(node)} input "${input.name}" comes from node ${l.from}, which is not in the workflow.`);
      else if (src.outputTypes.length > 0 && l.slot >= src.outputTypes.length) {
        fail('dangling-link', `Link ${String(l.id)} into ${nodeLabel(node)} input "${input.name}" leaves ${nodeLabel(src)} from output ${l.slot}, which it does not have (it has ${src.outputTypes.length}).`);
      }
    }
  }
  const stale = [...links.values()].filter((l) => !nodes.has(String(l.from)) || !nodes.has(String(l.to)));
  if (stale.length) notes.push(`Ignored ${stale.length} stale entr${stale.length === 1 ? 'y' : 'ies'} in "links" (link ${stale.slice(0, 5).map((l) => l.id).join(', ')}${stale.length > 5 ? ', …' : ''}) that no node uses and that point to missing nodes.`);
  return { format: 'workflow', nodes, order, notes };
}

function isApiLink(v: unknown): v is [string | number, number] {
  return Array.isArray(v) && v.length === 2 && (typeof v[0] === 'string' || isNonNegInt(v[0])) && isNonNegInt(v[1]);
}

function buildApi(root: Record<string, unknown>, limits: GraphLimits): Graph {
  const keys = Object.keys(root);
  if (keys.length > limits.maxNodes) fail('too-many-nodes', `The prompt has ${keys.length} nodes; at most ${limits.maxNodes} are accepted.`);
  const nodes = new Map<string, GNode>();
  const order: string[] = [];
  let linkCount = 0;
  for (const key of keys) {
    if (key.length > MAX_ID_LENGTH) fail('bad-node', `A node id is ${key.length} characters long; at most ${MAX_ID_LENGTH}.`);
    const n = root[key];
    if (!isPlainObject(n)) fail('bad-node', `Node "${key}" must be an object, got ${describe(n)}.`);
    const type = own(n, 'class_type');
    if (typeof type !== 'string' || type.length === 0 || type.length > MAX_TYPE_LENGTH) fail('bad-node', `Node "${key}": "class_type" must be a node type name, got ${describe(type)}.`);
    const rawInputs = own(n, 'inputs') ?? Object.create(null);
    if (!isPlainObject(rawInputs)) fail('bad-node', `Node "${key}" (${type as string}): "inputs" must be an object, got ${describe(rawInputs)}.`);
    const names = Object.keys(rawInputs as object);
    if (names.length > MAX_SLOTS) fail('bad-node', `Node "${key}" (${type as string}) has ${names.length} inputs; at most ${MAX_SLOTS}.`);
    const named: Record<string, unknown> = Object.create(null);
    const inputs: GInput[] = [];
    for (const name of names) {
      const v = (rawInputs as Record<string, unknown>)[name];
      if (isApiLink(v)) {
        if (++linkCount > limits.maxLinks) fail('too-many-links', `The prompt has more than ${limits.maxLinks} links.`);
        const from = String(v[0]);
        if (!Object.prototype.hasOwnProperty.call(root, from)) fail('dangling-link', `Node "${key}" (${type as string}) input "${name}" comes from node "${from}", which is not in the prompt.`);
        inputs.push({ name, type: null, link: { id: null, from, slot: v[1], type: null }, widget: null });
      } else {
        named[name] = v;
      }
    }
    const meta = own(n, '_meta');
    const title = isPlainObject(meta) ? own(meta, 'title') : undefined;
    const id: NodeId = /^\d{1,15}$/.test(key) ? Number(key) : key;
    nodes.set(key, { key, id, type: type as string, title: typeof title === 'string' ? title.slice(0, 200) : null, mode: 0, inputs, outputTypes: [], widgets: null, named });
    order.push(key);
  }
  return { format: 'api', nodes, order, notes: [] };
}

function looksLikeApi(root: Record<string, unknown>): boolean {
  const keys = Object.keys(root);
  return keys.length > 0 && keys.every((k) => isPlainObject(root[k]) && typeof own(root[k], 'class_type') === 'string');
}

/** Parsed JSON → Graph. Never throws. */
export function buildGraph(root: unknown, limits: Partial<GraphLimits> = {}): GraphResult {
  const lim = { ...DEFAULT_GRAPH_LIMITS, ...limits };
  try {
    let graph: Graph;
    if (Array.isArray(root)) fail('not-a-workflow', 'The file holds a JSON list, not a ComfyUI workflow (an object with "nodes" and "links", or an API prompt).');
    if (!isPlainObject(root)) fail('not-a-workflow', `The file holds ${describe(root)}, not a ComfyUI workflow.`);
    const r = root as Record<string, unknown>;
    const wrappedUi = own(r, 'workflow');
    const wrappedApi = own(r, 'prompt');
    if (Array.isArray(own(r, 'nodes'))) graph = buildUi(r, lim);
    else if (own(r, 'nodes') !== undefined) return { ok: false, code: 'not-a-workflow', error: `"nodes" must be a list of nodes, got ${describe(own(r, 'nodes'))}.` };
    else if (isPlainObject(wrappedUi) && Array.isArray(own(wrappedUi, 'nodes'))) graph = buildUi(wrappedUi, lim);
    else if (isPlainObject(wrappedApi) && looksLikeApi(wrappedApi)) graph = buildApi(wrappedApi, lim);
    else if (looksLikeApi(r)) graph = buildApi(r, lim);
    else {
      return {
        ok: false,
        code: 'not-a-workflow',
        error: 'This JSON is not a ComfyUI workflow: it has no "nodes" list (the format ComfyUI\'s Save writes) and its entries are not nodes with a "class_type" (the Export (API) format).',
      };
    }
    const cycle = findCycle(graph.nodes);
    if (cycle) {
      const names = cycle.map((k) => nodeLabel(graph.nodes.get(k)!));
      return { ok: false, code: 'cycle', error: `The links form a loop (${names.join(' → ')} → back to the first); ComfyUI workflows cannot contain loops.` };
    }
    return { ok: true, graph };
  } catch (e) {
    if (e instanceof GraphError) return { ok: false, code: e.code, error: e.error };
    throw e;
  }
}
