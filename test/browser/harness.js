// In-page helpers for the browser tests: seeded data, running one GPU case against the
// reference, and comparing. Plain JS served as-is next to harness.html.
import { createContext, depthwiseConv2dReference } from '/dist/depthwise-gl.js';

import { rng, randomData } from '/test/rng.js';

export { rng, randomData };

export const size = (shape) => shape.reduce((a, b) => a * b, 1);

/**
 * Compares GPU output to the reference. An element passes when |got - want| <= atol + rtol*|want|;
 * NaN must meet NaN, and infinities the same infinity.
 */
export function compare(got, want, { atol = 1e-5, rtol = 1e-5 } = {}) {
  let maxAbs = 0;
  let maxRel = 0;
  let bad = 0;
  let firstBad = -1;
  if (got.length !== want.length) return { ok: false, reason: `length ${got.length} != ${want.length}` };
  for (let i = 0; i < got.length; i++) {
    const g = got[i];
    const w = want[i];
    let pass;
    if (Number.isNaN(w) || Number.isNaN(g)) pass = Number.isNaN(w) && Number.isNaN(g);
    else if (!Number.isFinite(w) || !Number.isFinite(g)) pass = g === w;
    else {
      const d = Math.abs(g - w);
      maxAbs = Math.max(maxAbs, d);
      if (Math.abs(w) > 1e-3) maxRel = Math.max(maxRel, d / Math.abs(w));
      pass = d <= atol + rtol * Math.abs(w);
    }
    if (!pass) {
      bad++;
      if (firstBad < 0) firstBad = i;
    }
  }
  return {
    ok: bad === 0, maxAbs, maxRel, bad, count: got.length,
    first: firstBad < 0 ? null : { index: firstBad, got: got[firstBad], want: want[firstBad] },
  };
}

let shared = null;
/** One context per page for the ordinary cases (created on first use). */
export function ctx(options) {
  if (options) return createContext(options);
  if (!shared) shared = createContext();
  return shared;
}

const byOptions = new Map();
/** One shared context per distinct options object (e.g. a forced precision path). */
export function ctxFor(options) {
  const key = JSON.stringify(options);
  if (!byOptions.has(key)) byOptions.set(key, createContext(options));
  return byOptions.get(key);
}

/**
 * Runs one configuration on the GPU and in the reference, and compares.
 * cfg: { input: shape (dataFormat order), filter: [fh, fw, C, M], strides, padding, rate,
 *        dataFormat, seed, read: 'sync' | 'async', tol, context }
 */
export async function runCase(cfg) {
  const c = cfg.context ?? (cfg.contextOptions ? ctxFor(cfg.contextOptions) : ctx());
  const fmt = cfg.dataFormat ?? 'NHWC';
  const x = randomData(size(cfg.input), cfg.seed ?? 1);
  const f = randomData(size(cfg.filter), (cfg.seed ?? 1) + 7919);
  const xt = c.tensor(x, cfg.input, { dataFormat: fmt });
  const ft = c.tensor(f, cfg.filter);
  const before = c.memory();
  const out = c.depthwiseConv2d(xt, ft, cfg.strides, cfg.padding, cfg.rate ?? null, cfg.name ?? null, cfg.passFormat ? fmt : null);
  const got = cfg.read === 'sync' ? out.readSync() : await out.read();
  const ref = depthwiseConv2dReference({ data: x, shape: cfg.input }, { data: f, shape: cfg.filter },
    cfg.strides, cfg.padding, cfg.rate ?? null, fmt);
  const result = compare(got, ref.data, cfg.tol);
  result.shape = [...out.shape];
  result.refShape = ref.shape;
  result.dataFormat = out.dataFormat;
  result.name = out.name;
  out.dispose();
  xt.dispose();
  ft.dispose();
  result.memoryGrew = before.tensors - 2 !== c.memory().tensors;
  return result;
}
