import { expect, type Engine, type EnginePage } from './fixtures';
import { tfjsTest } from './tfjs/fixture';
import { rng } from '../rng.js';

// registerTfjsKernels: TF.js's depthwise kernels on depthwise-gl, on TF.js's own WebGL2 context,
// against TF.js's cpu backend (a seeded sweep), under TF.js's flag variants, and the contract's
// registration, fallback, memory and GL-state rules. Real models: tfjs-models.spec.ts.

const test = tfjsTest(async () => {
  const w = window as unknown as Record<string, any>;
  const sweepUrl: string = '/test/browser/tfjs/sweep.js';
  w.S = await import(sweepUrl);
  // tune: false: the sweep checks our paths (a shape's calls would otherwise go in turn to TF.js's
  // kernel while tuned); tune.spec.ts covers tuning.
  w.K = w.DGL.registerTfjsKernels(w.tf, { tune: false });
});

type Pad = 'same' | 'valid' | number | number[][];
interface Fused { activation: string; bias?: boolean; biasShape?: number[]; alpha?: number }
interface Cfg {
  input: number[]; filter: number[]; strides: [number, number]; pad: Pad; dilations: [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil'; dataFormat?: 'NHWC' | 'NCHW';
  plain?: boolean; fused?: Fused[]; grad?: boolean; seed: number; onGpu: boolean;
}

const ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'prelu', 'sigmoid'];

function name(c: Cfg): string {
  const pad = typeof c.pad === 'object' ? JSON.stringify(c.pad) : String(c.pad);
  const fused = (c.fused ?? []).map((f) => `${f.activation}${f.bias ? '+b' : ''}${f.biasShape ? `[${f.biasShape}]` : ''}`).join('|');
  return `input=${c.input.join('x')},f=${c.filter[0]}x${c.filter[1]},s=${c.strides.join('x')},d=${c.dilations.join('x')},p=${pad}` +
    `${c.dimRoundingMode ? `,round=${c.dimRoundingMode}` : ''},chMul=${c.filter[3]},${c.dataFormat ?? 'NHWC'}` +
    `${fused ? `,fused=${fused}` : ''}${c.grad ? ',grad' : ''},x=${c.onGpu ? 'texture' : 'cpu'}`;
}

/** Output size along one axis, TF.js's rules (for keeping random configurations valid). */
function outSize(inn: number, f: number, s: number, d: number, pad: Pad, axis: 0 | 1, round?: string): number {
  const fe = (f - 1) * d + 1;
  if (pad === 'same') return Math.ceil(inn / s);
  if (pad === 'valid') return Math.ceil((inn - fe + 1) / s);
  if (typeof pad === 'number') {
    const v = (inn - fe + 2 * pad) / s + 1;
    return round === 'ceil' ? Math.ceil(v) : round === 'round' ? Math.round(v) : Math.floor(v);
  }
  const [a, b] = pad[axis + 1];
  return Math.floor((inn + a + b - fe) / s) + 1;
}

function sweep(): Cfg[] {
  const r = rng(20261201);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const out: Cfg[] = [];
  let act = 0;
  while (out.length < 216) {
    const n = pick([1, 1, 1, 2, 3]);
    const h = int(1, 17);
    const w = int(1, 17);
    const c = pick([1, 2, 3, 4, 5, 7, 8, 13, 16, 17]);
    const m = pick([1, 1, 1, 1, 2, 3]);
    const fh = int(1, 5);
    const fw = int(1, 5);
    const dilate = r() < 0.25;
    const strides: [number, number] = dilate ? [1, 1] : [pick([1, 1, 2, 3]), pick([1, 1, 2, 3])];
    const dilations: [number, number] = dilate ? [pick([1, 2, 3]), pick([1, 2, 3])] : [1, 1];
    const kind = pick(['same', 'same', 'valid', 'number', 'explicit']);
    let pad: Pad = kind as Pad;
    let dimRoundingMode: Cfg['dimRoundingMode'];
    if (kind === 'number') {
      pad = int(0, 2);
      dimRoundingMode = pick([undefined, 'floor', 'round', 'ceil']);
    } else if (kind === 'explicit') {
      pad = [[0, 0], [int(0, 2), int(0, 2)], [int(0, 2), int(0, 2)], [0, 0]];
    }
    const oh = outSize(h, fh, strides[0], dilations[0], pad, 0, dimRoundingMode);
    const ow = outSize(w, fw, strides[1], dilations[1], pad, 1, dimRoundingMode);
    if (oh < 1 || ow < 1) continue;
    // TF.js's numeric pad without a rounding mode wants an exact output size.
    if (kind === 'number' && !dimRoundingMode && ((h - ((fh - 1) * dilations[0] + 1) + 2 * (pad as number)) % strides[0] ||
      (w - ((fw - 1) * dilations[1] + 1) + 2 * (pad as number)) % strides[1])) continue;
    const fused: Fused[] = [];
    const k = out.length % 3;
    for (let i = 0; i < k; i++) {
      const a = ACTIVATIONS[act++ % ACTIVATIONS.length];
      fused.push({ activation: a, bias: r() < 0.8, ...(a === 'leakyrelu' ? { alpha: Math.round(r() * 100) / 100 } : {}) });
    }
    out.push({
      input: [n, h, w, c], filter: [fh, fw, c, m], strides, pad, dilations, dimRoundingMode, fused,
      // TF.js has no depthwise gradient with dilations.
      grad: out.length % 4 === 1 && !dilate, seed: out.length + 1, onGpu: out.length % 2 === 0,
    });
  }
  // Every activation with and without a bias, on both input kinds, on a MobileNet-like shape;
  // scalar and [1, 1, C] biases (TF.js broadcasts them).
  for (const a of ACTIVATIONS) {
    for (const onGpu of [true, false]) {
      out.push({ input: [1, 9, 10, 6], filter: [3, 3, 6, 1], strides: [1, 1], pad: 'same', dilations: [1, 1], plain: false,
        fused: [{ activation: a, bias: true, ...(a === 'leakyrelu' ? { alpha: 0.3 } : {}) }, { activation: a, bias: false, ...(a === 'leakyrelu' ? { alpha: 0.2 } : {}) }],
        seed: 500 + out.length, onGpu });
    }
  }
  out.push({ input: [1, 8, 8, 5], filter: [3, 3, 5, 1], strides: [2, 2], pad: 'same', dilations: [1, 1], plain: false,
    fused: [{ activation: 'relu6', bias: true, biasShape: [1] }, { activation: 'relu', bias: true, biasShape: [1, 1, 5] }], seed: 600, onGpu: true });
  // Sizes past one texture row (W * C / 4 texels past MAX_TEXTURE_SIZE 8192 in our layout; TF.js's
  // packed texture squarified), and MobileNet's layer kinds at full size.
  out.push({ input: [1, 3, 2100, 17], filter: [3, 3, 17, 1], strides: [1, 1], pad: 'same', dilations: [1, 1], seed: 700, onGpu: true });
  out.push({ input: [1, 3, 2100, 17], filter: [3, 3, 17, 1], strides: [1, 1], pad: 'same', dilations: [1, 1], seed: 701, onGpu: false });
  out.push({ input: [1, 130, 131, 4], filter: [3, 3, 4, 1], strides: [1, 1], pad: 'same', dilations: [1, 1], seed: 702, onGpu: true,
    fused: [{ activation: 'relu6', bias: true }] });
  out.push({ input: [2, 130, 129, 6], filter: [3, 3, 6, 1], strides: [2, 2], pad: 'same', dilations: [1, 1], seed: 703, onGpu: true });
  out.push({ input: [1, 112, 112, 32], filter: [3, 3, 32, 1], strides: [1, 1], pad: 'same', dilations: [1, 1], seed: 704, onGpu: true,
    fused: [{ activation: 'relu6', bias: true }] });
  out.push({ input: [1, 113, 113, 96], filter: [3, 3, 96, 1], strides: [2, 2], pad: 'valid', dilations: [1, 1], seed: 705, onGpu: true });
  out.push({ input: [1, 7, 7, 960], filter: [3, 3, 960, 1], strides: [1, 1], pad: 'same', dilations: [1, 1], seed: 706, onGpu: true,
    fused: [{ activation: 'relu6', bias: true }] });
  out.push({ input: [1, 20, 20, 8], filter: [7, 7, 8, 1], strides: [1, 1], pad: 'same', dilations: [1, 1], seed: 707, onGpu: true, grad: true });
  out.push({ input: [1, 21, 19, 8], filter: [5, 5, 8, 1], strides: [1, 2], pad: 'same', dilations: [1, 1], seed: 708, onGpu: true });
  out.push({ input: [1, 21, 19, 8], filter: [3, 3, 8, 1], strides: [1, 1], pad: 'same', dilations: [2, 3], seed: 709, onGpu: true });
  out.push({ input: [3, 11, 12, 8], filter: [3, 3, 8, 1], strides: [1, 1], pad: [[0, 0], [2, 0], [0, 3], [0, 0]], dilations: [1, 1], seed: 710, onGpu: true });
  out.push({ input: [3, 11, 12, 8], filter: [2, 4, 8, 1], strides: [3, 1], pad: 1, dimRoundingMode: 'ceil', dilations: [1, 1], seed: 711, onGpu: true });
  return out;
}

