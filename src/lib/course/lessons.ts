import type { CollectionEntry } from 'astro:content';
import { LANGS, type Lang } from '../i18n/lang';

export type LessonEntry = CollectionEntry<'lessons'>;

/** `zh/03-attention` → { lang: 'zh', slug: '03-attention' }. */
export function splitId(id: string): { lang: Lang; slug: string } {
  const [lang, slug] = id.split('/') as [Lang, string];
  return { lang, slug };
}

export const lessonHref = (lang: Lang, slug: string) => `/${lang}/${slug}/`;

/** The lessons of one language in course order. */
export function lessonsIn(all: LessonEntry[], lang: Lang): LessonEntry[] {
  return all.filter((e) => splitId(e.id).lang === lang).sort((a, b) => a.data.order - b.data.order);
}

/**
 * Every lesson must exist in every language with the same order number: a lesson missing in
 * one language fails the build instead of silently falling back.
 */
export function checkBothLanguages(all: LessonEntry[]): void {
  const slugsBy = Object.fromEntries(LANGS.map((l) => [l, new Map(lessonsIn(all, l).map((e) => [splitId(e.id).slug, e.data.order]))]));
  const problems: string[] = [];
  for (const lang of LANGS) {
    for (const other of LANGS) {
      if (lang === other) continue;
      for (const [slug, order] of slugsBy[lang]) {
        if (!slugsBy[other].has(slug)) problems.push(`lessons/${lang}/${slug}.mdx has no ${other} version (lessons/${other}/${slug}.mdx)`);
        else if (slugsBy[other].get(slug) !== order && lang < other) problems.push(`${slug}: order ${order} in ${lang} but ${slugsBy[other].get(slug)} in ${other}`);
      }
    }
  }
  for (const e of all) {
    const { lang, slug } = splitId(e.id);
    for (const p of e.data.prerequisites) {
      if (!slugsBy[lang].has(p)) problems.push(`lessons/${lang}/${slug}.mdx lists the prerequisite "${p}", which is no lesson`);
    }
    const other = all.find((o) => o.id !== e.id && splitId(o.id).slug === slug);
    if (other && other.data.prerequisites.join() !== e.data.prerequisites.join() && lang === 'en') {
      problems.push(`${slug}: prerequisites differ between languages`);
    }
  }
  if (problems.length) throw new Error(`Lessons are not complete in both languages:\n  ${problems.join('\n  ')}`);
}
