// Full-text search over both languages. Pagefind's index is built with the site (one index with
// Chinese segmentation, so English and 中文 pages are searched together) and loaded only when
// the reader opens the dialog (Ctrl/⌘+K or the Search button).

interface PagefindResult { data(): Promise<{ url: string; excerpt: string; meta: { title?: string }; language?: string }> }
interface Pagefind { search(q: string): Promise<{ results: PagefindResult[] }>; options?(o: object): Promise<void> }

let pagefind: Promise<Pagefind | null> | null = null;
const PAGEFIND_URL = '/pagefind/pagefind.js';

function loadPagefind(): Promise<Pagefind | null> {
  pagefind ??= import(/* @vite-ignore */ PAGEFIND_URL).then((m: Pagefind) => m, () => null);
  return pagefind;
}

export function initSearch() {
  const dialog = document.querySelector<HTMLDialogElement>('[data-search-dialog]');
  const input = document.querySelector<HTMLInputElement>('[data-search-input]');
  const list = document.querySelector<HTMLOListElement>('[data-search-results]');
  const status = document.querySelector<HTMLElement>('[data-search-status]');
  const unavailable = document.querySelector<HTMLElement>('[data-search-unavailable]');
  if (!dialog || !input || !list || !status || !unavailable) return;
  let opener: HTMLElement | null = null;

  const open = () => {
    opener = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    input.focus();
    void loadPagefind().then((p) => { unavailable.hidden = p !== null; });
  };
  document.querySelectorAll('[data-search-open]').forEach((b) => b.addEventListener('click', open));
  document.querySelector('[data-search-close]')?.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => opener?.focus());
  // Escape in a search field only clears it; here it closes the dialog, as readers expect.
  dialog.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { e.preventDefault(); dialog.close(); }
  });
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
      e.preventDefault();
      open();
    }
  });

  let seq = 0;
  input.addEventListener('input', async () => {
    const query = input.value.trim();
    const mine = ++seq;
    const p = await loadPagefind();
    if (!p || mine !== seq) return;
    if (!query) { list.replaceChildren(); status.textContent = ''; return; }
    const { results } = await p.search(query);
    const data = await Promise.all(results.slice(0, 12).map((r) => r.data()));
    if (mine !== seq) return;
    list.replaceChildren(...data.map((d) => {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = d.url;
      a.textContent = d.meta.title ?? d.url;
      const lang = document.createElement('span');
      lang.className = 'result-lang';
      lang.textContent = d.url.startsWith('/zh/') ? '中文' : 'English';
      const excerpt = document.createElement('p');
      excerpt.innerHTML = d.excerpt; // Pagefind escapes page text and adds only <mark>
      li.append(a, lang, excerpt);
      return li;
    }));
    status.textContent = `${data.length}`;
  });
}
