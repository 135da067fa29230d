// In-page runner for the TF.js kernel sweep (tfjs-kernels.spec.ts): one configuration's
// depthwiseConv2d, fused depthwiseConv2d and gradients on the webgl backend with depthwise-gl's
// kernels, against the same calls on TF.js's cpu backend.
import * as tf from '@tensorflow/tfjs/dist/index.js';
import { randomData } from '/test/rng.js';
import { diff, useBackend } from '/test/browser/tfjs/helpers.js';

const size = (s) => s.reduce((a, b) => a * b, 1);

/**
 * The calls of one configuration, as a function of its tensors. `onGpu`: the input comes from a
 * TF.js op (a texture, packed under the default flags, as in a model) rather than from the CPU.
 */
function calls(cfg) {
  const { strides, pad, dilations, dimRoundingMode, dataFormat = 'NHWC' } = cfg;
  return (t, onGpu) => {
    const x = onGpu ? tf.mul(t.x, tf.scalar(1)) : t.x;
    const out = {};
    if (cfg.plain !== false) out.plain = tf.depthwiseConv2d(x, t.filter, strides, pad, dataFormat, dilations, dimRoundingMode);
    for (const f of cfg.fused ?? []) {
      out[`fused:${f.activation}${f.bias ? '+bias' : ''}${f.biasShape ? JSON.stringify(f.biasShape) : ''}`] = tf.fused.depthwiseConv2d({
        x, filter: t.filter, strides, pad, dataFormat, dilations, dimRoundingMode,
        bias: f.bias ? t[`bias${f.biasShape ? JSON.stringify(f.biasShape) : ''}`] : undefined,
        activation: f.activation, leakyreluAlpha: f.alpha,
        preluActivationWeights: f.activation === 'prelu' ? t.prelu : undefined,
      });
    }
    if (cfg.grad) {
      const dy = t.dy;
      const g = tf.grads((a, b) => tf.sum(tf.mul(tf.depthwiseConv2d(a, b, strides, pad, 'NHWC', dilations, dimRoundingMode), dy)));
      const [dx, df] = g([x, t.filter]);
      out['grad:input'] = dx;
      out['grad:filter'] = df;
    }
    return out;
  };
}

/** Host inputs of a configuration (seeded). */
function inputs(cfg, outShape) {
  const [fh, fw, c, m] = cfg.filter;
  const seed = cfg.seed ?? 1;
  const list = {
    x: { data: randomData(size(cfg.input), seed), shape: cfg.input },
    filter: { data: randomData(size(cfg.filter), seed + 1), shape: cfg.filter },
    prelu: { data: randomData(c * m, seed + 3, -0.5, 0.5), shape: [c * m] },
  };
  for (const f of cfg.fused ?? []) {
    if (!f.bias) continue;
    const shape = f.biasShape ?? [c * m];
    list[`bias${f.biasShape ? JSON.stringify(f.biasShape) : ''}`] = { data: randomData(size(shape), seed + 2), shape };
  }
  if (outShape) list.dy = { data: randomData(size(outShape), seed + 4), shape: outShape };
  void fh; void fw;
  return list;
}

async function runOnce(backendName, cfg, onGpu, outShape) {
  await useBackend(backendName);
  const host = inputs(cfg, outShape);
  const t = {};
  for (const k in host) t[k] = tf.tensor(host[k].data, host[k].shape);
  const result = {};
  try {
    const outs = tf.tidy(() => calls(cfg)(t, onGpu));
    try {
      for (const k in outs) result[k] = { shape: outs[k].shape, data: await outs[k].data() };
    } finally {
      tf.dispose(Object.values(outs));
    }
  } finally {
    tf.dispose(Object.values(t));
  }
  return result;
}

/** Runs `cfg` on cpu and on webgl (with the kernels `kernels` registered); returns per-output diffs. */
export async function runCase(cfg, kernels, onGpu) {
  // Output shape (for dy) from TF.js itself.
  await useBackend('cpu');
  const probe = tf.tidy(() => tf.depthwiseConv2d(tf.zeros(cfg.input), tf.zeros(cfg.filter), cfg.strides, cfg.pad, cfg.dataFormat ?? 'NHWC', cfg.dilations, cfg.dimRoundingMode));
  const outShape = probe.shape;
  probe.dispose();
  const want = await runOnce('cpu', cfg, onGpu, cfg.grad ? outShape : null);
  const before = kernels.stats();
  const got = await runOnce('webgl', cfg, onGpu, cfg.grad ? outShape : null);
  // Texture inputs run twice more: a shape's third call on the direct path runs the program made
  // for that shape alone, the first ones the program of its kind (src/tfjs/direct.ts).
  const third = onGpu ? (await runOnce('webgl', cfg, onGpu, cfg.grad ? outShape : null), await runOnce('webgl', cfg, onGpu, cfg.grad ? outShape : null)) : null;
  const after = kernels.stats();
  const out = {};
  for (const k in want) {
    out[k] = { ...diff(got[k].data, want[k].data), shape: got[k].shape, wantShape: want[k].shape };
    if (third) out[`${k} (3rd call)`] = { ...diff(third[k].data, want[k].data), shape: third[k].shape, wantShape: want[k].shape };
  }
  return {
    outputs: out, outShape,
    calls: after.calls - before.calls, fallbacks: after.fallbacks - before.fallbacks, lastFallback: after.lastFallback,
  };
}
