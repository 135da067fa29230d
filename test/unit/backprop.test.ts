import { describe, expect, it } from 'vitest';
import { rng } from '../rng.js';
import {
  depthwiseConv2dBackpropFilterReference,
  depthwiseConv2dBackpropInputReference,
  depthwiseConv2dReference,
} from '../../src/index';
import type { DataFormat, Padding } from '../../src/semantics/types';
import { convGeometry } from '../../src/semantics/geometry';
import { texelLayout } from '../../src/layout/texels';
import { FILTER_GRAD_GROUP, planFilterGrad } from '../../src/ops/backprop';

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Values in [-1, 1] that are multiples of 1/64: every sum below is then exact in float32. */
function dyadic(count: number, r: () => number): Float32Array {
  return Float32Array.from({ length: count }, () => Math.round((r() * 2 - 1) * 64) / 64);
}

function uniform(count: number, r: () => number): Float32Array {
  return Float32Array.from({ length: count }, () => r() * 2 - 1);
}

interface Cfg {
  input: number[]; // dataFormat order
  filter: number[]; // [fh, fw, C, M]
  strides: number[]; // dataFormat order
  padding: Padding;
  rate?: number[] | null;
  dataFormat: DataFormat;
}

/** sum(dy * forward(x, f)) in double precision over the forward reference's float32 output. */
function loss(cfg: Cfg, x: Float32Array, f: Float32Array, dy: Float32Array): number {
  const out = depthwiseConv2dReference({ data: x, shape: cfg.input }, { data: f, shape: cfg.filter },
    cfg.strides, cfg.padding, cfg.rate, cfg.dataFormat);
  let s = 0;
  for (let i = 0; i < out.data.length; i++) s += out.data[i] * dy[i];
  return s;
}

/** Central differences of `loss` with respect to every element of `v` (x or f), step h. */
function finiteDifferences(v: Float32Array, h: number, at: (perturbed: Float32Array) => number): Float64Array {
  const grad = new Float64Array(v.length);
  const p = Float32Array.from(v);
  for (let e = 0; e < v.length; e++) {
    const orig = v[e];
    p[e] = orig + h;
    const up = p[e] - orig; // the step float32 actually took
    const lu = at(p);
    p[e] = orig - h;
    const down = orig - p[e];
    const ld = at(p);
    p[e] = orig;
    grad[e] = (lu - ld) / (up + down);
  }
  return grad;
}

function outShapeOf(cfg: Cfg, x: Float32Array, f: Float32Array): number[] {
  return depthwiseConv2dReference({ data: x, shape: cfg.input }, { data: f, shape: cfg.filter },
    cfg.strides, cfg.padding, cfg.rate, cfg.dataFormat).shape;
}

/** Both reference gradients against finite differences; exact for dyadic data, else to `tol`. */
function checkAgainstFD(cfg: Cfg, seed: number, kind: 'dyadic' | 'uniform', tol = 0): void {
  const r = rng(seed);
  const gen = kind === 'dyadic' ? dyadic : uniform;
  const x = gen(size(cfg.input), r);
  const f = gen(size(cfg.filter), r);
  const outShape = outShapeOf(cfg, x, f);
  const dy = gen(size(outShape), r);
  const h = kind === 'dyadic' ? 0.5 : 1 / 8; // the loss is linear in x and f: any step is exact in exact arithmetic

  const dx = depthwiseConv2dBackpropInputReference(cfg.input, { data: f, shape: cfg.filter },
    { data: dy, shape: outShape }, cfg.strides, cfg.padding, cfg.rate, cfg.dataFormat);
  const df = depthwiseConv2dBackpropFilterReference({ data: x, shape: cfg.input }, cfg.filter,
    { data: dy, shape: outShape }, cfg.strides, cfg.padding, cfg.rate, cfg.dataFormat);
  expect(dx.shape).toEqual(cfg.input);
  expect(df.shape).toEqual(cfg.filter);

  const fdx = finiteDifferences(x, h, (p) => loss(cfg, p, f, dy));
  const fdf = finiteDifferences(f, h, (p) => loss(cfg, x, p, dy));
  if (tol === 0) {
    expect(Array.from(dx.data)).toEqual(Array.from(fdx));
    expect(Array.from(df.data)).toEqual(Array.from(fdf));
  } else {
    const scale = (a: ArrayLike<number>) => Math.max(1, ...Array.from(a, Math.abs));
    const sx = scale(fdx);
    const sf = scale(fdf);
    fdx.forEach((want, i) => expect(Math.abs(dx.data[i] - want)).toBeLessThanOrEqual(tol * sx));
    fdf.forEach((want, i) => expect(Math.abs(df.data[i] - want)).toBeLessThanOrEqual(tol * sf));
  }
}

