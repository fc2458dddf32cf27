// `npm run bench`: every benchmark in bench/, one after another. Each prints its own figures.
// *.mjs files run with Node; *.bench.ts files run through Vitest (TypeScript, same imports as src).
import { readdirSync } from 'node:fs';
import { execSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv[2];
const files = readdirSync(`${root}bench`).filter((f) => (f.endsWith('.mjs') || f.endsWith('.bench.ts')) && (!only || f.includes(only))).sort();
for (const f of files) {
  console.log(`\n=== bench/${f}`);
  const cmd = f.endsWith('.mjs')
    ? `node bench/${f}`
    : `npx vitest run --config bench/vitest.config.ts bench/${f} --reporter=dot --silent=false --disable-console-intercept`;
  execSync(cmd, { cwd: root, stdio: 'inherit' });
}
