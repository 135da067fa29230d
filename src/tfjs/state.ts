/**
 * TF.js keeps GL state of its own on the context it shares with us (its framebuffer, program,
 * vertex array, texture units, viewport and scissor box with SCISSOR_TEST on, CULL_FACE,
 * pixel-store settings). Everything depthwise-gl may change is saved before our passes and
 * put back after them, so TF.js finds the context as it left it.
 */

/** Texture units our programs bind (the most samplers any of our shaders has, with room). */
const UNITS = 8;

const PIXEL_STORE = [
  0x0cf5, // UNPACK_ALIGNMENT
  0x0d05, // PACK_ALIGNMENT
  0x9240, // UNPACK_FLIP_Y_WEBGL
  0x9241, // UNPACK_PREMULTIPLY_ALPHA_WEBGL
  0x9243, // UNPACK_COLORSPACE_CONVERSION_WEBGL
  0x0cf2, // UNPACK_ROW_LENGTH
  0x806e, // UNPACK_IMAGE_HEIGHT
  0x0cf3, // UNPACK_SKIP_ROWS
  0x0cf4, // UNPACK_SKIP_PIXELS
  0x806d, // UNPACK_SKIP_IMAGES
] as const;

export interface SavedState {
  restore(): void;
}

/** Saves the state our passes touch and sets what they need (no scissor test). */
export function saveState(gl: WebGL2RenderingContext): SavedState {
  const drawFb = gl.getParameter(gl.DRAW_FRAMEBUFFER_BINDING) as WebGLFramebuffer | null;
  const readFb = gl.getParameter(gl.READ_FRAMEBUFFER_BINDING) as WebGLFramebuffer | null;
  const program = gl.getParameter(gl.CURRENT_PROGRAM) as WebGLProgram | null;
  const vao = gl.getParameter(gl.VERTEX_ARRAY_BINDING) as WebGLVertexArrayObject | null;
  const arrayBuffer = gl.getParameter(gl.ARRAY_BUFFER_BINDING) as WebGLBuffer | null;
  const packBuffer = gl.getParameter(gl.PIXEL_PACK_BUFFER_BINDING) as WebGLBuffer | null;
  const unpackBuffer = gl.getParameter(gl.PIXEL_UNPACK_BUFFER_BINDING) as WebGLBuffer | null;
  const activeTexture = gl.getParameter(gl.ACTIVE_TEXTURE) as number;
  const textures2D: (WebGLTexture | null)[] = [];
  const texturesArray: (WebGLTexture | null)[] = [];
  for (let u = 0; u < UNITS; u++) {
    gl.activeTexture(gl.TEXTURE0 + u);
    textures2D.push(gl.getParameter(gl.TEXTURE_BINDING_2D) as WebGLTexture | null);
    texturesArray.push(gl.getParameter(gl.TEXTURE_BINDING_2D_ARRAY) as WebGLTexture | null);
  }
  const viewport = gl.getParameter(gl.VIEWPORT) as Int32Array;
  const scissorBox = gl.getParameter(gl.SCISSOR_BOX) as Int32Array;
  const scissorTest = gl.isEnabled(gl.SCISSOR_TEST);
  const cullFace = gl.isEnabled(gl.CULL_FACE);
  const blend = gl.isEnabled(gl.BLEND);
  const depthTest = gl.isEnabled(gl.DEPTH_TEST);
  const stencilTest = gl.isEnabled(gl.STENCIL_TEST);
  const colorMask = gl.getParameter(gl.COLOR_WRITEMASK) as boolean[];
  const pixelStore = PIXEL_STORE.map((p) => gl.getParameter(p) as number | boolean);

  // What our fullscreen passes need: every fragment of the target drawn.
  if (scissorTest) gl.disable(gl.SCISSOR_TEST);
  if (cullFace) gl.disable(gl.CULL_FACE);
  if (blend) gl.disable(gl.BLEND);
  if (depthTest) gl.disable(gl.DEPTH_TEST);
  if (stencilTest) gl.disable(gl.STENCIL_TEST);
  if (!colorMask.every(Boolean)) gl.colorMask(true, true, true, true);

  return {
    restore() {
      const enable = (cap: number, on: boolean) => (on ? gl.enable(cap) : gl.disable(cap));
      enable(gl.SCISSOR_TEST, scissorTest);
      enable(gl.CULL_FACE, cullFace);
      enable(gl.BLEND, blend);
      enable(gl.DEPTH_TEST, depthTest);
      enable(gl.STENCIL_TEST, stencilTest);
      gl.colorMask(colorMask[0], colorMask[1], colorMask[2], colorMask[3]);
      PIXEL_STORE.forEach((p, i) => gl.pixelStorei(p, pixelStore[i] as number));
      for (let u = 0; u < UNITS; u++) {
        gl.activeTexture(gl.TEXTURE0 + u);
        gl.bindTexture(gl.TEXTURE_2D, textures2D[u]);
        gl.bindTexture(gl.TEXTURE_2D_ARRAY, texturesArray[u]);
      }
      gl.activeTexture(activeTexture);
      gl.bindBuffer(gl.PIXEL_PACK_BUFFER, packBuffer);
      gl.bindBuffer(gl.PIXEL_UNPACK_BUFFER, unpackBuffer);
      gl.bindBuffer(gl.ARRAY_BUFFER, arrayBuffer);
      gl.bindVertexArray(vao);
      gl.useProgram(program);
      gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, drawFb);
      gl.bindFramebuffer(gl.READ_FRAMEBUFFER, readFb);
      gl.viewport(viewport[0], viewport[1], viewport[2], viewport[3]);
      gl.scissor(scissorBox[0], scissorBox[1], scissorBox[2], scissorBox[3]);
    },
  };
}
