import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

/**
 * Renders an Observable Plot chart to an SVG string at build time, so a lesson's figure ships
 * as static markup (no client JS). linkedom stands in for the browser's document.
 * `label` becomes the SVG's accessible name; `description` its longer text alternative.
 */
export function renderPlot(options: Plot.PlotOptions, label: string, description?: string): string {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const node = Plot.plot({ ...options, document: document as unknown as Document }) as unknown as Element;
  const svg = node.tagName.toLowerCase() === 'svg' ? node : node.querySelector('svg');
  if (!svg) throw new Error('renderPlot: Plot produced no <svg>');
  // Plot labels its mark groups with aria-label; on role-less <g> that is prohibited ARIA, and
  // inside role="img" it is hidden anyway. The figure's own label and <desc> carry the meaning.
  svg.querySelectorAll('[aria-label], [aria-description]').forEach((el) => {
    el.removeAttribute('aria-label');
    el.removeAttribute('aria-description');
  });
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  if (description) {
    const desc = document.createElement('desc');
    desc.textContent = description;
    svg.insertBefore(desc, svg.firstChild);
  }
  // Plot's default font stack and colours follow the page's (currentColor), so dark mode works.
  return node.outerHTML;
}
