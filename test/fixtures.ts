// Where the reference fixtures live: ../shared/fixtures beside the checkout (read-only in CI).
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const FIXTURES = process.env.IPA_FIXTURES ?? resolve(repoRoot, '../shared/fixtures');
export const SHARED = resolve(FIXTURES, '..');
export const fixture = (...parts: string[]) => resolve(FIXTURES, ...parts);
