import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { loadFixtureFile } from '../../../test/load-fixture';
import { fixture } from '../../../test/fixtures';
import { timestepEmbedding, unetTimeProj } from './timestep';

describe('timestep embedding (host side)', () => {
  test('matches diffusers time_proj of the tiny UNet (flip_sin_to_cos, float32 steps)', () => {
    const config = JSON.parse(readFileSync(fixture('unet', 'config.json'), 'utf8'));
    const t = loadFixtureFile('unet', 'inputs.safetensors').file.ints('timestep');
    const expected = loadFixtureFile('unet', 'debug.safetensors').file.float32('time_proj');
    const got = unetTimeProj([t[0], t[0]], config);
    let err = 0;
    for (let i = 0; i < got.length; i++) err = Math.max(err, Math.abs(got[i] - expected[i]));
    console.log(`time_proj (t=${t[0]}) max abs err ${err.toExponential(2)}`);
    expect(got.length).toBe(expected.length);
    expect(err).toBeLessThan(2e-6);
  });

  test('layout: [cos | sin] when flipped, [sin | cos] otherwise; t = 0 gives cos 1, sin 0', () => {
    const flipped = timestepEmbedding([0], 8);
    expect(Array.from(flipped)).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    const plain = timestepEmbedding([1], 4, { flipSinToCos: false });
    // freqs for dim 4: exp(-ln(1e4)·i/2) = 1, 0.01
    expect(plain[0]).toBeCloseTo(Math.sin(1), 6);
    expect(plain[1]).toBeCloseTo(Math.sin(0.01), 6);
    expect(plain[2]).toBeCloseTo(Math.cos(1), 6);
    expect(plain[3]).toBeCloseTo(Math.cos(0.01), 6);
  });
});
