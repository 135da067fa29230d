// Finding and launching a Chromium for the browser tests (Playwright) and for scripts.
//
// Plain ESM with JSDoc types, so Node scripts can import it directly and
// playwright.config.ts can import it too (types in browser.d.mts).
//
// Environment:
//   CHROMIUM_PATH=/path/to/chrome   use this browser (when Playwright has none downloaded)
//   DGL_GPU=1                       run on a real GPU (ANGLE on EGL) instead of SwiftShader

import fs from 'node:fs';
import { createRequire } from 'node:module';

/** System locations tried, in order, after Playwright's own browser and CHROMIUM_PATH. */
export const SYSTEM_CHROMIUM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
];

/**
 * Path of a Chromium executable:
 * 1. Playwright's own downloaded Chromium, if present on disk;
 * 2. else `process.env.CHROMIUM_PATH` (throws if set but missing);
 * 3. else the first existing of {@link SYSTEM_CHROMIUM_PATHS}.
 * Throws an Error explaining how to get one when none is found.
 * @returns {string}
 */
export function findChromium() {
  /** @type {string | undefined} */
  let playwrightPath;
  try {
    playwrightPath = playwrightChromiumPath();
  } catch {
    playwrightPath = undefined;
  }
  if (playwrightPath && fs.existsSync(playwrightPath)) return playwrightPath;

  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (fs.existsSync(fromEnv)) return fromEnv;
    throw new Error(
      `CHROMIUM_PATH is set to ${JSON.stringify(fromEnv)}, but no file exists there. ` +
        'Point it at a Chromium/Chrome executable, or unset it to search the usual places.',
    );
  }

  for (const p of SYSTEM_CHROMIUM_PATHS) {
    if (fs.existsSync(p)) return p;
  }

  throw new Error(
    [
      'No Chromium found for the browser tests. Looked for:',
      `  - Playwright's downloaded Chromium${playwrightPath ? ` (${playwrightPath})` : ''}`,
      '  - $CHROMIUM_PATH (not set)',
      ...SYSTEM_CHROMIUM_PATHS.map((p) => `  - ${p}`),
      'Get one with any of:',
      '  sudo apt-get install -y chromium        (Debian/Ubuntu)',
      '  npx playwright install chromium         (Playwright\'s own build)',
      '  export CHROMIUM_PATH=/path/to/chrome    (an existing Chrome/Chromium)',
    ].join('\n'),
  );
}

/**
 * Playwright's expected Chromium path (may not exist on disk). Loaded lazily
 * with require() so this module still loads where @playwright/test is not
 * installed yet (e.g. before `npm ci`); the caller catches any failure.
 * @returns {string}
 */
function playwrightChromiumPath() {
  const require = createRequire(import.meta.url);
  /** @type {{ chromium: { executablePath(): string } }} */
  const pw = require('@playwright/test');
  return pw.chromium.executablePath();
}

/**
 * Chromium command-line switches for headless WebGL2.
 * Default: SwiftShader (software, deterministic, works without a GPU).
 * `DGL_GPU=1` (or `{ gpu: true }`): ANGLE on EGL with the GPU blocklist ignored,
 * to run on a real GPU.
 * @param {{ gpu?: boolean }} [options]
 * @returns {string[]}
 */
export function chromiumArgs({ gpu = process.env.DGL_GPU === '1' } = {}) {
  const args = [
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-sandbox',
  ];
  if (gpu) {
    args.push('--use-angle=gl-egl', '--ignore-gpu-blocklist', '--enable-gpu');
  } else {
    args.push('--use-angle=swiftshader', '--enable-unsafe-swiftshader');
  }
  return args;
}

/**
 * Options for Playwright's `chromium.launch()` / `use.launchOptions`.
 * Throws (from {@link findChromium}) when no browser is found.
 * @param {{ gpu?: boolean }} [options]
 * @returns {{ executablePath: string, args: string[], headless: boolean }}
 */
export function launchOptions(options) {
  return { executablePath: findChromium(), args: chromiumArgs(options), headless: true };
}
