// Stands in for @tensorflow/tfjs-backend-webgl and -wasm where face-api's no-bundle build imports
// them (bench/tfjs.html's import map): tf.fesm.js (all of @tensorflow/tfjs) already has the WebGL
// backend, and the WASM backend is not used. face-api only re-exports these into its `tf`.
export {};
