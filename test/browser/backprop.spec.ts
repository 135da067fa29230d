import { test, expect, caseName } from './fixtures';
import { rng } from '../rng.js';

// The gradients on the GPU against the pure-TypeScript references (which the unit tests check
// against finite differences of the forward reference).

declare global {
  interface Window {
    H: any;
    DGL: any;
  }
}

interface GradCase {
  input: number[]; // dataFormat order
  filter: number[]; // [fh, fw, C, M]
  strides: number[]; // dataFormat order
  padding: 'SAME' | 'VALID' | number[][];
  rate: number[] | null;
  dataFormat: 'NHWC' | 'NCHW';
  filterNCHW?: boolean; // hold the filter tensor with dataFormat 'NCHW'
  passFormat?: boolean; // pass dataFormat explicitly
  seed: number;
  tol?: { atol: number; rtol: number };
  context?: object; // options for a context of its own (else the page's shared one)
  special?: boolean; // sprinkle NaN, +Inf and -Inf into the input and outBackprop
}

function inFormat<T>(fmt: 'NHWC' | 'NCHW', [n, h, w, c]: T[]): T[] {
  return fmt === 'NHWC' ? [n, h, w, c] : [n, c, h, w];
}

function outSize(inSize: number, f: number, s: number, r: number, pad: 'SAME' | 'VALID' | number[]): number {
  const fe = (f - 1) * r + 1;
  if (pad === 'VALID') return Math.ceil((inSize - fe + 1) / s);
  if (pad === 'SAME') return Math.ceil(inSize / s);
  return Math.floor((inSize + pad[0] + pad[1] - fe) / s) + 1;
}

/** A seeded sweep over formats, strides, rate, every padding kind, M and batch. */
function gradSweep(count: number, seed: number): GradCase[] {
  const r = rng(seed);
  const pick = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const cases: GradCase[] = [];
  while (cases.length < count) {
    const dataFormat = cases.length % 2 === 0 ? 'NHWC' : 'NCHW';
    const [n, h, w, c] = [pick(1, 3), pick(1, 11), pick(1, 11), pick(1, 9)];
    const [fh, fw, m] = [pick(1, 4), pick(1, 4), pick(1, 4)];
    const dilated = r() < 0.25;
    const [sh, sw] = dilated ? [1, 1] : [pick(1, 3), pick(1, 3)];
    const rate = dilated ? [pick(1, 3), pick(1, 3)] : null;
    const kind = cases.length % 3;
    const ph = [pick(0, 3), pick(0, 3)];
    const pw = [pick(0, 3), pick(0, 3)];
    const padding = kind === 0 ? 'SAME' : kind === 1 ? 'VALID' : inFormat(dataFormat, [[0, 0], ph, pw, [0, 0]]);
    const [rh, rw] = rate ?? [1, 1];
    const oh = outSize(h, fh, sh, rh, kind === 0 ? 'SAME' : kind === 1 ? 'VALID' : ph);
    const ow = outSize(w, fw, sw, rw, kind === 0 ? 'SAME' : kind === 1 ? 'VALID' : pw);
    if (oh <= 0 || ow <= 0) continue;
    cases.push({
      input: inFormat(dataFormat, [n, h, w, c]), filter: [fh, fw, c, m],
      strides: inFormat(dataFormat, [1, sh, sw, 1]), padding, rate, dataFormat,
      filterNCHW: r() < 0.3, passFormat: r() < 0.5, seed: pick(1, 1 << 30),
    });
  }
  return cases;
}

