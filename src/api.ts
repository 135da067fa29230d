// The public types (see ../shared/API.md, the contract).
import type { Capabilities, DebugOptions } from './gl/capabilities';
import type { DataFormat, Padding } from './semantics/types';

export type { HostTensor, DataFormat, Padding } from './semantics/types';
export type { Capabilities, DebugOptions } from './gl/capabilities';

export type Precision = 'auto' | 'float32' | 'float16';

export interface ContextOptions {
  /** Made for you when absent (an OffscreenCanvas where available). */
  canvas?: HTMLCanvasElement | OffscreenCanvas;
  /** Share a WebGL2 context you already have. The library leaves it alive on dispose(). */
  gl?: WebGL2RenderingContext;
  /** Storage/render precision; 'auto' = the best the device has. */
  precision?: Precision;
  /** Test and debugging switches: pretend the device is smaller or lacks extensions. */
  debug?: DebugOptions;
}

export interface TensorOptions {
  dataFormat?: DataFormat;
}

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

export interface MemoryInfo {
  tensors: number;
  textures: number;
  bytes: number;
}

export interface DepthwiseContext {
  readonly gl: WebGL2RenderingContext;
  readonly capabilities: Capabilities;
  tensor(data: ArrayLike<number>, shape: number[], options?: TensorOptions): GLTensor;
  depthwiseConv2d(
    input: GLTensor,
    filter: GLTensor,
    strides: number[],
    padding: Padding,
    rate?: number[] | null,
    name?: string | null,
    dataFormat?: DataFormat | null,
  ): GLTensor;
  /** Live GPU resources made by this context. */
  memory(): MemoryInfo;
  /** Frees everything this context made. Idempotent. */
  dispose(): void;
}
