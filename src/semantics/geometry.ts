import { fail, show } from '../errors';
import type { DataFormat, Padding } from './types';
import { isPositiveInt, fromNHWC, toNHWC } from './validate';

/** Everything a depthwise convolution needs to know, resolved and checked, in NHWC terms. */
export interface ConvGeometry {
  dataFormat: DataFormat;
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  fh: number;
  fw: number;
  /** Channel multiplier. */
  m: number;
  outH: number;
  outW: number;
  /** inC * m */
  outC: number;
  sh: number;
  sw: number;
  rh: number;
  rw: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
  /** Output shape in dataFormat order. */
  outShape: number[];
}

function checkStrides(fn: string, strides: unknown, fmt: DataFormat): [number, number] {
  const order = fmt === 'NHWC' ? '[1, sh, sw, 1]' : '[1, 1, sh, sw]';
  if (!Array.isArray(strides) || strides.length !== 4) {
    fail(fn, 'strides', `must be 4 positive integers in ${fmt} order ${order}; got ${show(strides)}`);
  }
  strides.forEach((s, i) => {
    if (!isPositiveInt(s)) fail(fn, 'strides', `must be positive integers; strides[${i}] is ${show(s)} in ${show(strides)}`);
  });
  const [n, h, w, c] = toNHWC(strides as number[], fmt);
  if (n !== 1 || c !== 1) {
    fail(fn, 'strides', `must be 1 in the batch and channel dimensions (${fmt} order ${order}); got ${show(strides)}`);
  }
  return [h, w];
}

function checkRate(fn: string, rate: unknown): [number, number] {
  if (rate === undefined || rate === null) return [1, 1];
  if (!Array.isArray(rate) || rate.length !== 2) fail(fn, 'rate', `must be [rh, rw], two positive integers; got ${show(rate)}`);
  rate.forEach((r, i) => {
    if (!isPositiveInt(r)) fail(fn, 'rate', `must be positive integers; rate[${i}] is ${show(r)} in ${show(rate)}`);
  });
  return [rate[0], rate[1]];
}

function checkExplicitPadding(fn: string, padding: unknown[], fmt: DataFormat): [number, number, number, number] {
  const form = fmt === 'NHWC' ? '[[0,0],[top,bottom],[left,right],[0,0]]' : '[[0,0],[0,0],[top,bottom],[left,right]]';
  if (padding.length !== 4) fail(fn, 'padding', `explicit padding must be 4 [before, after] pairs ${form}; got ${show(padding)}`);
  padding.forEach((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2) {
      fail(fn, 'padding', `explicit padding must be 4 [before, after] pairs ${form}; padding[${i}] is ${show(pair)}`);
    }
    pair.forEach((p) => {
      if (typeof p !== 'number' || !Number.isInteger(p) || p < 0) {
        fail(fn, 'padding', `values must be non-negative integers; padding[${i}] is ${show(pair)}`);
      }
    });
  });
  const [n, h, w, c] = toNHWC(padding as unknown as number[], fmt) as unknown as number[][];
  if (n[0] !== 0 || n[1] !== 0 || c[0] !== 0 || c[1] !== 0) {
    fail(fn, 'padding', `must be [0, 0] for the batch and channel dimensions (${fmt}: ${form}); got ${show(padding)}`);
  }
  return [h[0], h[1], w[0], w[1]];
}

/** One spatial dimension: output size and the padding before and after. */
function spatial(inSize: number, f: number, s: number, r: number, padding: 'SAME' | 'VALID' | [number, number]) {
  const fe = (f - 1) * r + 1;
  if (padding === 'VALID') return { out: Math.ceil((inSize - fe + 1) / s), before: 0, after: 0, fe };
  if (padding === 'SAME') {
    const out = Math.ceil(inSize / s);
    const total = Math.max((out - 1) * s + fe - inSize, 0);
    return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2), fe };
  }
  const [before, after] = padding;
  return { out: Math.floor((inSize + before + after - fe) / s) + 1, before, after, fe };
}

/**
 * Checks every argument of a depthwise convolution (apart from the tensors' own validity) and
 * resolves the geometry. `inputShape` is in `dataFormat` order; `filterShape` is [fh, fw, C, M].
 */
export function convGeometry(
  fn: string,
  inputShape: number[],
  filterShape: number[],
  strides: unknown,
  padding: unknown,
  rate: unknown,
  dataFormat: DataFormat,
): ConvGeometry {
  const [sh, sw] = checkStrides(fn, strides, dataFormat);
  const [rh, rw] = checkRate(fn, rate);
  if ((rh > 1 || rw > 1) && (sh > 1 || sw > 1)) {
    fail(fn, 'rate', `above 1 needs every stride to be 1; got rate ${show([rh, rw])} with strides ${show(strides)}`);
  }
  let padH: 'SAME' | 'VALID' | [number, number];
  let padW: 'SAME' | 'VALID' | [number, number];
  if (padding === 'SAME' || padding === 'VALID') {
    padH = padW = padding;
  } else if (Array.isArray(padding)) {
    const [t, b, l, r] = checkExplicitPadding(fn, padding, dataFormat);
    padH = [t, b];
    padW = [l, r];
  } else {
    fail(fn, 'padding', `must be 'SAME', 'VALID' or explicit [[before, after] x 4]; got ${show(padding)}`);
  }
  const [batch, inH, inW, inC] = toNHWC(inputShape, dataFormat);
  const [fh, fw, fc, m] = filterShape;
  if (fc !== inC) {
    fail(fn, 'filter', `in_channels (filter shape [fh, fw, C, M] = ${show(filterShape)}) must equal the input's ${inC} channels (input shape ${show(inputShape)}, ${dataFormat})`);
  }
  const h = spatial(inH, fh, sh, rh, padH);
  const w = spatial(inW, fw, sw, rw, padW);
  if (h.out <= 0 || w.out <= 0) {
    fail(fn, 'filter', `of effective size ${h.fe}x${w.fe} (shape ${show(filterShape)}, rate ${show([rh, rw])}) gives an empty output (${Math.max(h.out, 0)}x${Math.max(w.out, 0)}) on input ${show(inputShape)} with padding ${show(padding)}`);
  }
  const outC = inC * m;
  return {
    dataFormat, batch, inH, inW, inC, fh, fw, m, outH: h.out, outW: w.out, outC, sh, sw, rh, rw,
    padTop: h.before, padBottom: h.after, padLeft: w.before, padRight: w.after,
    outShape: fromNHWC([batch, h.out, w.out, outC], dataFormat),
  };
}
