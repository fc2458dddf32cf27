// Pacing against the lesson's `duration`: where the presenter stands in the deck (by slide,
// weighted) against where the clock says they should be. Pure.

export type PaceStatus = 'ahead' | 'on-time' | 'behind';

export interface PaceInput {
  elapsedMs: number;
  durationMin: number;
  /** Current slide, 0-based. */
  index: number;
  total: number;
  /** How much of the current slide is done, 0…1 (revealed steps). */
  within?: number;
  /** Relative weight of each slide (say, its amount of text); equal when omitted. */
  weights?: readonly number[];
}

export interface Pace {
  status: PaceStatus;
  /** Minutes ahead (positive) or behind (negative) of an even pace. */
  deltaMin: number;
  /** Share of the material covered, 0…1. */
  covered: number;
  /** Share of the time used, 0…1 (can pass 1). */
  used: number;
  /** Minutes left on the clock (negative when over). */
  remainingMin: number;
}

export function pacing({ elapsedMs, durationMin, index, total, within = 0, weights }: PaceInput): Pace {
  const n = Math.max(1, total);
  const w = Array.from({ length: n }, (_, i) => Math.max(0, weights?.[i] ?? 1));
  const sum = w.reduce((a, b) => a + b, 0) || n;
  const i = Math.min(Math.max(0, index), n - 1);
  const before = w.slice(0, i).reduce((a, b) => a + b, 0);
  const covered = Math.min(1, (before + w[i] * Math.min(Math.max(within, 0), 1)) / sum);
  const durationMs = Math.max(1, durationMin) * 60_000;
  const used = Math.max(0, elapsedMs) / durationMs;
  const deltaMin = (covered - used) * durationMin;
  // A slide's share of the time is the natural grain; never less than 5% of the lesson.
  const tolerance = Math.max(durationMin * 0.05, (durationMin * w[i]) / sum / 2);
  const status: PaceStatus = deltaMin > tolerance ? 'ahead' : deltaMin < -tolerance ? 'behind' : 'on-time';
  return { status, deltaMin, covered, used, remainingMin: durationMin - elapsedMs / 60_000 };
}

/** 83_000 → "1:23"; 3_723_000 → "1:02:03". */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
