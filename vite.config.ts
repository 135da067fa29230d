import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { glslMinify } from './scripts/glsl-minify.ts';

const here = fileURLToPath(new URL('.', import.meta.url));

// One config for three jobs:
// - `vite build` (and `--mode classic`, `--mode classic-min`): the library, see `build` below;
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
  // `vite build`: the ES modules, one file per entry (shared code in dist/chunks/), so an app's
  // bundler keeps only the entries it imports. `vite build --mode classic` / `--mode classic-min`:
  // the classic script (window.DepthwiseGL, the whole API) and its minified twin (classicScript
  // below). `npm run build` runs the three, then the type declarations. GLSL is minified in all.
  plugins: [glslMinify(), classicScript()],
  build: {
    outDir: resolve(here, 'dist'),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2020',
    copyPublicDir: false,
    lib: {
      entry: {
        'depthwise-gl': resolve(here, 'src/index.ts'),
        tfjs: resolve(here, 'src/entries/tfjs.ts'),
        'tfjs-training': resolve(here, 'src/entries/tfjs-training.ts'),
        inspector: resolve(here, 'src/entries/inspector.ts'),
      },
      formats: ['es'],
    },
    rolldownOptions: { output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' } },
  },
  test: {
    root: here,
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
  },
});

/**
 * In `--mode classic` and `--mode classic-min`, the build makes the classic script instead of the
 * ES modules, next to them in dist/. A config hook rather than a config function, so that the
 * default export stays an object (playground/vite.test.config.ts merges it).
 */
function classicScript(): Plugin {
  return {
    name: 'depthwise-gl:classic-script',
    apply: 'build',
    config(config, { mode }) {
      if (mode !== 'classic' && mode !== 'classic-min') return;
      config.build = {
        ...config.build,
        emptyOutDir: false,
        minify: mode === 'classic-min',
        rolldownOptions: {},
        lib: {
          entry: resolve(here, 'src/index.ts'),
          name: 'DepthwiseGL',
          formats: ['iife'],
          fileName: () => (mode === 'classic' ? 'depthwise-gl.iife.js' : 'depthwise-gl.iife.min.js'),
        },
      };
    },
  };
}
