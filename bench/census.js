// The depthwise census of the real models (bench/census.mjs runs it; in bench/tfjs.html, bench/page.mjs).
// Per model of the TF.js bench (bench/models.js), in one page of one engine:
//   1. the model runs `settle` predicts with the kernels on (tuning and own programs as in the
//      steady state) and a few with TF.js's own, then its predict is timed in both modes;
//   2. one predict (TF.js's kernels) records its depthwise calls: each distinct call (kernel,
//      input shapes and texture state, attributes) once, with how many times a predict makes it
//      and its real inputs kept (an Identity of each: the same texture, the same texData);
//   3. each distinct call is replayed alone on those inputs, K calls a sample (each output
//      disposed after the next call, the last read), stock, ours and free (an output made,
//      nothing drawn: bench/tfjs.js's floor) alternating, K sized so a sample lasts `sampleMs`.
// A model's depthwise time a predict in a mode is the sum over its calls of count x µs a call;
// ours' depthwise against stock's is (ours - free) / (stock - free), and what that predicts for
// the model's predict() is 1 - share x (1 - that ratio), share being stock's depthwise time (less
// free) over stock's predict. The steady state's bench (bench/tfjs.js) measures the model
// itself; this says which calls its figure comes from. Every replayed call of ours is checked
// served on depthwise-gl, and its output against stock's.
import * as tf from '@tensorflow/tfjs/dist/index.js';
import { guarded, makeSwitch, timedPredict } from '/bench/tfjs.js';
import { diff } from '/test/browser/tfjs/helpers.js';
import { loadModel } from '/bench/models.js';
import { median } from '/bench/bench.js';

const NAMES = ['DepthwiseConv2dNative', 'FusedDepthwiseConv2D'];
const now = () => performance.now();
const pause = () => new Promise((r) => setTimeout(r, 0));
const round = (x, d = 3) => Number(x.toFixed(d));

let sw = null;
let recording = null;

/** The bench's switch (stock, ours, free), wrapped once more to record a predict's calls. */
export async function setup() {
  sw = await makeSwitch('dispatch');
  for (const n of NAMES) {
    const k = tf.getKernel(n, 'webgl');
    tf.unregisterKernel(n, 'webgl');
    tf.registerKernel({ ...k, kernelFunc: (args) => {
      if (recording) record(n, args);
      return k.kernelFunc(args);
    } });
  }
  const gl = tf.backend().gpgpu.gl;
  const dbg = gl.getExtension('WEBGL_debug_renderer_info');
  return { renderer: String(gl.getParameter(dbg ? dbg.UNMASKED_RENDERER_WEBGL : gl.RENDERER)), tfjs: tf.version_core };
}

function describe(t) {
  if (!t) return '-';
  const td = tf.backend().texData.get(t.dataId);
  const tex = td.texture ? `${td.isPacked ? 'packed' : 'unpacked'}${td.shape.join('x') === t.shape.join('x') ? '' : ` as ${td.shape.join('x')}`}` : 'cpu';
  return `${t.shape.join('x')} ${tex}`;
}

function record(n, args) {
  const { x, filter, bias, preluActivationWeights } = args.inputs;
  const key = [n, describe(x), describe(filter), describe(bias), describe(preluActivationWeights), JSON.stringify(args.attrs)].join(' | ');
  let r = recording.get(key);
  if (!r) {
    // An Identity shares the input's data (and texData) and keeps it alive after the predict.
    const inputs = Object.fromEntries(Object.entries(args.inputs).filter(([, v]) => v).map(([k, v]) => [k, tf.keep(tf.engine().runKernel('Identity', { x: v }))]));
    r = { key, kernel: n, x: describe(x), filter: describe(filter), attrs: { ...args.attrs }, fused: !!bias || !!preluActivationWeights, count: 0, inputs };
    recording.set(key, r);
  }
  r.count++;
}

