import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { floatToHalf, halfToFloat, parseSafetensors, parseSafetensorsHeader } from './safetensors';
import { WeightFileError } from './errors';
import { makeSafetensors } from '../../../test/make-safetensors';
import { fixture } from '../../../test/fixtures';

const codeOf = (fn: () => unknown) => {
  try { fn(); } catch (e) { return e instanceof WeightFileError ? e.code : `other: ${String(e)}`; }
  return 'no error';
};

describe('safetensors', () => {
  test('reads a fixture file: names, shapes, values', () => {
    const f = parseSafetensors(readFileSync(fixture('ip_image_proj', 'weights_base.safetensors')));
    expect(f.info('proj.weight').shape).toEqual([128, 16]);
    expect(f.float32('norm.weight')).toHaveLength(32);
    expect(f.header.metadata.format).toBe('pt');
  });

  test('a file that is not safetensors gets a readable error', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(codeOf(() => parseSafetensors(png))).toBe('not-safetensors');
    expect(codeOf(() => parseSafetensors(new Uint8Array(0)))).toBe('truncated');
    const badJson = makeSafetensors({}, 0);
    badJson[9] = 0x7b; // corrupt the JSON
    badJson[8] = 0x5b;
    expect(codeOf(() => parseSafetensors(badJson))).toBe('not-safetensors');
  });

  test('a truncated file is caught from the header, before reading tensors', () => {
    const whole = makeSafetensors({ a: { dtype: 'F32', shape: [4], data: new Float32Array(4) } });
    expect(codeOf(() => parseSafetensors(whole.subarray(0, whole.byteLength - 1)))).toBe('truncated');
    expect(codeOf(() => parseSafetensorsHeader(whole.subarray(0, 20)))).toBe('truncated');
    expect(() => parseSafetensors(whole).info('b')).toThrow(/no tensor named "b"/);
  });

  test('half precision round trip, rounding and overflow', () => {
    for (const v of [0, 1, -2, 0.5, 65504, 6.1035e-5, 1e-7]) expect(halfToFloat(floatToHalf(v))).toBeCloseTo(v, 4);
    expect(floatToHalf(1e6)).toBe(0x7c00);
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // tie rounds to even
  });
});
