// The e2e suite drives Debian's Chromium (Playwright cannot download its own browser here).
// Install it when missing, so `npm test` works on a fresh machine of this kind.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (!existsSync(CHROMIUM)) {
  const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
  console.log(`Chromium not found at ${CHROMIUM}; installing Debian's chromium package…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execSync(`${sudo}apt-get update -qq && ${sudo}apt-get install -y -qq chromium fonts-noto-cjk`, { stdio: 'inherit', env });
  if (!existsSync(CHROMIUM)) {
    console.error(`Installing chromium did not produce ${CHROMIUM}. Set CHROMIUM_PATH to a Chromium binary.`);
    process.exit(1);
  }
}
