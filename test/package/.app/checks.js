// What both consumer pages check, through whichever form of the package they loaded: the Vite
// app (ES modules from the sub-paths, main.ts) and the plain page (classic.html, the minified
// classic script's window.DepthwiseGL). Plain JavaScript so that the plain page can load it as is.

/** Deterministic values in [-1, 1). */
function values(n, seed) {
  return Float32Array.from({ length: n }, (_, i) => (((i + 1) * 7919 + seed * 104729) % 2003) / 1001.5 - 1);
}

function maxAbsDiff(a, b) {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * A two-node TF.js graph model in the converter's format (a GraphDef in model.json's
 * modelTopology, weights by manifest): a depthwise 3x3 with bias and relu6 fused, channel
 * multiplier 2, then a plain depthwise 3x3 with stride 2 and VALID padding.
 */
async function twoNodeGraphModel(tf, channels) {
  const list = (xs) => ({ list: { i: xs.map(String) } });
  const text = (s) => ({ s: btoa(s) });
  const dims = (shape) => ({ dim: shape.map((d) => ({ size: String(d) })) });
  const nodes = [{
    name: 'x', op: 'Placeholder',
    attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims([-1, -1, -1, channels]) } },
  }];
  const specs = [];
  const buffers = [];
  const weight = (name, shape, seed) => {
    nodes.push({ name, op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(shape) } } } });
    specs.push({ name, shape, dtype: 'float32' });
    buffers.push(values(shape.reduce((a, b) => a * b, 1), seed));
  };
  const conv = (padding, stride) => ({
    T: { type: 'DT_FLOAT' }, strides: list([1, stride, stride, 1]), dilations: list([1, 1, 1, 1]),
    padding: text(padding), data_format: text('NHWC'),
  });
  weight('dw1/filter', [3, 3, channels, 2], 1);
  weight('dw1/bias', [channels * 2], 2);
  nodes.push({
    name: 'dw1', op: 'FusedDepthwiseConv2dNative', input: ['x', 'dw1/filter', 'dw1/bias'],
    attr: { ...conv('SAME', 1), fused_ops: { list: { s: [btoa('BiasAdd'), btoa('Relu6')] } }, num_args: { i: '1' }, epsilon: { f: 0 } },
  });
  weight('dw2/filter', [3, 3, channels * 2, 1], 3);
  nodes.push({ name: 'dw2', op: 'DepthwiseConv2dNative', input: ['dw1', 'dw2/filter'], attr: conv('VALID', 2) });

  const weightData = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
  buffers.reduce((at, b) => (weightData.set(new Uint8Array(b.buffer), at), at + b.byteLength), 0);
  return tf.loadGraphModel(tf.io.fromMemory({
    modelTopology: { node: nodes, library: {}, versions: { producer: 1119 } },
    weightSpecs: specs,
    weightData: weightData.buffer,
    format: 'graph-model',
  }));
}

/**
 * Runs every check; resolves to { failures: string[], facts } (no failures: all passed).
 * `api` holds the package's exports (registerTfjsKernels, TFJS_KERNELS, registerTfjsTrainingKernels,
 * createContext, depthwiseConv2dReference, mountInspector), the page's TF.js as `tf`, and
 * `forwardOnly`: true where registerTfjsKernels is depthwise-gl/tfjs's (the forward kernels
 * alone), false where it is the root's (all four).
 */
