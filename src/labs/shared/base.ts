/**
 * The base class of every lab element: language, reduced motion, state and the 'lab:change'
 * contract (see ../contract.ts). A lab defines its defaults, how to clamp a state, how to build
 * its DOM once and how to show a state; the base class does the rest.
 */
import { labLang, type LabLang } from '../../lib/labs/format';
import { LAB_CHANGE_EVENT, type LabChangeDetail, type LabElement, type LabName } from '../contract';
import { h } from './dom';
import { injectStyles } from './styles';

/** Strings of one lab: the same keys in both languages (the type makes a missing one an error). */
export type Strings<K extends string> = Record<LabLang, Record<K, string>>;

export abstract class LabBase<S extends object> extends HTMLElement implements LabElement<S> {
  abstract readonly lab: LabName;
  protected state!: S;
  protected lng: LabLang = 'en';
  protected reducedMotion = false;
  /** A polite live region: the text alternative, updated with the results. */
  protected summary!: HTMLElement;
  private built = false;

  /** The state a fresh lab shows. */
  protected abstract defaults(): S;
  /** Clamps/repairs a state (user input and setState both go through it). */
  protected abstract sanitize(state: S): S;
  /** Builds the lab's DOM into `body` (called once). */
  protected abstract build(body: HTMLElement): void;
  /** Shows the current state: controls and results. */
  protected abstract render(): void;

  connectedCallback(): void {
    if (this.built) return;
    this.built = true;
    this.lng = labLang(document.documentElement.lang);
    const mq = matchMedia('(prefers-reduced-motion: reduce)');
    this.reducedMotion = mq.matches;
    mq.addEventListener?.('change', () => (this.reducedMotion = mq.matches));
    injectStyles();
    this.state = this.sanitize(this.defaults());
    const body = h('div', { class: 'lab-body' });
    this.summary = h('p', { class: 'lab-summary', 'aria-live': 'polite', 'data-lab-summary': '' });
    this.replaceChildren(body);
    this.build(body);
    body.append(this.summary);
    this.render();
    const pending = this.prepare();
    if (pending) {
      this.setAttribute('aria-busy', 'true');
      pending.then(
        () => {
          this.removeAttribute('aria-busy');
          this.render();
          this.markReady();
        },
        () => this.removeAttribute('aria-busy'),
      );
    } else this.markReady();
  }

  /** Something to load before the lab is interactive (e.g. the tokenizer's vocabulary); null if none. */
  protected prepare(): Promise<void> | null {
    return null;
  }

  private markReady(): void {
    this.setAttribute('data-ready', '');
    this.dataset.readyAt = String(Math.round(performance.now()));
    this.dispatchEvent(new CustomEvent('lab:ready', { bubbles: true, detail: { lab: this.lab } }));
  }

  setState(partial: Partial<S>): void {
    if (!partial || typeof partial !== 'object') return;
    const known: Partial<S> = {};
    for (const key of Object.keys(this.defaults()) as (keyof S)[]) if (key in partial) known[key] = partial[key];
    const next = this.sanitize({ ...this.state, ...JSON.parse(JSON.stringify(known)) });
    const before = this.state;
    this.state = next;
    if (this.built) {
      this.render();
      this.applied(before);
    }
  }

  getState(): S {
    return JSON.parse(JSON.stringify(this.state)) as S;
  }

  /** Hook after setState (e.g. to start or stop a run). */
  protected applied(_before: S): void {}

  /** The reader changed something: update, show, tell the page. */
  protected update(patch: Partial<S>): void {
    this.state = this.sanitize({ ...this.state, ...patch });
    this.render();
    this.emit();
  }

  protected emit(): void {
    const detail: LabChangeDetail<S> = { lab: this.lab, state: this.getState() };
    this.dispatchEvent(new CustomEvent(LAB_CHANGE_EVENT, { bubbles: true, composed: true, detail }));
  }

  /** Sets the live summary (the lab's text alternative) when it changed. */
  protected say(text: string): void {
    if (this.summary.textContent !== text) this.summary.textContent = text;
  }
}

/** Picks the strings for a language. */
export const pick = <K extends string>(table: Strings<K>, lang: LabLang) => table[lang];

/** Fills {name} placeholders. */
export const fill = (template: string, vars: Record<string, string | number>) =>
  template.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));

/** Clamps a number (NaN → lo). */
export function clamp(x: unknown, lo: number, hi: number): number {
  const n = Number(x);
  if (!Number.isFinite(n)) return lo;
  return Math.min(hi, Math.max(lo, n));
}

/** Defines a custom element once (a second module instance must not throw). */
export function define(tag: string, ctor: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, ctor);
}
