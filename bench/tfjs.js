// The TF.js section of the benchmark, in the page (bench/tfjs.html): stock
// @tensorflow/tfjs-backend-webgl against the same TF.js with depthwise-gl's kernels registered
// (registerTfjsKernels), one TF.js, one page, one GL context.
//
//   kernels  tf.depthwiseConv2d and tf.fused.depthwiseConv2d (bias + relu6) on MobileNetV2's ten
//            depthwise layers. The input is a packed TF.js texture made by a TF.js op
//            (tf.relu of a seeded tensor, default flags), the filter (and bias) weight tensors.
//            A sample: K back-to-back calls then 3K, each followed by a read of one value of
//            the last output; ms a call = the difference / 2K (the read cancels out). K calls
//            and one dataSync of the whole last output, / K, the figure before, beside it.
//   models   steady-state predict() of real models (bench/models.js): one predict and a read of
//            every output; warm-ups first.
//   first    firstPredict() is called by bench/run.mjs in a fresh browser per measurement.
//
// Stock and ours alternate sample by sample (the order alternating between repeats) on the same
// tensors; see makeSwitch() for how. Every sample is checked against registerTfjsKernels's stats:
// a sample "ours" must have run its calls on depthwise-gl with no fallback, a sample "stock" none
// on depthwise-gl, so a figure is never silently stock against stock.
import * as tf from '@tensorflow/tfjs/dist/index.js';
import { registerTfjsKernels } from '/dist/depthwise-gl.js';
import { randomData } from '/test/rng.js';
import { MOBILENET_V2, median, geomean, LONG, perCall } from '/bench/bench.js';
import { MODEL_IDS, loadModel } from '/bench/models.js';
import { TARGETS, summarizeKernels, summarizeModels, formatTfjsTable } from '/bench/tfjs-report.js';

export { TARGETS, MODEL_IDS, formatTfjsTable };

/** The forward kernels the benchmark switches (registerTfjsKernels serves the backprop ones too). */
const SWITCHED = ['DepthwiseConv2dNative', 'FusedDepthwiseConv2D'];
// Tiny layers: the GPU's work is negligible, a call's cost is what it issues (issue 23's range,
// 4x4x8 to 7x7x32, and the two of before).
const TINY_LAYERS = [
  { name: '4x4x8/s1', h: 4, w: 4, c: 8, s: 1 },
  { name: '5x5x16/s2', h: 5, w: 5, c: 16, s: 2 },
  { name: '7x7x32/s1', h: 7, w: 7, c: 32, s: 1 },
  { name: '8x8x8/s1', h: 8, w: 8, c: 8, s: 1 },
  { name: '9x9x12/s2', h: 9, w: 9, c: 12, s: 2 },
];

/** A --layers name that is not a listed layer's: 'HxWxC/sS' (batch 1, 3x3 filter, SAME), e.g. a model's layer. */
function parseLayer(name) {
  const m = /^(\d+)x(\d+)x(\d+)\/s(\d+)$/.exec(name);
  if (!m) throw new Error(`bench: layer ${name} is neither a listed one nor HxWxC/sS`);
  const [h, w, c, s] = m.slice(1).map(Number);
  return { name, h, w, c, s };
}

const now = () => performance.now();
const round = (x, d = 3) => (Number.isFinite(x) ? Number(x.toFixed(d)) : x);
const yieldToPage = () => new Promise((r) => setTimeout(r, 0));
/** Predicts after the second in a first-predict launch (firstPredict): the first 20 in all. */
const FOLLOW = 18;
/** Ours' predicts before the steady state's samples, the first included: at least this many (the corpus test's bound for a model to settle), each a page task. */
const SETTLE_MIN_PREDICTS = 8;

async function webgl() {
  if (tf.getBackend() !== 'webgl') await tf.setBackend('webgl');
  await tf.ready();
  if (tf.getBackend() !== 'webgl') throw new Error(`bench/tfjs.js: TF.js runs on ${tf.getBackend()}, not webgl`);
  return tf.backend();
}

