import { test, expect, type EnginePage } from './fixtures';

// The fused epilogue (depthwiseConv2d's 8th argument): every activation against
// applyFusedReference(depthwiseConv2dReference(...)), with NaN and Inf in the input, bias and
// PReLU weights as arrays and as GLTensors, the uniform-array and texture paths, and the errors.

declare global {
  interface Window {
    H: any;
    DGL: any;
  }
}

const ACTIVATIONS = ['linear', 'relu', 'relu6', 'leakyRelu', 'sigmoid', 'tanh', 'elu', 'prelu'] as const;

interface FusedCase {
  input: number[];
  filter: number[];
  strides: number[];
  padding: unknown;
  dataFormat: 'NHWC' | 'NCHW';
  activation: string;
  alpha?: number;
  /** 'array' | 'tensor' | 'none' */
  bias: string;
  prelu?: string;
  specials?: boolean;
  seed: number;
}

/** Runs one fused case on the GPU and in the reference, in the page. */
async function runFused(harness: EnginePage, cfg: FusedCase) {
  return harness.evaluate(async (c: FusedCase) => {
    const { H, DGL } = window;
    const ctx = H.ctx();
    const size = H.size;
    const x = H.randomData(size(c.input), c.seed, -3, 3);
    if (c.specials) {
      // NaN, +Inf and -Inf at a few spread-out places (some near the borders, in the padding's reach).
      const n = x.length;
      [0, 7, Math.floor(n / 3), Math.floor(n / 2) + 1, n - 1].forEach((i, j) => { x[i] = [NaN, Infinity, -Infinity, Infinity, NaN][j]; });
    }
    const f = H.randomData(size(c.filter), c.seed + 1);
    const outC = c.filter[2] * c.filter[3];
    const bias = H.randomData(outC, c.seed + 2);
    const slopes = H.randomData(outC, c.seed + 3, -0.5, 0.5);
    const vecShape = c.dataFormat === 'NHWC' ? [1, 1, 1, outC] : [1, outC, 1, 1];
    const made: any[] = [];
    const asGiven = (kind: string | undefined, data: Float32Array) => {
      if (kind === 'tensor') {
        const t = ctx.tensor(data, vecShape, { dataFormat: c.dataFormat });
        made.push(t);
        return t;
      }
      return kind === 'array' ? Array.from(data) : undefined;
    };
    // What live tensors hold (freed textures go to the pool, reported apart).
    const live = () => { const m = ctx.memory(); return JSON.stringify([m.tensors, m.textures, m.bytes]); };
    const baseline = live();
    const xt = ctx.tensor(x, c.input, { dataFormat: c.dataFormat });
    const ft = ctx.tensor(f, c.filter);
    const fused: any = { activation: c.activation };
    if (c.bias !== 'none') fused.bias = asGiven(c.bias, bias);
    if (c.alpha !== undefined) fused.alpha = c.alpha;
    if (c.activation === 'prelu') fused.preluWeights = asGiven(c.prelu ?? 'array', slopes);
    const y = ctx.depthwiseConv2d(xt, ft, c.strides, c.padding, null, null, null, fused);
    const got = await y.read();
    const plain = DGL.depthwiseConv2dReference({ data: x, shape: c.input }, { data: f, shape: c.filter }, c.strides, c.padding, null, c.dataFormat);
    const refFused: any = { activation: c.activation };
    if (c.bias !== 'none') refFused.bias = bias;
    if (c.alpha !== undefined) refFused.alpha = c.alpha;
    if (c.activation === 'prelu') refFused.preluWeights = slopes;
    const want = DGL.applyFusedReference(plain, refFused, c.dataFormat);
    const r = H.compare(got, want.data, { atol: 2e-5, rtol: 1e-4 });
    r.specials = (Array.from(want.data) as number[]).filter((v) => !Number.isFinite(v)).length;
    r.shape = [...y.shape];
    r.refShape = want.shape;
    [y, xt, ft, ...made].forEach((t) => t.dispose());
    // Temporary textures (bias/weights too large for uniforms) are freed by the call itself.
    r.grew = live() !== baseline;
    return r;
  }, cfg);
}

