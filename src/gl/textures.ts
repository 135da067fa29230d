import type { FramebufferInfo } from 'twgl.js';
import { toHalfBits } from '../layout/half';
import { RGBA8_BLOCK } from '../layout/rgba8';
import { DepthwiseGLError } from '../errors';
import { layerCount, type TexelLayout } from '../layout/texels';

/**
 * How tensor texels are stored: RGBA32F; RGBA16F (float16); or RGBA8 with each float's 32 bits
 * in the bytes of one texel, four texels (a 2x2 block) per logical texel (see layout/rgba8.ts).
 */
export type StorageFormat = 'float32' | 'float16' | 'rgba8';

/** The STORAGE define that glsl/layout.glsl reads. */
export const STORAGE_DEFINE: Record<StorageFormat, number> = { float32: 0, float16: 1, rgba8: 2 };

/** How many texture texels one logical texel takes in each direction. */
export function storageScale(format: StorageFormat): number {
  return format === 'rgba8' ? RGBA8_BLOCK : 1;
}

/** A texture holding one tensor in the texel layout, with the framebuffer that renders into it. */
export interface GpuTexture {
  readonly layout: TexelLayout;
  readonly fbi: FramebufferInfo;
  /** A TEXTURE_2D, or a TEXTURE_2D_ARRAY for a layered layout. */
  readonly texture: WebGLTexture;
  readonly bytes: number;
}

/** A texture kept for reuse: its GL objects and the size they were made for. */
interface Pooled {
  readonly fbi: FramebufferInfo;
  readonly texture: WebGLTexture;
  readonly bytes: number;
}

/** Texture bytes a store keeps for reuse unless told otherwise (ContextOptions.texturePoolBytes). */
export const DEFAULT_POOL_BYTES = 64 * 1024 * 1024;

/**
 * Makes and frees tensor textures, and counts what is alive. Freed textures are kept for reuse
 * by the next texture of the same size (up to `poolBytes` in all; over that, textures go by
 * size, the size pooled longest first, and oldest first within a size): on
 * SwiftShader a fresh texture's allocation and first render cost as much as a small layer's
 * convolution (bench/RESULTS.md). `count`/`bytes` are the textures in use; `pooledCount`/
 * `pooledBytes` what is kept.
 */
export class TextureStore {
  count = 0;
  bytes = 0;
  pooledCount = 0;
  pooledBytes = 0;

  /** The GL internal format, upload type and bytes of one texture texel, for `format`. */
  private readonly internalFormat: number;
  private readonly type: number;
  private readonly bytesPerTexel: number;
  /** Freed textures by size key (see sizeKey), in the order they were freed. */
  private readonly pool = new Map<string, Pooled[]>();

  constructor(
    private readonly gl: WebGL2RenderingContext,
    readonly format: StorageFormat,
    readonly poolBytes = DEFAULT_POOL_BYTES,
    /** RGBA8 storage's upload encoding (layout/rgba8.ts encodeTexels); only the standalone context stores RGBA8. */
    private readonly encodeRgba8?: (texels: Float32Array, layout: TexelLayout) => Uint8Array,
  ) {
    this.internalFormat = format === 'float32' ? gl.RGBA32F : format === 'float16' ? gl.RGBA16F : gl.RGBA8;
    this.type = format === 'float32' ? gl.FLOAT : format === 'float16' ? gl.HALF_FLOAT : gl.UNSIGNED_BYTE;
    this.bytesPerTexel = format === 'float32' ? 16 : format === 'float16' ? 8 : 4;
  }

  /**
   * A texture (and its framebuffer) for `layout`, filled with `texels` (width*height*4 floats)
   * when given; without them its contents are undefined (every op overwrites its whole output).
   * A layered layout gives a texture array whose framebuffer draws to every layer (attachment k
   * is layer k). Throws when GL makes no texture (context lost).
   */
  create(layout: TexelLayout, texels?: Float32Array): GpuTexture {
    const layers = layerCount(layout);
    if (texels && layers > 1) throw new Error('TextureStore.create: layered textures are not uploaded');
    const scale = storageScale(this.format);
    const width = layout.width * scale;
    const height = layout.height * scale;
    const made = this.reuse(width, height, layers) ?? this.make(width, height, layers);
    if (texels) this.upload(made.texture, width, height, layout, texels);
    this.count++;
    this.bytes += made.bytes;
    return { layout, fbi: made.fbi, texture: made.texture, bytes: made.bytes };
  }

