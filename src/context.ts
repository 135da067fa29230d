import type { ContextOptions, DepthwiseContext, DrawOptions, FromPixelsOptions, GLTensor, PixelSource } from './api';
import { Core } from './core';
import { draw, fromPixels } from './ops/pixels';

/** Makes a context: the GL state, caches and every GPU resource of one user. */
export function createContext(options?: ContextOptions): DepthwiseContext {
  return new Context(options ?? {});
}

/** The standalone context: a core, and pixels in and out (images, video, canvases). */
class Context extends Core implements DepthwiseContext {
  fromPixels(source: PixelSource, options?: FromPixelsOptions): GLTensor {
    this.checkAlive('fromPixels');
    return fromPixels(this, source, options);
  }

  draw(tensor: GLTensor, canvas: HTMLCanvasElement | OffscreenCanvas, options?: DrawOptions): void {
    this.checkAlive('draw');
    draw(this, tensor, canvas, options);
  }
}
