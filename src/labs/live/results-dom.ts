/**
 * What the three result views (compare, layer experiment, attention maps) share in the page:
 * their CSS (only the theme's variables, so both themes work), the language, and drawing a
 * result image. Each view is mounted with `mountX(host, options)` and returns
 * `{ update(patch), destroy() }`; see compare.ts, experiment.ts, attention-view.ts.
 */
import { labLang, type LabLang } from '../../lib/labs/format';
import { isRgbaImage, type ResultImage } from '../../lib/live/resultImage';
import { injectStyles } from '../shared/styles';
import { h } from '../shared/dom';

/** What every mounted view returns. */
export interface MountedView<P> {
  /** Changes some options; the view redraws what depends on them. */
  update(patch: P): void;
  /** Removes the view's DOM and listeners, and stops anything it runs. */
  destroy(): void;
}

export const langOf = (lang?: LabLang): LabLang => lang ?? labLang(document.documentElement.lang);

const CSS = `
.lr-root { display: grid; gap: 0.75rem; color: var(--fg); min-width: 0; }
.lr-root h4 { margin: 0; font-size: 1rem; }
.lr-row { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: end; }
.lr-root .lab-field { min-width: 10rem; }
.lr-root select, .lr-root input[type=text] { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--border); border-radius: var(--radius); padding: 0.25rem 0.4rem; max-width: 100%; }
.lr-root .btn { font: inherit; color: var(--fg); }
.lr-root .btn-primary { color: var(--accent-fg); }
.lr-root .btn[disabled] { opacity: 0.55; cursor: not-allowed; }
.lr-img { display: block; width: 100%; height: auto; image-rendering: auto; background: var(--surface); border: 1px solid var(--border); border-radius: 4px; }
.lr-pair { display: grid; gap: 0.75rem; grid-template-columns: repeat(2, minmax(0, 1fr)); max-width: 44rem; }
.lr-pair figure { margin: 0; }
.lr-pair figcaption, .lr-cap { font-size: 0.85rem; color: var(--muted); }
.lr-overlay { position: relative; max-width: 28rem; }
.lr-overlay .lr-top { position: absolute; inset: 0; }
.lr-overlay .lr-top > .lr-img { width: 100%; height: 100%; object-fit: fill; }
.lr-divider { position: absolute; top: 0; bottom: 0; width: 0; border-left: 2px solid var(--bg); box-shadow: 0 0 0 1px var(--fg); pointer-events: none; }
.lr-overlay input[type=range] { width: 100%; accent-color: var(--accent); }
.lr-diff { border-collapse: collapse; font-size: 0.9rem; }
.lr-diff th, .lr-diff td { border-bottom: 1px solid var(--border); padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
.lr-diff td code { font-family: var(--mono); font-size: 0.85rem; word-break: break-word; }
.lr-grid-wrap { overflow-x: auto; max-width: 100%; }
.lr-grid { border-collapse: collapse; font-size: 0.85rem; }
.lr-grid th, .lr-grid td { border: 1px solid var(--border); padding: 0.25rem; vertical-align: top; }
.lr-grid th[scope=row] { text-align: left; white-space: nowrap; font-weight: 600; }
.lr-grid caption { text-align: left; color: var(--muted); padding-bottom: 0.25rem; }
.lr-cell { width: 7rem; min-height: 7rem; display: grid; gap: 0.2rem; }
.lr-cell .lr-img { width: 7rem; height: 7rem; object-fit: contain; }
.lr-cell .lr-slot { width: 7rem; height: 7rem; display: grid; place-items: center; background: var(--surface); border: 1px dashed var(--border); border-radius: 4px; color: var(--muted); text-align: center; font-size: 0.8rem; padding: 0.25rem; box-sizing: border-box; }
.lr-cell[data-status=running] .lr-slot { border: 2px solid var(--accent); color: var(--fg); }
.lr-cell[data-status=failed] .lr-slot { border: 2px solid var(--bad); color: var(--bad); overflow-wrap: anywhere; }
.lr-cell-label { font-size: 0.8rem; color: var(--muted); }
.lr-progress { width: min(100%, 24rem); accent-color: var(--accent); }
.lr-error { color: var(--bad); margin: 0; }
.lr-error:empty { display: none; }
.lr-map { position: relative; max-width: 28rem; }
.lr-map canvas.lr-heat { position: absolute; inset: 0; width: 100%; height: 100%; pointer-events: none; }
.lr-legend { display: grid; grid-template-columns: auto 1fr auto; gap: 0.25rem 0.5rem; align-items: center; max-width: 28rem; font-size: 0.85rem; }
.lr-legend .lr-bar { height: 0.8rem; border: 1px solid var(--border); border-radius: 2px; }
.lr-legend .lr-legend-title, .lr-legend .lr-range { grid-column: 1 / -1; }
.lr-legend .lr-range { color: var(--muted); }
.lr-desc { margin: 0; }
@media (prefers-reduced-motion: no-preference) {
  .lr-cell .lr-slot { transition: border-color 150ms ease-out; }
}
@media (max-width: 36rem) { .lr-pair { grid-template-columns: minmax(0, 1fr); } }
`;

export function injectResultsCss(): void {
  injectStyles();
  injectStyles('ipa-live-results', CSS);
}

/**
 * A result image as an element: <img alt> for a URL, a <canvas role="img" aria-label> for
 * pixels. `onSize` hears the natural size once known (at once for pixels, on load for a URL).
 */
export function imageElement(img: ResultImage, alt: string, onSize?: (w: number, h: number) => void, onError?: () => void): HTMLImageElement | HTMLCanvasElement {
  if (typeof img === 'string') {
    const el = h('img', { class: 'lr-img', src: img, alt, decoding: 'async' });
    el.addEventListener('load', () => onSize?.(el.naturalWidth, el.naturalHeight), { once: true });
    el.addEventListener('error', () => onError?.(), { once: true });
    return el;
  }
  const c = h('canvas', { class: 'lr-img', role: 'img', 'aria-label': alt });
  if (!isRgbaImage(img)) { onError?.(); return c; }
  c.width = img.width;
  c.height = img.height;
  const ctx = c.getContext('2d');
  if (ctx) ctx.putImageData(new ImageData(new Uint8ClampedArray(img.data), img.width, img.height), 0, 0);
  queueMicrotask(() => onSize?.(img.width, img.height));
  return c;
}

/** Milliseconds as "1 min 20 s" / "1 分 20 秒". */
export function formatDuration(ms: number, lang: LabLang): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(s / 60);
  const r = s % 60;
  if (lang === 'zh') return m ? `${m} 分 ${r} 秒` : `${r} 秒`;
  return m ? `${m} min ${r} s` : `${r} s`;
}
