// The interface strings of the presentation routes, handed over by the page as JSON.
import type { Strings } from './build';

export function readStrings(): Strings {
  const el = document.querySelector('[data-present-strings]');
  return JSON.parse(el?.textContent || '{}') as Strings;
}

export const fill = (template: string, vars: Record<string, string | number>) =>
  template.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
