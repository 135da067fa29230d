import type { GLTensor } from './api';
import type { GpuTexture } from './gl/textures';
import { layerCount } from './layout/texels';
import type { DataFormat } from './semantics/types';

/** What a tensor needs from the context that made it. */
export interface TensorOwner {
  readTensor(t: Tensor): Promise<Float32Array>;
  /** Absent in the TF.js kernels' host, whose tensors no app reads. */
  readTensorSync?(t: Tensor): Float32Array;
  releaseTensor(t: Tensor): void;
  /**
   * A layered texture laid out flat (one pass into a new texture); the owner frees the layered
   * one. Absent in the TF.js kernels' host, which never takes a layered tensor as an input.
   */
  flatten?(layered: GpuTexture): GpuTexture;
}

/** A tensor whose data lives in a texture of one context, in the texel layout. */
export class Tensor implements GLTensor {
  readonly shape: readonly number[];
  /**
   * Textures made from this one and owned by it (e.g. a filter repacked for the convolution),
   * freed with it. Keyed by what they are.
   */
  readonly derived = new Map<string, GpuTexture>();
  private texture: GpuTexture | null;
  /** Why the texture is gone: freed by the user, or lost with the WebGL context. */
  private gone: 'disposed' | 'lost' | null = null;

  constructor(
    readonly owner: TensorOwner,
    texture: GpuTexture,
    shape: readonly number[],
    readonly dataFormat: DataFormat,
    readonly name: string | null,
  ) {
    this.texture = texture;
    this.shape = Object.freeze([...shape]);
  }

  get disposed(): boolean {
    return this.texture === null;
  }

  /** True when the texture went with a lost WebGL context (rather than by dispose()). */
  get lost(): boolean {
    return this.gone === 'lost';
  }

  /**
   * The texture in a flat (2D) layout, which every shader reads; callers check `disposed` first
   * (the context's checkTensor does). A tensor an op left in a layered layout (see
   * layout/texels.ts) is laid out flat here, once, by a GPU pass: its texture is replaced.
   */
  get tex(): GpuTexture {
    const t = this.stored;
    if (layerCount(t.layout) === 1) return t;
    // (A TypeError where the owner has no flatten, the TF.js kernels' core: its calls fall back.)
    this.texture = this.owner.flatten!(t);
    return this.texture;
  }

  /** The texture as it is, possibly layered (the TF.js export and the tuner's barrier read either). */
  get stored(): GpuTexture {
    if (!this.texture) throw new Error('internal: texture of a disposed tensor');
    return this.texture;
  }

  /** Called by the owner when it frees the texture, or when the context lost it. */
  detach(reason: 'disposed' | 'lost' = 'disposed'): void {
    this.texture = null;
    this.derived.clear();
    this.gone = reason;
  }

  read(): Promise<Float32Array> {
    return this.owner.readTensor(this);
  }

  readSync(): Float32Array {
    // (Only the standalone context's tensors reach an app; every one of them reads synchronously.)
    return this.owner.readTensorSync!(this);
  }

  dispose(): void {
    if (this.texture) this.owner.releaseTensor(this);
  }

  toString(): string {
    return `GLTensor(${this.name ?? 'unnamed'}, [${this.shape.join(', ')}], ${this.dataFormat}${this.gone ? `, ${this.gone}` : ''})`;
  }
}
