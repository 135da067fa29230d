// The benchmark, in the page: depthwise-gl against @tensorflow/tfjs-backend-webgl, in one page,
// on the same GL implementation, both libraries interleaved so that drift hits both.
//
// For each layer and library:
//   compute    K back-to-back calls on tensors already on the GPU, then 3K, each followed by a
//              wait for the last output (a read of a few values of it): ms a call = the
//              difference / 2K (the wait cancels out; computePair). Median of `reps` repeats
//              after a warm-up. K calls and one read of the whole output, / K (the figure
//              before), is reported beside it.
//   roundTrip  upload the input from a Float32Array, one call, synchronous read. Median.
//   firstCall  the first call of this layer's shape in the page (so it includes compiling the
//              shape's shader): upload input and filter, call, read. Measured once.
//   gpuMs      GPU time per call from EXT_disjoint_timer_query_webgl2, where the GL has it.
//
// Plain ES module served as-is; runBench() is called by bench/run.mjs (or on opening the page).
import { createContext } from '/dist/depthwise-gl.js';
import { randomData } from '/test/rng.js';

/** MobileNetV2's depthwise layers (224x224 input): 3x3, SAME, batch 1, NHWC. */
export const MOBILENET_V2 = [
  [112, 32, 1], [112, 96, 2], [56, 144, 1], [56, 144, 2], [28, 192, 1],
  [28, 192, 2], [14, 384, 1], [14, 576, 1], [14, 576, 2], [7, 960, 1],
].map(([hw, c, s]) => layer(`${hw}x${hw}x${c}/s${s}`, hw, c, s));

function layer(name, hw, c, s, { f = 3, r = 1, m = 1 } = {}) {
  return { name, h: hw, w: hw, c, s, f, r, m };
}

/** Scaling series: cost against H*W*C, filter size, rate and channel multiplier. */
export const SCALING = {
  size: [[14, 32], [28, 32], [28, 128], [56, 64], [56, 128], [112, 64]]
    .map(([hw, c]) => layer(`${hw}x${hw}x${c}`, hw, c, 1)),
  filter: [3, 5, 7].map((f) => layer(`f=${f}`, 28, 128, 1, { f })),
  rate: [1, 2, 4].map((r) => layer(`rate=${r}`, 28, 128, 1, { r })),
  multiplier: [1, 2, 4].map((m) => layer(`M=${m}`, 28, 64, 1, { m })),
};

const TINY_LAYERS = [layer('8x8x8/s1', 8, 8, 1), layer('9x9x12/s2', 9, 12, 2)];
const TINY_SCALING = {
  size: [layer('6x6x4', 6, 4, 1), layer('8x8x8', 8, 8, 1)],
  filter: [3, 5].map((f) => layer(`f=${f}`, 8, 8, 1, { f })),
  rate: [1, 2].map((r) => layer(`rate=${r}`, 8, 8, 1, { r })),
  multiplier: [1, 2].map((m) => layer(`M=${m}`, 8, 4, 1, { m })),
};

// --- small helpers ------------------------------------------------------------------------

const now = () => performance.now();
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
export const geomean = (xs) => (xs.length ? Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length) : NaN);
const round = (x, d = 3) => (Number.isFinite(x) ? Number(x.toFixed(d)) : x);
const yieldToPage = () => new Promise((r) => setTimeout(r, 0));

/**
 * Runs `call` until depthwise-gl's tuner times nothing for 2 calls in a row (it has kept a winner
 * for the shape; at most 16 calls, yielding so timer queries come back): the timed samples then measure the steady
 * state, not the few calls tuning a shape costs (the first-call column includes none of it either:
 * a shape's first call is never timed). tfjs: nothing to do.
 */
async function settleTuning(lib, call) {
  if (!lib.timed) return;
  for (let i = 0, still = 0; i < 16 && still < 2; i++) {
    const before = lib.timed();
    call();
    await yieldToPage();
    still = lib.timed() === before ? still + 1 : 0;
  }
}

// --- the two libraries behind one interface -------------------------------------------------

