// One presentation window (audience or presenter): builds the slides, keeps the shared session
// state (src/lib/present/protocol.ts) in step with the other windows, renders the position, and
// wires the keyboard, the controls, the labs, the pen and the laser.
import {
  clamp, first, formatHash, goTo, last, locate, next, nextSlide, parseLocation, prev, prevSlide, samePosition,
  type Position,
} from '../../lib/present/deck';
import { actionFor, activatesFocused, isEditable, type Action } from '../../lib/present/keys';
import {
  initialState, loadState, localClear, localLab, localNav, localStroke, localTimer, pauseTimer, receive,
  resumeTimer, saveState, startTimer, type Message, type SessionState, type Stamp, type Stroke,
} from '../../lib/present/protocol';
import { applySteps, buildDeck, ensureFit, SLIDE_H, SLIDE_W, type Built, type Strings } from './build';
import { openChannel } from './channel';
import { Ink, type InkMode } from './ink';
import { initLabs } from './labs';
import { initQuizzes } from '../quiz';
import { fill, readStrings } from './strings';

export type Mode = 'audience' | 'presenter';

export interface View {
  /** Called after every render with the position; the presenter adds its panes here. */
  render(pos: Position, state: SessionState, built: Built): void;
  /** Called when the timer state changes. */
  timer?(state: SessionState): void;
}

export interface Session {
  built: Built;
  state(): SessionState;
  position(): Position;
  run(action: Action | 'timer-toggle' | 'timer-reset'): void;
  setTimer(kind: 'toggle' | 'reset'): void;
  strings: Strings;
}

const randomId = () => (crypto.randomUUID?.() ?? `${Date.now()}-${Math.random()}`).replace(/-/g, '').slice(0, 12);


/** Scale a 1280×720 box to fit its stage, centred. */
export function fitStage(stage: HTMLElement, box: HTMLElement) {
  const apply = () => {
    if (document.body.classList.contains('is-overview') && box.matches('[data-deck]')) {
      box.style.transform = '';
      return;
    }
    const w = stage.clientWidth;
    const h = stage.clientHeight;
    if (!w || !h) return;
    const s = Math.min(w / SLIDE_W, h / SLIDE_H);
    box.style.transform = `translate(${(w - SLIDE_W * s) / 2}px, ${(h - SLIDE_H * s) / 2}px) scale(${s})`;
  };
  new ResizeObserver(apply).observe(stage);
  apply();
  return apply;
}

