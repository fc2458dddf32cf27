/**
 * Number formatting for the labs, in the page's language. Both English and Chinese readers
 * group thousands with a comma (10,000), which is what Intl gives for en-US and zh-CN.
 */
export type LabLang = 'en' | 'zh';

/** The lab language from a BCP 47 tag such as document.documentElement.lang ('zh-CN' → 'zh'). */
export function labLang(tag: string | null | undefined): LabLang {
  return (tag ?? '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

const intFormats = new Map<LabLang, Intl.NumberFormat>();

/** An exact integer with thousands separators: 10000 → "10,000". */
export function formatInt(n: number, lang: LabLang = 'en'): string {
  let f = intFormats.get(lang);
  if (!f) {
    f = new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-US', { maximumFractionDigits: 0, useGrouping: true });
    intFormats.set(lang, f);
  }
  return f.format(n);
}

/** A number with a fixed count of decimals ("0.250"); −0 shown as 0. */
export function formatFixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** A percentage with the given decimals: 0.1 → "10.0 %" (en) / "10.0%" (zh). */
export function formatPercent(x: number, digits: number, lang: LabLang = 'en'): string {
  return `${formatFixed(100 * x, digits)}${lang === 'zh' ? '%' : ' %'}`;
}

/** A short number for chart ticks and readouts: 3 significant digits, k/M suffixes above 10,000. */
export function formatShort(x: number): string {
  const a = Math.abs(x);
  if (a >= 1e6) return `${+(x / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(x / 1e3).toPrecision(3)}k`;
  if (a === 0) return '0';
  if (a < 1e-3) return x.toExponential(1);
  return String(+x.toPrecision(3));
}
