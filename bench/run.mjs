// `npm run bench`: runs the benchmark in headless Chromium (the same browser discovery as the
// tests, scripts/browser.mjs; DGL_GPU=1 for a real GPU), prints the tables and writes the results.
// Two sections, each in its own browser:
//   1. bench/index.html (bench/bench.js): depthwise-gl's own API against tfjs-backend-webgl;
//   2. bench/tfjs.html (bench/tfjs.js): TF.js with and without depthwise-gl's kernels
//      (registerTfjsKernels): kernels, steady-state model predicts, and the first predict of
//      each model in a fresh browser (one Chromium launch per measurement).
//
//   node bench/run.mjs [--engine chromium|firefox|webkit|all] [--quick] [--tiny] [--out FILE] [--layers 112x112x32/s1,...]
//                      [--no-scaling] [--no-fused] [--K n] [--reps n] [--port n]
//                      [--no-tfjs | --tfjs-only | --tfjs] [--tfjs-out FILE]
//                      [--models id,...] [--no-tfjs-kernels] [--no-tfjs-models] [--no-first-predict]
//                      [--model-reps n] [--first-reps n] [--tfjs-switch dispatch|register] [--floor]
//                      [--tfjs-options JSON]   (registerTfjsKernels's options, e.g. '{"direct":false}')
//                      [--driver-cache cold|warm] [--no-steady]
//
// --layers, --K, --reps, --quick apply to both sections (the TF.js section also takes any
// 'HxWxC/sS' in --layers: batch 1, 3x3, SAME). --tiny: small shapes, the TF.js section
// skipped unless --tfjs is given (then tiny layers, no models unless --models). Model ids:
// nsfw-mobilenet-v2, tiny-face-detector, ssd-mobilenet-v1, and the graph-model corpus human-blazeface,
// human-facemesh, human-iris, human-emotion, human-faceres, human-handlandmark-lite,
// human-movenet-lightning, human-centernet, human-handtrack (--models corpus: those nine).
// --floor: the models' steady state in a third mode beside stock and ours, every depthwise call
// drawing nothing (an empty output texture of stock's shape): its ratio to stock is the best any
// depthwise kernel could give a model on this engine, and (ours - free) / (stock - free) is ours'
// depthwise time against stock's inside the model (needs --tfjs-switch dispatch; 1.5x the time).
// --driver-cache (the fresh-browser first predicts only): cold (default), each launch with Mesa's
// on-disk shader cache off (MESA_SHADER_CACHE_DISABLE=true), so Firefox and WebKit on llvmpipe
// compile every program, as on a first visit; warm, the cache on and filled first by one
// discarded launch per model and mode, as on a return visit. Without it, every launch after a
// shader's first compile found it in ~/.cache/mesa_shader_cache: a first predict measured there
// took ~10x less (Firefox, Emotion: 0.55 s against 6 s; bench/RESULTS.md, issue 23's ninth pass).
// Chromium has no such cache here (SwiftShader; Playwright gives each launch a new profile): its
// launches are cold either way, and warm is refused for it. --no-steady: the TF.js section without
// the models' steady state (kernels and first predicts only). A fresh launch whose first predict
// does not answer in 240 s (DGL_LAUNCH_LIMIT_MS) is closed and launched again, once; a second
// such launch stops the run.
// --port 0 (default): a free port.
// Writes bench/results.json and bench/results-tfjs.json by default (--tiny writes nothing unless
// --out / --tfjs-out is given); for another engine than Chromium, results-<engine>.json and
// results-tfjs-<engine>.json (--out / --tfjs-out get the engine's name before .json with
// --engine all). --engine (default chromium): the engines of scripts/engines.mjs, each in turn,
// every section in each, then the issue's targets met or missed per engine. The pages are served
// cross-origin isolated (COOP/COEP), so performance.now() has its fine resolution in every engine;
// each result says which clock it had (clock: isolated, resolution in ms). Exits 1 when a TF.js-section check failed (a fallback, or a sample
// "ours" that did not run on depthwise-gl), after printing and writing everything.
import fs from 'node:fs';
import path from 'node:path';
import { ENGINES, launchEngine, startXvfb } from '../scripts/engines.mjs';
import { REPO_ROOT, startServer } from '../scripts/serve.mjs';
import { engineTargets, formatTargets } from './targets.js';
import { formatTfjsTable, summarizeFirst } from './tfjs-report.js';

