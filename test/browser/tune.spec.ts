import { expect } from '@playwright/test';
import { test as harnessTest } from './fixtures';
import { tfjsTest } from './tfjs/fixture';

// Tuning on the device (src/tune): a forced-slow candidate is never chosen, a kept table is
// reused without tuning again, tune: false keeps the fixed choice, calls given to TF.js's kernel
// are counted as delegated, and every call's result is right whichever candidate ran it. Inside
// TF.js the general path (direct: false here) is tuned against TF.js's kernel; the direct path
// is not tuned (src/tfjs/forward.ts).
// Only page.evaluate / waitForFunction / goto, so the spec runs on every engine.

const test = tfjsTest(async () => {
  const w = window as unknown as Record<string, any>;
  const { tf, T } = w;
  w.M = await import('/test/browser/tfjs/models.js' as string);
  /**
   * Runs `fn` on `inputs` `n` times on webgl (each awaiting its reads: a later page task) and
   * returns the worst error against TF.js's cpu backend, relative to max(1, |reference|).
   */
  w.worstOver = async (inputs: Record<string, unknown>, fn: (t: any) => unknown, n: number) => {
    const want = await T.runOn('cpu', inputs, fn);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const got = await T.runOn('webgl', inputs, fn);
      for (const [j, g] of got.entries()) {
        const d = T.diff(g.data, want[j].data);
        worst = Math.max(worst, d.nan ? Infinity : d.maxAbs / Math.max(1, d.maxRef));
      }
    }
    return worst;
  };
  /**
   * Registers with `options`, runs a MobileNet-like layer `n` times (plain and fused, awaiting each
   * read so timer queries come back), compares each call with TF.js's cpu backend, unregisters.
   */
  w.tuneRun = async (options: Record<string, unknown>, n: number, layer = { h: 12, w: 12, c: 16, s: 1 }) => {
    const K = w.DGL.registerTfjsKernels(tf, options);
    try {
      const inputs = {
        x: { data: T.randomData(layer.h * layer.w * layer.c, 1), shape: [1, layer.h, layer.w, layer.c] },
        f: { data: T.randomData(9 * layer.c, 2), shape: [3, 3, layer.c, 1] },
        b: { data: T.randomData(layer.c, 3), shape: [layer.c] },
      };
      const fn = (t: any) => {
        const x = tf.relu(t.x); // a packed texture made by a TF.js op, as in a model
        return [tf.depthwiseConv2d(x, t.f, layer.s, 'same'),
          tf.fused.depthwiseConv2d({ x, filter: t.f, bias: t.b, strides: layer.s, pad: 'same', activation: 'relu6' })];
      };
      const worst = await w.worstOver(inputs, fn, n);
      return { stats: K.stats(), table: K.tuneTable(), worst };
    } finally {
      K.unregister();
    }
  };
});

const winners = (table: { entries: Record<string, Record<string, string>> }) => Object.values(table.entries).flatMap((e) => Object.values(e));
/** The winners of the TF.js kernels' own choice (general path or TF.js's kernel), not of the general path's op inside (wide or plain). */
const kernelWinners = (table: { entries: Record<string, Record<string, string>> }) =>
  Object.values(table.entries).flatMap((e) => Object.entries(e).filter(([k]) => /^(DepthwiseConv2dNative|FusedDepthwiseConv2D)\|/.test(k)).map(([, v]) => v));

