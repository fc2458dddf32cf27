/**
 * The reader's progress: the set of lesson slugs marked done, kept in localStorage. Slugs are
 * shared by both languages, so a lesson finished in 中文 is finished in English too.
 */
export const PROGRESS_KEY = 'ipa-progress';

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function readProgress(store: KeyValueStore): Set<string> {
  try {
    const raw = JSON.parse(store.getItem(PROGRESS_KEY) ?? '[]');
    return new Set(Array.isArray(raw) ? raw.filter((s): s is string => typeof s === 'string') : []);
  } catch {
    return new Set(); // a corrupt entry must not break the page
  }
}

export function setDone(store: KeyValueStore, slug: string, done: boolean): Set<string> {
  const set = readProgress(store);
  if (done) set.add(slug);
  else set.delete(slug);
  try {
    store.setItem(PROGRESS_KEY, JSON.stringify([...set].sort()));
  } catch {
    // storage full or disabled: progress simply is not kept
  }
  return set;
}
