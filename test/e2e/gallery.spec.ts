// The gallery page, in both languages: with no real renders committed it says so plainly (no
// images at all), lists what the gallery script will render with the exact settings, links to
// the live lab and the weights page, passes axe, and asks nothing of other origins.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { guardOrigins, LANGS } from './site';

const gallery = JSON.parse(readFileSync('models/gallery.json', 'utf8'));
const NONE = { en: 'No real renders yet', zh: '还没有真实出图' };

for (const lang of LANGS) {
  test(`gallery (${lang}): says plainly that no real renders exist, lists the planned settings, axe clean`, async ({ page }) => {
    const guard = guardOrigins(page);
    const res = await page.goto(`/${lang}/lab/gallery/`);
    expect(res?.status()).toBe(200);
    await expect(page.locator('html')).toHaveAttribute('lang', lang === 'zh' ? 'zh-CN' : 'en');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(lang === 'zh' ? '出图示例' : 'Gallery of results');
    const none = page.locator('[data-gallery="none"]');
    await expect(none.getByRole('heading', { level: 2 })).toHaveText(NONE[lang]);
    await expect(page.locator('[data-gallery="renders"]')).toHaveCount(0);
    await expect(page.locator('main img')).toHaveCount(0);
    // Every planned entry is listed with its title and IPAdapter settings.
    const planned = page.locator('[data-gallery="planned"] li');
    await expect(planned).toHaveCount(gallery.entries.length);
    for (const e of gallery.entries) await expect(page.locator('[data-gallery="planned"]')).toContainText(e.title[lang]);
    await expect(page.locator('[data-gallery="planned"]')).toContainText(`${gallery.defaults.scheduler}`);
    await expect(page.locator('[data-gallery="planned"]')).toContainText('layer_weights "6:2"');
    await expect(page.locator(`a[href="/${lang}/lab/downloads/"]`)).toHaveCount(1);
    expect((await page.request.get(`/${lang}/09-which-layer-does-what/`)).status()).toBe(200);
    for (const theme of ['light', 'dark']) {
      await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
      expect(results.violations.map((v) => `${theme}: ${v.id}: ${v.help}`)).toEqual([]);
    }
    expect(guard.foreign).toEqual([]);
  });
}