/** depthwise-gl. */
function oursLib() {
  let timed = 0;
  const ctx = createContext({ tuneHook: { onTimed: () => { timed++; } } });
  const gl = ctx.gl;
  const timer = gl.getExtension('EXT_disjoint_timer_query_webgl2');
  const ones = new Map(); // sync()'s filters by channel count
  return {
    name: 'depthwise-gl',
    renderer: ctx.capabilities.renderer,
    ctx,
    /** Calls tuning has timed so far (settleTuning). */
    timed: () => timed,
    timer: !!timer,
    upload: (data, shape) => ctx.tensor(data, shape),
    // Per-channel vectors as GLTensors, as tfjs's are tensors (arrays work too; see RESULTS.md).
    vector: (data) => ctx.tensor(data, [1, 1, 1, data.length]),
    conv: (x, f, L, fused) => ctx.depthwiseConv2d(x, f, [1, L.s, L.s, 1], 'SAME', [L.r, L.r], null, null, fused),
    read: (t) => t.readSync(),
    // Waits for t with a read of C values, not all of t: a VALID 1x1 depthwise pass that strides
    // over the whole of t (output [1, 1, 1, C], weights 1), read back.
    sync(t) {
      const [, h, w, c] = t.shape;
      let one = ones.get(c);
      if (!one) ones.set(c, (one = ctx.tensor(new Float32Array(c).fill(1), [1, 1, c, 1])));
      const s = ctx.depthwiseConv2d(t, one, [1, h, w, 1], 'VALID');
      s.readSync();
      s.dispose();
    },
    free: (t) => t.dispose(),
    /** GPU ms per call over K calls, or null when the GL has no timer query. */
    gpuTime(x, f, L, K) {
      if (!timer) return null;
      const q = gl.createQuery();
      gl.beginQuery(timer.TIME_ELAPSED_EXT, q);
      let out = null;
      for (let k = 0; k < K; k++) {
        const prev = out;
        out = this.conv(x, f, L);
        prev?.dispose();
      }
      gl.endQuery(timer.TIME_ELAPSED_EXT);
      out.readSync();
      out.dispose();
      return new Promise((resolve) => {
        const poll = () => {
          if (!gl.getQueryParameter(q, gl.QUERY_RESULT_AVAILABLE)) return setTimeout(poll, 1);
          const disjoint = gl.getParameter(timer.GPU_DISJOINT_EXT);
          const ns = gl.getQueryParameter(q, gl.QUERY_RESULT);
          gl.deleteQuery(q);
          resolve(disjoint ? null : ns / 1e6 / K);
        };
        poll();
      });
    },
    /** Frees sync()'s filters. */
    releaseSync() {
      for (const one of ones.values()) one.dispose();
      ones.clear();
    },
    dispose() {
      this.releaseSync();
      ctx.dispose();
    },
  };
}

/** @tensorflow/tfjs-backend-webgl with its default flags (WEBGL_PACK and friends on). */
async function tfjsLib() {
  const tf = window.tf;
  await tf.setBackend('webgl');
  await tf.ready();
  const backend = tf.backend();
  const gl = backend.gpgpu.gl;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const timerReliable = tf.env().getBool('WEBGL_DISJOINT_QUERY_TIMER_EXTENSION_RELIABLE');
  return {
    name: 'tfjs-webgl',
    renderer: String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER)),
    version: tf.version_core,
    flags: { WEBGL_PACK: tf.env().getBool('WEBGL_PACK'), WEBGL_PACK_DEPTHWISECONV: tf.env().getBool('WEBGL_PACK_DEPTHWISECONV'), WEBGL_VERSION: tf.env().getNumber('WEBGL_VERSION'), WEBGL_RENDER_FLOAT32_ENABLED: tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED') },
    timer: timerReliable,
    upload: (data, shape) => tf.tensor4d(data, shape),
    vector: (data) => tf.tensor1d(data),
    conv(x, f, L, fused) {
      if (!fused) return tf.depthwiseConv2d(x, f, [L.s, L.s], 'same', 'NHWC', [L.r, L.r]);
      return tf.fused.depthwiseConv2d({
        x, filter: f, strides: [L.s, L.s], pad: 'same', dataFormat: 'NHWC', dilations: [L.r, L.r],
        bias: fused.bias, activation: fused.activation, preluActivationWeights: fused.preluWeights,
        leakyreluAlpha: fused.alpha,
      });
    },
    read: (t) => t.dataSync(),
    // Waits for t with a read of one value: a 1x1x1x1 slice of it (run after it), read back.
    sync(t) {
      const one = tf.slice(t, [0, 0, 0, 0], [1, 1, 1, 1]);
      one.dataSync();
      one.dispose();
    },
    free: (t) => t.dispose(),
    async gpuTime(x, f, L, K) {
      if (!timerReliable) return null;
      const info = await tf.time(() => {
        let out = null;
        for (let k = 0; k < K; k++) {
          const prev = out;
          out = this.conv(x, f, L);
          prev?.dispose();
        }
        out.dataSync();
        out.dispose();
      });
      return typeof info.kernelMs === 'number' ? info.kernelMs / K : null;
    },
    dispose: () => {},
  };
}

