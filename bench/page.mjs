// One bench page in one engine, for the bench's probes (probe-llvmpipe.mjs, census.mjs): the
// repository served cross-origin isolated (fine-grained performance.now() in every engine), an
// Xvfb display for Firefox and WebKit unless one is given, the engine launched, and the TF.js
// bench's page (bench/tfjs.html: its one TF.js, the built library) opened with
// bench/<module>.js imported into it as window.P.
// `fn(page, engine)` does the work; the page's errors are printed after it, and everything is
// closed whatever happens.
import { launchEngine, startXvfb } from '../scripts/engines.mjs';
import { startServer } from '../scripts/serve.mjs';

/**
 * @template T
 * @param {{ engine: string, module: string }} where
 * @param {(page: any, engine: any) => Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function withBenchPage({ engine: name, module }, fn) {
  const server = await startServer({ port: 0, isolated: true });
  let xvfb = null;
  let engine = null;
  try {
    if (name !== 'chromium' && !process.env.DGL_DISPLAY && !process.env.DISPLAY) {
      xvfb = await startXvfb();
      process.env.DGL_DISPLAY = xvfb.display;
    }
    engine = await launchEngine(name, { baseURL: server.url });
    const page = await engine.newPage();
    await page.goto(`${server.url}bench/tfjs.html`);
    await page.waitForFunction(() => window.tfjsBenchReady === true, null, { timeout: 120_000 });
    if (!/^[a-z][a-z-]*$/.test(module)) throw new Error(`withBenchPage: ${module} is not a bench module's name`);
    await page.evaluate(async (name) => { window.P = await import(`/bench/${name}.js`); }, module);
    const value = await fn(page, engine);
    const errors = await page.pageErrors();
    if (errors.length) console.log(`page errors:\n${errors.join('\n')}`);
    return value;
  } finally {
    await engine?.close();
    await server.close();
    await xvfb?.close();
  }
}
