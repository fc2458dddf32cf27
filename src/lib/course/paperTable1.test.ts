import { describe, expect, it } from 'vitest';
import { dominating, IP_ADAPTER_ROW, PAPER_TABLE_1, rankOn, relativeTo, table1Long } from './paperTable1';
import { millions, sd15Base } from './paramCounts';

describe('paper Table 1', () => {
  it('has the nine methods of the paper', () => {
    expect(PAPER_TABLE_1).toHaveLength(9);
    expect(table1Long()).toHaveLength(18);
  });
  it('IP-Adapter’s 22M matches the computed 22.32M', () => {
    expect(Math.round(millions(sd15Base().total))).toBe(IP_ADAPTER_ROW.params);
  });
  it('against Open unCLIP: 96.5% of CLIP-I, 96.7% of CLIP-T, 2.5% of the parameters', () => {
    const unclip = PAPER_TABLE_1[0];
    const r = relativeTo(unclip);
    expect(r.clipI).toBeCloseTo(0.965, 3);
    expect(r.clipT).toBeCloseTo(0.967, 3);
    expect(r.params).toBeCloseTo(0.0246, 4);
  });
  it('is the best adapter; 3rd on CLIP-T and 4th on CLIP-I overall', () => {
    const adapters = PAPER_TABLE_1.filter((r) => r.kind === 'adapter');
    expect(rankOn('clipT', IP_ADAPTER_ROW, adapters)).toBe(1);
    expect(rankOn('clipI', IP_ADAPTER_ROW, adapters)).toBe(1);
    expect(rankOn('clipT')).toBe(3);
    expect(rankOn('clipI')).toBe(4);
    expect(dominating()).toEqual([]);
  });
});
