// Summaries and Markdown tables of the TF.js section (bench/tfjs.js in the page, bench/run.mjs in
// Node: no imports, so both load it as is).

/**
 * Issue 10's targets (the TF.js kernels, set on Chromium/SwiftShader), ours/stock (lower is better),
 * printed under this section's tables. The per-engine targets of issues 15 and 23 are bench/targets.js's,
 * printed by bench/run.mjs at the end.
 */
export const TARGETS = {
  kernelGeomean: 0.45, // geometric mean over the ten layers, for each kernel
  kernelWorst: 0.6, // no layer above
  modelEach: 0.85, // steady-state predict(), each model
  modelGeomean: 0.8, // and their geometric mean
  firstPredict: 0.9, // first predict() in a fresh browser, each model
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const geomean = (xs) => (xs.length && xs.every((x) => x > 0) ? Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length) : NaN);
const round = (x, d = 3) => (Number.isFinite(x) ? Number(x.toFixed(d)) : x);
const worstOf = (rows, key) => rows.reduce((w, r) => (w === null || r[key] > w[key] ? r : w), null);

/** rows: { plain: [...], fused: [...] } from benchKernelLayer. */
export function summarizeKernels(rows) {
  const out = { ...rows, geomean: {}, geomeanPaired: {}, geomeanWithRead: {}, worst: {}, worstPaired: {}, met: {} };
  for (const kind of ['plain', 'fused']) {
    const rs = rows[kind];
    if (!rs.length) continue;
    out.geomean[kind] = round(geomean(rs.map((r) => r.ratio)));
    out.geomeanPaired[kind] = round(geomean(rs.map((r) => r.paired)));
    // The measure before the per-call slope (K calls + one whole read, / K), where the rows have it.
    out.geomeanWithRead[kind] = rs.every((r) => r.withReadRatio) ? round(geomean(rs.map((r) => r.withReadRatio))) : null;
    const w = worstOf(rs, 'ratio');
    const wp = worstOf(rs, 'paired');
    out.worst[kind] = { name: w.name, ratio: w.ratio };
    out.worstPaired[kind] = { name: wp.name, ratio: wp.paired };
    out.met[kind] = { geomean: out.geomean[kind] <= TARGETS.kernelGeomean, worst: w.ratio <= TARGETS.kernelWorst };
  }
  return out;
}

export function summarizeModels(rows) {
  const g = round(geomean(rows.map((r) => r.ratio)));
  return {
    rows, geomean: g, geomeanPaired: round(geomean(rows.map((r) => r.paired))),
    floorGeomean: rows.every((r) => r.floor) ? round(geomean(rows.map((r) => r.floor.ratio))) : null,
    met: { each: rows.every((r) => r.ratio <= TARGETS.modelEach), geomean: g <= TARGETS.modelGeomean },
  };
}

