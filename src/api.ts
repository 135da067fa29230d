// The public types (see ../shared/API.md, the contract).
import type { Capabilities, DebugOptions } from './gl/capabilities';
import type { FusedOptions } from './semantics/fused';
import type { DataFormat, Padding } from './semantics/types';
import type { TuneOptions, TuneTable } from './tune/tuner';

export type { HostTensor, DataFormat, Padding } from './semantics/types';
export type { Capabilities, DebugOptions } from './gl/capabilities';
export type { Activation } from './semantics/fused';
export type { TuneOptions, TuneTable } from './tune/tuner';

/** Storage and render precision asked of `createContext`; `auto` takes the best the device has. */
export type Precision = 'auto' | 'float32' | 'float16';

/**
 * ContextOptions (and TfjsKernelOptions) take TuneOptions: `tune` (default true: where an op has
 * variants, the first calls of each layer shape time them on the device and keep the fastest;
 * false keeps the fixed choice), `tuneStorageKey` (keep the winners in localStorage under this
 * key across page loads) and `tuneTable` (start from a table `tuneTable()` returned).
 */
export interface ContextOptions extends TuneOptions {
  /** Made for you when absent (an OffscreenCanvas where available). */
  canvas?: HTMLCanvasElement | OffscreenCanvas;
  /** Share a WebGL2 context you already have. The library leaves it alive on dispose(). */
  gl?: WebGL2RenderingContext;
  /** Storage/render precision; 'auto' = the best the device has. */
  precision?: Precision;
  /**
   * Refuse a software renderer (SwiftShader, llvmpipe, ...) with an error, so an app can choose a
   * CPU path instead. Also asks the browser for a context without a major performance caveat.
   */
  failIfMajorPerformanceCaveat?: boolean;
  /**
   * Bytes of freed tensor textures kept for reuse by later textures of the same size (default
   * 64 MiB; 0 keeps none). memory() reports them apart; releasePool() frees them.
   */
  texturePoolBytes?: number;
  /** Test and debugging switches: pretend the device is smaller or lacks extensions. */
  debug?: DebugOptions;
}

/** Options of `ctx.tensor`: the data's dimension order (default `NHWC`). */
export interface TensorOptions {
  dataFormat?: DataFormat;
}

/** A 4-D float tensor held in a GPU texture of one context; read it back with `read()` / `readSync()`, free it with `dispose()`. */
export interface GLTensor {
  /** In its own dataFormat's order. */
  readonly shape: readonly number[];
  readonly dataFormat: DataFormat;
  readonly name: string | null;
  /** Resolves with the data in `shape` order; does not block the page while the GPU works. */
  read(): Promise<Float32Array>;
  /** The data in `shape` order, waiting for the GPU. */
  readSync(): Float32Array;
  /** Frees the GPU texture. Idempotent. */
  dispose(): void;
}

/** What `fromPixels` reads: anything texImage2D takes. */
export type PixelSource =
  | HTMLVideoElement | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas | ImageBitmap | ImageData | VideoFrame;

/** Options of `ctx.fromPixels`. */
export interface FromPixelsOptions {
  /** 1 = luma (0.299 R + 0.587 G + 0.114 B), 3 = RGB (default), 4 = RGBA. */
  channels?: 1 | 3 | 4;
  /** Shape [1, H, W, C] ('NHWC', default) or [1, C, H, W] ('NCHW'). */
  dataFormat?: DataFormat;
}

/** Options of `ctx.draw`: which channels, the value range, `abs`, the batch entry. */
export interface DrawOptions {
  /** One channel index (drawn grey) or 1-4 indices drawn as R, G, B(, A). Default: the first 3 (or 1, 2). */
  channels?: number | number[];
  /** Value mapped to black and to full intensity: [lo, hi], default [0, 1]; clamped. */
  range?: [number, number];
  /** Draw |value| (before `range`). */
  abs?: boolean;
  /** Which batch entry; default 0. */
  batch?: number;
}

