// The package as an app gets it (npm run test:package; needs npm run build first, and builds if
// dist/ is missing):
//
// 1. `npm pack --dry-run`: the tarball holds README, LICENSE, package.json and dist/ (ES modules
//    with a source map beside each, the classic scripts without, type declarations), every
//    `exports` target, and nothing else (no sources, tests, playground, benchmarks, shaders).
// 2. `npm pack`: at most 300 KB packed (MAX_PACKED); then a fresh app in a temporary folder, with its own package.json, installs the
//    tarball, @tensorflow/tfjs, vite and typescript (the versions this repository uses, so npm's
//    cache has them: --prefer-offline).
// 3. The app type-checks against the shipped .d.ts with moduleResolution `bundler` and `node16`
//    (its real TF.js namespace passed to registerTfjsKernels; wrong calls must be errors), and the
//    declarations alone pass with skipLibCheck off.
// 4. The size ceilings (scripts/size.mjs) hold for the installed package; issue 24's budgets are
//    printed met or NOT MET.
// 5. The app builds with its Vite, and in headless Chromium both its page (sub-path imports)
//    and a plain HTML page with the minified classic script run test/package/.app/checks.js:
//    the TF.js kernels on a small graph model match stock TF.js and stats() counts the calls;
//    the standalone API matches the reference; the inspector draws.
//
// The app's files are in test/package/.app (a dot folder, so the repository's own tsc, which
// cannot resolve `depthwise-gl` before a build, leaves them alone). DGL_KEEP_APP=1 keeps the
// temporary folder. Exit status 1 on any failure, with every failure listed.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { launchOptions } from '../../scripts/browser.mjs';
import { checkBudgets, formatSizes, measure } from '../../scripts/size.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const APP_FILES = path.join(REPO_ROOT, 'test', 'package', '.app');
/** The tarball's budget, packed (gzipped), in bytes (issue 24: it was 808 KB, mostly source maps). */
const MAX_PACKED = 300_000;
const started = Date.now();
const failures = [];

function step(message) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}`);
}

/** Runs a command, its output shown only when it fails (then it throws). */
function run(cmd, args, cwd) {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/** The version of `name` installed here, for the app to ask npm's cache for the same. */
function installedVersion(name) {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/** Every file path the package's `exports` map points to. */
function exportTargets(exports) {
  return typeof exports === 'string' ? [exports] : Object.values(exports).flatMap(exportTargets);
}

/**
 * An entry file that only re-exports from chunks (`export { ... } from`, or imports and an
 * `export { ... }` of them): nothing to map (the bundler writes no map).
 */
function reExportsOnly(file) {
  return /^(?:\s*(?:import\s*\{[^}]*\}\s*from\s*"[^"]+"|export\s*\{[^}]*\}(?:\s*from\s*"[^"]+")?)\s*;)+\s*$/.test(fs.readFileSync(file, 'utf8'));
}

/** The tarball's file list checked against what it must and must not hold; failures pushed. */
function checkFileList(files, pkg) {
  const names = new Set(files);
  const must = ['README.md', 'LICENSE', 'package.json', ...exportTargets(pkg.exports).map((p) => p.replace(/^\.\//, ''))];
  for (const m of must) if (!names.has(m)) failures.push(`tarball: ${m} is missing`);
  for (const f of files) {
    // The ES builds carry a map each (our TypeScript, comments stripped); the classic scripts none.
    const classic = /\.iife(?:\.min)?\.js$/.test(f);
    if (f.endsWith('.js') && !classic && !names.has(`${f}.map`) && !reExportsOnly(path.join(REPO_ROOT, f))) {
      failures.push(`tarball: ${f} has no source map beside it`);
    }
    if (classic && names.has(`${f}.map`)) failures.push(`tarball: ${f}.map ships (the classic scripts' maps were most of the tarball)`);
    const allowed = ['README.md', 'LICENSE', 'package.json'].includes(f) || /^dist\/(?:types\/.*\.d\.ts|[\w/.-]+\.js(?:\.map)?)$/.test(f);
    if (!allowed) failures.push(`tarball: stray file ${f}`);
  }
}

