/**
 * A node's widget values, by name, whichever way the file stored them:
 * - UI format: a positional array, matched against the node type's layouts (nodeTypes.ts) by
 *   length and value types, so arrays saved by older versions of a node read correctly;
 * - API format (or a UI node whose widgets_values is an object): by name;
 * - a widget converted to an input and fed by a primitive node: the primitive's value.
 * Every value that is missing, of the wrong type, or comes from a node that cannot be evaluated
 * is reported as a problem, with the default or saved value used instead.
 */
import type { Graph, GNode } from './graph';
import { own } from './safeJson';
import { CONTROL_VALUES, PRIMITIVE_TYPES, type FieldKind, type NodeSchema, type WidgetField } from './nodeTypes';

export interface WidgetProblem {
  field: string;
  value: unknown;
  reason: string;
  used: unknown;
}

export interface DecodedWidgets {
  values: Record<string, unknown>;
  /** Index of the layout that matched (0 = current), -1 when none matched exactly. */
  layout: number;
  problems: WidgetProblem[];
  /** Keys of primitive nodes whose values were read. */
  sources: string[];
}

export function kindMatches(kind: FieldKind, v: unknown): boolean {
  switch (kind) {
    case 'int':
      return typeof v === 'number' && Number.isSafeInteger(v);
    case 'float':
      return typeof v === 'number' && Number.isFinite(v);
    case 'string':
      return typeof v === 'string';
    case 'bool':
      return typeof v === 'boolean';
    case 'control':
      return typeof v === 'string' && (CONTROL_VALUES as readonly string[]).includes(v);
  }
}

const kindWord: Record<FieldKind, string> = { int: 'a whole number', float: 'a number', string: 'text', bool: 'true or false', control: 'fixed/increment/decrement/randomize' };

const short = (v: unknown): unknown => (typeof v === 'string' && v.length > 200 ? `${v.slice(0, 200)}…` : v !== null && typeof v === 'object' ? (Array.isArray(v) ? '[list]' : '{object}') : v);

function matchCount(layout: readonly WidgetField[], arr: readonly unknown[]): number {
  let n = 0;
  for (let k = 0; k < layout.length && k < arr.length; k++) if (kindMatches(layout[k].kind, arr[k])) n++;
  return n;
}

/** Decodes a node's widgets against its schema. */
export function decodeWidgets(g: Graph, node: GNode, schema: NodeSchema): DecodedWidgets {
  const values: Record<string, unknown> = Object.create(null);
  const problems: WidgetProblem[] = [];
  const sources: string[] = [];
  let layoutIndex = -1;
  let layout = schema.widgets[0];

  const put = (field: WidgetField, v: unknown, missingReason: string) => {
    if (kindMatches(field.kind, v)) values[field.name] = v;
    else {
      values[field.name] = field.default;
      if (field.kind !== 'control') problems.push({ field: field.name, value: short(v), reason: v === undefined ? missingReason : `${field.name} should be ${kindWord[field.kind]}, got ${typeof v === 'string' ? `"${String(short(v))}"` : JSON.stringify(short(v))}`, used: field.default });
    }
  };

  if (node.widgets) {
    const arr = node.widgets;
    const exact = schema.widgets.findIndex((l) => l.length === arr.length && l.every((f, k) => kindMatches(f.kind, arr[k])));
    if (exact >= 0) {
      layoutIndex = exact;
      layout = schema.widgets[exact];
    } else {
      // No layout fits: take the one that fits best (same length first), and report each misfit.
      let best = 0;
      let bestScore = -1;
      schema.widgets.forEach((l, k) => {
        const score = matchCount(l, arr) * 2 + (l.length === arr.length ? 1 : 0);
        if (score > bestScore) { best = k; bestScore = score; }
      });
      layout = schema.widgets[best];
      if (layout.length > 0 || arr.length > 0) {
        problems.push({
          field: 'widgets_values',
          value: `${arr.length} values`,
          reason: `the ${arr.length} saved widget values match no known version of ${node.type} (${schema.widgets.map((l) => l.length).join(' or ')} values: ${layout.map((f) => f.name).join(', ')}); they were read position by position`,
          used: null,
        });
      }
    }
    layout.forEach((field, k) => put(field, arr[k], `${field.name} is missing from the saved values`));
  } else {
    // API format, or a UI node that saved its widgets by name (or saved none).
    const named = node.named ?? Object.create(null);
    const current = new Set(schema.widgets[0].map((fld) => fld.name));
    const seen = new Set<string>();
    for (const l of schema.widgets) {
      for (const field of l) {
        if (seen.has(field.name) || field.kind === 'control') continue;
        seen.add(field.name);
        if (Object.prototype.hasOwnProperty.call(named, field.name)) {
          put(field, named[field.name], '');
          continue;
        }
        values[field.name] = field.default;
        const linked = node.inputs.some((x) => x.name === field.name && x.link);
        if (!linked && current.has(field.name) && field.name !== 'upload') {
          problems.push({ field: field.name, value: undefined, reason: `${field.name} is not in the file (a node saved by an older version?); the default was used`, used: field.default });
        }
      }
    }
    layoutIndex = 0;
  }

  // Widgets converted to inputs: the value comes from the node feeding them.
  for (const input of node.inputs) {
    const name = input.widget ?? (g.format === 'api' ? input.name : null);
    if (!name || !input.link || !layout.some((f) => f.name === name)) continue;
    const field = layout.find((f) => f.name === name)!;
    const src = g.nodes.get(input.link.from);
    if (src && PRIMITIVE_TYPES.has(src.type)) {
      const v = src.widgets ? src.widgets[0] : own(src.named, 'value');
      sources.push(src.key);
      if (kindMatches(field.kind, v)) {
        values[name] = v;
        continue;
      }
      problems.push({ field: name, value: short(v), reason: `${name} comes from ${src.type} node ${String(src.id)}, whose value is not ${kindWord[field.kind]}`, used: values[name] });
    } else {
      const what = src ? `${src.type} node ${String(src.id)}` : 'another node';
      problems.push({ field: name, value: `from ${what}`, reason: `${name} is computed by ${what}, which the importer cannot evaluate; ${g.format === 'workflow' ? 'the value saved in the node was used' : 'the default was used'}`, used: values[name] });
    }
  }
  return { values, layout: layoutIndex, problems, sources };
}