// TensorFlow's gradient-check configurations (depthwise_conv_op_base.py, CheckGradConfigsToTest
// and ...Explicit): NHWC input, filter, square stride, padding, dilations.
const TF_GRAD: [number[], number[], number, 'SAME' | 'VALID' | number[][], number[] | null][] = [
  [[2, 5, 8, 1], [4, 4, 1, 2], 1, 'SAME', null],
  [[4, 5, 5, 1], [2, 2, 1, 2], 2, 'VALID', null],
  [[2, 4, 4, 2], [3, 1, 2, 2], 1, 'SAME', null],
  [[1, 15, 15, 2], [1, 3, 2, 1], 1, 'SAME', null],
  [[2, 15, 16, 1], [3, 3, 1, 2], 3, 'VALID', null],
  [[2, 5, 8, 1], [4, 3, 1, 2], 1, 'SAME', [1, 2]],
  [[1, 3, 1, 2], [2, 1, 2, 1], 1, 'SAME', null],
  [[2, 2, 3, 2], [2, 1, 2, 1], 1, 'SAME', null],
  [[2, 2, 3, 1], [2, 2, 1, 1], 1, 'SAME', null],
  [[2, 5, 8, 1], [4, 4, 1, 2], 1, [[0, 1], [2, 3]], null],
  [[4, 5, 5, 1], [2, 2, 1, 2], 2, [[3, 1], [5, 0]], null],
  [[2, 4, 4, 2], [3, 1, 2, 2], 1, [[4, 1], [3, 4]], null],
  [[1, 15, 15, 2], [1, 3, 2, 1], 1, [[3, 0], [2, 8]], null],
  [[2, 15, 16, 1], [3, 3, 1, 2], 3, [[0, 0], [10, 0]], null],
  [[2, 5, 8, 1], [3, 4, 1, 2], 1, [[3, 1], [2, 3]], [2, 1]],
  [[2, 4, 3, 2], [3, 2, 2, 1], 1, [[2, 0], [1, 0]], null],
];

function tfCases(): GradCase[] {
  return TF_GRAD.flatMap(([input, filter, s, pad, rate], i) => (['NHWC', 'NCHW'] as const).map((fmt) => ({
    input: inFormat(fmt, input), filter, strides: inFormat(fmt, [1, s, s, 1]),
    padding: typeof pad === 'string' ? pad : inFormat(fmt, [[0, 0], pad[0], pad[1], [0, 0]]),
    rate, dataFormat: fmt, seed: 100 + i,
  })));
}

/**
 * In the page: both gradients of one case on the GPU and in the reference, compared; memory must
 * come back to where it was once the outputs are disposed.
 */
async function runGradCase(cfg: GradCase) {
  const { H, DGL } = window;
  const ctx = cfg.context ? H.ctx(cfg.context) : H.ctx();
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const x = H.randomData(size(cfg.input), cfg.seed);
  const f = H.randomData(size(cfg.filter), cfg.seed + 1);
  const ref = DGL.depthwiseConv2dReference({ data: x, shape: cfg.input }, { data: f, shape: cfg.filter },
    cfg.strides, cfg.padding, cfg.rate, cfg.dataFormat);
  const dy = H.randomData(size(ref.shape), cfg.seed + 2);
  if (cfg.special) {
    const specials = [NaN, Infinity, -Infinity];
    [x, dy].forEach((a, j) => {
      for (let i = 0; i < 3; i++) a[(i * 7919 + j * 104729 + cfg.seed) % a.length] = specials[i];
    });
  }
  const wantDx = DGL.depthwiseConv2dBackpropInputReference(cfg.input, { data: f, shape: cfg.filter },
    { data: dy, shape: ref.shape }, cfg.strides, cfg.padding, cfg.rate, cfg.dataFormat);
  const wantDf = DGL.depthwiseConv2dBackpropFilterReference({ data: x, shape: cfg.input }, cfg.filter,
    { data: dy, shape: ref.shape }, cfg.strides, cfg.padding, cfg.rate, cfg.dataFormat);

  const fmtArg = cfg.passFormat ? cfg.dataFormat : undefined;
  // The filter's data is [fh, fw, C, M] row-major; an NCHW-held filter takes the same data and shape.
  const xt = ctx.tensor(x, cfg.input, { dataFormat: cfg.dataFormat });
  const ft = ctx.tensor(f, cfg.filter, { dataFormat: cfg.filterNCHW ? 'NCHW' : 'NHWC' });
  const dyt = ctx.tensor(dy, ref.shape, { dataFormat: cfg.dataFormat });
  const before = ctx.memory();
  const dx = ctx.depthwiseConv2dBackpropInput(cfg.input, ft, dyt, cfg.strides, cfg.padding, cfg.rate, fmtArg);
  const df = ctx.depthwiseConv2dBackpropFilter(xt, cfg.filter, dyt, cfg.strides, cfg.padding, cfg.rate, fmtArg);
  const gotDx = await dx.read();
  const gotDf = df.readSync();
  // Tolerance: float32 sums; the filter gradient adds up to N*OH*OW products.
  const tol = cfg.tol ?? { atol: 1e-4, rtol: 1e-4 };
  const result = {
    dx: H.compare(gotDx, wantDx.data, tol),
    df: H.compare(gotDf, wantDf.data, tol),
    dxShape: [...dx.shape], dxFormat: dx.dataFormat, dfShape: [...df.shape], dfFormat: df.dataFormat,
    memoryBack: false,
    nonFinite: [...wantDx.data, ...wantDf.data].filter((v) => !Number.isFinite(v)).length,
    nonZero: [...wantDx.data, ...wantDf.data].some((v) => v !== 0),
  };
  dx.dispose();
  df.dispose();
  const after = ctx.memory();
  result.memoryBack = after.tensors === before.tensors && after.textures === before.textures && after.bytes === before.bytes;
  [xt, ft, dyt].forEach((t) => t.dispose());
  if (cfg.context) ctx.dispose();
  return result;
}

