import type { ContextOptions, FusedEpilogue, GLTensor, MemoryInfo, TensorOptions } from './api';
import { DepthwiseGLError, fail, show } from './errors';
import { chooseStorage, probeDevice, type Capabilities, type DebugOptions, type ProbedDevice } from './gl/capabilities';
import { runPass } from './gl/pass';
import { ProgramCache } from './gl/programs';
import { DEFAULT_POOL_BYTES, STORAGE_DEFINE, storageScale, TextureStore, type GpuTexture, type StorageFormat } from './gl/textures';
import { pack, rowAlignedLayout, texelLayout, type TexelLayout } from './layout/texels';
import { depthwiseConv2d } from './ops/depthwise';
import type { OpContext } from './ops/host';
import { toNHWCData } from './semantics/format';
import type { DataFormat, Padding } from './semantics/types';
import { toNHWC } from './semantics/validate';
import { Tensor, type TensorOwner } from './tensor';
import { Tuner, type TuneTable } from './tune/tuner';

/**
 * A context's core: the GL state, caches and every GPU resource of one user, tensors, the ops
 * and reads. The standalone context (src/context.ts) adds what only it offers (pixels in and
 * out); the TensorFlow.js kernels run on a core alone, so their bundle carries no more.
 */
export abstract class Core implements TensorOwner, OpContext {
  readonly gl: WebGL2RenderingContext;
  /**
   * What the ops need of the device (maxTextureSize); the standalone context's is the whole of
   * Capabilities (describe), a bare core's no more than that.
   */
  readonly capabilities: Pick<Capabilities, 'maxTextureSize'>;
  // The GL objects below are remade when a lost context is restored.
  programs!: ProgramCache;
  textures!: TextureStore;
  private vao!: WebGLVertexArrayObject;
  private readonly tensors = new Set<Tensor>();
  /** Chooses among the ops' variants on this device (ContextOptions.tune). */
  readonly tuner: Tuner;
  protected readonly ownsGL: boolean;
  protected readonly debug: DebugOptions | undefined;
  private readonly poolBytes: number;
  /** The storage path tensors use (capabilities.storage says the same in GL terms). */
  readonly storage: StorageFormat;
  protected disposed = false;
  /** Between webglcontextlost and webglcontextrestored. */
  protected lost = false;
  /**
   * The standalone context's checks of the device once probed (ContextOptions
   * .failIfMajorPerformanceCaveat), and its RGBA8 upload encoding: absent in a bare core (the
   * TF.js kernels' host, which never stores RGBA8), so their code stays out of that bundle.
   */
  protected vetDevice?(fn: string, options: ContextOptions, device: ProbedDevice): void;
  /** The standalone context's ctx.capabilities, of the probed device and the storage chosen. */
  protected describe?(device: ProbedDevice, storage: StorageFormat): Capabilities;
  protected encodeRgba8?(texels: Float32Array, layout: TexelLayout): Uint8Array;
  /** RGBA8 storage's shader includes (gl/sources.ts RGBA8_STORAGE_INCLUDES), where this core may store RGBA8. */
  protected rgba8Includes?(): Readonly<Record<string, string>>;

  /**
   * `acquire` gives the WebGL2 context (and whether this core owns it: it is lost on dispose).
   * The options are checked before (createContext checks an app's; the TF.js kernels pass their
   * tuning options alone).
   */
  constructor(options: ContextOptions, acquire: (fn: string) => { gl: WebGL2RenderingContext; owned: boolean }) {
    const fn = 'createContext';
    const precision = options.precision ?? 'auto';
    const debug: DebugOptions | undefined = options.debug;
    this.debug = debug;
    this.poolBytes = options.texturePoolBytes ?? DEFAULT_POOL_BYTES;

    const { gl, owned } = acquire(fn);
    this.gl = gl;
    this.ownsGL = owned;

    const device = probeDevice(this.gl, debug);
    this.vetDevice?.(fn, options, device);
    const chosen = chooseStorage(precision, device);
    this.storage = chosen;
    this.capabilities = this.describe?.(device, chosen) ?? { maxTextureSize: device.maxTextureSize };
    this.tuner = new Tuner(this.gl, device.renderer, options, fn);
    this.makeGLObjects(fn);
  }

  /** Programs, textures, reads and the vertex array: made at creation and again after a restore. */
  protected makeGLObjects(fn: string): void {
    this.programs = new ProgramCache(this.gl, STORAGE_DEFINE[this.storage], this.storage === 'rgba8' ? this.rgba8Includes?.() : undefined);
    this.textures = new TextureStore(this.gl, this.storage, this.poolBytes, this.encodeRgba8);
    this.makeReadObjects?.();
    const vao = this.gl.createVertexArray();
    if (!vao) fail(fn, 'gl', 'could not create a vertex array object (is the context lost?)');
    this.vao = vao;
  }

  /**
   * The WebGL context was lost: every GL object is gone. Pending reads reject, tensors are marked
   * lost (using one says so), and calls throw until the context is restored.
   */
  protected handleLost(): void {
    if (this.lost || this.disposed) return;
    this.lost = true;
    this.cancelReads?.('read: the WebGL context was lost before the read finished; the data is gone');
    for (const t of this.tensors) t.detach('lost');
    this.tensors.clear();
  }

  // --- public API -------------------------------------------------------------------------

