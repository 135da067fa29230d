import { test, expect, engineOf } from './fixtures';

declare global {
  interface Window {
    H: any;
    DGL: any;
  }
}

test.describe('context loss', () => {
  test('pending reads reject, calls throw while lost, lost tensors say so, and the context works after restore', async ({ harness }) => {
    const r = await harness.evaluate(async () => {
      const { H, DGL } = window;
      const canvas = document.createElement('canvas');
      const ctx = DGL.createContext({ canvas });
      const ext = ctx.gl.getExtension('WEBGL_lose_context');
      const x = ctx.tensor(H.randomData(1 * 16 * 16 * 3, 1), [1, 16, 16, 3]);
      const f = ctx.tensor(H.randomData(27, 2), [3, 3, 3, 1]);
      const y = ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], 'SAME');
      // a warm-up so programs exist before the loss (they must be rebuilt after)
      y.readSync();
      const pending = y.read();
      const lostEvent = new Promise((res) => canvas.addEventListener('webglcontextlost', res, { once: true }));
      ext.loseContext();
      const message = async (fn: () => unknown) => {
        try {
          await fn();
          return 'no error';
        } catch (e) {
          return String((e as Error).message);
        }
      };
      const pendingMsg = await message(() => pending);
      const whileLost = await message(() => ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], 'SAME'));
      const tensorWhileLost = await message(() => ctx.tensor([1], [1, 1, 1, 1]));
      await lostEvent;
      // Chrome allows restoreContext() only once the lost event's dispatch has finished.
      await new Promise((res) => setTimeout(res, 0));
      const restored = new Promise((res) => canvas.addEventListener('webglcontextrestored', res, { once: true }));
      ext.restoreContext();
      await restored;
      const oldTensor = await message(() => ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], 'SAME'));
      const oldRead = await message(() => y.read());
      y.dispose(); // harmless on a lost tensor
      const after = await H.runCase({ input: [2, 7, 9, 5], filter: [3, 2, 5, 2], strides: [1, 2, 1, 1], padding: 'SAME', seed: 8, context: ctx });
      const memory = ctx.memory();
      ctx.dispose();
      return { pendingMsg, whileLost, tensorWhileLost, oldTensor, oldRead, ok: after.ok, memory };
    });
    expect(r.pendingMsg).toMatch(/read: the WebGL context was lost before the read finished/);
    expect(r.whileLost).toMatch(/depthwiseConv2d: context is lost \(webglcontextlost\)/);
    expect(r.tensorWhileLost).toMatch(/tensor: context is lost/);
    expect(r.oldTensor).toMatch(/depthwiseConv2d: input GLTensor\(unnamed, \[1, 16, 16, 3\], NHWC, lost\) lost its data when the WebGL context was lost/);
    expect(r.oldRead).toMatch(/read: tensor .* lost its data/);
    expect(r.ok).toBe(true);
    expect(r.memory).toMatchObject({ tensors: 0, textures: 0, bytes: 0 });
  });
});

