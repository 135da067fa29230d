import { selectedEngines, startXvfb, ENGINES } from '../../scripts/engines.mjs';

/**
 * Once per `playwright test` run: says which engines run (DGL_ENGINES narrows them on purpose),
 * and starts the X display that headed Firefox and WebKit need. The display, and every browser
 * the workers start, dies with this run even when it is killed (scripts/engines.mjs watchdogs).
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const { engines, skipped } = selectedEngines();
  console.log(`Engines: ${engines.join(', ')}${skipped.length ? `. NOT RUN (DGL_ENGINES=${process.env.DGL_ENGINES}): ${skipped.join(', ')}` : ` (all ${ENGINES.length})`}`);
  if (!engines.some((e) => e !== 'chromium') || process.env.DGL_DISPLAY) return async () => {};
  const xvfb = await startXvfb();
  process.env.DGL_DISPLAY = xvfb.display;
  return () => xvfb.close();
}