/** Every request under `origin` answered from the app folder (the page's root is Vite's dist/). */
async function servePages(page, origin, app) {
  const built = path.join(app, 'dist');
  await page.route(`${origin}/**`, (route) => {
    const url = new URL(route.request().url());
    const rel = decodeURIComponent(url.pathname).replace(/^\/+/, '') || 'index.html';
    const file = [path.join(built, rel), path.join(app, rel)].find((f) => f.startsWith(app) && fs.existsSync(f) && fs.statSync(f).isFile());
    return file ? route.fulfill({ path: file }) : route.fulfill({ status: 404, body: `not found: ${rel}` });
  });
}

/** Opens `url` and returns what its window.result resolves to. */
async function pageResult(browser, origin, app, url) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await servePages(page, origin, app);
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: 60_000 });
    const result = await page.evaluate(() => window.result);
    return { ...result, failures: [...result.failures, ...errors.map((e) => `page error: ${e}`)] };
  } finally {
    await page.close();
  }
}

async function main() {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'types', 'index.d.ts'))) {
    step('dist/ is not built: npm run build');
    run('npm', ['run', 'build'], REPO_ROOT);
  }

  step('npm pack --dry-run');
  const [dry] = JSON.parse(run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], REPO_ROOT));
  checkFileList(dry.files.map((f) => f.path), pkg);

  const app = fs.mkdtempSync(path.join(os.tmpdir(), 'dgl-consumer-'));
  try {
    const [packed] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', app], REPO_ROOT));
    step(`${packed.filename}: ${(packed.size / 1000).toFixed(1)} KB packed, ${(packed.unpackedSize / 1000).toFixed(1)} KB unpacked, ${packed.entryCount} files`);
    if (packed.size > MAX_PACKED) failures.push(`tarball: ${packed.size} bytes packed, over its budget of ${MAX_PACKED} (issue 24)`);

    fs.cpSync(APP_FILES, app, { recursive: true });
    fs.writeFileSync(path.join(app, 'package.json'), `${JSON.stringify({
      name: 'depthwise-gl-consumer',
      private: true,
      type: 'module',
      dependencies: {
        'depthwise-gl': `file:./${packed.filename}`,
        '@tensorflow/tfjs': installedVersion('@tensorflow/tfjs'),
      },
      devDependencies: { vite: installedVersion('vite'), typescript: installedVersion('typescript') },
    }, null, 2)}\n`);
    step(`app in ${app}: npm install --prefer-offline`);
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], app);

    // tsconfig.declarations.json: node16 with skipLibCheck off, over the package's declarations alone.
    for (const config of ['bundler', 'node16', 'declarations']) {
      step(`tsc -p tsconfig.${config}.json`);
      try {
        run(process.execPath, [path.join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', `tsconfig.${config}.json`], app);
      } catch (e) {
        failures.push(`type check (${config}): ${e.message}`);
      }
    }

    step('sizes (scripts/size.mjs) of the installed package: ceilings enforced, budgets printed');
    const sizes = await measure(path.join(app, 'node_modules', 'depthwise-gl'));
    console.log(formatSizes(sizes).replace(/^/gm, '        '));
    failures.push(...checkBudgets(sizes));

    step('vite build');
    run(process.execPath, [path.join(app, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], app);

    step('browser: the app page and the classic-script page');
    const browser = await chromium.launch(launchOptions());
    try {
      const origin = 'http://consumer.test';
      const pages = { 'app page (ES modules)': '/index.html', 'classic page (iife.min.js)': '/classic.html' };
      const exportsSeen = {};
      for (const [name, url] of Object.entries(pages)) {
        const { failures: pageFailures, facts } = await pageResult(browser, origin, app, `${origin}${url}`);
        console.log(`        ${name}: ${JSON.stringify({ ...facts, rootExports: undefined })}`);
        failures.push(...pageFailures.map((f) => `${name}: ${f}`));
        exportsSeen[name] = String(facts.rootExports);
      }
      const [esm, classic] = Object.values(exportsSeen);
      if (esm !== classic) failures.push(`window.DepthwiseGL (${classic}) is not the root's exports (${esm})`);
    } finally {
      await browser.close();
    }
  } finally {
    if (process.env.DGL_KEEP_APP) console.log(`app kept in ${app}`);
    else fs.rmSync(app, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (e) {
  failures.push(e instanceof Error ? e.message : String(e));
}
step(failures.length ? `${failures.length} failure(s):` : 'package test passed');
for (const f of failures) console.error(`  - ${f}`);
process.exitCode = failures.length ? 1 : 0;
