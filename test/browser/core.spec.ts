import { test, expect, caseName, engineOf } from './fixtures';
import { sweep, type Case } from './sweep';

// The page-side helpers (test/browser/harness.js) and the built library, as seen from evaluate().
declare global {
  interface Window {
    H: any;
    DGL: any;
  }
}

test.describe('random sweep: GPU against the reference', () => {
  for (const cfg of sweep(240, 20261128)) {
    test(caseName(cfg), async ({ harness }) => {
      const r = await harness.evaluate((c: Case) => window.H.runCase(c), cfg);
      expect(r.shape).toEqual(r.refShape);
      expect(r.dataFormat).toBe(cfg.dataFormat);
      expect(r, JSON.stringify(r.first)).toMatchObject({ ok: true, bad: 0 });
      expect(r.memoryGrew).toBe(false);
    });
  }
});

test.describe('TensorFlow literal cases', () => {
  test('input [1,2,3,2] = 1..12, filter [2,2,2,2] = 1..16, VALID, stride 1', async ({ harness }) => {
    const out = await harness.evaluate(async () => {
      const ctx = window.H.ctx();
      const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
      const x = ctx.tensor(range(12), [1, 2, 3, 2]);
      const f = ctx.tensor(range(16), [2, 2, 2, 2]);
      const y = ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], 'VALID');
      const data = Array.from(await y.read());
      const shape = [...y.shape];
      [x, f, y].forEach((t) => t.dispose());
      return { data, shape };
    });
    expect(out.shape).toEqual([1, 1, 2, 4]);
    expect(out.data).toEqual([196, 216, 272, 296, 252, 280, 344, 376]);
  });

  test('x = 1..6 as [1,3,2,1], filter [1,2,3,4] as [2,1,1,2], VALID', async ({ harness }) => {
    const out = await harness.evaluate(() => {
      const ctx = window.H.ctx();
      const x = ctx.tensor([1, 2, 3, 4, 5, 6], [1, 3, 2, 1]);
      const f = ctx.tensor([1, 2, 3, 4], [2, 1, 1, 2]);
      const y = ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], 'VALID');
      const data = Array.from(y.readSync());
      [x, f, y].forEach((t) => t.dispose());
      return data;
    });
    expect(out).toEqual([10, 14, 14, 20, 18, 26, 22, 32]);
  });

  test('the same literal case in NCHW, with an NCHW-held filter', async ({ harness }) => {
    const out = await harness.evaluate(() => {
      const ctx = window.H.ctx();
      // x = 1..6 as NHWC [1,3,2,1] is the same data as NCHW [1,1,3,2].
      const x = ctx.tensor([1, 2, 3, 4, 5, 6], [1, 1, 3, 2], { dataFormat: 'NCHW' });
      const f = ctx.tensor([1, 2, 3, 4], [2, 1, 1, 2], { dataFormat: 'NCHW' });
      const y = ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], 'VALID', null, 'out', 'NCHW');
      const res = { data: Array.from(y.readSync()), shape: [...y.shape], name: y.name, fmt: y.dataFormat };
      [x, f, y].forEach((t) => t.dispose());
      return res;
    });
    // NHWC [1,2,2,2] = [10,14,14,20,18,26,22,32] reordered to NCHW [1,2,2,2]
    expect(out).toEqual({ data: [10, 14, 18, 22, 14, 20, 26, 32], shape: [1, 2, 2, 2], name: 'out', fmt: 'NCHW' });
  });
});

