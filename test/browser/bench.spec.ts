import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test, expect, engineOf } from './fixtures';

// The benchmark is not a test: these check only that it runs (on tiny sizes) and that what it
// reports is well formed. No timing is asserted.

declare global {
  interface Window {
    B: any;
    benchReady?: boolean;
  }
}

const LIBS = ['depthwise-gl', 'tfjs-webgl'];
const positive = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x > 0;

/** coarseClock: performance.now() in steps of about 1 ms (Firefox, WebKit without cross-origin isolation). */
function checkResult(r: any, coarseClock = false) {
  expect(r.layers.length).toBeGreaterThan(0);
  for (const row of r.layers) {
    expect(typeof row.name).toBe('string');
    for (const lib of LIBS) {
      expect(positive(row[lib].computeMs), `${row.name} ${lib} computeMs ${row[lib].computeMs}`).toBe(true);
      expect(positive(row[lib].roundTripMs)).toBe(true);
      expect(positive(row[lib].firstCallMs)).toBe(true);
      expect(row[lib].gpuMs === null || typeof row[lib].gpuMs === 'number').toBe(true);
    }
    expect(positive(row.ratio.compute)).toBe(true);
    expect(positive(row.ratio.roundTrip)).toBe(true);
    // Both libraries computed the same convolution.
    expect(row.maxAbsDiff).toBeLessThan(1e-4);
  }
  for (const k of ['compute', 'roundTrip', 'firstCall']) expect(positive(r.geomean[k])).toBe(true);
  expect(typeof r.renderer['depthwise-gl']).toBe('string');
  expect(r.tfjs.version).toBe('4.22.0');
  expect(r.tfjs.flags.WEBGL_PACK).toBe(true);
  expect(Object.keys(r.scaling).sort()).toEqual(['filter', 'multiplier', 'rate', 'size']);
  for (const rows of Object.values(r.scaling) as any[]) {
    // The scaling series time single tiny calls: 0 ms is a real reading of a 1 ms clock.
    for (const row of rows) for (const lib of LIBS) expect(positive(row[lib]) || (coarseClock && row[lib] === 0), `${lib}: ${row[lib]}`).toBe(true);
  }
  expect(r.fused.length).toBeGreaterThan(0);
  // An overhead is a ratio to the plain call's time, which a 1 ms clock may read as 0 on a tiny layer.
  for (const k of ['bias+relu6', 'bias+prelu']) {
    expect(Number.isFinite(r.fusedOverhead[k]) || (coarseClock && r.fused.some((f: any) => !(f['depthwise-gl'].plain > 0))), `${k}: ${r.fusedOverhead[k]}`).toBe(true);
  }
  // Everything the benchmark made was freed.
  expect(r.memoryAfter).toMatchObject({ tensors: 0, textures: 0, bytes: 0 });
  expect(r.memoryAfter.pooled.bytes).toBeLessThanOrEqual(64 * 1024 * 1024);
}

test('the benchmark page runs on tiny sizes and reports well-formed results (firefox, webkit: a 1 ms clock here, so a tiny scaling call may time 0)', async ({ webPage: page }) => {
  await page.goto('/bench/index.html');
  await page.waitForFunction(() => window.benchReady === true);
  const r = await page.evaluate(() => window.B.runBench({ tiny: true }));
  const isolated = await page.evaluate(() => self.crossOriginIsolated === true);
  checkResult(r, engineOf() !== 'chromium' && !isolated);
  const table = await page.evaluate((res) => window.B.formatTable(res), r);
  expect(table).toContain('| layer | ours compute ms | tfjs compute ms | ratio |');
  expect(table).toContain('**geometric mean**');
  expect(table).toContain('Scaling by filter');
});

test('bench/run.mjs (npm run bench) writes well-formed JSON (a Node script: run once, in the chromium project)', async () => {
  test.skip(engineOf() !== 'chromium', 'a Node script that launches its own browser: run once, in the chromium project');
  test.setTimeout(180_000);
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dgl-bench-')), 'results.json');
  const { stdout } = await promisify(execFile)(process.execPath, ['bench/run.mjs', '--tiny', '--out', out], { cwd: fileURLToPath(new URL('../..', import.meta.url)) });
  expect(stdout).toContain('**geometric mean**');
  const r = JSON.parse(fs.readFileSync(out, 'utf8'));
  checkResult(r);
  expect(r.browser).toMatch(/Chromium/);
  expect(typeof r.date).toBe('string');
  expect(r.table).toContain('| layer |');
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
});
