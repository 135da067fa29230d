// Stands in for @tensorflow/tfjs-backend-wasm, which face-api's no-bundle build imports only to
// re-export it into its `tf` namespace. The playground runs TF.js on WebGL and does not install
// the WASM backend; vite.config.ts aliases the import here.
export {};
