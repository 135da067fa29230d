import { describe, expect, it } from 'vitest';
import { assembleShader, formatShaderLog, programKey } from '../../src/gl/shader';

describe('assembleShader', () => {
  const main = 'float f() { return A; }\n#include "inc.glsl"\nvoid main() {}\n';
  const inc = 'int g() { return B; }\n';

  it('puts the version first, then precision and the defines sorted by name', () => {
    const s = assembleShader('main.frag', main, { B: 2, A: 0.5, C: true }, { 'inc.glsl': inc });
    const lines = s.source.split('\n');
    expect(lines[0]).toBe('#version 300 es');
    const defines = lines.filter((l) => l.startsWith('#define'));
    expect(defines).toEqual(['#define A 5e-1', '#define B 2', '#define C 1']);
    expect(s.files).toEqual(['main.frag', 'inc.glsl']);
  });

  it('expands includes with #line directives so line numbers map back to each file', () => {
    const s = assembleShader('main.frag', main, {}, { 'inc.glsl': inc });
    const body = s.source.split('\n').slice(4);
    expect(body).toEqual([
      '#line 1 0', 'float f() { return A; }',
      '#line 1 1', 'int g() { return B; }', '',
      '#line 3 0', 'void main() {}', '',
    ]);
  });

  it('refuses unknown and recursive includes', () => {
    expect(() => assembleShader('m', '#include "x"', {}, {})).toThrowError(/m:1 includes unknown "x"/);
    expect(() => assembleShader('m', '#include "a"', {}, { a: '#include "a"' })).toThrowError(/includes itself/);
  });

  it('the cache key does not depend on the order the defines were written in', () => {
    expect(programKey('p', { A: 1, B: 2 })).toBe(programKey('p', { B: 2, A: 1 }));
    expect(programKey('p', { A: 1 })).not.toBe(programKey('p', { A: 2 }));
  });

  it('formats a driver log with the file, numbered lines and the message under the failing line', () => {
    const s = assembleShader('main.frag', main, {}, { 'inc.glsl': inc });
    const text = formatShaderLog("ERROR: 1:1: 'B' : undeclared identifier\n", s);
    expect(text).toContain("inc.glsl:1: 'B' : undeclared identifier");
    expect(text).toMatch(/1: int g\(\) \{ return B; \}\n\s+\^\^\^ 'B' : undeclared identifier/);
  });
});