test.describe('fused bias and activation against the reference', () => {
  ACTIVATIONS.forEach((activation, i) => {
    const nhwc: FusedCase = {
      input: [1, 7, 6, 5], filter: [3, 3, 5, 2], strides: [1, 1, 1, 1], padding: 'SAME', dataFormat: 'NHWC',
      activation, bias: 'array', prelu: 'array', specials: true, seed: 10 + i,
    };
    const nchw: FusedCase = {
      input: [2, 6, 9, 8], filter: [3, 2, 6, 1], strides: [1, 1, 2, 2], padding: [[0, 0], [0, 0], [1, 2], [0, 1]], dataFormat: 'NCHW',
      activation, bias: 'tensor', prelu: 'tensor', specials: true, seed: 40 + i,
    };
    for (const cfg of [nhwc, nchw]) {
      test(`${activation}, bias as ${cfg.bias}, ${cfg.dataFormat}, NaN/Inf in the input`, async ({ harness }) => {
        const r = await runFused(harness, cfg);
        expect(r.shape).toEqual(r.refShape);
        expect(r, JSON.stringify(r.first)).toMatchObject({ ok: true, bad: 0 });
        expect(r.specials).toBeGreaterThan(0);
        expect(r.grew).toBe(false);
      });
    }
  });

  const more: [string, Partial<FusedCase>][] = [
    ['activation only (no bias), relu6', { activation: 'relu6', bias: 'none' }],
    ['bias only (linear)', { activation: 'linear', bias: 'array' }],
    ['leakyRelu with alpha 0.05', { activation: 'leakyRelu', alpha: 0.05 }],
    ['elu with alpha 0.7', { activation: 'elu', alpha: 0.7 }],
    ['prelu, bias as tensor and weights as array', { activation: 'prelu', bias: 'tensor', prelu: 'array' }],
    ['channels not a multiple of 4 (lanes past C stay zero): sigmoid, M = 3', { activation: 'sigmoid', input: [1, 5, 5, 3], filter: [2, 2, 3, 3] }],
    ['tanh, 4 channels, VALID', { activation: 'tanh', input: [1, 9, 9, 4], filter: [3, 3, 4, 1], padding: 'VALID' }],
    // Too many channels for uniform arrays: bias and weights go through a temporary texture.
    ['2100 channels (texture path), prelu + bias arrays', { activation: 'prelu', input: [1, 3, 3, 2100], filter: [2, 2, 2100, 1], padding: 'VALID' }],
    ['4100 channels (texture path where the GL has 1024 uniform vectors), bias array, relu', { activation: 'relu', input: [1, 3, 3, 4100], filter: [3, 3, 4100, 1] }],
  ];
  more.forEach(([title, over], i) => {
    test(title, async ({ harness }) => {
      const cfg: FusedCase = {
        input: [1, 6, 7, 8], filter: [3, 3, 8, 1], strides: [1, 1, 1, 1], padding: 'SAME', dataFormat: 'NHWC',
        activation: 'relu', bias: 'array', prelu: 'array', specials: true, seed: 100 + i, ...over,
      };
      const r = await runFused(harness, cfg);
      expect(r.shape).toEqual(r.refShape);
      expect(r, JSON.stringify(r.first)).toMatchObject({ ok: true, bad: 0 });
      expect(r.grew).toBe(false);
    });
  });

  test('no epilogue ({}, null, linear without bias) gives the plain result', async ({ harness }) => {
    const r = await harness.evaluate(async () => {
      const { H } = window;
      const ctx = H.ctx();
      const x = ctx.tensor(H.randomData(4 * 4 * 6, 5), [1, 4, 4, 6]);
      const f = ctx.tensor(H.randomData(9 * 6, 6), [3, 3, 6, 1]);
      const plain = ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], 'SAME');
      const want = Array.from(await plain.read());
      const outs = [{}, null, undefined, { activation: 'linear' }].map((fu) => ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], 'SAME', null, null, null, fu));
      const got = await Promise.all(outs.map(async (o) => Array.from(await o.read())));
      [x, f, plain, ...outs].forEach((t) => t.dispose());
      return { want, got };
    });
    for (const g of r.got) expect(g).toEqual(r.want);
  });
});

