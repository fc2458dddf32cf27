// Helpers shared by the e2e specs: the list of pages (from the built site's sitemap of lessons)
// and a guard that fails a test when a page asks for anything outside localhost.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';

const DIST = join(process.cwd(), 'dist');

/** Every lesson slug, read from the build output (dist/en/<slug>/index.html). */
export function lessonSlugs(): string[] {
  return readdirSync(join(DIST, 'en'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && /^\d\d-/.test(d.name) && existsSync(join(DIST, 'en', d.name, 'index.html')))
    .map((d) => d.name)
    .sort();
}

export const LANGS = ['zh', 'en'] as const;

/** Every page of the site: home, glossary and lessons, in both languages. */
export function allPages(): string[] {
  const pages = ['/'];
  for (const lang of LANGS) {
    pages.push(`/${lang}/`, `/${lang}/glossary/`);
    for (const slug of lessonSlugs()) pages.push(`/${lang}/${slug}/`);
  }
  return pages;
}

/** Records every request to another origin; call `check()` at the end of the test. */
export function guardOrigins(page: Page) {
  const foreign: string[] = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.protocol === 'data:' || url.protocol === 'blob:') return;
    if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') foreign.push(req.url());
  });
  return { foreign };
}