/** NHWC shape/strides/padding to `fmt` order. */
function inFormat<T>(fmt: DataFormat, nhwc: T[]): T[] {
  const [n, h, w, c] = nhwc;
  return fmt === 'NHWC' ? [n, h, w, c] : [n, c, h, w];
}

function randomConfig(r: () => number): Cfg {
  const pick = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  for (;;) {
    const dataFormat: DataFormat = r() < 0.5 ? 'NHWC' : 'NCHW';
    const n = pick(1, 2);
    const h = pick(1, 7);
    const w = pick(1, 7);
    const c = pick(1, 5);
    const fh = pick(1, 4);
    const fw = pick(1, 4);
    const m = pick(1, 3);
    const dilated = r() < 0.3;
    const sh = dilated ? 1 : pick(1, 3);
    const sw = dilated ? 1 : pick(1, 3);
    const rate = dilated ? [pick(1, 3), pick(1, 3)] : null;
    const pk = r();
    const padding: Padding = pk < 0.35 ? 'SAME' : pk < 0.7 ? 'VALID'
      : inFormat(dataFormat, [[0, 0], [pick(0, 3), pick(0, 3)], [pick(0, 3), pick(0, 3)], [0, 0]]);
    const cfg: Cfg = {
      input: inFormat(dataFormat, [n, h, w, c]), filter: [fh, fw, c, m],
      strides: inFormat(dataFormat, [1, sh, sw, 1]), padding, rate, dataFormat,
    };
    try {
      outShapeOf(cfg, new Float32Array(size(cfg.input)), new Float32Array(size(cfg.filter)));
      return cfg;
    } catch {
      // an empty output: draw again
    }
  }
}

describe('gradient references: hand-checked', () => {
  // input 1x3x3x1 = 1..9, filter 2x2x1x1 = [[1, 2], [3, 4]], VALID: output 2x2; dy = ones.
  const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const f = Float32Array.from([1, 2, 3, 4]);
  const dy = new Float32Array(4).fill(1);

  it('input gradient: every input pixel gets the filter taps that touch it', () => {
    const dx = depthwiseConv2dBackpropInputReference([1, 3, 3, 1], { data: f, shape: [2, 2, 1, 1] },
      { data: dy, shape: [1, 2, 2, 1] }, [1, 1, 1, 1], 'VALID');
    expect(dx.shape).toEqual([1, 3, 3, 1]);
    expect(Array.from(dx.data)).toEqual([1, 3, 2, 4, 10, 6, 3, 7, 4]);
  });

  it('filter gradient: each tap sums the input window it sees', () => {
    const df = depthwiseConv2dBackpropFilterReference({ data: x, shape: [1, 3, 3, 1] }, [2, 2, 1, 1],
      { data: dy, shape: [1, 2, 2, 1] }, [1, 1, 1, 1], 'VALID');
    expect(df.shape).toEqual([2, 2, 1, 1]);
    expect(Array.from(df.data)).toEqual([1 + 2 + 4 + 5, 2 + 3 + 5 + 6, 4 + 5 + 7 + 8, 5 + 6 + 8 + 9]);
  });

  it('channel multiplier: output channel k*M + q pairs input channel k with filter [.., k, q]', () => {
    // 1x1 input with 2 channels, 1x1 filter, M = 2: out = [x0 f00, x0 f01, x1 f10, x1 f11].
    const dx = depthwiseConv2dBackpropInputReference([1, 1, 1, 2], { data: Float32Array.from([2, 3, 5, 7]), shape: [1, 1, 2, 2] },
      { data: Float32Array.from([1, 10, 100, 1000]), shape: [1, 1, 1, 4] }, [1, 1, 1, 1], 'VALID');
    expect(Array.from(dx.data)).toEqual([2 + 30, 500 + 7000]);
    const df = depthwiseConv2dBackpropFilterReference({ data: Float32Array.from([2, 3]), shape: [1, 1, 1, 2] }, [1, 1, 2, 2],
      { data: Float32Array.from([1, 10, 100, 1000]), shape: [1, 1, 1, 4] }, [1, 1, 1, 1], 'VALID');
    expect(Array.from(df.data)).toEqual([2, 20, 300, 3000]);
  });

  it('stride 2 SAME pads after: the last row and column get no gradient from the padding', () => {
    // in 4, f 2, s 2 -> out 2, total pad max(2 + 2 - 4, 0) = 0: taps (0,1) of output i cover rows 2i, 2i+1.
    const dx = depthwiseConv2dBackpropInputReference([1, 4, 1, 1], { data: Float32Array.from([1, 2]), shape: [2, 1, 1, 1] },
      { data: Float32Array.from([10, 100]), shape: [1, 2, 1, 1] }, [1, 2, 1, 1], 'SAME');
    expect(Array.from(dx.data)).toEqual([10, 20, 100, 200]);
    // in 3, f 2, s 2 -> out 2, total pad 1: 0 before, 1 after; row 4 would be padding.
    const dx3 = depthwiseConv2dBackpropInputReference([1, 3, 1, 1], { data: Float32Array.from([1, 2]), shape: [2, 1, 1, 1] },
      { data: Float32Array.from([10, 100]), shape: [1, 2, 1, 1] }, [1, 2, 1, 1], 'SAME');
    expect(Array.from(dx3.data)).toEqual([10, 20, 100]);
  });
});