const CASES = sweep();

/** Tolerance: float32 sums against the cpu backend's, relative to the largest reference value. */
const TOL = { forward: 1e-5, grad: 5e-5 };

test.describe('TF.js kernels against the cpu backend', () => {
  test('the sweep has at least 240 configurations', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(240);
    expect(CASES.filter((c) => c.grad).length).toBeGreaterThan(40);
    for (const a of ACTIVATIONS) expect(CASES.filter((c) => c.fused?.some((f) => f.activation === a)).length).toBeGreaterThan(10);
  });
  // Firefox and WebKit run every 4th case (their projects leave out @full-sweep-only; measured:
  // WebKit took 7.9 min for this file on the whole sweep). DGL_FULL_SWEEPS=1 runs all everywhere.
  for (const [i, cfg] of CASES.entries()) {
    test(`${name(cfg)}${i % 4 ? ' @full-sweep-only' : ''}`, async ({ tfjs }) => {
      const r = await tfjs.evaluate(async (c) => {
        const w = window as unknown as Record<string, any>;
        return w.S.runCase(c, w.K, c.onGpu);
      }, cfg);
      expect(r.fallbacks, `fell back: ${r.lastFallback}`).toBe(0);
      expect(r.calls).toBeGreaterThan(0);
      for (const [k, d] of Object.entries(r.outputs) as [string, any][]) {
        expect(d.shape, k).toEqual(d.wantShape);
        expect(d.nan, `${k}: NaN mismatches`).toBe(0);
        const tol = (k.startsWith('grad') ? TOL.grad : TOL.forward) * Math.max(1, d.maxRef);
        expect(d.maxAbs, `${k}: max |ours - cpu| (largest |cpu| ${d.maxRef})`).toBeLessThanOrEqual(tol);
      }
    });
  }
});

/** A fresh page with TF.js's flags set before its webgl backend is made; kernels registered. */
async function freshPage(engine: Engine, flags: Record<string, unknown>, options: Record<string, unknown> = {}): Promise<EnginePage> {
  const page = await engine.newPage();
  await page.goto('/test/browser/tfjs/page.html');
  await page.waitForFunction(() => (window as unknown as { tfjsReady?: boolean }).tfjsReady === true);
  await page.evaluate(async (fl) => {
    const w = window as unknown as Record<string, any>;
    const sweepUrl: string = '/test/browser/tfjs/sweep.js';
    w.S = await import(sweepUrl);
    for (const [k, v] of Object.entries(fl)) if (k !== 'options') w.tf.env().set(k, v);
    await w.T.useBackend('webgl');
    w.K = w.DGL.registerTfjsKernels(w.tf, { tune: false, ...fl.options });
  }, { ...flags, options });
  return page;
}

const FLAG_CASES: Cfg[] = [
  { input: [1, 9, 10, 6], filter: [3, 3, 6, 1], strides: [1, 1], pad: 'same', dilations: [1, 1], fused: [{ activation: 'relu6', bias: true }], seed: 1, onGpu: true, grad: true },
  { input: [2, 11, 8, 5], filter: [3, 3, 5, 2], strides: [2, 2], pad: 'valid', dilations: [1, 1], fused: [{ activation: 'prelu', bias: true }], seed: 2, onGpu: true },
  { input: [1, 12, 12, 8], filter: [3, 3, 8, 1], strides: [1, 1], pad: 'same', dilations: [2, 2], seed: 3, onGpu: false },
  { input: [1, 14, 13, 16], filter: [5, 5, 16, 1], strides: [2, 2], pad: [[0, 0], [1, 2], [2, 1], [0, 0]], dilations: [1, 1], fused: [{ activation: 'leakyrelu', bias: true, alpha: 0.1 }], seed: 4, onGpu: true },
];

