import { test as base, type Page } from '@playwright/test';

/**
 * A Playwright test whose worker shares one page with TF.js (window.tf), the built library
 * (window.DGL) and the helpers (window.T) loaded (test/browser/tfjs/page.html), the webgl
 * backend ready, then `setup` run in the page. Uncaught page errors fail the worker.
 */
export function tfjsTest(setup: () => Promise<void>) {
  return base.extend<object, { tfjs: Page }>({
    tfjs: [async ({ browser }, use) => {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto('/test/browser/tfjs/page.html');
      await page.waitForFunction(() => (window as unknown as { tfjsReady?: boolean }).tfjsReady === true);
      await page.evaluate(() => (window as unknown as { T: { useBackend(n: string): Promise<void> } }).T.useBackend('webgl'));
      await page.evaluate(setup);
      await use(page);
      await page.close();
      if (errors.length) throw new Error(`uncaught errors in the TF.js page:\n${errors.join('\n')}`);
    }, { scope: 'worker' }],
  });
}
