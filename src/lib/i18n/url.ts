import { isLang, type Lang } from './lang';

/** The page's language from its URL (/zh/… or /en/…); English where the path names none. */
export function langOf(url: URL | string): Lang {
  const path = typeof url === 'string' ? url : url.pathname;
  const first = path.split('/').filter(Boolean)[0];
  return isLang(first) ? first : 'en';
}

/** The same page in the other language: /zh/03-attention/ ↔ /en/03-attention/. */
export function swapLang(path: string, to: Lang): string {
  const parts = path.split('/');
  const i = parts.findIndex((p) => p !== '');
  if (i >= 0 && isLang(parts[i])) parts[i] = to;
  else return `/${to}/`;
  return parts.join('/');
}
