import { WIDE_DEPTHWISE } from './ops/wide';
import type {
  ContextOptions, DataFormat, DepthwiseContext, DrawOptions, FromPixelsOptions, FusedEpilogue, GLTensor, Padding, PixelSource, TensorOptions,
} from './api';
import { DepthwiseGLError, fail, show } from './errors';
import { Core } from './core';
import { canReadFloat, isSoftwareRenderer, precisionUnavailable, probeDevice, type Capabilities, type ProbedDevice } from './gl/capabilities';
import { AsyncReader, readPixelsSync, type ReadSource } from './gl/readback';
import { ENCODE_FRAG, RGBA8_STORAGE_INCLUDES } from './gl/sources';
import { DEFAULT_POOL_BYTES, TextureStore, type GpuTexture, type StorageFormat } from './gl/textures';
import { decodeTexels, encodeTexels } from './layout/rgba8';
import { unpack, type TexelLayout } from './layout/texels';
import { fromNHWCData } from './semantics/format';
import { checkData, checkDataFormat, checkShape } from './semantics/validate';
import { Tensor } from './tensor';
import { depthwiseConv2dBackpropFilter, depthwiseConv2dBackpropInput } from './ops/backprop';
import { checkNameAndFormat } from './ops/depthwise';
import { flattenLayers } from './ops/layers';
import { draw, fromPixels } from './ops/pixels';

const PRECISIONS = ['auto', 'float32', 'float16'] as const;

/** Makes a context: the GL state, caches and every GPU resource of one user. */
export function createContext(options?: ContextOptions): DepthwiseContext {
  const o = options ?? {};
  checkOptions('createContext', o);
  return new Context(o, (fn) => acquireGL(fn, o));
}

/** Throws on options a context cannot take (before any GL work). */
function checkOptions(fn: string, options: ContextOptions): void {
  if (typeof options !== 'object') fail(fn, 'options', `must be an object; got ${show(options)}`);
  const precision = options.precision ?? 'auto';
  if (!PRECISIONS.includes(precision)) fail(fn, 'options.precision', `must be one of ${PRECISIONS.join(', ')}; got ${show(precision)}`);
  const poolBytes = options.texturePoolBytes ?? DEFAULT_POOL_BYTES;
  if (typeof poolBytes !== 'number' || !(poolBytes >= 0) || !Number.isFinite(poolBytes)) {
    fail(fn, 'options.texturePoolBytes', `must be a finite number of bytes >= 0; got ${show(poolBytes)}`);
  }
  const debug = options.debug;
  if (debug?.maxTextureSize !== undefined && !(Number.isInteger(debug.maxTextureSize) && debug.maxTextureSize > 0)) {
    fail(fn, 'options.debug.maxTextureSize', `must be a positive integer; got ${show(debug.maxTextureSize)}`);
  }
}

/** The canvases createContext tries when none is given, in order, with what each is called. */
function canvasCandidates(): { label: string; make: () => HTMLCanvasElement | OffscreenCanvas }[] {
  const out: { label: string; make: () => HTMLCanvasElement | OffscreenCanvas }[] = [];
  if (typeof OffscreenCanvas !== 'undefined') out.push({ label: 'an OffscreenCanvas', make: () => new OffscreenCanvas(1, 1) });
  // Safari 16.4-16.7 and WebKitGTK have OffscreenCanvas without WebGL2 on it: a DOM canvas does.
  if (typeof document !== 'undefined') out.push({ label: 'a DOM canvas', make: () => document.createElement('canvas') });
  return out;
}

function isWebGL2(gl: unknown): gl is WebGL2RenderingContext {
  return typeof WebGL2RenderingContext !== 'undefined' && gl instanceof WebGL2RenderingContext;
}