describe('gradient references against finite differences of the forward reference', () => {
  it('random sweep (NHWC/NCHW, strides, rate, SAME/VALID/explicit, M, batch): exact on dyadic data', () => {
    const r = rng(20261128);
    const seen = new Set<string>();
    for (let trial = 0; trial < 60; trial++) {
      const cfg = randomConfig(r);
      seen.add(`${cfg.dataFormat}/${typeof cfg.padding === 'string' ? cfg.padding : 'explicit'}`);
      checkAgainstFD(cfg, 1000 + trial, 'dyadic');
    }
    expect(seen.size).toBe(6); // every format x padding kind came up
  });

  it('random sweep on uniform float data, to float32 rounding', () => {
    const r = rng(77);
    for (let trial = 0; trial < 20; trial++) checkAgainstFD(randomConfig(r), 5000 + trial, 'uniform', 2e-5);
  });
});

// TensorFlow's gradient-check configurations (kernel_tests/nn_ops/depthwise_conv_op_base.py,
// CheckGradConfigsToTest and CheckGradConfigsToTestExplicit): NHWC input, filter, the output
// size TF expects, a square stride, padding (explicit as [[top, bottom], [left, right]]), dilations.
type TFConfig = [number[], number[], number[], number, 'SAME' | 'VALID' | number[][], number[] | null];
const TF_GRAD_CONFIGS: TFConfig[] = [
  [[2, 5, 8, 1], [4, 4, 1, 2], [2, 5, 8, 2], 1, 'SAME', null],
  [[4, 5, 5, 1], [2, 2, 1, 2], [4, 2, 2, 2], 2, 'VALID', null],
  [[2, 4, 4, 2], [3, 1, 2, 2], [2, 4, 4, 4], 1, 'SAME', null],
  [[1, 15, 15, 2], [1, 3, 2, 1], [1, 15, 15, 2], 1, 'SAME', null],
  [[2, 15, 16, 1], [3, 3, 1, 2], [2, 5, 5, 2], 3, 'VALID', null],
  [[2, 5, 8, 1], [4, 3, 1, 2], [2, 5, 8, 2], 1, 'SAME', [1, 2]],
  [[1, 3, 1, 2], [2, 1, 2, 1], [1, 3, 1, 2], 1, 'SAME', null],
  [[2, 2, 3, 2], [2, 1, 2, 1], [2, 2, 3, 2], 1, 'SAME', null],
  [[2, 2, 3, 1], [2, 2, 1, 1], [2, 2, 3, 1], 1, 'SAME', null],
  [[2, 5, 8, 1], [4, 4, 1, 2], [2, 3, 10, 2], 1, [[0, 1], [2, 3]], null],
  [[4, 5, 5, 1], [2, 2, 1, 2], [4, 4, 5, 2], 2, [[3, 1], [5, 0]], null],
  [[2, 4, 4, 2], [3, 1, 2, 2], [2, 7, 11, 4], 1, [[4, 1], [3, 4]], null],
  [[1, 15, 15, 2], [1, 3, 2, 1], [1, 18, 23, 2], 1, [[3, 0], [2, 8]], null],
  [[2, 15, 16, 1], [3, 3, 1, 2], [2, 5, 8, 2], 3, [[0, 0], [10, 0]], null],
  [[2, 5, 8, 1], [3, 4, 1, 2], [2, 5, 10, 2], 1, [[3, 1], [2, 3]], [2, 1]],
  [[2, 4, 3, 2], [3, 2, 2, 1], [2, 4, 3, 2], 1, [[2, 0], [1, 0]], null],
];

