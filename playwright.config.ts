import { defineConfig } from '@playwright/test';
// selectedEngines() throws, naming the command that installs what is missing, when an engine
// asked for (by default all three) cannot run here: that message is what `playwright test` prints.
import { selectedEngines } from './scripts/engines.mjs';

// DGL_TEST_PORT moves the test server (e.g. to run two suites side by side).
const PORT = Number(process.env.DGL_TEST_PORT ?? 4179);
const BASE_URL = `http://127.0.0.1:${PORT}`;

// One project per engine (test/browser/fixtures.ts launches it by the project's name), run one
// after another: Chromium (SwiftShader), Firefox ESR (Mesa llvmpipe), WebKitGTK's MiniBrowser.
// DGL_ENGINES=chromium,firefox narrows the list on purpose; the global setup says what did not run.
const { engines } = selectedEngines();

export default defineConfig({
  testDir: 'test/browser',
  testMatch: '**/*.spec.ts',
  // The playground's tests need the Vite dev server: playwright.playground.config.ts.
  testIgnore: ['**/playground*.spec.ts'],
  outputDir: 'test-results',
  globalSetup: './test/browser/global-setup.ts',
  // Software GL already keeps the CPU cores busy; parallel browsers only slow each other down.
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: { baseURL: BASE_URL },
  // Firefox and WebKit compile shaders on llvmpipe, several times slower than SwiftShader: they run
  // a fixed subset of the two long seeded sweeps (tests named @full-sweep-only are Chromium's alone)
  // unless DGL_FULL_SWEEPS=1.
  projects: engines.map((name) => ({
    name,
    use: { baseURL: BASE_URL },
    ...(name !== 'chromium' && process.env.DGL_FULL_SWEEPS !== '1' ? { grepInvert: /@full-sweep-only/ } : {}),
  })),
  webServer: {
    // tied.mjs: the server dies with this run, even when the run is killed.
    command: `node scripts/tied.mjs ${process.pid} -- node scripts/serve.mjs ${PORT}`,
    url: `${BASE_URL}/package.json`,
    reuseExistingServer: !process.env.CI,
    timeout: 30_000,
  },
});