test.describe('large shapes on a device whose MAX_TEXTURE_SIZE is 4096', () => {
  const big: [string, number[], number[], number[]][] = [
    ['input=1x1x20000x4,f=1x5,s=1x1,p=SAME', [1, 1, 20000, 4], [1, 5, 4, 1], [1, 1, 1, 1]],
    ['input=1x600x600x128,f=3x3,s=1x1,p=SAME', [1, 600, 600, 128], [3, 3, 128, 1], [1, 1, 1, 1]],
    ['input=64x64x64x32,f=3x3,s=2x2,p=SAME,chMul=2', [64, 64, 64, 32], [3, 3, 32, 2], [1, 2, 2, 1]],
  ];
  for (const [name, input, filter, strides] of big) {
    test(name, async ({ harness }) => {
      test.setTimeout(300_000);
      const r = await harness.evaluate(async ([input, filter, strides]) => {
        const ctx = window.H.ctx({ debug: { maxTextureSize: 4096 } });
        const res = await window.H.runCase({ input, filter, strides, padding: 'SAME', seed: 5, context: ctx, read: 'async' });
        res.maxTextureSize = ctx.capabilities.maxTextureSize;
        res.memoryAfter = ctx.memory();
        ctx.dispose();
        return res;
      }, [input, filter, strides]);
      expect(r.maxTextureSize).toBe(4096);
      expect(r, JSON.stringify(r.first)).toMatchObject({ ok: true, bad: 0 });
      expect(r.memoryAfter).toMatchObject({ tensors: 0, textures: 0, bytes: 0 });
    });
  }

  test('a tensor too large for one texture gets an error naming the sizes', async ({ harness }) => {
    const msg = await harness.evaluate(() => {
      const ctx = window.H.ctx({ debug: { maxTextureSize: 64 } });
      try {
        ctx.tensor(new Float32Array(1 * 100 * 100 * 8), [1, 100, 100, 8]);
        return 'no error';
      } catch (e) {
        return String((e as Error).message);
      } finally {
        ctx.dispose();
      }
    });
    expect(msg).toMatch(/tensor: shape of NHWC shape \[1, 100, 100, 8\] needs 20000 RGBA texels.*64x64.*MAX_TEXTURE_SIZE is 64/);
  });
});

test.describe('chained layers', () => {
  test('three convolutions chained on the GPU equal the reference chain', async ({ harness }) => {
    const r = await harness.evaluate(async () => {
      const { H, DGL } = window;
      const ctx = H.ctx();
      const layers = [
        { filter: [3, 3, 3, 2], strides: [1, 1, 1, 1], padding: 'SAME', rate: null },
        { filter: [5, 3, 6, 1], strides: [1, 2, 1, 1], padding: 'VALID', rate: null },
        { filter: [3, 3, 6, 3], strides: [1, 1, 1, 1], padding: [[0, 0], [2, 1], [0, 2], [0, 0]], rate: [2, 1] },
      ];
      const xData = H.randomData(2 * 17 * 15 * 3, 11);
      let gpu = ctx.tensor(xData, [2, 17, 15, 3]);
      let host = { data: xData, shape: [2, 17, 15, 3] };
      const owned = [gpu];
      layers.forEach((l, i) => {
        const fData = H.randomData(H.size(l.filter), 100 + i);
        const f = ctx.tensor(fData, l.filter);
        gpu = ctx.depthwiseConv2d(gpu, f, l.strides, l.padding, l.rate);
        owned.push(f, gpu);
        host = DGL.depthwiseConv2dReference(host, { data: fData, shape: l.filter }, l.strides, l.padding, l.rate);
      });
      const got = await gpu.read();
      const res = H.compare(got, host.data, { atol: 1e-4, rtol: 1e-4 });
      res.shape = [...gpu.shape];
      res.refShape = host.shape;
      owned.forEach((t) => t.dispose());
      res.memory = ctx.memory();
      return res;
    });
    expect(r.shape).toEqual(r.refShape);
    expect(r, JSON.stringify(r.first)).toMatchObject({ ok: true });
    expect(r.memory).toMatchObject({ tensors: 0, textures: 0, bytes: 0 });
  });
});