function tfConfig([input, filter, , stride, pad, dilations]: TFConfig, fmt: DataFormat): Cfg {
  const padding: Padding = typeof pad === 'string' ? pad : inFormat(fmt, [[0, 0], pad[0], pad[1], [0, 0]]);
  return {
    input: inFormat(fmt, input), filter, strides: inFormat(fmt, [1, stride, stride, 1]), padding, rate: dilations, dataFormat: fmt,
  };
}

describe("TensorFlow's small gradient configurations", () => {
  for (const [i, c] of TF_GRAD_CONFIGS.entries()) {
    it(`config ${i}: input ${c[0].join('x')}, filter ${c[1].join('x')}, stride ${c[3]}, padding ${JSON.stringify(c[4])}${c[5] ? `, dilations ${c[5].join('x')}` : ''}`, () => {
      for (const fmt of ['NHWC', 'NCHW'] as const) {
        const cfg = tfConfig(c, fmt);
        // TF's data: input i / size and filter i / size, counting from 0.
        const x = Float32Array.from({ length: size(cfg.input) }, (_, k) => k / size(cfg.input));
        const f = Float32Array.from({ length: size(cfg.filter) }, (_, k) => k / size(cfg.filter));
        expect(outShapeOf(cfg, x, f)).toEqual(inFormat(fmt, c[2]));
        checkAgainstFD(cfg, 31 + i, 'dyadic');
      }
    });
  }
});

