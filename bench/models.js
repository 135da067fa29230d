// In-page loaders for the real models the TF.js section of the benchmark runs (bench/tfjs.js),
// on the page's one TF.js (bench/tfjs.html's import map), from node_modules (no network):
//
//   nsfw-mobilenet-v2   nsfwjs 4.x's MobileNetV2 (Keras layers model, 224x224x3 input, 17
//                       depthwise layers: tf.layers.depthwiseConv2d -> DepthwiseConv2dNative)
//   tiny-face-detector  @vladmandic/face-api's TinyFaceDetector (416x416, separable convs)
//   ssd-mobilenet-v1    @vladmandic/face-api's SSD MobileNetV1 (512x512, 13 depthwise layers)
//   human-<id>          the corpus of converter-format graph models of @vladmandic/human 3.3.6
//                       (test/browser/tfjs/corpus.js CORPUS: blazeface, facemesh, iris, emotion,
//                       faceres, handlandmark-lite, movenet-lightning, centernet, handtrack), each
//                       at the input size human runs it, model.execute() on a prepared input
//
// Each loader returns { id, name, input, run, dispose }: run() is one synchronous predict (what
// the app calls per frame: the model's own preprocessing of an image tensor that is already on
// the GPU, and the network) returning the output tensors, which the caller reads and disposes.
import * as tf from '@tensorflow/tfjs/dist/index.js';
// The decoding of nsfwjs's shipped model and face-api's loading: the tests' in-page loaders.
import { loadFaceApi as loadFaceApiModule, loadNsfwMobileNetV2 as loadNsfwModel } from '/test/browser/tfjs/models.js';
// The graph-model corpus: the tests' loaders (test/browser/tfjs-corpus.spec.ts).
import { CORPUS, photoCanvas } from '/test/browser/tfjs/corpus.js';
// (photoCanvas: a face-api demo photo, 1920x1280, drawn smaller first: a camera frame's size, not a photo's.)

const FACE_MODELS = '/node_modules/@vladmandic/face-api/model';

export const MODELS = {
  'nsfw-mobilenet-v2': { name: 'nsfwjs MobileNetV2', load: loadNsfwMobileNetV2 },
  'tiny-face-detector': { name: 'face-api TinyFaceDetector', load: loadTinyFaceDetector },
  'ssd-mobilenet-v1': { name: 'face-api SSD MobileNetV1', load: loadSsdMobilenetV1 },
  ...Object.fromEntries(Object.entries(CORPUS).map(([id, c]) => [`human-${id}`, {
    name: `${c.name} (${c.input.join('x')})`,
    load: async () => {
      const m = await c.load(tf);
      return { input: m.inputs[0], run: m.run, dispose: m.dispose };
    },
  }])),
};
export const MODEL_IDS = Object.keys(MODELS);

/** Loads a model by id (MODEL_IDS) with its input; nothing of it has run yet (no program compiled for it). */
export async function loadModel(id) {
  const spec = MODELS[id];
  if (!spec) throw new Error(`bench/models.js: unknown model ${JSON.stringify(id)} (known: ${MODEL_IDS.join(', ')})`);
  const t0 = performance.now();
  const m = await spec.load();
  return { id, name: spec.name, loadMs: performance.now() - t0, ...m };
}

// --- nsfwjs ------------------------------------------------------------------------------------

async function loadNsfwMobileNetV2() {
  const model = await loadNsfwModel(tf);
  // nsfwjs's classify(): the image at 224x224, float, / 255, batch of one (made here, once).
  const canvas = await photoCanvas(224, 224);
  const input = tf.tidy(() => tf.div(tf.cast(tf.browser.fromPixels(canvas), 'float32'), 255).expandDims(0));
  return {
    input,
    run: () => [model.predict(input)],
    dispose: () => {
      model.dispose();
      input.dispose();
    },
  };
}

// --- face-api ----------------------------------------------------------------------------------

let faceApi = null;
const loadFaceApi = () => (faceApi ??= loadFaceApiModule(tf));

async function faceInput() {
  const canvas = await photoCanvas(640);
  return tf.browser.fromPixels(canvas); // int32 [427, 640, 3], on the GPU: the model casts and resizes it
}

async function loadTinyFaceDetector() {
  const fa = await loadFaceApi();
  const net = new fa.TinyFaceDetector();
  await net.loadFromUri(FACE_MODELS);
  const input = await faceInput();
  const netInput = await fa.toNetInput(input);
  return {
    input,
    // TinyFaceDetectorOptions' default inputSize.
    run: () => [net.forwardInput(netInput, 416)],
    dispose: () => {
      net.dispose();
      input.dispose();
    },
  };
}

async function loadSsdMobilenetV1() {
  const fa = await loadFaceApi();
  const net = new fa.SsdMobilenetv1();
  await net.loadFromUri(FACE_MODELS);
  const input = await faceInput();
  const netInput = await fa.toNetInput(input);
  return {
    input,
    run: () => {
      const { boxes, scores } = net.forwardInput(netInput);
      return [...boxes, ...scores];
    },
    dispose: () => {
      net.dispose();
      input.dispose();
    },
  };
}

