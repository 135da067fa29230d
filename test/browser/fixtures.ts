import { test as base, expect } from '@playwright/test';
import { launchEngine, type Engine, type EngineName, type EnginePage } from '../../scripts/engines.mjs';

export type { Engine, EngineName, EnginePage };

/**
 * The engine-neutral fixtures every browser spec uses (playwright.config.ts has a project per
 * engine, named after it):
 * - `engine` (worker): the project's browser, launched once per worker (scripts/engines.mjs);
 * - `webPage` (test): a fresh page in it, closed after the test; uncaught page errors fail it;
 * - `harness` (worker): a page with the built library loaded (window.DGL) and the in-page
 *   helpers (window.H), shared by every test of a worker so contexts and programs are reused.
 * Specs talk to pages through EnginePage (goto, evaluate, waitForFunction, ...) only.
 */
export const test = base.extend<{ webPage: EnginePage }, { engine: Engine; harness: EnginePage }>({
  engine: [async ({}, use, workerInfo) => {
    const engine = await launchEngine(workerInfo.project.name as EngineName, { baseURL: workerInfo.project.use.baseURL! });
    await use(engine);
    await engine.close();
  }, { scope: 'worker', timeout: 120_000 }],
  harness: [async ({ engine }, use) => {
    const page = await engine.newPage();
    await page.goto('/test/browser/harness.html');
    await page.waitForFunction(() => (window as unknown as { harnessReady?: boolean }).harnessReady === true);
    await use(page);
    const errors = await page.pageErrors();
    await page.close();
    if (errors.length) throw new Error(`uncaught errors in the harness page:\n${errors.join('\n')}`);
  }, { scope: 'worker' }],
  webPage: async ({ engine }, use) => {
    const page = await engine.newPage();
    await use(page);
    const errors = await page.pageErrors();
    await page.close();
    expect(errors, 'uncaught errors in the page').toEqual([]);
  },
});

export { expect };

/** The engine a test runs in (its project's name). */
export function engineOf(): EngineName {
  return test.info().project.name as EngineName;
}

/** A test name from a case's parameters, e.g. input=1x3x3x1,f=2x2,s=1x1,d=1x1,p=VALID,chMul=1,NHWC. */
export function caseName(cfg: {
  input: number[]; filter: number[]; strides: number[]; padding: unknown; rate?: number[] | null; dataFormat?: string;
}): string {
  const fmt = cfg.dataFormat ?? 'NHWC';
  const [sh, sw] = fmt === 'NHWC' ? [cfg.strides[1], cfg.strides[2]] : [cfg.strides[2], cfg.strides[3]];
  const rate = cfg.rate ?? [1, 1];
  const pad = typeof cfg.padding === 'string' ? cfg.padding : JSON.stringify(cfg.padding).replace(/"/g, '');
  return `input=${cfg.input.join('x')},f=${cfg.filter[0]}x${cfg.filter[1]},s=${sh}x${sw},d=${rate.join('x')},p=${pad},chMul=${cfg.filter[3]},${fmt}`;
}
