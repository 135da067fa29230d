import { test, expect, caseName } from './fixtures';

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
}

/** mulberry32 */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
async function runGradCase(cfg: GradCase, contextOptions?: object) {
  const { H, DGL } = window;
  const ctx = contextOptions ? H.ctx(contextOptions) : H.ctx();
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const x = H.randomData(size(cfg.input), cfg.seed);
  const f = H.randomData(size(cfg.filter), cfg.seed + 1);
  const ref = DGL.depthwiseConv2dReference({ data: x, shape: cfg.input }, { data: f, shape: cfg.filter },
    cfg.strides, cfg.padding, cfg.rate, cfg.dataFormat);
  const dy = H.randomData(size(ref.shape), cfg.seed + 2);
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
  };
  dx.dispose();
  df.dispose();
  const after = ctx.memory();
  result.memoryBack = after.tensors === before.tensors && after.textures === before.textures && after.bytes === before.bytes;
  [xt, ft, dyt].forEach((t) => t.dispose());
  if (contextOptions) ctx.dispose();
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
