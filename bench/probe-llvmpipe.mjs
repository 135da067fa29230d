// Issue 15's llvmpipe probe: per MobileNetV2 layer, stock TF.js against ours (direct path, tune
// off) and harness variants of glsl/depthwise_tfjs.frag, in two loops (each output disposed
// before the next call, as the bench and a model do; or every output kept until the read), and
// the JavaScript time of a call ('issue'). Findings: bench/RESULTS.md, "llvmpipe probe".
// See bench/probe-llvmpipe.js for the method. Needs a build (dist/: `npx vite build`).
//
//   node bench/probe-llvmpipe.mjs [--engine firefox|webkit|chromium] [--layers a,b] [--K 8] [--reps 5]
//                                 [--variants cur,fetch,noclamp,uvstep,ubo,kind,rowwt,pts2,pts4,nochk,fill,nowt,noin,cur+save,cur+fb0,cur+tffb] [--loops dispose,keep,issue] [--out FILE]
//
// Prints, per loop, ms a call (median over the repeats) and each mode's ratio to stock; writes
// the raw samples as JSON with --out.
import fs from 'node:fs';
import { withBenchPage } from './page.mjs';

const LAYERS = ['112x112x32/s1', '112x112x96/s2', '56x56x144/s1', '56x56x144/s2', '28x28x192/s1',
  '28x28x192/s2', '14x14x384/s1', '14x14x576/s1', '14x14x576/s2', '7x7x960/s1'];
const o = { engine: 'firefox', layers: LAYERS, K: 8, reps: 5, variants: ['cur'], loops: ['dispose', 'keep'], out: null };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const v = argv[++i];
  if (v === undefined) throw new Error(`probe: ${a} needs a value`);
  if (a === '--engine') o.engine = v;
  else if (a === '--layers') o.layers = v.split(',');
  else if (a === '--K') o.K = Number(v);
  else if (a === '--reps') o.reps = Number(v);
  else if (a === '--variants') o.variants = v.split(',').filter(Boolean);
  else if (a === '--loops') o.loops = v.split(',');
  else if (a === '--out') o.out = v;
  else throw new Error(`probe: unknown argument ${a}`);
}

const rows = [];
const { info, version } = await withBenchPage({ engine: o.engine, module: 'probe-llvmpipe' }, async (page, engine) => {
  const setup = await page.evaluate(() => window.P.setup());
  console.log(`${engine.version}; ${setup.renderer}; varyings ${setup.varyings}, point sizes ${setup.pointSize}; TF.js ${setup.tfjs}; K ${o.K}, ${o.reps} repeats; ${new Date().toISOString()}`);
  for (let i = 0; i < o.layers.length; i++) {
    const r = await page.evaluate((a) => window.P.runLayer(a), { layer: o.layers[i], K: o.K, reps: o.reps, variants: o.variants, loops: o.loops, index: i });
    rows.push(r);
    process.stderr.write(`${r.layer}: ${JSON.stringify(r.loops)} ${JSON.stringify(r.exact)}${r.problems.length ? ` PROBLEMS ${r.problems.join('; ')}` : ''}\n`);
  }
  await page.evaluate(() => window.P.finish());
  return { info: setup, version: engine.version };
});

const modes = ['stock', 'ours', ...o.variants.map((v) => `h:${v}`)];
const geo = (xs) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
for (const loop of o.loops) {
  const title = { dispose: 'dispose: each output disposed after the next call', keep: 'keep: every output alive until the one read', issue: 'issue: the JavaScript time of a call in the dispose loop (nothing waited for)' }[loop];
  console.log(`\n${title} (ms a call; ratio to stock)\n`);
  console.log(`| layer | ${modes.join(' | ')} |`);
  console.log(`|---|${modes.map(() => '---:').join('|')}|`);
  const ratios = Object.fromEntries(modes.map((m) => [m, []]));
  for (const r of rows) {
    const st = r.loops[loop].stock.ms;
    const cells = modes.map((m) => {
      const ms = r.loops[loop][m].ms;
      ratios[m].push(ms / st);
      return m === 'stock' ? ms.toFixed(2) : `${ms.toFixed(2)} (${(ms / st).toFixed(2)})`;
    });
    console.log(`| ${r.layer} | ${cells.join(' | ')} |`);
  }
  console.log(`| geo-mean ratio | ${modes.map((m) => (m === 'stock' ? '1' : geo(ratios[m]).toFixed(2))).join(' | ')} |`);
  // Paired: per layer the median over repeats of (mode's sample / stock's sample of the same repeat).
  const paired = (m) => geo(rows.map((r) => {
    const st = r.loops[loop].stock.samples;
    const xs = r.loops[loop][m].samples.map((v, i) => v / st[i]).sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)];
  }));
  console.log(`| geo-mean, paired by repeat | ${modes.map((m) => (m === 'stock' ? '1' : paired(m).toFixed(2))).join(' | ')} |`);
}
// Ceilings (wrong results by design) apart; every other variant must be bit-identical to ours.
const inexact = rows.flatMap((r) => Object.entries(r.exact).filter(([, e]) => !e.ceiling && e.differFromOurs > 0).map(([m, e]) => `${r.layer} ${m}: ${e.differFromOurs}/${e.of} values differ from ours`));
console.log(`\nexactness against ours (ceilings apart): ${inexact.length ? `NOT EXACT: ${inexact.join('; ')}` : 'every harness variant bit-identical'}`);
const exactOnes = rows.flatMap((r) => Object.values(r.exact).filter((e) => !e.ceiling).map((e) => e.maxAbsDiffStock));
if (exactOnes.length) console.log(`largest |harness - stock| (ceilings apart): ${Math.max(...exactOnes)}`);
const problems = rows.flatMap((r) => r.problems);
if (problems.length) console.log(`problems: ${problems.join('; ')}`);
if (o.out) fs.writeFileSync(o.out, `${JSON.stringify({ engine: version, info, options: o, rows }, null, 2)}\n`);
