// A corpus of real converter-format TF.js graph models (model.json + weights .bin) with real
// weights, shipped in the npm package @vladmandic/human (3.3.6, its models/ folder), loaded with
// tf.loadGraphModel from the static server's /node_modules (no network). These are the models an
// app runs through TF.js's graph executor: the depthwise kernels get what the converter's graph
// hands them (e.g. a pointwise conv's output whose texture is [1, H*W, C]), not what a Keras
// layers model does. Plain JS, served as is: the tests (test/browser/tfjs-corpus.spec.ts) and the
// benchmark (bench/models.js) import the same loaders.
//
// CORPUS: id -> { name, url, input: the size the human library runs the model at, load(tf) }.
// load(tf) -> { model, inputs (the tensors run() feeds), run() (one synchronous predict:
// model.execute, returning the output tensors, which the caller reads and disposes), dispose() }.
// Inputs are deterministic: the face-api demo photo (the benchmark's photo) drawn at the model's
// size and normalised as human does for that model, or seeded noise (test/browser/../rng.js).
//
// Of human's 11 default models, these 9 have depthwise nodes; antispoof and liveness have none
// (plain Conv2D only) and are left out.
import { randomData } from '/test/rng.js';

export const HUMAN_MODELS = '/node_modules/@vladmandic/human/models';
/** The face-api demo photo (1920x1280) the benchmark uses (bench/models.js). */
export const PHOTO = '/node_modules/@vladmandic/face-api/demo/sample1.jpg';

/** The TF ops (as in model.json) that TF.js runs as its forward depthwise kernels. */
export const DEPTHWISE_OPS = ['DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative'];

let photo = null;

/** The photo drawn into a canvas `width` wide and `height` high (stretched), or of the photo's aspect. */
export async function photoCanvas(width, height) {
  photo ??= (async () => {
    const img = new Image();
    img.src = PHOTO;
    await img.decode();
    return img;
  })();
  const img = await photo;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height ?? Math.round((img.naturalHeight * width) / img.naturalWidth);
  canvas.getContext('2d').drawImage(img, 0, 0, canvas.width, canvas.height);
  return canvas;
}

/** The photo as an int32 [1, h, w, 3] tensor of 0..255 pixel values. */
async function photoPixels(tf, h, w) {
  const canvas = await photoCanvas(w, h);
  return tf.tidy(() => tf.browser.fromPixels(canvas).expandDims(0));
}

/** The photo as float32 [1, h, w, 3], scaled: pixel * scale + offset. */
async function photoFloat(tf, h, w, scale, offset = 0) {
  const px = await photoPixels(tf, h, w);
  try {
    return tf.tidy(() => tf.add(tf.mul(tf.cast(px, 'float32'), scale), offset));
  } finally {
    px.dispose();
  }
}