test.describe('errors: each throws before GPU work, names the argument and values, and leaves the context usable', () => {
  // [test name, code run in the page with ctx, x (1x5x5x2 NHWC), f (3x3x2x1) in scope, expected message]
  const cases: [string, string, RegExp][] = [
    ['stride zero', `ctx.depthwiseConv2d(x, f, [1, 0, 1, 1], 'SAME')`, /depthwiseConv2d: strides .*strides\[1\] is 0/],
    ['stride fractional', `ctx.depthwiseConv2d(x, f, [1, 1, 1.5, 1], 'SAME')`, /strides.*1\.5/],
    ['stride negative', `ctx.depthwiseConv2d(x, f, [1, -2, 1, 1], 'SAME')`, /strides.*-2/],
    ['strides a string', `ctx.depthwiseConv2d(x, f, '1111', 'SAME')`, /strides must be 4 positive integers.*"1111"/],
    ['batch stride not 1', `ctx.depthwiseConv2d(x, f, [2, 1, 1, 1], 'SAME')`, /strides must be 1 in the batch and channel.*\[2, 1, 1, 1\]/],
    ['channel stride not 1', `ctx.depthwiseConv2d(x, f, [1, 1, 1, 3], 'SAME')`, /strides must be 1 in the batch and channel.*\[1, 1, 1, 3\]/],
    ['rate not a positive integer', `ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], 'SAME', [0, 1])`, /rate.*rate\[0\] is 0/],
    ['rate with stride', `ctx.depthwiseConv2d(x, f, [1, 2, 2, 1], 'SAME', [2, 2])`, /rate above 1 needs every stride to be 1; got rate \[2, 2\] with strides \[1, 2, 2, 1\]/],
    ['in_channels mismatch', `ctx.depthwiseConv2d(x, ctx.tensor(new Float32Array(27), [3, 3, 3, 1]), [1, 1, 1, 1], 'SAME')`, /filter in_channels .*\[3, 3, 3, 1\].*input's 2 channels/],
    ['shape not 4-D', `ctx.tensor([1, 2, 3], [3])`, /tensor: shape must be 4-D; got 1-D shape \[3\]/],
    ['dimension zero', `ctx.tensor([], [1, 0, 2, 2])`, /tensor: shape must have positive integer dimensions; dimension 1 is 0/],
    ['dimension fractional', `ctx.tensor([1, 2], [1, 1.5, 1, 1])`, /dimension 1 is 1\.5/],
    ['data length mismatch', `ctx.tensor([1, 2, 3], [1, 2, 2, 1])`, /tensor: data has length 3 but shape \[1, 2, 2, 1\] needs 4 values/],
    ['unknown padding', `ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], 'same')`, /padding must be 'SAME', 'VALID' or explicit.*"same"/],
    ['unknown data format (tensor)', `ctx.tensor([1], [1, 1, 1, 1], { dataFormat: 'NWHC' })`, /tensor: options\.dataFormat must be 'NHWC' or 'NCHW'; got "NWHC"/],
    ['unknown data format (op)', `ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], 'SAME', null, null, 'CHWN')`, /dataFormat must be 'NHWC' or 'NCHW'; got "CHWN"/],
    ['negative explicit padding', `ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], [[0, 0], [1, -1], [0, 0], [0, 0]])`, /padding values must be non-negative integers; padding\[1\] is \[1, -1\]/],
    ['malformed explicit padding', `ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], [[0, 0], [1, 1], [1, 1]])`, /explicit padding must be 4 \[before, after\] pairs/],
    ['batch padding not 0', `ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], [[1, 0], [1, 1], [1, 1], [0, 0]])`, /padding must be \[0, 0\] for the batch and channel/],
    ['empty output', `ctx.depthwiseConv2d(x, ctx.tensor(new Float32Array(72), [6, 6, 2, 1]), [1, 1, 1, 1], 'VALID')`, /filter of effective size 6x6.*empty output.*\[1, 5, 5, 2\]/],
    ['dataFormat contradicts the input', `ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], 'SAME', null, null, 'NCHW')`, /dataFormat "NCHW" contradicts the input's own dataFormat "NHWC"/],
    ['disposed tensor', `(() => { const d = ctx.tensor(new Float32Array(50), [1, 5, 5, 2]); d.dispose(); return ctx.depthwiseConv2d(d, f, [1, 1, 1, 1], 'SAME'); })()`, /input GLTensor\(unnamed, \[1, 5, 5, 2\], NHWC, disposed\) has been disposed/],
    ['tensor from another context', `(() => { const other = window.H.ctx({}); try { return ctx.depthwiseConv2d(x, other.tensor(new Float32Array(18), [3, 3, 2, 1]), [1, 1, 1, 1], 'SAME'); } finally { other.dispose(); } })()`, /filter GLTensor.*belongs to another context/],
    ['not a tensor', `ctx.depthwiseConv2d({ shape: [1, 5, 5, 2] }, f, [1, 1, 1, 1], 'SAME')`, /input must be a GLTensor/],
    ['readSync of a disposed tensor', `(() => { const d = ctx.tensor([1], [1, 1, 1, 1]); d.dispose(); d.dispose(); return d.readSync(); })()`, /readSync: tensor .*has been disposed/],
  ];
  for (const [name, code, message] of cases) {
    test(name, async ({ harness }) => {
      const r = await harness.evaluate(async (code) => {
        const ctx = window.H.ctx();
        const x = ctx.tensor(window.H.randomData(50, 1), [1, 5, 5, 2]);
        const f = ctx.tensor(window.H.randomData(18, 2), [3, 3, 2, 1]);
        const before = ctx.memory();
        let error: string | null = null;
        let isError = false;
        try {
          // eslint-disable-next-line no-new-func
          new Function('ctx', 'x', 'f', `return ${code};`)(ctx, x, f);
        } catch (e) {
          isError = e instanceof Error;
          error = String((e as Error).message);
        }
        const leaked = ctx.memory().tensors - before.tensors;
        // The context still gives the right answer.
        const check = await window.H.runCase({ input: [1, 5, 5, 2], filter: [3, 3, 2, 1], strides: [1, 1, 1, 1], padding: 'SAME', seed: 9 });
        x.dispose();
        f.dispose();
        return { error, isError, leaked, check: check.ok };
      }, code);
      expect(r.isError).toBe(true);
      expect(r.error).toMatch(message);
      expect(r.check).toBe(true);
      // Failed calls leave nothing behind (a filter made inside the call itself is the caller's to free).
      expect(r.leaked).toBeLessThanOrEqual(code.includes('ctx.tensor(new Float32Array') && !code.includes('other') ? 1 : 0);
    });
  }

  test('read() of a disposed tensor rejects with a clear error', async ({ harness }) => {
    const msg = await harness.evaluate(async () => {
      const t = window.H.ctx().tensor([1], [1, 1, 1, 1]);
      t.dispose();
      try {
        await t.read();
        return 'resolved';
      } catch (e) {
        return String((e as Error).message);
      }
    });
    expect(msg).toMatch(/read: tensor .*has been disposed/);
  });
});

test.describe('resources and capabilities', () => {
  test('memory() is back at its baseline after dispose; dispose is idempotent', async ({ harness }) => {
    const r = await harness.evaluate(async () => {
      const ctx = window.H.ctx({});
      const baseline = ctx.memory();
      const x = ctx.tensor(window.H.randomData(2 * 9 * 9 * 5, 3), [2, 9, 9, 5]);
      const f = ctx.tensor(window.H.randomData(3 * 3 * 5 * 2, 4), [3, 3, 5, 2]);
      const y = ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], 'SAME');
      const z = ctx.depthwiseConv2d(y, ctx.tensor(window.H.randomData(10, 5), [1, 1, 10, 1]), [1, 2, 2, 1], 'VALID');
      await z.read();
      const during = ctx.memory();
      for (const t of [x, f, y, z, x]) t.dispose();
      const after = ctx.memory();
      ctx.dispose();
      ctx.dispose();
      let afterContextDispose = '';
      try {
        ctx.tensor([1], [1, 1, 1, 1]);
      } catch (e) {
        afterContextDispose = String((e as Error).message);
      }
      return { baseline, during, after, afterContextDispose, finalMemory: ctx.memory() };
    });
    expect(r.baseline).toEqual({ tensors: 0, textures: 0, bytes: 0, pooled: { textures: 0, bytes: 0 } });
    expect(r.during.tensors).toBe(5);
    expect(r.during.textures).toBeGreaterThanOrEqual(5);
    expect(r.during.bytes).toBeGreaterThan(0);
    // one tensor (the inline filter of z) was never disposed by the page
    expect(r.after.tensors).toBe(1);
    expect(r.afterContextDispose).toMatch(/context has been disposed/);
    expect(r.after.pooled.textures).toBeGreaterThan(0); // freed textures kept for reuse
    expect(r.finalMemory).toEqual({ tensors: 0, textures: 0, bytes: 0, pooled: { textures: 0, bytes: 0 } });
  });

  test('a layered (wide-shader) output: flattened once, for its reads and for every other consumer, same values', async ({ harness }) => {
    const r = await harness.evaluate(async () => {
      const { H, DGL } = window;
      const ctx = H.ctx({});
      const xd = H.randomData(1 * 6 * 11 * 8, 21);
      const fd = H.randomData(3 * 3 * 8, 22);
      const gd = H.randomData(3 * 3 * 8, 23);
      const x = ctx.tensor(xd, [1, 6, 11, 8]);
      const f = ctx.tensor(fd, [3, 3, 8, 1]);
      const g = ctx.tensor(gd, [3, 3, 8, 1]);
      const y = ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], 'SAME'); // stride 1, M = 1: the wide shader
      const want = DGL.depthwiseConv2dReference({ data: xd, shape: [1, 6, 11, 8] }, { data: fd, shape: [3, 3, 8, 1] }, [1, 1, 1, 1], 'SAME');
      const texturesBefore = ctx.memory().textures;
      const direct = H.compare(y.readSync(), want.data, { atol: 1e-5, rtol: 1e-5 }); // flattens y
      const directAsync = H.compare(await y.read(), want.data, { atol: 1e-5, rtol: 1e-5 });
      // As the input of another convolution (flattened here, once) ...
      const z = ctx.depthwiseConv2d(y, g, [1, 2, 1, 1], 'VALID');
      const wantZ = DGL.depthwiseConv2dReference(want, { data: gd, shape: [3, 3, 8, 1] }, [1, 2, 1, 1], 'VALID');
      const chained = H.compare(await z.read(), wantZ.data, { atol: 1e-4, rtol: 1e-4 });
      // ... and as outBackprop of the filter gradient, reading the flat texture now.
      const df = ctx.depthwiseConv2dBackpropFilter(x, [3, 3, 8, 1], y, [1, 1, 1, 1], 'SAME');
      const wantDf = DGL.depthwiseConv2dBackpropFilterReference({ data: xd, shape: [1, 6, 11, 8] }, [3, 3, 8, 1], want, [1, 1, 1, 1], 'SAME');
      const grad = H.compare(df.readSync(), wantDf.data, { atol: 1e-3, rtol: 1e-4 });
      const after = H.compare(y.readSync(), want.data, { atol: 1e-5, rtol: 1e-5 });
      const texturesAfter = ctx.memory().textures;
      for (const t of [x, f, g, y, z, df]) t.dispose();
      const memory = ctx.memory();
      ctx.dispose();
      return { direct, directAsync, chained, grad, after, texturesBefore, texturesAfter, memory };
    });
    for (const k of ['direct', 'directAsync', 'chained', 'grad', 'after'] as const) expect(r[k], `${k}: ${JSON.stringify(r[k].first)}`).toMatchObject({ ok: true });
    expect(r.texturesAfter).toBe(r.texturesBefore + 3); // z, df and g's repacked filter; y is still one texture
    expect(r.memory).toMatchObject({ tensors: 0, textures: 0, bytes: 0 });
  });

  test('texture pool: freed textures are reused by the same size, bounded, reported apart, released on request', async ({ harness }) => {
    const r = await harness.evaluate(() => {
      const { H } = window;
      // tune: false: tuning runs a shape's first calls on different variants, whose outputs may
      // be textures of other sizes (layered or flat); this test is about the pool alone.
      const ctx = H.ctx({ tune: false });
      const x = ctx.tensor(H.randomData(1 * 8 * 8 * 4, 1), [1, 8, 8, 4]);
      const f = ctx.tensor(H.randomData(3 * 3 * 4, 2), [3, 3, 4, 1]);
      const first = ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], 'SAME');
      first.dispose();
      const afterOne = ctx.memory();
      for (let i = 0; i < 5; i++) ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], 'SAME').dispose();
      const afterSix = ctx.memory();
      ctx.releasePool();
      const released = ctx.memory();
      ctx.dispose();
      const none = ctx2();
      function ctx2() {
        const c = H.ctx({ texturePoolBytes: 0 });
        c.tensor([1, 2, 3, 4], [1, 1, 1, 4]).dispose();
        const m = c.memory();
        c.dispose();
        return m;
      }
      let bad = '';
      try {
        H.ctx({ texturePoolBytes: -1 });
      } catch (e) {
        bad = String((e as Error).message);
      }
      return { afterOne, afterSix, released, none, bad };
    });
    expect(r.afterOne.pooled.textures).toBe(1);
    expect(r.afterOne.pooled.bytes).toBeGreaterThan(0);
    expect(r.afterSix.pooled).toEqual(r.afterOne.pooled); // the same texture each time, not five more
    expect(r.afterSix.textures).toBe(r.afterOne.textures);
    expect(r.released.pooled).toEqual({ textures: 0, bytes: 0 });
    expect(r.released.textures).toBe(r.afterOne.textures);
    expect(r.none).toEqual({ tensors: 0, textures: 0, bytes: 0, pooled: { textures: 0, bytes: 0 } });
    expect(r.bad).toMatch(/createContext: options.texturePoolBytes must be a finite number of bytes >= 0; got -1/);
  });

  test('capabilities: float32 rendering found by completing a framebuffer; software renderer recognised (chromium: SwiftShader, true; firefox: llvmpipe, true; webkit: masked "Apple GPU", null)', async ({ harness }) => {
    const caps = await harness.evaluate(() => ({ ...window.H.ctx().capabilities }));
    expect(caps.renderFloat32).toBe(true);
    expect(caps.precision).toBe('float32');
    expect(caps.maxTextureSize).toBeGreaterThanOrEqual(4096);
    expect(typeof caps.renderer).toBe('string');
    if (!process.env.DGL_GPU) {
      const expected = { chromium: [/SwiftShader/i, true], firefox: [/llvmpipe/i, true], webkit: [/^Apple GPU$/, null] } as const;
      const [renderer, software] = expected[engineOf()];
      expect(caps.renderer).toMatch(renderer);
      expect(caps.software).toBe(software);
    }
  });

  test('createContext() with no canvas: an OffscreenCanvas where it gives WebGL2, else a DOM canvas (WebKit: OffscreenCanvas has no WebGL2)', async ({ harness }) => {
    const r = await harness.evaluate(() => {
      const offscreenWebGL2 = typeof OffscreenCanvas !== 'undefined' && !!new OffscreenCanvas(1, 1).getContext('webgl2');
      const ctx = window.DGL.createContext();
      const kind = ctx.gl.canvas.constructor.name;
      const out = ctx.depthwiseConv2d(ctx.tensor([1, 2, 3, 4], [1, 2, 2, 1]), ctx.tensor([1, 1, 1, 1], [2, 2, 1, 1]), [1, 1, 1, 1], 'VALID');
      const sum = out.readSync();
      ctx.dispose();
      return { offscreenWebGL2, kind, sum: Array.from(sum) };
    });
    expect(r.kind).toBe(r.offscreenWebGL2 ? 'OffscreenCanvas' : 'HTMLCanvasElement');
    expect(r.offscreenWebGL2).toBe(engineOf() !== 'webkit');
    expect(r.sum).toEqual([10]); // hand-checked: 1+2+3+4
  });

  test('a pending read() is rejected when its context is disposed', async ({ harness }) => {
    const msg = await harness.evaluate(async () => {
      const ctx = window.H.ctx({});
      const t = ctx.tensor(window.H.randomData(4 * 64 * 64 * 8, 1), [4, 64, 64, 8]);
      const p = t.read();
      ctx.dispose();
      try {
        await p;
        return 'resolved';
      } catch (e) {
        return String((e as Error).message);
      }
    });
    expect(msg).toMatch(/context was disposed before the read finished/);
  });

  test('precision float16: RGBA16F storage, results within float16 tolerance', async ({ harness }) => {
    const r = await harness.evaluate(async () => {
      const ctx = window.H.ctx({ precision: 'float16' });
      const res = await window.H.runCase({ input: [1, 9, 7, 6], filter: [3, 3, 6, 2], strides: [1, 1, 1, 1], padding: 'SAME', seed: 4, context: ctx, tol: { atol: 2e-2, rtol: 1e-2 } });
      res.precision = ctx.capabilities.precision;
      ctx.dispose();
      return res;
    });
    expect(r.precision).toBe('float16');
    expect(r, JSON.stringify(r.first)).toMatchObject({ ok: true });
  });
});