test.describe('resources', () => {
  test('dispose() frees every texture, buffer, program, shader, framebuffer, vertex array and sync it made', async ({ harness }) => {
    const r = await harness.evaluate(async () => {
      const { H, DGL } = window;
      const canvas = document.createElement('canvas');
      const gl = canvas.getContext('webgl2') as any;
      // Count live GL objects by wrapping the create/delete calls of a context we hand in.
      const live: Record<string, number> = {};
      const pairs = [['createTexture', 'deleteTexture'], ['createBuffer', 'deleteBuffer'], ['createProgram', 'deleteProgram'],
        ['createShader', 'deleteShader'], ['createFramebuffer', 'deleteFramebuffer'], ['createRenderbuffer', 'deleteRenderbuffer'],
        ['createVertexArray', 'deleteVertexArray'], ['fenceSync', 'deleteSync'], ['createQuery', 'deleteQuery']];
      const seen = new Set();
      for (const [make, free] of pairs) {
        live[make] = 0;
        const m = gl[make].bind(gl);
        const d = gl[free].bind(gl);
        gl[make] = (...a: unknown[]) => {
          const o = m(...a);
          if (o) { live[make]++; seen.add(o); }
          return o;
        };
        gl[free] = (o: unknown) => {
          if (o && seen.delete(o)) live[make]--;
          return d(o);
        };
      }
      const ctx = DGL.createContext({ gl });
      const x = ctx.tensor(H.randomData(2 * 12 * 10 * 6, 1), [2, 12, 10, 6]);
      const f = ctx.tensor(H.randomData(3 * 3 * 6 * 2, 2), [3, 3, 6, 2]);
      const y = ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], 'SAME');
      const z = ctx.depthwiseConv2d(y, ctx.tensor(H.randomData(12, 3), [1, 1, 12, 1]), [1, 2, 2, 1], 'VALID');
      await z.read();
      z.readSync();
      if (ctx.depthwiseConv2dBackpropFilter) {
        ctx.depthwiseConv2dBackpropFilter(x, [3, 3, 6, 2], y, [1, 1, 1, 1], 'SAME').readSync();
        ctx.depthwiseConv2dBackpropInput([2, 12, 10, 6], f, y, [1, 1, 1, 1], 'SAME').readSync();
      }
      const pending = z.read(); // still in flight at dispose
      const during = { ...live };
      ctx.dispose();
      ctx.dispose();
      await pending.catch(() => {});
      return { during, after: { ...live } };
    });
    expect(r.during.createTexture).toBeGreaterThan(0);
    expect(r.during.createProgram).toBeGreaterThan(0);
    expect(r.after).toEqual(Object.fromEntries(Object.keys(r.after).map((k) => [k, 0])));
  });

  test('10,000 calls with dispose keep memory() flat', async ({ harness }) => {
    test.setTimeout(300_000);
    const r = await harness.evaluate(async () => {
      const { H, DGL } = window;
      const ctx = DGL.createContext();
      const f = ctx.tensor(H.randomData(9 * 4, 2), [3, 3, 4, 1]);
      const x = ctx.tensor(H.randomData(1 * 8 * 8 * 4, 1), [1, 8, 8, 4]);
      // Packs the filter once (kept with f), and lets tuning settle: its first calls try the
      // shape's variants, whose outputs may be textures of other sizes in the pool. Tuning times a
      // shape only in a later page task than its first call's, so each warm-up call gets its own
      // task; and one read, as the loop below makes (a read may pool a texture of its own).
      for (let i = 0; i < 10; i++) {
        const y = ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], 'SAME');
        if (i === 9) y.readSync();
        y.dispose();
        await new Promise((r) => setTimeout(r, 0));
      }
      const start = ctx.memory();
      let peak = 0;
      for (let i = 0; i < 10000; i++) {
        const y = ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], 'SAME');
        peak = Math.max(peak, ctx.memory().tensors);
        if (i % 1000 === 999) y.readSync(); // let the GPU catch up now and then
        y.dispose();
      }
      const end = ctx.memory();
      const check = await H.runCase({ input: [1, 8, 8, 4], filter: [3, 3, 4, 1], strides: [1, 1, 1, 1], padding: 'SAME', seed: 3, context: ctx });
      ctx.dispose();
      return { start, end, peak, ok: check.ok };
    });
    expect(r.end).toEqual(r.start);
    expect(r.peak).toBe(r.start.tensors + 1);
    expect(r.ok).toBe(true);
  });
});

