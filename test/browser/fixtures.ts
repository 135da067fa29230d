import { test as base, expect, type Page } from '@playwright/test';

/**
 * A page with the built library loaded (window.DGL) and the in-page helpers (window.H),
 * shared by every test of a worker so contexts and compiled programs are reused.
 */
export const test = base.extend<object, { harness: Page }>({
  harness: [async ({ browser }, use) => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto('/test/browser/harness.html');
    await page.waitForFunction(() => (window as unknown as { harnessReady?: boolean }).harnessReady === true);
    await use(page);
    await page.close();
    if (errors.length) throw new Error(`uncaught errors in the harness page:\n${errors.join('\n')}`);
  }, { scope: 'worker' }],
});

export { expect };

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
