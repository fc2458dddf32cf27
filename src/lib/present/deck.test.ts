import { describe, expect, test } from 'vitest';
import { atEnd, clamp, first, formatHash, goTo, last, locate, next, nextSlide, parseLocation, prev, prevSlide, progress } from './deck';

// three slides: no steps, two steps, one step
const deck = [0, 2, 1];

describe('deck navigation', () => {
  test('next walks every step, then the next slide', () => {
    const seen = [{ slide: 0, step: 0 }];
    for (let i = 0; i < 6; i++) seen.push(next(deck, seen[seen.length - 1]));
    expect(seen).toEqual([
      { slide: 0, step: 0 }, { slide: 1, step: 0 }, { slide: 1, step: 1 }, { slide: 1, step: 2 },
      { slide: 2, step: 0 }, { slide: 2, step: 1 }, { slide: 2, step: 1 },
    ]);
  });
  test('prev hides the last step, then shows the previous slide fully revealed', () => {
    expect(prev(deck, { slide: 2, step: 0 })).toEqual({ slide: 1, step: 2 });
    expect(prev(deck, { slide: 1, step: 1 })).toEqual({ slide: 1, step: 0 });
    expect(prev(deck, { slide: 0, step: 0 })).toEqual({ slide: 0, step: 0 });
  });
  test('whole-slide moves, first, last and go-to', () => {
    expect(nextSlide(deck, { slide: 1, step: 1 })).toEqual({ slide: 2, step: 0 });
    expect(prevSlide(deck, { slide: 1, step: 1 })).toEqual({ slide: 0, step: 0 });
    expect(nextSlide(deck, { slide: 2, step: 0 })).toEqual({ slide: 2, step: 0 });
    expect(first(deck)).toEqual({ slide: 0, step: 0 });
    expect(last(deck)).toEqual({ slide: 2, step: 0 });
    expect(goTo(deck, 2)).toEqual({ slide: 1, step: 0 });
    expect(goTo(deck, 99)).toEqual({ slide: 2, step: 0 });
  });
  test('clamp keeps positions inside the deck', () => {
    expect(clamp(deck, { slide: -3, step: 5 })).toEqual({ slide: 0, step: 0 });
    expect(clamp(deck, { slide: 1, step: 9 })).toEqual({ slide: 1, step: 2 });
    expect(clamp(deck, { slide: NaN, step: NaN })).toEqual({ slide: 0, step: 0 });
    expect(clamp([], { slide: 4, step: 1 })).toEqual({ slide: 0, step: 0 });
  });
  test('atEnd only at the last step of the last slide', () => {
    expect(atEnd(deck, { slide: 2, step: 1 })).toBe(true);
    expect(atEnd(deck, { slide: 2, step: 0 })).toBe(false);
  });
  test('progress runs from 0 to 1', () => {
    expect(progress(deck, { slide: 0, step: 0 })).toBe(0);
    expect(progress(deck, { slide: 2, step: 0 })).toBe(1);
    expect(progress(deck, { slide: 1, step: 1 })).toBeCloseTo((1 + 1 / 3) / 2);
  });
});

describe('position in the URL', () => {
  test('hash: slides counted from 1, step optional', () => {
    expect(parseLocation('#/3/1')).toEqual({ slide: 2, step: 1 });
    expect(parseLocation('#/3')).toEqual({ slide: 2, step: 0 });
    expect(parseLocation('#/3/')).toEqual({ slide: 2, step: 0 });
    expect(parseLocation('#section-2')).toBeNull();
    expect(parseLocation('')).toBeNull();
  });
  test('query string as an alternative; the hash wins', () => {
    expect(parseLocation('', '?slide=4&step=2')).toEqual({ slide: 3, step: 2 });
    expect(parseLocation('', '?slide=4')).toEqual({ slide: 3, step: 0 });
    expect(parseLocation('#/2', '?slide=4')).toEqual({ slide: 1, step: 0 });
    expect(parseLocation('', '?slide=x')).toBeNull();
  });
  test('format round-trips', () => {
    for (const pos of [{ slide: 0, step: 0 }, { slide: 11, step: 3 }]) expect(parseLocation(formatHash(pos))).toEqual(pos);
    expect(formatHash({ slide: 0, step: 0 })).toBe('#/1');
  });
});

describe('locate', () => {
  // title, a section cut into three slides, another into one
  const keys = ['-1:0', '0:0', '0:1', '0:2', '1:0'];
  test('the same page of the same segment', () => {
    expect(locate(keys, '0:1')).toBe(2);
    expect(locate(keys, '1:0')).toBe(4);
  });
  test('a page this window does not have: the segment’s last page', () => {
    expect(locate(keys, '0:5')).toBe(3);
    expect(locate(keys, '1:2')).toBe(4);
  });
  test('an unknown segment: null, so the caller falls back to the index', () => {
    expect(locate(keys, '7:0')).toBeNull();
  });
});