// --- measurements ---------------------------------------------------------------------------

/** K back-to-back calls, one read of the last (or, `sync`, a wait for it: lib.sync); ms per call. */
function computeOnce(lib, x, f, L, K, fused, sync = false) {
  const t0 = now();
  let out = null;
  for (let k = 0; k < K; k++) {
    const prev = out;
    out = lib.conv(x, f, L, fused);
    if (prev) lib.free(prev);
  }
  if (sync) lib.sync(out);
  else lib.read(out);
  const t1 = now();
  lib.free(out);
  return (t1 - t0) / K;
}

/** A compute sample's long run is LONG times its short one (computePair; the TF.js section too). */
export const LONG = 3;

/** Ms a call from the total ms of a K-call and a LONG * K-call run: the slope, what both pay once cancelled. */
export function perCall(shortMs, longMs, K) {
  return (longMs - shortMs) / ((LONG - 1) * K);
}

/**
 * A compute sample: one discarded call (the switch from the other library's GL context); K calls
 * + one read of the whole output (`withRead`: T / K, the bench's figure before); then K calls and
 * LONG * K calls, each followed by lib.sync (a wait for the last output that reads a few values).
 * `slope`, ms per call: (T(LONG * K) - T(K)) / ((LONG - 1) * K), in which the wait, the read and
 * whatever else a sample pays once cancel out (on Firefox over llvmpipe one read of a 112x112x32
 * output costs ~15-20 ms and varies by several, as much as several calls).
 */
function computePair(lib, x, f, L, K) {
  computeOnce(lib, x, f, L, 1);
  const r = computeOnce(lib, x, f, L, K);
  const a = computeOnce(lib, x, f, L, K, undefined, true);
  const b = computeOnce(lib, x, f, L, LONG * K, undefined, true);
  return { withRead: r, slope: perCall(a * K, b * LONG * K, K), long: b, shortT: a * K, longT: b * LONG * K };
}

/** Upload the input, one call, read; ms. */
function roundTripOnce(lib, xData, f, L) {
  const t0 = now();
  const x = lib.upload(xData, [1, L.h, L.w, L.c]);
  const out = lib.conv(x, f, L);
  lib.read(out);
  const t1 = now();
  lib.free(out);
  lib.free(x);
  return t1 - t0;
}

/** The first call of a shape: upload input and filter, call, read; ms. Returns the tensors too. */
function firstCallOnce(lib, xData, fData, L) {
  const t0 = now();
  const x = lib.upload(xData, [1, L.h, L.w, L.c]);
  const f = lib.upload(fData, [L.f, L.f, L.c, L.m]);
  const out = lib.conv(x, f, L);
  const data = lib.read(out);
  const t1 = now();
  lib.free(out);
  return { ms: t1 - t0, x, f, data };
}

function maxAbsDiff(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return a.length === b.length ? m : Infinity;
}

