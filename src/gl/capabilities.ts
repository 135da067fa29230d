export interface Capabilities {
  maxTextureSize: number;
  renderFloat32: boolean;
  renderFloat16: boolean;
  precision: 'float32' | 'float16';
  renderer: string;
  /** A software renderer (SwiftShader, llvmpipe, ...): correct but slow. */
  software: boolean;
}

/** Test and debugging switches: pretend the device is smaller or lacks extensions. */
export interface DebugOptions {
  /** Use at most this MAX_TEXTURE_SIZE (to exercise the wrapping layout on a big device). */
  maxTextureSize?: number;
  /** Behave as if these WebGL extensions were missing, e.g. ['EXT_color_buffer_float']. */
  disableExtensions?: string[];
}

const SOFTWARE = /swiftshader|llvmpipe|softpipe|lavapipe|software|basic render|mesa offscreen|apple software/i;

export function isSoftwareRenderer(renderer: string): boolean {
  return SOFTWARE.test(renderer);
}

export function getExtension(gl: WebGL2RenderingContext, name: string, debug: DebugOptions | undefined): unknown {
  if (debug?.disableExtensions?.includes(name)) return null;
  return gl.getExtension(name);
}

/** Whether a texture of `internalFormat` can be rendered to: we complete a framebuffer to find out. */
function canRenderTo(gl: WebGL2RenderingContext, internalFormat: number): boolean {
  const tex = gl.createTexture();
  const fb = gl.createFramebuffer();
  try {
    gl.bindTexture(gl.TEXTURE_2D, tex);
    gl.texImage2D(gl.TEXTURE_2D, 0, internalFormat, 4, 4, 0, gl.RGBA, gl.FLOAT, null);
    gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, tex, 0);
    return gl.checkFramebufferStatus(gl.FRAMEBUFFER) === gl.FRAMEBUFFER_COMPLETE;
  } finally {
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.bindTexture(gl.TEXTURE_2D, null);
    gl.deleteFramebuffer(fb);
    gl.deleteTexture(tex);
    while (gl.getError() !== gl.NO_ERROR) { /* drain errors from the probe */ }
  }
}

export interface ProbedDevice {
  maxTextureSize: number;
  renderFloat32: boolean;
  renderFloat16: boolean;
  renderer: string;
  software: boolean;
}

export function probeDevice(gl: WebGL2RenderingContext, debug: DebugOptions | undefined): ProbedDevice {
  const floatExt = getExtension(gl, 'EXT_color_buffer_float', debug);
  const halfExt = getExtension(gl, 'EXT_color_buffer_half_float', debug);
  const renderFloat32 = !!floatExt && canRenderTo(gl, gl.RGBA32F);
  const renderFloat16 = (!!floatExt || !!halfExt) && canRenderTo(gl, gl.RGBA16F);
  let maxTextureSize = gl.getParameter(gl.MAX_TEXTURE_SIZE) as number;
  if (debug?.maxTextureSize !== undefined) maxTextureSize = Math.min(maxTextureSize, debug.maxTextureSize);
  const info = getExtension(gl, 'WEBGL_debug_renderer_info', debug) as { UNMASKED_RENDERER_WEBGL: number } | null;
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
  return { maxTextureSize, renderFloat32, renderFloat16, renderer, software: isSoftwareRenderer(renderer) };
}