/** The model.json's nodes (graph and function library) by op: how many of each. */
export async function graphOps(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url}: ${r.status}`);
  const json = await r.json();
  const nodes = [...(json.modelTopology.node ?? []), ...(json.modelTopology.library?.function ?? []).flatMap((f) => f.nodeDef ?? [])];
  const ops = {};
  for (const n of nodes) ops[n.op] = (ops[n.op] ?? 0) + 1;
  return ops;
}

/** How many depthwise nodes a graphOps() count holds. */
export function depthwiseNodes(ops) {
  return DEPTHWISE_OPS.reduce((n, op) => n + (ops[op] ?? 0), 0);
}

/**
 * A corpus entry: the model at `${HUMAN_MODELS}/${file}.json`; `makeInputs(tf, model)` -> the
 * input tensors (one per model input, in model.inputs order); `outputs`: the node names run()
 * asks for (null: the model's own outputs); `feed(inputs)`: what execute() gets, when it is not
 * the inputs themselves (e.g. a named intermediate node).
 */
function entry(file, name, input, makeInputs, { outputs = null, feed = null } = {}) {
  const url = `${HUMAN_MODELS}/${file}.json`;
  return {
    name,
    url,
    input,
    async load(tf) {
      const model = await tf.loadGraphModel(url);
      let inputs;
      try {
        inputs = await makeInputs(tf, model);
      } catch (e) {
        model.dispose();
        throw e;
      }
      const fed = feed ? feed(inputs) : (inputs.length === 1 ? inputs[0] : inputs);
      return {
        model,
        inputs,
        run: () => [].concat(outputs ? model.execute(fed, outputs) : model.execute(fed)),
        dispose: () => {
          model.dispose();
          tf.dispose(inputs);
        },
      };
    },
  };
}

export const CORPUS = {
  // BlazeFace (front, 256): human's face detector. human: resizeBilinear to 256, / 127.5 - 1.
  blazeface: entry('blazeface', 'human BlazeFace', [1, 256, 256, 3],
    async (tf) => [await photoFloat(tf, 256, 256, 1 / 127.5, -1)]),
  // MediaPipe FaceMesh (192): human's face.tensor, a face crop in [0, 1].
  facemesh: entry('facemesh', 'human FaceMesh', [1, 192, 192, 3],
    async (tf) => [await photoFloat(tf, 192, 192, 1 / 255)]),
  // MediaPipe Iris (64, dynamic batch): human runs both eyes as one batch of 2 (augmentIris:
  // tf.concat of the left and right eye crops); here the photo and a mirrored copy.
  iris: entry('iris', 'human Iris', [2, 64, 64, 3], async (tf) => {
    const x = await photoFloat(tf, 64, 64, 1 / 255);
    try {
      return [tf.tidy(() => tf.concat([x, tf.reverse(x, 2)], 0))];
    } finally {
      x.dispose();
    }
  }),
  // Emotion (64x64 grayscale): human's resize, weighted grayscale, (g - 0.5) * 2; here seeded
  // noise in [-1, 1].
  emotion: entry('emotion', 'human Emotion', [1, 64, 64, 1],
    async (tf) => [tf.tensor(randomData(64 * 64, 2301), [1, 64, 64, 1])]),
  // FaceRes (224): age, gender and descriptor; human's enhance(): the crop resized, * 255.
  faceres: entry('faceres', 'human FaceRes', [1, 224, 224, 3],
    async (tf) => [await photoFloat(tf, 224, 224, 1)]),
  // Hand landmarks, lite (224): human's crop / 255.
  'handlandmark-lite': entry('handlandmark-lite', 'human HandLandmark lite', [1, 224, 224, 3],
    async (tf) => [await photoFloat(tf, 224, 224, 1 / 255)]),
  // MoveNet Lightning (192, int32 pixels): human's padInput (square, resize, cast int32).
  'movenet-lightning': entry('movenet-lightning', 'human MoveNet Lightning', [1, 192, 192, 3],
    async (tf) => [await photoPixels(tf, 192, 192)]),
  // CenterNet (512): human's object detector, resizeBilinear of the frame to 512; the output
  // human reads (tower_0/detections).
  centernet: entry('centernet', 'human CenterNet', [1, 512, 512, 3],
    async (tf) => [await photoFloat(tf, 512, 512, 1)], { outputs: ['tower_0/detections'] }),
  // HandTrack (SSD MobileNet V2 FPN, input [1, h, w, 3] uint8): human feeds the frame resized to
  // a multiple of 8 (capped at 512 high) and asks for the two outputs before the postprocessor's
  // NMS (modelOutputNodes in human's src/hand/handtrack.ts) with executeAsync(), because the
  // graph's preprocessor is a tf.map while-loop (cast, * mul - sub, resize to a fixed size) that
  // model.execute() refuses. Here the same preprocessor as plain TF.js ops, with the graph's own
  // constants, on a 320x320 frame, fed at the loop's output (map/TensorArrayV2Stack/TensorListStack,
  // the feature extractor's input): the network itself then runs synchronously, as execute().
  handtrack: entry('handtrack', 'human HandTrack', [1, 320, 320, 3], async (tf, model) => {
    const body = 'StatefulPartitionedCall/map/while/body/_410/map/while/Preprocessor';
    const [mul, sub, size] = ['mul/x', 'sub/y', 'ResizeImage/stack'].map((n) => {
      const w = model.weights[`${body}/${n}`]?.[0];
      if (!w) throw new Error(`handtrack: no constant ${body}/${n} in the model's weights`);
      return w.arraySync();
    });
    const px = await photoPixels(tf, 320, 320);
    try {
      return [tf.tidy(() => tf.image.resizeBilinear(tf.sub(tf.mul(tf.cast(px, 'float32'), mul), sub), size))];
    } finally {
      px.dispose();
    }
  }, {
    outputs: ['StatefulPartitionedCall/Postprocessor/Slice', 'StatefulPartitionedCall/Postprocessor/ExpandDims_1'],
    feed: ([x]) => ({ 'StatefulPartitionedCall/map/TensorArrayV2Stack/TensorListStack': x }),
  }),
};

export const CORPUS_IDS = Object.keys(CORPUS);

// --- what each depthwise call costs: GL draws per kernel call ---------------------------------

/** The kernels a forward depthwise convolution runs as in TF.js. */
export const DEPTHWISE_KERNELS = ['DepthwiseConv2dNative', 'FusedDepthwiseConv2D'];

/** GL methods that wait for the context (a synchronous query): a steady predict makes none of ours. */
export const SYNC_QUERY = /^(getParameter|isEnabled|getError|get\w*Parameter|checkFramebufferStatus|getUniformLocation|getActiveUniform|getAttachedShaders|readPixels|clientWaitSync)$/;

/**
 * With depthwise-gl's kernels registered on `backendName` (registerTfjsKernels), wraps them: each
 * forward depthwise call runs `ours` (the registered kernel) or TF.js's own (`stock`: the kernel
 * configs tf.getKernel returned before registering), as `mode` says, and counts the GL draw
 * calls (drawArrays / drawElements on TF.js's WebGL2 context) made inside it. `calls` records
 * every call while `recording`: { kernel, mode, shape (logical), texShape (the texData's shape
 * TF.js hands over), isPacked, draws }. restore() puts our kernels and the GL functions back
 * (before kernels.unregister()).
 */