/** Both libraries on one layer, interleaved (the order alternates between repeats). */
async function benchLayer(libs, L, opts, index) {
  const xData = randomData(L.h * L.w * L.c, 1 + index);
  const fData = randomData(L.f * L.f * L.c * L.m, 1000 + index);
  const order = (rep) => ((rep + index) % 2 ? [...libs].reverse() : libs);
  const res = Object.fromEntries(libs.map((l) => [l.name, { compute: [], computeWithRead: [], shortT: [], longT: [], roundTrip: [] }]));
  const tensors = {};
  const outputs = {};
  let K = opts.K;
  for (const lib of order(0)) {
    const first = firstCallOnce(lib, xData, fData, L);
    res[lib.name].firstCallMs = first.ms;
    tensors[lib.name] = first;
    outputs[lib.name] = first.data;
    await yieldToPage();
  }
  if (opts.compute !== false) {
    // K adapts to the layer (the same K for both libraries): enough calls that a sample lasts
    // about opts.sampleMs, so the one read at its end (and the switch between the two
    // libraries' GL contexts) is a small share, as in a network that reads once at the end.
    // With the slope (computePair), K calls of the slower, the read apart, last about that long.
    let slowest = 0;
    for (const lib of libs) {
      await settleTuning(lib, () => {
        const out = lib.conv(tensors[lib.name].x, tensors[lib.name].f, L);
        if (opts.slope !== false) lib.sync(out); // sync's own pass is tuned too (ours)
        lib.free(out);
      });
      for (let w = 0; w < opts.warmup; w++) {
        if (opts.slope === false) {
          slowest = Math.max(slowest, computeOnce(lib, tensors[lib.name].x, tensors[lib.name].f, L, opts.K));
          continue;
        }
        // The long run's time a call sizes K (a single slope is too noisy for that).
        slowest = Math.max(slowest, computePair(lib, tensors[lib.name].x, tensors[lib.name].f, L, opts.K).long);
      }
    }
    K = opts.sampleMs ? Math.max(opts.K, Math.min(opts.maxK, Math.ceil(opts.sampleMs / slowest))) : opts.K;
    for (let rep = 0; rep < opts.reps; rep++) {
      for (const lib of order(rep)) {
        if (opts.slope === false) {
          res[lib.name].compute.push(computeOnce(lib, tensors[lib.name].x, tensors[lib.name].f, L, K));
          continue;
        }
        const p = computePair(lib, tensors[lib.name].x, tensors[lib.name].f, L, K);
        res[lib.name].compute.push(p.slope);
        res[lib.name].computeWithRead.push(p.withRead);
        res[lib.name].shortT.push(p.shortT);
        res[lib.name].longT.push(p.longT);
      }
      await yieldToPage();
    }
  }
  if (opts.roundTrip !== false) {
    for (const lib of libs) roundTripOnce(lib, xData, tensors[lib.name].f, L);
    for (let rep = 0; rep < opts.reps; rep++) {
      for (const lib of order(rep)) res[lib.name].roundTrip.push(roundTripOnce(lib, xData, tensors[lib.name].f, L));
      await yieldToPage();
    }
  }
  const slope = opts.compute !== false && opts.slope !== false;
  const out = { name: L.name, shape: [1, L.h, L.w, L.c], filter: [L.f, L.f, L.c, L.m], stride: L.s, rate: L.r, K, longK: slope ? LONG * K : null };
  for (const lib of libs) {
    const r = res[lib.name];
    out[lib.name] = {
      // With the slope: between the medians of the K-call and 3K-call samples (each median robust
      // to a stall in one sample, which a per-repeat difference would carry whole).
      computeMs: round(slope ? perCall(median(r.shortT), median(r.longT), K) : median(r.compute)), computeMinMs: round(Math.min(...r.compute)), roundTripMs: round(median(r.roundTrip)), firstCallMs: round(r.firstCallMs),
      computeWithReadMs: slope ? round(median(r.computeWithRead)) : null, computeWithReadSamples: r.computeWithRead.map((x) => round(x)),
      gpuMs: opts.gpuTimer ? await lib.gpuTime(tensors[lib.name].x, tensors[lib.name].f, L, K) : null,
      computeSamples: r.compute.map((x) => round(x)), roundTripSamples: r.roundTrip.map((x) => round(x)),
    };
    lib.free(tensors[lib.name].x);
    lib.free(tensors[lib.name].f);
  }
  const [a, b] = libs.map((l) => out[l.name]);
  // Also the median of the per-repeat ratios: each pair ran back to back, so it is the figure
  // least moved by load that comes and goes (on a shared machine).
  const paired = (key) => round(median(res[libs[0].name][key].map((v, i) => v / res[libs[1].name][key][i])));
  out.ratio = {
    compute: round(a.computeMs / b.computeMs), computePaired: paired('compute'), computeMin: round(a.computeMinMs / b.computeMinMs),
    computeWithRead: slope ? round(a.computeWithReadMs / b.computeWithReadMs) : null,
    roundTripPaired: paired('roundTrip'), roundTrip: round(a.roundTripMs / b.roundTripMs),
    firstCall: round(a.firstCallMs / b.firstCallMs),
    gpu: a.gpuMs && b.gpuMs ? round(a.gpuMs / b.gpuMs) : null,
  };
  out.maxAbsDiff = maxAbsDiff(outputs[libs[0].name], outputs[libs[1].name]);
  return out;
}