  /** Gives `tex` back: kept for reuse while the pool has room, else deleted. */
  free(tex: GpuTexture): void {
    this.count--;
    this.bytes -= tex.bytes;
    if (tex.bytes > this.poolBytes) {
      this.destroy(tex);
      return;
    }
    const key = sizeKey(tex.fbi.width, tex.fbi.height, layerCount(tex.layout));
    let list = this.pool.get(key);
    if (!list) this.pool.set(key, (list = []));
    list.push({ fbi: tex.fbi, texture: tex.texture, bytes: tex.bytes });
    this.pooledCount++;
    this.pooledBytes += tex.bytes;
    this.trim(this.poolBytes);
  }

  /** Deletes kept textures (the size pooled longest first, oldest first within it) until they hold at most `maxBytes`. */
  trim(maxBytes = 0): void {
    for (const [key, list] of this.pool) {
      while (this.pooledBytes > maxBytes && list.length) {
        const old = list.shift()!;
        this.pooledCount--;
        this.pooledBytes -= old.bytes;
        this.destroy(old);
      }
      if (!list.length) this.pool.delete(key);
      if (this.pooledBytes <= maxBytes) return;
    }
  }

  private reuse(width: number, height: number, layers: number): Pooled | undefined {
    const list = this.pool.get(sizeKey(width, height, layers));
    const hit = list?.pop();
    if (hit) {
      this.pooledCount--;
      this.pooledBytes -= hit.bytes;
    }
    return hit;
  }

  /**
   * A texture (TEXTURE_2D, or TEXTURE_2D_ARRAY when `layers` > 1; NEAREST filtering) with a
   * framebuffer whose colour attachments are its layers. Made with GL calls, not twgl's
   * createFramebufferInfo, which would bring all of twgl's texture loading into the bundle.
   */
  private make(width: number, height: number, layers: number): Pooled {
    const { gl } = this;
    if (layers > 1 && this.format === 'rgba8') throw new Error('TextureStore: layered textures need float storage');
    const target = layers > 1 ? gl.TEXTURE_2D_ARRAY : gl.TEXTURE_2D;
    const texture = gl.createTexture();
    const framebuffer = gl.createFramebuffer();
    if (!texture || !framebuffer) {
      gl.deleteTexture(texture);
      gl.deleteFramebuffer(framebuffer);
      throw new DepthwiseGLError('TextureStore: GL made no texture (is the context lost?)');
    }
    gl.bindTexture(target, texture);
    gl.texParameteri(target, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texParameteri(target, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
    gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
    if (layers > 1) {
      gl.texStorage3D(target, 1, this.internalFormat, width, height, layers);
      const buffers: number[] = [];
      for (let k = 0; k < layers; k++) {
        gl.framebufferTextureLayer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0 + k, texture, 0, k);
        buffers.push(gl.COLOR_ATTACHMENT0 + k);
      }
      gl.drawBuffers(buffers);
    } else {
      gl.texParameteri(target, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
      gl.texParameteri(target, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
      gl.texImage2D(target, 0, this.internalFormat, width, height, 0, gl.RGBA, this.type, null);
      gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, target, texture, 0);
    }
    gl.bindTexture(target, null);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    const fbi = { framebuffer, attachments: [texture], width, height } as FramebufferInfo;
    return { fbi, texture, bytes: width * height * layers * this.bytesPerTexel };
  }

  private upload(texture: WebGLTexture, width: number, height: number, layout: TexelLayout, texels: Float32Array): void {
    const { gl, format, type } = this;
    gl.bindTexture(gl.TEXTURE_2D, texture);
    gl.bindBuffer(gl.PIXEL_UNPACK_BUFFER, null);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 4);
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);
    // float16 values are converted here (round to nearest even, saturating at ±65504), so the
    // result does not depend on the driver.
    const data = format === 'float32' ? texels : format === 'float16' ? toHalfBits(texels) : this.encodeRgba8!(texels, layout);
    gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, width, height, gl.RGBA, type, data);
    gl.bindTexture(gl.TEXTURE_2D, null);
  }

  private destroy(t: Pooled): void {
    this.gl.deleteFramebuffer(t.fbi.framebuffer);
    this.gl.deleteTexture(t.texture);
  }
}

function sizeKey(width: number, height: number, layers: number): string {
  return `${width}x${height}x${layers}`;
}