/** The WebGL2 context createContext works on: the one given, else one of a canvas. */
function acquireGL(fn: string, options: ContextOptions): { gl: WebGL2RenderingContext; owned: boolean } {
  if (options.gl !== undefined) {
    if (!isWebGL2(options.gl)) fail(fn, 'options.gl', `must be a WebGL2RenderingContext; got ${show(options.gl)}`);
    return { gl: options.gl, owned: false };
  }
  const attributes: WebGLContextAttributes = {
    alpha: true, antialias: false, depth: false, stencil: false,
    premultipliedAlpha: false, preserveDrawingBuffer: false, powerPreference: 'high-performance',
    failIfMajorPerformanceCaveat: options.failIfMajorPerformanceCaveat === true,
  };
  let gl: WebGL2RenderingContext | null = null;
  let tried: string;
  if (options.canvas !== undefined) {
    const canvas = options.canvas;
    if (typeof (canvas as { getContext?: unknown } | null)?.getContext !== 'function') {
      fail(fn, 'options.canvas', `must be an HTMLCanvasElement or OffscreenCanvas; got ${show(canvas)}`);
    }
    tried = 'the canvas given';
    gl = canvas.getContext('webgl2', attributes) as WebGL2RenderingContext | null;
  } else {
    const candidates = canvasCandidates();
    if (!candidates.length) fail(fn, 'canvas', 'was not given and none can be made here (no OffscreenCanvas, no document)');
    tried = candidates.map((c) => c.label).join(', then ');
    for (const c of candidates) {
      gl = c.make().getContext('webgl2', attributes) as WebGL2RenderingContext | null;
      if (gl) break;
    }
  }
  if (!gl && options.failIfMajorPerformanceCaveat) {
    fail(fn, 'options.failIfMajorPerformanceCaveat', `is true and the browser offers WebGL2 only with a major performance caveat (a software renderer or a blocklisted GPU; tried ${tried}); use a CPU path, or leave the option out to accept it`);
  }
  if (!gl) fail(fn, 'canvas', `gave no WebGL2 context (tried ${tried}): this browser or device lacks WebGL2 (or the canvas already has another kind of context)`);
  return { gl, owned: true };
}

/**
 * The standalone context: a core, and what only an app's context needs: its arguments checked,
 * RGBA8 storage (no float render target), synchronous reads, the gradient ops, and pixels in and
 * out (images, video, canvases). The TF.js kernels run on a core alone (their host never stores
 * RGBA8 nor reads synchronously); the training entry calls the gradient ops itself.
 */
class Context extends Core implements DepthwiseContext {
  /** The depthwise op's wide shader, which only this host carries (the TF.js bundles do without it). */
  readonly wideDepthwise = WIDE_DEPTHWISE;
  // Made by makeReadObjects, which Core's constructor calls: `declare`d, so that no field
  // initializer resets them once that constructor returns.
  declare private reader: AsyncReader;
  /** Temporary RGBA8 textures for downloads through an encoding pass (freed straight after). */
  declare private encodeStore: TextureStore;
  private readonly onLost = (e: Event) => {
    e.preventDefault(); // tells the browser we will handle a restore
    this.handleLost();
  };
  private readonly onRestored = () => this.handleRestored();

  /**
   * A core on the app's context (`acquire`), which this one watches for loss and restore (the
   * TF.js kernels' core leaves TF.js's context to TF.js).
   */
  constructor(options: ContextOptions, acquire: (fn: string) => { gl: WebGL2RenderingContext; owned: boolean }) {
    super(options, acquire);
    const canvas = this.gl.canvas as EventTarget | null;
    canvas?.addEventListener?.('webglcontextlost', this.onLost);
    canvas?.addEventListener?.('webglcontextrestored', this.onRestored);
  }

  /** The context is back: extensions are enabled again and programs rebuilt on demand. */
  private handleRestored(): void {
    if (this.disposed) return;
    this.handleLost(); // in case the restore came before we saw the loss
    probeDevice(this.gl, this.debug); // re-enables the extensions the lost context had
    this.makeGLObjects('webglcontextrestored');
    this.lost = false;
  }

  override dispose(): void {
    const canvas = this.gl.canvas as EventTarget | null;
    canvas?.removeEventListener?.('webglcontextlost', this.onLost);
    canvas?.removeEventListener?.('webglcontextrestored', this.onRestored);
    super.dispose();
  }

  protected override makeReadObjects(): void {
    this.encodeStore = new TextureStore(this.gl, 'rgba8', 0);
    this.reader = new AsyncReader(this.gl);
  }

  protected override cancelReads(message: string): void {
    this.reader.cancelAll(new DepthwiseGLError(message));
  }

