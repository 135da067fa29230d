// The program cache without a GPU: a recording stand-in for the few WebGL2 calls it makes, so
// that what it does with a driver's answers (errors, uniform setters) is checked here; the
// browser suites run the same code on every real engine.
import { describe, expect, it } from 'vitest';
import { DepthwiseGLError } from '../../src/errors';
import { ProgramCache } from '../../src/gl/programs';
import { runPassTo } from '../../src/gl/pass';
import type { FragmentSource } from '../../src/gl/sources';

interface Uniform { name: string; type: number; size: number }

/** A WebGL2 stand-in: compiles fail with `log` when given, links report `uniforms`. */
function fakeGL(opts: { log?: string; linkLog?: string; uniforms?: Uniform[] } = {}) {
  const calls: [string, ...unknown[]][] = [];
  const record = (name: string) => (...args: unknown[]) => { calls.push([name, ...args]); };
  const gl = {
    VERTEX_SHADER: 0x8b31, FRAGMENT_SHADER: 0x8b30, COMPILE_STATUS: 0x8b81, LINK_STATUS: 0x8b82, ACTIVE_UNIFORMS: 0x8b86,
    TEXTURE0: 0x84c0, TRIANGLES: 4,
    createProgram: () => ({ program: true }),
    createShader: (type: number) => ({ type }),
    shaderSource: record('shaderSource'),
    compileShader: record('compileShader'),
    getShaderParameter: (s: { type: number }, pname: number) => {
      calls.push(['getShaderParameter', s.type, pname]);
      return !(opts.log && s.type === 0x8b30);
    },
    getShaderInfoLog: () => opts.log ?? '',
    attachShader: record('attachShader'),
    linkProgram: record('linkProgram'),
    // A shader that failed to compile fails the link, as in GL.
    getProgramParameter: (_p: unknown, pname: number) => (pname === 0x8b82 ? !(opts.linkLog || opts.log) : (opts.uniforms ?? []).length),
    getProgramInfoLog: () => opts.linkLog ?? '',
    deleteShader: record('deleteShader'),
    deleteProgram: record('deleteProgram'),
    getActiveUniform: (_p: unknown, i: number) => (opts.uniforms ?? [])[i],
    getUniformLocation: (_p: unknown, name: string) => ({ name }),
    useProgram: record('useProgram'),
    activeTexture: record('activeTexture'),
    bindTexture: record('bindTexture'),
    bindFramebuffer: record('bindFramebuffer'),
    viewport: record('viewport'),
    bindVertexArray: record('bindVertexArray'),
    drawArrays: record('drawArrays'),
  } as Record<string, unknown>;
  for (const m of ['uniform1f', 'uniform1fv', 'uniform2fv', 'uniform3fv', 'uniform4fv', 'uniform1i', 'uniform1iv', 'uniform2iv', 'uniform3iv', 'uniform4iv', 'uniform1ui']) {
    gl[m] = function (this: unknown, ...args: unknown[]) {
      expect(this).toBe(gl); // called as a method of the context
      calls.push([m, ...args]);
    };
  }
  return { gl: gl as unknown as WebGL2RenderingContext, calls };
}

const FRAG: FragmentSource = { name: 'test.frag', text: 'out vec4 o;\nvoid main() {\n  o = vec4(undefinedThing);\n}\n' };