test.describe('packaging', () => {
  test('the classic script defines window.DepthwiseGL and computes', async ({ webPage: page }) => {
    await page.goto('/test/browser/classic.html');
    const out = await page.evaluate(() => {
      const DGL = (window as any).DepthwiseGL;
      const ctx = DGL.createContext();
      const y = ctx.depthwiseConv2d(ctx.tensor([1, 2, 3, 4, 5, 6], [1, 3, 2, 1]), ctx.tensor([1, 2, 3, 4], [2, 1, 1, 2]), [1, 1, 1, 1], 'VALID');
      const data = Array.from(y.readSync());
      ctx.dispose();
      return { data, exports: Object.keys(DGL).sort() };
    });
    expect(out.data).toEqual([10, 14, 14, 20, 18, 26, 22, 32]);
    expect(out.exports).toEqual(expect.arrayContaining(['createContext', 'depthwiseConv2dReference']));
  });

  test('the ES module imports from a static file server with no import map', async ({ webPage: page }) => {
    await page.goto('/test/browser/classic.html');
    const r = await page.evaluate(async () => {
      const hasImportMap = !!document.querySelector('script[type="importmap"]');
      const m = await import('/dist/depthwise-gl.js' as string);
      return { hasImportMap, exports: Object.keys(m).sort() };
    });
    expect(r.hasImportMap).toBe(false);
    expect(r.exports).toEqual(expect.arrayContaining(['createContext', 'depthwiseConv2dReference']));
  });
});
