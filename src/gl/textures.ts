import * as twgl from 'twgl.js';
import { toHalfBits } from '../layout/half';
import type { TexelLayout } from '../layout/texels';

export type StorageFormat = 'float32' | 'float16';

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
  private readonly internalFormat: number;
  private readonly bytesPerTexel: number;

  constructor(private readonly gl: WebGL2RenderingContext, readonly format: StorageFormat) {
    this.internalFormat = format === 'float32' ? gl.RGBA32F : gl.RGBA16F;
    this.bytesPerTexel = format === 'float32' ? 16 : 8;
  }

  /** A texture (and its framebuffer) for `layout`, filled with `texels` (width*height*4 floats) when given. */
  create(layout: TexelLayout, texels?: Float32Array): GpuTexture {
    const { gl } = this;
    const fbi = twgl.createFramebufferInfo(gl, [{
      internalFormat: this.internalFormat,
      format: gl.RGBA,
      type: gl.FLOAT,
      minMag: gl.NEAREST,
      wrap: gl.CLAMP_TO_EDGE,
    }], layout.width, layout.height);
    const texture = fbi.attachments[0] as WebGLTexture;
    if (texels) {
      gl.bindBuffer(gl.PIXEL_UNPACK_BUFFER, null);
      gl.pixelStorei(gl.UNPACK_ALIGNMENT, 4);
      gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
      gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
      if (this.format === 'float16') {
        // Converted here, so overflow (to ±Infinity) and rounding do not depend on the driver.
        gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, layout.width, layout.height, gl.RGBA, gl.HALF_FLOAT, toHalfBits(texels));
      } else {
        gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, layout.width, layout.height, gl.RGBA, gl.FLOAT, texels);
      }
    }
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    const bytes = layout.width * layout.height * this.bytesPerTexel;
    this.count++;
    this.bytes += bytes;
    return { layout, fbi, texture, bytes };
  }

  free(tex: GpuTexture): void {
    this.gl.deleteFramebuffer(tex.fbi.framebuffer);
    this.gl.deleteTexture(tex.texture);
    this.count--;
    this.bytes -= tex.bytes;
  }
}
