import { fail, show } from '../errors';
import type { DataFormat, HostTensor } from './types';
import { checkHostTensor } from './validate';

/** The activations a fused depthwise convolution can apply after the bias. */
export const ACTIVATIONS = ['linear', 'relu', 'relu6', 'leakyRelu', 'sigmoid', 'tanh', 'elu', 'prelu'] as const;
/** An activation a fused depthwise convolution can apply after the bias. */
export type Activation = (typeof ACTIVATIONS)[number];

/** Default `alpha` of the activations that take one (TensorFlow's: leaky_relu 0.2, elu 1). */
export const DEFAULT_ALPHA: Partial<Record<Activation, number>> = { leakyRelu: 0.2, elu: 1 };

/**
 * The optional 8th argument of `depthwiseConv2d`: a bias per output channel and an activation,
 * applied in the same pass. `T` is how a per-channel vector may be given besides an array
 * (a GLTensor for the op).
 */
export interface FusedOptions<T = never> {
  /** C*M values, one per output channel k*M + q. */
  bias?: T | ArrayLike<number>;
  /** Default 'linear'. */
  activation?: Activation;
  /** leakyRelu's slope (default 0.2) or elu's scale (default 1); only for those two. */
  alpha?: number;
  /** C*M PReLU slopes, one per output channel; only (and always) with activation 'prelu'. */
  preluWeights?: T | ArrayLike<number>;
}

/** A per-channel vector after checking: host values, or something the caller checks (a tensor). */
export type FusedVector<T> = { kind: 'array'; values: Float32Array } | { kind: 'tensor'; tensor: T };

export interface FusedSpec<T> {
  activation: Activation;
  alpha: number;
  bias: FusedVector<T> | null;
  prelu: FusedVector<T> | null;
}

const KEYS = ['bias', 'activation', 'alpha', 'preluWeights'];

function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  if (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))) return true;
  return typeof v === 'object' && v !== null && !('shape' in v) &&
    typeof (v as { length?: unknown }).length === 'number';
}

function vector<T>(fn: string, arg: string, v: unknown, count: number, isTensor: (v: unknown) => boolean): FusedVector<T> {
  if (isTensor(v)) return { kind: 'tensor', tensor: v as T };
  if (!isArrayLike(v)) fail(fn, arg, `must be a GLTensor or an array of ${count} numbers (one per output channel, C*M); got ${show(v)}`);
  if (v.length !== count) fail(fn, arg, `must hold ${count} values, one per output channel (C*M); got ${v.length}`);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const x = v[i];
    if (typeof x !== 'number') fail(fn, arg, `must hold numbers; element ${i} is ${show(x)}`);
    values[i] = x;
  }
  return { kind: 'array', values };
}

/**
 * Checks the fused argument (all before any GPU work) and resolves its defaults. Returns null
 * for no epilogue (undefined, null, or {} / linear without a bias). `outC` is C*M.
 */
export function checkFused<T>(fn: string, fused: unknown, outC: number, isTensor: (v: unknown) => boolean): FusedSpec<T> | null {
  if (fused === undefined || fused === null) return null;
  if (typeof fused !== 'object' || Array.isArray(fused)) {
    fail(fn, 'fused', `must be an object like { bias, activation: 'relu' } or null; got ${show(fused)}`);
  }
  const f = fused as Record<string, unknown>;
  for (const key of Object.keys(f)) {
    if (!KEYS.includes(key)) fail(fn, 'fused', `has an unknown key ${show(key)}; the keys are ${KEYS.join(', ')}`);
  }
  const activation = f.activation ?? 'linear';
  if (!ACTIVATIONS.includes(activation as Activation)) {
    fail(fn, 'fused.activation', `must be one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}; got ${show(activation)}`);
  }
  const act = activation as Activation;
  let alpha = DEFAULT_ALPHA[act] ?? 0;
  if (f.alpha !== undefined) {
    if (DEFAULT_ALPHA[act] === undefined) {
      fail(fn, 'fused.alpha', `is only for 'leakyRelu' and 'elu'; got alpha ${show(f.alpha)} with activation ${show(act)}`);
    }
    if (typeof f.alpha !== 'number' || !Number.isFinite(f.alpha)) fail(fn, 'fused.alpha', `must be a finite number; got ${show(f.alpha)}`);
    alpha = f.alpha;
  }
  if (act === 'prelu' && (f.preluWeights === undefined || f.preluWeights === null)) {
    fail(fn, 'fused.preluWeights', `is required with activation 'prelu': ${outC} slopes, one per output channel (C*M)`);
  }
  if (act !== 'prelu' && f.preluWeights !== undefined && f.preluWeights !== null) {
    fail(fn, 'fused.preluWeights', `is only for activation 'prelu'; got it with activation ${show(act)}`);
  }
  const bias = f.bias === undefined || f.bias === null ? null : vector<T>(fn, 'fused.bias', f.bias, outC, isTensor);
  const prelu = act === 'prelu' ? vector<T>(fn, 'fused.preluWeights', f.preluWeights, outC, isTensor) : null;
  if (!bias && act === 'linear') return null;
  return { activation: act, alpha, bias, prelu };
}

/** One activation on one value, in double precision; NaN stays NaN. */
export function activate(x: number, act: Activation, alpha: number, slope: number): number {
  switch (act) {
    case 'linear': return x;
    case 'relu': return x < 0 ? 0 : x;
    case 'relu6': return x < 0 ? 0 : x > 6 ? 6 : x;
    case 'leakyRelu': return x < 0 ? x * alpha : x;
    case 'sigmoid': return 1 / (1 + Math.exp(-x));
    case 'tanh': return Math.tanh(x);
    case 'elu': return x < 0 ? alpha * Math.expm1(x) : x;
    case 'prelu': return x < 0 ? x * slope : x;
  }
}

/**
 * The fused epilogue on a host tensor (e.g. depthwiseConv2dReference's output), in plain
 * TypeScript: out[..., oc] = activation(x[..., oc] + bias[oc]). `output` is in `dataFormat`
 * order; bias and PReLU weights are arrays of C*M values.
 */
export function applyFusedReference(
  output: HostTensor,
  fused: FusedOptions | null | undefined,
  dataFormat: DataFormat = 'NHWC',
): HostTensor {
  const fn = 'applyFusedReference';
  if (dataFormat !== 'NHWC' && dataFormat !== 'NCHW') fail(fn, 'dataFormat', `must be 'NHWC' or 'NCHW'; got ${show(dataFormat)}`);
  const host = checkHostTensor(fn, 'output', output);
  const [n, a, b, c] = host.shape;
  const outC = dataFormat === 'NHWC' ? c : a;
  const spec = checkFused<never>(fn, fused, outC, () => false);
  const data = new Float32Array(host.data);
  if (!spec) return { data, shape: [...host.shape] };
  const bias = spec.bias?.kind === 'array' ? spec.bias.values : null;
  const slopes = spec.prelu?.kind === 'array' ? spec.prelu.values : null;
  const inner = dataFormat === 'NHWC' ? 1 : b * c;
  for (let i = 0; i < n * a * b * c; i++) {
    const oc = Math.floor(i / inner) % outC;
    const x = data[i] + (bias ? bias[oc] : 0);
    data[i] = activate(x, spec.activation, spec.alpha, slopes ? slopes[oc] : 0);
  }
  return { data, shape: [...host.shape] };
}
