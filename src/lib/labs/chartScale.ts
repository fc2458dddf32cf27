/**
 * The arithmetic behind the labs' small SVG charts: linear and log scales and "nice" ticks.
 * (The labs draw their own SVG instead of shipping Observable Plot to the browser: Plot adds
 * about 90 kB gzipped per page, these charts about 2 kB; the lessons' build-time figures use Plot.)
 */

export interface Scale {
  (x: number): number;
  domain: [number, number];
  range: [number, number];
  ticks(count?: number): number[];
}

/** Tick step 1, 2 or 5 × 10^k that gives about `count` ticks over [a, b]. */
export function niceStep(a: number, b: number, count = 5): number {
  const span = Math.abs(b - a);
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const pow = 10 ** Math.floor(Math.log10(raw));
  const m = raw / pow;
  // d3's thresholds: √50, √10, √2
  return (m >= 7.07 ? 10 : m >= 3.16 ? 5 : m >= 1.41 ? 2 : 1) * pow;
}

/** Ticks at multiples of the nice step inside [a, b] (inclusive, with a little tolerance). */
export function linearTicks(a: number, b: number, count = 5): number[] {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const step = niceStep(lo, hi, count);
  const out: number[] = [];
  const eps = step * 1e-9;
  for (let v = Math.ceil((lo - eps) / step) * step; v <= hi + eps; v += step) out.push(Math.abs(v) < eps ? 0 : +v.toPrecision(12));
  return out;
}

/** Domain extended outward to the nice step (so the axis starts and ends on a tick). */
export function niceDomain(a: number, b: number, count = 5): [number, number] {
  if (a === b) return a === 0 ? [0, 1] : a > 0 ? [0, a * 1.1] : [a * 1.1, 0];
  const step = niceStep(a, b, count);
  return [Math.floor(a / step) * step, Math.ceil(b / step) * step];
}

export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  const s = ((x: number) => r0 + (x - d0) * k) as Scale;
  s.domain = domain;
  s.range = range;
  s.ticks = (count = 5) => linearTicks(d0, d1, count);
  return s;
}

/** Log₁₀ scale; ticks at powers of ten (and 2×, 5× when the domain spans few decades). */
export function logScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain.map((d) => Math.log10(Math.max(d, Number.MIN_VALUE))) as [number, number];
  const lin = linearScale([d0, d1], range);
  const s = ((x: number) => lin(Math.log10(Math.max(x, Number.MIN_VALUE)))) as Scale;
  s.domain = domain;
  s.range = range;
  s.ticks = () => logTicks(domain[0], domain[1]);
  return s;
}

export function logTicks(a: number, b: number): number[] {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const e0 = Math.floor(Math.log10(lo));
  const e1 = Math.ceil(Math.log10(hi));
  const mult = e1 - e0 <= 2 ? [1, 2, 5] : [1];
  const out: number[] = [];
  for (let e = e0; e <= e1; e++) for (const m of mult) {
    const v = +(m * 10 ** e).toPrecision(6);
    if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
  }
  return out;
}

/** Min and max of finite values (for a domain); [0, 1] when there are none. */
export function extent(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) if (Number.isFinite(v)) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}