test.describe('a long session', () => {
  test('300 calls of growing size in one page (6x6 to 96x96 in 15 steps, 4 configurations a step: channels 3-16, 1x1-5x5, strides 1-2, M 1-2, fused relu6 every 7th, async reads): every 10th checked against the reference; memory back to its start', async ({ harness }) => {
    test.setTimeout(600_000);
    const r = await harness.evaluate(async () => {
      const { H, DGL } = window;
      const ctx = DGL.createContext();
      const start = ctx.memory();
      const bad: string[] = [];
      let checked = 0;
      let pending: Promise<unknown>[] = [];
      // Each size step repeats 4 configurations (so about 60 programs, not 300: the cost on the
      // software renderers is compiling).
      const configs = [
        { c: 3, k: 3, s: 1, m: 1, padding: 'SAME' },
        { c: 8, k: 5, s: 2, m: 1, padding: 'VALID' },
        { c: 16, k: 1, s: 1, m: 2, padding: 'VALID' },
        { c: 5, k: 3, s: 2, m: 1, padding: 'SAME' },
      ];
      for (let i = 0; i < 300; i++) {
        const side = 6 + 6 * Math.floor(i / 20);
        const { c, k, s, m, padding } = configs[i % 4];
        const input = [1, side, side + 1, c];
        const filter = [k, k, c, m];
        const strides = [1, s, s, 1];
        if (i % 10 === 0) {
          const res = await H.runCase({ input, filter, strides, padding, seed: i + 1, context: ctx });
          checked++;
          if (!res.ok) bad.push(`call ${i}: ${JSON.stringify({ input, filter, strides, padding, maxAbs: res.maxAbs, reason: res.reason })}`);
          continue;
        }
        const x = ctx.tensor(H.randomData(input.reduce((a, b) => a * b, 1), i), input);
        const f = ctx.tensor(H.randomData(k * k * c * m, i + 3), filter);
        const fused = i % 7 === 0 ? { bias: Array.from(H.randomData(c * m, i + 5) as Float32Array), activation: 'relu6' } : undefined;
        const y = ctx.depthwiseConv2d(x, f, strides, padding, null, null, null, fused);
        pending.push(y.read().then(() => y.dispose()));
        x.dispose();
        f.dispose();
        if (pending.length >= 8) { await Promise.all(pending); pending = []; }
      }
      await Promise.all(pending);
      const end = ctx.memory();
      ctx.releasePool();
      const released = ctx.memory();
      ctx.dispose();
      return { start, end, released, bad, checked };
    });
    expect(r.bad).toEqual([]);
    expect(r.checked).toBe(30);
    expect({ tensors: r.end.tensors }).toEqual({ tensors: r.start.tensors });
    expect(r.end.pooled.bytes).toBeLessThanOrEqual(64 * 1024 * 1024); // the default pool bound
    expect(r.released).toMatchObject({ tensors: 0, textures: 0, bytes: 0, pooled: { textures: 0, bytes: 0 } });
  });
});

test.describe('software rendering', () => {
  test('capabilities.software, and failIfMajorPerformanceCaveat refuses a software renderer (webkit: renderer masked, software null, not refused by us)', async ({ harness }) => {
    test.skip(!!process.env.DGL_GPU, 'runs only where the renderer is software (SwiftShader)');
    const r = await harness.evaluate(() => {
      const { DGL } = window;
      const plain = DGL.createContext();
      const software = plain.capabilities.software;
      plain.dispose();
      try {
        DGL.createContext({ failIfMajorPerformanceCaveat: true });
        return { software, message: 'no error' };
      } catch (e) {
        return { software, message: String((e as Error).message), isError: e instanceof Error };
      }
    });
    if (engineOf() === 'webkit') {
      // "Apple GPU" whatever renders: we cannot tell, so we never claim false, and refuse only
      // what the browser itself refuses under failIfMajorPerformanceCaveat.
      expect(r.software).toBeNull();
      if (r.isError) expect(r.message).toMatch(/the browser offers WebGL2 only with a major performance caveat/);
      return;
    }
    expect(r.software).toBe(true);
    expect(r.isError).toBe(true);
    expect(r.message).toMatch(/createContext: options\.failIfMajorPerformanceCaveat is true and (the renderer is software|the browser offers WebGL2 only with a major performance caveat)/);
  });
});