  /**
   * A layered tensor (the wide shader's output) laid out flat, for an op or a read that takes it.
   * Only here: the TF.js kernels export layered outputs as they are and read through TF.js.
   */
  flatten(layered: GpuTexture): GpuTexture {
    const flat = flattenLayers(this, layered);
    this.textures.free(layered);
    return flat;
  }

  protected download(t: Tensor): Promise<Float32Array> {
    const { src, release, layout } = this.downloadSource(t);
    const pending = this.reader.read(src);
    release(); // the copy into the pixel-pack buffer is queued; the source may go
    return pending.then((pixels) => this.toUserOrder(pixels, layout, t.dataFormat));
  }

  /**
   * Where a tensor's pixels are read from: its own framebuffer (float pixels, or the bytes of
   * RGBA8 storage), or, where float pixels cannot be read back, a temporary RGBA8 texture that
   * an encoding pass fills with the floats' bytes.
   */
  private downloadSource(t: Tensor): { src: ReadSource; release: () => void; layout: TexelLayout } {
    const none = () => {};
    // A layered tensor (the wide shader's output) is flattened first, once, on the GPU: one read
    // straight into the result then beats reading layer by layer through a pixel-pack buffer and
    // interleaving them in JavaScript (measured 1.5-2x faster on Firefox, WebKit and Chromium
    // for a 1.6 MB tensor; bench/RESULTS.md, "Readback").
    const tex = t.tex;
    const { width, height } = tex.layout;
    if (this.capabilities.readback === 'float') {
      return { src: { fbi: tex.fbi, width, height, bytes: false }, release: none, layout: tex.layout };
    }
    if (this.storage === 'rgba8') return { src: { fbi: tex.fbi, width: width * 2, height: height * 2, bytes: true }, release: none, layout: tex.layout };
    const encoded = this.encodeStore.create(tex.layout);
    this.pass(this.programs.get(ENCODE_FRAG, {}), { u_source: tex.texture }, encoded);
    return {
      src: { fbi: encoded.fbi, width: width * 2, height: height * 2, bytes: true },
      release: () => this.encodeStore.free(encoded),
      layout: tex.layout,
    };
  }

  private toUserOrder(pixels: Float32Array | Uint8Array, layout: TexelLayout, fmt: DataFormat): Float32Array {
    const texels = pixels instanceof Uint8Array ? decodeTexels(pixels, layout) : pixels;
    return fromNHWCData(unpack(texels, layout), layout.shape, fmt);
  }

  protected override vetDevice(fn: string, options: ContextOptions, device: ProbedDevice): void {
    if (options.failIfMajorPerformanceCaveat && isSoftwareRenderer(device.renderer, device.unmasked) === true) {
      if (this.ownsGL) this.gl.getExtension('WEBGL_lose_context')?.loseContext();
      fail(fn, 'options.failIfMajorPerformanceCaveat', `is true and the renderer is software (${show(device.renderer)}), slower than a CPU path; leave the option out to accept it`);
    }
    const unavailable = precisionUnavailable(options.precision ?? 'auto', device);
    if (unavailable) {
      if (this.ownsGL) this.gl.getExtension('WEBGL_lose_context')?.loseContext();
      fail(fn, 'options.precision', unavailable);
    }
  }

  declare readonly capabilities: Capabilities;

  protected override describe(device: ProbedDevice, storage: StorageFormat): Capabilities {
    // Float pixels read back with readPixels, else reads go through an RGBA8 encoding pass.
    const readFloat = storage !== 'rgba8' && !this.debug?.disableFloatReadback &&
      canReadFloat(this.gl, storage === 'float32' ? this.gl.RGBA32F : this.gl.RGBA16F);
    return Object.freeze({
      maxTextureSize: device.maxTextureSize,
      renderFloat32: device.renderFloat32,
      renderFloat16: device.renderFloat16,
      precision: storage === 'float16' ? 'float16' : 'float32',
      storage: storage === 'float32' ? 'RGBA32F' : storage === 'float16' ? 'RGBA16F' : 'RGBA8',
      readback: readFloat ? 'float' : 'rgba8',
      renderer: device.renderer,
      software: isSoftwareRenderer(device.renderer, device.unmasked),
    } as const);
  }