  /**
   * A tensor of `data` (float32 values in `shape`'s order, `options.dataFormat`), unchecked: the
   * TF.js kernels' uploads. The standalone context's `tensor` checks an app's arguments first.
   */
  tensor(data: ArrayLike<number>, shape: number[], options?: TensorOptions): GLTensor {
    const fn = 'tensor';
    this.checkAlive(fn);
    const dataFormat = options?.dataFormat ?? 'NHWC';
    const dims = [...shape];
    const nhwc = toNHWC(dims, dataFormat);
    // Row-aligned where it fits (one image row per texture row): a shader reaching the next input
    // column then adds a constant, where the wrapped layout needs a carry (measured 5-10 % faster).
    const layout = rowAlignedLayout(this.layoutFor(fn, 'shape', nhwc).shape, this.layoutMax);
    const values = data instanceof Float32Array ? data : Float32Array.from(data);
    const texture = this.textures.create(layout, pack(toNHWCData(values, dims, dataFormat), layout));
    return this.adopt(texture, dims, dataFormat, null);
  }

  depthwiseConv2d(
    input: GLTensor, filter: GLTensor, strides: number[], padding: Padding,
    rate?: number[] | null, name?: string | null, dataFormat?: DataFormat | null, fused?: FusedEpilogue | null,
  ): GLTensor {
    this.checkAlive('depthwiseConv2d');
    return depthwiseConv2d(this, input, filter, strides, padding, rate, name, dataFormat, fused);
  }

  memory(): MemoryInfo {
    const { count, bytes, pooledCount, pooledBytes } = this.textures;
    return { tensors: this.tensors.size, textures: count, bytes, pooled: { textures: pooledCount, bytes: pooledBytes } };
  }

  tuneTable(): TuneTable {
    return this.tuner.table();
  }

  dispose(): void {
    if (this.disposed) return;
    if (this.gl.isContextLost()) this.handleLost();
    this.disposed = true;
    this.cancelReads?.('read: the context was disposed before the read finished');
    for (const t of [...this.tensors]) this.releaseTensor(t);
    this.textures.trim(0);
    this.programs.dispose();
    this.tuner.dispose();
    this.gl.deleteVertexArray(this.vao);
    if (this.ownsGL) {
      const lose = this.gl.getExtension('WEBGL_lose_context');
      lose?.loseContext();
    }
  }

  // --- for tensors --------------------------------------------------------------------------

  readTensor(t: Tensor): Promise<Float32Array> {
    try {
      this.checkAlive('read');
      this.checkTensor('read', 'tensor', t);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.download(t);
  }

  /**
   * A checked tensor's values, in its dataFormat order: the standalone context reads its
   * texture's pixels (context.ts); the TF.js kernels' host reads it through TF.js (tfjs/host.ts).
   */
  protected abstract download(t: Tensor): Promise<Float32Array>;
  /** Rejects the reads in flight (the context was lost or disposed), where the reads are this core's. */
  protected cancelReads?(message: string): void;
  /** Makes the GL objects of this core's reads, at creation and after a restore. */
  protected makeReadObjects?(): void;

  releaseTensor(t: Tensor): void {
    if (t.disposed) return;
    this.textures.free(t.stored);
    for (const d of t.derived.values()) this.textures.free(d);
    t.derived.clear();
    t.detach();
    this.tensors.delete(t);
  }

  // --- for ops ------------------------------------------------------------------------------

  /**
   * `t` as a live tensor of this core. The TF.js kernels' core sees only tensors it made: what can
   * happen to them is a lost context. The standalone context checks an app's arguments (context.ts).
   */
  checkTensor(fn: string, arg: string, t: unknown): Tensor {
    if (t instanceof Tensor && t.lost) fail(fn, arg, `${t} lost its data when the WebGL context was lost`);
    if (!(t instanceof Tensor) || t.owner !== this || t.disposed) throw new Error(`internal: ${fn}: ${arg}`);
    return t;
  }


  get layoutMax(): number {
    return Math.floor(this.capabilities.maxTextureSize / storageScale(this.storage));
  }

  layoutFor(fn: string, what: string, nhwc: readonly number[]): TexelLayout {
    try {
      return texelLayout(nhwc, this.layoutMax, what);
    } catch (e) {
      if (e instanceof DepthwiseGLError) throw new DepthwiseGLError(e.message.replace(/^texelLayout:/, `${fn}:`));
      throw e;
    }
  }

  pass(program: ReturnType<ProgramCache['get']>, uniforms: Record<string, unknown>, target: GpuTexture): void {
    runPass(this.gl, this.vao, program, uniforms, target);
  }

  adopt(texture: GpuTexture, shape: readonly number[], dataFormat: DataFormat, name: string | null): Tensor {
    const t = new Tensor(this, texture, shape, dataFormat, name);
    this.tensors.add(t);
    return t;
  }

  // --- internals ----------------------------------------------------------------------------

  /** Throws when the context is disposed or lost (every public call starts here). */
  checkAlive(fn: string): void {
    // (The TF.js kernels' core is disposed only once its kernels are unregistered; the
    // standalone context says what to do about either, context.ts.)
    if (this.disposed) fail(fn, 'context', 'has been disposed');
    // isContextLost() turns true at once; the webglcontextlost event comes later.
    if (this.gl.isContextLost()) this.handleLost();
    if (this.lost) fail(fn, 'context', 'is lost (webglcontextlost)');
  }

}