describe('gradient references: errors name the argument and the values', () => {
  const f = { data: new Float32Array(9 * 2), shape: [3, 3, 2, 1] };
  const dy = { data: new Float32Array(2 * 4 * 4 * 2), shape: [2, 4, 4, 2] };
  const x = { data: new Float32Array(2 * 4 * 4 * 2), shape: [2, 4, 4, 2] };

  it('outBackprop of the wrong shape names both shapes', () => {
    const bad = { data: new Float32Array(2 * 2 * 2 * 2), shape: [2, 2, 2, 2] };
    expect(() => depthwiseConv2dBackpropInputReference([2, 4, 4, 2], f, bad, [1, 1, 1, 1], 'SAME'))
      .toThrow(/outBackprop shape \[2, 2, 2, 2\] must equal the forward output shape \[2, 4, 4, 2\]/);
    expect(() => depthwiseConv2dBackpropFilterReference(x, [3, 3, 2, 1], bad, [1, 1, 1, 1], 'SAME'))
      .toThrow(/outBackprop shape \[2, 2, 2, 2\] must equal the forward output shape \[2, 4, 4, 2\]/);
  });

  it('filterShape in_channels must match the input', () => {
    expect(() => depthwiseConv2dBackpropFilterReference(x, [3, 3, 3, 1], dy, [1, 1, 1, 1], 'SAME'))
      .toThrow(/depthwiseConv2dBackpropFilterReference: filterShape in_channels .*\[3, 3, 3, 1\].* 2 channels/);
    expect(() => depthwiseConv2dBackpropInputReference([2, 4, 4, 3], f, dy, [1, 1, 1, 1], 'SAME'))
      .toThrow(/filter in_channels .*\[3, 3, 2, 1\].* 3 channels/);
  });

  it('shapes, strides, rate, padding and data format are checked like the forward op', () => {
    expect(() => depthwiseConv2dBackpropInputReference([2, 4, 4], f, dy, [1, 1, 1, 1], 'SAME')).toThrow(/inputShape must be 4-D/);
    expect(() => depthwiseConv2dBackpropInputReference([2, 4, 0, 2], f, dy, [1, 1, 1, 1], 'SAME')).toThrow(/inputShape .*dimension 2 is 0/);
    expect(() => depthwiseConv2dBackpropFilterReference(x, [3, 3, 2, 1.5], dy, [1, 1, 1, 1], 'SAME')).toThrow(/filterShape .*1\.5/);
    expect(() => depthwiseConv2dBackpropInputReference([2, 4, 4, 2], f, dy, [1, 0, 1, 1], 'SAME')).toThrow(/strides/);
    expect(() => depthwiseConv2dBackpropInputReference([2, 4, 4, 2], f, dy, [1, 2, 1, 1], 'SAME', [2, 1])).toThrow(/rate/);
    expect(() => depthwiseConv2dBackpropFilterReference(x, [3, 3, 2, 1], dy, [1, 1, 1, 1], 'FULL' as never)).toThrow(/padding .*"FULL"/);
    expect(() => depthwiseConv2dBackpropFilterReference(x, [3, 3, 2, 1], dy, [1, 1, 1, 1], 'SAME', null, 'NWHC' as never)).toThrow(/dataFormat .*"NWHC"/);
    expect(() => depthwiseConv2dBackpropFilterReference({ data: new Float32Array(3), shape: [2, 4, 4, 2] }, [3, 3, 2, 1], dy, [1, 1, 1, 1], 'SAME'))
      .toThrow(/input\.data has length 3/);
    expect(() => depthwiseConv2dBackpropInputReference([1, 2, 2, 2], f, { data: new Float32Array(1), shape: [1, 1, 1, 1] }, [1, 1, 1, 1], 'VALID'))
      .toThrow(/empty output/);
  });
});

describe('filter-gradient plan: tiles and reduction passes', () => {
  const plan = (input: number[], filter: number[], strides: number[], padding: Padding, maxTextureSize = 4096) => {
    const g = convGeometry('test', input, filter, strides, padding, null, 'NHWC');
    const ctx = {
      layoutMax: maxTextureSize,
      layoutFor: (_fn: string, what: string, nhwc: readonly number[]) => texelLayout(nhwc, maxTextureSize, what),
    };
    const p = planFilterGrad(ctx, g, filter);
    return { tile: p.tile, tiles: p.stages.map((s) => s.tiles), out: p.out.shape };
  };

  it('1x112x112x32, 3x3, SAME: 224 tiles of 56 positions (16,128 fragments), one reduction to 14, then the final pass', () => {
    expect(plan([1, 112, 112, 32], [3, 3, 32, 1], [1, 1, 1, 1], 'SAME'))
      .toEqual({ tile: 56, tiles: [224, 14], out: [3, 3, 32, 1] });
  });

  it('tile sizes stay within 16..256 positions', () => {
    // 1 channel: 9 fragments a tile, so the smallest tiles; 32 x 112 x 112 x 32: the largest.
    expect(plan([1, 112, 112, 1], [3, 3, 1, 1], [1, 1, 1, 1], 'SAME').tile).toBe(16);
    expect(plan([32, 112, 112, 32], [3, 3, 32, 1], [1, 1, 1, 1], 'SAME').tile).toBe(256);
  });

  it('20,000 positions take two reductions; a small output takes none', () => {
    expect(plan([2, 100, 100, 3], [3, 3, 3, 2], [1, 1, 1, 1], 'SAME')).toMatchObject({ tile: 22, tiles: [910, 57, 4] });
    expect(plan([1, 5, 5, 3], [3, 3, 3, 2], [1, 1, 1, 1], 'SAME')).toEqual({ tile: 16, tiles: [2], out: [3, 3, 3, 2] });
    expect(plan([1, 3, 3, 3], [3, 3, 3, 2], [1, 1, 1, 1], 'SAME')).toEqual({ tile: 9, tiles: [1], out: [3, 3, 3, 2] });
    expect(FILTER_GRAD_GROUP).toBe(16);
  });

  it('tiles grow when the partial sums would not fit one texture', () => {
    // 1x1 filter, 4 channels: one texel per tile; an 8x8 texture holds 64. Tiles of 16 would
    // need 256 texels; 64 positions a tile fit exactly, 65 rows need 128.
    expect(plan([1, 64, 64, 4], [1, 1, 4, 1], [1, 1, 1, 1], 'VALID', 8)).toMatchObject({ tile: 64, tiles: [64, 4] });
    expect(plan([1, 65, 64, 4], [1, 1, 4, 1], [1, 1, 1, 1], 'VALID', 8)).toMatchObject({ tile: 128, tiles: [33, 3] });
  });
});

