import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { minifyGlsl } from '../../scripts/glsl-minify.ts';
import { assembleShader } from '../../src/gl/shader';

const GLSL_DIR = new URL('../../glsl/', import.meta.url);
const files = readdirSync(GLSL_DIR).map((name) => ({ name, text: readFileSync(new URL(name, GLSL_DIR), 'utf8') }));

/** A line's tokens, spacing aside: what minification must keep. */
const tokens = (line: string) => line.replace(/\/\/.*$/, '').match(/[A-Za-z_]\w*|\d[\w.]*|\S/g) ?? [];

describe('minifyGlsl (the build-time shader minifier)', () => {
  it('drops comments and indentation and keeps every line where it was', () => {
    const src = '// header\n#define A (1)\n  float f(float x) {  // note\n    return x * -A + 2.0;\n  }\n';
    expect(minifyGlsl(src)).toBe('\n#define A (1)\nfloat f(float x){\nreturn x*-A + 2.0;\n}\n');
  });

  it('keeps preprocessor spacing, line continuations and includes', () => {
    const src = '#define F(a, b) ((a) + (b)) \\\n    * 2\n#include "layout.glsl"\n#if M != 1\n#endif';
    expect(minifyGlsl(src)).toBe('#define F(a, b) ((a) + (b)) \\\n*2\n#include "layout.glsl"\n#if M != 1\n#endif');
  });

  it('every .glsl file: same line count, same tokens on each line, so #line numbers still point into it', () => {
    for (const { name, text } of files) {
      const min = minifyGlsl(text);
      const before = text.split('\n');
      const after = min.split('\n');
      expect(after.length, name).toBe(before.length);
      after.forEach((line, i) => expect(tokens(line), `${name}:${i + 1}`).toEqual(tokens(before[i])));
      expect(min.length, name).toBeLessThan(text.length);
    }
  });

  it('assembled shaders keep their #line layout', () => {
    const includes = Object.fromEntries(files.filter((f) => f.name.endsWith('.glsl')).map((f) => [f.name, f.text]));
    const minIncludes = Object.fromEntries(Object.entries(includes).map(([k, v]) => [k, minifyGlsl(v)]));
    for (const { name, text } of files.filter((f) => f.name.endsWith('.frag'))) {
      const full = assembleShader(name, text, {}, includes).source.split('\n');
      const min = assembleShader(name, minifyGlsl(text), {}, minIncludes).source.split('\n');
      expect(min.length, name).toBe(full.length);
      expect(min.filter((l) => l.startsWith('#line')), name).toEqual(full.filter((l) => l.startsWith('#line')));
    }
  });
});