describe('ProgramCache', () => {
  it('throws a compile error with the file, the numbered lines and the message under the failing line', () => {
    const { gl, calls } = fakeGL({ log: "ERROR: 0:3: 'undefinedThing' : undeclared identifier\n" });
    const cache = new ProgramCache(gl, 0);
    let error: unknown;
    try {
      cache.get(FRAG, { A: 1 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DepthwiseGLError);
    const message = (error as Error).message;
    expect(message).toContain('shader test.frag|#define A 1;#define STORAGE 0 failed to build');
    expect(message).toContain("test.frag:3: 'undefinedThing' : undeclared identifier");
    expect(message).toContain('3:   o = vec4(undefinedThing);');
    expect(message).toMatch(/\^\^\^ 'undefinedThing' : undeclared identifier/);
    // Nothing is left behind: the fragment shader and the program deleted, the shared vertex
    // shader with the cache.
    expect(calls.filter((c) => c[0] === 'deleteShader')).toHaveLength(1);
    expect(calls.filter((c) => c[0] === 'deleteProgram')).toHaveLength(1);
    expect(cache.size).toBe(0);
    expect(cache.compiled).toBe(0);
    cache.dispose();
    expect(calls.filter((c) => c[0] === 'deleteShader')).toHaveLength(2);
  });

  it('compiles the vertex shader once for every program, and asks no compile status while links succeed', () => {
    const { gl, calls } = fakeGL();
    const cache = new ProgramCache(gl, 0);
    cache.get(FRAG, { A: 1 });
    cache.get(FRAG, { A: 2 });
    cache.get({ name: 'other.frag', text: FRAG.text }, {});
    const compiled = calls.filter((c) => c[0] === 'compileShader').map((c) => (c[1] as { type: number }).type);
    expect(compiled).toEqual([0x8b31, 0x8b30, 0x8b30, 0x8b30]); // one vertex shader, three fragment shaders
    expect(calls.filter((c) => c[0] === 'getShaderParameter')).toEqual([]);
    // Each program links the one vertex shader: its handle is attached three times.
    const vertex = calls.filter((c) => c[0] === 'attachShader' && (c[2] as { type: number }).type === 0x8b31).map((c) => c[2]);
    expect(vertex).toHaveLength(3);
    expect(new Set(vertex).size).toBe(1);
    // Only the fragment shaders go with their programs; the vertex shader with the cache.
    expect(calls.filter((c) => c[0] === 'deleteShader')).toHaveLength(3);
    cache.dispose();
    expect(calls.filter((c) => c[0] === 'deleteShader').map((c) => c[1])).toContain(vertex[0]);
    expect(calls.filter((c) => c[0] === 'deleteProgram')).toHaveLength(3);
  });

  it('throws a link error with the driver log', () => {
    const { gl } = fakeGL({ linkLog: 'varying mismatch' });
    expect(() => new ProgramCache(gl).get(FRAG, {})).toThrowError(/test\.frag\|#define STORAGE 0 failed to link:\nvarying mismatch/);
  });

  it('compiles once per key (whatever the order of the defines) and refuses a uniform type no pass can set', () => {
    const { gl } = fakeGL({ uniforms: [{ name: 'u_a', type: 0x1406, size: 1 }] });
    const cache = new ProgramCache(gl, 2);
    const a = cache.get(FRAG, { X: 1, Y: true });
    expect(cache.get(FRAG, { X: 1, Y: true })).toBe(a);
    // Another order, and a boolean as the number it defines: the same program, not compiled again.
    expect(cache.get(FRAG, { Y: true, X: 1 })).toBe(a);
    expect(cache.get(FRAG, { Y: 1, X: 1 })).toBe(a);
    expect(cache.get(FRAG, { X: 2, Y: true })).not.toBe(a);
    expect(cache.get({ name: 'other.frag', text: FRAG.text }, { X: 1, Y: true })).not.toBe(a);
    expect(cache.compiled).toBe(3);
    expect(cache.size).toBe(3);
    const { gl: gl2 } = fakeGL({ uniforms: [{ name: 'u_m', type: 0x8b5c /* FLOAT_MAT4 */, size: 1 }] });
    expect(() => new ProgramCache(gl2).get(FRAG, {})).toThrowError(/uniform u_m has a type \(0x8b5c\) that passes cannot set/);
  });

  it('sets each uniform with the call of its type, samplers on their units, and only what changed', () => {
    const { gl, calls } = fakeGL({
      uniforms: [
        { name: 'u_input', type: 0x8b5e, size: 1 }, // sampler2D
        { name: 'u_layers', type: 0x8dc1, size: 1 }, // sampler2DArray
        { name: 'u_n', type: 0x1404, size: 1 }, // int
        { name: 'u_f', type: 0x1406, size: 1 }, // float
        { name: 'u_shape', type: 0x8b55, size: 1 }, // ivec4
        { name: 'u_bias[0]', type: 0x8b52, size: 3 }, // vec4[3]
        { name: 'u_k[0]', type: 0x1406, size: 2 }, // float[2]
        { name: 'gl_DepthRange.near', type: 0x1406, size: 1 }, // built-in: skipped
      ],
    });
    const program = new ProgramCache(gl).get(FRAG, {});
    const bias = new Float32Array(12).fill(0.5);
    const uniforms = { u_input: 'texA', u_layers: 'texB', u_n: 3, u_f: -0.25, u_shape: [1, 2, 3, 4], u_bias: bias, u_k: new Float32Array([1, 2]), u_unused: 7 };
    runPassTo(gl, null, program, uniforms, null, 8, 4);
    const set = calls.filter((c) => /^uniform|activeTexture|bindTexture/.test(c[0]));
    expect(set).toEqual([
      ['uniform1i', { name: 'u_input' }, 0],
      ['uniform1i', { name: 'u_layers' }, 1],
      ['activeTexture', 0x84c0], ['bindTexture', 0x0de1, 'texA'],
      ['activeTexture', 0x84c1], ['bindTexture', 0x8c1a, 'texB'],
      ['uniform1i', { name: 'u_n' }, 3],
      ['uniform1f', { name: 'u_f' }, -0.25],
      ['uniform4iv', { name: 'u_shape' }, [1, 2, 3, 4]],
      ['uniform4fv', { name: 'u_bias[0]' }, bias],
      ['uniform1fv', { name: 'u_k[0]' }, new Float32Array([1, 2])],
    ]);
    expect(calls.filter((c) => c[0] === 'drawArrays')).toEqual([['drawArrays', 4, 0, 3]]);
    // The same pass again: textures rebound, unchanged numbers and arrays (typed or plain) not set
    // again (an array is compared by value, so changing it in place after the pass still counts).
    const names = () => calls.filter((c) => /^uniform/.test(c[0])).map((c) => c[0] + ':' + (c[1] as { name: string }).name);
    calls.length = 0;
    bias[5] = 2;
    runPassTo(gl, null, program, { ...uniforms, u_n: 4 }, null, 8, 4);
    expect(names()).toEqual(['uniform1i:u_n', 'uniform4fv:u_bias[0]']);
    // A new plain array of other values, an Int32Array of the same values, -0 for 0: compared
    // element by element, exactly (Object.is), so only the changed ones are set.
    calls.length = 0;
    runPassTo(gl, null, program, { ...uniforms, u_n: 4, u_shape: Int32Array.of(1, 2, 3, 4), u_f: -0.25 }, null, 8, 4);
    expect(names()).toEqual([]);
    runPassTo(gl, null, program, { ...uniforms, u_n: 4, u_shape: [1, 2, 3, 5] }, null, 8, 4);
    expect(names()).toEqual(['uniform4iv:u_shape']);
    calls.length = 0;
    runPassTo(gl, null, program, { ...uniforms, u_n: 4, u_shape: [1, 2, 3, 5], u_k: new Float32Array([-0, 2]) }, null, 8, 4);
    expect(names()).toEqual(['uniform1fv:u_k[0]']);
  });
});
