import * as twgl from 'twgl.js';
import { toHalfBits } from '../layout/half';
import { encodeTexels, RGBA8_BLOCK } from '../layout/rgba8';
import type { TexelLayout } from '../layout/texels';

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
  readonly fbi: twgl.FramebufferInfo;
  readonly texture: WebGLTexture;
  readonly bytes: number;
}

/** Makes and frees tensor textures, and counts what is alive. */
export class TextureStore {
  count = 0;
  bytes = 0;

  /** The GL internal format, upload type and bytes of one texture texel, for `format`. */
  private readonly internalFormat: number;
  private readonly type: number;
  private readonly bytesPerTexel: number;

  constructor(private readonly gl: WebGL2RenderingContext, readonly format: StorageFormat) {
    this.internalFormat = format === 'float32' ? gl.RGBA32F : format === 'float16' ? gl.RGBA16F : gl.RGBA8;
    this.type = format === 'float32' ? gl.FLOAT : format === 'float16' ? gl.HALF_FLOAT : gl.UNSIGNED_BYTE;
    this.bytesPerTexel = format === 'float32' ? 16 : format === 'float16' ? 8 : 4;
  }

  /** A texture (and its framebuffer) for `layout`, filled with `texels` (width*height*4 floats) when given. */
  create(layout: TexelLayout, texels?: Float32Array): GpuTexture {
    const { gl, format, internalFormat, type } = this;
    const scale = storageScale(format);
    const width = layout.width * scale;
    const height = layout.height * scale;
    const fbi = twgl.createFramebufferInfo(gl, [{
      internalFormat, format: gl.RGBA, type, minMag: gl.NEAREST, wrap: gl.CLAMP_TO_EDGE,
    }], width, height);
    const texture = fbi.attachments[0] as WebGLTexture;
    if (texels) {
      gl.bindBuffer(gl.PIXEL_UNPACK_BUFFER, null);
      gl.pixelStorei(gl.UNPACK_ALIGNMENT, 4);
      gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
      gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
      gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);
      // float16 values are converted here (round to nearest even, saturating at ±65504), so the
      // result does not depend on the driver.
      const data = format === 'float32' ? texels : format === 'float16' ? toHalfBits(texels) : encodeTexels(texels, layout);
      gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, width, height, gl.RGBA, type, data);
    }
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    const bytes = width * height * this.bytesPerTexel;
    this.count++;
    this.bytes += bytes;
    return { layout, fbi, texture, bytes };
  }

  /**
   * A `layers`-layer texture array, `width` x `height`, with a framebuffer whose color attachment
   * k is layer k (all drawn to). Its `layout` is `layout` (the tensor it serves); counted like the
   * rest. Null when GL gives no texture or framebuffer (context lost).
   */
  createLayers(layout: TexelLayout, width: number, height: number, layers: number): GpuTexture | null {
    const { gl, format } = this;
    if (format === 'rgba8') throw new Error('createLayers: float storage only');
    const texture = gl.createTexture();
    const framebuffer = gl.createFramebuffer();
    if (!texture || !framebuffer) {
      gl.deleteTexture(texture);
      gl.deleteFramebuffer(framebuffer);
      return null;
    }
    gl.bindTexture(gl.TEXTURE_2D_ARRAY, texture);
    gl.texParameteri(gl.TEXTURE_2D_ARRAY, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D_ARRAY, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
    gl.texStorage3D(gl.TEXTURE_2D_ARRAY, 1, this.internalFormat, width, height, layers);
    gl.bindTexture(gl.TEXTURE_2D_ARRAY, null);
    gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
    const buffers: number[] = [];
    for (let k = 0; k < layers; k++) {
      gl.framebufferTextureLayer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0 + k, texture, 0, k);
      buffers.push(gl.COLOR_ATTACHMENT0 + k);
    }
    gl.drawBuffers(buffers);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    const bytes = width * height * layers * this.bytesPerTexel;
    this.count++;
    this.bytes += bytes;
    const fbi = { framebuffer, attachments: [texture], width, height } as twgl.FramebufferInfo;
    return { layout, fbi, texture, bytes };
  }

  free(tex: GpuTexture): void {
    this.gl.deleteFramebuffer(tex.fbi.framebuffer);
    this.gl.deleteTexture(tex.texture);
    this.count--;
    this.bytes -= tex.bytes;
  }
}
