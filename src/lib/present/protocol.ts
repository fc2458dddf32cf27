// The sync protocol between a presenter window and its audience windows (any number, in the
// same browser, over BroadcastChannel or localStorage `storage` events). Pure.
//
// Every window holds the same session state — position, timer, lab states, drawings — and each
// part carries a Lamport stamp {rev, by}: the newest stamp wins, ties go to the larger window
// id, so all windows converge whatever order messages arrive in. A window that (re)loads sends
// SYNC_REQUEST; every following window answers with SYNC (its whole state) and the newcomer
// merges them. Windows whose "follow" switch is off neither send nor apply anything.
//
// Lab states are whatever a lab passes in its `lab:change` event. They travel as structured
// clones over BroadcastChannel; the localStorage fallback needs JSON, so a lab sends pictures
// (a generated image) as `data:` URLs inside its state — see `encode` and `IMAGE_DATA_URL`.

export const PROTOCOL_VERSION = 1;

export interface Nav {
  slide: number;
  step: number;
  black: boolean;
  /**
   * Which slide in terms of the lesson's structure ("segment:page", see src/scripts/present/build.ts),
   * so two windows agree on the place even if they cut a section into a different number of slides.
   */
  at?: string;
}
/** Elapsed time = (pausedAt ?? now) − startedAt; not started while startedAt is null. */
export interface Timer { startedAt: number | null; pausedAt: number | null }
export interface Stamp { rev: number; by: string }
export type Versioned<T> = Stamp & { value: T };

/** A lab's state as its `lab:change` event gave it, with which `[data-lab]` element it belongs to. */
export interface LabValue { lab: string; index: number; state: unknown }

/** A pen stroke in slide coordinates (the 1280×720 logical slide): x0, y0, x1, y1, … */
export interface Stroke { id: string; color: string; width: number; points: number[] }
export type StampedStroke = Stroke & Stamp;
export interface InkSlide { cleared: Stamp; strokes: StampedStroke[] }

export interface SessionState {
  /** The window's Lamport clock. */
  clock: number;
  nav: Versioned<Nav>;
  timer: Versioned<Timer>;
  labs: Record<string, Versioned<LabValue>>;
  /** Drawings by slide index, kept until cleared. */
  ink: Record<string, InkSlide>;
}
export type SharedState = Omit<SessionState, 'clock'>;

export type Message =
  | { type: 'SYNC_REQUEST'; from: string }
  | { type: 'SYNC'; from: string; state: SharedState }
  | { type: 'NAV'; from: string; nav: Versioned<Nav> }
  | { type: 'TIMER'; from: string; timer: Versioned<Timer> }
  | { type: 'LAB'; from: string; key: string; lab: Versioned<LabValue> }
  | { type: 'INK_STROKE'; from: string; slide: number; stroke: StampedStroke }
  | { type: 'INK_CLEAR'; from: string; slide: number; cleared: Stamp }
  /** The laser pointer, in slide coordinates; x = null hides it. Not part of the state. */
  | { type: 'POINTER'; from: string; slide: number; x: number | null; y: number | null }
  /** A slide that scrolls (a live lab taller than the slide) scrolled to `top` (slide pixels). Not part of the state. */
  | { type: 'SCROLL'; from: string; slide: number; top: number };

export type MessageType = Message['type'];

const ZERO: Stamp = { rev: 0, by: '' };

export function initialState(nav: Partial<Nav> = {}): SessionState {
  return {
    clock: 0,
    nav: { ...ZERO, value: { slide: 0, step: 0, black: false, ...nav } },
    timer: { ...ZERO, value: { startedAt: null, pausedAt: null } },
    labs: {},
    ink: {},
  };
}

/** a is newer than b. */
export const newer = (a: Stamp, b: Stamp): boolean => a.rev > b.rev || (a.rev === b.rev && a.by > b.by);

/** The key of a lab instance: its name and its place among the page's `[data-lab]` elements. */
export const labKey = (lab: string, index: number) => `${index}:${lab}`;

function tick(state: SessionState, me: string): [SessionState, Stamp] {
  const rev = state.clock + 1;
  return [{ ...state, clock: rev }, { rev, by: me }];
}

const seen = (state: SessionState, rev: number): SessionState => (rev > state.clock ? { ...state, clock: rev } : state);

// ---- local changes: each returns the new state and the message to broadcast ----

export function localNav(state: SessionState, me: string, nav: Nav): [SessionState, Message] {
  const [s, stamp] = tick(state, me);
  const v = { ...stamp, value: nav };
  return [{ ...s, nav: v }, { type: 'NAV', from: me, nav: v }];
}

export function localTimer(state: SessionState, me: string, timer: Timer): [SessionState, Message] {
  const [s, stamp] = tick(state, me);
  const v = { ...stamp, value: timer };
  return [{ ...s, timer: v }, { type: 'TIMER', from: me, timer: v }];
}