export function depthwiseDrawCounter(tf, stock, backendName = 'webgl') {
  const backend = tf.findBackend(backendName);
  const gl = backend.gpgpu.gl;
  let draws = 0;
  let glCalls = 0;
  // Every method of the context counted (glCalls, and by name in byName), the draws apart.
  const byName = new Map();
  const wrapped = [];
  for (const k of Object.getOwnPropertyNames(WebGL2RenderingContext.prototype)) {
    const d = Object.getOwnPropertyDescriptor(WebGL2RenderingContext.prototype, k);
    if (!d || typeof d.value !== 'function' || k === 'constructor' || Object.prototype.hasOwnProperty.call(gl, k)) continue;
    const fn = d.value;
    const draw = k === 'drawArrays' || k === 'drawElements';
    gl[k] = function (...a) {
      glCalls++;
      byName.set(k, (byName.get(k) ?? 0) + 1);
      if (draw) draws++;
      return fn.apply(this, a);
    };
    wrapped.push(k);
  }
  const ours = {};
  // `draws`, `glCalls`: every draw and every GL call on TF.js's context so far (a whole predict's, by difference).
  const state = { mode: 'ours', recording: true, calls: [], restore, get draws() { return draws; }, get glCalls() { return glCalls; }, byName };
  for (const name of DEPTHWISE_KERNELS) {
    ours[name] = tf.getKernel(name, backendName);
    if (!ours[name]) throw new Error(`no ${name} kernel registered on ${backendName}`);
    if (ours[name] === stock[name] || ours[name].kernelFunc === stock[name]?.kernelFunc) throw new Error(`${name}: the registered kernel is TF.js's own (register depthwise-gl's first)`);
    tf.unregisterKernel(name, backendName);
    tf.registerKernel({
      ...ours[name],
      kernelFunc: (args) => {
        const x = args.inputs.x;
        const td = args.backend.texData.get(x.dataId);
        const rec = { kernel: name, mode: state.mode, shape: [...x.shape], texShape: td?.shape ? [...td.shape] : null, isPacked: td?.isPacked ?? null, draws: 0 };
        const d0 = draws;
        const out = (state.mode === 'ours' ? ours : stock)[name].kernelFunc(args);
        rec.draws = draws - d0;
        if (state.recording) state.calls.push(rec);
        return out;
      },
    });
  }
  let restored = false;
  function restore() {
    if (restored) return;
    restored = true;
    for (const name of DEPTHWISE_KERNELS) {
      tf.unregisterKernel(name, backendName);
      tf.registerKernel(ours[name]);
    }
    for (const k of wrapped) delete gl[k];
  }
  return state;
}

/** `x` as 'AxBxC' (null as '-'). */
export const dims = (x) => (x ? x.join('x') : '-');

/** Calls grouped by input layout: { 'texShape <- shape, packed': { calls, draws: { n: count } } }. */
export function layoutSummary(calls) {
  const by = {};
  for (const c of calls) {
    const key = `tex [${c.texShape?.join(',')}] for [${c.shape.join(',')}]${c.isPacked ? ' packed' : ' unpacked'} ${c.kernel}`;
    const e = (by[key] ??= { calls: 0, draws: {} });
    e.calls++;
    e.draws[c.draws] = (e.draws[c.draws] ?? 0) + 1;
  }
  return by;
}

/**
 * Error of a run against a reference run (lists of { shape, data }, output by output): max |out -
 * ref| over all outputs (NaN where both are NaN compares equal), max |ref|, rel = their ratio,
 * `nan`: elements NaN (or infinite) in `outs` where `ref` is finite, and shape mismatches.
 */
export function runError(outs, ref) {
  let maxAbs = 0;
  let maxRef = 0;
  let nan = 0;
  const shapeMismatch = [];
  if (outs.length !== ref.length) shapeMismatch.push(`outputs ${outs.length} vs ${ref.length}`);
  for (let i = 0; i < Math.min(outs.length, ref.length); i++) {
    const a = outs[i].data;
    const b = ref[i].data;
    if (outs[i].shape.join('x') !== ref[i].shape.join('x')) shapeMismatch.push(`output ${i}: [${outs[i].shape}] vs [${ref[i].shape}]`);
    const n = Math.min(a.length, b.length);
    for (let j = 0; j < n; j++) {
      if (!Number.isFinite(b[j])) continue;
      if (!Number.isFinite(a[j])) {
        nan++;
        continue;
      }
      const d = Math.abs(a[j] - b[j]);
      if (d > maxAbs) maxAbs = d;
      const r = Math.abs(b[j]);
      if (r > maxRef) maxRef = r;
    }
  }
  return { maxAbs, maxRef, rel: maxRef > 0 ? maxAbs / maxRef : (maxAbs > 0 ? Infinity : 0), nan, shapeMismatch };
}

/** Reads every output ({ shape, data }) and disposes them. */
export async function readOutputs(tf, outs) {
  try {
    return await Promise.all(outs.map(async (o) => ({ shape: [...o.shape], data: await o.data() })));
  } finally {
    tf.dispose(outs);
  }
}
