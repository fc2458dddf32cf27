/**
 * The labs' shared CSS, injected once when the first lab loads (so it costs the lesson page
 * nothing until then). Colours come only from the theme's variables in src/styles/global.css.
 */
const BASE = `
.lab-body { display: grid; grid-template-columns: minmax(0, 1fr); gap: 1rem; color: var(--fg); }
.lab-body > *, .lab-part > * { min-width: 0; }
.lab-body h4 { margin: 0.5rem 0 0.25rem; font-size: 1rem; }
.lab-part { border-top: 1px solid var(--border); padding-top: 0.75rem; }
.lab-part:first-child { border-top: 0; padding-top: 0; }
.lab-controls { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 0.5rem 1.25rem; align-items: end; }
.lab-field { display: grid; gap: 0.15rem; min-width: 0; }
.lab-field > label, .lab-field > legend { font-size: 0.9rem; color: var(--fg); font-weight: 600; }
.lab-field-inputs { display: flex; gap: 0.5rem; align-items: center; }
.lab-field input[type=range] { flex: 1; min-width: 0; accent-color: var(--accent); }
.lab-num { width: 4.8rem; flex: none; padding: 0.2rem 0.35rem; background: var(--bg); border: 1px solid var(--border); border-radius: var(--radius); }
.lab-body input[type=text], .lab-body textarea { width: 100%; padding: 0.35rem 0.5rem; background: var(--bg); border: 1px solid var(--border); border-radius: var(--radius); font-family: var(--mono); font-size: 0.92rem; }
.lab-body select { max-width: 100%; }
.lab-radios { border: 0; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; }
.lab-radios legend { padding: 0; margin-bottom: 0.15rem; }
.lab-buttons { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
.lab-body .btn[disabled] { opacity: 0.55; cursor: not-allowed; }
.lab-body table { font-size: 0.9rem; margin: 0.25rem 0; }
.lab-body td.num, .lab-body th.num { text-align: right; font-variant-numeric: tabular-nums; }
.lab-body td.num strong, .lab-body td.num:not(:has(strong)) { font-family: var(--mono); }
.lab-highlight { background: color-mix(in srgb, var(--accent) 14%, transparent); outline: 2px solid var(--accent); outline-offset: -2px; }
.lab-badge { display: inline-block; font-size: 0.8rem; padding: 0 0.4rem; border-radius: 999px; background: var(--accent); color: var(--accent-fg); margin-left: 0.35rem; }
.lab-note { color: var(--muted); font-size: 0.88rem; margin: 0.25rem 0; }
.lab-error { color: var(--bad); font-size: 0.9rem; margin: 0.25rem 0; }
.lab-summary { font-size: 0.9rem; color: var(--fg); background: var(--bg); border: 1px solid var(--border); border-radius: var(--radius); padding: 0.4rem 0.6rem; margin: 0; }
.lab-figures { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
.lab-figures figure { margin: 0; }
.lab-figures figcaption { font-size: 0.85rem; color: var(--muted); max-width: 12rem; }
.lab-pixels { image-rendering: pixelated; width: 160px; height: 160px; border: 1px solid var(--border); display: block; background: #000; }
.lab-chart { width: 100%; max-width: 34rem; height: auto; display: block; font: 11px var(--font); overflow: visible; }
.lab-chart .axis line { stroke: var(--muted); stroke-width: 1; }
.lab-chart .axis line.grid { stroke: var(--border); stroke-dasharray: 2 3; }
.lab-chart .axis text { fill: var(--muted); }
.lab-chart .axis .axis-label { fill: var(--fg); }
.lab-chart .line { fill: none; stroke-width: 2; stroke-linejoin: round; }
.lab-chart .mark-1 { stroke: var(--accent); fill: var(--accent); }
.lab-chart .mark-2 { stroke: var(--misc); fill: var(--misc); }
.lab-chart .mark-3 { stroke: var(--warn); fill: var(--warn); }
.lab-chart .line.mark-1, .lab-chart .line.mark-2, .lab-chart .line.mark-3 { fill: none; }
.lab-chart .mark-muted { stroke: var(--muted); fill: var(--muted); }
.lab-chart .rule { stroke: var(--fg); stroke-width: 1.25; stroke-dasharray: 5 4; }
.lab-chart .rule-accent { stroke: var(--accent); stroke-width: 1.25; stroke-dasharray: 2 3; }
.lab-chart .label { fill: var(--fg); font-size: 11px; }
.lab-chart .label-muted { fill: var(--muted); font-size: 10.5px; }
.lab-chart .dot.current { stroke: var(--bg); stroke-width: 2; }
.lab-legend { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; font-size: 0.85rem; color: var(--fg); margin: 0.15rem 0 0; padding: 0; list-style: none; }
.lab-legend .sw { display: inline-block; width: 0.9rem; height: 0.25rem; vertical-align: middle; margin-right: 0.3rem; border-radius: 2px; }
.lab-legend .sw-1 { background: var(--accent); }
.lab-legend .sw-2 { background: var(--misc); }
.lab-legend .sw-3 { background: var(--warn); }
.lab-legend .sw-rule { background: repeating-linear-gradient(90deg, var(--fg) 0 5px, transparent 5px 8px); }
@media (prefers-reduced-motion: no-preference) {
  .lab-body .bar, .lab-body .lab-bar-fill { transition: width 120ms ease-out, height 120ms ease-out, y 120ms ease-out; }
}
`;

const injected = new Set<string>();

/** Adds a stylesheet to the document once per id. */
export function injectStyles(id = 'ipa-lab-base', css = BASE): void {
  if (injected.has(id) || document.getElementById(id)) return;
  injected.add(id);
  const style = document.createElement('style');
  style.id = id;
  style.textContent = css;
  document.head.append(style);
}
