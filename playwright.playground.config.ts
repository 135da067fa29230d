import { defineConfig } from '@playwright/test';
import { launchOptions } from './scripts/browser.mjs';
import { selectedEngines } from './scripts/engines.mjs';

// The playground's browser tests, against the Vite dev server (`npm start`'s server):
// - playground-engines.spec.ts in every engine (projects named after them; DGL_ENGINES narrows);
// - playground.spec.ts in Chromium with a fake camera, two browsers: one that grants the camera
//   (fake UI accepts the prompt), one that does not (headless Chromium denies the prompt).
//   npx playwright test -c playwright.playground.config.ts
// DGL_PLAYGROUND_PORT moves the playground test server.
const PORT = Number(process.env.DGL_PLAYGROUND_PORT ?? 4180);
const BASE_URL = `http://127.0.0.1:${PORT}`;
const { engines } = selectedEngines();
const fakeCamera = '--use-fake-device-for-media-stream';
const chromiumProjects = () => {
  const base = launchOptions();
  return [
    {
      name: 'camera',
      testMatch: 'playground.spec.ts',
      grepInvert: /@no-camera/,
      use: {
        browserName: 'chromium' as const,
        launchOptions: { ...base, args: [...base.args, fakeCamera, '--use-fake-ui-for-media-stream'] },
      },
    },
    {
      name: 'no-camera',
      testMatch: 'playground.spec.ts',
      grep: /@no-camera/,
      use: { browserName: 'chromium' as const, launchOptions: { ...base, args: [...base.args, fakeCamera] } },
    },
  ];
};

export default defineConfig({
  testDir: 'test/browser',
  testMatch: 'playground*.spec.ts',
  outputDir: 'test-results/playground',
  globalSetup: './test/browser/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  timeout: 180_000,
  expect: { timeout: 60_000 },
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: { baseURL: BASE_URL, viewport: { width: 1400, height: 1000 } },
  projects: [
    ...(engines.includes('chromium') ? chromiumProjects() : []),
    ...engines.map((name) => ({ name, testMatch: 'playground-engines.spec.ts', use: { baseURL: BASE_URL } })),
  ],
  webServer: {
    // tied.mjs: the server dies with this run, even when the run is killed.
    command: `node scripts/tied.mjs ${process.pid} -- npx vite serve playground --config playground/vite.test.config.ts --port ${PORT} --strictPort --host 127.0.0.1`,
    url: `${BASE_URL}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