/** One model's census: options { id, settle (predicts of ours first), reps, sampleMs }. */
export async function censusModel({ id, settle = 30, reps = 7, sampleMs = 150 }) {
  const problems = [];
  const tensorsBefore = tf.memory().numTensors;
  const m = await loadModel(id);
  const predict = () => timedPredict(m);
  for (const [mode, k] of [['stock', 5], ['ours', settle]]) {
    sw.set(mode);
    for (let i = 0; i < k; i++) {
      predict();
      await pause();
    }
  }
  const predictMs = { stock: [], ours: [] };
  for (let rep = 0; rep < reps; rep++) {
    for (const mode of rep & 1 ? ['ours', 'stock'] : ['stock', 'ours']) {
      sw.set(mode);
      predictMs[mode].push(predict());
      await pause();
    }
  }
  sw.set('stock');
  recording = new Map();
  predict();
  const calls = [...recording.values()];
  recording = null;
  const rows = [];
  for (const c of calls) {
    const fn = () => tf.engine().runKernel(c.kernel, c.inputs, c.attrs);
    const loop = (mode, K) => guarded(sw, mode, () => {
      let y = null;
      const t0 = now();
      for (let i = 0; i < K; i++) {
        const prev = y;
        y = fn();
        prev?.dispose();
      }
      y.dataSync();
      const us = ((now() - t0) * 1000) / K;
      y.dispose();
      return us;
    }, problems, `${id} ${c.key}`, K, true).value;
    // Outputs: ours against stock's.
    const out = {};
    for (const mode of ['stock', 'ours']) {
      sw.set(mode);
      const y = fn();
      out[mode] = y.dataSync();
      y.dispose();
    }
    const d = diff(out.ours, out.stock);
    if (d.nan || d.lengths) problems.push(`${id} ${c.key}: ours' output ${d.lengths ? `has ${d.lengths[0]} values, stock's ${d.lengths[1]}` : `is NaN where stock's is not (or the reverse) ${d.nan} times`}`);
    const maxDiff = d.maxAbs;
    for (const mode of ['stock', 'ours', 'free']) loop(mode, 3);
    const probe = loop('stock', 20);
    const K = Math.max(20, Math.min(400, Math.round((sampleMs * 1000) / probe)));
    const us = { stock: [], ours: [], free: [] };
    for (let rep = 0; rep < reps; rep++) {
      for (const mode of rep & 1 ? ['free', 'ours', 'stock'] : ['stock', 'ours', 'free']) us[mode].push(loop(mode, K));
      await pause();
    }
    const [s, o, f] = ['stock', 'ours', 'free'].map((k) => median(us[k]));
    rows.push({ kernel: c.kernel, x: c.x, filter: c.filter, attrs: c.attrs, fused: c.fused, count: c.count, K, stockUs: round(s, 1), oursUs: round(o, 1), freeUs: round(f, 1), ratio: round(o / s), net: round((o - f) / (s - f)), maxDiff });
    tf.dispose(Object.values(c.inputs));
  }
  m.dispose();
  const sum = (k) => rows.reduce((a, r) => a + r.count * r[k], 0) / 1000;
  const dw = { stock: sum('stockUs'), ours: sum('oursUs'), free: sum('freeUs') };
  const stockPredict = median(predictMs.stock);
  const net = (dw.ours - dw.free) / (dw.stock - dw.free);
  const share = (dw.stock - dw.free) / stockPredict;
  return {
    id, name: m.name, rows, problems, tensorsLeaked: tf.memory().numTensors - tensorsBefore,
    predictMs: { stock: round(stockPredict, 1), ours: round(median(predictMs.ours), 1) },
    depthwiseMs: { stock: round(dw.stock, 2), ours: round(dw.ours, 2), free: round(dw.free, 2) },
    ratio: round(dw.ours / dw.stock), net: round(net), share: round(share), predicted: round(1 - share * (1 - net)),
    measured: round(median(predictMs.ours) / stockPredict),
  };
}

export function finish() {
  return sw.dispose();
}
