/**
 * The parts of TensorFlow.js (4.x) that the kernels use, typed structurally: the package never
 * imports TF.js; the app hands its own namespace to registerTfjsKernels.
 */

export type DataId = object;

/** TF.js's DataType: a kernel's outputs must be one of these for `registerKernel` to take it. */
export type DataType = 'float32' | 'int32' | 'bool' | 'complex64' | 'string';

export interface TensorInfo {
  dataId: DataId;
  shape: number[];
  dtype: DataType;
}

export interface KernelConfig {
  kernelName: string;
  backendName: string;
  // Methods, not function-typed properties: their parameters are then checked both ways, so
  // TF.js's own KernelConfig (stricter attrs, `backend: {}`) and ours are assignable to each
  // other, and an app's `registerTfjsKernels(tf)` type-checks with its real TF.js namespace.
  kernelFunc(args: { inputs: Record<string, TensorInfo | undefined>; backend: unknown; attrs?: Record<string, unknown> }): TensorInfo | TensorInfo[];
  setupFunc?(backend: unknown): void;
  disposeFunc?(backend: unknown): void;
}

export interface Conv2DInfo {
  batchSize: number;
  inHeight: number; inWidth: number; inChannels: number;
  outHeight: number; outWidth: number; outChannels: number;
  strideHeight: number; strideWidth: number;
  dilationHeight: number; dilationWidth: number;
  filterHeight: number; filterWidth: number;
  padInfo: { top: number; bottom: number; left: number; right: number; type: string };
  dataFormat: 'channelsLast' | 'channelsFirst';
  inShape: number[]; outShape: number[]; filterShape: number[];
}

/** What the kernels need of the app's `tf` namespace. */
export interface TfjsNamespace {
  /** TF.js's `tf.registerKernel`. */
  registerKernel(config: KernelConfig): void;
  /** TF.js's `tf.unregisterKernel`. */
  unregisterKernel(kernelName: string, backendName: string): void;
  /** TF.js's `tf.getKernel`. */
  getKernel(kernelName: string, backendName: string): KernelConfig | undefined;
  /** TF.js's `tf.findBackend`. */
  findBackend(name: string): unknown;
  /** TF.js's `tf.env()`: its flags. */
  env(): {
    /** A boolean flag. */
    getBool(flag: string): boolean;
    /** A number flag. */
    getNumber(flag: string): number;
    /** Any flag. */
    get(flag: string): unknown;
  };
  /** TF.js's `tf.backend_util`: its convolution geometry. */
  backend_util: {
    /** TF.js's output size and padding rules. */
    computeConv2DInfo(
      inShape: number[], filterShape: number[], strides: number | [number, number], dilations: number | [number, number],
      pad: unknown, roundingMode?: unknown, depthwise?: boolean, dataFormat?: 'channelsFirst' | 'channelsLast',
    ): Conv2DInfo;
    /** `'NHWC'` to `'channelsLast'`, `'NCHW'` to `'channelsFirst'`. */
    convertConv2DDataFormat(dataFormat: 'NHWC' | 'NCHW'): 'channelsLast' | 'channelsFirst';
  };
  /** TF.js's core version. */
  version_core?: string;
}

/** A TF.js texture: the GL texture and the texShape ([rows, columns]) it was made for. */
export interface TfjsTexture {
  texture: WebGLTexture;
  texShape: [number, number];
}

/** TF.js's record of one tensor's data on the WebGL backend (MathBackendWebGL texData). */
export interface TexData {
  shape: number[];
  dtype: string;
  values: ArrayLike<number> | null | unknown;
  texture: TfjsTexture | null;
  texShape: [number, number] | null;
  isPacked?: boolean;
  usage: number;
  refCount: number;
  slice?: { flatOffset: number; origDataId: DataId };
  complexTensorInfos?: unknown;
}

/** The parts of MathBackendWebGL the kernels use. */
export interface WebGLBackend {
  /** TF.js's GPGPUContext: its context, and the framebuffer its runner renders programs into. */
  gpgpu: { gl: WebGLRenderingContext | WebGL2RenderingContext; framebuffer?: WebGLFramebuffer };
  texData: { get(dataId: DataId): TexData; has(dataId: DataId): boolean };
  uploadToGPU(dataId: DataId): void;
  makeTensorInfo(shape: number[], dtype: DataType, values?: unknown): TensorInfo;
  disposeData(dataId: DataId, force?: boolean): boolean;
  /** The values of a tensor's data (read back from its texture), as TF.js's `dataSync`'s async twin gives them. */
  read(dataId: DataId): Promise<unknown>;
  disposeIntermediateTensorInfo(info: TensorInfo): void;
  activeTimers?: { name: string; query: unknown }[] | null;
  startTimer?(): unknown;
  endTimer?(query: unknown): unknown;
  getQueryTime?(query: unknown): Promise<number>;
}

/** TF.js's TextureUsage values of textures that are not float tensor data (PIXELS, DOWNLOAD). */
export const SPECIAL_USAGE = new Set([2, 3]);
