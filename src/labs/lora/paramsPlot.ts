/**
 * The LoRA lab's cost chart, drawn in the page with Observable Plot (the library the build-time
 * figures use, src/lib/figures/renderPlot.ts). Plot arrives by dynamic import when the lab
 * mounts (lora-lab.ts `prepare`), so it is one shared chunk that no lesson page loads before a
 * lab needs it. Colours are the theme's variables and currentColor, so both themes keep their
 * contrast; nothing animates.
 */
import type * as PlotModule from '@observablehq/plot';
import { paramsCurve, type LoraCosts } from '../../lib/labs/lora';
import { formatFixed, formatInt, formatShort, type LabLang } from '../../lib/labs/format';

export type Plot = typeof PlotModule;

export interface ParamsPlotText {
  axisRank: string;
  axisParams: string;
  full: string;
  lora: string;
  seed: string;
  label: string;
}

/**
 * LoRA's parameters d·r + r·k against r (the multiply-adds per input vector are the same
 * numbers), the full update's d·k as a dashed rule, the break-even rank, and the current r
 * marked with its exact count; the seed's d = k = 100, r = 5 is highlighted.
 */
export function paramsPlot(Plot: Plot, c: LoraCosts, text: ParamsPlotText, lang: LabLang): SVGSVGElement {
  const curve = [{ r: 0, lora: 0 }, ...paramsCurve(c.d, c.k)];
  const rMax = curve[curve.length - 1].r;
  const yMax = Math.max(c.fullParams, ...curve.map((p) => p.lora)) * 1.12;
  const here = c.r <= rMax ? [{ r: c.r, lora: c.loraParams }] : [];
  const accent = 'var(--accent, currentColor)';
  const highlight = 'var(--warn, currentColor)';
  // a halo in the lab's background colour keeps labels readable where they cross a line
  const halo = { fill: 'currentColor', stroke: 'var(--surface, white)', strokeWidth: 3, paintOrder: 'stroke' } as const;
  const node = Plot.plot({
    width: 460,
    height: 240,
    marginLeft: 58,
    marginRight: 20,
    marginTop: 18,
    marginBottom: 38,
    style: { background: 'transparent', color: 'currentColor', fontSize: '11px', overflow: 'visible' },
    x: { domain: [0, rMax], label: text.axisRank, labelAnchor: 'right', labelOffset: 32, ticks: 6 },
    y: { domain: [0, yMax], label: text.axisParams, labelAnchor: 'top', grid: true, ticks: 5, tickFormat: (v: number) => formatShort(v) },
    marks: [
      Plot.ruleY([c.fullParams], { stroke: 'currentColor', strokeWidth: 1.25, strokeDasharray: '5 4' }),
      Plot.text([c.fullParams], { y: (v: number) => v, frameAnchor: 'left', dx: 4, dy: -8, textAnchor: 'start', text: () => `${text.full}: ${formatInt(c.fullParams, lang)}`, fontWeight: 600, ...halo }),
      ...(c.breakEven <= rMax
        ? [
            Plot.ruleX([c.breakEven], { stroke: accent, strokeWidth: 1.25, strokeDasharray: '2 3' }),
            Plot.text([c.breakEven], { x: (v: number) => v, frameAnchor: 'bottom', dy: -4, dx: 4, textAnchor: 'start', text: () => `r = ${formatFixed(c.breakEven, Number.isInteger(c.breakEven) ? 0 : 1)}`, ...halo }),
          ]
        : []),
      Plot.line(curve, { x: 'r', y: 'lora', stroke: accent, strokeWidth: 2 }),
      ...(c.isSeedExample ? [Plot.dot(here, { x: 'r', y: 'lora', r: 10, stroke: highlight, strokeWidth: 2.5, fill: 'none' })] : []),
      Plot.dot(here, { x: 'r', y: 'lora', r: 5, fill: accent, stroke: 'var(--bg, white)', strokeWidth: 2 }),
      Plot.text(here, {
        x: 'r', y: 'lora', dy: -16, textAnchor: here[0] && here[0].r > rMax * 0.6 ? 'end' : 'start', fontWeight: 700,
        text: () => `${text.lora}: ${formatInt(c.loraParams, lang)}${c.isSeedExample ? ` (${text.seed})` : ''}`, ...halo,
      }),
    ],
  }) as unknown as Element;
  const svg = (node.tagName.toLowerCase() === 'svg' ? node : node.querySelector('svg')) as SVGSVGElement;
  // As in renderPlot: Plot names its mark groups with aria-label, which role-less <g> may not
  // carry (axe: aria-prohibited-attr) and role="img" hides anyway. The chart's own label, and the
  // exact numbers in the table above it, carry the meaning.
  svg.querySelectorAll('[aria-label], [aria-description]').forEach((el) => {
    el.removeAttribute('aria-label');
    el.removeAttribute('aria-description');
  });
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', text.label);
  svg.classList.add('lab-chart', 'lab-plot');
  svg.dataset.chart = 'params';
  return svg;
}