/** Plain against fused (bias + activation) calls of our library, and the same pair for tfjs. */
async function benchFused(libs, L, opts, index) {
  const xData = randomData(L.h * L.w * L.c, 1 + index);
  const fData = randomData(L.f * L.f * L.c * L.m, 1000 + index);
  const bData = randomData(L.c * L.m, 2000 + index);
  const variants = [
    ['plain', null],
    ['bias+relu6', (lib) => ({ bias: lib.vector(bData), activation: 'relu6' })],
    ['bias+prelu', (lib) => ({ bias: lib.vector(bData), activation: 'prelu', preluWeights: lib.vector(bData) })],
  ];
  const out = { name: L.name };
  for (const lib of libs) {
    const x = lib.upload(xData, [1, L.h, L.w, L.c]);
    const f = lib.upload(fData, [L.f, L.f, L.c, L.m]);
    const fused = variants.map(([, make]) => (make ? make(lib) : undefined));
    const samples = variants.map(() => []);
    for (const fu of fused) await settleTuning(lib, () => lib.free(lib.conv(x, f, L, fu)));
    fused.forEach((fu) => { for (let w = 0; w < opts.warmup; w++) computeOnce(lib, x, f, L, opts.K, fu); });
    for (let rep = 0; rep < opts.reps; rep++) {
      const idx = variants.map((_, i) => i);
      if (rep % 2) idx.reverse();
      for (const i of idx) samples[i].push(computeOnce(lib, x, f, L, opts.K, fused[i]));
      await yieldToPage();
    }
    const ms = samples.map(median);
    out[lib.name] = Object.fromEntries(variants.map(([n], i) => [n, round(ms[i])]));
    // Overhead: the median over repeats of fused / plain, each pair measured back to back.
    out[lib.name].overhead = Object.fromEntries(variants.slice(1).map(([n], i) => [n, round(median(samples[i + 1].map((v, r) => v / samples[0][r])) - 1)]));
    for (const fu of fused) {
      if (fu?.bias && typeof fu.bias.dispose === 'function') fu.bias.dispose();
      if (fu?.preluWeights && typeof fu.preluWeights.dispose === 'function') fu.preluWeights.dispose();
    }
    lib.free(x);
    lib.free(f);
  }
  return out;
}

/** Compute time of both libraries on each layer of a series. */
async function benchSeries(libs, layers, opts) {
  const rows = [];
  for (let i = 0; i < layers.length; i++) {
    const r = await benchLayer(libs, layers[i], { ...opts, roundTrip: false, gpuTimer: false, slope: false }, 100 + i);
    rows.push({
      name: r.name, shape: r.shape, filter: r.filter, rate: r.rate, hwc: r.shape[1] * r.shape[2] * r.shape[3],
      ...Object.fromEntries(libs.map((l) => [l.name, r[l.name].computeMs])), ratio: r.ratio.compute,
    });
  }
  return rows;
}

function supportsFused(ours) {
  const x = ours.upload(new Float32Array(4), [1, 2, 2, 1]);
  const f = ours.upload(new Float32Array(1), [1, 1, 1, 1]);
  try {
    const y = ours.conv(x, f, { s: 1, r: 1 }, { bias: [1], activation: 'relu' });
    const v = y.readSync();
    y.dispose();
    return v[0] === 1;
  } catch {
    return false;
  } finally {
    x.dispose();
    f.dispose();
  }
}

/**
 * Runs the whole benchmark. opts: { quick, tiny, K, reps, warmup, layers (names), scaling, fused, gpuTimer }.
 * tiny: small shapes, one repeat (for the test that the benchmark runs).
 */
