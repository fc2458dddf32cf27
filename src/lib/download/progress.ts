/**
 * Speed and time left for the progress bars: bytes per second over a sliding window (so a
 * stall shows at once and a burst does not promise too much), and the time the rest takes at
 * that speed.
 */
export class RateMeter {
  private samples: { t: number; bytes: number }[] = [];
  constructor(private readonly windowMs = 3000) {}

  add(bytes: number, now: number): void {
    this.samples.push({ t: now, bytes });
    const cut = now - this.windowMs;
    while (this.samples.length > 1 && this.samples[0].t < cut) this.samples.shift();
  }

  /** Bytes per second, or 0 before there is a window to measure. */
  rate(now: number): number {
    const cut = now - this.windowMs;
    const recent = this.samples.filter((s) => s.t >= cut);
    if (recent.length === 0) return 0;
    const span = Math.max(now - Math.min(recent[0].t, now - 250), 250);
    const bytes = recent.reduce((s, x) => s + x.bytes, 0);
    return (bytes * 1000) / span;
  }
}

/** Seconds left at `rate` bytes/s; undefined when the speed is not known yet. */
export const timeLeft = (remaining: number, rate: number): number | undefined =>
  remaining <= 0 ? 0 : rate > 0 ? remaining / rate : undefined;

export type FileState = 'waiting' | 'header' | 'downloading' | 'verifying' | 'done' | 'cached' | 'error' | 'paused';

export interface FileProgress {
  id: string;
  label: string;
  state: FileState;
  /** Bytes of this file fetched so far in this plan (a resumed download starts where it stopped). */
  done: number;
  total: number;
  rate: number;
  eta: number | undefined;
  error?: { code: string; message: string };
}

export interface TotalProgress {
  done: number;
  total: number;
  rate: number;
  eta: number | undefined;
  /** Bytes actually sent by servers in this session (the header reads included). */
  fetched: number;
}