test.describe('values', () => {
  test('NaN and ±Infinity reach exactly the outputs whose taps touch them; padding never makes NaN', async ({ harness }) => {
    const r = await harness.evaluate(() => {
      const { H, DGL } = window;
      const ctx = H.ctx();
      const shape = [1, 6, 7, 5];
      const x = H.randomData(H.size(shape), 4);
      x[(2 * 7 + 3) * 5 + 1] = NaN;
      x[(0 * 7 + 0) * 5 + 4] = Infinity;
      x[(5 * 7 + 6) * 5 + 0] = -Infinity;
      const fShape = [3, 3, 5, 2];
      const f = H.randomData(H.size(fShape), 5);
      f[(1 * 3 + 1) * 10 + 7] = Infinity; // centre tap, channel 3, q = 1
      const results = [];
      for (const padding of ['SAME', 'VALID', [[0, 0], [2, 2], [3, 1], [0, 0]]]) {
        const xt = ctx.tensor(x, shape);
        const ft = ctx.tensor(f, fShape);
        const y = ctx.depthwiseConv2d(xt, ft, [1, 1, 1, 1], padding);
        const got = y.readSync();
        const ref = DGL.depthwiseConv2dReference({ data: x, shape }, { data: f, shape: fShape }, [1, 1, 1, 1], padding);
        const cmp = H.compare(got, ref.data);
        let nonFinite = 0;
        ref.data.forEach((v: number) => { if (!Number.isFinite(v)) nonFinite++; });
        results.push({ ok: cmp.ok, first: cmp.first, nonFinite, count: ref.data.length });
        [xt, ft, y].forEach((t) => t.dispose());
      }
      return results;
    });
    for (const res of r) {
      expect(res, JSON.stringify(res.first)).toMatchObject({ ok: true });
      expect(res.nonFinite).toBeGreaterThan(0);
      expect(res.nonFinite).toBeLessThan(res.count);
    }
  });

  test('float16 storage saturates: ±Infinity and values beyond 65504 are held as ±65504, as documented; NaN stays NaN', async ({ harness }) => {
    const r = await harness.evaluate(() => {
      const ctx = window.H.ctx({ precision: 'float16' });
      const t = ctx.tensor([70000, -Infinity, 65504, 1e-8], [1, 1, 1, 4]);
      const stored = Array.from(t.readSync());
      const f = ctx.tensor([40000, 40000, 1, 1], [1, 1, 4, 1]);
      const x = ctx.tensor([2, -2, 1, NaN], [1, 1, 1, 4]);
      const y = Array.from(ctx.depthwiseConv2d(x, f, [1, 1, 1, 1], 'VALID').readSync());
      const inf = ctx.tensor([Infinity, 1, 1, 1], [1, 1, 1, 4]);
      const z = Array.from(ctx.depthwiseConv2d(inf, f, [1, 1, 1, 1], 'VALID').readSync());
      ctx.dispose();
      return { stored, y, z };
    });
    expect(r.stored[0]).toBe(65504);
    expect(r.stored[1]).toBe(-65504);
    expect(r.stored[2]).toBe(65504);
    expect(Math.abs(r.stored[3] as number)).toBeLessThan(1e-7); // below half's subnormal range: flushed toward 0
    // ±2 * 40000 = ±80000 is beyond half on the way out; NaN stays NaN
    expect(r.y).toEqual([65504, -65504, 1, NaN]);
    // an infinity uploaded is already 65504; times 40000 it saturates again
    expect(r.z).toEqual([65504, 40000, 1, 1]);
  });
});

