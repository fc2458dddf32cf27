import { describe, expect, it } from 'vitest';
import { layerExperiment, parseLayerList, parseWeightList, runExperiment, timeLeftMs, type CellEvent, type ExperimentCell } from './experiment';
import { adapterLayerWeights, SD15_LAYER_INFO } from '../pipeline/layerScales';
import { validateSettings, type GenerateSettings } from '../pipeline/settings';

const pixels = { data: new Float32Array(3 * 4 * 4), size: 4 };
const base = (): GenerateSettings => ({
  prompt: 'a cat on the grass', negativePrompt: 'blurry', width: 512, height: 512, steps: 20, guidance: 7, scheduler: 'dpmpp_2m_karras', seed: 1234,
  adapters: [{ images: [pixels], weight: 0.8, weightType: 'ease out', startAt: 0.1, endAt: 0.9, embedsScaling: 'K+V' }],
});

function plan(o = {}): ExperimentCell[] {
  const p = layerExperiment(base(), o);
  if (!p.ok) throw new Error(JSON.stringify(p.errors));
  return p.cells;
}

describe('layerExperiment', () => {
  it('the seed experiment on SD1.5: baseline, all-layers control, 16 layers × 1, 1.5, 2', () => {
    const cells = plan();
    expect(cells).toHaveLength(2 + 16 * 3);
    expect(cells[0]).toMatchObject({ kind: 'baseline', layer: null, weight: null, layerWeights: '' });
    expect(cells[0].settings.adapters).toEqual([]);
    expect(cells[1]).toMatchObject({ kind: 'all-layers', weight: 1, layerWeights: '' });
    expect(cells[1].settings.adapters![0]).toMatchObject({ weight: 1, weightType: 'linear', layerWeights: '' });
    expect(cells[1].vector).toEqual(new Array(16).fill(1));
    const layerCells = cells.filter((c) => c.kind === 'layer');
    expect(layerCells.map((c) => [c.layer, c.weight])).toEqual(Array.from({ length: 16 }, (_, t) => [[t, 1], [t, 1.5], [t, 2]]).flat());
  });

  it('each layer cell has exactly one non-zero layer, at its ComfyUI index, as the pipeline reads the string', () => {
    for (const c of plan().filter((x) => x.kind === 'layer')) {
      const a = c.settings.adapters![0];
      expect(a.layerWeights).toBe(`${c.layer}:${c.weight}`);
      expect(a.weight).toBe(1);
      expect(a.weightType).toBe('linear');
      // the pipeline's own reading of the settings (layerScales → madScientistWeights)
      const applied = adapterLayerWeights({ weight: a.weight!, weightType: a.weightType!, layerWeights: a.layerWeights }, SD15_LAYER_INFO).weights;
      expect(applied).toHaveLength(16);
      expect(applied.filter((v) => v !== 0)).toEqual([c.weight]);
      expect(applied.indexOf(c.weight!)).toBe(c.layer);
      expect(c.vector).toEqual(applied);
    }
  });

  it('same seed and sampler settings everywhere; the other adapter fields carry over; every cell validates', () => {
    const cells = plan();
    for (const c of cells) {
      expect(c.settings.seed).toBe(1234);
      expect(c.settings).toMatchObject({ prompt: 'a cat on the grass', steps: 20, guidance: 7, scheduler: 'dpmpp_2m_karras', width: 512, height: 512, batchSize: 1 });
      expect(validateSettings(c.settings).errors).toEqual([]);
      if (c.kind !== 'baseline') expect(c.settings.adapters![0]).toMatchObject({ images: [pixels], startAt: 0.1, endAt: 0.9, embedsScaling: 'K+V' });
    }
    expect(new Set(cells.map((c) => c.id)).size).toBe(cells.length);
  });

  it('configurable weights and layers; controls can be left out', () => {
    const cells = plan({ weights: [0.5, 3], layers: [3, 6], baseline: false, allLayers: false });
    expect(cells.map((c) => c.layerWeights)).toEqual(['3:0.5', '3:3', '6:0.5', '6:3']);
  });

  it('refuses what cannot run, in both languages', () => {
    const p = layerExperiment({ ...base(), adapters: [] });
    expect(p.ok).toBe(false);
    if (!p.ok) {
      expect(p.errors[0].code).toBe('no-adapter');
      expect(p.errors[0].message.zh).toContain('参考图');
    }
    const q = layerExperiment(base(), { layers: [16, 3, 3], weights: [6, 1, 1] });
    expect(q.ok ? [] : q.errors.map((e) => e.code)).toEqual(['weight-out-of-range', 'duplicate-weight', 'bad-layer', 'duplicate-layer']);
    const r = layerExperiment(base(), { weights: [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2] });
    expect(r.ok ? [] : r.errors.map((e) => e.code)).toEqual(['too-many-cells']);
    const s = layerExperiment(base(), { adapter: 2 });
    expect(s.ok ? [] : s.errors.map((e) => e.code)).toEqual(['no-such-adapter']);
  });
});