/** bench/models.js's MODELS (a browser module: its ids are listed here too). */
const CORPUS_IDS = ['blazeface', 'facemesh', 'iris', 'emotion', 'faceres', 'handlandmark-lite', 'movenet-lightning', 'centernet', 'handtrack'].map((id) => `human-${id}`);
const MODEL_IDS = ['nsfw-mobilenet-v2', 'tiny-face-detector', 'ssd-mobilenet-v1', ...CORPUS_IDS];

function parseArgs(argv) {
  const o = { engine: 'chromium', quick: false, tiny: false, out: undefined, scaling: true, fused: true, port: 0, main: true, tfjs: undefined, tfjsKernels: true, tfjsModels: true, firstPredict: true, tfjsSwitch: 'dispatch', driverCache: 'cold', steady: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`bench: ${a} needs a value`);
      return argv[++i];
    };
    const int = (min = 0) => {
      const v = Number(next());
      if (!Number.isInteger(v) || v < min) throw new Error(`bench: ${a} needs an integer >= ${min}`);
      return v;
    };
    if (a === '--engine') o.engine = next();
    else if (a === '--quick') o.quick = true;
    else if (a === '--tiny') o.tiny = true;
    else if (a === '--out') o.out = next();
    else if (a === '--layers') o.layers = next().split(',');
    else if (a === '--no-scaling') o.scaling = false;
    else if (a === '--no-fused') o.fused = false;
    else if (a === '--K') o.K = int(1);
    else if (a === '--reps') o.reps = int(1);
    else if (a === '--port') o.port = int(0);
    else if (a === '--no-tfjs') o.tfjs = false;
    else if (a === '--tfjs') o.tfjs = true;
    else if (a === '--tfjs-only') { o.tfjs = true; o.main = false; }
    else if (a === '--tfjs-out') o.tfjsOut = next();
    else if (a === '--models') o.models = next().split(',').filter(Boolean).flatMap((m) => (m === 'corpus' ? CORPUS_IDS : [m]));
    else if (a === '--no-tfjs-kernels') o.tfjsKernels = false;
    else if (a === '--no-tfjs-models') o.tfjsModels = false;
    else if (a === '--no-first-predict') o.firstPredict = false;
    else if (a === '--model-reps') o.modelReps = int(1);
    else if (a === '--first-reps') o.firstReps = int(1);
    else if (a === '--tfjs-switch') o.tfjsSwitch = next();
    else if (a === '--floor') o.floor = true;
    else if (a === '--driver-cache') o.driverCache = next();
    else if (a === '--no-steady') o.steady = false;
    else if (a === '--tfjs-options') o.tfjsOptions = JSON.parse(next());
    else throw new Error(`bench: unknown argument ${a}`);
  }
  for (const m of o.models ?? []) if (!MODEL_IDS.includes(m)) throw new Error(`bench: unknown model ${m} (known: ${MODEL_IDS.join(', ')})`);
  if (o.engine !== 'all' && !ENGINES.includes(o.engine)) throw new Error(`bench: --engine takes ${ENGINES.join(', ')} or all`);
  if (!['dispatch', 'register'].includes(o.tfjsSwitch)) throw new Error('bench: --tfjs-switch takes dispatch or register');
  if (o.floor && o.tfjsSwitch !== 'dispatch') throw new Error('bench: --floor needs --tfjs-switch dispatch');
  if (!['cold', 'warm'].includes(o.driverCache)) throw new Error('bench: --driver-cache takes cold or warm');
  if (o.driverCache === 'warm' && (o.engine === 'chromium' || o.engine === 'all')) {
    throw new Error('bench: --driver-cache warm is for Firefox and WebKit (Mesa\'s shader cache); Chromium\'s launches here are cold either way');
  }
  o.tfjs ??= !o.tiny;
  return o;
}

const args = parseArgs(process.argv.slice(2));
const engines = args.engine === 'all' ? ENGINES : [args.engine];
/** Where an engine's results go: `given` (with the engine's name added when several run), or the default. */
function outPath(given, base, engine) {
  if (given) return engines.length > 1 ? given.replace(/(\.json)?$/, `-${engine}.json`) : given;
  if (args.tiny) return undefined;
  return path.join(REPO_ROOT, 'bench', `${base}${engine === 'chromium' ? '' : `-${engine}`}.json`);
}
if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'depthwise-gl.js'))) {
  console.error('bench: dist/depthwise-gl.js is missing; run `npm run build` first (npm run bench does).');
  process.exit(1);
}

