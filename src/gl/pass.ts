import { bindFramebufferInfo } from 'twgl.js';
import type { Program } from './programs';
import type { GpuTexture } from './textures';

/** Sampler uniform type -> the texture target it samples. */
const SAMPLER_TARGETS = new Map<number, number>([
  [0x8b5e, 0x0de1], // SAMPLER_2D -> TEXTURE_2D
  [0x8dca, 0x0de1], // INT_SAMPLER_2D
  [0x8dd2, 0x0de1], // UNSIGNED_INT_SAMPLER_2D
  [0x8dc1, 0x8c1a], // SAMPLER_2D_ARRAY -> TEXTURE_2D_ARRAY
]);

/** What a program's uniforms were last set to, so that a pass sets only what changed. */
interface UniformState {
  /** Sampler name -> texture unit and target, assigned (and set with uniform1i) once per program. */
  readonly units: Map<string, { unit: number; target: number }>;
  /** Last value set, by uniform name: numbers, and copies of typed arrays. */
  readonly values: Map<string, number | Float32Array>;
}

const states = new WeakMap<WebGLProgram, UniformState>();

function uniformState(gl: WebGL2RenderingContext, program: WebGLProgram): UniformState {
  let state = states.get(program);
  if (state) return state;
  const units = new Map<string, { unit: number; target: number }>();
  const count = gl.getProgramParameter(program, gl.ACTIVE_UNIFORMS) as number;
  for (let i = 0; i < count; i++) {
    const info = gl.getActiveUniform(program, i);
    if (!info) continue;
    const target = SAMPLER_TARGETS.get(info.type);
    if (target === undefined) continue;
    const unit = units.size;
    units.set(info.name, { unit, target });
    gl.uniform1i(gl.getUniformLocation(program, info.name), unit);
  }
  state = { units, values: new Map() };
  states.set(program, state);
  return state;
}

/**
 * One fullscreen pass: renders `program` into `target` (the viewport is the whole texture), one
 * fragment per output texel. The triangle comes from gl_VertexID; `vao` is an empty vertex array.
 *
 * Textures (values that are WebGLTextures) are bound to units fixed once per program, so their
 * sampler uniforms are set only on the program's first pass; numbers and Float32Arrays are set
 * only when they change (compared bit for bit, so NaN payloads and -0 count as changes).
 */
export function runPass(
  gl: WebGL2RenderingContext,
  vao: WebGLVertexArrayObject,
  program: Program,
  uniforms: Record<string, unknown>,
  target: GpuTexture,
): void {
  bindFramebufferInfo(gl, target.fbi);
  draw(gl, vao, program, uniforms);
}

/**
 * The same into a framebuffer of the caller's (e.g. several color attachments), `width` x
 * `height`; leaves the default framebuffer bound. With `vao` null the draw uses the default
 * vertex array (the triangle needs no attributes).
 */
export function runPassTo(
  gl: WebGL2RenderingContext,
  vao: WebGLVertexArrayObject | null,
  program: Program,
  uniforms: Record<string, unknown>,
  framebuffer: WebGLFramebuffer,
  width: number,
  height: number,
): void {
  gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
  gl.viewport(0, 0, width, height);
  draw(gl, vao, program, uniforms);
  gl.bindFramebuffer(gl.FRAMEBUFFER, null);
}

function draw(gl: WebGL2RenderingContext, vao: WebGLVertexArrayObject | null, program: Program, uniforms: Record<string, unknown>): void {
  const glProgram = program.info.program;
  gl.useProgram(glProgram);
  const state = uniformState(gl, glProgram);
  const setters = program.info.uniformSetters as Record<string, ((v: unknown) => void) | undefined>;
  for (const name in uniforms) {
    const value = uniforms[name];
    const sampler = state.units.get(name);
    if (sampler !== undefined) {
      gl.activeTexture(gl.TEXTURE0 + sampler.unit);
      gl.bindTexture(sampler.target, value as WebGLTexture);
      continue;
    }
    const set = setters[name];
    if (!set) continue; // not used by this program (e.g. optimized away)
    if (typeof value === 'number') {
      if (state.values.get(name) === value) continue;
      state.values.set(name, value);
    } else if (value instanceof Float32Array) {
      // Comparing a few hundred floats costs far less than a uniform upload in the driver.
      const last = state.values.get(name);
      if (last instanceof Float32Array && sameValues(last, value)) continue;
      state.values.set(name, value.slice());
    }
    set(value);
  }
  gl.bindVertexArray(vao);
  gl.drawArrays(gl.TRIANGLES, 0, 3);
  gl.bindVertexArray(null);
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