describe('parsing the lists', () => {
  it('weights', () => {
    expect(parseWeightList('1, 1.5 ,2')).toEqual({ ok: true, values: [1, 1.5, 2] });
    expect(parseWeightList('1，1.5、-0.5')).toEqual({ ok: true, values: [1, 1.5, -0.5] });
    const bad = parseWeightList('1, x');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.en).toContain('"x"');
    expect(parseWeightList('  ').ok).toBe(false);
  });
  it('layers with ranges', () => {
    expect(parseLayerList('0-3, 6, 9–11')).toEqual({ ok: true, values: [0, 1, 2, 3, 6, 9, 10, 11] });
    expect(parseLayerList('5-2').ok).toBe(false);
    expect(parseLayerList('a').ok).toBe(false);
  });
});

describe('runExperiment', () => {
  const cells = () => plan({ layers: [0, 1, 2], weights: [1, 2] }); // 2 controls + 6

  it('runs the cells in order, one at a time, and reports each', async () => {
    const order: string[] = [];
    let inFlight = 0;
    const events: CellEvent<string>[] = [];
    const sum = await runExperiment(cells(), async (s) => {
      inFlight++;
      expect(inFlight).toBe(1);
      order.push(s.adapters!.length ? s.adapters![0].layerWeights! : 'none');
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      return `img${order.length}`;
    }, { onCell: (e) => events.push(e) });
    expect(order[0]).toBe('none');
    expect(order.slice(2)).toEqual(['0:1', '0:2', '1:1', '1:2', '2:1', '2:2']);
    expect(sum).toEqual({ done: 8, failed: 0, cancelled: 0, aborted: false, stoppedBy: null });
    expect(events.map((e) => e.status)).toEqual(new Array(8).fill(['running', 'done']).flat());
    expect(events[3].image).toBe('img2');
  });

  it('cancel: no new cell starts after the abort, even when generate ignores the signal', async () => {
    const ac = new AbortController();
    let calls = 0;
    const events: CellEvent<number>[] = [];
    const sum = await runExperiment(cells(), async () => {
      calls++;
      if (calls === 3) ac.abort();
      return calls;
    }, { signal: ac.signal, onCell: (e) => events.push(e) });
    expect(calls).toBe(3);
    expect(sum).toEqual({ done: 3, failed: 0, cancelled: 5, aborted: true, stoppedBy: null });
    expect(events.filter((e) => e.status === 'cancelled').map((e) => e.index)).toEqual([3, 4, 5, 6, 7]);
  });

  it('cancel: the running cell rejecting with the pipeline\'s "cancelled" ends as cancelled, not failed', async () => {
    const ac = new AbortController();
    let calls = 0;
    const sum = await runExperiment(cells(), (_s, signal) => new Promise((resolve, reject) => {
      calls++;
      if (calls === 2) {
        signal.addEventListener('abort', () => reject(Object.assign(new Error('Cancelled at step 3'), { code: 'cancelled' })));
        setTimeout(() => ac.abort(), 1);
      } else resolve(calls);
    }), { signal: ac.signal });
    expect(calls).toBe(2);
    expect(sum).toEqual({ done: 1, failed: 0, cancelled: 7, aborted: true, stoppedBy: null });
  });

  it('a failing cell is reported with its error and the run goes on', async () => {
    const events: CellEvent<number>[] = [];
    let calls = 0;
    const sum = await runExperiment(cells(), async (s) => {
      calls++;
      if (s.adapters?.[0]?.layerWeights === '1:2') throw new Error('out of GPU memory');
      if (calls === 1) throw 'a plain string';
      return calls;
    }, { onCell: (e) => events.push(e) });
    expect(calls).toBe(8);
    expect(sum).toEqual({ done: 6, failed: 2, cancelled: 0, aborted: false, stoppedBy: null });
    const failed = events.filter((e) => e.status === 'failed');
    expect(failed.map((e) => e.cell.id)).toEqual(['baseline', 'L1@2']);
    expect((failed[1].error as Error).message).toBe('out of GPU memory');
  });

  it('an error every later cell would hit (stopOn) ends the run there: the rest are not tried', async () => {
    const lost = Object.assign(new Error('device lost'), { code: 'device-lost' });
    let calls = 0;
    const events: CellEvent<number>[] = [];
    const sum = await runExperiment(cells(), async () => {
      calls++;
      if (calls === 2) throw Object.assign(new Error('bad'), { code: 'invalid-settings' });
      if (calls === 4) throw lost;
      return calls;
    }, { onCell: (e) => events.push(e), stopOn: (e) => (e as { code?: string }).code === 'device-lost' });
    expect(calls).toBe(4);
    expect(sum).toEqual({ done: 2, failed: 2, cancelled: 4, aborted: false, stoppedBy: lost });
    expect(events.filter((e) => e.status === 'cancelled').map((e) => e.index)).toEqual([4, 5, 6, 7]);
  });

  it('a throwing listener does not stop the run', async () => {
    const sum = await runExperiment(cells(), async () => 1, { onCell: () => { throw new Error('view bug'); } });
    expect(sum.done).toBe(8);
  });

  it('time left from the mean so far', () => {
    expect(timeLeftMs([], 5)).toBeNull();
    expect(timeLeftMs([1000, 3000], 5)).toBe(10_000);
  });
});