/** A page of `engine` at `url` once window[readyFlag] is true; `clock`: the page's performance.now(). */
async function openPage(engine, url, readyFlag) {
  const page = await engine.newPage();
  await page.goto(url);
  await page.waitForFunction((flag) => window[flag] === true, readyFlag, { timeout: 120_000 });
  const clock = await page.evaluate(() => {
    // The smallest step performance.now() takes (a few ms of spinning).
    let step = Infinity;
    let last = performance.now();
    const end = last + 20;
    for (let n = 0; n < 5 && performance.now() < end;) {
      const t = performance.now();
      if (t !== last) { if (n++ > 0) step = Math.min(step, t - last); last = t; }
    }
    return { isolated: self.crossOriginIsolated === true, resolutionMs: Number(step.toPrecision(3)) };
  });
  return { page, clock };
}

/** Section 1: depthwise-gl's API against tfjs-backend-webgl (bench/index.html). */
async function mainSection(server, name) {
  const engine = await launchEngine(name, { baseURL: server.url });
  const outFile = outPath(args.out, 'results', name);
  try {
    const { page, clock } = await openPage(engine, `${server.url}bench/index.html`, 'benchReady');
    const { quick, tiny, layers, scaling, fused, K, reps } = args;
    const result = await page.evaluate((o) => window.B.runBench(o), { quick, tiny, layers, scaling, fused, K, reps });
    result.browser = engine.version;
    result.engine = name;
    result.clock = clock;
    result.gpuLaunch = process.env.DGL_GPU === '1';
    const table = await page.evaluate((r) => window.B.formatTable(r), result);
    console.log(`\n## depthwise-gl's own API (${result.browser}${result.software ? ', software renderer: compare ratios only' : ''}; clock ${clockText(clock)})\n`);
    console.log(table);
    console.log(`\n${result.seconds} s in the page`);
    const errors = await page.pageErrors();
    if (errors.length) console.log(`page errors:\n${errors.join('\n')}`);
    if (outFile) {
      fs.writeFileSync(outFile, `${JSON.stringify({ ...result, table }, null, 2)}\n`);
      console.log(`wrote ${path.relative(process.cwd(), outFile)}`);
    }
    return result;
  } finally {
    await engine.close();
  }
}

const clockText = (c) => `performance.now(), ${c.isolated ? 'cross-origin isolated' : 'NOT isolated'}, resolution ${c.resolutionMs} ms`;

/**
 * One firstPredict() in a browser launched for it alone, with Mesa's on-disk shader cache off
 * (cold) or on (warm) in that browser's environment: see --driver-cache.
 */
async function firstPredictFresh(server, name, model, mode, kernelOptions, driverCache) {
  const env = { MESA_SHADER_CACHE_DISABLE: driverCache === 'cold' ? 'true' : undefined };
  for (let attempt = 1; ; attempt++) {
    const engine = await launchEngine(name, { baseURL: server.url, env });
    let timer;
    try {
      const run = (async () => {
        const { page } = await openPage(engine, `${server.url}bench/tfjs.html`, 'tfjsBenchReady');
        const r = await page.evaluate((o) => window.TB.firstPredict(o), { model, mode, kernelOptions });
        return { ...r, errors: await page.pageErrors() };
      })();
      const hung = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new LaunchHung(`no answer in ${LAUNCH_LIMIT_MS / 1000} s`)), LAUNCH_LIMIT_MS);
      });
      run.catch(() => undefined); // (a hung launch's page call fails when it is closed: not an error of this run)
      return await Promise.race([run, hung]);
    } catch (e) {
      // A launch that hangs (Firefox once sat idle in a page evaluate for 14 minutes) is closed
      // and launched again, once; its time is never a measurement.
      if (!(e instanceof LaunchHung) || attempt > 1) throw e;
      process.stderr.write(`first predict ${model} ${mode}: ${e.message}; closed, launching again\n`);
    } finally {
      clearTimeout(timer);
      await engine.close();
    }
  }
}

/** A fresh launch's first predict that did not answer within LAUNCH_LIMIT_MS (the slowest measured: ~30 s; DGL_LAUNCH_LIMIT_MS moves it). */
class LaunchHung extends Error {}
const LAUNCH_LIMIT_MS = Number(process.env.DGL_LAUNCH_LIMIT_MS ?? 240_000);