test.describe('fused argument errors: thrown before GPU work, naming the argument, context usable after', () => {
  const cases: [string, string, RegExp][] = [
    ['not an object', `'relu'`, /depthwiseConv2d: fused must be an object/],
    ['unknown key', `{ activation: 'relu', biass: [1] }`, /fused has an unknown key "biass"/],
    ['unknown activation', `{ activation: 'gelu' }`, /fused\.activation must be one of 'linear', 'relu'.*got "gelu"/],
    ['bias of the wrong length', `{ bias: [1, 2, 3] }`, /fused\.bias must hold 8 values.*got 3/],
    ['bias with a non-number', `{ bias: [1, 2, 3, 4, 5, 6, 7, 'x'] }`, /fused\.bias must hold numbers; element 7 is "x"/],
    ['bias not an array or tensor', `{ bias: 5 }`, /fused\.bias must be a GLTensor or an array of 8 numbers/],
    ['prelu without weights', `{ activation: 'prelu' }`, /fused\.preluWeights is required with activation 'prelu'/],
    ['prelu weights with relu', `{ activation: 'relu', preluWeights: [1, 1, 1, 1, 1, 1, 1, 1] }`, /fused\.preluWeights is only for activation 'prelu'/],
    ['alpha with relu', `{ activation: 'relu', alpha: 0.1 }`, /fused\.alpha is only for 'leakyRelu' and 'elu'/],
    ['alpha not finite', `{ activation: 'leakyRelu', alpha: NaN }`, /fused\.alpha must be a finite number; got NaN/],
    ['bias tensor of the wrong shape', `{ bias: ctx.tensor(new Float32Array(8), [1, 1, 8, 1]) }`, /fused\.bias must hold the 8 output channels.*shape \[1, 1, 1, 8\] \(NHWC\)/],
    ['bias tensor disposed', `{ bias: (() => { const t = ctx.tensor(new Float32Array(8), [1, 1, 1, 8]); t.dispose(); return t; })() }`, /fused\.bias .*has been disposed/],
    ['bias tensor from another context', `{ bias: other.tensor(new Float32Array(8), [1, 1, 1, 8]) }`, /fused\.bias .*belongs to another context/],
  ];
  for (const [title, expr, pattern] of cases) {
    test(title, async ({ harness }) => {
      const r = await harness.evaluate(async (src: string) => {
        const { H } = window;
        const ctx = H.ctx();
        const other = H.ctx({});
        const x = ctx.tensor(H.randomData(3 * 3 * 4, 1), [1, 3, 3, 4]);
        const f = ctx.tensor(H.randomData(4 * 4 * 2, 2), [2, 2, 4, 2]);
        // eslint-disable-next-line no-new-func
        const fused = new Function('ctx', 'other', `return (${src});`)(ctx, other);
        const before = ctx.memory();
        let message = '';
        try {
          ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], 'SAME', null, null, null, fused);
        } catch (e) {
          message = String((e as Error).message);
        }
        const after = ctx.memory();
        const y = ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], 'SAME', null, null, null, { activation: 'relu' });
        const usable = (await y.read()).length === 3 * 3 * 8;
        [x, f, y].forEach((t) => t.dispose());
        if (fused && typeof fused === 'object' && fused.bias && fused.bias.dispose) fused.bias.dispose();
        other.dispose();
        return { message, same: JSON.stringify(before) === JSON.stringify(after), usable };
      }, expr);
      expect(r.message).toMatch(pattern);
      expect(r.same).toBe(true);
      expect(r.usable).toBe(true);
    });
  }
});
