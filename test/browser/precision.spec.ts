import { test, expect, caseName } from './fixtures';
import { sweep, type Case } from './sweep';

declare global {
  interface Window {
    H: any;
    DGL: any;
  }
}

// Each storage / readback path, forced here by pretending extensions or float readback are
// missing, runs the whole random sweep against the reference with its own documented tolerance.
const NO_FLOAT_RENDER = ['EXT_color_buffer_float', 'EXT_color_buffer_half_float'];
const paths = [
  {
    name: 'RGBA8 storage (no float render targets)',
    options: { debug: { disableExtensions: NO_FLOAT_RENDER } },
    expect: { storage: 'RGBA8', readback: 'rgba8', precision: 'float32' },
    tol: { atol: 1e-5, rtol: 1e-5 }, // exact storage: float32 tolerance
  },
  {
    name: 'RGBA32F storage, float readback unsupported (RGBA8 encoding pass)',
    options: { debug: { disableFloatReadback: true } },
    expect: { storage: 'RGBA32F', readback: 'rgba8', precision: 'float32' },
    tol: { atol: 1e-5, rtol: 1e-5 },
  },
  {
    name: 'RGBA16F storage (float16)',
    options: { precision: 'float16' },
    expect: { storage: 'RGBA16F', readback: 'float', precision: 'float16' },
    tol: { atol: 2e-2, rtol: 1e-2 }, // half's 11-bit significand on inputs, filter and output
  },
  {
    name: 'RGBA16F storage, float readback unsupported',
    options: { precision: 'float16', debug: { disableFloatReadback: true } },
    expect: { storage: 'RGBA16F', readback: 'rgba8', precision: 'float16' },
    tol: { atol: 2e-2, rtol: 1e-2 },
  },
];

for (const path of paths) {
  test.describe(path.name, () => {
    test('capabilities name the path', async ({ harness }) => {
      const caps = await harness.evaluate((o) => ({ ...window.H.ctxFor(o).capabilities }), path.options);
      expect(caps).toMatchObject(path.expect);
    });

    // Every path runs half of the 240-case sweep to keep the suite's time in bounds (Chromium
    // measured 5.3 min for the RGBA8 path's 240 cases alone: a shape's RGBA8 programs compile
    // slowly on SwiftShader): the RGBA32F-with-encoding path the odd cases, the others the even
    // ones, so that between the two float32 paths every case of the sweep runs. Firefox and
    // WebKit run every 6th even case (their projects leave out @full-sweep-only; measured:
    // WebKit took 12.2 min for this file on the whole sweep). DGL_FULL_SWEEPS=1 runs all everywhere.
    const parity = path.options.debug?.disableFloatReadback && path.expect.precision === 'float32' ? 1 : 0;
    const cases = sweep(240, 20261128).map((cfg, i) => ({ cfg, i })).filter(({ i }) => process.env.DGL_FULL_SWEEPS === '1' || i % 2 === parity);
    for (const { cfg, i } of cases) {
      test(`${caseName(cfg)}${i % 6 === parity ? '' : ' @full-sweep-only'}`, async ({ harness }) => {
        const r = await harness.evaluate((c: Case & { contextOptions: unknown; tol: unknown }) => window.H.runCase(c),
          { ...cfg, contextOptions: path.options, tol: path.tol });
        expect(r.shape).toEqual(r.refShape);
        expect(r, JSON.stringify(r.first)).toMatchObject({ ok: true, bad: 0 });
      });
    }

    test('NaN and ±Infinity survive storage and readback', async ({ harness }) => {
      const r = await harness.evaluate((o) => {
        const ctx = window.H.ctxFor(o);
        const t = ctx.tensor([NaN, Infinity, -Infinity, -0, 1.5, -2.25, 1e-3], [1, 1, 1, 7]);
        const out = Array.from(t.readSync());
        t.dispose();
        return out.map((v: unknown) => (Object.is(v, -0) ? '-0' : String(v)));
      }, path.options);
      // float16 storage saturates infinities at ±65504 (documented); the float32 paths keep them.
      expect(r.slice(0, 3)).toEqual(path.expect.precision === 'float16' ? ['NaN', '65504', '-65504'] : ['NaN', 'Infinity', '-Infinity']);
      expect(Number(r[4])).toBe(1.5);
      expect(Number(r[5])).toBe(-2.25);
    });
  });
}

test('precision float16 on a device without float16 render targets is refused with a clear error', async ({ harness }) => {
  const msg = await harness.evaluate((disable) => {
    try {
      window.DGL.createContext({ precision: 'float16', debug: { disableExtensions: disable } });
      return 'no error';
    } catch (e) {
      return String((e as Error).message);
    }
  }, NO_FLOAT_RENDER);
  expect(msg).toMatch(/createContext: options\.precision 'float16' needs float16 render targets/);
});
