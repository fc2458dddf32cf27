import { describe, expect, it } from 'vitest';
import { extent, linearScale, linearTicks, logScale, logTicks, niceDomain, niceStep } from './chartScale';
import { formatFixed, formatInt, formatPercent, formatShort, labLang } from './format';

describe('chart scales', () => {
  it('nice steps are 1, 2 or 5 × 10^k', () => {
    expect(niceStep(0, 10, 5)).toBe(2);
    expect(niceStep(0, 100, 5)).toBe(20);
    expect(niceStep(0, 1, 4)).toBe(0.2);
    expect(niceStep(0, 20000, 5)).toBe(5000);
  });
  it('ticks cover the domain on multiples of the step', () => {
    expect(linearTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(linearTicks(0.1, 0.95, 4)).toEqual([0.2, 0.4, 0.6, 0.8]);
    expect(niceDomain(3, 97, 5)).toEqual([0, 100]);
  });
  it('linear and log scales map domain to range', () => {
    const s = linearScale([0, 10], [100, 0]);
    expect(s(0)).toBe(100);
    expect(s(5)).toBe(50);
    const l = logScale([1e-4, 1], [0, 40]);
    expect(l(1e-2)).toBeCloseTo(20);
    expect(logTicks(1e-4, 1)).toEqual([1e-4, 1e-3, 1e-2, 1e-1, 1]);
    expect(logTicks(0.01, 0.5)).toEqual([0.01, 0.02, 0.05, 0.1, 0.2, 0.5]);
  });
  it('extent ignores non-finite values', () => {
    expect(extent([3, NaN, -1, Infinity])).toEqual([-1, 3]);
  });
});

describe('formatting', () => {
  it('thousands separators in both languages', () => {
    expect(formatInt(10000, 'en')).toBe('10,000');
    expect(formatInt(1000, 'zh')).toBe('1,000');
    expect(formatInt(19169280, 'en')).toBe('19,169,280');
  });
  it('fixed, percent, short', () => {
    expect(formatFixed(-0.0001, 2)).toBe('0.00');
    expect(formatPercent(0.1, 1, 'en')).toBe('10.0 %');
    expect(formatPercent(0.1, 1, 'zh')).toBe('10.0%');
    expect(formatShort(245760)).toBe('246k');
    expect(formatShort(0.25)).toBe('0.25');
  });
  it('page language', () => {
    expect(labLang('zh-CN')).toBe('zh');
    expect(labLang('en')).toBe('en');
    expect(labLang(undefined)).toBe('en');
  });
});