test.describe('tuning inside TF.js', () => {
  test('tune: false keeps the fixed choice: every call on ours, nothing delegated or kept', async ({ tfjs }) => {
    const r = await tfjs.evaluate(() => (window as any).tuneRun({ tune: false }, 8));
    expect(r.stats).toMatchObject({ calls: 16, fallbacks: 0, delegated: 0 });
    expect(r.stats.byKernel.DepthwiseConv2dNative).toEqual({ calls: 8, fallbacks: 0, delegated: 0 });
    expect(winners(r.table)).toEqual([]);
    expect(r.worst).toBeLessThanOrEqual(1e-5);
  });

  test('the direct path is not tuned: TF.js\'s kernel is no candidate there, a forced-slow direct path still serves every call, nothing timed or kept', async ({ tfjs }) => {
    const r = await tfjs.evaluate(async () => {
      const timed: string[] = [];
      const run = await (window as any).tuneRun({ tuneHook: { busyMs: { direct: 20 }, onTimed: (_k: string, c: string) => timed.push(c) } }, 6);
      return { ...run, timed };
    });
    expect(r.timed).toEqual([]);
    expect(winners(r.table)).toEqual([]);
    expect(r.stats).toMatchObject({ calls: 12, fallbacks: 0, delegated: 0 });
    expect(r.worst).toBeLessThanOrEqual(1e-5);
  });

  test('a forced-slow TF.js kernel is never chosen; the calls it ran while timed count as delegated', async ({ tfjs }) => {
    const r = await tfjs.evaluate(() => (window as any).tuneRun({ direct: false, tuneHook: { busyMs: { tfjs: 40 } } }, 14));
    expect(kernelWinners(r.table)).toEqual(['general', 'general']);
    // Each shape: 1 untimed call, then timed calls until TF.js's kernel can no longer win: one
    // clean sample each where it is clearly slower (one more for a sample that compiled; up to 4
    // each with a clock coarser than 0.5 ms), then ours.
    const d = r.stats.byKernel.DepthwiseConv2dNative.delegated;
    expect(d).toBeGreaterThanOrEqual(2);
    expect(d).toBeLessThanOrEqual(5);
    expect(r.stats.calls + r.stats.delegated).toBe(28);
    expect(r.stats.fallbacks).toBe(0);
    expect(r.worst).toBeLessThanOrEqual(1e-5);
  });

  test('TF.js\'s kernel, forced slow, is tried on three shapes only: once it lost them, the other shapes keep ours untimed', async ({ tfjs }) => {
    const r = await tfjs.evaluate(async () => {
      const { tf, T, DGL } = window as any;
      const tried = new Set<string>();
      // (The general path's op tunes inside these calls too: the cap of timed calls a task is
      // lifted so that the rule under test, not that cap, decides which shapes are tried.)
      const K = DGL.registerTfjsKernels(tf, { direct: false, tuneHook: { timedPerTask: 12, busyMs: { tfjs: 20 }, onTimed: (k: string, c: string) => c === 'tfjs' && tried.add(k) } });
      const channels = [8, 12, 16, 20, 24, 28];
      const inputs: Record<string, { data: Float32Array; shape: number[] }> = {};
      for (const c of channels) {
        inputs[`x${c}`] = { data: T.randomData(10 * 10 * c, c), shape: [1, 10, 10, c] };
        inputs[`f${c}`] = { data: T.randomData(9 * c, c + 1), shape: [3, 3, c, 1] };
      }
      // Six layer shapes a "predict", twelve predicts; each awaits its reads (a later page task).
      // (Chromium, with timer queries and a provisional program, takes ~6 predicts a shape.)
      const fn = (t: any) => channels.map((c) => tf.depthwiseConv2d(tf.relu(t[`x${c}`]), t[`f${c}`], 1, 'same'));
      try {
        const worst = await (window as any).worstOver(inputs, fn, 12);
        return { tried: tried.size, stats: K.stats(), table: K.tuneTable(), worst };
      } finally {
        K.unregister();
      }
    });
    expect(r.tried).toBe(3);
    expect(kernelWinners(r.table)).toEqual(Array(6).fill('general'));
    expect(r.stats.calls + r.stats.delegated).toBe(72);
    // TF.js's kernel ran only for the three shapes it was timed on (a compile sample and a clean one each, at most 4 on a coarse clock).
    expect(r.stats.delegated).toBeGreaterThanOrEqual(3);
    expect(r.stats.delegated).toBeLessThanOrEqual(15);
    expect(r.stats.fallbacks).toBe(0);
    expect(r.worst).toBeLessThanOrEqual(1e-5);
  });

  test('a forced-slow depthwise-gl path is never chosen: TF.js\'s kernel takes the shape, counted as delegated, results right', async ({ tfjs }) => {
    const r = await tfjs.evaluate(() => (window as any).tuneRun({ direct: false, tuneHook: { busyMs: { general: 40 } } }, 14));
    expect(kernelWinners(r.table)).toEqual(['tfjs', 'tfjs']);
    expect(r.stats.byKernel.DepthwiseConv2dNative.delegated).toBeGreaterThanOrEqual(5);
    expect(r.stats.byKernel.FusedDepthwiseConv2D.delegated).toBeGreaterThanOrEqual(5);
    expect(r.stats.calls + r.stats.delegated).toBe(28);
    expect(r.stats.fallbacks).toBe(0);
    expect(r.worst).toBeLessThanOrEqual(1e-5);
  });

  test('a kept table is reused across registrations (localStorage key, and tuneTable): no tuning again', async ({ tfjs }) => {
    const r = await tfjs.evaluate(async () => {
      const w = window as any;
      localStorage.removeItem('dgl-tune-test');
      const first = await w.tuneRun({ direct: false, tuneStorageKey: 'dgl-tune-test', tuneHook: { busyMs: { general: 40 } } }, 14);
      const stored = JSON.parse(localStorage.getItem('dgl-tune-test') ?? 'null');
      // A new registration on the same key, no hook: the kept winner runs from the first call.
      const timed: string[] = [];
      const tuneHook = { onTimed: (_k: string, c: string) => timed.push(c) };
      const again = await w.tuneRun({ direct: false, tuneStorageKey: 'dgl-tune-test', tuneHook }, 3);
      const imported = await w.tuneRun({ direct: false, tuneTable: first.table, tuneHook }, 3);
      localStorage.removeItem('dgl-tune-test');
      return { first, stored, again, imported, timed };
    });
    expect(kernelWinners(r.stored)).toEqual(['tfjs', 'tfjs']);
    expect(r.stored).toEqual(r.first.table);
    expect(r.timed).toEqual([]);
    for (const x of [r.again, r.imported]) {
      expect(x.stats).toMatchObject({ calls: 0, delegated: 6, fallbacks: 0 });
      expect(x.worst).toBeLessThanOrEqual(1e-5);
    }
  });

  test('capture() lists a delegated call as not served, delegated, no fallback', async ({ tfjs }) => {
    const r = await tfjs.evaluate(async () => {
      const w = window as any;
      const { tf, DGL } = w;
      const first = await w.tuneRun({ direct: false, tuneHook: { busyMs: { general: 40 } } }, 14);
      const K = DGL.registerTfjsKernels(tf, { direct: false, tuneTable: first.table });
      try {
        const x = tf.relu(tf.randomNormal([1, 12, 12, 16]));
        const f = tf.randomNormal([3, 3, 16, 1]);
        const { calls } = await K.capture(() => tf.depthwiseConv2d(x, f, 1, 'same').data());
        tf.dispose([x, f]);
        return calls.map((c: any) => ({ served: c.served, delegated: c.delegated, fallback: c.fallback }));
      } finally {
        K.unregister();
      }
    });
    expect(r).toEqual([{ served: false, delegated: true, fallback: null }]);
  });
});

