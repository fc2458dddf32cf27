// Loads a fixture safetensors file as a WeightFile + bytes, the way real weights are loaded.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseSafetensors, type SafetensorsFile } from '../src/lib/weights/safetensors';
import type { WeightFile } from '../src/lib/weights/weights';
import { fixture } from './fixtures';

export function loadFixtureFile(...parts: string[]): { file: SafetensorsFile; weightFile: WeightFile; bytes: Uint8Array } {
  const bytes = new Uint8Array(readFileSync(fixture(...parts)));
  const location = parts.join('/');
  const file = parseSafetensors(bytes, basename(location));
  return { file, bytes, weightFile: { location, header: file.header, label: location } };
}
