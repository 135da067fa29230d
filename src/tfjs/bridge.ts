import type { Core } from '../core';
import { fail } from '../errors';
import { drawPass, runPassTo } from '../gl/pass';
import type { Program } from '../gl/programs';
import { layerCount, rowAlignedLayout } from '../layout/texels';
import { TaskClock } from '../tune/tasks';
import type { DataFormat } from '../semantics/types';
import type { Tensor } from '../tensor';
import { Fallback } from './fallback';
import { nhwcOf, packedLayoutMatches, tfjsTextureLayout, type TfjsTextureLayout } from './layout';
import { SPECIAL_USAGE, type TensorInfo, type WebGLBackend } from './types';
import { TFJS_EXPORT_FRAG, TFJS_IMPORT_FRAG } from '../gl/sources';

/** A depthwise-gl context's core on TF.js's own WebGL2 context: the ops' host, for the kernels. */
export type HostContext = Core;

/** Why a TF.js tensor cannot be read by our passes, or null when it can. */
export function unreadable(backend: WebGLBackend, info: TensorInfo, what: string): string | null {
  if (info.dtype !== 'float32') return `${what} has dtype ${info.dtype} (only float32 runs on depthwise-gl)`;
  const td = backend.texData.get(info.dataId);
  if (td.complexTensorInfos) return `${what} is complex`;
  if (td.texture == null) {
    if (!(td.values instanceof Float32Array)) return `${what} has neither a texture nor float32 values`;
    return null;
  }
  if (SPECIAL_USAGE.has(td.usage)) return `${what} lives in a texture of TF.js usage ${td.usage} (PIXELS or DOWNLOAD, not tensor data)`;
  if (td.isPacked && td.slice) return `${what} is a packed slice`;
  return null;
}

/** Falls back where our passes cannot read a TF.js tensor (see unreadable). */
export function checkReadable(backend: WebGLBackend, info: TensorInfo, what: string): void {
  const why = unreadable(backend, info, what);
  if (why) throw new Fallback(why);
}

/** A TF.js tensor's values where TF.js still holds them on the CPU (float32), else null. */
export function cpuValues(backend: WebGLBackend, info: TensorInfo): Float32Array | null {
  const td = backend.texData.get(info.dataId);
  return td.texture == null && td.values instanceof Float32Array ? td.values : null;
}

/**
 * A TF.js tensor's texture and where its values live in it (see layout.ts), uploaded by TF.js
 * first where it still holds them on the CPU, as its own kernels do.
 */
export function tfjsTexture(backend: WebGLBackend, info: TensorInfo): { texture: WebGLTexture; layout: TfjsTextureLayout } {
  const td = backend.texData.get(info.dataId);
  if (td.texture == null) backend.uploadToGPU(info.dataId);
  const tex = td.texture!;
  return { texture: tex.texture, layout: tfjsTextureLayout(td.texShape ?? tex.texShape, !!td.isPacked, td.shape, td.slice?.flatOffset ?? 0) };
}

/**
 * The GL objects that move tensors between TF.js's textures and ours: a framebuffer to render
 * into TF.js's textures, and an empty vertex array for the attributeless fullscreen triangle.
 */
export class Bridge {
  private readonly framebuffer: WebGLFramebuffer;
  /** TF.js tensors made for the call in progress (freed by the kernel if the call falls back). */
  readonly outputs: TensorInfo[] = [];
  private readonly vao: WebGLVertexArrayObject;
  /** Page tasks, counted (when a direct shape gets its own program: direct.ts). */
  readonly tasks = new TaskClock();
  /** Own programs of heavy direct shapes compiled in page task `task` (direct.ts, takeOwnCompile). */
  readonly ownCompiles = { task: -1, count: 0 };
  constructor(readonly host: HostContext) {
    const { gl } = host;
    const framebuffer = gl.createFramebuffer();
    const vao = gl.createVertexArray();
    if (!framebuffer || !vao) fail('registerTfjsKernels', 'gl', 'could not make a framebuffer or vertex array (is the context lost?)');
    this.framebuffer = framebuffer;
    this.vao = vao;
  }