/** Section 2: TF.js with and without depthwise-gl's kernels (bench/tfjs.html). */
async function tfjsSection(server, name) {
  const t0 = Date.now();
  const tfjsOutFile = outPath(args.tfjsOut, 'results-tfjs', name);
  const models = args.tfjsModels ? (args.models ?? (args.tiny ? [] : MODEL_IDS)) : [];
  const steadyModels = args.steady ? models : [];
  const engine = await launchEngine(name, { baseURL: server.url });
  let result;
  let errors;
  try {
    const { page, clock } = await openPage(engine, `${server.url}bench/tfjs.html`, 'tfjsBenchReady');
    const { quick, tiny, layers, K, reps, modelReps } = args;
    result = await page.evaluate((o) => window.TB.runTfjsBench(o), { quick, tiny, layers, K, reps, modelReps, models: steadyModels, kernels: args.tfjsKernels, switch: args.tfjsSwitch, kernelOptions: args.tfjsOptions, floor: !!args.floor });
    result.browser = engine.version;
    result.engine = name;
    result.clock = clock;
    errors = await page.pageErrors();
  } finally {
    await engine.close();
  }
  result.gpuLaunch = process.env.DGL_GPU === '1';
  const firstModels = args.firstPredict ? models : [];
  if (firstModels.length) {
    // Stock and ours alternate launch by launch (the order flips each repeat), so drift in the
    // machine's load hits both.
    const reps = args.firstReps ?? (args.tiny || args.quick ? 1 : 3);
    const measurements = [];
    result.firstProblems = [];
    const { driverCache } = args;
    if (driverCache === 'warm') {
      // The cache filled with every program of each model and mode, by a launch not measured.
      for (const model of firstModels) for (const mode of ['stock', 'ours']) await firstPredictFresh(server, name, model, mode, args.tfjsOptions, 'warm');
    }
    for (let rep = 0; rep < reps; rep++) {
      for (let i = 0; i < firstModels.length; i++) {
        const modes = (rep + i) % 2 ? ['ours', 'stock'] : ['stock', 'ours'];
        for (const mode of modes) {
          const r = await firstPredictFresh(server, name, firstModels[i], mode, args.tfjsOptions, driverCache);
          measurements.push({ ...r, rep });
          process.stderr.write(`first predict ${firstModels[i]} ${mode} (launch ${measurements.length}): ${r.ms} ms${mode === 'ours' ? `, ${r.calls} calls, ${r.fallbacks} fallbacks` : ''}\n`);
          if (mode === 'ours' && (!(r.calls > 0) || r.fallbacks !== 0)) result.firstProblems.push(`first predict ${r.name} (launch ${measurements.length}), ours: ${r.calls} calls on depthwise-gl, ${r.fallbacks} fallbacks${r.lastFallback ? ` (last: ${r.lastFallback})` : ''}`);
          for (const e of r.errors) result.firstProblems.push(`first predict ${r.name} ${mode}: page error ${e}`);
        }
      }
    }
    result.firstPredict = { reps, driverCache, ...summarizeFirst(measurements), measurements };
  }
  result.totalSeconds = Math.round((Date.now() - t0) / 100) / 10;
  const table = formatTfjsTable(result);
  console.log(`\n## TensorFlow.js kernels (${result.browser}${result.software ? ', software renderer: compare ratios only' : ''}; clock ${clockText(result.clock)})\n`);
  console.log(table);
  console.log(`\n${result.seconds} s in the page${result.firstPredict ? `, ${result.totalSeconds} s with the fresh-browser first predicts` : ''}`);
  if (errors.length) console.log(`page errors:\n${errors.join('\n')}`);
  if (tfjsOutFile) {
    fs.writeFileSync(tfjsOutFile, `${JSON.stringify({ ...result, table }, null, 2)}\n`);
    console.log(`wrote ${path.relative(process.cwd(), tfjsOutFile)}`);
  }
  const failed = result.problems.length + (result.firstProblems?.length ?? 0) + errors.length;
  if (failed) console.error(`bench: ${failed} TF.js-section check(s) failed (see above)`);
  return { ok: failed === 0, result };
}

const server = await startServer({ port: args.port, isolated: true });
let code = 0;
let xvfb = null;
const summaries = [];
try {
  if (engines.some((e) => e !== 'chromium') && !process.env.DGL_DISPLAY && !process.env.DISPLAY) {
    xvfb = await startXvfb();
    process.env.DGL_DISPLAY = xvfb.display;
  }
  for (const name of engines) {
    let main = null;
    let tfjs = null;
    try {
      if (args.main) main = await mainSection(server, name);
      if (args.tfjs) {
        const r = await tfjsSection(server, name);
        tfjs = r.result;
        if (!r.ok) code = 1;
      }
    } catch (e) {
      console.error(`bench (${name}):`, e);
      code = 1;
    }
    summaries.push(engineTargets(name, main, tfjs));
  }
  console.log(`\n## Targets per engine (issue 15)\n\n${formatTargets(summaries)}`);
} catch (e) {
  console.error(e);
  code = 1;
} finally {
  await server.close();
  await xvfb?.close();
}
process.exit(code);
