import { describe, expect, test } from 'vitest';
import {
  decode, elapsed, encode, IMAGE_DATA_URL, initialState, isMessage, labKey, loadState, localClear, localLab, localNav,
  localStroke, localTimer, merge, newer, pauseTimer, receive, resumeTimer, saveState, shared, startTimer,
  type Message, type SessionState,
} from './protocol';

/** A tiny network: windows that deliver every message to every other window, in a given order. */
function windows(...ids: string[]) {
  const state: Record<string, SessionState> = Object.fromEntries(ids.map((id) => [id, initialState()]));
  const deliver = (msg: Message, to: string[]) => {
    for (const id of to) {
      const r = receive(state[id], msg, id);
      state[id] = r.state;
      if (r.reply) deliver(r.reply, ids.filter((x) => x !== id));
    }
  };
  return { state, deliver, ids };
}

describe('sync protocol', () => {
  test('a nav change reaches the audience', () => {
    const w = windows('presenter', 'audience');
    const [s, msg] = localNav(w.state.presenter, 'presenter', { slide: 3, step: 1, black: false });
    w.state.presenter = s;
    const r = receive(w.state.audience, msg, 'audience');
    expect(r.changes.nav).toBe(true);
    expect(r.state.nav.value).toEqual({ slide: 3, step: 1, black: false });
    expect(r.state.clock).toBe(1);
  });
  test('stale messages lose: the newest stamp wins whatever the arrival order', () => {
    let p = initialState();
    let m1: Message, m2: Message;
    [p, m1] = localNav(p, 'p', { slide: 1, step: 0, black: false });
    [p, m2] = localNav(p, 'p', { slide: 2, step: 0, black: false });
    let a = receive(initialState(), m2, 'a').state;
    const late = receive(a, m1, 'a');
    expect(late.changes.nav).toBe(false);
    a = late.state;
    expect(a.nav.value.slide).toBe(2);
  });
  test('ties go to the larger window id; own messages are ignored', () => {
    expect(newer({ rev: 3, by: 'b' }, { rev: 3, by: 'a' })).toBe(true);
    expect(newer({ rev: 2, by: 'z' }, { rev: 3, by: 'a' })).toBe(false);
    const [, msg] = localNav(initialState(), 'me', { slide: 5, step: 0, black: false });
    expect(receive(initialState(), msg, 'me').changes.nav).toBe(false);
  });
  test('a reloaded window catches up through SYNC_REQUEST', () => {
    const w = windows('presenter', 'audience');
    let msg: Message | null;
    [w.state.presenter, msg] = localNav(w.state.presenter, 'presenter', { slide: 4, step: 2, black: true });
    w.deliver(msg, ['audience']);
    [w.state.presenter, msg] = localLab(w.state.presenter, 'presenter', { lab: 'lora', index: 0, state: { rank: 8 } });
    w.deliver(msg, ['audience']);
    [w.state.presenter, msg] = localStroke(w.state.presenter, 'presenter', 4, { id: 's1', color: 'red', width: 4, points: [1, 2, 3, 4] });
    w.deliver(msg!, ['audience']);
    // the audience reloads: fresh state, asks
    w.state.audience = initialState({ slide: 0 });
    w.deliver({ type: 'SYNC_REQUEST', from: 'audience' }, ['presenter']);
    expect(w.state.audience.nav.value).toEqual({ slide: 4, step: 2, black: true });
    expect(w.state.audience.labs[labKey('lora', 0)].value.state).toEqual({ rank: 8 });
    expect(w.state.audience.ink['4'].strokes.map((s) => s.id)).toEqual(['s1']);
    // and its clock moved past everything it saw, so its next change wins
    const [, next] = localNav(w.state.audience, 'audience', { slide: 5, step: 0, black: false });
    expect(receive(w.state.presenter, next, 'presenter').changes.nav).toBe(true);
  });
  test('a reloaded presenter keeps the running timer from the audience', () => {
    const w = windows('presenter', 'audience');
    let msg: Message;
    [w.state.presenter, msg] = localTimer(w.state.presenter, 'presenter', startTimer(1000));
    w.deliver(msg, ['audience']);
    w.state.presenter = initialState();
    w.deliver({ type: 'SYNC_REQUEST', from: 'presenter' }, ['audience']);
    expect(w.state.presenter.timer.value.startedAt).toBe(1000);
  });
  test('lab states carry image data URLs as they are', () => {
    const image = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    expect(IMAGE_DATA_URL.test(image)).toBe(true);
    const [, msg] = localLab(initialState(), 'p', { lab: 'live', index: 2, state: { seed: 7, image } });
    const back = decode(encode(msg, 'n1'));
    expect(back).toEqual(msg);
    const r = receive(initialState(), back!, 'a');
    expect(r.changes.labs).toEqual([labKey('live', 2)]);
    expect((r.state.labs[labKey('live', 2)].value.state as { image: string }).image).toBe(image);
  });
  test('drawings: strokes grow, a clear removes what was drawn before it, not after', () => {
    let p = initialState();
    let msg: Message | null;
    const a0 = initialState();
    [p, msg] = localStroke(p, 'p', 1, { id: 'a', color: 'red', width: 4, points: [0, 0] });
    const first = msg!;
    const stamped = (first as Extract<Message, { type: 'INK_STROKE' }>).stroke;
    [p, msg] = localStroke(p, 'p', 1, { ...stamped, points: [0, 0, 10, 10] });
    const grown = msg!;
    let a = receive(receive(a0, first, 'a').state, grown, 'a').state;
    expect(a.ink['1'].strokes[0].points).toEqual([0, 0, 10, 10]);
    // an out-of-order shorter update does not shrink it
    a = receive(a, first, 'a').state;
    expect(a.ink['1'].strokes[0].points).toHaveLength(4);
    [p, msg] = localClear(p, 'p', 1);
    a = receive(a, msg, 'a').state;
    expect(a.ink['1'].strokes).toEqual([]);
    // the grown stroke arriving late is older than the clear
    expect(receive(a, grown, 'a').changes.ink).toEqual([]);
    [p, msg] = localStroke(p, 'p', 1, { id: 'b', color: 'red', width: 4, points: [5, 5] });
    a = receive(a, msg!, 'a').state;
    expect(a.ink['1'].strokes.map((s) => s.id)).toEqual(['b']);
    expect(p.ink['1'].strokes.map((s) => s.id)).toEqual(['b']);
  });
  test('merge is order-independent', () => {
    let x = initialState(); let y = initialState();
    [x] = localNav(x, 'x', { slide: 2, step: 0, black: false });
    [y] = localNav(y, 'y', { slide: 7, step: 0, black: false });
    [y] = localLab(y, 'y', { lab: 'mask', index: 1, state: 'on' });
    [x] = localStroke(x, 'x', 0, { id: 'x1', color: 'red', width: 2, points: [1, 1] });
    const xy = merge(x, shared(y)).state;
    const yx = merge(y, shared(x)).state;
    expect(shared(xy)).toEqual(shared(yx));
    expect(xy.nav.value.slide).toBe(7); // same rev, larger id
  });
  test('pointer moves and lab scrolling are reported, not stored', () => {
    const r = receive(initialState(), { type: 'POINTER', from: 'p', slide: 2, x: 100, y: 50 }, 'a');
    expect(r.changes.pointer).toEqual({ slide: 2, x: 100, y: 50 });
    expect(r.state).toEqual(initialState());
    const sc = receive(initialState(), { type: 'SCROLL', from: 'p', slide: 4, top: 300 }, 'a');
    expect(sc.changes.scroll).toEqual({ slide: 4, top: 300 });
    expect(isMessage({ type: 'SCROLL', from: 'p', slide: 4, top: 300 })).toBe(true);
  });
});

describe('wire and storage', () => {
  test('decode rejects junk and other versions', () => {
    expect(decode(null)).toBeNull();
    expect(decode('{')).toBeNull();
    expect(decode(JSON.stringify({ v: 99, msg: { type: 'NAV', from: 'x' } }))).toBeNull();
    expect(decode(JSON.stringify({ v: 1, msg: { type: 'HACK', from: 'x' } }))).toBeNull();
    expect(isMessage({ type: 'SYNC_REQUEST', from: 'x' })).toBe(true);
  });
  test('state survives sessionStorage', () => {
    let s = initialState();
    [s] = localNav(s, 'me', { slide: 3, step: 0, black: false });
    expect(loadState(saveState(s))).toEqual(s);
    expect(loadState('garbage')).toBeNull();
  });
});

describe('timer', () => {
  test('start, pause, resume', () => {
    let t = startTimer(1_000);
    expect(elapsed(t, 61_000)).toBe(60_000);
    t = pauseTimer(t, 61_000);
    expect(elapsed(t, 500_000)).toBe(60_000);
    t = resumeTimer(t, 500_000);
    expect(elapsed(t, 510_000)).toBe(70_000);
    expect(elapsed({ startedAt: null, pausedAt: null }, 9)).toBe(0);
  });
});
