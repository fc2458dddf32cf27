/**
 * THE LAB CONTRACT — what every lab element guarantees to the page and to the presentation mode.
 *
 * A lab is a custom element `<ipa-lab-NAME>` (NAME is a LabName below), rendered by
 * src/components/lesson/Lab.astro inside a server-rendered shell (title, introduction and a text
 * alternative, readable without JavaScript). Its client module (src/labs/NAME/NAME-lab.ts) is
 * loaded by src/labs/loader.ts only when the lab scrolls into view, never on first paint.
 *
 * 1. State out. Whenever the reader changes a parameter, the element dispatches
 *
 *        new CustomEvent('lab:change', { bubbles: true, composed: true,
 *                                        detail: { lab: NAME, state } })
 *
 *    where `state` is the lab's whole parameter state (not a diff): plain JSON (numbers, strings,
 *    booleans, arrays, objects), so `JSON.parse(JSON.stringify(state))` is the same state and it
 *    can go through BroadcastChannel or localStorage unchanged. Results are never part of the
 *    state: every window recomputes them from the parameters (the labs are deterministic, seeded
 *    where random), so a mirror shows exactly what the presenter sees.
 *
 * 2. State in. `element.setState(state)` applies such a state — a whole state or any subset of
 *    its keys; unknown keys are ignored and out-of-range values clamped — updates the controls
 *    and the results, and does NOT dispatch 'lab:change' (so two mirrored windows never echo).
 *    `element.getState()` returns the current state (a copy).
 *
 * 3. Before the module has loaded, the element is not upgraded yet and has no setState. Call
 *    `loadLab(name)` from src/labs/loader.ts (it returns when the element is defined) or wait for
 *    `customElements.whenDefined(labTag(name))`; then call setState. Once a lab is ready it sets
 *    the attribute `data-ready` on itself.
 *
 * 4. Every lab: computes what it shows (src/lib/labs/*, unit-tested), works by keyboard, respects
 *    prefers-reduced-motion, keeps a text alternative up to date (an aria-live summary), labels
 *    everything in the page language (document.documentElement.lang starting with 'zh' → 中文,
 *    else English) and draws with the theme's CSS variables (--bg, --fg, --muted, --border,
 *    --surface, --accent…), so it works in both themes.
 *
 * Time-based labs (the LoRA training run) put the run's *command* in the state (`running`), not
 * its progress: a mirror that receives running: true starts the same seeded run itself.
 */

export const LAB_NAMES = ['lora', 'attention', 'weight-types', 'tokenizer', 'mask', 'embedding', 'live'] as const;
export type LabName = (typeof LAB_NAMES)[number];

/** Labs whose client module exists (Lab.astro renders the others as a placeholder). */
export const AVAILABLE_LABS: readonly LabName[] = LAB_NAMES;

export const LAB_CHANGE_EVENT = 'lab:change';

/** A JSON-serialisable value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface LabChangeDetail<S = Json> {
  lab: LabName;
  state: S;
}

export type LabChangeEvent<S = Json> = CustomEvent<LabChangeDetail<S>>;

/** What a lab element implements on top of HTMLElement. */
export interface LabElement<S = Json> extends HTMLElement {
  readonly lab: LabName;
  /** Applies a (partial) state without dispatching 'lab:change'. */
  setState(state: Partial<S>): void;
  /** A copy of the current state. */
  getState(): S;
}

/** The custom element's tag for a lab: 'weight-types' → 'ipa-lab-weight-types'. */
export const labTag = (name: LabName): string => `ipa-lab-${name}`;

export function isLabName(x: unknown): x is LabName {
  return typeof x === 'string' && (LAB_NAMES as readonly string[]).includes(x);
}

// ---- the state of each lab (what 'lab:change' carries) ----

export interface LoraLabState {
  d: number;
  k: number;
  r: number;
  /** Rank of the picture's approximation, and of the trained B·A. */
  imageRank: number;
  /** Start (true) or stop (false) the training run. */
  running: boolean;
  /** Which seeded run (Reset, or Start after a finished run, begins the next one). */
  run: number;
}

export interface AttentionLabState {
  /** Index of the query (latent position). */
  query: number;
  /** λ, the image branch's weight in the decoupled sum. */
  lambda: number;
  /** How many image tokens take part (1…4). */
  imageTokens: number;
}

export interface WeightTypesLabState {
  arch: 'sd15' | 'sdxl';
  weightType: string;
  weight: number;
  compositionWeight: number;
  startAt: number;
  endAt: number;
  scheduler: string;
  steps: number;
  /** The Mad Scientist node's layer_weights string ('' = not used). */
  layerWeights: string;
}

export interface TokenizerLabState {
  prompt: string;
}

export interface MaskRect {
  /** Left, top, width, height as fractions of the image (0…1). */
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface MaskLabState {
  rects: [MaskRect, MaskRect];
  /** Which rectangle the keyboard moves (0 or 1). */
  selected: number;
  /** Image size in pixels (latent = size / 8). */
  width: number;
  height: number;
}

export interface EmbeddingLabState {
  promptA: string;
  promptB: string;
  /** The token whose neighbours are listed. */
  probe: string;
}