function expectGood(r: Awaited<ReturnType<typeof runGradCase>>, cfg: GradCase) {
  expect(r.dxShape).toEqual(cfg.input);
  expect(r.dxFormat).toBe(cfg.dataFormat);
  expect(r.dfShape).toEqual(cfg.filter);
  expect(r.dfFormat).toBe('NHWC');
  expect(r.dx, `input gradient: ${JSON.stringify(r.dx)}`).toMatchObject({ ok: true, bad: 0 });
  expect(r.df, `filter gradient: ${JSON.stringify(r.df)}`).toMatchObject({ ok: true, bad: 0 });
  expect(r.memoryBack).toBe(true);
  // (Unless every tap lies in the padding and both gradients are all zero.)
  if (cfg.special && r.nonZero) expect(r.nonFinite, 'the specials reach the gradients').toBeGreaterThan(0);
}

const label = (c: GradCase) => `${caseName(c)}${c.filterNCHW ? ',filterNCHW' : ''}`;

test.describe('gradients: random sweep, GPU against the reference', () => {
  for (const cfg of gradSweep(36, 6061)) {
    test(label(cfg), async ({ harness }) => {
      expectGood(await harness.evaluate(runGradCase, cfg), cfg);
    });
  }
});

test.describe("gradients: TensorFlow's gradient-check configurations", () => {
  for (const cfg of tfCases()) {
    test(label(cfg), async ({ harness }) => {
      expectGood(await harness.evaluate(runGradCase, cfg), cfg);
    });
  }
});

