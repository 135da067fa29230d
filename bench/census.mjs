// The depthwise census of the real models: each model's depthwise calls replayed alone on their
// real inputs, stock TF.js against ours (and against an output that draws nothing), and what
// those per-call figures predict for the model's steady predict(). See bench/census.js for the
// method; findings in bench/RESULTS.md. Needs a build (dist/: `npm run build`).
//
//   node bench/census.mjs [--engine chromium|firefox|webkit] [--models a,b] [--reps 7]
//                         [--sample-ms 150] [--settle 30] [--rows 12] [--out FILE]
//   node bench/census.mjs --report FILE      (prints the tables of a run written with --out)
//
// Prints per model its depthwise time a predict in each mode and the prediction, then each
// model's heaviest calls (by stock's time less the floor's, times their count a predict).
import fs from 'node:fs';
import { withBenchPage } from './page.mjs';

const MODELS = ['nsfw-mobilenet-v2', 'tiny-face-detector', 'ssd-mobilenet-v1',
  ...['blazeface', 'facemesh', 'iris', 'emotion', 'faceres', 'handlandmark-lite', 'movenet-lightning', 'centernet', 'handtrack'].map((id) => `human-${id}`)];
const o = { engine: 'webkit', models: MODELS, reps: 7, sampleMs: 150, settle: 30, rows: 12, out: null, report: null };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const v = argv[++i];
  if (v === undefined) throw new Error(`census: ${a} needs a value`);
  if (a === '--engine') o.engine = v;
  else if (a === '--models') o.models = v.split(',').filter(Boolean);
  else if (a === '--reps') o.reps = Number(v);
  else if (a === '--sample-ms') o.sampleMs = Number(v);
  else if (a === '--settle') o.settle = Number(v);
  else if (a === '--rows') o.rows = Number(v);
  else if (a === '--out') o.out = v;
  else if (a === '--report') o.report = v;
  else throw new Error(`census: unknown argument ${a}`);
}

let results;
if (o.report) {
  const saved = JSON.parse(fs.readFileSync(o.report, 'utf8'));
  results = saved.results;
  console.log(`${saved.engine}; ${saved.info.renderer}; TF.js ${saved.info.tfjs}; ${saved.options.reps} repeats, ${saved.options.sampleMs} ms samples (${o.report})\n`);
} else {
  results = await run();
}
report();

async function run() {
  const results = [];
  const { info, version } = await withBenchPage({ engine: o.engine, module: 'census' }, async (page, engine) => {
    const setup = await page.evaluate(() => window.P.setup());
    console.log(`${engine.version}; ${setup.renderer}; TF.js ${setup.tfjs}; ${o.reps} repeats, ${o.sampleMs} ms samples; ${new Date().toISOString()}\n`);
    for (const id of o.models) {
      const r = await page.evaluate((a) => window.P.censusModel(a), { id, settle: o.settle, reps: o.reps, sampleMs: o.sampleMs });
      results.push(r);
      process.stderr.write(`${id}: depthwise ${r.depthwiseMs.ours}/${r.depthwiseMs.stock} ms, predicted ${r.predicted}, measured ${r.measured}\n`);
    }
    await page.evaluate(() => window.P.finish());
    return { info: setup, version: engine.version };
  });
  if (o.out) fs.writeFileSync(o.out, `${JSON.stringify({ engine: version, info, options: o, results }, null, 1)}\n`);
  return results;
}