export function localLab(state: SessionState, me: string, value: LabValue): [SessionState, Message] {
  const [s, stamp] = tick(state, me);
  const key = labKey(value.lab, value.index);
  const v = { ...stamp, value };
  return [{ ...s, labs: { ...s.labs, [key]: v } }, { type: 'LAB', from: me, key, lab: v }];
}

const emptyInk = (): InkSlide => ({ cleared: ZERO, strokes: [] });

function upsert(slide: InkSlide, stroke: StampedStroke): InkSlide | null {
  if (!newer(stroke, slide.cleared)) return null; // drawn before the last clear
  const i = slide.strokes.findIndex((s) => s.id === stroke.id);
  if (i < 0) return { ...slide, strokes: [...slide.strokes, stroke] };
  const old = slide.strokes[i];
  if (old.points.length > stroke.points.length) return null; // an older update of the same stroke
  if (old.points.length === stroke.points.length && old.color === stroke.color) return null;
  const strokes = slide.strokes.slice();
  strokes[i] = stroke;
  return { ...slide, strokes };
}

/**
 * Start or extend a stroke. A new stroke (no `rev` yet) gets a stamp; later updates of the same
 * stroke keep it, so a clear made after the stroke began removes the whole stroke everywhere.
 */
export function localStroke(state: SessionState, me: string, slide: number, stroke: Stroke | StampedStroke): [SessionState, Message | null] {
  let s = state;
  let stamped: StampedStroke;
  if ('rev' in stroke) stamped = stroke;
  else {
    let stamp: Stamp;
    [s, stamp] = tick(state, me);
    stamped = { ...stroke, ...stamp };
  }
  const next = upsert(s.ink[slide] ?? emptyInk(), stamped);
  if (!next) return [s, null];
  return [{ ...s, ink: { ...s.ink, [slide]: next } }, { type: 'INK_STROKE', from: me, slide, stroke: stamped }];
}

export function localClear(state: SessionState, me: string, slide: number): [SessionState, Message] {
  const [s, stamp] = tick(state, me);
  return [{ ...s, ink: { ...s.ink, [slide]: { cleared: stamp, strokes: [] } } }, { type: 'INK_CLEAR', from: me, slide, cleared: stamp }];
}

// ---- remote changes ----

export interface Changes {
  nav: boolean;
  timer: boolean;
  /** Keys of labs whose state changed. */
  labs: string[];
  /** Slides whose drawing changed. */
  ink: number[];
  pointer: { slide: number; x: number | null; y: number | null } | null;
  scroll: { slide: number; top: number } | null;
}
const noChanges = (): Changes => ({ nav: false, timer: false, labs: [], ink: [], pointer: null, scroll: null });

function mergeInk(a: InkSlide, b: InkSlide): InkSlide | null {
  const cleared = newer(b.cleared, a.cleared) ? b.cleared : a.cleared;
  const byId = new Map<string, StampedStroke>();
  for (const s of [...a.strokes, ...b.strokes]) {
    if (!newer(s, cleared)) continue;
    const have = byId.get(s.id);
    if (!have || s.points.length > have.points.length) byId.set(s.id, s);
  }
  const strokes = [...byId.values()].sort((x, y) => x.rev - y.rev || (x.by < y.by ? -1 : x.by > y.by ? 1 : 0));
  const same = cleared === a.cleared && strokes.length === a.strokes.length && strokes.every((s, i) => s === a.strokes[i]);
  return same ? null : { cleared, strokes };
}

/** Merge another window's whole state into ours (newest stamp wins, part by part). */
export function merge(state: SessionState, other: SharedState): { state: SessionState; changes: Changes } {
  const changes = noChanges();
  let s: SessionState = { ...state };
  let maxRev = 0;
  if (newer(other.nav, s.nav)) { s.nav = other.nav; changes.nav = true; }
  maxRev = Math.max(maxRev, other.nav.rev);
  if (newer(other.timer, s.timer)) { s.timer = other.timer; changes.timer = true; }
  maxRev = Math.max(maxRev, other.timer.rev);
  const labs = { ...s.labs };
  for (const [key, v] of Object.entries(other.labs ?? {})) {
    maxRev = Math.max(maxRev, v.rev);
    if (!labs[key] || newer(v, labs[key])) { labs[key] = v; changes.labs.push(key); }
  }
  s.labs = labs;
  const ink = { ...s.ink };
  for (const [slide, theirs] of Object.entries(other.ink ?? {})) {
    maxRev = Math.max(maxRev, theirs.cleared.rev, ...theirs.strokes.map((x) => x.rev));
    const merged = mergeInk(ink[slide] ?? emptyInk(), theirs);
    if (merged) { ink[slide] = merged; changes.ink.push(Number(slide)); }
  }
  s.ink = ink;
  s = seen(s, maxRev);
  return { state: s, changes };
}