/** measurements: firstPredict() results, each from its own fresh browser, with `rep`. */
export function summarizeFirst(measurements) {
  const byModel = new Map();
  for (const m of measurements) {
    if (!byModel.has(m.model)) byModel.set(m.model, { model: m.model, name: m.name, stock: [], ours: [], second: { stock: [], ours: [] }, registerMs: [], calls: [], fallbacks: [], byRep: {} });
    const e = byModel.get(m.model);
    e[m.mode].push(m.ms);
    if (typeof m.secondMs === 'number') e.second[m.mode].push(m.secondMs);
    if (typeof m.followMs === 'number') (e.follow ??= { stock: [], ours: [], n: m.follow })[m.mode].push(m.followMs);
    if (typeof m.followMaxMs === 'number') (e.followMax ??= { stock: [], ours: [] })[m.mode].push(m.followMaxMs);
    if (Array.isArray(m.links)) (e.links ??= { stock: [], ours: [] })[m.mode].push(m.links);
    // The launch's first 2 + FOLLOW predicts, in all (what an app's first frames cost).
    if (typeof m.followMs === 'number' && typeof m.secondMs === 'number') (e.all ??= { stock: [], ours: [], n: m.follow + 2 })[m.mode].push(m.ms + m.secondMs + m.followMs);
    (e.byRep[m.rep] ??= {})[m.mode] = m.ms;
    if (m.mode === 'ours') {
      e.registerMs.push(m.registerMs);
      e.calls.push(m.calls);
      e.fallbacks.push(m.fallbacks);
    }
  }
  const rows = [...byModel.values()].map((e) => {
    const pairs = Object.values(e.byRep).filter((p) => p.stock && p.ours).map((p) => p.ours / p.stock);
    const stockMs = median(e.stock);
    const oursMs = median(e.ours);
    return {
      model: e.model, name: e.name, launches: e.stock.length + e.ours.length,
      stockMs: round(stockMs, 1), oursMs: round(oursMs, 1), stockSamples: e.stock.map((v) => round(v, 1)), oursSamples: e.ours.map((v) => round(v, 1)),
      ratio: round(oursMs / stockMs), paired: round(median(pairs)),
      // The same launches' second predict (a later task: the shapes' tuning calls are in it).
      secondStockMs: e.second.stock.length ? round(median(e.second.stock), 1) : null,
      secondOursMs: e.second.ours.length ? round(median(e.second.ours), 1) : null,
      secondRatio: e.second.stock.length && e.second.ours.length ? round(median(e.second.ours) / median(e.second.stock)) : null,
      // The FOLLOW predicts after the second, each in its own task: the rest of the tuning.
      follow: e.follow?.n ?? null,
      followRatio: e.follow?.stock.length && e.follow.ours.length ? round(median(e.follow.ours) / median(e.follow.stock)) : null,
      // The slowest of the follow-ups (a stalled frame), median over launches.
      followMaxStockMs: e.followMax?.stock.length ? round(median(e.followMax.stock), 1) : null,
      followMaxOursMs: e.followMax?.ours.length ? round(median(e.followMax.ours), 1) : null,
      followMaxRatio: e.followMax?.stock.length && e.followMax.ours.length ? round(median(e.followMax.ours) / median(e.followMax.stock)) : null,
      // Programs linked in the first predict, the second and the follow-ups (medians), per mode.
      links: e.links ? { stock: medianLinks(e.links.stock), ours: medianLinks(e.links.ours) } : null,
      // The first `all` predicts' total (first, second and the follow-ups).
      all: e.all?.n ?? null,
      allRatio: e.all?.stock.length && e.all.ours.length ? round(median(e.all.ours) / median(e.all.stock)) : null,
      registerMs: round(median(e.registerMs), 2), calls: e.calls, fallbacks: e.fallbacks,
    };
  });
  const g = round(geomean(rows.map((r) => r.ratio)));
  const alls = rows.map((r) => r.allRatio);
  const allGeomean = alls.every((x) => x) ? round(geomean(alls)) : null;
  return {
    rows, geomean: g, allGeomean,
    met: { each: rows.every((r) => r.ratio <= TARGETS.firstPredict), geomean: g <= TARGETS.firstPredict, allEach: alls.every((x) => x !== null && x <= TARGETS.firstPredict) },
  };
}

/** Per predict group, the median over launches of programs linked ([first, second, follow-ups]), or null. */
function medianLinks(list) {
  return list.length ? [0, 1, 2].map((i) => median(list.map((l) => l[i]))) : null;
}

const fmt = (x, d = 2) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '-');
const yes = (b) => (b ? 'met' : 'NOT met');

