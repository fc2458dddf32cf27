/**
 * What the confirmation screen says before anything big is fetched: how much will be
 * downloaded, from which origins, how much disk it takes and how much the browser allows —
 * computed from the prepared plans (headers read, cache consulted), worded in both languages.
 */
import type { Lang } from '../i18n/lang';
import type { Prepared } from './fetcher';
import { formatBytes, hostList, s } from './strings';

export interface ConfirmRow {
  id: string;
  label: string;
  /** Bytes left to fetch for this file. */
  fetch: number;
  /** Bytes this file adds to the disk. */
  store: number;
  /** Fetched in an earlier session and kept. */
  resumed: number;
  cached: boolean;
  /** Verified by sha256 (whole file or every part), or by size and header only. */
  checksum: boolean;
  origin: string | null;
}

export interface Confirmation {
  rows: ConfirmRow[];
  fetch: number;
  store: number;
  resumed: number;
  cachedBytes: number;
  /** Header bytes read to compute this screen. */
  headerFetched: number;
  origins: string[];
  free: number | undefined;
  fits: boolean;
  nothingToDo: boolean;
}

export function confirmation(prepared: Prepared[], o: { origins: string[]; estimate?: { quota?: number; usage?: number } }): Confirmation {
  const rows = prepared.map((p): ConfirmRow => ({
    id: p.job.id,
    label: p.job.label,
    fetch: p.fetchLeft,
    store: p.storeTotal - p.storeDone,
    resumed: p.fetchDone,
    cached: p.missing.length === 0,
    checksum: Boolean(p.plan?.wholeFile && p.job.sha256) || (p.missing.length > 0 && p.missing.every((m) => m.sha256)) || p.missing.length === 0,
    origin: p.job.source.url ? new URL(p.job.source.url).origin : null,
  }));
  const fetch = rows.reduce((a, r) => a + r.fetch, 0);
  const store = rows.reduce((a, r) => a + r.store, 0);
  const free = o.estimate?.quota === undefined ? undefined : Math.max(0, o.estimate.quota - (o.estimate.usage ?? 0));
  return {
    rows, fetch, store,
    resumed: rows.reduce((a, r) => a + r.resumed, 0),
    cachedBytes: prepared.reduce((a, p) => a + p.storeDone, 0),
    headerFetched: prepared.reduce((a, p) => a + p.headerFetched, 0),
    origins: o.origins,
    free,
    fits: free === undefined || store <= free,
    nothingToDo: fetch === 0 && rows.every((r) => r.cached),
  };
}

/** The screen's sentences, in order: summary, disk, resumed, cached, unverified, then one per file. */
export function confirmationText(c: Confirmation, lang: Lang): { title: string; lines: string[]; rows: string[] } {
  if (c.nothingToDo) return { title: s(lang, 'confirmTitle'), lines: [s(lang, 'nothingToDo')], rows: c.rows.map((r) => s(lang, 'confirmRowCached', { label: r.label })) };
  const lines = [
    s(lang, 'confirmFetch', { bytes: formatBytes(c.fetch, lang), origins: hostList(c.origins) }),
    s(lang, 'confirmDisk', { bytes: formatBytes(c.store, lang), free: c.free === undefined ? '' : s(lang, 'confirmFree', { free: formatBytes(c.free, lang) }) }),
  ];
  if (c.resumed > 0) lines.push(s(lang, 'confirmResume', { bytes: formatBytes(c.resumed, lang) }));
  if (c.cachedBytes > 0) lines.push(s(lang, 'confirmCached', { bytes: formatBytes(c.cachedBytes, lang) }));
  const unverified = c.rows.filter((r) => !r.checksum && !r.cached).map((r) => r.label);
  if (unverified.length) lines.push(s(lang, 'confirmUnverified', { files: unverified.join(lang === 'zh' ? '、' : ', ') }));
  const rows = c.rows.map((r) => (r.cached ? s(lang, 'confirmRowCached', { label: r.label }) : s(lang, 'confirmRow', { label: r.label, bytes: formatBytes(r.fetch, lang) })));
  return { title: s(lang, 'confirmTitle'), lines, rows };
}
