// In-page helpers for the TF.js kernel tests: run the same TF.js calls on the webgl backend
// (stock, or with depthwise-gl's kernels) and on the cpu backend, and compare.
import * as tf from '@tensorflow/tfjs/dist/index.js';
import { rng, randomData } from '/test/rng.js';

export { rng, randomData };

export async function useBackend(name) {
  if (tf.getBackend() !== name) await tf.setBackend(name);
  await tf.ready();
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
