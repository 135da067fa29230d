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

function checkResult(r: any) {
  expect(r.layers.length).toBeGreaterThan(0);
  for (const row of r.layers) {
    expect(typeof row.name).toBe('string');
    for (const lib of LIBS) {
      // Compute is a slope, (median T(3K calls + wait) - median T(K calls + wait)) / 2K: on tiny
      // layers the noise may outweigh the 2K calls, so only finite is asserted; the K calls + read
      // figure beside it is a plain duration.
      expect(Number.isFinite(row[lib].computeMs), `${row.name} ${lib} computeMs ${row[lib].computeMs}`).toBe(true);
      expect(positive(row[lib].computeWithReadMs), `${row.name} ${lib} computeWithReadMs ${row[lib].computeWithReadMs}`).toBe(true);
      expect(row[lib].computeWithReadSamples.length).toBe(row[lib].computeSamples.length);
      expect(positive(row[lib].roundTripMs)).toBe(true);
      expect(positive(row[lib].firstCallMs)).toBe(true);
      expect(row[lib].gpuMs === null || typeof row[lib].gpuMs === 'number').toBe(true);
    }
    expect(row.longK).toBe(3 * row.K);
    expect(positive(row.ratio.computeWithRead)).toBe(true);
    expect(positive(row.ratio.roundTrip)).toBe(true);
    // Both libraries computed the same convolution.
    expect(row.maxAbsDiff).toBeLessThan(1e-4);
  }
  for (const k of ['computeWithRead', 'roundTrip', 'firstCall']) expect(positive(r.geomean[k])).toBe(true);
  expect(typeof r.renderer['depthwise-gl']).toBe('string');
  expect(r.tfjs.version).toBe('4.22.0');
  expect(r.tfjs.flags.WEBGL_PACK).toBe(true);
  expect(Object.keys(r.scaling).sort()).toEqual(['filter', 'multiplier', 'rate', 'size']);
  for (const rows of Object.values(r.scaling) as any[]) {
    for (const row of rows) for (const lib of LIBS) expect(positive(row[lib]), `${lib}: ${row[lib]}`).toBe(true);
  }
  expect(r.fused.length).toBeGreaterThan(0);
  for (const k of ['bias+relu6', 'bias+prelu']) expect(Number.isFinite(r.fusedOverhead[k]), `${k}: ${r.fusedOverhead[k]}`).toBe(true);
  // Everything the benchmark made was freed.
  expect(r.memoryAfter).toMatchObject({ tensors: 0, textures: 0, bytes: 0 });
  expect(r.memoryAfter.pooled.bytes).toBeLessThanOrEqual(64 * 1024 * 1024);
}

test('the benchmark page runs on tiny sizes and reports well-formed results (served cross-origin isolated, so Firefox and WebKit give a fine clock)', async ({ webPage: page }) => {
  await page.goto('/bench/index.html?isolated=1');
  await page.waitForFunction(() => window.benchReady === true);
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  const r = await page.evaluate(() => window.B.runBench({ tiny: true }));
  checkResult(r);
  const table = await page.evaluate((res) => window.B.formatTable(res), r);
  expect(table).toContain('| layer | ours compute ms | tfjs compute ms | ratio | with the read: ours ms | tfjs ms | ratio |');
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
