import { expect } from '@playwright/test';
import { tfjsTest } from './tfjs/fixture';

// Real models with real weights, shipped in npm packages (no network): nsfwjs's MobileNetV2
// (Keras layers model), @vladmandic/face-api's tinyFaceDetector and ssdMobilenetv1, and a
// hand-written TF.js graph model of FusedDepthwiseConv2dNative / DepthwiseConv2dNative nodes.
// Each runs on TF.js's WebGL backend with TF.js's own kernels, then with depthwise-gl's
// registered (registerTfjsKernels), in one page and one TF.js: outputs must agree, every
// depthwise call must run on depthwise-gl's kernels, and memory must come back.
// In-page loaders: test/browser/tfjs/models.js (window.M). Registered with tune: false, so that
// every call runs on depthwise-gl (tuning may give a shape to TF.js's kernel); tune.spec.ts runs
// a model with tuning on.

declare global {
  interface Window {
    tf: any;
    DGL: any;
    T: any;
    M: any;
  }
}

/** Outputs agree when max |ours - stock| <= REL * max |stock|. */
const REL = 1e-5;

interface Diff {
  maxAbs: number;
  maxRef: number;
  nan: number;
  lengths?: number[];
}

interface Stats {
  calls: number;
  fallbacks: number;
  byKernel: Record<string, { calls: number; fallbacks: number }>;
  lastFallback: string | null;
}

interface Face {
  score: number;
  box: { x: number; y: number; width: number; height: number };
}

/** One page with the built library, TF.js (webgl) and the model loaders, shared by this file's tests. */
const test = tfjsTest(async () => {
  window.M = await import('/test/browser/tfjs/models.js' as string);
});

function expectClose(d: Diff, what: string, rel = REL): void {
  const msg = `${what}: max |a - b| = ${d.maxAbs}, max |reference| = ${d.maxRef}, NaN mismatches ${d.nan}` +
    (d.lengths ? `, lengths ${d.lengths.join(' vs ')}` : '');
  expect(d.lengths, msg).toBeUndefined();
  expect(d.nan, msg).toBe(0);
  expect(d.maxRef, `${msg} (an all-zero output compares nothing)`).toBeGreaterThan(0);
  expect(d.maxAbs, msg).toBeLessThanOrEqual(rel * d.maxRef);
}

function expectAllOnOurs(stats: Stats, expected: number, what: string): void {
  expect(stats.fallbacks, `${what}: fallbacks (last: ${stats.lastFallback})`).toBe(0);
  expect(stats.lastFallback, what).toBeNull();
  expect(stats.calls, `${what}: depthwise-gl kernel calls`).toBe(expected);
}

