import { describe, expect, it } from 'vitest';
import { decideCapability, isSoftwareAdapter, defaultMemoryBudget, estimateMemory, GALLERY_FALLBACK, GB, probeWebGpu, type AdapterFacts, type ModelChoice } from './capability';

const choice: ModelChoice = { adapter: 'base', width: 512, height: 512, cfg: true };
const good: AdapterFacts = { features: ['shader-f16'], limits: { maxBufferSize: 4 * GB, maxStorageBufferBindingSize: 2 * GB }, info: { vendor: 'nvidia', architecture: 'ampere' } };
const both = (m: { text: { en: string; zh: string } }) => {
  expect(m.text.en.length).toBeGreaterThan(40);
  expect(m.text.zh).toMatch(/[\u4e00-\u9fff]/);
};

describe('decideCapability', () => {
  it('no navigator.gpu: blocked, says what to do, in both languages', () => {
    const c = decideCapability({ kind: 'no-webgpu' }, choice);
    expect(c.verdict).toBe('blocked');
    expect(c.messages[0].code).toBe('no-webgpu');
    expect(c.messages[0].text.en).toMatch(/Chrome|Edge/);
    both(c.messages[0]);
  });
  it('no adapter / probe error: blocked with a specific message', () => {
    expect(decideCapability({ kind: 'no-adapter' }, choice).messages[0].code).toBe('no-adapter');
    const e = decideCapability({ kind: 'error', message: 'boom' }, choice);
    expect(e.messages[0].text.en).toContain('boom');
    both(e.messages[0]);
  });
  it('shader-f16 and a big GPU: float16, ok', () => {
    const c = decideCapability({ kind: 'adapter', adapter: good }, choice, { memoryBudget: 12 * GB });
    expect(c).toMatchObject({ verdict: 'ok', floatType: 'float16', messages: [] });
    expect(c.adapterName).toBe('nvidia ampere');
    expect(c.estimate!.weightsBytes).toBeGreaterThan(3 * GB);
  });
  it('no shader-f16: float32 with its cost when memory allows', () => {
    const c = decideCapability({ kind: 'adapter', adapter: { ...good, features: [] } }, choice, { memoryBudget: 16 * GB });
    expect(c.verdict).toBe('warn');
    expect(c.floatType).toBe('float32');
    expect(c.messages.map((m) => m.code)).toEqual(['no-f16']);
    expect(c.messages[0].text.en).toMatch(/32-bit/);
    both(c.messages[0]);
  });
  it('no shader-f16 and too little memory for fp32: blocked', () => {
    const c = decideCapability({ kind: 'adapter', adapter: { ...good, features: [] } }, choice, { memoryBudget: 4 * GB });
    expect(c.verdict).toBe('blocked');
    expect(c.messages[0].level).toBe('blocked');
  });
  it('fp16 over the memory budget: warns', () => {
    const c = decideCapability({ kind: 'adapter', adapter: good }, choice, { memoryBudget: 2 * GB });
    expect(c.verdict).toBe('warn');
    expect(c.messages[0].code).toBe('memory');
  });
  it('buffer limits too small for the size: blocked, names the size that fits', () => {
    const small = { ...good, limits: { maxBufferSize: 256 * 1024 ** 2, maxStorageBufferBindingSize: 128 * 1024 ** 2 } };
    const c = decideCapability({ kind: 'adapter', adapter: small }, choice, { memoryBudget: 16 * GB });
    expect(c.verdict).toBe('blocked');
    const m = c.messages.find((x) => x.code === 'buffer-too-small')!;
    expect(m.text.en).toContain(`${c.maxSquareSide}×${c.maxSquareSide}`);
    expect(estimateMemory({ ...choice, width: c.maxSquareSide!, height: c.maxSquareSide! }, 'float16').largestBufferBytes).toBeLessThanOrEqual(128 * 1024 ** 2);
    both(m);
  });
  it('software adapter (SwiftShader): warns, still runs', () => {
    const c = decideCapability({ kind: 'adapter', adapter: { ...good, features: [], isFallbackAdapter: true } }, { ...choice, width: 64, height: 64 }, { memoryBudget: 16 * GB });
    expect(c.verdict).toBe('warn');
    expect(c.messages.map((m) => m.code)).toEqual(['no-f16', 'software']);
  });
  it('SwiftShader named but not flagged as a fallback (headless Chromium): still software; a real GPU is not', () => {
    const named = { ...good, features: [], info: { vendor: 'google', architecture: 'swiftshader' } };
    expect(decideCapability({ kind: 'adapter', adapter: named }, { ...choice, width: 64, height: 64 }, { memoryBudget: 16 * GB }).messages.map((m) => m.code)).toContain('software');
    expect(isSoftwareAdapter({ info: { architecture: 'swiftshader' } })).toBe(true);
    expect(isSoftwareAdapter({ info: { vendor: 'nvidia', architecture: '', description: 'NVIDIA H200' } } as never)).toBe(false);
    expect(isSoftwareAdapter({ info: { isFallbackAdapter: true } })).toBe(true);
  });
});

describe('estimates and glue', () => {
  it('fp32 doubles the weight bytes', () => {
    expect(estimateMemory(choice, 'float32').weightsBytes).toBeCloseTo(2 * estimateMemory(choice, 'float16').weightsBytes, -3);
  });
  it('budget from deviceMemory', () => {
    expect(defaultMemoryBudget(8)).toBe(4 * GB);
    expect(defaultMemoryBudget(undefined)).toBe(4 * GB);
  });
  it('gallery fallback says no real renders exist', () => {
    expect(GALLERY_FALLBACK.en).toMatch(/not been rendered/);
    expect(GALLERY_FALLBACK.zh).toMatch(/没有/);
  });
  it('probeWebGpu reads a fake navigator', async () => {
    expect(await probeWebGpu({})).toEqual({ kind: 'no-webgpu' });
    expect(await probeWebGpu({ gpu: { requestAdapter: async () => null } })).toEqual({ kind: 'no-adapter' });
    expect((await probeWebGpu({ gpu: { requestAdapter: async () => { throw new Error('x'); } } })).kind).toBe('error');
    const p = await probeWebGpu({ gpu: { requestAdapter: async () => ({ features: new Set(['shader-f16']), limits: { maxBufferSize: 1, maxStorageBufferBindingSize: 2 }, info: { vendor: 'v' } }) } });
    expect(p.kind === 'adapter' && [...p.adapter.features]).toEqual(['shader-f16']);
  });
});
