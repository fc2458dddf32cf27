import { describe, expect, test } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { Sha256, sha256Hex } from './sha256';

const ref = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('incremental SHA-256', () => {
  test('matches node:crypto on lengths around the block boundaries', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 1000, 65537]) {
      const b = new Uint8Array(randomBytes(n));
      expect(sha256Hex(b), `length ${n}`).toBe(ref(b));
    }
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  test('any split into pieces gives the same digest', () => {
    const b = new Uint8Array(randomBytes(10_000));
    for (const piece of [1, 7, 63, 64, 65, 999]) {
      const h = new Sha256();
      for (let i = 0; i < b.length; i += piece) h.update(b.subarray(i, i + piece));
      expect(h.hex()).toBe(ref(b));
    }
  });

  test('state survives JSON (a resumed download continues the same hash)', () => {
    const b = new Uint8Array(randomBytes(5000));
    const h = new Sha256().update(b.subarray(0, 1234));
    const saved = JSON.parse(JSON.stringify(h.state()));
    expect(h.hex()).toBe(ref(b.subarray(0, 1234))); // hex() does not finalise the original
    const resumed = new Sha256(saved).update(b.subarray(1234));
    expect(resumed.hex()).toBe(ref(b));
  });
});
