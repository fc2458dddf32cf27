import { test, expect, type Page, type BrowserContext } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { guardOrigins, lessonSlugs, LANGS } from './site';

// Presentation mode: the lessons as slides (…/present/), the presenter window (…/presenter/)
// driving it over BroadcastChannel (or localStorage), labs and drawings mirrored, the handout.
const slugs = lessonSlugs();
const first = slugs[0];
const VIEWPORT = { width: 1280, height: 720 };

async function ready(page: Page) {
  await page.waitForSelector('body[data-present-ready="true"]', { state: 'attached' });
}
const position = (page: Page) => page.evaluate(() => `${document.body.dataset.slide}/${document.body.dataset.step}`);
const slideCount = (page: Page) => page.locator('[data-deck] > .slide').count();

async function pair(context: BrowserContext, lang = 'en', slug = first, query = '') {
  const audience = await context.newPage();
  const presenter = await context.newPage();
  await audience.goto(`/${lang}/${slug}/present/${query}`);
  await ready(audience);
  await presenter.goto(`/${lang}/${slug}/presenter/${query}`);
  await ready(presenter);
  return { audience, presenter };
}

/** A stand-in for a lab: a custom element in the first [data-lab] section that records setState calls. */
async function fakeLab(page: Page) {
  await page.evaluate(() => {
    if (!customElements.get('fake-lab')) {
      customElements.define('fake-lab', class extends HTMLElement {
        setState(state: unknown) { this.dataset.state = JSON.stringify(state); }
      });
    }
    let host = document.querySelector('[data-lab]');
    if (!host) {
      host = document.createElement('section');
      host.setAttribute('data-lab', 'fake');
      document.querySelector('.slide .slide-content')!.append(host);
    }
    host.append(document.createElement('fake-lab'));
  });
}