test('a real model with tuning on (nsfwjs MobileNetV2, 8 predicts): every predict equals stock, every call on the direct path, untuned (nothing delegated or kept)', async ({ tfjs }) => {
  const r = await tfjs.evaluate(async () => {
    const { M, tf, DGL, T } = window as any;
    const model = await M.loadNsfwMobileNetV2(tf);
    const x = tf.tensor(T.randomData(224 * 224 * 3, 21, 0, 1), [1, 224, 224, 3]);
    try {
      const y0 = model.predict(x);
      const stock = await y0.data();
      y0.dispose();
      const K = DGL.registerTfjsKernels(tf);
      const diffs = [];
      try {
        for (let i = 0; i < 8; i++) {
          const y = model.predict(x);
          diffs.push(T.diff(await y.data(), stock));
          y.dispose();
        }
        return { diffs, stats: K.stats(), kept: Object.values(K.tuneTable().entries).flatMap((e: any) => Object.values(e)).length };
      } finally {
        K.unregister();
      }
    } finally {
      x.dispose();
      model.dispose();
    }
  });
  for (const d of r.diffs) expect(d.maxAbs).toBeLessThanOrEqual(1e-5 * d.maxRef);
  expect(r.stats.fallbacks).toBe(0);
  expect(r.stats).toMatchObject({ calls: 17 * 8, delegated: 0 });
  expect(r.kept).toBe(0);
});