test.describe('gradients: larger cases', () => {
  test('filter gradient of input 1x112x112x32, 3x3, SAME: accurate and tiled (timed)', async ({ harness }) => {
    const r = await harness.evaluate(async () => {
      const { H, DGL } = window;
      const ctx = H.ctx();
      const input = [1, 112, 112, 32];
      const filter = [3, 3, 32, 1];
      const strides = [1, 1, 1, 1];
      const x = H.randomData(112 * 112 * 32, 11);
      const dy = H.randomData(112 * 112 * 32, 12);
      const t0 = performance.now();
      const want = DGL.depthwiseConv2dBackpropFilterReference({ data: x, shape: input }, filter, { data: dy, shape: input }, strides, 'SAME');
      const refMs = performance.now() - t0;
      const xt = ctx.tensor(x, input);
      const dyt = ctx.tensor(dy, input);
      const before = ctx.memory();
      const first = ctx.depthwiseConv2dBackpropFilter(xt, filter, dyt, strides, 'SAME'); // compiles the programs
      const got = first.readSync();
      first.dispose();
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const s = performance.now();
        const df = ctx.depthwiseConv2dBackpropFilter(xt, filter, dyt, strides, 'SAME');
        df.readSync();
        times.push(performance.now() - s);
        df.dispose();
      }
      // For scale: the input gradient and the forward op on the same sizes, timed the same way.
      const ft = ctx.tensor(H.randomData(9 * 32, 13), filter);
      const timeIt = (run: () => any) => {
        run().dispose(); // compiles
        const ms: number[] = [];
        for (let i = 0; i < 3; i++) {
          const s = performance.now();
          const t = run();
          t.readSync();
          ms.push(performance.now() - s);
          t.dispose();
        }
        return ms.sort((a, b) => a - b)[1];
      };
      const inputGradMs = timeIt(() => ctx.depthwiseConv2dBackpropInput(input, ft, dyt, strides, 'SAME'));
      const forwardMs = timeIt(() => ctx.depthwiseConv2d(xt, ft, strides, 'SAME'));
      ft.dispose();
      const after = ctx.memory();
      xt.dispose();
      dyt.dispose();
      times.sort((a, b) => a - b);
      let maxAbs = 0;
      let maxRel = 0;
      let scale = 0;
      for (let i = 0; i < want.data.length; i++) {
        const d = Math.abs(got[i] - want.data[i]);
        maxAbs = Math.max(maxAbs, d);
        maxRel = Math.max(maxRel, d / Math.max(Math.abs(want.data[i]), 1e-6));
        scale = Math.max(scale, Math.abs(want.data[i]));
      }
      return {
        cmp: H.compare(got, want.data, { atol: 1e-3, rtol: 1e-4 }), maxAbs, maxRel, scale, medianMs: times[1], refMs, inputGradMs, forwardMs,
        renderer: ctx.capabilities.renderer, precision: ctx.capabilities.precision,
        memoryBack: after.textures === before.textures && after.bytes === before.bytes && after.tensors === before.tensors,
      };
    });
    console.log(`[backprop] 1x112x112x32 3x3 SAME filter gradient: max |err| ${r.maxAbs.toExponential(2)} (values up to ${r.scale.toFixed(1)}), max rel ${r.maxRel.toExponential(2)}; GPU ${r.medianMs.toFixed(1)} ms median of 3 (incl. readSync), reference ${r.refMs.toFixed(0)} ms; input gradient ${r.inputGradMs.toFixed(1)} ms, forward ${r.forwardMs.toFixed(1)} ms; ${r.precision} on ${r.renderer}`);
    expect(r.cmp, JSON.stringify(r.cmp)).toMatchObject({ ok: true, bad: 0 });
    // Tiled sums stay within ~2e-5 of the float64 reference on values up to ~95; one fragment
    // summing all 12,544 positions in a row drifts to ~3e-4 (measured on SwiftShader).
    if (r.precision === 'float32') expect(r.maxAbs).toBeLessThan(1e-4);
    expect(r.memoryBack).toBe(true);
  });

  test('filter gradient over 20,000 output positions (two reduction passes), M=2, stride 1, with the input gradient', async ({ harness }) => {
    const cfg: GradCase = {
      input: [2, 100, 100, 3], filter: [3, 3, 3, 2], strides: [1, 1, 1, 1], padding: 'SAME', rate: null,
      dataFormat: 'NHWC', seed: 4242, tol: { atol: 5e-4, rtol: 1e-4 },
    };
    expectGood(await harness.evaluate(runGradCase, cfg), cfg);
  });

  test('textures that wrap (MAX_TEXTURE_SIZE 16): every stage indexes through the 2-D layout', async ({ harness }) => {
    const cfg: GradCase = {
      input: [2, 3, 9, 10], filter: [3, 2, 3, 2], strides: [1, 1, 2, 1], padding: [[0, 0], [0, 0], [1, 2], [0, 1]], rate: null,
      dataFormat: 'NCHW', seed: 77, context: { debug: { maxTextureSize: 16 } },
    };
    expectGood(await harness.evaluate(runGradCase, cfg), cfg);
    // 72 output channels: the packed filter (18 texels a tap) no longer fits 16 wide, so the input
    // gradient reads it through the ordinary layout.
    const wide: GradCase = {
      input: [1, 3, 4, 9], filter: [2, 2, 9, 8], strides: [1, 1, 1, 1], padding: 'SAME', rate: null,
      dataFormat: 'NHWC', seed: 78, context: { debug: { maxTextureSize: 16 } },
    };
    expectGood(await harness.evaluate(runGradCase, wide), wide);
  });
});

