// `npm run bench`: runs bench/index.html in headless Chromium (the same browser discovery as the
// tests, scripts/browser.mjs; DGL_GPU=1 for a real GPU), prints the tables and writes the result.
//
//   node bench/run.mjs [--quick] [--tiny] [--out FILE] [--layers 112x112x32/s1,...]
//                      [--no-scaling] [--no-fused] [--K n] [--reps n]
//
// Writes bench/results.json by default (--tiny writes nothing unless --out is given).
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { launchOptions } from '../scripts/browser.mjs';
import { REPO_ROOT, startServer } from '../scripts/serve.mjs';

function parseArgs(argv) {
  const o = { quick: false, tiny: false, out: undefined, scaling: true, fused: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`bench: ${a} needs a value`);
      return argv[++i];
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--tiny') o.tiny = true;
    else if (a === '--out') o.out = next();
    else if (a === '--layers') o.layers = next().split(',');
    else if (a === '--no-scaling') o.scaling = false;
    else if (a === '--no-fused') o.fused = false;
    else if (a === '--K') o.K = Number(next());
    else if (a === '--reps') o.reps = Number(next());
    else throw new Error(`bench: unknown argument ${a}`);
  }
  return o;
}

const args = parseArgs(process.argv.slice(2));
const outFile = args.out ?? (args.tiny ? undefined : path.join(REPO_ROOT, 'bench', 'results.json'));
if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'depthwise-gl.js'))) {
  console.error('bench: dist/depthwise-gl.js is missing; run `npm run build` first (npm run bench does).');
  process.exit(1);
}

const server = await startServer({ port: 0 });
const browser = await chromium.launch(launchOptions());
let code = 0;
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`); });
  await page.goto(`${server.url}bench/index.html`);
  await page.waitForFunction(() => window.benchReady === true, null, { timeout: 60_000 });
  const { quick, tiny, layers, scaling, fused, K, reps } = args;
  const result = await page.evaluate((o) => window.B.runBench(o), { quick, tiny, layers, scaling, fused, K, reps });
  result.browser = `Chromium ${browser.version()}`;
  result.gpuLaunch = process.env.DGL_GPU === '1';
  const table = await page.evaluate((r) => window.B.formatTable(r), result);
  console.log(`${result.browser}${result.software ? ' — SwiftShader/software renderer: a CPU, not a GPU; compare ratios only' : ''}`);
  console.log(table);
  console.log(`\n${result.seconds} s in the page`);
  if (errors.length) console.log(`page errors:\n${errors.join('\n')}`);
  if (outFile) {
    fs.writeFileSync(outFile, `${JSON.stringify({ ...result, table }, null, 2)}\n`);
    console.log(`wrote ${path.relative(process.cwd(), outFile)}`);
  }
} catch (e) {
  console.error(e);
  code = 1;
} finally {
  await browser.close();
  await server.close();
}
process.exit(code);