test.describe('presenter and audience', () => {
  test.use({ viewport: VIEWPORT });

  test('keys in the presenter move the audience; reloads keep the place', async ({ context }) => {
    const { audience, presenter } = await pair(context);
    const guard = guardOrigins(audience);
    const errors: string[] = [];
    for (const p of [audience, presenter]) p.on('pageerror', (e) => errors.push(e.message));
    expect(await audience.evaluate(() => document.body.dataset.channel)).toBe('broadcast');
    // both windows cut the lesson into the same slides
    expect(await slideCount(presenter)).toBe(await slideCount(audience));
    const labels = (page: Page) => page.locator('[data-deck] > .slide').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    expect(await labels(presenter)).toEqual(await labels(audience));

    for (const key of ['ArrowRight', 'Space', 'PageDown', 'ArrowRight']) await presenter.keyboard.press(key);
    const there = await position(presenter);
    expect(there).not.toBe('0/0');
    await expect.poll(() => position(audience)).toBe(there);
    await presenter.keyboard.press('ArrowLeft');
    await expect.poll(() => position(audience)).toBe(await position(presenter));
    await presenter.keyboard.press('End');
    const n = await slideCount(audience);
    await expect.poll(() => audience.evaluate(() => document.body.dataset.slide)).toBe(String(n - 1));
    await presenter.keyboard.press('Home');
    await expect.poll(() => position(audience)).toBe('0/0');

    // the presenter shows notes, the next step and the pace
    await presenter.keyboard.press('ArrowDown');
    await presenter.keyboard.press('ArrowDown');
    await expect(presenter.locator('[data-preview] .slide')).toHaveCount(1);
    await expect(presenter.locator('[data-preview-caption]')).toContainText(/Slide (3|4) of \d+/);
    await expect(presenter.locator('[data-pace]')).toHaveAttribute('data-status', /ahead|on-time|behind/);
    await expect(presenter.locator('[data-elapsed]')).toHaveText(/^\d+:\d\d$/);
    let withNotes = -1;
    for (let i = 0; i < 40 && withNotes < 0; i++) {
      if (await presenter.locator('[data-notes] .note').count()) withNotes = i;
      else await presenter.keyboard.press('ArrowDown');
    }
    expect(withNotes, 'some slide has speaker notes').toBeGreaterThanOrEqual(0);
    await expect(presenter.locator('[data-notes] .note').first()).toBeVisible();
    // …which readers and the audience never see
    await expect(audience.locator('.speaker-notes').first()).toBeHidden();

    // black screen
    await presenter.keyboard.press('b');
    await expect(audience.locator('[data-black]')).toBeVisible();
    await presenter.keyboard.press('b');
    await expect(audience.locator('[data-black]')).toBeHidden();

    // the slide change is announced
    await expect(audience.locator('[data-announce]')).toContainText(/Slide \d+ of \d+/);
    expect(await audience.locator('[role="application"]').count()).toBe(0);

    // reloading the audience returns to the same place, from the URL and from the presenter
    const before = await position(audience);
    expect(new URL(audience.url()).hash).toMatch(/^#\/\d+/);
    await audience.reload();
    await ready(audience);
    expect(await position(audience)).toBe(before);
    await expect(audience.locator('.slide:not([hidden])')).toHaveCount(1);
    // a reloaded presenter keeps driving
    await presenter.reload();
    await ready(presenter);
    expect(await position(presenter)).toBe(before);
    await presenter.keyboard.press('ArrowDown');
    await expect.poll(() => position(audience)).toBe(await position(presenter));
    expect(errors).toEqual([]);
    expect(guard.foreign).toEqual([]);
  });

  test('a reloaded audience catches up with a presenter that moved on', async ({ context }) => {
    const { audience, presenter } = await pair(context);
    await audience.goto('about:blank');
    await presenter.keyboard.press('ArrowDown');
    await presenter.keyboard.press('ArrowDown');
    await presenter.keyboard.press('ArrowDown');
    await audience.goto(`/en/${first}/present/#/1`);
    await ready(audience);
    await expect.poll(() => position(audience)).toBe(await position(presenter));
  });

  test('localStorage fallback carries the same messages', async ({ context }) => {
    const { audience, presenter } = await pair(context, 'zh', first, '?sync=storage');
    expect(await audience.evaluate(() => document.body.dataset.channel)).toBe('storage');
    await presenter.keyboard.press('ArrowDown');
    await presenter.keyboard.press('ArrowDown');
    await expect.poll(() => position(audience)).toBe(await position(presenter));
  });

  test('labs, pen and laser follow the presenter; "don’t follow" stops it', async ({ context }) => {
    const { audience, presenter } = await pair(context);
    await fakeLab(audience);
    await fakeLab(presenter);
    const image = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const change = (page: Page, state: unknown) => page.evaluate((s) => {
      const lab = document.querySelector('fake-lab')!;
      const name = lab.closest('[data-lab]')!.getAttribute('data-lab');
      lab.dispatchEvent(new CustomEvent('lab:change', { bubbles: true, detail: { lab: name, state: s } }));
    }, state);
    const shown = (page: Page) => page.evaluate(() => document.querySelector<HTMLElement>('fake-lab')!.dataset.state ?? null);

    await change(presenter, { weight: 0.5, image });
    await expect.poll(() => shown(audience)).toBe(JSON.stringify({ weight: 0.5, image }));
    // the echo does not come back as a new change
    expect(await shown(presenter)).toBeNull();

    // the pen: a stroke on the presenter's slide appears on the audience's, kept per slide
    await presenter.keyboard.press('d');
    const box = (await presenter.locator('[data-stage]').boundingBox())!;
    await presenter.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.4);
    await presenter.mouse.down();
    await presenter.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 8 });
    await presenter.mouse.up();
    await expect.poll(() => audience.locator('[data-deck]').getAttribute('data-strokes')).toBe('1');
    await presenter.keyboard.press('Escape');
    await presenter.keyboard.press('ArrowDown');
    await expect.poll(() => audience.locator('[data-deck]').getAttribute('data-strokes')).toBe('0');
    await presenter.keyboard.press('ArrowUp');
    await expect.poll(() => audience.locator('[data-deck]').getAttribute('data-strokes')).toBe('1');
    await presenter.keyboard.press('c');
    await expect.poll(() => audience.locator('[data-deck]').getAttribute('data-strokes')).toBe('0');

    // the laser
    await presenter.keyboard.press('l');
    await presenter.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.6, { steps: 4 });
    await expect(audience.locator('.laser-dot')).toBeVisible();
    await presenter.keyboard.press('Escape');

    // don't follow: the audience browses on its own
    await audience.mouse.move(10, 10);
    await audience.getByLabel('Follow the presenter').uncheck();
    await audience.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const own = await position(audience);
    await presenter.keyboard.press('ArrowDown');
    await presenter.keyboard.press('ArrowDown');
    await change(presenter, { weight: 0.9 });
    await presenter.waitForTimeout(300);
    expect(await position(audience)).toBe(own);
    expect(await shown(audience)).toBe(JSON.stringify({ weight: 0.5, image }));
    await audience.keyboard.press('End');
    await presenter.waitForTimeout(200);
    expect(await position(presenter)).not.toBe(await position(audience));
    // following again catches up
    await audience.getByLabel('Follow the presenter').check();
    await expect.poll(() => position(audience)).toBe(await position(presenter));
    await expect.poll(() => shown(audience)).toBe(JSON.stringify({ weight: 0.9 }));
  });

  test('a real lab on a slide: the presenter’s change shows in the audience', async ({ context }) => {
    const slug = slugs.find((s) => s.startsWith('06-'));
    test.skip(!slug, 'no LoRA lesson in this build');
    const { audience, presenter } = await pair(context, 'en', slug);
    const index = await presenter.evaluate(() => [...document.querySelectorAll('[data-deck] > .slide')].findIndex((s) => s.querySelector('[data-lab="lora"]')));
    test.skip(index < 0, 'the lesson has no LoRA lab');
    await presenter.keyboard.press('g');
    await presenter.locator('[data-goto-input]').fill(String(index + 1));
    await presenter.keyboard.press('Enter');
    await expect.poll(() => audience.evaluate(() => document.body.dataset.slide)).toBe(String(index));
    for (const p of [presenter, audience]) await expect(p.locator('ipa-lab-lora')).toHaveAttribute('data-ready', '', { timeout: 20_000 });
    const state = (p: Page) => p.evaluate(() => JSON.stringify((document.querySelector('ipa-lab-lora') as unknown as { getState(): unknown }).getState()));
    const before = await state(audience);
    const input = presenter.locator('ipa-lab-lora input').first();
    await input.focus();
    await presenter.keyboard.press('ArrowUp'); // the lab's key, not "previous slide"
    await presenter.keyboard.press('ArrowUp');
    const after = await state(presenter);
    expect(after).not.toBe(before);
    await expect.poll(() => state(audience)).toBe(after);
    expect(await position(presenter)).toBe(`${index}/0`);
    // a lab taller than the slide keeps a readable size and scrolls, in step in both windows
    const body = '.slide.is-current .slide-body';
    const sizes = await presenter.locator(body).evaluate((b) => ({ sh: b.scrollHeight, ch: b.clientHeight, sw: b.scrollWidth, cw: b.clientWidth }));
    expect(sizes.sw).toBeLessThanOrEqual(sizes.cw + 1);
    if (sizes.sh > sizes.ch + 1) {
      await presenter.locator(body).evaluate((b) => { b.scrollTop = 200; });
      await expect.poll(() => audience.locator(body).evaluate((b) => Math.round(b.scrollTop))).toBe(200);
    }
  });

  test('authored <SlideBreak /> and <Step> reveal step by step, previewed in the presenter', async ({ context }) => {
    // the markup of SlideBreak.astro and Step.astro, put into the first section before the
    // presentation script runs (parsing is done, module scripts not yet run)
    await context.addInitScript(() => {
      document.addEventListener('readystatechange', () => {
        if (document.readyState !== 'interactive') return;
        const h2 = document.querySelector('[data-lesson-body] > h2');
        if (!h2) return;
        h2.insertAdjacentHTML('afterend', [
          '<p>Before the break.</p>',
          '<div class="slide-break" data-slide-break hidden aria-hidden="true"></div>',
          '<div class="step" data-step="each"><ul><li id="step-a">First point</li><li id="step-b">Second point</li></ul></div>',
          '<div class="step" data-step="one"><p id="step-c">The punchline</p></div>',
          '<div class="slide-break" data-slide-break hidden aria-hidden="true"></div>',
        ].join(''));
      });
    });
    const { audience, presenter } = await pair(context);
    const index = await presenter.evaluate(() => [...document.querySelectorAll('[data-deck] > .slide')].findIndex((s) => s.querySelector('#step-a')));
    expect(index).toBeGreaterThan(1);
    // the break made a slide of its own, which carries the section's title
    const slide = presenter.locator('[data-deck] > .slide').nth(index);
    await expect(slide.locator('.slide-kicker')).toHaveText(await presenter.locator('[data-deck] > .slide').nth(index - 1).locator('h2').innerText());
    await expect(presenter.locator('[data-deck] > .slide').nth(index - 1)).toContainText('Before the break.');
    await expect(slide).not.toContainText('Before the break.');
    expect(await slide.locator('[data-step-index]').count()).toBe(3);
    await presenter.keyboard.press('g');
    await presenter.locator('[data-goto-input]').fill(String(index + 1));
    await presenter.keyboard.press('Enter');
    const pending = (page: Page, id: string) => page.locator(`#${id}`).evaluate((el) => el.classList.contains('step-pending'));
    await expect.poll(() => audience.evaluate(() => document.body.dataset.slide)).toBe(String(index));
    expect(await pending(audience, 'step-a')).toBe(true);
    // the presenter previews the next step: the first point shown, the second not yet
    await expect(presenter.locator('[data-preview] li').first()).not.toHaveClass(/step-pending/);
    await expect(presenter.locator('[data-preview] li').nth(1)).toHaveClass(/step-pending/);
    await presenter.keyboard.press('ArrowRight');
    await expect.poll(() => pending(audience, 'step-a')).toBe(false);
    expect(await pending(audience, 'step-b')).toBe(true);
    await presenter.keyboard.press('ArrowRight');
    await presenter.keyboard.press('ArrowRight');
    await expect.poll(() => pending(audience, 'step-c')).toBe(false);
    expect(new URL(audience.url()).hash).toBe(`#/${index + 1}/3`);
    // one more: the next slide; back: this slide fully revealed
    await presenter.keyboard.press('ArrowRight');
    await expect.poll(() => position(audience)).toBe(`${index + 1}/0`);
    await presenter.keyboard.press('ArrowLeft');
    await expect.poll(() => position(audience)).toBe(`${index}/3`);
    // reload keeps the step
    await audience.reload();
    await ready(audience);
    expect(await position(audience)).toBe(`${index}/3`);
    expect(await pending(audience, 'step-c')).toBe(false);
  });

  test('keyboard: go to, overview, help; nothing fires while typing', async ({ page }) => {
    await page.goto(`/zh/${first}/present/`);
    await ready(page);
    await page.keyboard.press('g');
    const input = page.locator('[data-goto-input]');
    await expect(input).toBeFocused();
    await input.fill('3');
    await page.keyboard.press('ArrowRight'); // inside the input: no slide change
    await page.keyboard.press('Enter');
    await expect.poll(() => position(page)).toBe('2/0');
    await page.keyboard.press('o');
    await expect(page.locator('body')).toHaveClass(/is-overview/);
    await page.locator('.overview-pick').nth(4).click();
    await expect(page.locator('body')).not.toHaveClass(/is-overview/);
    expect(await position(page)).toBe('4/0');
    await page.keyboard.press('?');
    await expect(page.locator('[data-help-dialog]')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.locator('[data-help-dialog]')).toBeHidden();
    // a focused form control keeps its keys
    await page.getByLabel('跟随讲者翻页').focus();
    await page.keyboard.press('ArrowRight');
    expect(await position(page)).toBe('4/0');
  });
});

