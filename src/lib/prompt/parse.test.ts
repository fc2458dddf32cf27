import { describe, expect, test } from 'vitest';
import { type PromptDiagnostic, escapeImportant, parsePromptWeights, pythonFloat, unescapeImportant } from './parse';

const segs = (p: string) => parsePromptWeights(p).segments.map((s) => [s.text, s.weight]);
const diags = (p: string) => parsePromptWeights(p).diagnostics;
const codes = (p: string) => diags(p).map((d) => d.code);
/** The prompt text a diagnostic underlines. */
const marked = (p: string, d: PromptDiagnostic) => p.slice(d.start, d.end);

describe('weights as ComfyUI reads them', () => {
  test('(cat:1.5) weights exactly "cat"', () => {
    const p = parsePromptWeights('a photo of a (cat:1.5)');
    expect(p.segments.map((s) => [s.text, s.weight])).toEqual([
      ['a photo of a ', 1.0],
      ['cat', 1.5],
    ]);
    const cat = p.segments[1];
    expect('a photo of a (cat:1.5)'.slice(cat.start, cat.end)).toBe('cat');
    expect(p.diagnostics).toEqual([]);
  });

  test('nesting multiplies by 1.1 per level, in float64 like Python', () => {
    expect(segs('(a)')).toEqual([['a', 1.1]]);
    expect(segs('((a))')).toEqual([['a', 1.1 * 1.1]]);
    expect(segs('((a))')[0][1]).toBe(1.2100000000000002);
    expect(segs('(((a)))')[0][1]).toBe(1.1 * 1.1 * 1.1);
    expect(segs('(a (b) c)')).toEqual([
      ['a ', 1.1],
      ['b', 1.1 * 1.1],
      [' c', 1.1],
    ]);
  });

  test('an explicit weight replaces the outer weight; brackets inside it still multiply', () => {
    expect(segs('((a:1.5))')).toEqual([['a', 1.5]]);
    expect(segs('((a):1.5)')).toEqual([['a', 1.5 * 1.1]]);
    expect(segs('(a (b:0.8) c:1.2)')).toEqual([
      ['a ', 1.2],
      ['b', 0.8],
      [' c', 1.2],
    ]);
  });

  test('the weight is what follows the last colon, parsed like Python float()', () => {
    expect(segs('(a:b:1.5)')).toEqual([['a:b', 1.5]]);
    expect(segs('(a: 1.5 )')).toEqual([['a', 1.5]]);
    expect(segs('(a:1_0)')).toEqual([['a', 10]]);
    expect(segs('(a:1e-1)')).toEqual([['a', 0.1]]);
    expect(segs('(a:-0.5)')).toEqual([['a', -0.5]]);
    expect(segs('(a:.5)')).toEqual([['a', 0.5]]);
    expect(segs('a:1.5')).toEqual([['a:1.5', 1.0]]); // no brackets, no weight
  });

  test('escaped brackets are literal text', () => {
    const p = parsePromptWeights('\\(cat:1.5\\)');
    expect(p.segments.map((s) => [s.text, s.weight])).toEqual([['(cat:1.5)', 1.0]]);
    expect(p.diagnostics).toEqual([]);
    // each literal bracket maps back to its two input characters
    expect(p.segments[0].starts[0]).toBe(0);
    expect(p.segments[0].ends[0]).toBe(2);
    expect(segs('(smile \\(happy\\):1.3)')).toEqual([['smile (happy)', 1.3]]);
    expect(unescapeImportant(escapeImportant('a\\(b\\)c'))).toBe('a(b)c');
    expect(escapeImportant('a\\(b\\)c').length).toBe('a\\(b\\)c'.length);
  });

  test('square brackets are ordinary text in ComfyUI (with an info diagnostic)', () => {
    expect(segs('[cat]')).toEqual([['[cat]', 1.0]]);
    const d = diags('a [cat] b');
    expect(d.map((x) => [x.code, x.severity, marked('a [cat] b', x)])).toEqual([['square-brackets', 'info', '[cat]']]);
  });
});