test.describe('gradients: NaN and infinities, float16', () => {
  // NaN and infinities propagate as in the reference (NaN where an Inf meets a zero-weight or an
  // opposite Inf, ...), and padding taps never read them.
  for (const cfg of gradSweep(6, 9001)) {
    const c: GradCase = { ...cfg, special: true };
    test(`NaN/Inf: ${label(c)}`, async ({ harness }) => {
      expectGood(await harness.evaluate(runGradCase, c), c);
    });
  }
  // Half-float storage: inputs, partial sums and outputs are rounded to 11 bits.
  for (const cfg of gradSweep(4, 4711)) {
    const c: GradCase = { ...cfg, context: { precision: 'float16' }, tol: { atol: 2e-2, rtol: 1e-2 } };
    test(`float16: ${label(c)}`, async ({ harness }) => {
      expectGood(await harness.evaluate(runGradCase, c), c);
    });
  }
});

test.describe('gradients: RGBA8 storage (no float render targets: each float in the bytes of a texel)', () => {
  const rgba8 = { debug: { disableExtensions: ['EXT_color_buffer_float', 'EXT_color_buffer_half_float'] } };
  for (const cfg of gradSweep(5, 31337)) {
    const c: GradCase = { ...cfg, context: rgba8, special: cfg.seed % 2 === 0 };
    test(`rgba8: ${label(c)}${c.special ? ',NaN/Inf' : ''}`, async ({ harness }) => {
      expectGood(await harness.evaluate(runGradCase, c), c);
    });
  }
  test('rgba8 with a 32-texel MAX_TEXTURE_SIZE (16 logical texels a row): wrapped layouts', async ({ harness }) => {
    const c: GradCase = {
      input: [2, 7, 8, 3], filter: [2, 3, 3, 2], strides: [1, 1, 1, 1], padding: 'SAME', rate: [2, 1],
      dataFormat: 'NHWC', seed: 99, context: { debug: { ...rgba8.debug, maxTextureSize: 32 } },
    };
    expectGood(await harness.evaluate(runGradCase, c), c);
  });
});

