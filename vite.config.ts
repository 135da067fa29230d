import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
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
  plugins: [glslMinify(), classicScript(), mapsWithoutDependencies()],
  build: {
    outDir: resolve(here, 'dist'),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
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
        // No maps for the classic scripts: theirs were most of the tarball (1.7 MB of its 3.2),
        // for builds an app debugging its code rarely steps into; the ES builds keep theirs.
        sourcemap: false,
        rolldownOptions: { output: { comments: { legal: true, annotation: true, jsdoc: false } } },
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

/** The sources whose text the ES builds' maps carry: our TypeScript (not twgl.js's, not the GLSL). */
const KEEP_SOURCE = /(?:^|\/)src\/[^?]*\.ts$/;

/**
 * The ES builds' source maps keep our TypeScript sources' code, and no more: their comments
 * blanked (spaces, every line and column kept; the repository has them), not twgl.js's text (its
 * one 250 KB module was most of every map; a debugger shows its code as bundled), not the
 * shaders' (the code holds their minified text as it is) and no `names` (the code is not
 * minified). Keeps the tarball small (test/package/run.mjs checks its size, under 300 KB).
 */
function mapsWithoutDependencies(): Plugin {
  return {
    name: 'depthwise-gl:maps-without-dependencies',
    apply: 'build',
    writeBundle(options) {
      const dir = options.dir ?? here;
      const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.js.map') ? [join(d, e.name)] : []));
      for (const file of walk(dir)) {
        const map = JSON.parse(readFileSync(file, 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[]; names?: string[] };
        if (!map.sourcesContent) continue;
        map.sourcesContent = map.sourcesContent.map((c, i) => (c !== null && KEEP_SOURCE.test(map.sources[i]) ? blankComments(c) : null));
        // Names serve minified code; these builds are not minified (their identifiers are the sources').
        map.names = [];
        writeFileSync(file, JSON.stringify(map));
      }
    },
  };
}

/**
 * `source` (TypeScript) without its comments, every line of code where it was: a comment's line
 * breaks stay, and a comment with code after it on its line becomes spaces (the code's columns
 * kept); lines left blank are emptied.
 */
function blankComments(source: string): string {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, source);
  const out = source.split('');
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind !== ts.SyntaxKind.SingleLineCommentTrivia && kind !== ts.SyntaxKind.MultiLineCommentTrivia) continue;
    const end = scanner.getTokenEnd();
    const lineEnd = source.indexOf('\n', end);
    const codeAfter = source.slice(end, lineEnd < 0 ? undefined : lineEnd).trim() !== '';
    for (let i = scanner.getTokenStart(); i < end; i++) if (out[i] !== '\n') out[i] = codeAfter ? ' ' : '';
  }
  return out.join('').split('\n').map((line) => (line.trim() === '' ? '' : line)).join('\n');
}