harnessTest.describe('tuning in a standalone context', () => {
  harnessTest('a forced-slow variant is never chosen, results equal the reference whichever ran; tune: false; a kept table reused', async ({ harness }) => {
    const r = await harness.evaluate(async () => {
      const { DGL, H } = window as any;
      const shape = [1, 14, 14, 24];
      const xData = H.randomData(14 * 14 * 24, 5);
      const fData = H.randomData(9 * 24, 6);
      const want = DGL.depthwiseConv2dReference({ data: xData, shape }, { data: fData, shape: [3, 3, 24, 1] }, [1, 1, 1, 1], 'SAME');
      const run = async (options: Record<string, unknown>, n: number) => {
        const ctx = DGL.createContext(options);
        const x = ctx.tensor(xData, shape);
        const f = ctx.tensor(fData, [3, 3, 24, 1]);
        let worst = 0;
        for (let i = 0; i < n; i++) {
          const y = ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], 'SAME');
          const c = H.compare(await y.read(), want.data);
          if (!c.ok) worst = Infinity;
          worst = Math.max(worst, c.maxAbs);
          y.dispose();
        }
        const table = ctx.tuneTable();
        ctx.dispose();
        return { table, worst };
      };
      return {
        // Enough calls for 4 samples of each (a clock coarser than 0.5 ms: Firefox, WebKit
        // without cross-origin isolation) and one compile.
        slowWide: await run({ tuneHook: { busyMs: { wide: 40 } } }, 14),
        slowPlain: await run({ tuneHook: { busyMs: { plain: 40 } } }, 14),
        off: await run({ tune: false, tuneHook: { busyMs: { wide: 40 } } }, 6),
      };
    });
    expect(winners(r.slowWide.table)).toEqual(['plain']);
    expect(winners(r.slowPlain.table)).toEqual(['wide']);
    expect(winners(r.off.table)).toEqual([]);
    for (const k of ['slowWide', 'slowPlain', 'off'] as const) expect(r[k].worst, k).toBeLessThanOrEqual(1e-5);
    // Reused: a context given the table runs the kept winner and times nothing.
    const again = await harness.evaluate(async (table) => {
      const { DGL, H } = window as any;
      const timed: string[] = [];
      const ctx = DGL.createContext({ tuneTable: table, tuneHook: { onTimed: (_k: string, c: string) => timed.push(c) } });
      const x = ctx.tensor(H.randomData(14 * 14 * 24, 5), [1, 14, 14, 24]);
      const f = ctx.tensor(H.randomData(9 * 24, 6), [3, 3, 24, 1]);
      for (let i = 0; i < 4; i++) ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], 'SAME').dispose();
      const out = ctx.tuneTable();
      ctx.dispose();
      return { out, timed };
    }, r.slowWide.table);
    expect(again.out).toEqual(r.slowWide.table);
    expect(again.timed).toEqual([]);
  });
});
