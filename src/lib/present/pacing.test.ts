import { describe, expect, test } from 'vitest';
import { formatElapsed, pacing } from './pacing';

const min = 60_000;

describe('pacing', () => {
  test('on time when the slide matches the clock', () => {
    const p = pacing({ elapsedMs: 10 * min, durationMin: 20, index: 10, total: 20 });
    expect(p.status).toBe('on-time');
    expect(p.deltaMin).toBeCloseTo(0);
    expect(p.remainingMin).toBe(10);
  });
  test('ahead and behind, in minutes', () => {
    const ahead = pacing({ elapsedMs: 2 * min, durationMin: 20, index: 10, total: 20 });
    expect(ahead.status).toBe('ahead');
    expect(ahead.deltaMin).toBeCloseTo(8);
    const behind = pacing({ elapsedMs: 15 * min, durationMin: 20, index: 5, total: 20 });
    expect(behind.status).toBe('behind');
    expect(behind.deltaMin).toBeCloseTo(-10);
  });
  test('overtime on the last slide is behind', () => {
    expect(pacing({ elapsedMs: 40 * min, durationMin: 25, index: 9, total: 10, within: 0 }).status).toBe('behind');
  });
  test('weights: a heavy slide takes more of the time', () => {
    const p = pacing({ elapsedMs: 9 * min, durationMin: 10, index: 1, total: 2, weights: [9, 1] });
    expect(p.covered).toBeCloseTo(0.9);
    expect(p.status).toBe('on-time');
  });
  test('revealed steps count toward the slide', () => {
    const a = pacing({ elapsedMs: 0, durationMin: 10, index: 0, total: 2, within: 0.5 });
    expect(a.covered).toBeCloseTo(0.25);
  });
  test('a small lead is still on time', () => {
    expect(pacing({ elapsedMs: 9.8 * min, durationMin: 20, index: 10, total: 20 }).status).toBe('on-time');
  });
});

test('formatElapsed', () => {
  expect(formatElapsed(0)).toBe('0:00');
  expect(formatElapsed(83_000)).toBe('1:23');
  expect(formatElapsed(3_723_000)).toBe('1:02:03');
  expect(formatElapsed(-5)).toBe('0:00');
});
