// GLSL minified at build time (vite.config.ts): what the shipped bundle carries of each .glsl
// file is its text without comments and indentation, with spaces around punctuation dropped.
//
// Every line stays on its own line (an emptied line stays as an empty one), so the `#line`
// directives that src/gl/shader.ts emits, the driver's error line numbers and the numbered
// snippets of formatShaderLog still point at the same line of the same .glsl file.
import { readFile } from 'node:fs/promises';
import type { Plugin } from 'vite';

/** Punctuation that never needs a space beside it (not `+`, `-`, `.`: `a - -b`, `1. e`). */
const TIGHT = /\s*([{}()[\];,=<>*/?:&|!^%~])\s*/g;

/** `text` minified line by line; the result has exactly as many lines as `text`. */
export function minifyGlsl(text: string): string {
  // Block comments become spaces, keeping the line breaks inside them.
  const noBlocks = text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
  return noBlocks
    .split('\n')
    .map((raw) => {
      const line = raw.replace(/\/\/.*$/, '').replace(/\s+/g, ' ').trim();
      // Preprocessor lines keep their spaces: `#define A (x)` is not `#define A(x)`.
      return line.startsWith('#') ? line : line.replace(TIGHT, '$1');
    })
    .join('\n');
}

const SHADER = /\.(?:glsl|frag|vert)\?raw$/;

/** A Vite plugin (builds only): `import x from './a.frag?raw'` gives the minified text. */
export function glslMinify(): Plugin {
  return {
    name: 'depthwise-gl:glsl-minify',
    apply: 'build',
    enforce: 'pre',
    async load(id) {
      if (!SHADER.test(id)) return null;
      const file = id.slice(0, -'?raw'.length);
      this.addWatchFile(file);
      return `export default ${JSON.stringify(minifyGlsl(await readFile(file, 'utf8')))};`;
    },
  };
}
