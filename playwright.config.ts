import { defineConfig } from '@playwright/test';
// findChromium() throws with instructions when no browser is found; letting it throw
// here makes that message the first thing `playwright test` prints.
import { launchOptions } from './scripts/browser.mjs';

// DGL_TEST_PORT moves the test server (e.g. to run two suites side by side).
const PORT = Number(process.env.DGL_TEST_PORT ?? 4179);
const BASE_URL = `http://127.0.0.1:${PORT}`;

export default defineConfig({
  testDir: 'test/browser',
  testMatch: '**/*.spec.ts',
  // The playground's tests need the Vite dev server and a fake camera: playwright.playground.config.ts.
  testIgnore: '**/playground.spec.ts',
  outputDir: 'test-results',
  // SwiftShader already keeps the CPU cores busy; parallel browsers only slow each other down.
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    baseURL: BASE_URL,
  },
  projects: [
    {
      name: 'chromium',
      // Software WebGL2 (SwiftShader) by default; DGL_GPU=1 runs on a real GPU.
      use: { browserName: 'chromium', launchOptions: launchOptions(), baseURL: BASE_URL },
    },
  ],
  webServer: {
    command: `node scripts/serve.mjs ${PORT}`,
    url: `${BASE_URL}/package.json`,
    reuseExistingServer: !process.env.CI,
    timeout: 30_000,
  },
});