  protected override rgba8Includes(): Readonly<Record<string, string>> {
    return RGBA8_STORAGE_INCLUDES;
  }

  protected override encodeRgba8(texels: Float32Array, layout: TexelLayout): Uint8Array {
    return encodeTexels(texels, layout);
  }

  override tensor(data: ArrayLike<number>, shape: number[], options?: TensorOptions): GLTensor {
    const fn = 'tensor';
    this.checkAlive(fn);
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      fail(fn, 'options', `must be an object like { dataFormat: 'NHWC' }; got ${show(options)}`);
    }
    const dataFormat = checkDataFormat(fn, 'options.dataFormat', options?.dataFormat ?? 'NHWC');
    const dims = checkShape(fn, 'shape', shape);
    return super.tensor(checkData(fn, 'data', data, dims), dims, { dataFormat });
  }

  override checkAlive(fn: string): void {
    if (this.disposed) fail(fn, 'context', 'has been disposed; make a new one with createContext()');
    // isContextLost() turns true at once; the webglcontextlost event comes later.
    if (this.gl.isContextLost()) this.handleLost();
    if (this.lost) fail(fn, 'context', 'is lost (webglcontextlost): wait for webglcontextrestored, then make your tensors again');
  }

  releasePool(): void {
    if (this.disposed || this.lost) return;
    this.textures.trim(0);
  }

  /** An app's tensor argument: made by this context, alive, not lost with the context. */
  override checkTensor(fn: string, arg: string, t: unknown): Tensor {
    if (!(t instanceof Tensor)) fail(fn, arg, `must be a GLTensor made by ctx.tensor() or an op; got ${show(t)}`);
    if (t.owner !== this) fail(fn, arg, `${t} belongs to another context; tensors cannot cross contexts`);
    if (t.lost) fail(fn, arg, `${t} lost its data when the WebGL context was lost; make it again (ctx.tensor() or the op that made it)`);
    if (t.disposed) fail(fn, arg, `${t} has been disposed`);
    return t;
  }

  override depthwiseConv2d(
    input: GLTensor, filter: GLTensor, strides: number[], padding: Padding,
    rate?: number[] | null, name?: string | null, dataFormat?: DataFormat | null, fused?: FusedEpilogue | null,
  ): GLTensor {
    this.checkAlive('depthwiseConv2d');
    checkNameAndFormat(this.checkTensor('depthwiseConv2d', 'input', input), name, dataFormat);
    return super.depthwiseConv2d(input, filter, strides, padding, rate, name, dataFormat, fused);
  }

  readTensorSync(t: Tensor): Float32Array {
    this.checkAlive('readSync');
    this.checkTensor('readSync', 'tensor', t);
    const { src, release, layout } = this.downloadSource(t);
    try {
      return this.toUserOrder(readPixelsSync(this.gl, src), layout, t.dataFormat);
    } finally {
      release();
    }
  }

  depthwiseConv2dBackpropInput(
    inputShape: number[], filter: GLTensor, outBackprop: GLTensor, strides: number[], padding: Padding,
    rate?: number[] | null, dataFormat?: DataFormat | null,
  ): GLTensor {
    this.checkAlive('depthwiseConv2dBackpropInput');
    return depthwiseConv2dBackpropInput(this, inputShape, filter, outBackprop, strides, padding, rate, dataFormat);
  }

  depthwiseConv2dBackpropFilter(
    input: GLTensor, filterShape: number[], outBackprop: GLTensor, strides: number[], padding: Padding,
    rate?: number[] | null, dataFormat?: DataFormat | null,
  ): GLTensor {
    this.checkAlive('depthwiseConv2dBackpropFilter');
    return depthwiseConv2dBackpropFilter(this, input, filterShape, outBackprop, strides, padding, rate, dataFormat);
  }

  fromPixels(source: PixelSource, options?: FromPixelsOptions): GLTensor {
    this.checkAlive('fromPixels');
    return fromPixels(this, source, options);
  }

  draw(tensor: GLTensor, canvas: HTMLCanvasElement | OffscreenCanvas, options?: DrawOptions): void {
    this.checkAlive('draw');
    draw(this, tensor, canvas, options);
  }
}
