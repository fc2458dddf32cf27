import { describe, expect, it } from 'vitest';
import { stepWindow } from './startEndWindow';

describe('start_at / end_at on the real SD1.5 schedule, 20 steps', () => {
  it('defaults keep the adapter on at every step', () => {
    for (const s of ['normal', 'karras'] as const) {
      const w = stepWindow(s, 20, 0, 1);
      expect(w.sigmaStart).toBe(Infinity);
      expect(w.sigmaEnd).toBe(0);
      expect(w.activeCount).toBe(20);
    }
  });
  it('end_at = 0.8 is σ ≈ 0.571: 16 normal steps but only 12 karras steps', () => {
    const normal = stepWindow('normal', 20, 0, 0.8);
    const karras = stepWindow('karras', 20, 0, 0.8);
    expect(normal.sigmaEnd).toBeCloseTo(0.5712, 3);
    expect(normal.activeCount).toBe(16);
    expect(karras.activeCount).toBe(12);
    // active steps are a prefix: the first steps have the most noise
    expect(normal.steps.slice(0, 16).every((s) => s.active)).toBe(true);
    expect(normal.steps.slice(16).some((s) => s.active)).toBe(false);
  });
  it('both schedules start at σ_max ≈ 14.6 and end at σ_min ≈ 0.029', () => {
    const normal = stepWindow('normal', 20, 0, 1).steps;
    const karras = stepWindow('karras', 20, 0, 1).steps;
    expect(normal[0].sigma).toBeCloseTo(14.6146, 3);
    expect(karras[0].sigma).toBeCloseTo(14.6146, 3);
    expect(normal[19].sigma).toBeCloseTo(0.0292, 3);
    expect(karras[19].sigma).toBeCloseTo(0.0292, 3);
  });
  it('end_at = 0.5 is σ ≈ 1.62 (10 normal steps, 9 karras steps); start_at = 0.3 skips the first 6 / 7', () => {
    expect(stepWindow('normal', 20, 0, 0.5).sigmaEnd).toBeCloseTo(1.6156, 3);
    expect(stepWindow('normal', 20, 0, 0.5).activeCount).toBe(10);
    expect(stepWindow('karras', 20, 0, 0.5).activeCount).toBe(9);
    expect(stepWindow('normal', 20, 0.3, 1).steps.findIndex((s) => s.active)).toBe(6);
    expect(stepWindow('karras', 20, 0.3, 1).steps.findIndex((s) => s.active)).toBe(7);
  });
});