describe('malformed prompts: ComfyUI behaviour plus diagnostics with offsets', () => {
  test('unclosed (', () => {
    const p = 'a (cat';
    expect(segs(p)).toEqual([
      ['a ', 1.0],
      ['(cat', 1.0],
    ]);
    const d = diags(p);
    expect(d.map((x) => [x.code, x.severity, x.start, x.end])).toEqual([['unclosed-paren', 'error', 2, 3]]);
  });

  test('stray ) turns later brackets on that level into text', () => {
    const p = 'a) (b)';
    expect(segs(p)).toEqual([['a) (b)', 1.0]]);
    const d = diags(p);
    expect(d.map((x) => [x.code, marked(p, x)])).toEqual([
      ['unmatched-close-paren', ')'],
      ['paren-read-as-text', '(b)'],
    ]);
    expect(d[0].start).toBe(1);
    expect(d[1].message).toContain('offset 1');
    // ... but a new level-0 group after the balance is restored is weighted again
    expect(segs('a) ((b))')).toEqual([
      ['a) (', 1.0],
      ['b', 1.1],
      [')', 1.0],
    ]);
  });

  test('((a) pairs the outer ( with the ), leaving the inner one as text', () => {
    const p = '((a)';
    expect(segs(p)).toEqual([['(a', 1.1]]);
    expect(codes(p).sort()).toEqual(['paren-read-as-text', 'unclosed-paren']);
  });

  test('(a:xyz) keeps ":xyz" as text with ×1.1 and flags the weight', () => {
    const p = 'x (a:xyz) y';
    expect(segs(p)).toEqual([
      ['x ', 1.0],
      ['a:xyz', 1.1],
      [' y', 1.0],
    ]);
    const d = diags(p);
    expect(d.map((x) => [x.code, x.severity, marked(p, x)])).toEqual([['weight-not-a-number', 'warning', 'xyz']]);
    expect(d[0].start).toBe(5);
    expect(d[0].end).toBe(8);
  });

  test('(a:) and (:1.5)', () => {
    expect(segs('(a:)')).toEqual([['a:', 1.1]]);
    expect(diags('(a:)').map((d) => [d.code, d.start, d.end])).toEqual([['weight-not-a-number', 2, 3]]);
    expect(segs('(:1.5)')).toEqual([[':1.5', 1.1]]);
    expect(codes('(:1.5)')).toEqual(['weight-without-text']);
  });

  test('a colon inside a nested group is not reported as a bad weight', () => {
    expect(segs('((a:1.2) b)')).toEqual([
      ['a', 1.2],
      [' b', 1.1],
    ]);
    expect(diags('((a:1.2) b)')).toEqual([]);
  });

  test('non-finite weights are accepted (as Python does) but reported as errors', () => {
    const p = parsePromptWeights('(a:nan) (b:inf)');
    expect(Number.isNaN(p.segments[0].weight)).toBe(true);
    expect(p.segments[2].weight).toBe(Infinity);
    expect(p.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ['weight-not-finite', 'error'],
      ['weight-not-finite', 'error'],
    ]);
  });

  test('empty brackets', () => {
    expect(segs('a () b')).toEqual([
      ['a ', 1.0],
      [' b', 1.0],
    ]);
    expect(codes('a () b')).toEqual(['empty-group']);
  });

  test('never throws, and segments always tile the prompt in order', () => {
    const pool = ['(', ')', ':', '1.5', 'x', ' ', '\\(', '\\)', '[', ']', ':y', '((', '))', '\n', '一', '😀'];
    let seed = 1;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let n = 0; n < 2000; n++) {
      let p = '';
      const len = Math.floor(rnd() * 20);
      for (let i = 0; i < len; i++) p += pool[Math.floor(rnd() * pool.length)];
      const r = parsePromptWeights(p);
      let last = 0;
      for (const s of r.segments) {
        expect(s.start).toBeGreaterThanOrEqual(last);
        expect(s.end).toBeGreaterThan(s.start);
        last = s.end;
      }
      for (const d of r.diagnostics) {
        expect(d.start).toBeGreaterThanOrEqual(0);
        expect(d.end).toBeLessThanOrEqual(p.length);
        expect(d.end).toBeGreaterThan(d.start);
      }
    }
  });
});

test('pythonFloat follows float()', () => {
  const ok: Array<[string, number]> = [
    ['1.5', 1.5],
    [' 2 ', 2],
    ['\t3\n', 3],
    ['1_000', 1000],
    ['1e-1', 0.1],
    ['1E+2', 100],
    ['.5', 0.5],
    ['5.', 5],
    ['+1', 1],
    ['-0', -0],
    ['inf', Infinity],
    ['-Infinity', -Infinity],
    ['１.５', 1.5],
  ];
  for (const [s, v] of ok) expect(pythonFloat(s)).toBe(v);
  expect(Number.isNaN(pythonFloat('NaN'))).toBe(true);
  for (const s of ['', ' ', 'abc', '1__0', '_1', '1_', '1.5.2', '0x10', '1,5', '.', 'e5', '1e', '１．５']) expect(pythonFloat(s)).toBeNull();
});
