// In-page loaders for real TF.js models with real weights shipped in npm packages (no network:
// everything comes from the static server's /node_modules), and a hand-written TF.js graph
// model of depthwise nodes with seeded weights. Plain JS, served as is; every loader takes the
// page's TF.js namespace so the same code serves the tests (test/browser/tfjs/page.html) and
// any other page that has TF.js (e.g. the playground).
import { randomData } from '/test/rng.js';

/** Where the static server exposes node_modules. */
export const NODE_MODULES = '/node_modules';

/** The kernels a forward depthwise convolution runs as in TF.js. */
export const DEPTHWISE_KERNELS = ['DepthwiseConv2dNative', 'FusedDepthwiseConv2D'];

// --- helpers -------------------------------------------------------------------------------

/** Evaluates a UMD/CommonJS module's text and returns its module.exports. */
export function evalCommonJs(text) {
  const module = { exports: {} };
  // The UMD wrappers pick the CommonJS branch when `module` and `exports` exist.
  new Function('module', 'exports', 'define', 'require', text)(module, module.exports, undefined, undefined);
  return module.exports;
}

async function fetchText(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url}: ${r.status} ${r.statusText}`);
  return r.text();
}

function base64Bytes(b64) {
  const s = atob(b64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

function concatBytes(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out.buffer;
}

/**
 * Kernel calls of `fn` as TF.js's engine records them (tf.profile), by kernel name: a count of
 * what ran that does not depend on depthwise-gl. Returns { result, byKernel }.
 */
export async function profileKernels(tf, fn) {
  const info = await tf.profile(fn);
  const byKernel = {};
  for (const k of info.kernels) byKernel[k.name] = (byKernel[k.name] ?? 0) + 1;
  return { result: info.result, byKernel };
}

/** How many forward depthwise kernel calls a tf.profile byKernel count holds. */
export function depthwiseCount(byKernel) {
  return DEPTHWISE_KERNELS.reduce((n, k) => n + (byKernel[k] ?? 0), 0);
}

// --- nsfwjs: MobileNetV2 (Keras layers model) -----------------------------------------------

export const NSFW_MOBILENET_V2 = `${NODE_MODULES}/nsfwjs/dist/models/mobilenet_v2`;

/**
 * nsfwjs's MobileNetV2 classifier as a tf.LayersModel: its model.json and base64 weights ship
 * as UMD modules (model.min.js, group1-shard1of1.min.js), decoded as nsfwjs's JSONHandler does.
 * As shipped: input [n, 224, 224, 3] in [0, 1], output [n, 5] class probabilities.
 *
 * `upTo` (a layer name, e.g. 'out_relu', the last feature map) keeps only that layer and what it
 * depends on, and makes it the output; `inputSize` then may change the input's height and width
 * (the classifier head needs 224: its 7x7 pooling feeds a Dense layer).
 */
export async function loadNsfwMobileNetV2(tf, { base = NSFW_MOBILENET_V2, inputSize = 224, upTo = null } = {}) {
  const modelJson = evalCommonJs(await fetchText(`${base}/model.min.js`));
  let weightSpecs = [];
  const parts = [];
  for (const group of modelJson.weightsManifest) {
    for (const path of group.paths) {
      const shard = evalCommonJs(await fetchText(`${base}/${path}.min.js`));
      // The shard module exports the base64 string itself (older bundles: { [path]: base64 }).
      const b64 = typeof shard === 'string' ? shard : shard?.[path];
      if (typeof b64 !== 'string') throw new Error(`${base}/${path}.min.js exports no base64 weights`);
      parts.push(base64Bytes(b64));
    }
    weightSpecs.push(...group.weights);
  }
  let weightData = concatBytes(parts);
  const topology = JSON.parse(JSON.stringify(modelJson.modelTopology));
  const config = topology.model_config.config;
  if (upTo !== null) {
    const byName = new Map(config.layers.map((l) => [l.name, l]));
    if (!byName.has(upTo)) throw new Error(`nsfwjs MobileNetV2 has no layer ${upTo}`);
    const keep = new Set();
    const visit = (name) => {
      if (keep.has(name)) return;
      keep.add(name);
      for (const node of byName.get(name).inbound_nodes) for (const [from] of node) visit(from);
    };
    visit(upTo);
    config.layers = config.layers.filter((l) => keep.has(l.name));
    config.output_layers = [[upTo, 0, 0]];
    // Keep the weights of the kept layers only (loadLayersModel refuses weights with no layer).
    const kept = [];
    const bytes = new Uint8Array(weightData);
    let at = 0;
    for (const spec of weightSpecs) {
      const n = spec.shape.reduce((a, b) => a * b, 1) * bytesPerElement(spec);
      if (keep.has(spec.name.split('/')[0])) kept.push({ spec, bytes: bytes.subarray(at, at + n) });
      at += n;
    }
    if (at !== bytes.length) throw new Error(`weights manifest describes ${at} bytes, the shard holds ${bytes.length}`);
    weightSpecs = kept.map((k) => k.spec);
    weightData = concatBytes(kept.map((k) => k.bytes));
  }
  if (inputSize !== 224) {
    if (upTo === null) throw new Error('the classifier head needs inputSize 224; pass upTo (e.g. \'out_relu\') for another size');
    const input = config.layers.find((l) => l.class_name === 'InputLayer');
    input.config.batch_input_shape = [null, inputSize, inputSize, 3];
  }
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topology, weightSpecs, weightData }));
}

function bytesPerElement(spec) {
  const q = spec.quantization?.dtype;
  if (q) return q === 'uint8' ? 1 : 2; // uint8, uint16, float16
  return spec.dtype === 'bool' ? 1 : 4;
}

/** The DepthwiseConv2D layers of a Keras model, read from the model itself. */
export function kerasDepthwiseLayers(model) {
  return model.layers.filter((l) => l.getClassName() === 'DepthwiseConv2D').map((l) => ({
    name: l.name, strides: l.strides, padding: l.padding, kernelSize: l.kernelSize, depthMultiplier: l.depthMultiplier,
  }));
}

// --- face-api -----------------------------------------------------------------------------

export const FACE_API = `${NODE_MODULES}/@vladmandic/face-api`;
export const FACE_API_MODELS = `${FACE_API}/model`;
export const FACE_API_SAMPLES = [1, 2, 3, 4, 5, 6].map((i) => `${FACE_API}/demo/sample${i}.jpg`);

/**
 * @vladmandic/face-api's no-bundle ES module, which imports TF.js by bare names: the page's
 * import map must send them to the page's TF.js. With `tf` given, checks that face-api really
 * shares it (one engine, one WebGL backend, so kernels registered into `tf` serve face-api).
 */
export async function loadFaceApi(tf, { url = `${FACE_API}/dist/face-api.esm-nobundle.js` } = {}) {
  const faceapi = await import(url);
  if (tf && faceapi.tf.engine() !== tf.engine()) {
    throw new Error('face-api runs on another TF.js than the one given: map its @tensorflow/tfjs imports to this page\'s TF.js');
  }
  return faceapi;
}

/** face-api's nets by the names the tests use, and how many depthwise convolutions one forward pass runs. */
export const FACE_API_NETS = {
  tinyFaceDetector: { manifest: 'tiny_face_detector_model', depthwiseWeight: /depthwise_filter$/ },
  ssdMobilenetv1: { manifest: 'ssd_mobilenetv1_model', depthwiseWeight: /depthwise_weights$/ },
};

/** Loads face-api's net `name` (a key of FACE_API_NETS) from `uri`; returns the net. */
export async function loadFaceApiNet(faceapi, name, uri = FACE_API_MODELS) {
  const net = faceapi.nets[name];
  if (!net) throw new Error(`face-api has no net ${name}`);
  if (!net.isLoaded) await net.loadFromUri(uri);
  return net;
}

/** The depthwise filters in a face-api net's weights manifest (one depthwise call each per forward pass). */
export async function faceApiDepthwiseWeights(name, uri = FACE_API_MODELS) {
  const { manifest, depthwiseWeight } = FACE_API_NETS[name];
  const groups = JSON.parse(await fetchText(`${uri}/${manifest}-weights_manifest.json`));
  return groups.flatMap((g) => g.weights).filter((w) => depthwiseWeight.test(w.name) && w.shape.length === 4).map((w) => w.name);
}

/** face-api's options object for a detector net. */
export function faceApiOptions(faceapi, name, opts = {}) {
  if (name === 'tinyFaceDetector') return new faceapi.TinyFaceDetectorOptions(opts);
  if (name === 'ssdMobilenetv1') return new faceapi.SsdMobilenetv1Options(opts);
  throw new Error(`no options for ${name}`);
}

/**
 * One detector net on one image, one forward pass: the faces face-api finds (detectAllFaces)
 * and the raw network output that pass made (forwardInput's tensors, kept by a wrapper while
 * detectAllFaces runs and read back): tinyFaceDetector [1, h, w, 25], ssdMobilenetv1 boxes
 * [5118, 4] and scores [5118].
 */
export async function faceApiDetect(tf, faceapi, name, img, opts = {}) {
  const net = faceapi.nets[name];
  const options = faceApiOptions(faceapi, name, opts);
  const own = Object.prototype.hasOwnProperty.call(net, 'forwardInput');
  const original = net.forwardInput;
  const kept = [];
  net.forwardInput = function (...args) {
    const out = original.apply(this, args);
    const tensors = out instanceof tf.Tensor ? [out] : [].concat(out.boxes, out.scores);
    for (const t of tensors) kept.push(tf.clone(t));
    return out;
  };
  let detections;
  try {
    // run(), not the task's then(): face-api's task then() drops its reject callback, so an
    // error inside would leave `await faceapi.detectAllFaces(...)` pending forever.
    detections = await faceapi.detectAllFaces(img, options).run();
  } finally {
    if (own) net.forwardInput = original;
    else delete net.forwardInput;
  }
  const raw = [];
  try {
    for (const t of kept) raw.push({ shape: [...t.shape], data: await t.data() });
  } finally {
    tf.dispose(kept);
  }
  const faces = detections.map((d) => ({ score: d.score, box: { x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height } }));
  return { raw, faces };
}

/** Intersection over union of two { x, y, width, height } boxes. */
export function iou(a, b) {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = w * h;
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** Images as one batch [n, size, size, 3] of values in [0, 1] (bilinear resize), e.g. for nsfwjs. */
export function imageBatch(tf, imgs, size) {
  return tf.tidy(() => tf.stack(imgs.map((img) => tf.image.resizeBilinear(tf.browser.fromPixels(img), [size, size]).div(255))));
}

/**
 * Runs `run()` (an async function returning host values) with TF.js's own kernels, then with
 * depthwise-gl's registered (`register`: registerTfjsKernels's options), then, unless `after`
 * is false, with TF.js's again after unregister(). The stock run is recorded by tf.profile:
 * `stockKernels` counts its kernel calls by name. Returns { stock, stockKernels, ours, after,
 * stats, memory } (stats and memory of the registration, read before unregister).
 */
export async function stockThenOurs(tf, DGL, run, { register, after: again = true } = {}) {
  const { result: stock, byKernel: stockKernels } = await profileKernels(tf, run);
  const kernels = DGL.registerTfjsKernels(tf, register);
  let ours;
  let stats;
  let memory;
  try {
    ours = await run();
    stats = kernels.stats();
    memory = kernels.memory();
  } finally {
    kernels.unregister();
  }
  const after = again ? await run() : null;
  return { stock, stockKernels, ours, after, stats, memory };
}

/** Loads images as decoded <img> elements. */
export async function loadImages(urls) {
  return Promise.all(urls.map(async (url) => {
    const img = new Image();
    img.src = url;
    await img.decode();
    return img;
  }));
}

// --- a hand-written TF.js graph model of depthwise nodes ---------------------------------------

const enc = (s) => btoa(s);
const ints = (a) => ({ list: { i: a.map(String) } });

/**
 * The nodes of the depthwise graph model: each one's op as TensorFlow's converter writes it
 * (FusedDepthwiseConv2dNative with its fused_ops, or DepthwiseConv2dNative), chained.
 */
export const DEPTHWISE_GRAPH_NODES = [
  { name: 'dw_bias_relu6', op: 'FusedDepthwiseConv2dNative', fusedOps: ['BiasAdd', 'Relu6'], k: [3, 3], chMul: 1, strides: [1, 1], padding: 'SAME', dilations: [1, 1] },
  { name: 'dw_bias_relu_s2', op: 'FusedDepthwiseConv2dNative', fusedOps: ['BiasAdd', 'Relu'], k: [3, 3], chMul: 2, strides: [2, 2], padding: 'SAME', dilations: [1, 1] },
  { name: 'dw_plain_d2', op: 'DepthwiseConv2dNative', k: [3, 3], chMul: 1, strides: [1, 1], padding: 'SAME', dilations: [2, 2] },
  { name: 'dw_bias_valid', op: 'FusedDepthwiseConv2dNative', fusedOps: ['BiasAdd'], k: [5, 5], chMul: 1, strides: [1, 1], padding: 'VALID', dilations: [1, 1] },
  { name: 'dw_plain_explicit_s2', op: 'DepthwiseConv2dNative', k: [3, 2], chMul: 2, strides: [2, 1], padding: 'EXPLICIT', explicitPaddings: [0, 0, 1, 2, 0, 1, 0, 0], dilations: [1, 1] },
  { name: 'dw_bias_relu6_chmul3', op: 'FusedDepthwiseConv2dNative', fusedOps: ['BiasAdd', 'Relu6'], k: [3, 3], chMul: 3, strides: [1, 1], padding: 'SAME', dilations: [1, 1] },
];

/**
 * A TF.js graph model (converter format: model.json's modelTopology GraphDef plus a weights
 * manifest) of DEPTHWISE_GRAPH_NODES on an input [-1, -1, -1, channels], with weights drawn
 * from test/rng.js's seeded generator in the page. Returns { model, nodes, outputs, weights,
 * modelJson }: `outputs` names every node's output (model.execute(x, outputs) returns them all);
 * `weights` holds the host values ({ [name]: { data, shape } }) for depthwiseGraphReference.
 */
export async function loadDepthwiseGraphModel(tf, { channels = 8, seed = 20250601, nodes = DEPTHWISE_GRAPH_NODES } = {}) {
  const graph = [{
    name: 'input', op: 'Placeholder',
    attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '-1' }, { size: '-1' }, { size: '-1' }, { size: String(channels) }] } } },
  }];
  const weights = [];
  const data = [];
  const host = {};
  const constant = (name, shape, values) => {
    host[name] = { data: values, shape };
    graph.push({
      name, op: 'Const',
      attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: shape.map((d) => ({ size: String(d) })) } } } },
    });
    weights.push({ name, shape, dtype: 'float32' });
    data.push(new Uint8Array(values.buffer));
  };
  let prev = 'input';
  let c = channels;
  let s = seed;
  for (const n of nodes) {
    const filterShape = [n.k[0], n.k[1], c, n.chMul];
    const outC = c * n.chMul;
    constant(`${n.name}/filter`, filterShape, randomData(filterShape.reduce((a, b) => a * b, 1), s++, -1, 1));
    const inputs = [prev, `${n.name}/filter`];
    const attr = {
      T: { type: 'DT_FLOAT' },
      strides: ints([1, n.strides[0], n.strides[1], 1]),
      padding: { s: enc(n.padding) },
      data_format: { s: enc('NHWC') },
      dilations: ints([1, n.dilations[0], n.dilations[1], 1]),
    };
    if (n.explicitPaddings) attr.explicit_paddings = ints(n.explicitPaddings);
    if (n.op === 'FusedDepthwiseConv2dNative') {
      constant(`${n.name}/bias`, [outC], randomData(outC, s++, -0.5, 0.5));
      inputs.push(`${n.name}/bias`);
      attr.fused_ops = { list: { s: n.fusedOps.map(enc) } };
      attr.num_args = { i: '1' };
      attr.epsilon = { f: 0 };
    }
    graph.push({ name: n.name, op: n.op, input: inputs, attr });
    prev = n.name;
    c = outC;
  }
  const modelJson = {
    format: 'graph-model',
    generatedBy: 'depthwise-gl tests (hand-written)',
    convertedBy: 'hand-written, TensorFlow.js converter format',
    modelTopology: { node: graph, library: {}, versions: { producer: 1119 } },
    weightsManifest: [{ paths: [], weights }],
  };
  const model = await tf.loadGraphModel(tf.io.fromMemory({
    modelTopology: modelJson.modelTopology, weightSpecs: weights, weightData: concatBytes(data), format: modelJson.format,
  }));
  return { model, nodes, outputs: nodes.map((n) => n.name), channels, outChannels: c, weights: host, modelJson };
}

/**
 * What the depthwise graph model computes, from TF.js's primitive ops (depthwiseConv2d, add,
 * relu, relu6) on the current backend (e.g. 'cpu') and the host weights: every node's output,
 * read back, in node order.
 */
export async function depthwiseGraphReference(tf, graph, x) {
  const outs = tf.tidy(() => {
    let y = tf.tensor(x.data, x.shape);
    const list = [];
    for (const n of graph.nodes) {
      const w = graph.weights[`${n.name}/filter`];
      const pad = n.padding === 'EXPLICIT'
        ? [0, 1, 2, 3].map((i) => [n.explicitPaddings[2 * i], n.explicitPaddings[2 * i + 1]])
        : n.padding.toLowerCase();
      y = tf.depthwiseConv2d(y, tf.tensor(w.data, w.shape), n.strides, pad, 'NHWC', n.dilations);
      if (n.fusedOps?.includes('BiasAdd')) {
        const b = graph.weights[`${n.name}/bias`];
        y = tf.add(y, tf.tensor(b.data, b.shape));
      }
      if (n.fusedOps?.includes('Relu6')) y = tf.relu6(y);
      else if (n.fusedOps?.includes('Relu')) y = tf.relu(y);
      list.push(y);
    }
    return list;
  });
  try {
    return await Promise.all(outs.map(async (t) => ({ shape: [...t.shape], data: await t.data() })));
  } finally {
    tf.dispose(outs);
  }
}

/**
 * Calls `predict()` (returns a tensor or tensors, disposed here) `n` times after `warmup` calls,
 * reading the result back every `every` calls and then taking a snapshot of tf.memory() and of
 * depthwise-gl's `kernels.memory()`. Returns { base, samples } (base: after the warm-up).
 */
export async function memoryOverCalls(tf, kernels, predict, { n = 1000, every = 100, warmup = 5 } = {}) {
  const snap = () => {
    const m = tf.memory();
    const o = kernels.memory();
    return {
      numTensors: m.numTensors, numBytes: m.numBytes, numDataBuffers: m.numDataBuffers,
      numBytesInGPU: m.numBytesInGPU, numBytesInGPUAllocated: m.numBytesInGPUAllocated,
      ours: { tensors: o.tensors, textures: o.textures, bytes: o.bytes, pooledTextures: o.pooled.textures, pooledBytes: o.pooled.bytes },
    };
  };
  const once = async (read) => {
    const y = predict();
    try {
      if (read) for (const t of [].concat(y)) await t.data();
    } finally {
      tf.dispose(y);
    }
  };
  for (let i = 0; i < warmup; i++) await once(true);
  const base = snap();
  const samples = [];
  for (let i = 1; i <= n; i++) {
    const read = i % every === 0 || i === n;
    await once(read);
    if (read) samples.push({ call: i, ...snap() });
  }
  return { base, samples };
}

/**
 * With kernels `k` registered: our memory() (tensors, textures, bytes) and tf.memory() before
 * `load()`, after `use(model)` and after `free(model)`, and how many calls ran on our kernels in
 * `use`. Our context on TF.js's GL is made first (a small unrelated depthwise call), so that the
 * baseline already has it and only the model's share is measured.
 */
export async function memoryAroundModel(tf, k, load, use, free) {
  tf.tidy(() => tf.depthwiseConv2d(tf.ones([1, 4, 4, 2]), tf.ones([3, 3, 2, 1]), 1, 'same').dataSync());
  const snap = () => {
    const o = k.memory();
    const m = tf.memory();
    return { ours: { tensors: o.tensors, textures: o.textures, bytes: o.bytes }, tf: { numTensors: m.numTensors, numBytes: m.numBytes } };
  };
  const before = snap();
  const model = await load();
  const c0 = k.stats().calls;
  const result = await use(model);
  const used = snap();
  const calls = k.stats().calls - c0;
  await free(model);
  return { before, used, after: snap(), calls, result };
}