function iou(a: Face['box'], b: Face['box']): number {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = w * h;
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** The same faces: same count, each stock face matched by one of ours with IoU >= 0.99 and score within 1e-4. */
function expectSameFaces(stock: Face[], ours: Face[], what: string): void {
  expect(ours.length, `${what}: faces found (stock ${stock.length})`).toBe(stock.length);
  const free = ours.map((_, i) => i);
  for (const [i, s] of stock.entries()) {
    let best = -1;
    let bestIou = -1;
    for (const j of free) {
      const v = iou(s.box, ours[j].box);
      if (v > bestIou) [best, bestIou] = [j, v];
    }
    const o = ours[best];
    const msg = `${what}: stock face ${i} ${JSON.stringify(s)} vs ours ${JSON.stringify(o)}`;
    expect(bestIou, msg).toBeGreaterThanOrEqual(0.99);
    expect(Math.abs(o.score - s.score), msg).toBeLessThanOrEqual(1e-4);
    free.splice(free.indexOf(best), 1);
  }
}

// --- nsfwjs MobileNetV2 -------------------------------------------------------------------------

test.describe('nsfwjs MobileNetV2 (Keras layers model, 17 DepthwiseConv2D layers, stride 2 as ZeroPadding2D + VALID)', () => {
  test('inputs=[photos sample1+sample5 as 2x224x224x3, noise seed 11 as 1x224x224x3], outputs=out_relu+probabilities: ours == stock within 1e-5, 17 layers x 2 inferences on ours', async ({ tfjs }) => {
    const r = await tfjs.evaluate(async () => {
      const { M, tf, DGL, T } = window;
      const model = await M.loadNsfwMobileNetV2(tf);
      const imgs = await M.loadImages([M.FACE_API_SAMPLES[0], M.FACE_API_SAMPLES[4]]);
      const inputs = [M.imageBatch(tf, imgs, 224), tf.tensor(T.randomData(224 * 224 * 3, 11, 0, 1), [1, 224, 224, 3])];
      // The last feature map (out_relu, after every depthwise layer) and the class probabilities.
      const both = tf.model({ inputs: model.inputs, outputs: [model.getLayer('out_relu').output, model.outputs[0]] });
      const run = async () => {
        const out = [];
        for (const x of inputs) {
          const ys = both.predict(x);
          out.push(await Promise.all(ys.map((y: any) => y.data())));
          tf.dispose(ys);
        }
        return out;
      };
      try {
        const ab = await M.stockThenOurs(tf, DGL, run, { register: { tune: false } });
        const names = ['photos out_relu', 'photos probabilities', 'noise out_relu', 'noise probabilities'];
        const flat = (o: any[][]) => o.flat();
        return {
          inputShape: model.inputs[0].shape,
          layers: M.kerasDepthwiseLayers(model),
          stockDepthwise: M.depthwiseCount(ab.stockKernels),
          probabilities: Array.from(ab.stock[0][1] as Float32Array),
          ours: flat(ab.ours).map((o, i) => ({ name: names[i], ...T.diff(o, flat(ab.stock)[i]) })),
          after: flat(ab.after).map((o, i) => ({ name: names[i], ...T.diff(o, flat(ab.stock)[i]) })),
          stats: ab.stats,
        };
      } finally {
        tf.dispose(inputs);
        model.dispose();
      }
    });
    expect(r.inputShape).toEqual([null, 224, 224, 3]);
    expect(r.layers.length).toBe(17);
    expect(r.layers.filter((l: any) => l.strides[0] === 2 && l.padding === 'valid').length).toBe(4);
    // TF.js's engine itself saw 17 depthwise kernel calls per inference.
    expect(r.stockDepthwise).toBe(17 * 2);
    // Real probabilities: 5 classes summing to 1 for each photo.
    expect(r.probabilities.length).toBe(10);
    for (const p of [r.probabilities.slice(0, 5), r.probabilities.slice(5)]) expect(Math.abs(p.reduce((a: number, b: number) => a + b, 0) - 1)).toBeLessThan(1e-4);
    for (const d of r.ours) expectClose(d, `ours vs stock: ${d.name}`);
    for (const d of r.after) expectClose(d, `stock after unregister vs stock: ${d.name}`);
    expectAllOnOurs(r.stats, 17 * 2, 'nsfwjs');
    expect(r.stats.byKernel.DepthwiseConv2dNative.calls).toBe(17 * 2);
    console.log(`nsfwjs MobileNetV2: max |ours - stock| ${r.ours.map((d: Diff & { name: string }) => `${d.name} ${d.maxAbs} (of ${d.maxRef})`).join(', ')}`);
  });

  test('registered before the load (weights first read from the CPU), 2 predict() at 1x224x224x3: ours == stock within 1e-5; model.dispose(): our memory() (tensors, textures, bytes) and tf.memory() back to before the load', async ({ tfjs }) => {
    const r = await tfjs.evaluate(async () => {
      const { M, tf, DGL, T } = window;
      const x = tf.tensor(T.randomData(224 * 224 * 3, 12, 0, 1), [1, 224, 224, 3]);
      // The stock result, from another copy of the model loaded and freed before registering.
      const reference = await M.loadNsfwMobileNetV2(tf);
      const y0 = reference.predict(x);
      const stock = await y0.data();
      y0.dispose();
      reference.dispose();
      const k = DGL.registerTfjsKernels(tf, { tune: false });
      try {
        const m = await M.memoryAroundModel(tf, k, () => M.loadNsfwMobileNetV2(tf), async (model: any) => {
          const diffs = [];
          for (let i = 0; i < 2; i++) {
            const y = model.predict(x);
            diffs.push(T.diff(await y.data(), stock));
            y.dispose();
          }
          return diffs;
        }, (model: any) => model.dispose());
        return { ...m, diffs: m.result, stats: k.stats() };
      } finally {
        k.unregister();
        x.dispose();
      }
    });
    expect(r.calls).toBe(17 * 2);
    expect(r.stats.fallbacks, `last fallback: ${r.stats.lastFallback}`).toBe(0);
    expect(r.stats.lastFallback).toBeNull();
    for (const [i, d] of r.diffs.entries()) expectClose(d, `probabilities, predict ${i + 1}, ours vs stock`);
    // The model's filters were taken in by our kernels (else this test would check nothing)...
    expect(r.used.ours.bytes, JSON.stringify(r.used)).toBeGreaterThan(r.before.ours.bytes);
    // ...and are freed with the model.
    expect(r.after.ours, JSON.stringify(r)).toEqual(r.before.ours);
    expect(r.after.tf, JSON.stringify(r)).toEqual(r.before.tf);
  });

  test('capture() of one predict() at 1x224x224x3: 17 served calls in layer order (filter shape, strides, pad as the layers say), each output equal to TF.js CPU depthwiseConv2d of the captured input and filter within 1e-5', async ({ tfjs }) => {
    const r = await tfjs.evaluate(async () => {
      const { M, tf, DGL, T } = window;
      const model = await M.loadNsfwMobileNetV2(tf);
      const x = tf.tensor(T.randomData(224 * 224 * 3, 14, 0, 1), [1, 224, 224, 3]);
      const predict = async () => {
        const y = model.predict(x);
        try {
          return await y.data();
        } finally {
          y.dispose();
        }
      };
      const layers = model.layers.filter((l: any) => l.getClassName() === 'DepthwiseConv2D')
        .map((l: any) => ({ name: l.name, kernelShape: l.getWeights()[0].shape, strides: l.strides, padding: l.padding }));
      const k = DGL.registerTfjsKernels(tf, { tune: false });
      try {
        const plain = await predict();
        const { result, calls } = await k.capture(predict);
        await T.useBackend('cpu');
        const checked = [];
        try {
          for (const c of calls) {
            const cpu = c.served ? tf.tidy(() => tf.depthwiseConv2d(tf.tensor(c.input.data, c.input.shape), tf.tensor(c.filter.data, c.filter.shape),
              c.attrs.strides, c.attrs.pad, 'NHWC', c.attrs.dilations, c.attrs.dimRoundingMode).dataSync()) : null;
            checked.push({
              index: c.index, kernel: c.kernel, served: c.served, fallback: c.fallback, inputShape: c.inputShape, filterShape: c.filterShape,
              outputShape: c.outputShape, strides: c.attrs.strides, pad: c.attrs.pad, diff: cpu ? T.diff(c.output.data, cpu) : null,
            });
          }
        } finally {
          await T.useBackend('webgl');
        }
        return { layers, calls: checked, resultDiff: T.diff(result, plain), stats: k.stats() };
      } finally {
        k.unregister();
        x.dispose();
        model.dispose();
      }
    });
    expect(r.calls.length).toBe(17);
    expectAllOnOurs(r.stats, 17 * 2, 'nsfwjs, plain + captured predict');
    // Capturing changes nothing in the result.
    expect(r.resultDiff.maxAbs).toBe(0);
    for (const [i, c] of r.calls.entries()) {
      const l = r.layers[i];
      const what = `call ${i} (layer ${l.name})`;
      expect(c.index, what).toBe(i);
      expect(c.served, `${what}: ${c.fallback}`).toBe(true);
      expect(c.kernel, what).toBe('DepthwiseConv2dNative');
      expect(c.filterShape, what).toEqual(l.kernelShape);
      expect(c.strides, what).toEqual(l.strides);
      expect(c.pad, what).toBe(l.padding);
      expectClose(c.diff, `${what}, input ${c.inputShape} -> ${c.outputShape}: captured output vs TF.js CPU`);
    }
  });

  test('features up to out_relu at input=1x32x32x3: tf.memory() and our memory() flat over 100 predict() calls on ours', async ({ tfjs }) => {
    test.setTimeout(180_000);
    const r = await tfjs.evaluate(async () => {
      const { M, tf, DGL, T } = window;
      const model = await M.loadNsfwMobileNetV2(tf, { upTo: 'out_relu', inputSize: 32 });
      const x = tf.tensor(T.randomData(32 * 32 * 3, 13, 0, 1), [1, 32, 32, 3]);
      const k = DGL.registerTfjsKernels(tf, { tune: false });
      try {
        const flat = await M.memoryOverCalls(tf, k, () => model.predict(x), { n: 100, every: 25, warmup: 3 });
        return { ...flat, outShape: model.outputs[0].shape, layers: M.kerasDepthwiseLayers(model).length, stats: k.stats() };
      } finally {
        k.unregister();
        x.dispose();
        model.dispose();
      }
    });
    expect(r.outShape).toEqual([null, 1, 1, 1280]);
    expect(r.layers).toBe(17);
    expectAllOnOurs(r.stats, 17 * 103, 'nsfwjs features');
    for (const s of r.samples) {
      const { call, ...rest } = s;
      expect(rest, `after ${call} calls`).toEqual(r.base);
    }
  });
});

// --- face-api -----------------------------------------------------------------------------------

const FACE_CASES = [
  { net: 'tinyFaceDetector', options: { inputSize: 416, scoreThreshold: 0.5 }, pack: true, samples: [1, 2, 3, 4, 5, 6], depthwise: 5, after: true },
  { net: 'tinyFaceDetector', options: { inputSize: 320, scoreThreshold: 0.4 }, pack: false, samples: [2, 5], depthwise: 5, after: false },
  // ssdMobilenetv1 is ~7 s a pass on SwiftShader: two photos.
  { net: 'ssdMobilenetv1', options: { minConfidence: 0.5, maxResults: 100 }, pack: true, samples: [1, 4], depthwise: 13, after: false },
];

test.describe('@vladmandic/face-api on its sample photos (one TF.js shared with face-api)', () => {
  for (const c of FACE_CASES) {
    const opts = Object.entries(c.options).map(([k, v]) => `${k}=${v}`).join(',');
    test(`net=${c.net},${opts},WEBGL_PACK=${c.pack},photos=sample${c.samples.join('+')}: same faces and raw output within 1e-5, ${c.depthwise} depthwise x ${c.samples.length} inferences on ours`, async ({ tfjs }) => {
      test.setTimeout(240_000);
      const r = await tfjs.evaluate(async (c) => {
        const { M, tf, DGL, T } = window;
        const faceapi = await M.loadFaceApi(tf);
        await M.loadFaceApiNet(faceapi, c.net);
        const imgs = await M.loadImages(c.samples.map((i: number) => M.FACE_API_SAMPLES[i - 1]));
        const run = async () => {
          const out = [];
          for (const img of imgs) out.push(await M.faceApiDetect(tf, faceapi, c.net, img, c.options));
          return out;
        };
        const pack = tf.env().getBool('WEBGL_PACK');
        tf.env().set('WEBGL_PACK', c.pack);
        let ab;
        try {
          ab = await M.stockThenOurs(tf, DGL, run, { after: c.after, register: { tune: false } });
        } finally {
          tf.env().set('WEBGL_PACK', pack);
        }
        const cmp = (a: any[], i: number) => a[i].raw.map((x: any, j: number) => ({ shape: x.shape, ...T.diff(x.data, ab.stock[i].raw[j].data) }));
        return {
          depthwiseWeights: (await M.faceApiDepthwiseWeights(c.net)).length,
          stockDepthwise: M.depthwiseCount(ab.stockKernels),
          stats: ab.stats,
          images: ab.stock.map((s: any, i: number) => ({
            stock: s.faces, ours: ab.ours[i].faces, after: ab.after?.[i].faces ?? null,
            raw: cmp(ab.ours, i), rawAfter: ab.after ? cmp(ab.after, i) : [],
          })),
        };
      }, c);
      expect(r.depthwiseWeights).toBe(c.depthwise);
      expect(r.stockDepthwise, 'depthwise kernel calls TF.js\'s engine saw in the stock run').toBe(c.depthwise * c.samples.length);
      let faces = 0;
      for (const [i, img] of r.images.entries()) {
        const what = `sample${c.samples[i]}`;
        expectSameFaces(img.stock, img.ours, `${what}, ours vs stock`);
        if (img.after) expectSameFaces(img.stock, img.after, `${what}, stock after unregister vs stock`);
        for (const d of img.raw) expectClose(d, `${what}, raw output ${d.shape}, ours vs stock`);
        for (const d of img.rawAfter) expectClose(d, `${what}, raw output ${d.shape}, stock after unregister vs stock`);
        faces += img.stock.length;
      }
      expect(faces, 'faces found on the photos').toBeGreaterThan(0);
      expectAllOnOurs(r.stats, c.depthwise * c.samples.length, c.net);
      console.log(`face-api ${c.net} ${opts} WEBGL_PACK=${c.pack}: faces ${r.images.map((i: any) => i.stock.length).join('+')}, max |ours - stock| raw ${r.images.map((i: any) => i.raw.map((d: Diff) => d.maxAbs).join('/')).join(', ')}`);
    });
  }

  test('net=tinyFaceDetector,inputSize=416,photos=sample1+3, registered before loadFromUri (weights first read from the CPU): same faces as stock; net.dispose(): our memory() and tf.memory() back to before the load', async ({ tfjs }) => {
    const r = await tfjs.evaluate(async () => {
      const { M, tf, DGL, T } = window;
      const faceapi = await M.loadFaceApi(tf);
      const net = faceapi.nets.tinyFaceDetector;
      const imgs = await M.loadImages([M.FACE_API_SAMPLES[0], M.FACE_API_SAMPLES[2]]);
      const detect = async () => {
        const out = [];
        for (const img of imgs) out.push(await M.faceApiDetect(tf, faceapi, 'tinyFaceDetector', img, { inputSize: 416 }));
        return out;
      };
      // The stock result, with the net loaded, then freed before registering.
      await M.loadFaceApiNet(faceapi, 'tinyFaceDetector');
      const stock = await detect();
      net.dispose();
      const k = DGL.registerTfjsKernels(tf, { tune: false });
      try {
        const m = await M.memoryAroundModel(tf, k, () => M.loadFaceApiNet(faceapi, 'tinyFaceDetector'), detect, () => net.dispose());
        const ours = m.result;
        return {
          ...m, stats: k.stats(),
          faces: stock.map((s: any, i: number) => ({ stock: s.faces, ours: ours[i].faces, raw: s.raw.map((x: any, j: number) => T.diff(ours[i].raw[j].data, x.data)) })),
        };
      } finally {
        k.unregister();
        // Leave the net loaded for whoever runs next.
        await M.loadFaceApiNet(faceapi, 'tinyFaceDetector');
      }
    });
    let faces = 0;
    for (const [i, f] of r.faces.entries()) {
      expectSameFaces(f.stock, f.ours, `sample${[1, 3][i]}, ours (registered first) vs stock`);
      for (const d of f.raw) expectClose(d, `sample${[1, 3][i]}, raw output, ours (registered first) vs stock`);
      faces += f.stock.length;
    }
    expect(faces).toBeGreaterThan(0);
    expect(r.calls).toBe(5 * 2);
    expect(r.stats.fallbacks, `last fallback: ${r.stats.lastFallback}`).toBe(0);
    expect(r.stats.lastFallback).toBeNull();
    expect(r.used.ours.bytes, JSON.stringify(r.used)).toBeGreaterThan(r.before.ours.bytes);
    expect(r.after.ours, JSON.stringify(r)).toEqual(r.before.ours);
    expect(r.after.tf, JSON.stringify(r)).toEqual(r.before.tf);
  });
});

// --- a hand-written TF.js graph model -----------------------------------------------------------

// Its nodes: DEPTHWISE_GRAPH_NODES in test/browser/tfjs/models.js.
const GRAPH = 'hand-written graph model (4 FusedDepthwiseConv2dNative: BiasAdd+Relu6, BiasAdd+Relu, BiasAdd; 2 DepthwiseConv2dNative; seeded weights, C=8)';
const GRAPH_CASES = [
  { input: [2, 32, 32, 8], pack: true, seed: 21 },
  { input: [1, 19, 23, 8], pack: false, seed: 22 },
  { input: [1, 17, 16, 8], pack: true, seed: 23 },
];

test.describe(GRAPH, () => {
  for (const c of GRAPH_CASES) {
    test(`input=${c.input.join('x')},WEBGL_PACK=${c.pack}: converter's fused nodes on FusedDepthwiseConv2D, every node's output within 1e-5 of stock and within 1e-4 of TF.js CPU primitives`, async ({ tfjs }) => {
      const r = await tfjs.evaluate(async (c) => {
        const { M, tf, DGL, T } = window;
        const pack = tf.env().getBool('WEBGL_PACK');
        tf.env().set('WEBGL_PACK', c.pack);
        const g = await M.loadDepthwiseGraphModel(tf);
        const xHost = { data: T.randomData(c.input.reduce((a: number, b: number) => a * b, 1), c.seed), shape: c.input };
        const x = tf.tensor(xHost.data, xHost.shape);
        const run = async () => {
          const ys = g.model.execute(x, g.outputs);
          try {
            return await Promise.all(ys.map(async (y: any) => ({ shape: y.shape, data: await y.data() })));
          } finally {
            tf.dispose(ys);
          }
        };
        try {
          const ab = await M.stockThenOurs(tf, DGL, run, { register: { tune: false } });
          await T.useBackend('cpu');
          let ref;
          try {
            ref = await M.depthwiseGraphReference(tf, g, xHost);
          } finally {
            await T.useBackend('webgl');
          }
          const cmp = (a: any[], b: any[]) => a.map((o, i) => ({ node: g.nodes[i].name, shapes: [o.shape, b[i].shape], ...T.diff(o.data, b[i].data) }));
          return {
            nodes: g.nodes.map((n: any) => n.op),
            stockKernels: ab.stockKernels,
            ours: cmp(ab.ours, ab.stock), after: cmp(ab.after, ab.stock), ref: cmp(ab.ours, ref), stockRef: cmp(ab.stock, ref),
            ranges: ab.stock.map((o: any) => [Math.min(...o.data), Math.max(...o.data)]),
            stats: ab.stats,
          };
        } finally {
          x.dispose();
          g.model.dispose();
          tf.env().set('WEBGL_PACK', pack);
        }
      }, c);
      const fused = r.nodes.filter((op: string) => op === 'FusedDepthwiseConv2dNative').length;
      const plain = r.nodes.filter((op: string) => op === 'DepthwiseConv2dNative').length;
      expect([fused, plain]).toEqual([4, 2]);
      // TF.js's converter maps the nodes to these kernels (seen by its engine on the stock run)...
      expect(r.stockKernels.FusedDepthwiseConv2D).toBe(fused);
      expect(r.stockKernels.DepthwiseConv2dNative).toBe(plain);
      // ...and each went to ours.
      expectAllOnOurs(r.stats, fused + plain, 'graph model');
      expect(r.stats.byKernel.FusedDepthwiseConv2D).toEqual({ calls: fused, fallbacks: 0, delegated: 0 });
      expect(r.stats.byKernel.DepthwiseConv2dNative).toEqual({ calls: plain, fallbacks: 0, delegated: 0 });
      // The fused activations are applied: Relu6 in [0, 6], Relu >= 0, bias alone goes negative.
      expect(r.ranges[0][0]).toBeGreaterThanOrEqual(0);
      expect(r.ranges[0][1]).toBeLessThanOrEqual(6);
      expect(r.ranges[1][0]).toBeGreaterThanOrEqual(0);
      expect(r.ranges[3][0]).toBeLessThan(0);
      for (const d of r.ours) {
        expect(d.shapes[0], d.node).toEqual(d.shapes[1]);
        expectClose(d, `ours vs stock, node ${d.node}`);
      }
      for (const d of r.after) expectClose(d, `stock after unregister vs stock, node ${d.node}`);
      // The hand-written graph means what it says: TF.js's CPU backend from primitive ops
      // (float32 on another device: a looser 1e-4).
      for (const d of r.stockRef) {
        expect(d.shapes[0], d.node).toEqual(d.shapes[1]);
        expectClose(d, `stock vs CPU primitives, node ${d.node}`, 1e-4);
      }
      for (const d of r.ref) expectClose(d, `ours vs CPU primitives, node ${d.node}`, 1e-4);
      console.log(`graph ${c.input.join('x')} pack=${c.pack}: max |ours - stock| ${r.ours.map((d: Diff) => d.maxAbs).join(', ')}; max |ours - cpu| / max ${r.ref.map((d: Diff) => (d.maxAbs / d.maxRef).toExponential(1)).join(', ')}`);
    });
  }

  test('capture() of one execute() at 1x16x16x8: 6 served calls in node order (kernel, fused activation and bias as the graph says), each output equal to TF.js CPU fused.depthwiseConv2d of the captured input and filter with the graph\'s bias within 1e-5', async ({ tfjs }) => {
    const r = await tfjs.evaluate(async () => {
      const { M, tf, DGL, T } = window;
      const g = await M.loadDepthwiseGraphModel(tf);
      const x = tf.tensor(T.randomData(16 * 16 * 8, 27), [1, 16, 16, 8]);
      const k = DGL.registerTfjsKernels(tf, { tune: false });
      try {
        const { calls } = await k.capture(() => tf.tidy(() => g.model.predict(x).dataSync()));
        await T.useBackend('cpu');
        const checked = [];
        try {
          for (const [i, c] of calls.entries()) {
            const n = g.nodes[i];
            const bias = n?.fusedOps ? g.weights[`${n.name}/bias`].data : null;
            const cpu = c.served ? tf.tidy(() => tf.fused.depthwiseConv2d({
              x: tf.tensor(c.input.data, c.input.shape), filter: tf.tensor(c.filter.data, c.filter.shape),
              strides: c.attrs.strides, pad: c.attrs.pad, dataFormat: 'NHWC', dilations: c.attrs.dilations, dimRoundingMode: c.attrs.dimRoundingMode,
              bias: bias ? tf.tensor(bias) : undefined, activation: c.kernel === 'FusedDepthwiseConv2D' ? c.attrs.activation : 'linear',
            }).dataSync()) : null;
            checked.push({
              kernel: c.kernel, served: c.served, fallback: c.fallback, activation: c.attrs.activation ?? null, fusedActivation: c.fused?.activation ?? null,
              biasDiff: bias && c.fused?.bias ? T.diff(c.fused.bias, bias) : null, diff: cpu ? T.diff(c.output.data, cpu) : null,
            });
          }
        } finally {
          await T.useBackend('webgl');
        }
        return { calls: checked, nodes: g.nodes.map((n: any) => ({ name: n.name, op: n.op, fusedOps: n.fusedOps ?? null })), stats: k.stats() };
      } finally {
        k.unregister();
        x.dispose();
        g.model.dispose();
      }
    });
    expect(r.calls.length).toBe(6);
    expectAllOnOurs(r.stats, 6, 'graph model, captured');
    const activationOf = (ops: string[] | null) => (ops?.includes('Relu6') ? 'relu6' : ops?.includes('Relu') ? 'relu' : 'linear');
    for (const [i, c] of r.calls.entries()) {
      const n = r.nodes[i];
      const what = `call ${i} (node ${n.name})`;
      expect(c.served, `${what}: ${c.fallback}`).toBe(true);
      expect(c.kernel, what).toBe(n.op === 'FusedDepthwiseConv2dNative' ? 'FusedDepthwiseConv2D' : 'DepthwiseConv2dNative');
      if (n.fusedOps) {
        expect(c.activation, what).toBe(activationOf(n.fusedOps));
        expect(c.fusedActivation, what).toBe(activationOf(n.fusedOps));
        expect(c.biasDiff?.maxAbs, `${what}: captured bias vs the graph's`).toBe(0);
      }
      expectClose(c.diff, `${what}: captured output vs TF.js CPU`);
    }
  });

  test('self-check: node dw_bias_relu6 run through our kernel with its bias x (1 + 1e-3) fails the 1e-5 comparison', async ({ tfjs }) => {
    const r = await tfjs.evaluate(async () => {
      const { M, tf, DGL, T } = window;
      const g = await M.loadDepthwiseGraphModel(tf);
      const x = tf.tensor(T.randomData(1 * 16 * 16 * 8, 24), [1, 16, 16, 8]);
      const run = async () => {
        const ys = g.model.execute(x, g.outputs);
        try {
          return await Promise.all(ys.map((y: any) => y.data()));
        } finally {
          tf.dispose(ys);
        }
      };
      const bias = g.model.weights['dw_bias_relu6/bias'][0];
      const wrong = tf.mul(bias, 1 + 1e-3);
      try {
        const stock = await run();
        const k = DGL.registerTfjsKernels(tf, { tune: false });
        const ours = tf.getKernel('FusedDepthwiseConv2D', 'webgl');
        let seen = 0;
        try {
          tf.unregisterKernel('FusedDepthwiseConv2D', 'webgl');
          tf.registerKernel({
            ...ours,
            kernelFunc: (args: any) => {
              if (args.inputs.bias?.dataId !== bias.dataId) return ours.kernelFunc(args);
              seen++;
              return ours.kernelFunc({ ...args, inputs: { ...args.inputs, bias: wrong } });
            },
          });
          const perturbed = await run();
          return { diffs: perturbed.map((o: any, i: number) => ({ node: g.nodes[i].name, ...T.diff(o, stock[i]) })), seen, stats: k.stats() };
        } finally {
          tf.unregisterKernel('FusedDepthwiseConv2D', 'webgl');
          tf.registerKernel(ours);
          k.unregister();
        }
      } finally {
        wrong.dispose();
        x.dispose();
        g.model.dispose();
      }
    });
    expect(r.seen).toBe(1);
    expectAllOnOurs(r.stats, 6, 'graph model, perturbed');
    const d = r.diffs[0];
    expect(d.maxAbs, JSON.stringify(d)).toBeGreaterThan(REL * d.maxRef);
  });

  test('registered before the load (weights and biases first read from the CPU), 3 predict() at 1x16x16x8: every node within 1e-5 of stock; model.dispose(): our memory() (tensors, textures, bytes) and tf.memory() back to before the load', async ({ tfjs }) => {
    const r = await tfjs.evaluate(async () => {
      const { M, tf, DGL, T } = window;
      const x = tf.tensor(T.randomData(16 * 16 * 8, 25), [1, 16, 16, 8]);
      const all = async (g: any) => {
        const ys = g.model.execute(x, g.outputs);
        try {
          return await Promise.all(ys.map((y: any) => y.data()));
        } finally {
          tf.dispose(ys);
        }
      };
      // The stock result, from another copy of the model (same seeded weights), freed before registering.
      const reference = await M.loadDepthwiseGraphModel(tf);
      const stock = await all(reference);
      reference.model.dispose();
      const k = DGL.registerTfjsKernels(tf, { tune: false });
      try {
        const m = await M.memoryAroundModel(tf, k, () => M.loadDepthwiseGraphModel(tf), async (g: any) => {
          const diffs = [];
          for (let i = 0; i < 3; i++) {
            const ours = await all(g);
            diffs.push(ours.map((o: any, j: number) => ({ node: g.nodes[j].name, ...T.diff(o, stock[j]) })));
          }
          return diffs;
        }, (g: any) => g.model.dispose());
        return { ...m, diffs: m.result, stats: k.stats() };
      } finally {
        k.unregister();
        x.dispose();
      }
    });
    expect(r.calls).toBe(6 * 3);
    expect(r.stats.fallbacks, `last fallback: ${r.stats.lastFallback}`).toBe(0);
    expect(r.stats.lastFallback).toBeNull();
    for (const [i, run] of r.diffs.entries()) for (const d of run) expectClose(d, `predict ${i + 1}, node ${d.node}, ours vs stock`);
    expect(r.used.ours.bytes, JSON.stringify(r.used)).toBeGreaterThan(r.before.ours.bytes);
    expect(r.after.ours, JSON.stringify(r)).toEqual(r.before.ours);
    expect(r.after.tf, JSON.stringify(r)).toEqual(r.before.tf);
  });

  test('input=1x12x12x8: tf.memory() (numTensors, numBytes, GPU bytes) and our memory() flat over 1000 predict() calls on ours', async ({ tfjs }) => {
    test.setTimeout(180_000);
    const r = await tfjs.evaluate(async () => {
      const { M, tf, DGL, T } = window;
      const g = await M.loadDepthwiseGraphModel(tf);
      const x = tf.tensor(T.randomData(12 * 12 * 8, 26), [1, 12, 12, 8]);
      const k = DGL.registerTfjsKernels(tf, { tune: false });
      try {
        const flat = await M.memoryOverCalls(tf, k, () => g.model.predict(x), { n: 1000, every: 100, warmup: 5 });
        return { ...flat, stats: k.stats() };
      } finally {
        k.unregister();
        x.dispose();
        g.model.dispose();
      }
    });
    expectAllOnOurs(r.stats, 6 * 1005, 'graph model x 1005');
    expect(r.stats.byKernel.FusedDepthwiseConv2D.calls).toBe(4 * 1005);
    expect(r.samples.length).toBe(10);
    for (const s of r.samples) {
      const { call, ...rest } = s;
      expect(rest, `after ${call} calls`).toEqual(r.base);
    }
  });
});
