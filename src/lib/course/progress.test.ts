import { describe, expect, test } from 'vitest';
import { PROGRESS_KEY, readProgress, setDone } from './progress';

const memory = (initial: Record<string, string> = {}) => {
  const data = { ...initial };
  return { getItem: (k: string) => data[k] ?? null, setItem: (k: string, v: string) => { data[k] = v; }, data };
};

describe('progress', () => {
  test('marks and unmarks lessons', () => {
    const s = memory();
    setDone(s, '02-tokens-and-embeddings', true);
    setDone(s, '01-what-is-ip-adapter', true);
    expect(JSON.parse(s.data[PROGRESS_KEY])).toEqual(['01-what-is-ip-adapter', '02-tokens-and-embeddings']);
    setDone(s, '01-what-is-ip-adapter', false);
    expect([...readProgress(s)]).toEqual(['02-tokens-and-embeddings']);
  });
  test('corrupt or full storage does not throw', () => {
    expect(readProgress(memory({ [PROGRESS_KEY]: '{nope' })).size).toBe(0);
    expect(readProgress(memory({ [PROGRESS_KEY]: '[1, "a"]' }))).toEqual(new Set(['a']));
    const full = { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); } };
    expect(setDone(full, 'x', true).has('x')).toBe(true);
  });
});
