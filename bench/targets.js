// Issues 15's and 23's targets, per engine, from one engine's results of both sections (bench/run.mjs).
// Each a ratio ours/stock measured side by side in one page of one engine (lower is better).

export const ENGINE_TARGETS = {
  tfjsKernelWorst: 1.05, // no layer of the ten slower than stock, plain and fused (noise allowed)
  tfjsKernelGeomean: 0.7,
  modelEach: 1.0, // each real model's steady predict() <= stock
  modelGeomean: { chromium: 0.85, firefox: 0.95, webkit: 0.95 }, // issue 23: the models' steady geometric mean
  firstPredict: 1.0, // first predict() <= stock, tuning included; and the first 20 predicts' total (issue 23)
  ownGeomean: { chromium: 0.4, firefox: 0.6, webkit: 0.6 }, // own API against tfjs-webgl
  ownWorst: 1.0,
};

const fmt = (x) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(2) : '-');

/** `{ engine, browser, clock, checks: [{ what, value, target, met }] }`; a section not run gives no checks. */
export function engineTargets(engine, main, tfjs) {
  const T = ENGINE_TARGETS;
  const checks = [];
  // withRead: the same figure from K calls + one read, / K (the measure before the per-call slope;
  // shown beside, not judged).
  const add = (what, value, target, withRead = null) => checks.push({ what, value, target, met: Number.isFinite(value) && value <= target, withRead });
  const k = tfjs?.kernels;
  for (const kind of ['plain', 'fused']) {
    const rows = k?.[kind];
    if (!rows?.length) continue;
    add(`TF.js ${kind}: geometric mean of the layers`, k.geomean[kind], T.tfjsKernelGeomean, k.geomeanWithRead?.[kind] ?? null);
    const worst = rows.reduce((w, r) => (!w || r.ratio > w.ratio ? r : w), null);
    add(`TF.js ${kind}: worst layer (${worst.name})`, worst.ratio, T.tfjsKernelWorst, worst.withReadRatio ?? null);
  }
  for (const r of tfjs?.models?.rows ?? []) add(`steady predict(): ${r.name}`, r.ratio, T.modelEach);
  if (tfjs?.models?.rows?.length) add('steady predict(): geometric mean of the models', tfjs.models.geomean, T.modelGeomean[engine] ?? 0.95);
  for (const r of tfjs?.firstPredict?.rows ?? []) {
    add(`first predict(): ${r.name}`, r.ratio, T.firstPredict);
    if (r.all) add(`first ${r.all} predicts, total: ${r.name}`, r.allRatio, T.firstPredict);
  }
  if (main?.geomean) {
    add('own API / tfjs-webgl, compute geometric mean', main.geomean.compute, T.ownGeomean[engine] ?? 0.6, main.geomean.computeWithRead ?? null);
    const worst = main.layers.reduce((w, r) => (!w || r.ratio.compute > w.ratio.compute ? r : w), null);
    add(`own API, worst layer (${worst.name})`, worst.ratio.compute, T.ownWorst, worst.ratio.computeWithRead ?? null);
  }
  return { engine, browser: tfjs?.browser ?? main?.browser ?? engine, renderer: tfjs?.renderer ?? main?.renderer ?? null, clock: tfjs?.clock ?? main?.clock ?? null, checks };
}

/** Markdown: one table per engine, then a line per engine with the count met. */
export function formatTargets(summaries) {
  const L = [];
  for (const s of summaries) {
    L.push(`### ${s.browser}${s.clock ? ` (performance.now(): ${s.clock.isolated ? 'isolated' : 'not isolated'}, ${s.clock.resolutionMs} ms)` : ''}`);
    L.push('');
    if (!s.checks.length) {
      L.push('(no results)');
      L.push('');
      continue;
    }
    L.push('| target | ours/stock | at most | | with one read per K calls |');
    L.push('|---|---:|---:|---|---:|');
    for (const c of s.checks) L.push(`| ${c.what} | ${fmt(c.value)} | ${fmt(c.target)} | ${c.met ? 'met' : '**missed**'} | ${fmt(c.withRead)} |`);
    L.push('');
    L.push('Kernel and own-API figures are per call: (median T(3K calls + wait) - median T(K calls + wait)) / 2K, the wait a read of one value (a few, own API) of the last output. The last column is the same ratio measured as before, K calls and one read of the whole last output, / K (shown, not judged).');
    L.push('');
    L.push(`${s.engine}: ${s.checks.filter((c) => c.met).length} of ${s.checks.length} targets met.`);
    L.push('');
  }
  return L.join('\n');
}
