import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import {
  ALPHAS_CUMPROD,
  comfyNormalSigmas,
  img2imgComfy,
  img2imgDiffusers,
  leadingTimesteps,
  scaledLinearBetas,
  signalAt,
  signalCurves,
  stepsGrid,
} from './img2imgSchedule';

const DDIM = new URL('../../../../shared/fixtures/schedulers/ddim.safetensors', import.meta.url);

/** Minimal safetensors reader for the fixture: u64 header length, JSON header, raw LE data. */
function readTensor(bytes: Buffer, name: string): number[] {
  const headerLen = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLen).toString('utf8'));
  const { dtype, data_offsets: [a, b] } = header[name];
  const data = bytes.subarray(8 + headerLen + a, 8 + headerLen + b);
  const out: number[] = [];
  if (dtype === 'F32') for (let i = 0; i < data.length; i += 4) out.push(data.readFloatLE(i));
  else if (dtype === 'I64') for (let i = 0; i < data.length; i += 8) out.push(Number(data.readBigInt64LE(i)));
  else throw new Error(dtype);
  return out;
}

describe('SD1.5 schedule and img2img start (lesson 5)', () => {
  it('scaled-linear betas run from 0.00085 to 0.012', () => {
    const b = scaledLinearBetas();
    expect(b).toHaveLength(1000);
    expect(b[0]).toBeCloseTo(0.00085, 12);
    expect(b[999]).toBeCloseTo(0.012, 12);
  });
  it('signal left: √ᾱ ≈ 1 at t = 0 and 0.068 at t = 999', () => {
    expect(signalAt(0)).toBeCloseTo(0.99957, 5);
    expect(signalAt(999)).toBeCloseTo(0.0683, 4);
  });
  it('20-step DDIM timesteps are 951, 901, …, 1', () => {
    const t = leadingTimesteps(20);
    expect(t[0]).toBe(951);
    expect(t[19]).toBe(1);
    expect(leadingTimesteps(50)[0]).toBe(981);
  });
  it('strength 0.5, 20 steps: skips 10, starts at t = 451 with 59% signal (quoted in the lesson)', () => {
    const r = img2imgDiffusers(0.5, 20);
    expect(r.skipped).toBe(10);
    expect(r.run).toHaveLength(10);
    expect(r.startTimestep).toBe(451);
    expect(r.signal).toBeCloseTo(0.588, 3);
    expect(r.noise).toBeCloseTo(0.809, 3);
    expect(r.signal ** 2 + r.noise ** 2).toBeCloseTo(1, 12);
  });
  it('strength 0.3 / 0.75 / 1.0 with 20 steps: 82% / 29% / 9% signal', () => {
    expect(img2imgDiffusers(0.3, 20).run).toHaveLength(6);
    expect(img2imgDiffusers(0.3, 20).signal).toBeCloseTo(0.82, 2);
    expect(img2imgDiffusers(0.75, 20).signal).toBeCloseTo(0.286, 3);
    expect(img2imgDiffusers(1, 20).signal).toBeCloseTo(0.09, 3);
    expect(img2imgDiffusers(0, 20).run).toHaveLength(0);
    expect(img2imgDiffusers(0.7, 20).run).toHaveLength(14); // 20·0.7 = 14.000000000000002 in floats
  });
  it('ComfyUI: denoise 0.5 with 20 steps builds a 40-step schedule and runs 20 of it', () => {
    const c = img2imgComfy(0.5, 20);
    expect(c.scheduleSteps).toBe(40);
    expect(c.sigmas).toHaveLength(21);
    expect(c.signal).toBeCloseTo(0.543, 3);
    expect(img2imgComfy(1, 20).startSigma).toBeCloseTo(14.6146, 3);
    expect(img2imgComfy(1, 20).signal).toBeCloseTo(0.068, 3);
    expect(comfyNormalSigmas(20).at(-2)).toBeCloseTo(0.0292, 4);
  });
  it('figure data', () => {
    expect(stepsGrid(20, [0.5])).toHaveLength(20);
    expect(stepsGrid(20, [0.5]).filter((r) => r.runs)).toHaveLength(10);
    const curves = signalCurves();
    expect(curves).toHaveLength(200);
    // both conventions decrease with strength
    const d = curves.filter((r) => r.convention === 'diffusers').map((r) => r.signal);
    expect(d.every((v, i) => i === 0 || v <= d[i - 1] + 1e-12)).toBe(true);
  });
  it.skipIf(!existsSync(DDIM))('matches diffusers (shared fixture: DDIM on the SD1.5 config)', () => {
    const bytes = readFileSync(DDIM);
    const ac = readTensor(bytes, 'alphas_cumprod');
    ac.forEach((a, t) => expect(Math.abs(a - ALPHAS_CUMPROD[t])).toBeLessThan(2e-6));
    expect(readTensor(bytes, 'steps20.timesteps')).toEqual(leadingTimesteps(20));
    expect(readTensor(bytes, 'steps4.timesteps')).toEqual(leadingTimesteps(4));
  });
});

describe('lesson 5 exercise numbers', () => {
  it('diffusers, 30 steps at strength 0.6: runs 18, starts at t = 562 with 45% signal', () => {
    const r = img2imgDiffusers(0.6, 30);
    expect(r.run).toHaveLength(18);
    expect(r.startTimestep).toBe(562);
    expect(r.signal).toBeCloseTo(0.448, 3);
  });
  it('ComfyUI, 25 steps at denoise 0.4: a 62-step schedule, 25 run, 66% signal', () => {
    const c = img2imgComfy(0.4, 25);
    expect(c.scheduleSteps).toBe(62);
    expect(c.sigmas).toHaveLength(26);
    expect(c.signal).toBeCloseTo(0.66, 2);
  });
  it('20 steps: ComfyUI keeps 78% / 54% / 23% / 7% at 0.3 / 0.5 / 0.75 / 1', () => {
    expect(img2imgComfy(0.3, 20).signal).toBeCloseTo(0.777, 3);
    expect(img2imgComfy(0.5, 20).signal).toBeCloseTo(0.543, 3);
    expect(img2imgComfy(0.75, 20).signal).toBeCloseTo(0.228, 3);
  });
});

describe('30-step DDIM timesteps quoted in lesson 5', () => {
  it('are 958, 925, …, 1', () => {
    const t = leadingTimesteps(30);
    expect(t.slice(0, 2)).toEqual([958, 925]);
    expect(t[12]).toBe(562);
    expect(t.at(-1)).toBe(1);
  });
});
