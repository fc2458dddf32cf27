/** The course's two languages. Every lesson exists in both; a missing one is a test failure. */
export const LANGS = ['zh', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export const LANG_NAMES: Record<Lang, string> = { zh: '中文', en: 'English' };
/** BCP 47 tags for <html lang>. */
export const HTML_LANG: Record<Lang, string> = { zh: 'zh-CN', en: 'en' };

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

/** A string in both languages; components pick one with `t(text, lang)`. */
export type Bilingual = Record<Lang, string>;
export const t = (text: Bilingual, lang: Lang): string => text[lang];