for (const lang of LANGS) {
  test(`every ${lang} lesson opens as slides that fit 1280×720`, async ({ page, request }) => {
    test.setTimeout(120_000);
    await page.setViewportSize(VIEWPORT);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    for (const slug of slugs) {
      const html = await (await request.get(`/${lang}/${slug}/`)).text();
      const sections = (html.match(/<h2 id="(?!objectives-title)[^"]*"/g) ?? []).length;
      await page.goto(`/${lang}/${slug}/present/`);
      await ready(page);
      const report = await page.evaluate(() => {
        const slides = [...document.querySelectorAll<HTMLElement>('.slide')];
        const overflow: string[] = [];
        for (const s of slides) {
          const was = s.hidden;
          s.hidden = false;
          const body = s.querySelector<HTMLElement>('.slide-body')!;
          if (body.scrollHeight > body.clientHeight + 1 || body.scrollWidth > body.clientWidth + 1) {
            overflow.push(`${s.getAttribute('aria-label')}: ${body.scrollWidth}×${body.scrollHeight} in ${body.clientWidth}×${body.clientHeight}`);
          }
          for (const el of s.querySelectorAll<HTMLElement>('table, pre, .katex-display')) {
            if (el.scrollWidth > el.clientWidth + 1) overflow.push(`${s.getAttribute('aria-label')}: ${el.tagName} scrolls sideways`);
          }
          s.hidden = was;
        }
        const headingsPerSlide = slides.map((s) => s.querySelectorAll('h2').length);
        return { slides: slides.length, h2: headingsPerSlide.reduce((a, b) => a + b, 0), maxPerSlide: Math.max(...headingsPerSlide), overflow };
      });
      expect(report.h2, `${lang}/${slug}: every ## section on a slide`).toBe(sections);
      expect(report.maxPerSlide, `${lang}/${slug}: one section per slide`).toBeLessThanOrEqual(1);
      expect(report.slides, `${lang}/${slug}: title + a slide per section`).toBeGreaterThanOrEqual(sections + 1);
      expect(report.overflow, `${lang}/${slug}`).toEqual([]);
    }
    expect(errors).toEqual([]);
  });
}

test('the handout has one printed page per slide, with notes; the slides print one per page', async ({ page }) => {
  test.setTimeout(90_000);
  for (const lang of LANGS) {
    await page.goto(`/${lang}/${first}/present/`);
    await ready(page);
    const slides = await slideCount(page);
    if (lang === 'en') {
      // printing the slides themselves: one 16:9 page each
      const deckPdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
      expect((deckPdf.match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length, 'printed slides').toBe(slides);
    }
    await page.goto(`/${lang}/${first}/handout/`);
    await ready(page);
    await expect(page.locator('.handout-page')).toHaveCount(slides);
    expect(await page.locator('.handout-notes').count()).toBeGreaterThan(0);
    const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
    const pages = (pdf.match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
    expect(pages, `${lang} handout pages`).toBe(slides);
  }
});

test('reading pages link to the presentation and load none of its script', async ({ page }) => {
  const scripts: string[] = [];
  page.on('request', (r) => { if (r.resourceType() === 'script') scripts.push(r.url()); });
  await page.goto(`/en/${first}/`);
  const link = page.locator('article .lesson-meta a', { hasText: 'Present' });
  await expect(link).toHaveAttribute('href', `/en/${first}/present/`);
  await page.waitForLoadState('networkidle');
  expect(scripts.filter((u) => /present|presenter|handout|session/i.test(u))).toEqual([]);
});

test('reduced motion: steps appear without transitions', async ({ browser }) => {
  const context = await browser.newContext({ reducedMotion: 'reduce', viewport: VIEWPORT });
  const page = await context.newPage();
  await page.goto(`/en/${first}/present/`);
  await ready(page);
  // (the site's reduced-motion rule leaves 0.01ms, which is no visible motion)
  const durations = await page.evaluate(() => [...document.querySelectorAll('[data-step-index], .slide, .present-controls')].map((el) => getComputedStyle(el).transitionDuration));
  expect(durations.length).toBeGreaterThan(0);
  expect(durations.filter((d) => d.split(',').some((x) => parseFloat(x) > 0.001))).toEqual([]);
  await context.close();
});

async function axe(page: Page, what: string, themes = ['light', 'dark'], include?: string) {
  for (const theme of themes) {
    await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
    // the figures' own SVG is checked on the reading pages (pages.spec.ts); here, the slides and their chrome
    let builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).exclude('figure.figure svg');
    if (include) builder = builder.include(include);
    const results = await builder.analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${what} ${theme}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`)).toEqual([]);
  }
}

test('axe: the slides, their overview and the shortcut help', async ({ page }) => {
  test.setTimeout(90_000);
  await page.setViewportSize(VIEWPORT);
  await page.goto(`/zh/${first}/present/#/3`);
  await ready(page);
  await axe(page, 'present');
  await page.keyboard.press('o');
  await axe(page, 'overview', ['dark']);
  await page.keyboard.press('o');
  await page.keyboard.press('?');
  await axe(page, 'help', ['light', 'dark'], '[data-help-dialog]');
});

test('axe: the presenter window and the handout', async ({ context }) => {
  test.setTimeout(90_000);
  const { presenter } = await pair(context, 'en');
  await presenter.keyboard.press('ArrowDown');
  await presenter.keyboard.press('ArrowDown');
  await axe(presenter, 'presenter');
  const page = await context.newPage();
  await page.goto(`/zh/${first}/handout/`);
  await ready(page);
  await axe(page, 'handout', ['light']);
});
