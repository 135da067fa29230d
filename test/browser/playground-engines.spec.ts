// The playground (npm start's Vite server) in every engine (playwright.playground.config.ts's
// chromium, firefox and webkit projects), through the engine-neutral page only: it loads, filter
// mode draws moving frames from the test pattern, model mode finds the same faces on a sample
// photo with depthwise-gl's kernels on and off. Chromium's own deeper checks (fake camera, the
// inspector, the layer debugger, clicks and drops): playground.spec.ts.
import { test, expect, engineOf, type EnginePage } from './fixtures';
import { expectSameFaces, type Det } from './faces';

const SHOTS = 'test-results/playground';

interface PG { frames: number; error: string; source: string | null }
interface ModelPG {
  inferences: number; kernelsOn: boolean; detections: Det[]; renderer: string; software: boolean | null;
  timings: { on: { median: number; count: number }; off: { median: number; count: number } };
  stats: { calls: number; fallbacks: number; delegated?: number; lastFallback: string | null } | null;
}

const pg = (page: EnginePage) => page.evaluate(() => {
  const p = (window as unknown as { playground: PG }).playground;
  return { frames: p.frames, error: p.error, source: p.source };
});

const model = (page: EnginePage) => page.evaluate(() => {
  const m = (window as unknown as { playgroundModel: ModelPG }).playgroundModel;
  return { inferences: m.inferences, kernelsOn: m.kernelsOn, detections: m.detections, renderer: m.renderer, software: m.software, timings: m.timings, stats: m.stats };
});

test('filter mode: loads, draws moving frames from the test pattern, no errors', async ({ webPage: page }) => {
  test.setTimeout(240_000);
  await page.setViewport(1400, 1000);
  await page.goto('/?source=pattern');
  await page.waitForFunction(() => ((window as unknown as { playground?: PG }).playground?.frames ?? 0) >= 3, undefined, { timeout: 150_000 });
  const grab = () => page.evaluate(() => (document.querySelector('.output-canvas') as HTMLCanvasElement).toDataURL());
  const a = await grab();
  const start = (await pg(page)).frames;
  await page.waitForFunction((s) => (window as unknown as { playground: PG }).playground.frames >= s + 3, start, { timeout: 120_000 });
  const b = await grab();
  const s = await pg(page);
  expect(s.source).toBe('pattern');
  expect(s.error).toBe('');
  expect(a.length).toBeGreaterThan(1000); // a drawn frame, not an empty canvas
  expect(b).not.toBe(a); // the pattern moves, so consecutive outputs differ
  const info = await page.evaluate(() => document.querySelector('#info')?.textContent ?? document.body.textContent ?? '');
  expect(info).toMatch(/WebGL2 on /);
  await page.screenshot(`${SHOTS}/filter-${engineOf()}.png`);
});

test('model mode: a sample photo, the same faces with the kernels on and off', async ({ webPage: page }) => {
  test.setTimeout(480_000);
  await page.setViewport(1400, 1000);
  await page.goto('/?mode=model&source=photo:1');
  await page.waitForFunction(() => ((window as unknown as { playgroundModel?: ModelPG }).playgroundModel?.timings.on.count ?? 0) >= 2, undefined, { timeout: 300_000 });
  const on = await model(page);
  expect(on.kernelsOn).toBe(true);
  expect(on.detections.length).toBeGreaterThanOrEqual(1);
  expect(on.stats!.fallbacks).toBe(0);
  // Served by depthwise-gl, or handed to TF.js's kernel where tuning measured it faster here.
  expect(on.stats!.calls + (on.stats!.delegated ?? 0)).toBeGreaterThan(0);
  const warning = await page.evaluate(() => document.querySelector('#model-warning')?.textContent ?? '');
  if (on.software === true) expect(warning).toContain('software renderer');
  if (on.software === null) expect(warning).toContain('masks its renderer');
  await page.screenshot(`${SHOTS}/model-${engineOf()}.png`);

  await page.evaluate(() => (document.querySelector('#kernels-on') as HTMLInputElement).click());
  await page.waitForFunction(() => {
    const m = (window as unknown as { playgroundModel: ModelPG }).playgroundModel;
    return !m.kernelsOn && m.timings.off.count >= 2;
  }, undefined, { timeout: 300_000 });
  const off = await model(page);
  expectSameFaces(on.detections, off.detections);
  const t = off.timings;
  console.log(`[${engineOf()}] model mode (TinyFaceDetector, sample photo 1, ${off.renderer}): ${on.detections.length} faces; median ms on ${t.on.median.toFixed(0)}, off ${t.off.median.toFixed(0)}`);
});