test.describe('gradients: chained with the forward op', () => {
  test("op outputs (whatever texture layout the forward op picks) feed both gradients", async ({ harness }) => {
    const r = await harness.evaluate(async () => {
      const { H, DGL } = window;
      const ctx = H.ctx();
      const out: Record<string, unknown> = {};
      for (const fmt of ['NHWC', 'NCHW']) {
        const nchw = fmt === 'NCHW';
        const xShape = nchw ? [2, 5, 13, 11] : [2, 13, 11, 5];
        const x = ctx.tensor(H.randomData(2 * 13 * 11 * 5, 1), xShape, { dataFormat: fmt });
        const f1 = ctx.tensor(H.randomData(3 * 3 * 5 * 2, 2), [3, 3, 5, 2]);
        const s1 = [1, 1, 1, 1];
        const a = ctx.depthwiseConv2d(x, f1, s1, 'SAME'); // activations: [2, 13, 11, 10]
        const f2 = ctx.tensor(H.randomData(2 * 3 * 10 * 1, 3), [2, 3, 10, 1]);
        const s2 = nchw ? [1, 1, 2, 2] : [1, 2, 2, 1];
        const yShape = DGL.depthwiseConv2dReference({ data: new Float32Array(2 * 13 * 11 * 10), shape: [...a.shape] },
          { data: new Float32Array(60), shape: [2, 3, 10, 1] }, s2, 'VALID', null, fmt).shape;
        // outBackprop made by the forward op too: a 1x1 conv of a random tensor of the right shape.
        const g = ctx.tensor(H.randomData(yShape.reduce((p: number, q: number) => p * q, 1), 4), yShape, { dataFormat: fmt });
        const one = ctx.tensor([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 10, 1]);
        const dy = ctx.depthwiseConv2d(g, one, [1, 1, 1, 1], 'VALID');
        const dA = ctx.depthwiseConv2dBackpropInput([...a.shape], f2, dy, s2, 'VALID');
        const dF = ctx.depthwiseConv2dBackpropFilter(a, [2, 3, 10, 1], dy, s2, 'VALID');
        const aData = a.readSync();
        const dyData = dy.readSync();
        const f2Data = H.randomData(60, 3);
        const wantA = DGL.depthwiseConv2dBackpropInputReference([...a.shape], { data: f2Data, shape: [2, 3, 10, 1] }, { data: dyData, shape: yShape }, s2, 'VALID', null, fmt);
        const wantF = DGL.depthwiseConv2dBackpropFilterReference({ data: aData, shape: [...a.shape] }, [2, 3, 10, 1], { data: dyData, shape: yShape }, s2, 'VALID', null, fmt);
        out[fmt] = { dA: H.compare(dA.readSync(), wantA.data, { atol: 1e-4, rtol: 1e-4 }), dF: H.compare(dF.readSync(), wantF.data, { atol: 1e-4, rtol: 1e-4 }) };
        [x, f1, a, f2, g, one, dy, dA, dF].forEach((t) => t.dispose());
      }
      return out;
    });
    for (const fmt of ['NHWC', 'NCHW']) {
      const v = r[fmt] as { dA: object; dF: object };
      expect(v.dA, `${fmt} dA ${JSON.stringify(v.dA)}`).toMatchObject({ ok: true, bad: 0 });
      expect(v.dF, `${fmt} dF ${JSON.stringify(v.dF)}`).toMatchObject({ ok: true, bad: 0 });
    }
  });
});

test.describe('gradients: shapes as typed arrays, program cache', () => {
  test('Int32Array inputShape / filterShape give the same result; a repeat call compiles nothing', async ({ harness }) => {
    const r = await harness.evaluate(() => {
      const { H } = window;
      const ctx = H.ctx();
      const f = ctx.tensor(H.randomData(2 * 2 * 3 * 2, 1), [2, 2, 3, 2]);
      const x = ctx.tensor(H.randomData(1 * 4 * 5 * 3, 2), [1, 4, 5, 3]);
      const dy = ctx.tensor(H.randomData(1 * 2 * 3 * 6, 3), [1, 2, 3, 6]);
      const args = [[1, 2, 2, 1], 'SAME'];
      const a = ctx.depthwiseConv2dBackpropInput([1, 4, 5, 3], f, dy, ...args);
      const b = ctx.depthwiseConv2dBackpropFilter(x, [2, 2, 3, 2], dy, ...args);
      const compiled = (ctx as any).programs.compiled;
      const a2 = ctx.depthwiseConv2dBackpropInput(Int32Array.from([1, 4, 5, 3]), f, dy, ...args);
      const b2 = ctx.depthwiseConv2dBackpropFilter(x, Int32Array.from([2, 2, 3, 2]), dy, ...args);
      const out = {
        same: [a.readSync(), b.readSync()].map((v: Float32Array, i: number) => H.compare([a2, b2][i].readSync(), v, { atol: 0, rtol: 0 }).ok),
        shapes: [[...a2.shape], [...b2.shape]], recompiled: (ctx as any).programs.compiled - compiled,
      };
      [f, x, dy, a, b, a2, b2].forEach((t) => t.dispose());
      return out;
    });
    expect(r.same).toEqual([true, true]);
    expect(r.shapes).toEqual([[1, 4, 5, 3], [2, 2, 3, 2]]);
    expect(r.recompiled).toBe(0);
  });
});

