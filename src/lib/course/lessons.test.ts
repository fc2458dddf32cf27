import { describe, expect, test } from 'vitest';
import { checkBothLanguages, lessonsIn, type LessonEntry } from './lessons';

const entry = (id: string, order: number, prerequisites: string[] = []) =>
  ({ id, collection: 'lessons', data: { title: id, summary: 's', order, duration: 10, objectives: ['o'], prerequisites } }) as unknown as LessonEntry;

describe('lesson list', () => {
  test('complete and consistent in both languages passes; order sorts', () => {
    const all = [entry('en/02-b', 2, ['01-a']), entry('zh/01-a', 1), entry('en/01-a', 1), entry('zh/02-b', 2, ['01-a'])];
    expect(() => checkBothLanguages(all)).not.toThrow();
    expect(lessonsIn(all, 'en').map((e) => e.id)).toEqual(['en/01-a', 'en/02-b']);
  });
  test('a lesson missing in one language fails, naming the file', () => {
    expect(() => checkBothLanguages([entry('en/01-a', 1), entry('zh/01-a', 1), entry('en/02-b', 2)]))
      .toThrow(/lessons\/en\/02-b\.mdx has no zh version/);
  });
  test('orders and prerequisites must agree and exist', () => {
    expect(() => checkBothLanguages([entry('en/01-a', 1), entry('zh/01-a', 3)])).toThrow(/order 1 in en but 3 in zh|order 3 in zh but 1 in en/);
    expect(() => checkBothLanguages([entry('en/01-a', 1, ['09-x']), entry('zh/01-a', 1, ['09-x'])])).toThrow(/prerequisite "09-x"/);
    expect(() => checkBothLanguages([entry('en/02-b', 2, ['01-a']), entry('zh/02-b', 2), entry('en/01-a', 1), entry('zh/01-a', 1)])).toThrow(/prerequisites differ/);
  });
});