function report() {
  const geo = (xs) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
  console.log('Depthwise time a predict (ms: the sum over its calls of count x a call alone), ours against stock, and what it predicts for predict():\n');
  console.log('| model | calls | stock | ours | free | ours/stock | ours\' depthwise / stock\'s | share of stock\'s predict | predicted predict() | measured here |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const n = r.rows.reduce((a, x) => a + x.count, 0);
    console.log(`| ${r.name} | ${n} | ${r.depthwiseMs.stock.toFixed(2)} | ${r.depthwiseMs.ours.toFixed(2)} | ${r.depthwiseMs.free.toFixed(2)} | ${r.ratio.toFixed(2)} | ${r.net.toFixed(2)} | ${r.share.toFixed(3)} | ${r.predicted.toFixed(3)} | ${r.measured.toFixed(3)} |`);
  }
  console.log(`| **geometric mean** | | | | | ${geo(results.map((r) => r.ratio)).toFixed(2)} | ${geo(results.map((r) => r.net)).toFixed(2)} | | **${geo(results.map((r) => r.predicted)).toFixed(3)}** | ${geo(results.map((r) => r.measured)).toFixed(3)} |`);
  console.log('\n("measured here": the median of a few predicts a mode in this page, a check, not the steady bench.)');
  // By kind of call (filter size, stride): its share of a model's depthwise time (stock's, less the
  // floor), averaged over the models, and ours' time against stock's over all its calls.
  const kinds = new Map();
  for (const r of results) {
    const total = r.rows.reduce((a, x) => a + x.count * (x.stockUs - x.freeUs), 0);
    for (const x of r.rows) {
      const f = x.filter.split(' ')[0].split('x').slice(0, 2).join('x');
      const key = `${f}, stride ${[x.attrs.strides].flat().join(',')}${[x.attrs.dilations ?? 1].flat().some((d) => d > 1) ? ', dilated' : ''}`;
      const k = kinds.get(key) ?? { calls: 0, share: 0, stock: 0, ours: 0 };
      k.calls += x.count;
      k.share += (x.count * (x.stockUs - x.freeUs)) / total / results.length;
      k.stock += x.count * (x.stockUs - x.freeUs);
      k.ours += x.count * (x.oursUs - x.freeUs);
      kinds.set(key, k);
    }
  }
  console.log('\nBy kind of call, over the models:\n');
  console.log('| filter, stride | calls a predict (all models) | share of a model\'s depthwise time (mean) | ours\' time / stock\'s |');
  console.log('|---|---:|---:|---:|');
  for (const [key, k] of [...kinds].sort((a, b) => b[1].share - a[1].share)) console.log(`| ${key} | ${k.calls} | ${k.share.toFixed(2)} | ${(k.ours / k.stock).toFixed(2)} |`);
  for (const r of results) {
    const rows = [...r.rows].sort((a, b) => b.count * (b.stockUs - b.freeUs) - a.count * (a.stockUs - a.freeUs));
    const total = rows.reduce((a, x) => a + x.count * (x.stockUs - x.freeUs), 0);
    console.log(`\n${r.name}: its ${Math.min(o.rows, rows.length)} heaviest of ${rows.length} distinct calls (µs a call)\n`);
    console.log('| calls | x | filter | strides, dilations, pad | fused | stock | ours | free | ours/stock | net | share of its depthwise |');
    console.log('|---:|---|---|---|---|---:|---:|---:|---:|---:|---:|');
    for (const x of rows.slice(0, o.rows)) {
      const a = x.attrs;
      const geom = `${[a.strides].flat().join(',')}; ${[a.dilations ?? 1].flat().join(',')}; ${Array.isArray(a.pad) ? 'explicit' : a.pad}`;
      const fused = x.fused || (a.activation && a.activation !== 'linear') ? `${a.activation ?? ''}${x.fused ? '+vectors' : ''}` : '';
      console.log(`| ${x.count} | ${x.x} | ${x.filter} | ${geom} | ${fused} | ${x.stockUs} | ${x.oursUs} | ${x.freeUs} | ${x.ratio.toFixed(2)} | ${x.net.toFixed(2)} | ${((x.count * (x.stockUs - x.freeUs)) / total).toFixed(2)} |`);
    }
  }
  const problems = results.flatMap((r) => r.problems);
  const diffs = results.flatMap((r) => r.rows.map((x) => x.maxDiff));
  const leaked = results.filter((r) => r.tensorsLeaked !== 0).map((r) => `${r.id} ${r.tensorsLeaked}`);
  console.log(`\nChecks: ${problems.length ? `PROBLEMS: ${problems.join('; ')}` : 'every replayed call of ours served on depthwise-gl, none of stock\'s or free\'s'}; largest |ours - stock| over the calls' outputs ${Math.max(...diffs)}; tensors left after a model: ${leaked.length ? leaked.join(', ') : 'none'}.`);
}
