import { test, expect } from '@playwright/test';
import { lessonSlugs } from './site';

const [first, second] = lessonSlugs();

test('language switch keeps the reader on the same lesson and section', async ({ page }) => {
  await page.goto(`/en/${second}/`);
  const headings = page.locator('[data-lesson-body] h2[id]');
  const target = headings.nth(2);
  // the reader is in the third section: its heading has scrolled to the top
  await target.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  // labs mount lazily as they scroll into view and can change the height above; let them settle
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300);
  await target.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.evaluate(() => window.scrollBy(0, 40));
  // a plain DOM click: Playwright's click would first scroll the sticky header link "into view"
  // (the document's top), which a reader's click never does
  await page.locator('[data-lang-switch="zh"]').evaluate((a) => (a as HTMLAnchorElement).click());
  await expect(page).toHaveURL(new RegExp(`/zh/${second}/`));
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  // the third section heading of the Chinese page is in view
  const zhHeading = page.locator('[data-lesson-body] h2[id]').nth(2);
  await expect(zhHeading).toBeInViewport();
  const top = await zhHeading.evaluate((el) => el.getBoundingClientRect().top);
  expect(Math.abs(top)).toBeLessThan(200);
});

test('theme choice persists across pages and reloads', async ({ page }) => {
  await page.goto(`/en/${first}/`);
  await page.selectOption('[data-theme-select]', 'dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.goto(`/zh/${second}/`);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.locator('[data-theme-select]')).toHaveValue('dark');
  await page.selectOption('[data-theme-select]', 'light');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});

test('progress marks persist and show in both languages', async ({ page }) => {
  await page.goto(`/en/${first}/`);
  await page.locator('[data-mark-done]').check();
  await expect(page.locator(`.sidebar [data-lesson-slug="${first}"] .check`)).toHaveText('✓');
  await page.goto(`/zh/${second}/`);
  await expect(page.locator(`.sidebar [data-lesson-slug="${first}"] .check`)).toHaveText('✓');
  await expect(page.locator('[data-progress-count]')).toHaveText('1');
  await page.goto(`/zh/${first}/`);
  await expect(page.locator('[data-mark-done]')).toBeChecked();
  await page.locator('[data-mark-done]').uncheck();
  await page.reload();
  await expect(page.locator(`.sidebar [data-lesson-slug="${first}"] .check`)).toHaveText('');
});

test('exercises reveal their answers; quizzes explain each choice', async ({ page }) => {
  await page.goto(`/en/${first}/`);
  const answer = page.locator('[data-answer]').first();
  const body = answer.locator('div');
  await expect(body).toBeHidden();
  await answer.locator('summary').click();
  await expect(body).toBeVisible();

  const quiz = page.locator('[data-quiz]').first();
  if (await quiz.count()) {
    const wrong = quiz.locator('input[data-correct="false"]').first();
    await wrong.check();
    await expect(quiz.locator('[data-quiz-feedback]')).toContainText(/Not quite/);
    await quiz.locator('input[data-correct="true"]').first().check();
    await expect(quiz.locator('[data-quiz-feedback]')).toContainText(/Correct/);
  }
});

for (const [lang, query, expectPath] of [['en', 'cross-attention', '/en/'], ['zh', '交叉注意力', '/zh/']] as const) {
  test(`search finds “${query}” (${lang})`, async ({ page }) => {
    await page.goto(`/${lang}/`);
    await page.keyboard.press('Control+k');
    await expect(page.locator('[data-search-dialog]')).toBeVisible();
    await page.locator('[data-search-input]').fill(query);
    const results = page.locator('[data-search-results] li a');
    await expect(results.first()).toBeVisible({ timeout: 15_000 });
    const hrefs = await results.evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).pathname));
    expect(hrefs.some((h) => h.startsWith(expectPath))).toBe(true);
    await page.keyboard.press('Escape');
    await expect(page.locator('[data-search-dialog]')).toBeHidden();
  });
}

test('search covers both languages from either one', async ({ page }) => {
  await page.goto('/en/');
  await page.keyboard.press('Control+k');
  await page.locator('[data-search-input]').fill('注意力');
  const results = page.locator('[data-search-results] li a');
  await expect(results.first()).toBeVisible({ timeout: 15_000 });
  expect(await results.first().getAttribute('href')).toMatch(/^\/zh\//);
});

test('the skip link moves focus to the content', async ({ page }) => {
  await page.goto(`/en/${first}/`);
  await page.keyboard.press('Tab');
  await expect(page.locator('.skip-link')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#content')).toBeFocused();
});

test('a phone-sized screen gets the menu button and no sideways scroll', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/zh/${first}/`);
  await expect(page.locator('.sidebar')).toBeHidden();
  await page.locator('[data-menu-toggle]').click();
  await expect(page.locator('.sidebar')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(1);
});
