/**
 * Loads a lab's client module when its mount scrolls into view (IntersectionObserver), never on
 * first paint: a lesson page ships only this file (well under 1 kB gzipped) until the reader gets
 * to a lab. See contract.ts for what a lab guarantees once loaded.
 */
import { isLabName, labTag, type LabName } from './contract';

const modules: Record<LabName, () => Promise<unknown>> = {
  lora: () => import('./lora/lora-lab'),
  attention: () => import('./attention/attention-lab'),
  mask: () => import('./mask/mask-lab'),
  embedding: () => import('./embedding/embedding-lab'),
  live: () => import('./live/live-lab'),
  'weight-types': () => import('./weight-types/weight-types-lab'),
  tokenizer: () => import('./tokenizer/tokenizer-lab'),
};

const loading = new Map<LabName, Promise<void>>();

/** Loads a lab's module (once) and resolves when its custom element is defined. */
export function loadLab(name: LabName): Promise<void> {
  let p = loading.get(name);
  if (!p) {
    const load = modules[name];
    if (!load) return Promise.reject(new Error(`No lab named "${name}"`));
    p = load()
      .then(() => customElements.whenDefined(labTag(name)))
      .then(() => undefined);
    p.catch(() => loading.delete(name));
    loading.set(name, p);
  }
  return p;
}

function start(mount: HTMLElement): void {
  const name = mount.dataset.labMount;
  if (!isLabName(name)) return;
  mount.setAttribute('aria-busy', 'true');
  loadLab(name)
    .then(() => mount.removeAttribute('aria-busy'))
    .catch(() => {
      // offline or a stale deploy: say so, offer a retry (the text alternative stays readable)
      mount.removeAttribute('aria-busy');
      const status = mount.querySelector<HTMLElement>('[data-lab-status]');
      if (status) status.textContent = mount.dataset.errorText ?? 'The lab could not load.';
      const retry = document.createElement('button');
      retry.type = 'button';
      retry.className = 'btn';
      retry.textContent = mount.dataset.retryText ?? 'Retry';
      retry.addEventListener('click', () => {
        retry.remove();
        start(mount);
      });
      status?.after(retry);
    });
}

function init(): void {
  const mounts = [...document.querySelectorAll<HTMLElement>('[data-lab-mount]')];
  if (mounts.length === 0) return;
  if (!('IntersectionObserver' in window)) {
    mounts.forEach(start);
    return;
  }
  const io = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        io.unobserve(e.target);
        start(e.target as HTMLElement);
      }
    },
    { rootMargin: '0px 0px 200px 0px' },
  );
  mounts.forEach((m) => io.observe(m));
}

// For the presentation mode and other page scripts that cannot import this module's instance.
(window as unknown as { ipaLabs?: { load: typeof loadLab } }).ipaLabs = { load: loadLab };
init();