test.describe('fuzzing: malformed arguments to every public function', () => {
  test('each call succeeds or throws an Error with a message; a known convolution is still right afterwards', async ({ harness }) => {
    test.setTimeout(300_000);
    const r = await harness.evaluate(async () => {
      const { H, DGL } = window;
      const rand = H.rng(424242);
      const pick = (xs: unknown[]) => xs[Math.floor(rand() * xs.length)];
      const ctx = DGL.createContext();
      const good = {
        x: ctx.tensor(H.randomData(1 * 5 * 5 * 2, 1), [1, 5, 5, 2]),
        f: ctx.tensor(H.randomData(3 * 3 * 2 * 1, 2), [3, 3, 2, 1]),
      };
      const disposed = ctx.tensor([1], [1, 1, 1, 1]);
      disposed.dispose();
      const other = DGL.createContext();
      const foreign = other.tensor([1, 2], [1, 1, 1, 2]);
      const numbers = [0, -1, 1, 2, 3, 1.5, NaN, Infinity, -Infinity, 2 ** 31, 1e12, -0, Number.MAX_SAFE_INTEGER];
      const junk = [null, undefined, 'SAME', 'VALID', 'NHWC', 'NCHW', '', 'abc', {}, [], true, () => 1, Symbol.iterator,
        new Float32Array(3), [1, 1, 1, 1], [1, 2, 2, 1], [[0, 0], [1, 1], [1, 1], [0, 0]], [[0, 0]], [NaN, 1],
        { length: -1 }, { length: 1e12 }, { dataFormat: 'NCHW' }, { dataFormat: 42 }, good.x, good.f, disposed, foreign];
      const anyArg = () => (rand() < 0.35 ? pick(numbers) : rand() < 0.5 ? pick(junk)
        : Array.from({ length: Math.floor(rand() * 6) }, () => (rand() < 0.7 ? pick(numbers) : pick(junk))));
      const argsFor = (n: number) => Array.from({ length: n }, anyArg);
      // Mostly-valid argument lists with one argument replaced, plus fully random ones.
      const valid: Record<string, () => unknown[]> = {
        tensor: () => [H.randomData(4, 1), [1, 2, 2, 1], { dataFormat: 'NHWC' }],
        depthwiseConv2d: () => [good.x, good.f, [1, 1, 1, 1], 'SAME', [1, 1], 'n', 'NHWC', null],
        depthwiseConv2dBackpropInput: () => [[1, 5, 5, 2], good.f, good.x, [1, 1, 1, 1], 'SAME', [1, 1], 'NHWC'],
        depthwiseConv2dBackpropFilter: () => [good.x, [3, 3, 2, 1], good.x, [1, 1, 1, 1], 'SAME', [1, 1], 'NHWC'],
        fromPixels: () => [new ImageData(3, 2), { channels: 3 }],
        draw: () => [good.x, document.createElement('canvas'), { channels: 1 }],
      };
      const fns: [string, (...a: unknown[]) => unknown, number][] = [
        ['createContext', (...a) => { const c = DGL.createContext(...a); c.dispose(); }, 1],
        ['depthwiseConv2dReference', (...a) => DGL.depthwiseConv2dReference(...a), 6],
      ];
      for (const name of ['depthwiseConv2dBackpropInputReference', 'depthwiseConv2dBackpropFilterReference', 'applyFusedReference']) {
        if (DGL[name]) fns.push([name, (...a) => DGL[name](...a), 7]);
      }
      for (const name of Object.keys(valid)) {
        if (typeof ctx[name] === 'function') fns.push([`ctx.${name}`, (...a) => ctx[name](...a), valid[name]().length]);
      }
      fns.push(['tensor.read', (...a) => good.x.read(...a), 1], ['tensor.readSync', (...a) => good.x.readSync(...a), 1]);

      const outcomes: Record<string, { ok: number; threw: number }> = {};
      const bad: string[] = [];
      const made: any[] = [];
      for (let i = 0; i < 3000; i++) {
        const [name, fn, arity] = fns[i % fns.length];
        const short = name.replace('ctx.', '');
        let args: unknown[];
        if (valid[short] && rand() < 0.6) {
          args = valid[short]();
          args[Math.floor(rand() * args.length)] = anyArg();
        } else {
          args = argsFor(Math.floor(rand() * (arity + 2)));
        }
        outcomes[name] ??= { ok: 0, threw: 0 };
        try {
          const out: any = await fn(...args);
          if (out && typeof out.dispose === 'function') made.push(out);
          outcomes[name].ok++;
        } catch (e: any) {
          outcomes[name].threw++;
          if (!(e instanceof Error) || !e.message || e.name !== 'DepthwiseGLError') {
            bad.push(`${name}(${args.map((a) => { try { return typeof a === 'function' ? 'fn' : typeof a === 'symbol' ? 'symbol' : JSON.stringify(a)?.slice(0, 60); } catch { return String(a); } }).join(', ')}) threw ${e?.name}: ${e?.message}`);
          }
        }
        if (made.length > 50) made.splice(0).forEach((t) => t.dispose());
      }
      made.forEach((t) => t.dispose());
      const check = await H.runCase({ input: [2, 6, 5, 3], filter: [3, 3, 3, 2], strides: [1, 1, 2, 1], padding: 'SAME', seed: 77, context: ctx });
      const lit = ctx.depthwiseConv2d(ctx.tensor([1, 2, 3, 4, 5, 6], [1, 3, 2, 1]), ctx.tensor([1, 2, 3, 4], [2, 1, 1, 2]), [1, 1, 1, 1], 'VALID').readSync();
      other.dispose();
      ctx.dispose();
      return { outcomes, bad: bad.slice(0, 20), badCount: bad.length, ok: check.ok, lit: Array.from(lit) };
    });
    expect(r.bad, `${r.badCount} calls threw something other than a DepthwiseGLError`).toEqual([]);
    for (const [name, o] of Object.entries(r.outcomes)) expect(o.ok + o.threw, name).toBeGreaterThan(0);
    expect(r.ok).toBe(true);
    expect(r.lit).toEqual([10, 14, 14, 20, 18, 26, 22, 32]);
  });
});