  /**
   * A TF.js tensor as one of ours (a new tensor the caller disposes), without a readback: values
   * still on the CPU are uploaded straight into our layout; a texture, packed or not, is copied by
   * one pass (glsl/tfjs_import.frag). `shape` is the tensor's in `dataFormat` order (may differ
   * from what TF.js holds, e.g. a bias vector read as [1, 1, 1, C]); `padTo`, a larger height
   * and width (same order) to zero-pad it to.
   */
  importTensor(backend: WebGLBackend, info: TensorInfo, shape: readonly number[], dataFormat: DataFormat, padTo?: readonly number[]): Tensor {
    const { host } = this;
    const td = backend.texData.get(info.dataId);
    const padded = padTo !== undefined && padTo.some((d, i) => d !== shape[i]);
    if (td.texture == null && !padded) {
      return host.tensor(td.values as Float32Array, [...shape], { dataFormat }) as unknown as Tensor;
    }
    const { texture, layout: src } = tfjsTexture(backend, info);
    const tfNhwc = nhwcOf(shape, dataFormat);
    const outShape = padded ? padTo! : shape;
    const nhwc = nhwcOf(outShape, dataFormat);
    const fast = !padded && !!td.isPacked && dataFormat === 'NHWC' && packedLayoutMatches(nhwc, td.shape);
    const layout = rowAlignedLayout(host.layoutFor('registerTfjsKernels', 'tensor', nhwc).shape, host.layoutMax);
    const out = host.textures.create(layout);
    const program = host.programs.get(TFJS_IMPORT_FRAG, { TFJS_PACKED: !!td.isPacked, SRC_NCHW: dataFormat === 'NCHW', FAST: fast });
    host.pass(program, {
      u_source: texture,
      u_shape: nhwc,
      u_tfShape: tfNhwc,
      u_outTexW: layout.width,
      u_outTexels: layout.texels,
      u_tfTexW: src.width,
      u_tfOffset: src.offset,
      u_tfRows: src.rows,
      u_tfCols: src.cols,
    }, out);
    return host.adopt(out, outShape, dataFormat, null);
  }

  /**
   * One of our tensors as a new TF.js tensor of `shape` (the same elements in `dataFormat`
   * order), in a texture that TF.js's texture manager gives and takes back: packed (2x2 blocks,
   * what TF.js's packed programs read) or not, by one pass (glsl/tfjs_export.frag); `cropTo`, a
   * smaller height and width (same order) to keep.
   */
  exportTensor(backend: WebGLBackend, t: Tensor, packed: boolean, cropTo?: readonly number[]): TensorInfo {
    const { host } = this;
    const shape = [...(cropTo ?? t.shape)];
    const cropped = shape.some((d, i) => d !== t.shape[i]);
    const { info, texture, layout: dst } = this.makeOutput(backend, shape, packed);
    const src = t.stored;
    const layers = layerCount(src.layout);
    const nhwc = src.layout.shape;
    const fast = !cropped && packed && t.dataFormat === 'NHWC' && packedLayoutMatches(nhwc, shape);
    const program = host.programs.get(TFJS_EXPORT_FRAG, { TFJS_PACKED: packed, DST_NCHW: t.dataFormat === 'NCHW', LAYERS: layers, FAST: fast });
    this.renderTo(texture, dst.width, dst.height, program, {
      u_source: src.texture,
      u_shape: [...nhwc],
      u_dstShape: nhwcOf(shape, t.dataFormat),
      u_srcTexW: src.layout.width,
      u_size: shape.reduce((a, b) => a * b, 1),
      u_tfTexW: dst.width,
      u_tfRows: dst.rows,
      u_tfCols: dst.cols,
    });
    return info;
  }

  /** A new packed or unpacked TF.js float32 tensor of `shape`, its texture from TF.js's texture manager. */
  makeOutput(backend: WebGLBackend, shape: number[], packed: boolean): { info: TensorInfo; texture: WebGLTexture; layout: ReturnType<typeof tfjsTextureLayout> } {
    const info = backend.makeTensorInfo(shape, 'float32');
    this.outputs.push(info);
    const td = backend.texData.get(info.dataId);
    td.isPacked = packed;
    backend.uploadToGPU(info.dataId);
    const tex = td.texture!;
    return { info, texture: tex.texture, layout: tfjsTextureLayout(td.texShape ?? tex.texShape, packed, shape) };
  }

  /** One fullscreen pass of `program` into `texture` (a TF.js texture, width x height texels). */
  renderTo(texture: WebGLTexture, width: number, height: number, program: Program, uniforms: Record<string, unknown>): void {
    const { gl } = this.host;
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.framebuffer);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, texture, 0);
    runPassTo(gl, this.vao, program, uniforms, this.framebuffer, width, height);
    // Leave no TF.js texture attached to our framebuffer (TF.js may delete or reuse it).
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.framebuffer);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, null, 0);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
  }

  /**
   * The same pass rendered as TF.js's own runner renders a program (gpgpu_context.ts): into
   * TF.js's framebuffer `framebuffer` with the output attached, viewport and scissor box set to
   * it, and nothing read back or put back. Every later TF.js program binds its framebuffer
   * attachment, viewport, scissor box, program, vertex array and input textures before it draws,
   * and TF.js keeps SCISSOR_TEST and CULL_FACE (BACK; our triangle is counter-clockwise) on and
   * blending, depth and stencil tests off: so the context is left as its runner expects. For a
   * steady direct call only (no upload, no pixel-store or other state that TF.js does not set itself).
   */
  renderInto(framebuffer: WebGLFramebuffer, texture: WebGLTexture, width: number, height: number, program: Program, uniforms: Record<string, unknown>): void {
    const { gl } = this.host;
    gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, texture, 0);
    gl.viewport(0, 0, width, height);
    gl.scissor(0, 0, width, height);
    drawPass(gl, this.vao, program, uniforms, false);
  }

  dispose(): void {
    this.host.gl.deleteFramebuffer(this.framebuffer);
    this.host.gl.deleteVertexArray(this.vao);
  }
}
