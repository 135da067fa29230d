import { bindFramebufferInfo } from 'twgl.js';
import type { Program } from './programs';
import type { GpuTexture } from './textures';

/**
 * One fullscreen pass: renders `program` into `target` (the viewport is the whole texture), one
 * fragment per output texel. The triangle comes from gl_VertexID; `vao` is an empty vertex array.
 *
 * Textures (values that are WebGLTextures) are bound to units fixed once per program, so their
 * sampler uniforms are set only on the program's first pass; numbers and Float32Arrays are set
 * only when they change (compared bit for bit, so NaN payloads and -0 count as changes); other
 * values (arrays of numbers) every time.
 */
export function runPass(
  gl: WebGL2RenderingContext,
  vao: WebGLVertexArrayObject,
  program: Program,
  uniforms: Record<string, unknown>,
  target: GpuTexture,
): void {
  bindFramebufferInfo(gl, target.fbi);
  drawPass(gl, vao, program, uniforms);
}

/**
 * The same into a framebuffer of the caller's (e.g. several color attachments; null: the
 * canvas), `width` x `height`; leaves the default framebuffer bound. With `vao` null the draw
 * uses the default vertex array (the triangle needs no attributes).
 */
export function runPassTo(
  gl: WebGL2RenderingContext,
  vao: WebGLVertexArrayObject | null,
  program: Program,
  uniforms: Record<string, unknown>,
  framebuffer: WebGLFramebuffer | null,
  width: number,
  height: number,
): void {
  gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
  gl.viewport(0, 0, width, height);
  drawPass(gl, vao, program, uniforms);
  gl.bindFramebuffer(gl.FRAMEBUFFER, null);
}

/**
 * The draw of a pass into whatever framebuffer and viewport are set: program, textures, changed
 * uniforms, the attributeless triangle. `unbindVao`: put the default vertex array back after it
 * (false where the context's next user binds its own anyway, e.g. TF.js's runner).
 */
export function drawPass(
  gl: WebGL2RenderingContext, vao: WebGLVertexArrayObject | null, program: Program, uniforms: Record<string, unknown>, unbindVao = true,
): void {
  gl.useProgram(program.program);
  if (!program.unitsSet) {
    for (const { unit, location } of program.samplers.values()) gl.uniform1i(location, unit);
    program.unitsSet = true;
  }
  const { values } = program;
  for (const name in uniforms) {
    const value = uniforms[name];
    const sampler = program.samplers.get(name);
    if (sampler !== undefined) {
      gl.activeTexture(gl.TEXTURE0 + sampler.unit);
      gl.bindTexture(sampler.target, value as WebGLTexture);
      continue;
    }
    const set = program.setters.get(name);
    if (!set) continue; // not used by this program (e.g. optimized away)
    if (typeof value === 'number') {
      if (values.get(name) === value) continue;
      values.set(name, value);
    } else {
      // An array (typed or not). Comparing a few hundred values costs far less than a uniform
      // upload in the driver.
      const last = values.get(name) as Vector | undefined;
      if (last && sameValues(last, value as Vector)) continue;
      values.set(name, (value as Vector).slice());
    }
    set(value);
  }
  gl.bindVertexArray(vao);
  gl.drawArrays(gl.TRIANGLES, 0, 3);
  if (unbindVao) gl.bindVertexArray(null);
}

type Vector = Float32Array | Int32Array | number[];

/** Equal element by element, exactly (Object.is: NaN equals NaN, -0 differs from 0). */
function sameValues(a: Vector, b: Vector): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
