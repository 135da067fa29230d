import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = fileURLToPath(new URL('.', import.meta.url));

// One config for three jobs:
// - `vite build`: library mode, a self-contained ES module and a classic script (window.DepthwiseGL);
// - `vite serve playground --config vite.config.ts` (npm start): the playground;
// - `vitest run`: unit tests of the pure TypeScript parts (no GL).
export default defineConfig({
  // The playground's model mode (playground/model.ts): face-api's no-bundle build imports the
  // WASM backend only to re-export it; it is not installed, so it resolves to an empty module.
  resolve: {
    alias: [
      { find: /^@tensorflow\/tfjs-backend-wasm\/dist\/index\.js$/, replacement: resolve(here, 'playground/shims/empty.js') },
    ],
  },
  // Pre-bundled when the dev server starts (not found later behind the model mode's dynamic
  // import, which would make Vite re-optimise and reload the page): TF.js and face-api in one
  // optimiser run, so they share one TF.js instance.
  optimizeDeps: {
    include: ['@tensorflow/tfjs', '@vladmandic/face-api/dist/face-api.esm-nobundle.js'],
  },
  build: {
    outDir: resolve(here, 'dist'),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2020',
    lib: {
      entry: resolve(here, 'src/index.ts'),
      name: 'DepthwiseGL',
      formats: ['es', 'iife'],
      fileName: (format) => (format === 'es' ? 'depthwise-gl.js' : `depthwise-gl.${format}.js`),
    },
  },
  test: {
    root: here,
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
  },
});
