import * as twgl from 'twgl.js';
import type { Program } from './programs';
import type { GpuTexture } from './textures';

/**
 * One fullscreen pass: renders `program` into `target` (the viewport is the whole texture), one
 * fragment per output texel. The triangle comes from gl_VertexID; `vao` is an empty vertex array.
 */
export function runPass(
  gl: WebGL2RenderingContext,
  vao: WebGLVertexArrayObject,
  program: Program,
  uniforms: Record<string, unknown>,
  target: GpuTexture,
): void {
  twgl.bindFramebufferInfo(gl, target.fbi);
  gl.useProgram(program.info.program);
  twgl.setUniforms(program.info, uniforms);
  gl.bindVertexArray(vao);
  gl.drawArrays(gl.TRIANGLES, 0, 3);
  gl.bindVertexArray(null);
}
