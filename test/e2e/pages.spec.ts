import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { allPages, guardOrigins } from './site';

// One test per page: math typeset without KaTeX errors, figures drawn, <html lang> right,
// every internal link resolves, no request leaves localhost, and axe finds nothing serious.
const checkedLinks = new Map<string, number>();

for (const path of allPages()) {
  test(`page ${path}`, async ({ page, request }) => {
    test.setTimeout(180_000); // axe over a long lesson, twice, on a busy 2-core machine
    const guard = guardOrigins(page);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const response = await page.goto(path);
    expect(response?.status()).toBe(200);

    const expectedLang = path.startsWith('/zh') ? 'zh-CN' : 'en';
    await expect(page.locator('html')).toHaveAttribute('lang', expectedLang);

    await expect(page.locator('.katex-error')).toHaveCount(0);
    if (/^\/(zh|en)\/\d\d-/.test(path)) {
      // a lesson: at least one figure with drawn marks, math rendered where the source has it
      const figures = page.locator('figure.figure');
      expect(await figures.count()).toBeGreaterThan(0);
      for (const svg of await page.locator('figure.figure svg').all()) {
        const marks = await svg.locator('path, rect, circle, line, text, polyline').count();
        expect(marks).toBeGreaterThan(0);
      }
      expect(await page.locator('[data-exercise]').count()).toBeGreaterThanOrEqual(2);
    }

    // internal links resolve (each distinct target fetched once per worker)
    const hrefs = await page.locator('a[href]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    for (const href of hrefs) {
      const url = new URL(href);
      if (url.origin !== new URL(page.url()).origin) continue;
      const target = url.pathname;
      if (!checkedLinks.has(target)) checkedLinks.set(target, (await request.get(target)).status());
      expect(checkedLinks.get(target), `link to ${target} on ${path}`).toBe(200);
      if (url.hash && url.pathname === new URL(page.url()).pathname) {
        const id = decodeURIComponent(url.hash.slice(1));
        expect(await page.locator(`[id="${id.replace(/"/g, '\\"')}"]`).count(), `anchor #${id} on ${path}`).toBeGreaterThan(0);
      }
    }

    for (const theme of ['light', 'dark']) {
      await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
      const results = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
        .analyze();
      const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious.map((v) => `${theme}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`)).toEqual([]);
    }
    expect(errors).toEqual([]);
    expect(guard.foreign).toEqual([]);
  });
}
