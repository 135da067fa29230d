import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = fileURLToPath(new URL('.', import.meta.url));

// One config for three jobs:
// - `vite build`: library mode, a self-contained ES module and a classic script (window.DepthwiseGL);
// - `vite serve playground --config vite.config.ts` (npm start): the playground;
// - `vitest run`: unit tests of the pure TypeScript parts (no GL).
export default defineConfig({
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