/** The TF.js section as Markdown (r: runTfjsBench's result, with firstPredict added by run.mjs). */
export function formatTfjsTable(r) {
  const L = [];
  L.push(`Renderer: ${r.renderer}${r.software ? ' (software)' : ''}; tfjs ${r.tfjs.version} (@tensorflow/tfjs tf.fesm.js, one instance shared with face-api), flags ${JSON.stringify(r.tfjs.flags)}`);
  const s = r.settings;
  L.push(`Switch: ${s.switch}${s.kernelOptions ? `, registerTfjsKernels options ${JSON.stringify(s.kernelOptions)}` : ''}; kernels: K=${s.K}${s.sampleMs ? ` or more so that K calls last ~${s.sampleMs} ms, the read apart (at most ${s.maxK})` : ''}, ${s.reps} repeats each (median), warm-up ${s.warmup}; models: ${s.modelReps} repeats each (median) after ${s.modelWarmup} warm-up predicts${s.settleMinPredicts ? ` (ours: after its settling predicts, then ${s.modelWarmup - 1} more)` : ''}${s.modelSampleMs ? `, a repeat the mean of n predicts lasting ~${s.modelSampleMs} ms (at most ${s.maxModelBlock}; n per model in the table)` : ''}; GPU columns: median of ${s.gpuReps} tf.time() runs each; ${r.date}`);
  const k = r.kernels;
  if (k) {
    for (const [kind, title] of [['plain', 'tf.depthwiseConv2d'], ['fused', 'tf.fused.depthwiseConv2d (bias + relu6)']]) {
      const rows = k[kind];
      if (!rows?.length) continue;
      L.push('');
      const slope = rows.every((row) => row.longK);
      L.push(`${title}, ms per call (packed input from tf.relu, weight-tensor filter)${slope ? ': (median T(3K calls + wait) - median T(K calls + wait)) / 2K, the wait a read of one value of the last output; the last three columns are T(K calls + a read of the whole last output) / K, the figure before' : ': K calls + one read, / K'}:`);
      L.push('');
      L.push(`| layer | K | stock ms | ours ms | ours/stock | per-repeat median | fastest/fastest | GPU (tf.time kernelMs)${slope ? ' | with the read: stock ms | ours ms | ours/stock' : ''} |`);
      L.push(`|---|---:|---:|---:|---:|---:|---:|---:|${slope ? '---:|---:|---:|' : ''}`);
      for (const row of rows) {
        L.push(`| ${row.name} | ${row.K} | ${fmt(row.stock.ms)} | ${fmt(row.ours.ms)} | ${fmt(row.ratio)} | ${fmt(row.paired)} | ${fmt(row.min)} | ${fmt(row.gpu)}${slope ? ` | ${fmt(row.stock.withReadMs)} | ${fmt(row.ours.withReadMs)} | ${fmt(row.withReadRatio)}` : ''} |`);
      }
      const gpu = rows.every((row) => row.gpu) ? fmt(geomean(rows.map((row) => row.gpu))) : '-';
      L.push(`| **geometric mean** | | | | **${fmt(k.geomean[kind])}** | ${fmt(k.geomeanPaired[kind])} | ${fmt(geomean(rows.map((row) => row.min)))} | ${gpu}${slope ? ` | | | ${fmt(k.geomeanWithRead?.[kind])}` : ''} |`);
      L.push('');
      L.push(`Worst layer ${k.worst[kind].name} ${fmt(k.worst[kind].ratio)} (per-repeat median: ${k.worstPaired[kind].name} ${fmt(k.worstPaired[kind].ratio)}). Issue 10's targets: geometric mean <= ${TARGETS.kernelGeomean} ${yes(k.met[kind].geomean)}; no layer above ${TARGETS.kernelWorst} ${yes(k.met[kind].worst)}. Ours: ${rows.reduce((a, row) => a + row.oursCalls, 0)} timed calls served (${delegatedNote(rows)}), ${rows.reduce((a, row) => a + row.oursFallbacks, 0)} fallbacks.`);
    }
  }
  const m = r.models;
  if (m) {
    L.push('');
    // Results from before 2026-12-07 settled on tuning's timed calls alone (no settleMinPredicts).
    const settle = s.settleMinPredicts
      ? ` Ours' samples start after at least ${s.settleMinPredicts} predicts (the first included), each a page task, and once its tuning has timed nothing and no program was linked on TF.js's context for two predicts in a row; "last busy predict" is the last of them that timed or linked anything (1: only the first predict compiled)`
      : '';
    L.push(`Steady-state predict() (a predict and a read of every output; n of them back to back a repeat, their mean), ms${settle && `.${settle}`}:`);
    L.push('');
    L.push('| model | depthwise calls per predict | ours\' last busy predict | n | stock ms | ours ms | ours/stock | per-repeat median | fastest/fastest | GPU (tf.time kernelMs) | depthwise share of GPU time, stock / ours (tf.profile) |');
    L.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const row of m.rows) {
      const sh = row.profile?.stock && row.profile?.ours ? `${fmt(row.profile.stock.share)} / ${fmt(row.profile.ours.share)}` : '-';
      L.push(`| ${row.name} | ${row.depthwiseCallsPerPredict} | ${row.lastBusyPredict ?? '-'} | ${row.predictsPerSample ?? 1} | ${fmt(row.stock.ms, 1)} | ${fmt(row.ours.ms, 1)} | ${fmt(row.ratio)} | ${fmt(row.paired)} | ${fmt(row.min)} | ${fmt(row.gpu)} | ${sh} |`);
    }
    L.push(`| **geometric mean** | | | | | | **${fmt(m.geomean)}** | ${fmt(m.geomeanPaired)} | | | |`);
    L.push('');
    if (m.rows.some((row) => row.floor)) {
      L.push('The floor (--floor): the same predicts with every depthwise call drawing nothing (its output an empty texture), a third mode in the same rotation. Free/stock is the best any depthwise kernel could give the model; the share is what stock\'s depthwise calls cost of its predict; ours\' depthwise against stock\'s is (ours - free) / (stock - free):');
      L.push('');
      L.push('| model | free ms | free/stock | depthwise share of stock\'s predict | ours\' depthwise / stock\'s |');
      L.push('|---|---:|---:|---:|---:|');
      for (const row of m.rows) if (row.floor) L.push(`| ${row.name} | ${fmt(row.floor.ms, 1)} | ${fmt(row.floor.ratio)} | ${fmt(row.floor.depthwiseShare)} | ${fmt(row.floor.depthwiseRatio)} |`);
      L.push(`| **geometric mean** | | **${fmt(m.floorGeomean)}** | | |`);
      L.push('');
    }
    L.push(`Issue 10's targets: each model <= ${TARGETS.modelEach} ${yes(m.met.each)}; geometric mean <= ${TARGETS.modelGeomean} ${yes(m.met.geomean)}. Ours: ${m.rows.reduce((a, row) => a + row.oursCalls, 0)} timed depthwise calls served (${delegatedNote(m.rows)}), ${m.rows.reduce((a, row) => a + row.oursFallbacks, 0)} fallbacks.`);
  }
  const f = r.firstPredict;
  if (f) {
    L.push('');
    const cache = f.driverCache === 'warm'
      ? 'driver shader cache warm: Mesa\'s on-disk cache on and filled by a launch not measured, as on a return visit'
      : f.driverCache === 'cold'
        ? 'driver shader cache cold: Mesa\'s on-disk cache off (Firefox, WebKit), a new profile (Chromium), as on a first visit'
        : 'driver shader cache not controlled: on Firefox and WebKit warm after the first launch';
    L.push(`First predict() in a fresh browser (a new launch of the engine per measurement; ${cache}; model loaded, then predict + read timed, compiles included), ms, median of ${f.rows[0] ? f.rows[0].stockSamples.length : 0} launches each:`);
    L.push('');
    L.push('| model | stock ms | ours ms | ours/stock | per-pair median | launches: stock ms | launches: ours ms | registerTfjsKernels ms | ours calls / fallbacks | second predict: stock ms | ours ms | ours/stock | the next predicts, total: ours/stock | the first predicts, total: ours/stock |');
    L.push('|---|---:|---:|---:|---:|---|---|---:|---|---:|---:|---:|---:|---:|');
    for (const row of f.rows) {
      L.push(`| ${row.name} | ${fmt(row.stockMs, 0)} | ${fmt(row.oursMs, 0)} | ${fmt(row.ratio)} | ${fmt(row.paired)} | ${row.stockSamples.map((v) => fmt(v, 0)).join(', ')} | ${row.oursSamples.map((v) => fmt(v, 0)).join(', ')} | ${fmt(row.registerMs, 2)} | ${row.calls.join(',')} / ${row.fallbacks.join(',')} | ${fmt(row.secondStockMs, 0)} | ${fmt(row.secondOursMs, 0)} | ${fmt(row.secondRatio)} | ${row.follow ? `${fmt(row.followRatio)} (${row.follow})` : '-'} | ${row.all ? `${fmt(row.allRatio)} (${row.all})` : '-'} |`);
    }
    const seconds = f.rows.map((row) => row.secondRatio);
    const follows = f.rows.map((row) => row.followRatio);
    L.push(`| **geometric mean** | | | **${fmt(f.geomean)}** | | | | | | | | ${seconds.every((x) => x) ? fmt(geomean(seconds)) : '-'} | ${follows.every((x) => x) ? fmt(geomean(follows)) : '-'} | ${fmt(f.allGeomean)} |`);
    L.push('');
    L.push('The second predict and the next ones run each in a later page task (an app\'s next frames). Shapes are tuned there, never in the task of a shape\'s first call.');
    if (f.rows.some((row) => row.links || row.followMaxRatio)) {
      L.push('');
      L.push('Programs linked (GL links on TF.js\'s context, ours and TF.js\'s, median of launches) in the first predict / the second / the next ones, and the slowest of the next predicts (a stalled frame), ms:');
      L.push('');
      L.push('| model | links: stock | links: ours | slowest next predict: stock ms | ours ms | ours/stock |');
      L.push('|---|---|---|---:|---:|---:|');
      for (const row of f.rows) {
        const l = (x) => (x ? x.join(' / ') : '-');
        L.push(`| ${row.name} | ${l(row.links?.stock)} | ${l(row.links?.ours)} | ${fmt(row.followMaxStockMs, 0)} | ${fmt(row.followMaxOursMs, 0)} | ${fmt(row.followMaxRatio)} |`);
      }
      const maxes = f.rows.map((row) => row.followMaxRatio);
      L.push(`| **geometric mean** | | | | | ${maxes.every((x) => x) ? fmt(geomean(maxes)) : '-'} |`);
    }
    L.push('');
    L.push(`Issue 10's target: <= ${TARGETS.firstPredict} for each model ${yes(f.met.each)} (geometric mean ${yes(f.met.geomean)}); the first predicts' total <= ${TARGETS.firstPredict} for each model ${yes(f.met.allEach)}.`);
  }
  L.push('');
  const st = r.stats;
  if (st) L.push(`registerTfjsKernels stats over the in-page run: ${st.calls} calls, ${st.fallbacks} fallbacks${st.lastFallback ? ` (last: ${st.lastFallback})` : ''}, ${st.registrations} registration(s).`);
  const problems = [...(r.problems ?? []), ...(r.firstProblems ?? [])];
  if (problems.length) {
    L.push('');
    L.push(`**CHECKS FAILED** (${problems.length}): a figure below may not be what it says:`);
    for (const p of problems.slice(0, 20)) L.push(`- ${p}`);
    if (problems.length > 20) L.push(`- ... ${problems.length - 20} more (results JSON)`);
  } else {
    L.push('Checks: every "ours" sample ran all its depthwise calls on depthwise-gl with no fallback; every "stock" sample none.');
  }
  return L.join('\n');
}

/** "N delegated to TF.js's kernel by tuning (layers ...)", or "all on depthwise-gl". */
function delegatedNote(rows) {
  const d = rows.filter((row) => row.oursDelegated > 0);
  if (!d.length) return 'all on depthwise-gl';
  return `${d.reduce((a, row) => a + row.oursDelegated, 0)} delegated to TF.js's kernel by tuning: ${d.map((row) => `${row.name} ${row.oursDelegated}`).join(', ')}`;
}