test.describe('gradients: errors', () => {
  test('every bad argument throws before any GPU work, naming it and the values; the context stays usable', async ({ harness }) => {
    const r = await harness.evaluate(async () => {
      const { H } = window;
      const ctx = H.ctx();
      const other = H.ctx({});
      const x = ctx.tensor(new Float32Array(2 * 5 * 5 * 3), [2, 5, 5, 3]);
      const f = ctx.tensor(new Float32Array(3 * 3 * 3 * 2), [3, 3, 3, 2]);
      const dy = ctx.tensor(new Float32Array(2 * 5 * 5 * 6), [2, 5, 5, 6]);
      const dyNCHW = ctx.tensor(new Float32Array(2 * 5 * 5 * 6), [2, 6, 5, 5], { dataFormat: 'NCHW' });
      const dead = ctx.tensor([1], [1, 1, 1, 1]);
      dead.dispose();
      const foreign = other.tensor(new Float32Array(2 * 5 * 5 * 6), [2, 5, 5, 6]);
      const s1 = [1, 1, 1, 1];
      const bi = (...a: any[]) => () => ctx.depthwiseConv2dBackpropInput(...a);
      const bf = (...a: any[]) => () => ctx.depthwiseConv2dBackpropFilter(...a);
      const calls: [string, () => unknown][] = [
        ['input: inputShape 3-D', bi([2, 5, 5], f, dy, s1, 'SAME')],
        ['input: inputShape dim not positive', bi([2, 5, -5, 3], f, dy, s1, 'SAME')],
        ['input: outBackprop wrong shape', bi([2, 5, 5, 3], f, dy, [1, 2, 2, 1], 'SAME')],
        ['input: filter channels', bi([2, 5, 5, 4], f, dy, s1, 'SAME')],
        ['input: stride 0', bi([2, 5, 5, 3], f, dy, [1, 0, 1, 1], 'SAME')],
        ['input: batch stride', bi([2, 5, 5, 3], f, dy, [2, 1, 1, 1], 'SAME')],
        ['input: rate with stride', bi([2, 5, 5, 3], f, dy, [1, 2, 2, 1], 'SAME', [2, 2])],
        ['input: rate not integer', bi([2, 5, 5, 3], f, dy, s1, 'SAME', [1.5, 1])],
        ['input: padding unknown', bi([2, 5, 5, 3], f, dy, s1, 'same')],
        ['input: padding negative', bi([2, 5, 5, 3], f, dy, s1, [[0, 0], [-1, 1], [1, 1], [0, 0]])],
        ['input: padding on channels', bi([2, 5, 5, 3], f, dy, s1, [[0, 0], [1, 1], [1, 1], [0, 1]])],
        ['input: dataFormat contradicts', bi([2, 5, 5, 3], f, dy, s1, 'SAME', null, 'NCHW')],
        ['input: dataFormat unknown', bi([2, 5, 5, 3], f, dy, s1, 'SAME', null, 'NHCW')],
        ['input: empty output', bi([2, 2, 2, 3], f, dy, s1, 'VALID')],
        ['input: disposed filter', bi([2, 5, 5, 3], dead, dy, s1, 'SAME')],
        ['input: foreign outBackprop', bi([2, 5, 5, 3], f, foreign, s1, 'SAME')],
        ['input: filter not a tensor', bi([2, 5, 5, 3], { shape: [3, 3, 3, 2] }, dy, s1, 'SAME')],
        ['filter: filterShape 5-D', bf(x, [3, 3, 3, 2, 1], dy, s1, 'SAME')],
        ['filter: filterShape channels', bf(x, [3, 3, 4, 2], dy, s1, 'SAME')],
        ['filter: outBackprop wrong shape', bf(x, [3, 3, 3, 1], dy, s1, 'SAME')],
        ['filter: outBackprop other format', bf(x, [3, 3, 3, 2], dyNCHW, s1, 'SAME')],
        ['filter: dataFormat contradicts', bf(x, [3, 3, 3, 2], dy, s1, 'SAME', null, 'NCHW')],
        ['filter: strides length', bf(x, [3, 3, 3, 2], dy, [1, 1, 1], 'SAME')],
        ['filter: disposed input', bf(dead, [3, 3, 3, 2], dy, s1, 'SAME')],
        ['filter: foreign outBackprop', bf(x, [3, 3, 3, 2], foreign, s1, 'SAME')],
        ['filter: empty output', bf(x, [6, 1, 3, 2], dy, s1, 'VALID')],
      ];
      const before = ctx.memory();
      const compiledBefore = (ctx as any).programs?.compiled;
      const messages: Record<string, string> = {};
      for (const [what, call] of calls) {
        try {
          call();
          messages[what] = 'NO ERROR';
        } catch (e) {
          messages[what] = `${(e as Error).name}: ${(e as Error).message}`;
        }
      }
      const after = ctx.memory();
      const compiledAfter = (ctx as any).programs?.compiled;
      // Still usable: a good call right after.
      const okCfg = { input: [2, 5, 5, 3], filter: [3, 3, 3, 2], strides: s1, padding: 'SAME', rate: null, dataFormat: 'NHWC', seed: 5 };
      [x, f, dy, dyNCHW].forEach((t) => t.dispose());
      foreign.dispose();
      other.dispose();
      return { messages, memorySame: JSON.stringify(before) === JSON.stringify(after), noCompiles: compiledBefore === compiledAfter, okCfg };
    });
    const m = r.messages;
    const expectations: [string, RegExp][] = [
      ['input: inputShape 3-D', /depthwiseConv2dBackpropInput: inputShape must be 4-D.*\[2, 5, 5\]/],
      ['input: inputShape dim not positive', /inputShape .*-5/],
      ['input: outBackprop wrong shape', /outBackprop shape \[2, 5, 5, 6\] must equal the forward output shape \[2, 3, 3, 6\]/],
      ['input: filter channels', /filter in_channels .*\[3, 3, 3, 2\].* 4 channels/],
      ['input: stride 0', /strides .*0/],
      ['input: batch stride', /strides must be 1 in the batch and channel dimensions.*\[2, 1, 1, 1\]/],
      ['input: rate with stride', /rate .*\[2, 2\].*strides \[1, 2, 2, 1\]/],
      ['input: rate not integer', /rate .*1\.5/],
      ['input: padding unknown', /padding .*"same"/],
      ['input: padding negative', /padding .*non-negative.*\[-1, 1\]/],
      ['input: padding on channels', /padding must be \[0, 0\] for the batch and channel/],
      ['input: dataFormat contradicts', /dataFormat "NCHW" contradicts the outBackprop's own dataFormat "NHWC"/],
      ['input: dataFormat unknown', /dataFormat must be 'NHWC' or 'NCHW'; got "NHCW"/],
      ['input: empty output', /empty output/],
      ['input: disposed filter', /filter .*has been disposed/],
      ['input: foreign outBackprop', /outBackprop .*another context/],
      ['input: filter not a tensor', /filter must be a GLTensor/],
      ['filter: filterShape 5-D', /depthwiseConv2dBackpropFilter: filterShape must be 4-D/],
      ['filter: filterShape channels', /filterShape in_channels .*\[3, 3, 4, 2\].* 3 channels/],
      ['filter: outBackprop wrong shape', /outBackprop shape \[2, 5, 5, 6\] must equal the forward output shape \[2, 5, 5, 3\]/],
      ['filter: outBackprop other format', /outBackprop dataFormat "NCHW" differs from the input's "NHWC"/],
      ['filter: dataFormat contradicts', /dataFormat "NCHW" contradicts the input's own dataFormat "NHWC"/],
      ['filter: strides length', /strides must be 4 positive integers/],
      ['filter: disposed input', /input .*has been disposed/],
      ['filter: foreign outBackprop', /outBackprop .*another context/],
      ['filter: empty output', /empty output/],
    ];
    for (const [what, re] of expectations) expect(m[what], what).toMatch(re);
    for (const [what, msg] of Object.entries(m)) expect(msg, what).toMatch(/^DepthwiseGLError: depthwiseConv2dBackprop(Input|Filter): /);
    expect(r.memorySame).toBe(true);
    expect(r.noCompiles).toBe(true);
    expectGood(await harness.evaluate(runGradCase, r.okCfg as GradCase), r.okCfg as GradCase);
  });
});