export async function runBench(options = {}) {
  const tiny = !!options.tiny;
  const quick = !!options.quick;
  const opts = {
    K: options.K ?? (tiny ? 2 : quick ? 3 : 5),
    reps: options.reps ?? (tiny ? 2 : quick ? 3 : 7),
    warmup: options.warmup ?? 1,
    gpuTimer: options.gpuTimer ?? true,
    // Compute samples last about this long (K grows up to maxK); 0 keeps K fixed.
    sampleMs: options.sampleMs ?? (tiny ? 0 : 40),
    maxK: options.maxK ?? 128,
  };
  let layers = tiny ? TINY_LAYERS : MOBILENET_V2;
  if (options.layers) layers = layers.filter((l) => options.layers.includes(l.name));
  const t0 = now();
  const ours = oursLib();
  const tfjs = await tfjsLib();
  const libs = [ours, tfjs];

  // Compile what every shape shares (tfjs's upload/encode/decode programs) before timing.
  for (const L of [layer('warm', 5, 4, 1), layer('warm2', 6, 8, 2)]) await benchLayer(libs, L, { ...opts, reps: 1, gpuTimer: false }, 99);

  const rows = [];
  for (let i = 0; i < layers.length; i++) rows.push(await benchLayer(libs, layers[i], opts, i));

  const result = {
    date: new Date().toISOString(),
    userAgent: navigator.userAgent,
    renderer: { [ours.name]: ours.renderer, [tfjs.name]: tfjs.renderer },
    software: ours.ctx.capabilities.software,
    precision: ours.ctx.capabilities.precision,
    tfjs: { version: tfjs.version, flags: tfjs.flags },
    timerQuery: { [ours.name]: ours.timer, [tfjs.name]: tfjs.timer },
    settings: { ...opts, tiny, quick },
    layers: rows,
    geomean: {
      compute: round(geomean(rows.map((r) => r.ratio.compute))),
      computeWithRead: rows.every((r) => r.ratio.computeWithRead) ? round(geomean(rows.map((r) => r.ratio.computeWithRead))) : null,
    computePaired: round(geomean(rows.map((r) => r.ratio.computePaired))),
    computeMin: round(geomean(rows.map((r) => r.ratio.computeMin))),
    roundTripPaired: round(geomean(rows.map((r) => r.ratio.roundTripPaired))),
      roundTrip: round(geomean(rows.map((r) => r.ratio.roundTrip))),
      firstCall: round(geomean(rows.map((r) => r.ratio.firstCall))),
      gpu: rows.every((r) => r.ratio.gpu) ? round(geomean(rows.map((r) => r.ratio.gpu))) : null,
    },
    maxRatio: { compute: Math.max(...rows.map((r) => r.ratio.compute)), computePaired: Math.max(...rows.map((r) => r.ratio.computePaired)) },
  };

  if (options.fused !== false && supportsFused(ours)) {
    const fusedLayers = tiny ? TINY_LAYERS.slice(0, 1) : (options.fusedLayers ?? MOBILENET_V2.filter((_, i) => i % 3 === 0));
    result.fused = [];
    const fOpts = { ...opts, reps: tiny ? opts.reps : Math.max(opts.reps, 15) };
    for (let i = 0; i < fusedLayers.length; i++) result.fused.push(await benchFused(libs, fusedLayers[i], fOpts, i));
    result.fusedOverhead = {
      'bias+relu6': round(geomean(result.fused.map((r) => 1 + r[ours.name].overhead['bias+relu6'])) - 1),
      'bias+prelu': round(geomean(result.fused.map((r) => 1 + r[ours.name].overhead['bias+prelu'])) - 1),
    };
  }

  if (options.scaling !== false) {
    const series = tiny ? TINY_SCALING : SCALING;
    const sOpts = { ...opts, reps: Math.max(1, Math.min(opts.reps, tiny ? 1 : 3)), K: Math.min(opts.K, 3) };
    result.scaling = {};
    for (const [k, ls] of Object.entries(series)) result.scaling[k] = await benchSeries(libs, ls, sOpts);
  }

  ours.releaseSync();
  result.memoryAfter = ours.ctx.memory();
  result.seconds = round((now() - t0) / 1000, 1);
  ours.dispose();
  tfjs.dispose();
  return result;
}

// --- report ---------------------------------------------------------------------------------

const fmt = (x, d = 2) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '-');

