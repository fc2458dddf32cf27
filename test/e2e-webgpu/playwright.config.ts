import { defineConfig } from '@playwright/test';

// The WebGPU operator checks: graphs built by src/lib/models run in Debian's Chromium on
// onnxruntime-web's native WebGPU provider (SwiftShader on CPU-only machines, fp32 only).
// Run: npx playwright test -c test/e2e-webgpu
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  timeout: 120_000,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--disable-quic', '--disable-default-apps',
      ],
    },
  },
});