for (const [label, flags, tol, options] of [
  ['defaults, direct: false (the general path for every call)', {}, 1e-5, { direct: false }],
  ['WEBGL_PACK=false', { WEBGL_PACK: false }, 1e-5],
  ['WEBGL_PACK_DEPTHWISECONV=false', { WEBGL_PACK_DEPTHWISECONV: false }, 1e-5],
  // float16 textures: TF.js stores every tensor (inputs, weights, our outputs) in half floats,
  // 11 significant bits: the documented tolerance is 4e-3 of the largest output.
  ['WEBGL_FORCE_F16_TEXTURES=true', { WEBGL_FORCE_F16_TEXTURES: true }, 4e-3],
] as [string, Record<string, unknown>, number, Record<string, unknown>?][]) {
  test(`flags ${label}: every call on depthwise-gl, results as the cpu backend's`, async ({ engine }) => {
    const page = await freshPage(engine, flags, options);
    try {
      for (const cfg of FLAG_CASES) {
        const r = await page.evaluate(async (c) => {
          const w = window as unknown as Record<string, any>;
          return w.S.runCase(c, w.K, c.onGpu);
        }, cfg);
        expect(r.fallbacks, `${name(cfg)}: ${r.lastFallback}`).toBe(0);
        expect(r.calls).toBeGreaterThan(0);
        for (const [k, d] of Object.entries(r.outputs) as [string, any][]) {
          expect(d.maxAbs, `${name(cfg)} ${k} (largest ${d.maxRef})`).toBeLessThanOrEqual((k.startsWith('grad') ? 5 : 1) * tol * Math.max(1, d.maxRef));
        }
      }
    } finally {
      await page.close();
    }
  });
}

test('a WebGL1 backend (WEBGL_VERSION=1): every call falls back to TF.js with the reason, results still right', async ({ engine }) => {
  const page = await freshPage(engine, { WEBGL_VERSION: 1 });
  try {
    const r = await page.evaluate(async (c) => {
      const w = window as unknown as Record<string, any>;
      return w.S.runCase(c, w.K, c.onGpu);
    }, FLAG_CASES[0]);
    expect(r.calls).toBe(0);
    expect(r.fallbacks).toBe(15); // 3 runs (texture input) of: plain and fused forward, the forward inside tf.grads, both gradients
    expect(r.lastFallback).toMatch(/WebGL1/);
    for (const d of Object.values(r.outputs) as any[]) expect(d.maxAbs).toBeLessThanOrEqual(1e-5 * Math.max(1, d.maxRef));
  } finally {
    await page.close();
  }
});