describe("gradient references against TensorFlow.js's CPU kernels", () => {
  // An independent implementation of the same two ops: tfjs-backend-cpu's
  // DepthwiseConv2dNativeBackpropInput / ...Filter kernels (NHWC; they do not apply dilations,
  // and TF.js's gradient refuses dilation > 1, so rate stays 1 here — the finite-difference
  // tests above cover rate).
  // tfjs-core is a devDependency (the benchmark's); tfjs-backend-cpu comes with tfjs-backend-webgl.
  const tfjs = Promise.all([import('@tensorflow/tfjs-core'), import('@tensorflow/tfjs-backend-cpu')]).then(([tf]) => tf, () => null);
  it('random undilated NHWC configurations: SAME, VALID, explicit, strides, M, batch', async (ctx) => {
    const tf = await tfjs;
    if (!tf) {
      ctx.skip(); // TensorFlow.js is not installed
      return;
    }
    await tf.setBackend('cpu');
    const r = rng(424242);
    const pick = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
    let checked = 0;
    while (checked < 60) {
      const shape = [pick(1, 2), pick(1, 9), pick(1, 9), pick(1, 5)];
      const fs = [pick(1, 4), pick(1, 4), shape[3], pick(1, 3)];
      const s: [number, number] = [pick(1, 3), pick(1, 3)];
      const k = checked % 3;
      const pad: Padding = k === 0 ? 'SAME' : k === 1 ? 'VALID' : [[0, 0], [pick(0, 2), pick(0, 2)], [pick(0, 2), pick(0, 2)], [0, 0]];
      const cfg: Cfg = { input: shape, filter: fs, strides: [1, s[0], s[1], 1], padding: pad, rate: null, dataFormat: 'NHWC' };
      const x = uniform(size(shape), r);
      const f = uniform(size(fs), r);
      let outShape: number[];
      try {
        outShape = outShapeOf(cfg, x, f);
      } catch {
        continue; // empty output
      }
      const dy = uniform(size(outShape), r);
      const tfPad = typeof pad === 'string' ? (pad.toLowerCase() as 'same' | 'valid') : pad;
      const dyT = tf.tensor4d(dy, outShape as [number, number, number, number]);
      const attrs = { strides: s, pad: tfPad, dilations: [1, 1] };
      const wantX = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput',
        { dy: dyT, filter: tf.tensor4d(f, fs as [number, number, number, number]) }, { ...attrs, inputShape: shape } as never) as import('@tensorflow/tfjs-core').Tensor;
      const wantF = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter',
        { x: tf.tensor4d(x, shape as [number, number, number, number]), dy: dyT }, { ...attrs, filterShape: fs } as never) as import('@tensorflow/tfjs-core').Tensor;
      const dx = depthwiseConv2dBackpropInputReference(shape, { data: f, shape: fs }, { data: dy, shape: outShape }, cfg.strides, pad);
      const df = depthwiseConv2dBackpropFilterReference({ data: x, shape }, fs, { data: dy, shape: outShape }, cfg.strides, pad);
      expect(wantX.shape).toEqual(shape);
      expect(wantF.shape).toEqual(fs);
      const close = (got: Float32Array, want: ArrayLike<number>) => got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(want[i]))));
      close(dx.data, wantX.dataSync());
      close(df.data, wantF.dataSync());
      checked++;
    }
  });
});
