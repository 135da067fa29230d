// In-page helpers for the TF.js kernel tests: run the same TF.js calls on the webgl backend
// (stock, or with depthwise-gl's kernels) and on the cpu backend, and compare.
import * as tf from '@tensorflow/tfjs/dist/index.js';
import { rng, randomData } from '/test/rng.js';

export { rng, randomData };

export async function useBackend(name) {
  if (tf.getBackend() !== name) await tf.setBackend(name);
  await tf.ready();
}

/**
 * Tensors made by `make()` with TF.js's CPU forwarding off, so that its small ops run as WebGL
 * programs and their outputs are held on the GPU (packed), as a model's weights computed on the
 * GPU are; the flag is put back after.
 */
export function onGpu(make) {
  const forward = tf.env().getBool('WEBGL_CPU_FORWARD');
  tf.env().set('WEBGL_CPU_FORWARD', false);
  try {
    return make();
  } finally {
    tf.env().set('WEBGL_CPU_FORWARD', forward);
  }
}

/** Largest |a - b| and the largest |b| (the reference's magnitude). */
export function diff(a, b) {
  let maxAbs = 0;
  let maxRef = 0;
  let nan = 0;
  if (a.length !== b.length) return { maxAbs: Infinity, maxRef: 0, nan: 0, lengths: [a.length, b.length] };
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) nan++;
    else if (!Number.isNaN(a[i])) {
      const d = Math.abs(a[i] - b[i]);
      if (!(d <= maxAbs)) maxAbs = d;
      maxRef = Math.max(maxRef, Math.abs(b[i]));
    }
  }
  return { maxAbs, maxRef, nan };
}

/**
 * Runs `fn(tensors)` (returning one tensor or an array) on `backend` for host inputs
 * `inputs` ({ name: { data, shape } }) and returns the outputs' values as arrays.
 */
export async function runOn(backend, inputs, fn) {
  await useBackend(backend);
  const made = {};
  for (const k in inputs) made[k] = tf.tensor(inputs[k].data, inputs[k].shape);
  let out;
  try {
    out = tf.tidy(() => fn(made));
    const list = Array.isArray(out) ? out : [out];
    const values = [];
    for (const t of list) values.push({ shape: t.shape, data: Array.from(await t.data()) });
    return values;
  } finally {
    tf.dispose(Object.values(made));
    tf.dispose(out);
  }
}

/**
 * A chain of TF.js ops of every kind around depthwise convolutions (packed and unpacked
 * programs, reshapes, slices that share a texture, pixel uploads, resizes, reductions, matMul,
 * reads in between), from seeded inputs; returns every intermediate's values. Used to show that
 * TF.js finds its GL state as it expects after our kernels.
 */
export async function interleavedChain(seed = 1) {
  const img = new ImageData(12, 10);
  for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 37 + seed * 11) % 256;
  const x = tf.tensor(randomData(1 * 10 * 12 * 3, seed), [1, 10, 12, 3]);
  const f = tf.tensor(randomData(3 * 3 * 3 * 2, seed + 1), [3, 3, 3, 2]);
  const f1 = tf.tensor(randomData(3 * 3 * 6, seed + 2), [3, 3, 6, 1]);
  const b = tf.tensor(randomData(6, seed + 3), [6]);
  const w = tf.tensor(randomData(6 * 4, seed + 4), [1, 1, 6, 4]);
  const results = [];
  const keep = async (t) => {
    results.push(Array.from(await t.data()));
    return t;
  };
  const a = tf.depthwiseConv2d(x, f, 1, 'same');                          // ours
  await keep(a);
  const px = tf.browser.fromPixels(img).toFloat().div(255).expandDims(0);  // pixel upload after ours
  const c = tf.depthwiseConv2d(tf.concat([px, px], 3), f1.slice([0, 0, 0, 0], [3, 3, 6, 1]), 1, 'valid');
  await keep(c);
  const r = tf.relu(a);
  const d = tf.fused.depthwiseConv2d({ x: r, filter: f1, strides: 2, pad: 'same', bias: b, activation: 'relu6' });
  await keep(d);
  const e = tf.conv2d(d, w, 1, 'same');                                   // packed conv after ours
  await keep(e);
  const p = tf.maxPool(tf.depthwiseConv2d(tf.tile(e, [1, 1, 1, 1]), tf.ones([2, 2, 4, 1]), 1, 'valid'), 2, 1, 'same');
  await keep(p);
  const rs = tf.image.resizeBilinear(p, [7, 9]);
  await keep(rs);
  const sl = tf.slice(rs, [0, 1, 1, 0], [1, 5, 6, 4]);                     // a slice sharing its texture
  const g = tf.depthwiseConv2d(sl, tf.ones([3, 3, 4, 1]).mul(0.5), 1, 'same');
  results.push(Array.from(g.dataSync()));                                  // a sync read after ours
  const mm = tf.matMul(tf.reshape(g, [30, 4]), tf.reshape(w, [6, 4]).transpose());
  await keep(mm);
  const s = tf.sum(tf.mul(tf.depthwiseConv2d(r, f1, 1, 'same'), 2), [1, 2]);
  await keep(s);
  const canvas = new OffscreenCanvas(12, 10);
  const ctx2d = canvas.getContext('2d');
  ctx2d.putImageData(img, 0, 0);
  const px2 = tf.browser.fromPixels(ctx2d.getImageData(0, 0, 12, 10));
  await keep(px2);
  tf.dispose([x, f, f1, b, w, a, px, c, r, d, e, p, rs, sl, g, mm, s, px2]);
  return results;
}

/** The GL state TF.js keeps across its calls, read from its context. */
export function glState(gl) {
  const units = [];
  const active = gl.getParameter(gl.ACTIVE_TEXTURE);
  for (let u = 0; u < 4; u++) {
    gl.activeTexture(gl.TEXTURE0 + u);
    units.push(gl.getParameter(gl.TEXTURE_BINDING_2D));
  }
  gl.activeTexture(active);
  return {
    framebuffer: gl.getParameter(gl.FRAMEBUFFER_BINDING), program: gl.getParameter(gl.CURRENT_PROGRAM),
    vao: gl.getParameter(gl.VERTEX_ARRAY_BINDING), arrayBuffer: gl.getParameter(gl.ARRAY_BUFFER_BINDING),
    active, units, viewport: Array.from(gl.getParameter(gl.VIEWPORT)), scissorBox: Array.from(gl.getParameter(gl.SCISSOR_BOX)),
    scissorTest: gl.isEnabled(gl.SCISSOR_TEST), cullFace: gl.isEnabled(gl.CULL_FACE), blend: gl.isEnabled(gl.BLEND),
    depthTest: gl.isEnabled(gl.DEPTH_TEST), colorMask: gl.getParameter(gl.COLOR_WRITEMASK),
    unpackAlignment: gl.getParameter(gl.UNPACK_ALIGNMENT), flipY: gl.getParameter(gl.UNPACK_FLIP_Y_WEBGL),
    premultiply: gl.getParameter(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL), colorspace: gl.getParameter(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL),
    packAlignment: gl.getParameter(gl.PACK_ALIGNMENT), packBuffer: gl.getParameter(gl.PIXEL_PACK_BUFFER_BINDING),
    unpackBuffer: gl.getParameter(gl.PIXEL_UNPACK_BUFFER_BINDING),
  };
}
