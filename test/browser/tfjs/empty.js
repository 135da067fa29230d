// Stands in for @tensorflow/tfjs-backend-webgl and -wasm where face-api's no-bundle build
// imports them: tf.fesm.js (the whole of @tensorflow/tfjs) already has the WebGL backend, and
// the WASM backend is not used. face-api only re-exports these modules into its `tf` namespace.
export {};
