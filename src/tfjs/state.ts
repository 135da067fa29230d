/**
 * TF.js keeps GL state of its own on the context it shares with us (its framebuffer, program,
 * vertex array, texture units, viewport, SCISSOR_TEST and CULL_FACE on, pixel-store settings).
 * Everything depthwise-gl may change is saved before our passes and put back after them, so
 * TF.js finds the context as it left it.
 */

/** Texture units our programs bind (the most samplers any of our shaders has: input, filter, bias, PReLU). */
const UNITS = 4;

/**
 * The active texture unit, tracked: on Firefox reading ACTIVE_TEXTURE is a round trip to the GPU
 * process that waits for the work queued before it (4 ms a call measured with a 112x112x32
 * layer pending, against 0.02 ms for the other getParameter calls here). TF.js sets the unit
 * before each bind, but leaves it set, and we put back what we found: so the context's
 * activeTexture is wrapped once to record each unit set, and the value read only then.
 */
const activeUnits = new WeakMap<WebGL2RenderingContext, { unit: number }>();

/** Starts tracking gl's active texture unit; returns the function that stops it. */
export function trackActiveTexture(gl: WebGL2RenderingContext): () => void {
  if (activeUnits.has(gl)) return () => {};
  const own = Object.prototype.hasOwnProperty.call(gl, 'activeTexture');
  const original = gl.activeTexture;
  const state = { unit: gl.getParameter(gl.ACTIVE_TEXTURE) as number };
  const wrapped = function (this: WebGL2RenderingContext, unit: number): void {
    original.call(this, unit);
    if (unit >= gl.TEXTURE0 && unit < gl.TEXTURE0 + 32) state.unit = unit;
  };
  gl.activeTexture = wrapped;
  activeUnits.set(gl, state);
  return () => {
    activeUnits.delete(gl);
    if (gl.activeTexture !== wrapped) return; // wrapped again by someone else: leave theirs
    if (own) gl.activeTexture = original;
    else delete (gl as { activeTexture?: unknown }).activeTexture;
  };
}

/**
 * The pixel-store settings our uploads set (src/gl/textures.ts, src/ops/pixels.ts). Browsers
 * answer these from the page's own copy of the state; PACK_ALIGNMENT, which only our reads set,
 * costs a round trip to the GPU process (~40 us measured in Chromium), so it is saved only
 * around a capture's reads. Neither the scissor box nor the color mask is read (each another
 * round trip): we never change them (the scissor test is switched off instead).
 */
const PIXEL_STORE = [
  0x0cf5, // UNPACK_ALIGNMENT
  0x9240, // UNPACK_FLIP_Y_WEBGL
  0x9241, // UNPACK_PREMULTIPLY_ALPHA_WEBGL
  0x9243, // UNPACK_COLORSPACE_CONVERSION_WEBGL
] as const;
const PACK_ALIGNMENT = 0x0d05;

export interface SavedState {
  restore(): void;
}

/**
 * Saves the state our passes touch and sets what they need (no scissor test, no culling, no
 * blending, no depth or stencil test); `reads`: our readbacks run too (PACK_ALIGNMENT).
 */
export function saveState(gl: WebGL2RenderingContext, reads = false): SavedState {
  const drawFb = gl.getParameter(gl.DRAW_FRAMEBUFFER_BINDING) as WebGLFramebuffer | null;
  const readFb = gl.getParameter(gl.READ_FRAMEBUFFER_BINDING) as WebGLFramebuffer | null;
  const program = gl.getParameter(gl.CURRENT_PROGRAM) as WebGLProgram | null;
  const vao = gl.getParameter(gl.VERTEX_ARRAY_BINDING) as WebGLVertexArrayObject | null;
  const arrayBuffer = gl.getParameter(gl.ARRAY_BUFFER_BINDING) as WebGLBuffer | null;
  const packBuffer = gl.getParameter(gl.PIXEL_PACK_BUFFER_BINDING) as WebGLBuffer | null;
  const unpackBuffer = gl.getParameter(gl.PIXEL_UNPACK_BUFFER_BINDING) as WebGLBuffer | null;
  const activeTexture = activeUnits.get(gl)?.unit ?? (gl.getParameter(gl.ACTIVE_TEXTURE) as number);
  const textures2D: (WebGLTexture | null)[] = [];
  const texturesArray: (WebGLTexture | null)[] = [];
  for (let u = 0; u < UNITS; u++) {
    gl.activeTexture(gl.TEXTURE0 + u);
    textures2D.push(gl.getParameter(gl.TEXTURE_BINDING_2D) as WebGLTexture | null);
    texturesArray.push(gl.getParameter(gl.TEXTURE_BINDING_2D_ARRAY) as WebGLTexture | null);
  }
  const viewport = gl.getParameter(gl.VIEWPORT) as Int32Array;
  const scissorTest = gl.isEnabled(gl.SCISSOR_TEST);
  const cullFace = gl.isEnabled(gl.CULL_FACE);
  const blend = gl.isEnabled(gl.BLEND);
  const depthTest = gl.isEnabled(gl.DEPTH_TEST);
  const stencilTest = gl.isEnabled(gl.STENCIL_TEST);
  const pixelStore = PIXEL_STORE.map((p) => gl.getParameter(p) as number | boolean);
  const packAlignment = reads ? (gl.getParameter(PACK_ALIGNMENT) as number) : 0;

  // What our fullscreen passes need: every fragment of the target drawn.
  if (scissorTest) gl.disable(gl.SCISSOR_TEST);
  if (cullFace) gl.disable(gl.CULL_FACE);
  if (blend) gl.disable(gl.BLEND);
  if (depthTest) gl.disable(gl.DEPTH_TEST);
  if (stencilTest) gl.disable(gl.STENCIL_TEST);

  return {
    restore() {
      const enable = (cap: number, on: boolean) => (on ? gl.enable(cap) : gl.disable(cap));
      enable(gl.SCISSOR_TEST, scissorTest);
      enable(gl.CULL_FACE, cullFace);
      enable(gl.BLEND, blend);
      enable(gl.DEPTH_TEST, depthTest);
      enable(gl.STENCIL_TEST, stencilTest);
      PIXEL_STORE.forEach((p, i) => gl.pixelStorei(p, pixelStore[i] as number));
      if (reads) gl.pixelStorei(PACK_ALIGNMENT, packAlignment);
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
    },
  };
}
