/**
 * The LoRA lab's cost chart, drawn in the page with Observable Plot (the library the build-time
 * figures use, src/lib/figures/renderPlot.ts). lora-lab.ts imports this module dynamically when
 * the lab mounts, so Plot is in a chunk of its own that no page loads before a lab needs it (and
 * that the bundler shares with any other lab importing Plot). Named imports, not `import * as`,
 * let the bundler drop the marks not used here: 85 kB gzipped instead of 131 kB.
 * Colours are the theme's variables and currentColor, so both themes keep their contrast;
 * nothing animates.
 */
import { dot, line, plot, ruleX, ruleY, text as textMark } from '@observablehq/plot';
import { paramsCurve, type LoraCosts } from '../../lib/labs/lora';
import { formatFixed, formatInt, formatShort, type LabLang } from '../../lib/labs/format';

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
export function paramsPlot(c: LoraCosts, text: ParamsPlotText, lang: LabLang): SVGSVGElement {
  const curve = [{ r: 0, lora: 0 }, ...paramsCurve(c.d, c.k)];
  const rMax = curve[curve.length - 1].r;
  const yMax = Math.max(c.fullParams, ...curve.map((p) => p.lora)) * 1.12;
  const here = c.r <= rMax ? [{ r: c.r, lora: c.loraParams }] : [];
  const accent = 'var(--accent, currentColor)';
  const highlight = 'var(--warn, currentColor)';
  // a halo in the lab's background colour keeps labels readable where they cross a line
  const halo = { fill: 'currentColor', stroke: 'var(--surface, white)', strokeWidth: 3, paintOrder: 'stroke' } as const;
  const node = plot({
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
      ruleY([c.fullParams], { stroke: 'currentColor', strokeWidth: 1.25, strokeDasharray: '5 4' }),
      textMark([c.fullParams], { y: (v: number) => v, frameAnchor: 'left', dx: 4, dy: -8, textAnchor: 'start', text: () => `${text.full}: ${formatInt(c.fullParams, lang)}`, fontWeight: 600, ...halo }),
      ...(c.breakEven <= rMax
        ? [
            ruleX([c.breakEven], { stroke: accent, strokeWidth: 1.25, strokeDasharray: '2 3' }),
            textMark([c.breakEven], { x: (v: number) => v, frameAnchor: 'bottom', dy: -4, dx: 4, textAnchor: 'start', text: () => `r = ${formatFixed(c.breakEven, Number.isInteger(c.breakEven) ? 0 : 1)}`, ...halo }),
          ]
        : []),
      line(curve, { x: 'r', y: 'lora', stroke: accent, strokeWidth: 2 }),
      ...(c.isSeedExample ? [dot(here, { x: 'r', y: 'lora', r: 10, stroke: highlight, strokeWidth: 2.5, fill: 'none' })] : []),
      dot(here, { x: 'r', y: 'lora', r: 5, fill: accent, stroke: 'var(--bg, white)', strokeWidth: 2 }),
      textMark(here, {
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
