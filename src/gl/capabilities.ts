/** What `createContext` found on the device (`ctx.capabilities`): texture limits, float render targets, the storage and readback path in use, the renderer. */
export interface Capabilities {
  maxTextureSize: number;
  renderFloat32: boolean;
  renderFloat16: boolean;
  /** The precision results are stored in: 'float32' (RGBA32F, or exact RGBA8 encoding) or 'float16'. */
  precision: 'float32' | 'float16';
  /** The texture format tensors live in (the path in use). */
  storage: 'RGBA32F' | 'RGBA16F' | 'RGBA8';
  /** How results come back: float pixels straight, or through an RGBA8 encoding. */
  readback: 'float' | 'rgba8';
  renderer: string;
  /**
   * A software renderer (SwiftShader, llvmpipe, ...): correct but slow. null where the browser
   * masks the renderer (Safari and WebKit say "Apple GPU" whatever renders), so it cannot tell.
   */
  software: boolean | null;
}

/** Test and debugging switches: pretend the device is smaller or lacks extensions. */
export interface DebugOptions {
  /** Use at most this MAX_TEXTURE_SIZE (to exercise the wrapping layout on a big device). */
  maxTextureSize?: number;
  /** Behave as if these WebGL extensions were missing, e.g. ['EXT_color_buffer_float']. */
  disableExtensions?: string[];
  /** Behave as if float pixels could not be read back (readPixels with FLOAT). */
  disableFloatReadback?: boolean;
}

const SOFTWARE = /swiftshader|llvmpipe|softpipe|lavapipe|software|basic render|mesa offscreen|apple software/i;

/**
 * Renderer strings that name no renderer: what browsers say when they mask it (Safari and
 * WebKitGTK always "Apple GPU"; the generic WebGL RENDERER strings where the unmasked one is
 * not offered). Behind them may be a GPU or llvmpipe alike.
 */
const MASKED = /^(apple gpu|webkit webgl|mozilla|webkit|generic renderer|)$/i;

/**
 * Whether `renderer` is a software renderer: true or false where the string says, null where
 * it is masked (see MASKED) and so cannot say. `unmasked`: the string came from
 * WEBGL_debug_renderer_info (a generic RENDERER string alone says nothing).
 */
export function isSoftwareRenderer(renderer: string, unmasked = true): boolean | null {
  if (SOFTWARE.test(renderer)) return true;
  if (!unmasked || MASKED.test(renderer.trim())) return null;
  return false;
}

export function getExtension(gl: WebGL2RenderingContext, name: string, debug: DebugOptions | undefined): unknown {
  if (debug?.disableExtensions?.includes(name)) return null;
  return gl.getExtension(name);
}

/**
 * Runs `check` with a small texture of `internalFormat` attached to a bound framebuffer, and
 * cleans up after (GL errors from the probe included). False when the framebuffer is incomplete.
 */
function withProbeFramebuffer(gl: WebGL2RenderingContext, internalFormat: number, check: () => boolean): boolean {
  const tex = gl.createTexture();
  const fb = gl.createFramebuffer();
  try {
    gl.bindTexture(gl.TEXTURE_2D, tex);
    gl.texImage2D(gl.TEXTURE_2D, 0, internalFormat, 4, 4, 0, gl.RGBA, gl.FLOAT, null);
    gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, tex, 0);
    return gl.checkFramebufferStatus(gl.FRAMEBUFFER) === gl.FRAMEBUFFER_COMPLETE && check();
  } finally {
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.bindTexture(gl.TEXTURE_2D, null);
    gl.deleteFramebuffer(fb);
    gl.deleteTexture(tex);
    while (gl.getError() !== gl.NO_ERROR) { /* drain errors from the probe */ }
  }
}

/** Whether a texture of `internalFormat` can be rendered to: we complete a framebuffer to find out. */
function canRenderTo(gl: WebGL2RenderingContext, internalFormat: number): boolean {
  return withProbeFramebuffer(gl, internalFormat, () => true);
}

/** Whether float pixels of a texture of `internalFormat` can be read back with readPixels(RGBA, FLOAT). */
export function canReadFloat(gl: WebGL2RenderingContext, internalFormat: number): boolean {
  return withProbeFramebuffer(gl, internalFormat, () => {
    while (gl.getError() !== gl.NO_ERROR) { /* start clean */ }
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.FLOAT, new Float32Array(4));
    return gl.getError() === gl.NO_ERROR;
  });
}

export interface ProbedDevice {
  maxTextureSize: number;
  renderFloat32: boolean;
  renderFloat16: boolean;
  renderer: string;
  /** Whether the unmasked renderer string was offered (WEBGL_debug_renderer_info): isSoftwareRenderer's second argument. */
  unmasked: boolean;
}

export type RequestedPrecision = 'auto' | 'float32' | 'float16';

/**
 * The storage path for a requested precision on a probed device: float32 -> RGBA32F, else exact
 * RGBA8 encoding; float16 -> RGBA16F (the standalone context refuses 'float16' first where the
 * device renders none: PRECISION_UNAVAILABLE); auto -> the best of RGBA32F, RGBA16F, RGBA8, in
 * that order.
 */
export function chooseStorage(requested: RequestedPrecision, device: ProbedDevice): 'float32' | 'float16' | 'rgba8' {
  if (requested === 'float16') return 'float16';
  if (device.renderFloat32) return 'float32';
  if (requested === 'auto' && device.renderFloat16) return 'float16';
  return 'rgba8';
}

/** Why `precision: 'float16'` cannot be had on `device`, or null where it can. */
export function precisionUnavailable(requested: RequestedPrecision, device: ProbedDevice): string | null {
  return requested === 'float16' && !device.renderFloat16
    ? `'float16' needs float16 render targets (EXT_color_buffer_half_float or EXT_color_buffer_float), which ${device.renderer || 'this device'} lacks; use 'auto' or 'float32' (exact RGBA8 encoding)`
    : null;
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
  return { maxTextureSize, renderFloat32, renderFloat16, renderer, unmasked: !!info };
}
