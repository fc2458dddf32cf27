/**
 * Small SVG charts for the labs, drawn with the theme's colours (CSS classes in styles.ts).
 * The scale arithmetic lives in src/lib/labs/chartScale.ts (unit-tested).
 */
import { linearScale, logScale, type Scale } from '../../lib/labs/chartScale';
import { formatShort } from '../../lib/labs/format';
import { s } from './dom';

export interface AxisSpec {
  domain: [number, number];
  label: string;
  log?: boolean;
  ticks?: number[];
  tickCount?: number;
  format?: (v: number) => string;
}

export interface Chart {
  svg: SVGSVGElement;
  x: Scale;
  y: Scale;
  /** The layer marks go into (cleared by clear()). */
  marks: SVGGElement;
  clear(): void;
  line(points: [number, number][], cls?: string): SVGPolylineElement;
  dot(x: number, y: number, cls?: string, r?: number): SVGCircleElement;
  ruleY(y: number, cls?: string): SVGLineElement;
  ruleX(x: number, cls?: string): SVGLineElement;
  bar(x0: number, x1: number, y0: number, y1: number, cls?: string): SVGRectElement;
  text(x: number, y: number, text: string, cls?: string, anchor?: 'start' | 'middle' | 'end', dy?: number): SVGTextElement;
  /** Updates a polyline made by line() in place (cheap; for live curves). */
  setLine(el: SVGPolylineElement, points: [number, number][]): void;
}

const pts = (x: Scale, y: Scale, points: [number, number][]) =>
  points.map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(' ');

/** A chart with axes; `label` is its accessible name (the numbers are also given as text nearby). */
export function chart(o: {
  width?: number;
  height?: number;
  x: AxisSpec;
  y: AxisSpec;
  label: string;
  margin?: { top: number; right: number; bottom: number; left: number };
}): Chart {
  const width = o.width ?? 460;
  const height = o.height ?? 220;
  const m = o.margin ?? { top: 14, right: 16, bottom: 36, left: 52 };
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'lab-chart', role: 'img', 'aria-label': o.label });
  const mk = (a: AxisSpec, range: [number, number]) => (a.log ? logScale(a.domain, range) : linearScale(a.domain, range));
  const x = mk(o.x, [m.left, width - m.right]);
  const y = mk(o.y, [height - m.bottom, m.top]);
  const axes = s('g', { class: 'axis', 'aria-hidden': 'true' });
  const fx = o.x.format ?? formatShort;
  const fy = o.y.format ?? formatShort;
  for (const t of o.x.ticks ?? x.ticks(o.x.tickCount ?? 6)) {
    axes.append(s('line', { x1: x(t), x2: x(t), y1: height - m.bottom, y2: height - m.bottom + 4 }));
    axes.append(s('text', { x: x(t), y: height - m.bottom + 15, 'text-anchor': 'middle' }, fx(t)));
  }
  for (const t of o.y.ticks ?? y.ticks(o.y.tickCount ?? 5)) {
    axes.append(s('line', { class: 'grid', x1: m.left, x2: width - m.right, y1: y(t), y2: y(t) }));
    axes.append(s('text', { x: m.left - 6, y: y(t), dy: '0.32em', 'text-anchor': 'end' }, fy(t)));
  }
  axes.append(s('line', { x1: m.left, x2: width - m.right, y1: height - m.bottom, y2: height - m.bottom }));
  axes.append(s('text', { class: 'axis-label', x: width - m.right, y: height - 4, 'text-anchor': 'end' }, `${o.x.label} →`));
  axes.append(s('text', { class: 'axis-label', x: 4, y: m.top - 3, 'text-anchor': 'start' }, `↑ ${o.y.label}`));
  const marks = s('g', { class: 'marks', 'aria-hidden': 'true' });
  svg.append(axes, marks);
  return {
    svg,
    x,
    y,
    marks,
    clear: () => marks.replaceChildren(),
    line(points, cls = 'mark-1') {
      const el = s('polyline', { class: `line ${cls}`, points: pts(x, y, points) });
      marks.append(el);
      return el;
    },
    setLine(el, points) {
      el.setAttribute('points', pts(x, y, points));
    },
    dot(cx, cy, cls = 'mark-1', r = 4) {
      const el = s('circle', { class: `dot ${cls}`, cx: x(cx), cy: y(cy), r });
      marks.append(el);
      return el;
    },
    ruleY(v, cls = 'rule') {
      const el = s('line', { class: cls, x1: m.left, x2: width - m.right, y1: y(v), y2: y(v) });
      marks.append(el);
      return el;
    },
    ruleX(v, cls = 'rule') {
      const el = s('line', { class: cls, x1: x(v), x2: x(v), y1: m.top, y2: height - m.bottom });
      marks.append(el);
      return el;
    },
    bar(x0, x1, y0, y1, cls = 'mark-1') {
      const a = x(x0);
      const b = x(x1);
      const top = Math.min(y(y0), y(y1));
      const el = s('rect', { class: `bar ${cls}`, x: Math.min(a, b), width: Math.max(0.5, Math.abs(b - a)), y: top, height: Math.max(0, Math.abs(y(y1) - y(y0))) });
      marks.append(el);
      return el;
    },
    text(tx, ty, text, cls = 'label', anchor = 'start', dy = 0) {
      const el = s('text', { class: cls, x: x(tx), y: y(ty) + dy, 'text-anchor': anchor }, text);
      marks.append(el);
      return el;
    },
  };
}
