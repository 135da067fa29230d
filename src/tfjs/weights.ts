import type { Program } from '../gl/programs';
import type { Tensor } from '../tensor';
import type { HostContext } from './bridge';

/**
 * The direct shader's weights in a uniform buffer (glsl/depthwise_tfjs.frag, WEIGHTS_UBO 1): the
 * repacked filter's texels (logical [1, NWT, C2, 4], direct.ts) in the same row-major order, so
 * texel (cp, p) is vec4 p * C2 + cp of the block. On Mesa llvmpipe (Firefox, and WebKitGTK's
 * ANGLE on it) a dynamically indexed uniform load costs less than a texelFetch: measured 0.92
 * against 0.96 of stock TF.js's time on Firefox, 0.85-0.91 against 0.93-0.97 on WebKit, even on
 * Chromium/SwiftShader (bench/RESULTS.md, "llvmpipe probe"). The buffer is filled on the GPU
 * from the repacked filter's texture (readPixels into it as a pixel-pack buffer): no readback.
 */
export class DirectWeights {
  private deleted = false;

  constructor(private readonly gl: WebGL2RenderingContext, readonly buffer: WebGLBuffer, private readonly source: Tensor) {}

  /** Deleted, or its source (the repacked filter) gone: to be made again from a new one. */
  get disposed(): boolean {
    return this.deleted || this.source.disposed;
  }

  dispose(): void {
    if (this.deleted) return;
    this.deleted = true;
    this.gl.deleteBuffer(this.buffer);
  }
}

/** The uniform-block binding point the direct shader's `Weights` block uses. */
const BINDING = 0;
const maxBlockBytes = new WeakMap<WebGL2RenderingContext, number>();
const bound = new WeakSet<WebGLProgram>();

/**
 * Whether the weights of a filter repacked to `nwt` x `c2` texels go in a uniform block here: our
 * textures hold float32 (the block is filled from one) and the block fits MAX_UNIFORM_BLOCK_SIZE
 * (at least 16 KiB; 64 KiB on Mesa and SwiftShader: MobileNet's 3x3 filters up to 1638 channels).
 */
export function weightsFit(host: HostContext, nwt: number, c2: number): boolean {
  const { gl } = host;
  if (host.textures.format !== 'float32') return false;
  let max = maxBlockBytes.get(gl);
  if (max === undefined) maxBlockBytes.set(gl, (max = gl.getParameter(gl.MAX_UNIFORM_BLOCK_SIZE) as number));
  return nwt * c2 * 16 <= max;
}

/** The repacked filter `filter` (our float32 tensor [1, NWT, C2, 4]) copied into a new uniform buffer. */
export function makeDirectWeights(host: HostContext, filter: Tensor): DirectWeights {
  const { gl } = host;
  const [, nwt, c2] = filter.shape;
  const buffer = gl.createBuffer();
  if (!buffer) throw new Error('makeDirectWeights: could not make a buffer (is the context lost?)');
  // The caller's saveState puts back the framebuffers and PIXEL_PACK_BUFFER binding.
  gl.bindFramebuffer(gl.READ_FRAMEBUFFER, filter.tex.fbi.framebuffer);
  gl.bindBuffer(gl.PIXEL_PACK_BUFFER, buffer);
  gl.bufferData(gl.PIXEL_PACK_BUFFER, nwt * c2 * 16, gl.STATIC_COPY);
  gl.readPixels(0, 0, c2, nwt, gl.RGBA, gl.FLOAT, 0);
  gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
  gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
  return new DirectWeights(gl, buffer, filter);
}

/** Binds `weights` for `program`'s `Weights` block (its binding point set once per program). */
export function bindWeights(gl: WebGL2RenderingContext, program: Program, weights: DirectWeights): void {
  const p = program.info.program;
  if (!bound.has(p)) {
    gl.uniformBlockBinding(p, gl.getUniformBlockIndex(p, 'Weights'), BINDING);
    bound.add(p);
  }
  gl.bindBufferBase(gl.UNIFORM_BUFFER, BINDING, weights.buffer);
}

/** Leaves no buffer of ours bound (TF.js binds no uniform buffers: none is what it left). */
export function unbindWeights(gl: WebGL2RenderingContext): void {
  gl.bindBufferBase(gl.UNIFORM_BUFFER, BINDING, null);
}
