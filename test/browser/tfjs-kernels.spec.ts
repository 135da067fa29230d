import { test as base, expect, type Page } from '@playwright/test';
import { rng } from '../rng.js';

// registerTfjsKernels: TF.js's depthwise kernels on depthwise-gl, on TF.js's own WebGL2 context,
// against TF.js's cpu backend (a seeded sweep), under TF.js's flag variants, and the contract's
// registration, fallback, memory and GL-state rules. Real models: tfjs-models.spec.ts.

type Page_ = Page;
const test = base.extend<object, { tfjs: Page_ }>({
  tfjs: [async ({ browser }, use) => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto('/test/browser/tfjs/page.html');
    await page.waitForFunction(() => (window as unknown as { tfjsReady?: boolean }).tfjsReady === true);
    await page.evaluate(async () => {
      const w = window as unknown as Record<string, any>;
      const sweepUrl: string = '/test/browser/tfjs/sweep.js';
      w.S = await import(sweepUrl);
      await w.T.useBackend('webgl');
      w.K = w.DGL.registerTfjsKernels(w.tf);
    });
    await use(page);
    await page.close();
    if (errors.length) throw new Error(`uncaught errors in the page:\n${errors.join('\n')}`);
  }, { scope: 'worker' }],
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
  for (const cfg of CASES) {
    test(name(cfg), async ({ tfjs }) => {
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
