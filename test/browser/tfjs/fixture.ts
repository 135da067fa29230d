import { test as base, type EnginePage } from '../fixtures';

/**
 * A test whose worker shares one page with TF.js (window.tf), the built library (window.DGL)
 * and the helpers (window.T) loaded (test/browser/tfjs/page.html), the webgl backend ready,
 * then `setup` run in the page. Uncaught page errors fail the worker. Runs in every engine
 * (the base fixtures of ../fixtures.ts).
 */
export function tfjsTest(setup: () => Promise<void>) {
  return base.extend<object, { tfjs: EnginePage }>({
    tfjs: [async ({ engine }, use) => {
      const page = await engine.newPage();
      await page.goto('/test/browser/tfjs/page.html');
      await page.waitForFunction(() => (window as unknown as { tfjsReady?: boolean }).tfjsReady === true);
      await page.evaluate(() => (window as unknown as { T: { useBackend(n: string): Promise<void> } }).T.useBackend('webgl'));
      await page.evaluate(setup);
      await use(page);
      const errors = await page.pageErrors();
      await page.close();
      if (errors.length) throw new Error(`uncaught errors in the TF.js page:\n${errors.join('\n')}`);
    }, { scope: 'worker' }],
  });
}