/** Renderer, TF.js version and flags of the page's TF.js WebGL backend. */
function backendInfo() {
  const gl = tf.backend().gpgpu.gl;
  const dbg = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(dbg ? dbg.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  const env = tf.env();
  return {
    renderer,
    software: /swiftshader|llvmpipe|software/i.test(renderer),
    tfjs: {
      version: tf.version_core,
      flags: {
        WEBGL_VERSION: env.getNumber('WEBGL_VERSION'), WEBGL_PACK: env.getBool('WEBGL_PACK'),
        WEBGL_PACK_DEPTHWISECONV: env.getBool('WEBGL_PACK_DEPTHWISECONV'), WEBGL_RENDER_FLOAT32_ENABLED: env.getBool('WEBGL_RENDER_FLOAT32_ENABLED'),
      },
    },
    timerReliable: env.getBool('WEBGL_DISJOINT_QUERY_TIMER_EXTENSION_RELIABLE'),
  };
}

/**
 * Stock TF.js or TF.js with our kernels, switched between samples. Two methods:
 * - 'dispatch' (default): registerTfjsKernels(tf) once; then each of the two forward kernels in
 *   TF.js's registry is re-registered as a trampoline that calls, by a flag, TF.js's original
 *   kernelFunc (stock) or the one registerTfjsKernels installed (ours). Both stay warm: TF.js's
 *   compiled programs and our programs and weight caches persist across switches, as in an app
 *   that registers once. The trampoline is the same one extra function call on both sides.
 * - 'register': ours = a registerTfjsKernels(tf), stock = its unregister(); each switch to ours is
 *   a fresh registration (programs looked up again, filters repacked on the first call after it),
 *   which the discarded call after every switch absorbs.
 * stats() adds up every registration's.
 */
export async function makeSwitch(method = 'dispatch', kernelOptions = undefined) {
  if (method !== 'dispatch' && method !== 'register') throw new Error(`bench/tfjs.js: switch method ${JSON.stringify(method)} is not dispatch or register`);
  await webgl();
  const stock = Object.fromEntries(SWITCHED.map((n) => [n, tf.getKernel(n, 'webgl')]));
  const totals = { calls: 0, fallbacks: 0, delegated: 0, lastFallback: null, registrations: 0 };
  let reg = null;
  let mode = 'stock';
  let timed = 0;
  // Mode 'free' (dispatch only: the steady state's floor, --floor): a depthwise call makes its
  // output tensor, an empty texture of the shape and packing stock's kernel gave the same call
  // (learned from that call, which it runs the first time), and draws nothing: what the model
  // costs when its depthwise kernels cost nothing.
  const freeOutputs = new Map();
  const freeCall = (n, args) => {
    const key = `${n}|${args.inputs.x.shape}|${args.inputs.filter.shape}|${JSON.stringify(args.attrs)}`;
    const backend = tf.backend();
    const known = freeOutputs.get(key);
    if (!known) {
      const y = stock[n].kernelFunc(args);
      freeOutputs.set(key, { shape: y.shape, packed: !!backend.texData.get(y.dataId).isPacked });
      return y;
    }
    const info = backend.makeTensorInfo(known.shape, 'float32');
    backend.texData.get(info.dataId).isPacked = known.packed;
    backend.uploadToGPU(info.dataId);
    return info;
  };
  const register = () => {
    // Tuning's timed calls counted (settleTuning waits until there are no more).
    reg = registerTfjsKernels(tf, { ...kernelOptions, tuneHook: { ...kernelOptions?.tuneHook, onTimed: () => { timed++; } } });
    totals.registrations++;
  };
  const release = () => {
    if (!reg) return;
    const s = reg.stats();
    totals.calls += s.calls;
    totals.fallbacks += s.fallbacks;
    totals.delegated += s.delegated ?? 0;
    totals.lastFallback = s.lastFallback ?? totals.lastFallback;
    reg.unregister();
    reg = null;
  };
  if (method === 'dispatch') {
    register();
    for (const n of SWITCHED) {
      const ours = tf.getKernel(n, 'webgl');
      if (!ours || ours.kernelFunc === stock[n].kernelFunc) throw new Error(`bench/tfjs.js: registerTfjsKernels did not replace ${n}`);
      tf.unregisterKernel(n, 'webgl');
      tf.registerKernel({ ...ours, kernelFunc: (args) => (mode === 'free' ? freeCall(n, args) : (mode === 'ours' ? ours : stock[n]).kernelFunc(args)) });
    }
  }
  return {
    method,
    get mode() { return mode; },
    set(m) {
      if (m !== 'ours' && m !== 'stock' && !(m === 'free' && method === 'dispatch')) throw new Error(`bench/tfjs.js: mode ${m} (with switch ${method})`);
      if (method === 'register') {
        if (m === 'ours' && !reg) register();
        if (m === 'stock') release();
      }
      mode = m;
    },
    stats() {
      const s = reg ? reg.stats() : { calls: 0, fallbacks: 0, delegated: 0, lastFallback: null };
      return {
        calls: totals.calls + s.calls, fallbacks: totals.fallbacks + s.fallbacks, delegated: totals.delegated + (s.delegated ?? 0),
        lastFallback: s.lastFallback ?? totals.lastFallback, registrations: totals.registrations,
      };
    },
    memory: () => (reg ? reg.memory() : null),
    /** Calls tuning has timed so far. */
    timed: () => timed,
    /** Unregisters (TF.js's own kernels back) and checks that they are. */
    dispose() {
      const s = this.stats();
      release();
      for (const n of SWITCHED) {
        if (tf.getKernel(n, 'webgl')?.kernelFunc !== stock[n].kernelFunc) throw new Error(`bench/tfjs.js: ${n} is not TF.js's own kernel after unregister()`);
      }
      return s;
    },
  };
}

/**
 * Runs fn() (synchronous) in `mode` and checks what ran where: in 'ours' every depthwise call of
 * fn served by the registered kernels (at least `expect` calls when given, exactly when exact): on
 * depthwise-gl, or delegated to TF.js's kernel by tuning (registerTfjsKernels's `tune`, counted
 * apart in `delegated`); no fallback; in 'stock' none. A failed check goes to `problems` (and the
 * figure is marked), never silently. `calls` counts both; `delegated` the second kind.
 */
export function guarded(sw, mode, fn, problems, where, expect = 1, exact = false) {
  sw.set(mode);
  const a = sw.stats();
  const value = fn();
  const b = sw.stats();
  const delegated = b.delegated - a.delegated;
  const calls = b.calls - a.calls + delegated;
  const fallbacks = b.fallbacks - a.fallbacks;
  if (mode === 'ours' && (fallbacks > 0 || calls < expect || (exact && calls !== expect))) {
    problems.push(`${where}, ours: ${calls} calls served (${delegated} delegated; expected ${exact ? '' : 'at least '}${expect}), ${fallbacks} fallbacks${b.lastFallback ? ` (last: ${b.lastFallback})` : ''}`);
  }
  if (mode !== 'ours' && (calls !== 0 || fallbacks !== 0)) problems.push(`${where}, ${mode}: ${calls} calls on depthwise-gl, ${fallbacks} fallbacks (should be 0)`);
  return { value, calls, fallbacks, delegated };
}

const order = (rep, index) => ((rep + index) % 2 ? ['ours', 'stock'] : ['stock', 'ours']);
/** The steady state's modes in rotation: stock and ours, and with --floor 'free' (see makeSwitch). */
const modesOf = (rep, index, floor) => {
  if (!floor) return order(rep, index);
  const k = (rep + index) % 3;
  return ['stock', 'ours', 'free'].map((_, i, all) => all[(i + k) % 3]);
};

/** Counts the programs linked on TF.js's context (ours and TF.js's own) until restore(). */
function linkCounter() {
  const gl = tf.backend().gpgpu.gl;
  const link = gl.linkProgram;
  let count = 0;
  gl.linkProgram = (p) => {
    count++;
    link.call(gl, p);
  };
  return { count: () => count, restore: () => { gl.linkProgram = link; } };
}

/**
 * In 'ours' mode, runs `call`, each call in a page task of its own (an app's frames), at least
 * `min` times and then until tuning has timed nothing and no program was linked on TF.js's
 * context for `quiet` calls in a row (at most `max`): the timed samples then measure the steady
 * state, not the few calls tuning a shape costs nor the own programs a heavy shape compiles in
 * its page tasks 3 to 6 (those are in the fresh-browser launches' predicts 2-20). Returns the
 * calls it took, whether it settled (false: `max` reached first) and the last call that timed or
 * linked anything (1-based; 0 for none).
 */
async function settleTuning(sw, call, { min = 0, max = 16, quiet = 2 } = {}) {
  const links = linkCounter();
  let calls = 0;
  let still = 0;
  let lastBusy = 0;
  try {
    for (; calls < max && (calls < min || still < quiet); calls++) {
      await yieldToPage();
      const before = sw.timed() + links.count();
      call();
      still = sw.timed() + links.count() === before ? still + 1 : 0;
      if (still === 0) lastBusy = calls + 1;
    }
  } finally {
    links.restore();
  }
  return { calls, settled: still >= quiet, lastBusy };
}

/** GPU ms of fn() from tf.time (kernelMs: TF.js's programs' and our kernels' timer queries), or null. */
async function kernelMs(fn) {
  const info = await tf.time(fn);
  return typeof info.kernelMs === 'number' ? info.kernelMs : null;
}

/** Median over opts.gpuReps alternating repeats of measure(mode) (tf.time's kernelMs), per mode; null without a reliable timer. */
async function gpuTimes(sw, index, opts, measure) {
  const samples = { stock: [], ours: [] };
  if (opts.gpuTimer && sw.timerReliable) {
    for (let rep = 0; rep < opts.gpuReps; rep++) {
      for (const m of order(rep, index)) {
        const ms = await measure(m);
        if (ms !== null) samples[m].push(ms);
      }
    }
  }
  return { stock: samples.stock.length ? median(samples.stock) : null, ours: samples.ours.length ? median(samples.ours) : null };
}

// --- kernel level ------------------------------------------------------------------------------

async function benchKernelLayer(sw, L, kind, opts, index, problems) {
  const { h, w, c, s } = L;
  const raw = tf.tensor4d(randomData(h * w * c, 1 + index), [1, h, w, c]);
  const x = tf.relu(raw); // a TF.js op's output: a packed texture under default flags
  raw.dispose();
  const f = tf.tensor4d(randomData(9 * c, 1000 + index), [3, 3, c, 1]);
  const bias = kind === 'fused' ? tf.tensor1d(randomData(c, 2000 + index)) : null;
  const conv = kind === 'plain'
    ? () => tf.depthwiseConv2d(x, f, [s, s], 'same')
    : () => tf.fused.depthwiseConv2d({ x, filter: f, strides: [s, s], pad: 'same', bias, activation: 'relu6' });
  const outPacked = {};
  // K back-to-back calls, then a wait for the last: its whole output read (`full`), or one value
  // of it read (a 1x1x1x1 tf.slice of it: TF.js runs the slice after the call, so the read
  // still waits for every call; only the transfer is small). ms per call.
  const once = (K, full = true) => {
    const t0 = now();
    let out = null;
    for (let k = 0; k < K; k++) {
      const prev = out;
      out = conv();
      prev?.dispose();
    }
    if (full) out.dataSync();
    else {
      const one = tf.slice(out, [0, 0, 0, 0], [1, 1, 1, 1]);
      one.dataSync();
      one.dispose();
    }
    const t1 = now();
    outPacked[sw.mode] = !!tf.backend().texData.get(out.dataId)?.isPacked;
    out.dispose();
    return (t1 - t0) / K;
  };
  // A sample: K calls + the full read (the bench's figure before: `withRead`, T / K), then K
  // calls and LONG * K calls, each + a one-value read; ms a call = the slope, (T(LONG * K) -
  // T(K)) / ((LONG - 1) * K), in which the read, the wait for the last call and whatever else a
  // sample pays once cancel out. On Firefox over llvmpipe TF.js's read of one 112x112x32 output
  // costs ~20 ms (and varies by several), as much as ten calls of that layer: with one full read
  // a sample, the per-call figure there was mostly the read.
  const pair = (m, K, where) => {
    const r = guarded(sw, m, () => once(K), problems, where, K, true);
    const a = guarded(sw, m, () => once(K, false), problems, `${where} (short)`, K, true);
    const b = guarded(sw, m, () => once(LONG * K, false), problems, `${where} (long)`, LONG * K, true);
    return { withRead: r.value, slope: perCall(a.value * K, b.value * LONG * K, K), long: b.value, shortT: a.value * K, longT: b.value * LONG * K, calls: r.calls + a.calls + b.calls, fallbacks: r.fallbacks + a.fallbacks + b.fallbacks, delegated: r.delegated + a.delegated + b.delegated };
  };
  const where = `${kind} ${L.name}`;
  const xTex = tf.backend().texData.get(x.dataId);
  const xPacked = !!xTex.isPacked && xTex.texture != null;
  if (!xPacked) problems.push(`${where}: the input is not a packed texture (isPacked ${xTex.isPacked}, texture ${xTex.texture != null})`);

  // First call in each mode (TF.js compiles its program for the shape, we ours), then warm-up
  // pairs; K (the same for both) so that K calls of the slower, the read apart, last about
  // opts.sampleMs (the long run then 3x that: the difference must stand well above the read's
  // own jitter, several ms on Firefox).
  let slowest = 0;
  for (const m of order(0, index)) {
    guarded(sw, m, () => once(1), problems, `${where} first call`, 1, true);
    if (m === 'ours') await settleTuning(sw, () => guarded(sw, m, () => once(1), problems, `${where} tuning`, 1, true), { max: 16 });
    // The long run's time a call (its one-value wait spread over 3K calls) sizes K: a single
    // slope is too noisy for that (a high one made K small, and the samples noisier still).
    for (let i = 0; i < opts.warmup; i++) slowest = Math.max(slowest, pair(m, opts.K, `${where} warm-up`).long);
  }
  const K = opts.sampleMs ? Math.max(opts.K, Math.min(opts.maxK, Math.ceil(opts.sampleMs / slowest))) : opts.K;
  const samples = { stock: [], ours: [] };
  const withRead = { stock: [], ours: [] };
  const totals = { stock: { short: [], long: [] }, ours: { short: [], long: [] } };
  let oursCalls = 0;
  let oursFallbacks = 0;
  let oursDelegated = 0;
  for (let rep = 0; rep < opts.reps; rep++) {
    for (const m of order(rep, index)) {
      guarded(sw, m, () => once(1), problems, `${where} after switch`, 1, true); // discarded: the switch's own cost
      const r = pair(m, K, `${where} rep ${rep}`);
      samples[m].push(r.slope);
      withRead[m].push(r.withRead);
      totals[m].short.push(r.shortT);
      totals[m].long.push(r.longT);
      if (m === 'ours') {
        oursCalls += r.calls;
        oursFallbacks += r.fallbacks;
        oursDelegated += r.delegated;
      }
    }
    await yieldToPage();
  }
  const gpu = await gpuTimes(sw, index, opts, async (m) => {
    guarded(sw, m, () => once(1), problems, `${where} before tf.time`, 1, true);
    sw.set(m);
    const ms = await kernelMs(() => { once(K); });
    return ms === null ? null : ms / K;
  });
  x.dispose();
  f.dispose();
  bias?.dispose();
  // Ms a call: the slope between the medians of the K-call and the 3K-call samples (each median
  // robust to a stall in one sample, which a per-repeat difference would carry whole).
  const stat = (m) => ({
    ms: round(perCall(median(totals[m].short), median(totals[m].long), K)), minMs: round(Math.min(...samples[m])), gpuMs: round(gpu[m]), samples: samples[m].map((v) => round(v)), outPacked: outPacked[m],
    withReadMs: round(median(withRead[m])), withReadSamples: withRead[m].map((v) => round(v)),
  });
  const stock = stat('stock');
  const ours = stat('ours');
  return {
    name: L.name, kind, shape: [1, h, w, c], stride: s, K, longK: LONG * K, reps: opts.reps, xPacked,
    stock, ours,
    ratio: round(ours.ms / stock.ms),
    withReadRatio: round(ours.withReadMs / stock.withReadMs),
    paired: round(median(samples.ours.map((v, i) => v / samples.stock[i]))),
    min: round(ours.minMs / stock.minMs),
    gpu: gpu.ours && gpu.stock ? round(gpu.ours / gpu.stock) : null,
    oursCalls, oursFallbacks, oursDelegated,
  };
}

// --- model level -------------------------------------------------------------------------------

/** One predict of a loaded model (bench/models.js) and a synchronous read of every output, ms; the outputs disposed after. */
export function timedPredict(m) {
  const t0 = now();
  const outs = m.run();
  for (const o of outs) o.dataSync();
  const ms = now() - t0;
  tf.dispose(outs);
  return ms;
}

async function benchModel(sw, id, opts, index, problems) {
  const tensorsBefore = tf.memory().numTensors;
  const m = await loadModel(id);
  const once = () => timedPredict(m);
  const where = m.name;
  const first = {};
  const calls = {};
  let warmMs = 0;
  for (const mode of modesOf(0, index, opts.floor)) {
    const r = guarded(sw, mode, once, problems, `${where} first predict (same page)`);
    first[mode] = r.value;
    if (mode === 'ours') {
      calls.perPredict = r.calls;
      // At least to the 8th predict (the corpus test's bound for a model to settle), then 2 quiet.
      const settle = await settleTuning(sw, () => guarded(sw, mode, once, problems, `${where} tuning`), { min: SETTLE_MIN_PREDICTS - 1, max: 14 });
      // The last predict that compiled or tuned anything, the first predict being 1.
      calls.lastBusyPredict = settle.lastBusy + 1;
      if (!settle.settled) problems.push(`${where}, ours: still tuning or compiling after ${settle.calls} predicts`);
    }
    for (let i = 1; i < opts.modelWarmup; i++) warmMs = Math.max(warmMs, guarded(sw, mode, once, problems, `${where} warm-up`).value);
    await yieldToPage();
  }
  // A sample is the mean of n back-to-back predicts (each read back), n the same in both modes
  // and sized from the warm-up so that a sample lasts about opts.modelSampleMs: one predict of a
  // 40 ms model moved by up to 0.5 from sample to sample on WebKit (2026-12-06), its median of 7
  // with it. Models slower than modelSampleMs take one predict a sample, as before.
  const n = Math.max(1, Math.min(opts.maxModelBlock, Math.ceil(opts.modelSampleMs / Math.max(warmMs, 1))));
  const block = () => {
    let ms = 0;
    for (let i = 0; i < n; i++) ms += once();
    return ms / n;
  };
  const samples = { stock: [], ours: [], free: [] };
  let oursCalls = 0;
  let oursFallbacks = 0;
  let oursDelegated = 0;
  for (let rep = 0; rep < opts.modelReps; rep++) {
    for (const mode of modesOf(rep, index, opts.floor)) {
      // In 'register' mode a switch to ours re-registers: one discarded predict absorbs it.
      if (sw.method === 'register') guarded(sw, mode, once, problems, `${where} after switch`);
      const r = guarded(sw, mode, block, problems, `${where} rep ${rep}`, n * Math.max(1, calls.perPredict ?? 1), true);
      samples[mode].push(r.value);
      if (mode === 'ours') {
        oursCalls += r.calls;
        oursFallbacks += r.fallbacks;
        oursDelegated += r.delegated;
      }
      await yieldToPage();
    }
  }
  const gpu = await gpuTimes(sw, index, opts, async (mode) => {
    if (sw.method === 'register') guarded(sw, mode, once, problems, `${where} before tf.time`);
    sw.set(mode);
    return kernelMs(() => { tf.dispose(m.run().map((o) => (o.dataSync(), o))); });
  });
  // Where the GPU time goes: tf.profile's per-kernel kernelMs, once per mode; the depthwise
  // kernels' share of the total bounds what any depthwise kernel can do for the model.
  const profile = {};
  if (opts.gpuTimer && sw.timerReliable) {
    for (const mode of order(0, index)) {
      if (sw.method === 'register') guarded(sw, mode, once, problems, `${where} before tf.profile`);
      sw.set(mode);
      const p = await tf.profile(() => {
        const outs = m.run();
        for (const o of outs) o.dataSync();
        return outs;
      });
      tf.dispose(p.result);
      let depthwiseMs = 0;
      let totalMs = 0;
      for (const k of p.kernels) {
        const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
        totalMs += ms;
        if (SWITCHED.includes(k.name)) depthwiseMs += ms;
      }
      profile[mode] = { depthwiseMs: round(depthwiseMs, 1), totalMs: round(totalMs, 1), share: round(depthwiseMs / totalMs) };
    }
  }
  m.dispose();
  const leaked = tf.memory().numTensors - tensorsBefore;
  const stat = (mode) => ({ ms: round(median(samples[mode])), minMs: round(Math.min(...samples[mode])), firstMs: round(first[mode]), gpuMs: round(gpu[mode]), samples: samples[mode].map((v) => round(v)) });
  const stock = stat('stock');
  const ours = stat('ours');
  // The floor (--floor): the free mode's median against stock's, and ours' depthwise time
  // against stock's as the differences from it.
  const freeMs = opts.floor ? median(samples.free) : null;
  const floor = freeMs === null ? null : {
    ms: round(freeMs), samples: samples.free.map((v) => round(v)),
    ratio: round(freeMs / stock.ms),
    depthwiseShare: round((stock.ms - freeMs) / stock.ms),
    depthwiseRatio: round((ours.ms - freeMs) / (stock.ms - freeMs)),
  };
  return {
    id, name: m.name, loadMs: round(m.loadMs), reps: opts.modelReps, warmup: opts.modelWarmup, predictsPerSample: n,
    depthwiseCallsPerPredict: calls.perPredict, lastBusyPredict: calls.lastBusyPredict, stock, ours,
    ratio: round(ours.ms / stock.ms),
    paired: round(median(samples.ours.map((v, i) => v / samples.stock[i]))),
    min: round(ours.minMs / stock.minMs),
    gpu: gpu.ours && gpu.stock ? round(gpu.ours / gpu.stock) : null,
    profile, floor, oursCalls, oursFallbacks, oursDelegated, tensorsLeaked: leaked,
  };
}

// --- the section -------------------------------------------------------------------------------

/**
 * The in-page part of the TF.js section. options: { quick, tiny, K, reps, warmup, sampleMs, maxK,
 * layers (names), kernels (bool), models (ids, [] for none), modelReps, modelWarmup, switch
 * ('dispatch' | 'register'), gpuTimer, gpuReps, kernelOptions (registerTfjsKernels's options), floor (the
 * models' steady state in a third mode whose depthwise calls draw nothing: see makeSwitch) }.
 */
export async function runTfjsBench(options = {}) {
  const tiny = !!options.tiny;
  const quick = !!options.quick;
  const opts = {
    K: options.K ?? (tiny ? 2 : quick ? 3 : 5),
    reps: options.reps ?? (tiny ? 2 : quick ? 3 : 7),
    warmup: options.warmup ?? 1,
    sampleMs: options.sampleMs ?? (tiny ? 0 : 40),
    maxK: options.maxK ?? 128,
    // 21 alternations: with 7, WebKit's steady geomean moved 0.95-0.98 between runs of the same
    // code (samples of one model spread by +-20 %); two runs at 21 gave 0.95 and 0.96 (2026-12-06).
    modelReps: options.modelReps ?? (tiny ? 1 : quick ? 3 : 21),
    modelWarmup: options.modelWarmup ?? 2,
    modelSampleMs: options.modelSampleMs ?? (tiny || quick ? 0 : 300),
    maxModelBlock: options.maxModelBlock ?? 10,
    gpuTimer: options.gpuTimer ?? true,
    gpuReps: options.gpuReps ?? (tiny ? 1 : 3),
    switch: options.switch ?? 'dispatch',
    floor: !!options.floor,
  };
  if (opts.floor && opts.switch !== 'dispatch') throw new Error('bench/tfjs.js: the floor (free depthwise calls) needs the dispatch switch');
  const t0 = now();
  await webgl();
  const info = backendInfo();
  const sw = await makeSwitch(opts.switch, options.kernelOptions);
  sw.timerReliable = info.timerReliable;
  const problems = [];
  const listed = tiny ? TINY_LAYERS : MOBILENET_V2;
  const layers = options.layers ? options.layers.map((n) => listed.find((l) => l.name === n) ?? parseLayer(n)) : listed;
  const modelIds = options.models ?? (tiny ? [] : MODEL_IDS);

  const result = {
    date: new Date().toISOString(), userAgent: navigator.userAgent, ...info,
    settings: { ...opts, tiny, quick, layers: layers.map((l) => l.name), models: modelIds, kernelOptions: options.kernelOptions ?? null, settleMinPredicts: SETTLE_MIN_PREDICTS },
  };
  try {
    // TF.js's shared programs (upload, relu, decode for dataSync) compiled before anything is timed.
    await benchKernelLayer(sw, { name: 'warm', h: 5, w: 5, c: 4, s: 1 }, 'plain', { ...opts, reps: 1, sampleMs: 0, K: 1 }, 99, problems);
    await benchKernelLayer(sw, { name: 'warm', h: 5, w: 5, c: 4, s: 1 }, 'fused', { ...opts, reps: 1, sampleMs: 0, K: 1 }, 99, problems);
    if (options.kernels !== false) {
      const rows = { plain: [], fused: [] };
      for (let i = 0; i < layers.length; i++) {
        for (const kind of ['plain', 'fused']) rows[kind].push(await benchKernelLayer(sw, layers[i], kind, opts, i, problems));
      }
      result.kernels = summarizeKernels(rows);
    }
    if (modelIds.length) {
      const rows = [];
      for (let i = 0; i < modelIds.length; i++) rows.push(await benchModel(sw, modelIds[i], opts, i, problems));
      result.models = summarizeModels(rows);
    }
    result.memoryBeforeUnregister = sw.memory();
  } finally {
    result.stats = sw.dispose();
  }
  result.problems = problems;
  result.tfMemoryAfter = { numTensors: tf.memory().numTensors, numBytes: tf.memory().numBytes };
  result.seconds = round((now() - t0) / 1000, 1);
  return result;
}

/**
 * One first predict of a model in this (fresh) page: TF.js's backend made and the model loaded
 * (not timed), then, for 'ours', registerTfjsKernels (timed apart), then predict + read of every
 * output, timed: every program the predict needs is compiled inside it, in either mode.
 */
export async function firstPredict({ model, mode, kernelOptions }) {
  if (mode !== 'ours' && mode !== 'stock') throw new Error(`bench/tfjs.js: mode ${mode}`);
  const t0 = now();
  await webgl();
  const backendMs = now() - t0;
  const m = await loadModel(model);
  // Programs linked (compiled) by each predict, on TF.js's context: ours and TF.js's own.
  const links = linkCounter();
  let reg = null;
  let registerMs = null;
  if (mode === 'ours') {
    const t = now();
    reg = registerTfjsKernels(tf, kernelOptions);
    registerMs = now() - t;
  }
  const predict = () => timedPredict(m);
  const ms = predict();
  const linksFirst = links.count();
  const afterFirst = reg ? reg.stats() : null;
  // The second predict in a later page task, as an app's next frame: the tuning calls (never in
  // the task of a shape's first call) are in it.
  await yieldToPage();
  const secondMs = predict();
  const linksSecond = links.count() - linksFirst;
  // Then FOLLOW more, each in its own task (an app's next frames): what tuning left after the
  // second predict, and the steady state, in one total; and the slowest of them (a frame's
  // stall: an app's jank).
  let followMs = 0;
  let followMaxMs = 0;
  for (let i = 0; i < FOLLOW; i++) {
    await yieldToPage();
    const t = predict();
    followMs += t;
    followMaxMs = Math.max(followMaxMs, t);
  }
  links.restore();
  const stats = reg ? reg.stats() : null;
  m.dispose();
  reg?.unregister();
  return {
    model, name: m.name, mode, ms: round(ms), secondMs: round(secondMs), follow: FOLLOW, followMs: round(followMs), followMaxMs: round(followMaxMs),
    links: [linksFirst, linksSecond, links.count() - linksFirst - linksSecond], registerMs: round(registerMs), backendMs: round(backendMs), loadMs: round(m.loadMs),
    calls: afterFirst ? afterFirst.calls + afterFirst.delegated : null, delegated: afterFirst?.delegated ?? null, fallbacks: afterFirst?.fallbacks ?? null, lastFallback: stats?.lastFallback ?? null, callsBoth: stats?.calls ?? null,
    renderer: backendInfo().renderer,
  };
}