export async function startSession(mode: Mode, view: View | null = null): Promise<Session> {
  const body = document.body;
  const strings = readStrings();
  const deckId = body.dataset.deckId ?? location.pathname;
  const me = `${mode[0]}${randomId()}`;
  const source = document.querySelector<HTMLElement>('[data-present-source]')!;
  const deckEl = document.querySelector<HTMLElement>('[data-deck]')!;
  const stage = document.querySelector<HTMLElement>('[data-stage]')!;
  const built = await buildDeck(source, deckEl, strings);
  const { slides, deck } = built;
  const keys = slides.map((s) => `${s.segment}:${s.page}`);
  initQuizzes();

  // ---- state: restored after a reload, then the URL, then whatever the other windows say ----
  const storeKey = `ipa-present-state:${deckId}:${mode}`;
  const followKey = `ipa-present-follow:${deckId}`;
  let following = mode === 'presenter' || sessionStorage.getItem(followKey) !== 'off';
  let state: SessionState = loadState(sessionStorage.getItem(storeKey)) ?? initialState();
  const fromUrl = parseLocation(location.hash, location.search);
  if (fromUrl && !samePosition(clamp(deck, fromUrl), clamp(deck, state.nav.value))) {
    const p = clamp(deck, fromUrl);
    state = { ...state, nav: { ...state.nav, value: { ...state.nav.value, ...p, at: keys[p.slide] } } };
  }
  const inkStamps = new Map<string, Stamp>();
  let shownSlide = -1;
  let overview = false;
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  const save = () => {
    if (saveTimer) return;
    saveTimer = setTimeout(() => {
      saveTimer = null;
      try { sessionStorage.setItem(storeKey, saveState(state)); } catch { /* full: the URL still has the position */ }
    }, 200);
  };

  const channel = openChannel(`ipa-present:${deckId}`, (msg) => onMessage(msg));
  const publish = (msg: Message | null) => { if (msg && following) channel.post(msg); };

  // ---- rendering ----
  const announcer = document.querySelector<HTMLElement>('[data-announce]');
  const counter = document.querySelectorAll<HTMLElement>('[data-counter]');
  const black = document.querySelector<HTMLElement>('[data-black]');
  const ink = new Ink(deckEl, me, {
    stroke: (stroke, done) => onStroke(stroke, done),
    pointer: (x, y) => publish({ type: 'POINTER', from: me, slide: position().slide, x, y }),
  });

  /** Where we are: by the structural key when there is one (so windows agree even if they cut a section differently), else by index. */
  const position = (): Position => {
    const v = state.nav.value;
    const byKey = v.at ? locate(keys, v.at) : null;
    return clamp(deck, { slide: byKey ?? v.slide, step: v.step });
  };

  function render() {
    const pos = position();
    slides.forEach((s, i) => { s.el.hidden = !overview && i !== pos.slide; s.el.classList.toggle('is-current', i === pos.slide); });
    const slide = slides[pos.slide];
    applySteps(slide.el, pos.step);
    ensureFit(slide);
    const hash = formatHash(pos);
    if (location.hash !== hash || /[?&](slide|step)=/.test(location.search)) {
      const url = new URL(location.href);
      url.searchParams.delete('slide');
      url.searchParams.delete('step');
      url.hash = hash;
      history.replaceState(history.state, '', url);
    }
    counter.forEach((c) => { c.textContent = `${pos.slide + 1} / ${slides.length}`; });
    if (pos.slide !== shownSlide) {
      if (announcer && shownSlide !== -1) announcer.textContent = `${fill(strings.slideOf, { n: pos.slide + 1, total: slides.length })}: ${slide.title}`;
      shownSlide = pos.slide;
      document.dispatchEvent(new CustomEvent('present:slide', { detail: { slide: pos.slide, element: slide.el } }));
    }
    if (black) black.hidden = !state.nav.value.black;
    body.classList.toggle('is-black', state.nav.value.black);
    ink.show(state.ink[pos.slide]?.strokes ?? []);
    body.dataset.slide = String(pos.slide);
    body.dataset.step = String(pos.step);
    body.dataset.at = keys[pos.slide];
    view?.render(pos, state, built);
  }

  function navigate(to: Position, blackOut = state.nav.value.black) {
    const pos = clamp(deck, to);
    const cur = state.nav.value;
    if (samePosition(pos, position()) && blackOut === cur.black) return;
    let msg: Message;
    [state, msg] = localNav(state, me, { ...pos, black: blackOut, at: keys[pos.slide] });
    publish(msg);
    render();
    save();
  }

  // a lab slide that scrolls scrolls in every window
  let remoteScroll: number | null = null;
  let scrollTimer: ReturnType<typeof setTimeout> | null = null;
  deckEl.addEventListener('scroll', (e) => {
    const b = e.target as HTMLElement;
    if (!b.classList?.contains('slide-body')) return;
    if (remoteScroll !== null && Math.abs(b.scrollTop - remoteScroll) < 2) { remoteScroll = null; return; }
    remoteScroll = null;
    if (scrollTimer) return;
    scrollTimer = setTimeout(() => {
      scrollTimer = null;
      publish({ type: 'SCROLL', from: me, slide: position().slide, top: Math.round(b.scrollTop) });
    }, 50);
  }, true);

  // ---- messages from the other windows ----
  const labs = initLabs((value) => {
    let msg: Message;
    [state, msg] = localLab(state, me, value);
    publish(msg);
    save();
  });

  function onMessage(msg: Message) {
    if (!following) return;
    const r = receive(state, msg, me);
    state = r.state;
    if (r.reply) channel.post(r.reply);
    const c = r.changes;
    if (c.nav || c.ink.includes(position().slide)) render();
    for (const key of c.labs) labs.apply(key, state.labs[key].value);
    if (c.pointer) {
      if (c.pointer.slide === position().slide) ink.showPointer(c.pointer.x, c.pointer.y);
      else ink.showPointer(null, null);
    }
    if (c.scroll && c.scroll.slide === position().slide) {
      const b = slides[c.scroll.slide].body;
      remoteScroll = c.scroll.top;
      b.scrollTop = c.scroll.top;
    }
    if (c.timer) view?.timer?.(state);
    if (c.nav || c.labs.length || c.ink.length || c.timer) save();
  }

  function onStroke(stroke: Stroke, _done: boolean) {
    const slide = position().slide;
    const stamp = inkStamps.get(stroke.id);
    const input = { ...stroke, points: stroke.points.slice(), ...(stamp ?? {}) };
    let msg: Message | null;
    [state, msg] = localStroke(state, me, slide, input);
    if (msg?.type === 'INK_STROKE' && !stamp) inkStamps.set(stroke.id, { rev: msg.stroke.rev, by: msg.stroke.by });
    publish(msg);
    save();
  }

  // ---- actions ----
  const gotoDialog = document.querySelector<HTMLDialogElement>('[data-goto-dialog]');
  const gotoInput = document.querySelector<HTMLInputElement>('[data-goto-input]');
  const helpDialog = document.querySelector<HTMLDialogElement>('[data-help-dialog]');
  const otherHref = mode === 'audience' ? body.dataset.presenterHref : body.dataset.presentHref;

  function setInk(mode: InkMode) {
    const nextMode = ink.mode === mode ? 'off' : mode;
    ink.setMode(nextMode);
    body.dataset.ink = nextMode;
    document.querySelectorAll<HTMLElement>('[data-action="laser"]').forEach((b) => b.setAttribute('aria-pressed', String(nextMode === 'laser')));
    document.querySelectorAll<HTMLElement>('[data-action="pen"]').forEach((b) => b.setAttribute('aria-pressed', String(nextMode === 'pen')));
  }

  function setOverview(on: boolean) {
    overview = on;
    body.classList.toggle('is-overview', on);
    slides.forEach((s) => { s.inner.inert = on; s.pick.hidden = !on; });
    if (on) setInk('off');
    render();
    stageFit();
    if (on) {
      const pick = slides[position().slide].pick;
      pick.focus();
      pick.scrollIntoView({ block: 'nearest' });
    }
    document.querySelectorAll<HTMLElement>('[data-action="overview"]').forEach((b) => b.setAttribute('aria-pressed', String(on)));
  }
  const stageFit = fitStage(stage, deckEl);
  slides.forEach((s, i) => s.pick.addEventListener('click', () => { navigate({ slide: i, step: 0 }); setOverview(false); }));

  function setTimer(kind: 'toggle' | 'reset') {
    const now = Date.now();
    const t = state.timer.value;
    const value = kind === 'reset' ? startTimer(now) : t.startedAt !== null && t.pausedAt === null ? pauseTimer(t, now) : resumeTimer(t, now);
    let msg: Message;
    [state, msg] = localTimer(state, me, value);
    publish(msg);
    view?.timer?.(state);
    save();
  }

  function run(action: Action | 'timer-toggle' | 'timer-reset') {
    const pos = position();
    switch (action) {
      case 'next': return navigate(next(deck, pos));
      case 'prev': return navigate(prev(deck, pos));
      case 'nextSlide': return navigate(nextSlide(deck, pos));
      case 'prevSlide': return navigate(prevSlide(deck, pos));
      case 'first': return navigate(first(deck));
      case 'last': return navigate(last(deck));
      case 'black': return navigate(pos, !state.nav.value.black);
      case 'overview': return setOverview(!overview);
      case 'goto':
        if (gotoDialog && gotoInput) {
          gotoInput.max = String(slides.length);
          gotoInput.value = String(pos.slide + 1);
          gotoDialog.showModal();
          gotoInput.select();
        }
        return;
      case 'help': helpDialog?.showModal(); return;
      case 'fullscreen':
        if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
        else void document.documentElement.requestFullscreen?.().catch(() => {});
        return;
      case 'presenter':
        if (otherHref) window.open(`${otherHref}${formatHash(pos)}`, mode === 'audience' ? 'ipa-presenter' : 'ipa-audience');
        return;
      case 'laser': return setInk('laser');
      case 'pen': return setInk('pen');
      case 'clearInk': {
        let msg: Message;
        [state, msg] = localClear(state, me, pos.slide);
        publish(msg);
        render();
        save();
        return;
      }
      case 'escape':
        if (overview) setOverview(false);
        else if (ink.mode !== 'off') setInk('off');
        return;
      case 'timer-toggle': return setTimer('toggle');
      case 'timer-reset': return setTimer('reset');
    }
  }

  gotoDialog?.addEventListener('close', () => {
    if (gotoDialog.returnValue !== 'go' || !gotoInput) return;
    const n = Number(gotoInput.value);
    if (Number.isFinite(n) && n >= 1) navigate(goTo(deck, n));
  });

  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.isComposing) return;
    if (document.querySelector('dialog[open]')) return;
    const focused = document.activeElement;
    if (isEditable(focused as HTMLElement | null) || isEditable(e.target as HTMLElement | null)) return;
    if (activatesFocused(e, focused as HTMLElement | null)) return;
    const action = actionFor(e);
    if (!action) return;
    e.preventDefault();
    run(action);
  });

  document.querySelectorAll<HTMLElement>('[data-action]').forEach((el) => {
    el.addEventListener('click', () => run(el.dataset.action as Action));
  });

  const follow = document.querySelector<HTMLInputElement>('[data-follow]');
  if (follow) {
    follow.checked = following;
    follow.addEventListener('change', () => {
      following = follow.checked;
      try { sessionStorage.setItem(followKey, following ? 'on' : 'off'); } catch { /* private mode */ }
      if (following) {
        // what this window did on its own gives way to the presenter's state
        const zero = { rev: 0, by: '' };
        state = { ...state, nav: { ...zero, value: state.nav.value }, timer: { ...zero, value: state.timer.value }, labs: {}, ink: {} };
        channel.post({ type: 'SYNC_REQUEST', from: me });
      }
      body.dataset.following = String(following);
    });
  }
  body.dataset.following = String(following);

  addEventListener('hashchange', () => {
    const p = parseLocation(location.hash, '');
    if (p) navigate(p);
  });

  // pointer idle: the audience controls fade out while nobody moves the mouse
  let idle: ReturnType<typeof setTimeout> | null = null;
  const wake = () => {
    body.classList.remove('controls-idle');
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => body.classList.add('controls-idle'), 3000);
  };
  addEventListener('pointermove', wake);
  wake();

  render();
  // restored lab states (after a reload) go back into the labs
  for (const [key, v] of Object.entries(state.labs)) labs.apply(key, v.value);
  if (following) channel.post({ type: 'SYNC_REQUEST', from: me });
  if (mode === 'presenter' && state.timer.value.startedAt === null) {
    // give a running session a moment to tell us its timer before starting a new one
    setTimeout(() => { if (state.timer.value.startedAt === null) setTimer('reset'); }, 500);
  }
  body.dataset.presentReady = 'true';
  body.dataset.channel = channel.kind;
  return { built, state: () => state, position, run, setTimer, strings };
}