test.describe('registration', () => {
  test('twice for one backend throws and says what to do; after unregister() it works again', async ({ engine }) => {
    const page = await freshPage(engine, {});
    try {
      const r = await page.evaluate(async () => {
        const w = window as unknown as Record<string, any>;
        const { tf, DGL } = w;
        let twice = '';
        try { DGL.registerTfjsKernels(tf); } catch (e) { twice = String(e); }
        const stockKernel = w.K.kernels.length;
        w.K.unregister();
        w.K.unregister(); // idempotent
        const afterUnregister = tf.getKernel('DepthwiseConv2dNative', 'webgl').kernelFunc.name;
        const again = DGL.registerTfjsKernels(tf, { kernels: ['DepthwiseConv2dNative'] });
        const x = tf.mul(tf.ones([1, 4, 4, 2]), 1);
        const y = tf.depthwiseConv2d(x, tf.ones([3, 3, 2, 1]), 1, 'same');
        const values = Array.from(await y.data());
        const fused = tf.fused.depthwiseConv2d({ x, filter: tf.ones([3, 3, 2, 1]), strides: 1, pad: 'same', activation: 'relu' });
        await fused.data();
        const stats = again.stats();
        again.unregister();
        w.K = DGL.registerTfjsKernels(tf, { tune: false });
        return { twice, stockKernel, afterUnregister, values, stats, kernels: again.kernels };
      });
      expect(r.twice).toMatch(/already has depthwise-gl's kernels; call unregister\(\)/);
      expect(r.stockKernel).toBe(4);
      expect(r.kernels).toEqual(['DepthwiseConv2dNative']);
      // Only the kernel asked for is served (the fused one stays TF.js's, not counted).
      expect(r.stats.byKernel.DepthwiseConv2dNative.calls).toBe(1);
      expect(r.stats.byKernel.FusedDepthwiseConv2D).toBeUndefined();
      // Hand-checked: a 3x3 box sum of ones, SAME, on a 4x4 map: 4 at corners, 6 at edges, 9 inside.
      expect(r.values.filter((_, i) => i % 2 === 0)).toEqual([4, 6, 6, 4, 6, 9, 9, 6, 6, 9, 9, 6, 4, 6, 6, 4]);
    } finally {
      await page.close();
    }
  });

  test('a backend that does not exist yet, bad arguments: errors that say what to do', async ({ tfjs }) => {
    const r = await tfjs.evaluate(() => {
      const w = window as unknown as Record<string, any>;
      const { tf, DGL } = w;
      const msg = (f: () => unknown) => { try { f(); return 'no error'; } catch (e) { return String(e); } };
      return {
        missing: msg(() => DGL.registerTfjsKernels(tf, { backendName: 'webgl-later' })),
        notTf: msg(() => DGL.registerTfjsKernels({})),
        badKernel: msg(() => DGL.registerTfjsKernels(tf, { kernels: ['Conv2D'] })),
      };
    });
    expect(r.missing).toMatch(/"webgl-later" is not a TF\.js backend that exists yet; register after it is made: await tf\.setBackend/);
    expect(r.notTf).toMatch(/must be the TensorFlow\.js namespace/);
    expect(r.badKernel).toMatch(/must be a non-empty subset of DepthwiseConv2dNative/);
  });

  test('leakyrelu without an alpha goes to TF.js\'s own kernel (which computes NaN there), counted with the reason', async ({ tfjs }) => {
    const r = await tfjs.evaluate(async () => {
      const w = window as unknown as Record<string, any>;
      const { tf, DGL } = w;
      const x = tf.tensor([[-1, 2], [3, -4]]).reshape([1, 2, 2, 1]);
      const call = () => tf.fused.depthwiseConv2d({ x, filter: tf.ones([1, 1, 1, 1]), strides: 1, pad: 'same', activation: 'leakyrelu' });
      const before = w.K.stats().fallbacks;
      const ours = Array.from(await call().data());
      const fallbacks = w.K.stats().fallbacks - before;
      const last = w.K.stats().lastFallback;
      w.K.unregister();
      const stock = Array.from(await call().data());
      w.K = DGL.registerTfjsKernels(tf, { tune: false });
      return { ours, stock, fallbacks, last };
    });
    expect(r.fallbacks).toBe(1);
    expect(r.last).toMatch(/leakyreluAlpha undefined is not a finite number/);
    expect(r.ours.map(String)).toEqual(r.stock.map(String)); // NaN where TF.js's kernel gives NaN
    expect(r.ours.some((v) => Number.isNaN(v as number))).toBe(true);
  });
});

test.describe('memory and GL state', () => {
  test('weights we derive are freed with the TF.js tensor; tf.memory() flat over 300 calls; unregister frees all', async ({ engine }) => {
    const page = await freshPage(engine, {});
    try {
      const r = await page.evaluate(async () => {
        const w = window as unknown as Record<string, any>;
        const { tf, K } = w;
        const base = K.memory();
        const x = tf.mul(tf.randomNormal([1, 16, 16, 8]), 1);
        const f = tf.randomNormal([3, 3, 8, 1]);
        const b = tf.randomNormal([8]);
        const f2 = tf.randomNormal([3, 3, 8, 2]);
        const run = () => tf.tidy(() => [
          tf.depthwiseConv2d(x, f, 1, 'same'),
          tf.fused.depthwiseConv2d({ x, filter: f, bias: b, strides: 2, pad: 'same', activation: 'relu6' }),
          tf.depthwiseConv2d(x, f2, 1, 'valid'),
        ]);
        tf.dispose(run());
        const tfBase = tf.memory();
        const withWeights = K.memory();
        for (let i = 0; i < 300; i++) {
          const out = run();
          if (i % 50 === 0) await out[0].data();
          tf.dispose(out);
        }
        const tfAfter = tf.memory();
        const afterLoop = K.memory();
        tf.dispose([f, f2, b]);
        const afterDispose = K.memory();
        tf.dispose(x);
        const stats = K.stats();
        K.unregister();
        return { base, withWeights, afterLoop, afterDispose, tfBase, tfAfter, afterUnregister: K.memory(), stats };
      });
      expect(r.stats.fallbacks).toBe(0);
      expect(r.withWeights.tensors).toBeGreaterThan(r.base.tensors); // repacked filters kept with the weights
      expect(r.afterLoop).toMatchObject({ tensors: r.withWeights.tensors, textures: r.withWeights.textures, bytes: r.withWeights.bytes });
      expect(r.tfAfter.numTensors).toBe(r.tfBase.numTensors);
      expect(r.tfAfter.numBytes).toBe(r.tfBase.numBytes);
      expect(r.tfAfter.numBytesInGPU).toBe(r.tfBase.numBytesInGPU);
      expect(r.afterDispose).toMatchObject({ tensors: r.base.tensors, textures: r.base.textures, bytes: r.base.bytes });
      expect(r.afterUnregister).toEqual({ tensors: 0, textures: 0, bytes: 0, pooled: { textures: 0, bytes: 0 } });
    } finally {
      await page.close();
    }
  });

  // A fused direct call reads its bias and PReLU weights from the filter's own texture, made per
  // filter and vectors (src/tfjs/direct.ts, makeDirectWeights): on the CPU where TF.js holds them
  // all there, else by a pass from TF.js's textures, whatever their layout. Filters called with
  // vectors that change between calls must use each call's, and keep one such texture each (and
  // the filter alone's, for a call with no vector), not one per vector.
  test('filters with biases and PReLU weights alternating between calls, on the CPU and the GPU, a scalar too: each call as the cpu backend, one derived weights texture a filter kept', async ({ engine }) => {
    const page = await freshPage(engine, {});
    try {
      const r = await page.evaluate(async () => {
        const w = window as unknown as Record<string, any>;
        const { tf, K } = w;
        const x = tf.mul(tf.randomNormal([1, 12, 12, 6], 0, 1, 'float32', 7), 1);
        const f = tf.randomNormal([3, 3, 6, 1], 0, 1, 'float32', 8);
        const b1 = tf.randomNormal([6], 0, 1, 'float32', 9);
        const p = tf.randomUniform([6], -0.5, 0.5, 'float32', 10);
        // On the GPU (TF.js programs' outputs, packed; without CPU forwarding, tiny ops run on the
        // CPU): a filter, a bias, a scalar bias and PReLU weights. A call that has any of them
        // there, or a filter that TF.js uploaded since, has its weights made by a pass.
        const sources = [tf.randomNormal([3, 3, 6, 1], 0, 1, 'float32', 12), tf.randomNormal([6], 0, 1, 'float32', 11),
          tf.scalar(0.75), tf.randomUniform([6], -0.5, 0.5, 'float32', 13)];
        const [f2, b2, b3, p2] = w.T.onGpu(() => sources.map((t: any, i: number) => tf.add(t, i === 2 ? 0.5 : 0.25)));
        const onGpu = [f2, b2, b3, p2].map((t) => tf.backend().texData.get(t.dataId).texture != null);
        const calls = [
          { filter: f, bias: b1, activation: 'relu6' }, { filter: f, bias: b2, activation: 'relu6' }, { filter: f, bias: b1, activation: 'linear' },
          { filter: f, bias: b2, activation: 'prelu', preluActivationWeights: p }, { filter: f, activation: 'prelu', preluActivationWeights: p },
          { filter: f, bias: b1, activation: 'relu6' },
          { filter: f2, bias: b3, activation: 'relu' }, { filter: f2, bias: b1, activation: 'prelu', preluActivationWeights: p2 },
          { filter: f2, activation: 'linear' }, { filter: f2, bias: b3, activation: 'elu' },
        ];
        const run = (c: Record<string, unknown>) => tf.fused.depthwiseConv2d({ x, strides: 1, pad: 'same', ...c });
        const ours: number[][] = [];
        const memory: number[] = [];
        for (let round = 0; round < 2; round++) {
          for (const c of calls) {
            const y = run(c);
            if (round === 0) ours.push(Array.from(await y.data()));
            else await y.data();
            y.dispose();
            if (memory.length === 0) memory.push(K.memory().tensors);
          }
          memory.push(K.memory().tensors);
        }
        const stats = K.stats();
        K.unregister();
        await w.T.useBackend('cpu');
        const diffs = calls.map((c, i) => w.T.diff(ours[i], run(c).dataSync()));
        await w.T.useBackend('webgl');
        tf.dispose([x, f, b1, p, f2, b2, b3, p2, ...sources]);
        return { diffs, memory, stats, onGpu, calls: calls.length };
      });
      expect(r.onGpu).toEqual([true, true, true, true]);
      expect(r.stats.fallbacks).toBe(0);
      expect(r.stats.calls).toBe(2 * r.calls);
      for (const [i, d] of r.diffs.entries()) {
        expect(d.nan, `call ${i}: NaN where the other is not`).toBe(0);
        expect(d.maxAbs, `call ${i} (largest ${d.maxRef})`).toBeLessThanOrEqual(1e-5 * Math.max(1, d.maxRef));
      }
      // After the first call: f's weights with b1. After each round: one weights tensor for each
      // filter, and f2's alone besides; no vector of ours.
      expect(r.memory[1]).toBe(r.memory[0] + 2);
      expect(r.memory[2]).toBe(r.memory[0] + 2);
    } finally {
      await page.close();
    }
  });

  test('capture() of fused direct calls, vectors on the CPU and the GPU and a one-value bias on the GPU: served as without it, each bias and PReLU weights C values as TF.js holds them, no tensor of ours kept', async ({ engine }) => {
    const page = await freshPage(engine, {});
    try {
      const r = await page.evaluate(async () => {
        const w = window as unknown as Record<string, any>;
        const { tf, K } = w;
        const x = tf.mul(tf.randomNormal([1, 12, 12, 6], 0, 1, 'float32', 21), 1);
        const f = tf.randomNormal([3, 3, 6, 1], 0, 1, 'float32', 22);
        const b1 = tf.randomNormal([6], 0, 1, 'float32', 23);
        // On the GPU (see the test above): a one-value bias, 0.75 + 0.5, and PReLU weights.
        const sources = [tf.scalar(0.75), tf.randomUniform([6], -0.5, 0.5, 'float32', 24)];
        const [b3, p2] = w.T.onGpu(() => sources.map((t: any) => tf.add(t, 0.5)));
        const onGpu = [b3, p2].map((t) => tf.backend().texData.get(t.dataId).texture != null);
        const calls = [
          { filter: f, bias: b1, activation: 'relu6' }, { filter: f, bias: b3, activation: 'relu' },
          { filter: f, bias: b1, activation: 'prelu', preluActivationWeights: p2 },
        ];
        const run = (c: Record<string, unknown>) => tf.fused.depthwiseConv2d({ x, strides: 1, pad: 'same', ...c });
        const runAll = async () => {
          for (const c of calls) {
            const y = run(c);
            await y.data();
            y.dispose();
          }
        };
        // Each call once first: its weights made (and kept), as a capture of a running model finds them.
        await runAll();
        const before = K.memory();
        const statsBefore = K.stats();
        const { calls: captured } = await K.capture(runAll);
        const after = K.memory();
        const stats = K.stats();
        const expected = { b1: Array.from(b1.dataSync()), p2: Array.from(p2.dataSync()) };
        K.unregister();
        // The cpu backend's call on what was captured (input, filter, vectors) against the captured output.
        await w.T.useBackend('cpu');
        const diffs = captured.map((c: any, i: number) => (c.served ? w.T.diff(c.output.data, tf.fused.depthwiseConv2d({
          x: tf.tensor(c.input.data, c.input.shape), filter: tf.tensor(c.filter.data, c.filter.shape), strides: 1, pad: 'same',
          bias: c.fused?.bias ? tf.tensor(c.fused.bias) : undefined, activation: calls[i].activation,
          preluActivationWeights: c.fused?.preluWeights ? tf.tensor(c.fused.preluWeights) : undefined,
        }).dataSync()) : null));
        await w.T.useBackend('webgl');
        tf.dispose([x, f, b1, b3, p2, ...sources]);
        return {
          onGpu, expected, diffs, before, after,
          served: stats.calls - statsBefore.calls, fallbacks: stats.fallbacks - statsBefore.fallbacks,
          captured: captured.map((c: any) => ({
            served: c.served, fallback: c.fallback, activation: c.fused?.activation ?? null,
            bias: c.fused?.bias ? Array.from(c.fused.bias) : null, prelu: c.fused?.preluWeights ? Array.from(c.fused.preluWeights) : null,
          })),
        };
      });
      expect(r.onGpu).toEqual([true, true]);
      expect(r.fallbacks).toBe(0);
      expect(r.served).toBe(3);
      for (const [i, c] of r.captured.entries()) expect(c.served, `call ${i}: ${c.fallback}`).toBe(true);
      expect(r.captured.map((c: { activation: string | null }) => c.activation)).toEqual(['relu6', 'relu', 'prelu']);
      // The vectors as TF.js holds them, bit for bit; the scalar (0.75 + 0.5) spread to the 6 channels.
      expect(r.captured[0].bias).toEqual(r.expected.b1);
      expect(r.captured[1].bias).toEqual([1.25, 1.25, 1.25, 1.25, 1.25, 1.25]);
      expect(r.captured[2].bias).toEqual(r.expected.b1);
      expect(r.captured[2].prelu).toEqual(r.expected.p2);
      expect(r.captured[0].prelu).toBeNull();
      for (const [i, d] of r.diffs.entries()) {
        expect(d!.nan, `call ${i}: NaN where the other is not`).toBe(0);
        expect(d!.maxAbs, `call ${i} (largest ${d!.maxRef})`).toBeLessThanOrEqual(1e-5 * Math.max(1, d!.maxRef));
      }
      // Nothing of ours kept for the capture: no tensor or texture in use more (the reads'
      // temporaries go back to the texture pool, bounded by its own limit).
      expect({ tensors: r.after.tensors, textures: r.after.textures, bytes: r.after.bytes }).toEqual({ tensors: r.before.tensors, textures: r.before.textures, bytes: r.before.bytes });
    } finally {
      await page.close();
    }
  });

  // TF.js's runner (gpgpu_math.runProgram) binds its framebuffer attachment, sets the viewport and
  // scissor box, the program, the program's vertex array and its input textures (active unit and
  // binding) before each of its draws: a steady direct call of ours leaves those as TF.js's own
  // programs leave them (src/tfjs/bridge.ts renderInto), and every other call puts them back.
  // Everything else TF.js relies on must be as it was after every call.
  const REBOUND = ['program', 'vao', 'active', 'units', 'viewport', 'scissorBox'];

  test('TF.js finds the GL state its runner relies on after each of our calls', async ({ tfjs }) => {
    const r = await tfjs.evaluate(async (rebound) => {
      const w = window as unknown as Record<string, any>;
      const { tf, T } = w;
      const gl = tf.backend().gpgpu.gl;
      const x = tf.mul(tf.randomNormal([1, 9, 9, 4]), 1);
      const f = tf.randomNormal([3, 3, 4, 1]);
      const f3 = tf.randomNormal([3, 3, 4, 3]);
      const b = tf.randomNormal([4]);
      const dy = tf.randomNormal([1, 9, 9, 4]);
      const calls: [string, () => unknown][] = [
        ['direct', () => tf.depthwiseConv2d(x, f, 1, 'same')],
        ['general (M=3)', () => tf.depthwiseConv2d(x, f3, 2, 'same')],
        ['fused', () => tf.fused.depthwiseConv2d({ x, filter: f, bias: b, strides: 1, pad: 'same', activation: 'relu6' })],
        ['backprop input', () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: f }, { strides: 1, pad: 'same', dilations: 1, inputShape: [1, 9, 9, 4] })],
        ['backprop filter', () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dilations: 1, filterShape: [3, 3, 4, 1] })],
      ];
      const changed: string[] = [];
      const reboundChanged: string[] = [];
      for (const [label, call] of calls) {
        for (const round of ['first', 'steady']) {
          if (round === 'steady') tf.dispose(call() as any); // the weights are ours by now: a steady call
          const prep = tf.relu(x);   // a TF.js program right before ours
          const before = T.glState(gl);
          const out = call();
          const after = T.glState(gl);
          for (const k of Object.keys(before)) {
            const same = Array.isArray(before[k]) ? before[k].every((v: unknown, i: number) => v === after[k][i]) : before[k] === after[k];
            if (!same) (rebound.includes(k) ? reboundChanged : changed).push(`${label} (${round}): ${k}`);
          }
          // TF.js's next program and a readback on top of it: the right values.
          const next = tf.add(out as any, 1);
          const back = tf.sub(next, 1);
          const got = back.dataSync();
          const want = (out as any).dataSync();
          let err = 0;
          for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i] - want[i]));
          if (!(err < 1e-4)) changed.push(`${label} (${round}): TF.js's next program read ${err} off`);
          tf.dispose([prep, out as any, next, back]);
        }
      }
      tf.dispose([x, f, f3, b, dy]);
      return { changed, reboundChanged, calls: w.K.stats().calls };
    }, REBOUND);
    expect(r.changed).toEqual([]);
    // Only a steady direct call (plain or fused) leaves the runner's own bindings as TF.js's programs do.
    for (const c of r.reboundChanged) expect(c, r.reboundChanged.join('; ')).toMatch(/^(direct|fused) \(steady\)/);
    expect(r.calls).toBeGreaterThan(0);
  });

  // A steady call's cost on the CPU side is its GL calls: on Firefox and WebKit (as in Safari) each
  // is a message to the GPU process, and a synchronous query waits for the work queued before it.
  // Counted through a wrapper of every method of TF.js's context, for ours and stock's kernel on
  // the same calls: a steady direct call makes no synchronous query and no more GL calls than stock's.
  test('a steady direct call makes no synchronous GL query and no more GL calls than TF.js\'s kernel', async ({ tfjs }) => {
    const r = await tfjs.evaluate(async () => {
      const w = window as unknown as Record<string, any>;
      const { tf } = w;
      const gl = tf.backend().gpgpu.gl;
      const counts = new Map<string, number>();
      // Every method, those already wrapped on the context included (our kernels track
      // activeTexture through a wrapper of their own: src/tfjs/state.ts).
      const wrapped: { k: string; fn: unknown; own: boolean; counter: unknown }[] = [];
      for (const k of Object.getOwnPropertyNames(WebGL2RenderingContext.prototype)) {
        const d = Object.getOwnPropertyDescriptor(WebGL2RenderingContext.prototype, k);
        if (!d || typeof d.value !== 'function' || k === 'constructor') continue;
        const own = Object.prototype.hasOwnProperty.call(gl, k);
        const fn = own ? gl[k] : d.value;
        const counter = function (this: unknown, ...a: unknown[]) { counts.set(k, (counts.get(k) ?? 0) + 1); return fn.apply(this, a); };
        gl[k] = counter;
        wrapped.push({ k, fn, own, counter });
      }
      const QUERIES = /^(getParameter|isEnabled|getError|get\w*Parameter|checkFramebufferStatus|getUniformLocation|getActiveUniform|readPixels)$/;
      const shapes: { label: string; make: () => any; f: number[]; fused?: boolean }[] = [
        { label: '4x4x8', make: () => tf.relu(tf.randomNormal([1, 4, 4, 8])), f: [3, 3, 8, 1] },
        { label: '7x7x32', make: () => tf.relu(tf.randomNormal([1, 7, 7, 32])), f: [3, 3, 32, 1] },
        { label: '14x14x16 after a 1x1 conv ([1,196,16])', make: () => tf.conv2d(tf.randomNormal([1, 14, 14, 8]), tf.randomNormal([1, 1, 8, 16]), 1, 'same'), f: [3, 3, 16, 1] },
        { label: '10x10x8 fused relu6 + bias', make: () => tf.relu(tf.randomNormal([1, 10, 10, 8])), f: [3, 3, 8, 1], fused: true },
      ];
      const per = (run: () => any): { total: number; queries: Record<string, number>; calls: Record<string, number> } => {
        // Compiles, weights, the shape's own program; and n outputs at once, so that TF.js's texture
        // pool holds as many textures of the output's shape as the measured calls take.
        const n = 5;
        for (let i = 0; i < 2; i++) tf.dispose(Array.from({ length: n }, run));
        counts.clear();
        const outs = [];
        for (let i = 0; i < n; i++) outs.push(run());
        const queries: Record<string, number> = {};
        const calls: Record<string, number> = {};
        let total = 0;
        for (const [k, v] of counts) {
          total += v;
          calls[k] = v / n;
          if (QUERIES.test(k)) queries[k] = v / n;
        }
        tf.dispose(outs);
        return { total: total / n, queries, calls };
      };
      const out: Record<string, unknown>[] = [];
      for (const s of shapes) {
        const x = s.make();
        const f = tf.randomNormal(s.f);
        const b = tf.randomNormal([s.f[2]]);
        const run = s.fused
          ? () => tf.fused.depthwiseConv2d({ x, filter: f, bias: b, strides: 1, pad: 'same', activation: 'relu6' })
          : () => tf.depthwiseConv2d(x, f, 1, 'same');
        const before = w.K.stats().calls;
        const ours = per(run);
        const served = w.K.stats().calls - before;
        w.K.unregister();
        const stock = per(run);
        w.K = w.DGL.registerTfjsKernels(tf, { tune: false });
        out.push({ label: s.label, ours, stock, served });
        tf.dispose([x, f, b]);
      }
      for (const { k, fn, own, counter } of wrapped) {
        if (gl[k] !== counter) continue; // wrapped again since (our kernels, registered anew): a counter into nothing, left
        if (own) gl[k] = fn;
        else delete gl[k];
      }
      return out;
    });
    for (const c of r as { label: string; ours: { total: number; queries: Record<string, number> }; stock: { total: number }; served: number }[]) {
      const msg = `${c.label}: ours ${JSON.stringify(c.ours)}, stock ${JSON.stringify(c.stock)}`;
      console.log(`GL calls a steady call, ${msg}`);
      expect(c.served, msg).toBe(15); // every call ran on ours
      expect(c.ours.queries, msg).toEqual({});
      expect(c.ours.total, msg).toBeLessThanOrEqual(c.stock.total);
    }
  });

  // Which program a direct shape's calls draw (src/tfjs/direct.ts pickProgram): a layer kind's
  // program (sizes as uniforms) serves its calls in its first two page tasks, four calls in the
  // first; its first call in the third task compiles the shape's own (every size a define, faster
  // a call on every engine here), which every later call draws. A small draw (fewer than 2048
  // output texels: OWN_PROGRAM_MIN_TEXELS) keeps its kind's program for good, and shares it with
  // the other shapes of its kind (their sizes set at each call); so does a light shape, whose
  // first two tasks gave it less work than OWN_PROGRAM_MIN_WORK (texels x taps x calls a task,
  // 294912). Counted by wrapping linkProgram on TF.js's context, for two heavy shapes, a light
  // one and two small ones of one kind, then 12 calls each a page task apart, as a model's
  // predicts are; then the light and small shapes called in turn in one task, their values
  // against their first calls' and stock TF.js's.
  test('a direct shape draws its kind\'s program in its first two page tasks, then its own, compiled once; a small or light one keeps its kind\'s', async ({ tfjs }) => {
    const r = await tfjs.evaluate(async () => {
      const w = window as unknown as Record<string, any>;
      const { tf } = w;
      const gl = tf.backend().gpgpu.gl as WebGL2RenderingContext;
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
      let links = 0;
      const link = gl.linkProgram;
      gl.linkProgram = (p: WebGLProgram) => { links++; link.call(gl, p); };
      // Output texels (packed, 2x2 values each), and the work of the first two tasks (4 calls,
      // then 1) a task, x 9 taps: heavy 64*32*16 = 32768 (737280), 48*24*24 = 27648 (622080);
      // light 29*15*12 = 5220 (117450); small 13*7*12 = 1092, 6*3*64 = 1152.
      const shapes = [[1, 64, 64, 32], [1, 48, 48, 48], [1, 29, 29, 24], [1, 13, 13, 24], [1, 6, 6, 128]];
      const out = [];
      const kept: { x: any; f: any; first: Float32Array }[] = [];
      for (const s of shapes) {
        const x = tf.relu(tf.randomNormal(s));
        const f = tf.randomNormal([3, 3, s[3], 1]);
        await x.data(); // TF.js's programs for x's shape compiled
        const l0 = links;
        const first = tf.depthwiseConv2d(x, f, 1, 'same');
        const linksFirst = links - l0;
        // Three more calls in the same task (a model calling the shape again in one predict):
        // still its kind's program, nothing compiled.
        for (let i = 0; i < 3; i++) tf.depthwiseConv2d(x, f, 1, 'same').dispose();
        const linksFirstTask = links - l0;
        const firstValues = await first.data();
        const linksBefore = links;
        let maxDiff = 0;
        for (let i = 0; i < 12; i++) {
          await new Promise((res) => setTimeout(res, 20));
          const y = tf.depthwiseConv2d(x, f, 1, 'same');
          const v = await y.data();
          for (let j = 0; j < v.length; j++) maxDiff = Math.max(maxDiff, Math.abs(v[j] - firstValues[j]));
          y.dispose();
        }
        out.push({ shape: s.join('x'), linksFirst, linksFirstTask, linksAfter: links - linksBefore, maxDiff });
        kept.push({ x, f, first: firstValues });
        first.dispose();
      }
      // The light and the two small shapes in turn, in one task: one program, each call its own sizes.
      const sharing = kept.slice(2);
      const linksBefore = links;
      const turns = [];
      for (let i = 0; i < 6; i++) turns.push(tf.depthwiseConv2d(sharing[i % 3].x, sharing[i % 3].f, 1, 'same'));
      const turnValues = await Promise.all(turns.map((t) => t.data()));
      const linksTurns = links - linksBefore;
      tf.dispose(turns);
      const turnDiff = turnValues.map((v, i) => w.T.diff(v, sharing[i % 3].first));
      gl.linkProgram = link;
      const stats = w.K.stats();
      // Stock TF.js's values for the five shapes.
      w.K.unregister();
      const stockDiff = [];
      for (const k of kept) {
        const y = tf.depthwiseConv2d(k.x, k.f, 1, 'same');
        const v = await y.data();
        stockDiff.push(w.T.diff(v, k.first));
        y.dispose();
      }
      w.K = w.DGL.registerTfjsKernels(tf, { tune: false });
      for (const k of kept) tf.dispose([k.x, k.f]);
      return { renderer, out, stats, linksTurns, turnDiff, stockDiff };
    });
    console.log(`renderer ${r.renderer}: ${JSON.stringify(r)}`);
    for (const [i, c] of r.out.entries()) {
      const keepsKind = i >= 2;
      // A heavy shape's own program: one link after its first task, on every renderer; none in
      // that task, whatever its calls there. A light or small one: no link after its first call.
      expect(c.linksFirstTask, `${c.shape} on ${r.renderer}`).toBe(c.linksFirst);
      expect(c.linksAfter, `${c.shape} on ${r.renderer}`).toBe(keepsKind ? 0 : 1);
      expect(c.maxDiff, c.shape).toBeLessThan(1e-4);
      expect(r.stockDiff[i].maxAbs, `${c.shape} against stock TF.js`).toBeLessThan(1e-4);
      expect(r.stockDiff[i].nan, `${c.shape} against stock TF.js: NaN in one only`).toBe(0);
    }
    // Every shape after the first compiled nothing of ours at its first call: its kind's program was there.
    expect(r.out.slice(1).map((c: { linksFirst: number }) => c.linksFirst)).toEqual([0, 0, 0, 0]);
    expect(r.linksTurns).toBe(0);
    for (const d of r.turnDiff) {
      expect(d.maxAbs).toBeLessThan(1e-4);
      expect(d.nan).toBe(0);
    }
    expect(r.stats.calls).toBe(5 * 16 + 6);
    expect(r.stats.fallbacks).toBe(0);
  });

  // Own programs spread over page tasks (src/tfjs/direct.ts, OWN_PROGRAMS_PER_TASK and
  // OWN_PROGRAM_DEADLINE): fourteen heavy shapes of one kind (3x3, stride 1, SAME: [1, 64, 64, C]
  // for C = 8, 10, ..., 34, each called four times a task, so 8192 or more output texels x 9 taps
  // x 4 calls, at least OWN_PROGRAM_MIN_WORK), all called in each of eight page tasks as a
  // model's predicts are. Links counted on TF.js's context: the kind's program in the first task,
  // none in the second, three own programs in each of tasks 3 to 5, the five left in task 6 (the
  // shapes' deadline), none after; every call's values those of the shape's first call and of
  // stock TF.js.
  test('a model\'s own programs compile three a page task, the rest at the deadline, values unchanged', async ({ tfjs }) => {
    const r = await tfjs.evaluate(async () => {
      const w = window as unknown as Record<string, any>;
      const { tf } = w;
      const gl = tf.backend().gpgpu.gl as WebGL2RenderingContext;
      let links = 0;
      const link = gl.linkProgram;
      gl.linkProgram = (p: WebGLProgram) => { links++; link.call(gl, p); };
      const shapes = Array.from({ length: 14 }, (_, i) => [1, 64, 64, 8 + 2 * i]);
      const inputs = shapes.map((s) => ({ x: tf.relu(tf.randomNormal(s)), f: tf.randomNormal([3, 3, s[3], 1]) }));
      for (const { x } of inputs) await x.data(); // TF.js's programs for the inputs compiled
      const before = w.K.stats().calls;
      const perTask: number[] = [];
      const firsts: Float32Array[] = [];
      let maxDiff = 0;
      for (let t = 0; t < 8; t++) {
        if (t) await new Promise((res) => setTimeout(res, 20));
        const l0 = links;
        const outs = [];
        for (const { x, f } of inputs) for (let k = 0; k < 4; k++) outs.push(tf.depthwiseConv2d(x, f, 1, 'same'));
        perTask.push(links - l0);
        const values = await Promise.all(outs.filter((_, i) => i % 4 === 3).map((o) => o.data()));
        tf.dispose(outs);
        if (t === 0) firsts.push(...values);
        else for (const [i, v] of values.entries()) maxDiff = Math.max(maxDiff, w.T.diff(v, firsts[i]).maxAbs);
      }
      gl.linkProgram = link;
      const served = w.K.stats().calls - before;
      w.K.unregister();
      const stockDiff = [];
      for (const [i, { x, f }] of inputs.entries()) {
        const y = tf.depthwiseConv2d(x, f, 1, 'same');
        stockDiff.push(w.T.diff(await y.data(), firsts[i]));
        y.dispose();
      }
      w.K = w.DGL.registerTfjsKernels(tf, { tune: false });
      for (const { x, f } of inputs) tf.dispose([x, f]);
      return { perTask, maxDiff, served, stockDiff };
    });
    console.log(`own programs spread: ${JSON.stringify(r)}`);
    expect(r.perTask).toEqual([1, 0, 3, 3, 3, 5, 0, 0]);
    expect(r.served).toBe(14 * 4 * 8);
    expect(r.maxDiff).toBeLessThan(1e-4);
    for (const d of r.stockDiff) {
      expect(d.maxAbs).toBeLessThan(1e-4);
      expect(d.nan).toBe(0);
    }
  });

  test('a chain of every kind of TF.js op around our kernels gives stock TF.js\'s values', async ({ tfjs }) => {
    const r = await tfjs.evaluate(async () => {
      const w = window as unknown as Record<string, any>;
      const { tf, T, DGL } = w;
      const before = w.K.stats();
      const ours = await T.interleavedChain(3);
      const served = w.K.stats().calls - before.calls;
      const fallbacks = w.K.stats().fallbacks - before.fallbacks;
      w.K.unregister();
      const stock = await T.interleavedChain(3);
      w.K = DGL.registerTfjsKernels(tf, { tune: false });
      return { served, fallbacks, diffs: ours.map((o: number[], i: number) => T.diff(o, stock[i])) };
    });
    expect(r.fallbacks).toBe(0);
    expect(r.served).toBe(6);
    for (const [i, d] of r.diffs.entries()) expect(d.maxAbs, `step ${i} (largest ${d.maxRef})`).toBeLessThanOrEqual(1e-5 * Math.max(1, d.maxRef));
  });
});

test('classic scripts: window.tf and DepthwiseGL.registerTfjsKernels, no modules', async ({ webPage: page }) => {
  await page.goto('/test/browser/tfjs/classic.html');
  const r = await page.evaluate(async () => {
    const w = window as unknown as Record<string, any>;
    await w.ready;
    const { tf } = w;
    const x = tf.mul(tf.ones([1, 3, 3, 1]), 2);
    // Hand-checked: a 2x2 box sum of 2s, VALID: 8 everywhere.
    const y = tf.depthwiseConv2d(x, tf.ones([2, 2, 1, 1]), 1, 'valid');
    return { values: Array.from(await y.data()), stats: w.kernels.stats(), kind: typeof w.DepthwiseGL.registerTfjsKernels };
  });
  expect(r.kind).toBe('function');
  expect(r.values).toEqual([8, 8, 8, 8]);
  expect(r.stats.calls).toBe(1);
  expect(r.stats.fallbacks).toBe(0);
});