/**
 * The optional 8th argument of depthwiseConv2d: out[..., oc] = activation(conv[..., oc] + bias[oc]),
 * in the same shader pass. bias and preluWeights hold C*M values (one per output channel
 * k*M + q): an array, or a GLTensor of shape [1, 1, 1, C*M] (NHWC) / [1, C*M, 1, 1] (NCHW).
 * alpha: leakyRelu's slope (default 0.2) or elu's scale (default 1).
 */
export type FusedEpilogue = FusedOptions<GLTensor>;

/** GPU resources a context holds (`ctx.memory()`, `TfjsKernels.memory()`). */
export interface MemoryInfo {
  /** Live tensors, and the textures and bytes they (and what is derived from them) hold. */
  tensors: number;
  textures: number;
  bytes: number;
  /** Freed textures kept for reuse (ContextOptions.texturePoolBytes), not counted above. */
  pooled: { textures: number; bytes: number };
}

/** A standalone depthwise-gl context (`createContext`): tensors, the convolution and its gradients, pixels in and out, memory. */
export interface DepthwiseContext {
  /** The WebGL2 context the library draws with (its own, or the one passed as `gl`). */
  readonly gl: WebGL2RenderingContext;
  /** What the device offers and which storage path is in use. */
  readonly capabilities: Capabilities;
  /** Uploads a 4-D tensor (input or `[fh, fw, C, M]` filter); `data.length` must equal the shape's product. */
  tensor(data: ArrayLike<number>, shape: number[], options?: TensorOptions): GLTensor;
  /** TensorFlow's `tf.nn.depthwise_conv2d` on the GPU, with an optional fused bias and activation (8th argument); the output stays on the GPU. */
  depthwiseConv2d(
    input: GLTensor,
    filter: GLTensor,
    strides: number[],
    padding: Padding,
    rate?: number[] | null,
    name?: string | null,
    dataFormat?: DataFormat | null,
    fused?: FusedEpilogue | null,
  ): GLTensor;
  /**
   * TensorFlow's tf.nn.depthwise_conv2d_backprop_input: the gradient with respect to the input.
   * `inputShape` and `outBackprop` in dataFormat order (default: outBackprop's own); result in dataFormat.
   */
  depthwiseConv2dBackpropInput(
    inputShape: number[],
    filter: GLTensor,
    outBackprop: GLTensor,
    strides: number[],
    padding: Padding,
    rate?: number[] | null,
    dataFormat?: DataFormat | null,
  ): GLTensor;
  /**
   * TensorFlow's tf.nn.depthwise_conv2d_backprop_filter: the gradient with respect to the filter,
   * summed over the batch and every output position. Result [fh, fw, C, M], NHWC-held.
   */
  depthwiseConv2dBackpropFilter(
    input: GLTensor,
    filterShape: number[],
    outBackprop: GLTensor,
    strides: number[],
    padding: Padding,
    rate?: number[] | null,
    dataFormat?: DataFormat | null,
  ): GLTensor;
  /** An image, video frame or canvas as a [1, H, W, C] tensor, values 0..1; stays on the GPU. */
  fromPixels(source: PixelSource, options?: FromPixelsOptions): GLTensor;
  /** Renders a tensor onto a canvas (resized to the tensor's W x H) without reading it back. */
  draw(tensor: GLTensor, canvas: HTMLCanvasElement | OffscreenCanvas, options?: DrawOptions): void;
  /** Live GPU resources made by this context. */
  memory(): MemoryInfo;
  /** Frees the textures kept for reuse (memory().pooled goes to zero); tensors are untouched. */
  releasePool(): void;
  /** The winners tuning kept (ContextOptions.tune), to pass as `tuneTable` to a later createContext. */
  tuneTable(): TuneTable;
  /** Frees everything this context made. Idempotent. */
  dispose(): void;
}