/** The result as Markdown tables. */
export function formatTable(r) {
  const A = 'depthwise-gl';
  const B = 'tfjs-webgl';
  const lines = [];
  lines.push(`Renderer: ${r.renderer[A]}${r.software ? ' (software)' : ''}; tfjs ${r.tfjs.version}, flags ${JSON.stringify(r.tfjs.flags)}`);
  lines.push(`Settings: K=${r.settings.K}${r.settings.sampleMs ? ` or more, so that K calls last ~${r.settings.sampleMs} ms, the read apart (at most ${r.settings.maxK}; the K used is in results.json)` : ''}, repeats=${r.settings.reps} (median), warm-up=${r.settings.warmup}; ${r.date}`);
  const slope = r.layers.every((row) => row.longK);
  if (slope) lines.push('Compute: ms a call = (median T(3K calls + wait) - median T(K calls + wait)) / 2K, the wait a read of a few values of the last output; "with the read": T(K calls + a read of the whole last output) / K, the figure before.');
  lines.push('');
  lines.push(`| layer | ours compute ms | tfjs compute ms | ratio${slope ? ' | with the read: ours ms | tfjs ms | ratio' : ''} | ours round trip ms | tfjs round trip ms | ratio | ours first call ms | tfjs first call ms | ratio | GPU ratio |`);
  lines.push(`|---|---:|---:|---:|${slope ? '---:|---:|---:|' : ''}---:|---:|---:|---:|---:|---:|---:|`);
  for (const row of r.layers) {
    const a = row[A];
    const b = row[B];
    const wr = slope ? ` | ${fmt(a.computeWithReadMs)} | ${fmt(b.computeWithReadMs)} | ${fmt(row.ratio.computeWithRead)}` : '';
    lines.push(`| ${row.name} | ${fmt(a.computeMs)} | ${fmt(b.computeMs)} | ${fmt(row.ratio.compute)}${wr} | ${fmt(a.roundTripMs)} | ${fmt(b.roundTripMs)} | ${fmt(row.ratio.roundTrip)} | ${fmt(a.firstCallMs, 1)} | ${fmt(b.firstCallMs, 1)} | ${fmt(row.ratio.firstCall)} | ${fmt(row.ratio.gpu)} |`);
  }
  const g = r.geomean;
  lines.push(`| **geometric mean** | | | **${fmt(g.compute)}**${slope ? ` | | | ${fmt(g.computeWithRead)}` : ''} | | | **${fmt(g.roundTrip)}** | | | **${fmt(g.firstCall)}** | ${fmt(g.gpu)} |`);
  lines.push('');
  lines.push(`Ratios are ours/tfjs of the medians. Median of per-repeat (back-to-back) ratios: compute ${fmt(g.computePaired)} (worst layer ${fmt(r.maxRatio.computePaired)}), round trip ${fmt(g.roundTripPaired)}; ratio of the fastest repeats: compute ${fmt(g.computeMin)}.`);
  if (r.fused) {
    lines.push('');
    lines.push('Fused epilogue (compute ms, median; in brackets the median of per-repeat fused/plain ratios - 1):');
    lines.push('');
    lines.push('| layer | ours plain | ours bias+relu6 | ours bias+prelu | tfjs plain | tfjs bias+relu6 | tfjs bias+prelu |');
    lines.push('|---|---:|---:|---:|---:|---:|---:|');
    for (const row of r.fused) {
      const a = row[A];
      const b = row[B];
      const pct = (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
      lines.push(`| ${row.name} | ${fmt(a.plain)} | ${fmt(a['bias+relu6'])} (${pct(a.overhead['bias+relu6'])}) | ${fmt(a['bias+prelu'])} (${pct(a.overhead['bias+prelu'])}) | ${fmt(b.plain)} | ${fmt(b['bias+relu6'])} (${pct(b.overhead['bias+relu6'])}) | ${fmt(b['bias+prelu'])} (${pct(b.overhead['bias+prelu'])}) |`);
    }
    lines.push(`Geometric-mean overhead of ours: bias+relu6 ${(r.fusedOverhead['bias+relu6'] * 100).toFixed(1)}%, bias+prelu ${(r.fusedOverhead['bias+prelu'] * 100).toFixed(1)}%`);
  }
  if (r.scaling) {
    for (const [k, rows] of Object.entries(r.scaling)) {
      lines.push('');
      lines.push(`Scaling by ${k} (compute ms):`);
      lines.push('');
      lines.push('| config | H·W·C | ours | tfjs | ratio |');
      lines.push('|---|---:|---:|---:|---:|');
      for (const row of rows) lines.push(`| ${row.name} (${row.shape.slice(1).join('x')}, f ${row.filter[0]}, rate ${row.rate}, M ${row.filter[3]}) | ${row.hwc} | ${fmt(row[A])} | ${fmt(row[B])} | ${fmt(row.ratio)} |`);
    }
  }
  return lines.join('\n');
}
