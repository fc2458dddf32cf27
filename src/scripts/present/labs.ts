// Live demos follow the presenter. A lab (a custom element inside a `[data-lab]` section)
// announces a change with a bubbling `CustomEvent('lab:change', { detail: { lab, state } })` and
// accepts one with `setState(state)`. This module turns the first into messages and the
// messages into calls of the second, in every window of the presentation.
import { labKey, type LabValue } from '../../lib/present/protocol';

interface Settable extends Element { setState(state: unknown): void }
const settable = (el: Element | null): el is Settable => !!el && typeof (el as Partial<Settable>).setState === 'function';

const hosts = () => [...document.querySelectorAll<HTMLElement>('[data-lab]')];

function json(x: unknown): string {
  try { return JSON.stringify(x) ?? 'undefined'; } catch { return String(Math.random()); }
}

export interface Labs {
  /** Make the page's lab show a state that came from another window. */
  apply(key: string, value: LabValue): void;
}

export function initLabs(onLocal: (value: LabValue) => void): Labs {
  const last = new Map<string, string>();
  const pending = new Map<string, LabValue>();
  let applying: string | null = null;

  document.addEventListener('lab:change', (e) => {
    const detail = (e as CustomEvent<{ lab?: unknown; state?: unknown }>).detail;
    if (!detail || typeof detail.lab !== 'string') return;
    const host = (e.target instanceof Element ? e.target : null)?.closest('[data-lab]') ?? null;
    const index = host ? hosts().indexOf(host as HTMLElement) : -1;
    const key = labKey(detail.lab, index);
    if (applying === key) return; // the echo of a state we are applying
    const text = json(detail.state);
    if (last.get(key) === text) return;
    last.set(key, text);
    pending.delete(key);
    onLocal({ lab: detail.lab, index, state: detail.state });
  });

  const target = (value: LabValue): Settable | null => {
    const host = value.index >= 0 ? hosts()[value.index] : document.querySelector(`[data-lab="${CSS.escape(value.lab)}"]`);
    if (!host) return null;
    if (settable(host)) return host;
    for (const el of host.querySelectorAll('*')) if (settable(el)) return el;
    return null;
  };

  const tryApply = (key: string, value: LabValue): boolean => {
    const el = target(value);
    if (!el) return false;
    applying = key;
    try {
      el.setState(value.state);
    } catch (err) {
      console.warn(`present: lab ${value.lab} refused a state`, err);
    } finally {
      applying = null;
    }
    return true;
  };

  // labs mount late (when they come into view, when their code has loaded): keep trying
  let timer: ReturnType<typeof setInterval> | null = null;
  const observer = new MutationObserver(() => flush());
  const flush = () => {
    for (const [key, value] of pending) if (tryApply(key, value)) pending.delete(key);
    if (pending.size === 0) {
      observer.disconnect();
      if (timer) { clearInterval(timer); timer = null; }
    }
  };
  const wait = () => {
    hosts().forEach((h) => observer.observe(h, { childList: true, subtree: true }));
    for (const el of document.querySelectorAll('[data-lab] :not(:defined)')) customElements.whenDefined(el.localName).then(flush, () => {});
    timer ??= setInterval(flush, 1000);
  };

  // a lab that finished mounting says so (src/labs/contract.ts): give it what it missed
  document.addEventListener('lab:ready', () => { if (pending.size > 0) flush(); });

  return {
    apply(key, value) {
      last.set(key, json(value.state));
      if (tryApply(key, value)) { pending.delete(key); return; }
      pending.set(key, value);
      wait();
    },
  };
}
