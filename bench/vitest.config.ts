import { defineConfig } from 'vitest/config';

// Benchmarks run as Vitest files so they share src/'s TypeScript imports. They print figures
// and assert nothing about speed.
export default defineConfig({
  test: { include: ['bench/**/*.bench.ts'], testTimeout: 600_000, pool: 'forks', maxWorkers: 1 },
});