export async function runChecks(api) {
  const { tf } = api;
  const failures = [];
  const facts = {};
  const expect = (ok, message) => { if (!ok) failures.push(message); };
  try {
    await tf.setBackend('webgl');
    await tf.ready();

    // TF.js kernels on a graph model: the same output as stock TF.js, and stats() shows the calls.
    const model = await twoNodeGraphModel(tf, 4);
    const x = tf.tensor4d(values(1 * 9 * 9 * 4, 4), [1, 9, 9, 4]);
    const run = async () => {
      const y = model.execute(x);
      const data = await y.data();
      y.dispose();
      return data;
    };
    const stock = await run();
    const kernels = api.registerTfjsKernels(tf);
    const ours = await run();
    const stats = kernels.stats();
    kernels.unregister();
    x.dispose();
    model.dispose();
    facts.kernels = kernels.kernels;
    facts.stats = stats;
    facts.graphMaxDiff = maxAbsDiff(stock, ours);
    expect(stock.length === 4 * 4 * 8, `graph model output has ${stock.length} values, not 128`);
    expect(facts.graphMaxDiff <= 1e-4, `graph model: ours differs from stock TF.js by ${facts.graphMaxDiff}`);
    const served = api.forwardOnly ? api.TFJS_KERNELS.slice(0, 2) : api.TFJS_KERNELS;
    expect(String(kernels.kernels) === String(served), `kernels served: ${kernels.kernels}, not ${served}`);
    for (const k of ['FusedDepthwiseConv2D', 'DepthwiseConv2dNative']) {
      expect(stats.byKernel[k]?.calls === 1, `stats().byKernel.${k}: ${JSON.stringify(stats.byKernel[k])}`);
    }
    expect(stats.calls === 2 && stats.fallbacks === 0, `stats(): ${stats.calls} calls, ${stats.fallbacks} fallbacks`);

    // depthwise-gl/tfjs carries no training kernel, and says where they are.
    if (api.forwardOnly) {
      let message = 'nothing thrown';
      try {
        api.registerTfjsKernels(tf, { kernels: ['DepthwiseConv2dNativeBackpropInput'] }).unregister();
      } catch (e) {
        message = String(e && e.message);
      }
      facts.forwardEntryRefuses = message;
      expect(message.includes('depthwise-gl/tfjs-training'), `depthwise-gl/tfjs asked for a backprop kernel: ${message}`);
    }

    // The training kernels (registerTfjsTrainingKernels): the gradients of a depthwise layer as
    // stock TF.js's, each backprop kernel served once.
    const gx = tf.tensor4d(values(1 * 8 * 8 * 3, 7), [1, 8, 8, 3]);
    const gf = tf.tensor4d(values(3 * 3 * 3 * 2, 8), [3, 3, 3, 2]);
    const grads = tf.grads((a, b) => tf.depthwiseConv2d(a, b, 1, 'same').square().sum());
    const gradients = async () => {
      const [dx, df] = grads([gx, gf]);
      const out = [await dx.data(), await df.data()];
      dx.dispose();
      df.dispose();
      return out;
    };
    const stockGrads = await gradients();
    const training = api.registerTfjsTrainingKernels(tf);
    const ourGrads = await gradients();
    const trainingStats = training.stats();
    training.unregister();
    gx.dispose();
    gf.dispose();
    facts.trainingKernels = training.kernels;
    facts.gradMaxDiff = Math.max(...stockGrads.map((g, i) => maxAbsDiff(g, ourGrads[i]) / Math.max(1, ...g.map(Math.abs))));
    expect(String(training.kernels) === String(api.TFJS_KERNELS), `training kernels served: ${training.kernels}`);
    expect(facts.gradMaxDiff <= 1e-4, `gradients: ours differ from stock TF.js by ${facts.gradMaxDiff} (relative)`);
    for (const k of ['DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter']) {
      expect(trainingStats.byKernel[k]?.calls === 1, `training stats().byKernel.${k}: ${JSON.stringify(trainingStats.byKernel[k])}`);
    }

    // The standalone API against the reference: NCHW, stride 2, channel multiplier 3, SAME.
    const ctx = api.createContext();
    const input = { data: values(2 * 3 * 7 * 6, 5), shape: [2, 3, 7, 6] };
    const filter = { data: values(3 * 3 * 3 * 3, 6), shape: [3, 3, 3, 3] };
    const t = ctx.tensor(input.data, input.shape, { dataFormat: 'NCHW' });
    const f = ctx.tensor(filter.data, filter.shape);
    const y = ctx.depthwiseConv2d(t, f, [1, 1, 2, 2], 'SAME');
    const got = await y.read();
    const want = api.depthwiseConv2dReference(input, filter, [1, 1, 2, 2], 'SAME', [1, 1], 'NCHW');
    facts.standaloneShape = y.shape;
    facts.standaloneMaxDiff = maxAbsDiff(got, want.data);
    expect(String(y.shape) === String(want.shape), `standalone shape ${y.shape}, reference ${want.shape}`);
    expect(facts.standaloneMaxDiff <= 1e-4, `standalone: differs from the reference by ${facts.standaloneMaxDiff}`);

    // The inspector shows a tensor.
    const element = document.createElement('div');
    document.body.append(element);
    const inspector = api.mountInspector(element);
    await inspector.show(y, { title: 'output' });
    facts.inspectorCanvases = element.querySelectorAll('canvas').length;
    expect(facts.inspectorCanvases > 0, 'the inspector drew no canvas');
    inspector.unmount();
    ctx.dispose();
  } catch (e) {
    failures.push(`threw: ${e && e.stack ? e.stack : e}`);
  }
  return { failures, facts };
}