/** Apply a message from another window. `reply` is what to send back (the state, for SYNC_REQUEST). */
export function receive(state: SessionState, msg: Message, me: string): { state: SessionState; changes: Changes; reply: Message | null } {
  const changes = noChanges();
  if (msg.from === me) return { state, changes, reply: null };
  switch (msg.type) {
    case 'SYNC_REQUEST':
      return { state, changes, reply: { type: 'SYNC', from: me, state: shared(state) } };
    case 'SYNC': {
      const r = merge(state, msg.state);
      return { ...r, reply: null };
    }
    case 'NAV': {
      const s = seen(state, msg.nav.rev);
      if (!newer(msg.nav, state.nav)) return { state: s, changes, reply: null };
      changes.nav = true;
      return { state: { ...s, nav: msg.nav }, changes, reply: null };
    }
    case 'TIMER': {
      const s = seen(state, msg.timer.rev);
      if (!newer(msg.timer, state.timer)) return { state: s, changes, reply: null };
      changes.timer = true;
      return { state: { ...s, timer: msg.timer }, changes, reply: null };
    }
    case 'LAB': {
      const s = seen(state, msg.lab.rev);
      const have = state.labs[msg.key];
      if (have && !newer(msg.lab, have)) return { state: s, changes, reply: null };
      changes.labs.push(msg.key);
      return { state: { ...s, labs: { ...s.labs, [msg.key]: msg.lab } }, changes, reply: null };
    }
    case 'INK_STROKE': {
      const s = seen(state, msg.stroke.rev);
      const next = upsert(s.ink[msg.slide] ?? emptyInk(), msg.stroke);
      if (!next) return { state: s, changes, reply: null };
      changes.ink.push(msg.slide);
      return { state: { ...s, ink: { ...s.ink, [msg.slide]: next } }, changes, reply: null };
    }
    case 'INK_CLEAR': {
      const s = seen(state, msg.cleared.rev);
      const have = s.ink[msg.slide] ?? emptyInk();
      if (!newer(msg.cleared, have.cleared)) return { state: s, changes, reply: null };
      changes.ink.push(msg.slide);
      const strokes = have.strokes.filter((x) => newer(x, msg.cleared));
      return { state: { ...s, ink: { ...s.ink, [msg.slide]: { cleared: msg.cleared, strokes } } }, changes, reply: null };
    }
    case 'POINTER':
      changes.pointer = { slide: msg.slide, x: msg.x, y: msg.y };
      return { state, changes, reply: null };
    case 'SCROLL':
      changes.scroll = { slide: msg.slide, top: msg.top };
      return { state, changes, reply: null };
  }
}

export const shared = (state: SessionState): SharedState => ({ nav: state.nav, timer: state.timer, labs: state.labs, ink: state.ink });

/** Elapsed presenting time at `now`. */
export function elapsed(timer: Timer, now: number): number {
  if (timer.startedAt === null) return 0;
  return Math.max(0, (timer.pausedAt ?? now) - timer.startedAt);
}
export const startTimer = (now: number): Timer => ({ startedAt: now, pausedAt: null });
export function pauseTimer(timer: Timer, now: number): Timer {
  if (timer.startedAt === null || timer.pausedAt !== null) return timer;
  return { ...timer, pausedAt: now };
}
export function resumeTimer(timer: Timer, now: number): Timer {
  if (timer.startedAt === null) return startTimer(now);
  if (timer.pausedAt === null) return timer;
  return { startedAt: now - (timer.pausedAt - timer.startedAt), pausedAt: null };
}

// ---- the wire ----

/** A `data:` URL of a picture — how a lab sends a generated image inside its state. */
export const IMAGE_DATA_URL = /^data:image\/(png|jpeg|webp|gif|avif);base64,[A-Za-z0-9+/]+=*$/;

const TYPES: ReadonlySet<string> = new Set<MessageType>(['SYNC_REQUEST', 'SYNC', 'NAV', 'TIMER', 'LAB', 'INK_STROKE', 'INK_CLEAR', 'POINTER', 'SCROLL']);

export function isMessage(x: unknown): x is Message {
  if (!x || typeof x !== 'object') return false;
  const m = x as { type?: unknown; from?: unknown };
  return typeof m.type === 'string' && TYPES.has(m.type) && typeof m.from === 'string';
}

/** For the localStorage fallback: JSON with a version and a nonce (so the same message twice still fires `storage`). */
export function encode(msg: Message, nonce: string): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, nonce, msg });
}

export function decode(text: string | null): Message | null {
  if (!text) return null;
  try {
    const env = JSON.parse(text) as { v?: unknown; msg?: unknown };
    return env.v === PROTOCOL_VERSION && isMessage(env.msg) ? env.msg : null;
  } catch {
    return null;
  }
}

/** The shared state for sessionStorage, so a reloaded window keeps its timer and drawings. */
export function saveState(state: SessionState): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, state });
}
export function loadState(text: string | null): SessionState | null {
  if (!text) return null;
  try {
    const env = JSON.parse(text) as { v?: unknown; state?: SessionState };
    const s = env.state;
    if (env.v !== PROTOCOL_VERSION || !s || typeof s.clock !== 'number' || !s.nav || !s.timer) return null;
    return { clock: s.clock, nav: s.nav, timer: s.timer, labs: s.labs ?? {}, ink: s.ink ?? {} };
  } catch {
    return null;
  }
}
