import * as twgl from 'twgl.js';
import { DepthwiseGLError } from '../errors';
import type { GpuTexture } from './textures';

/** Reads a whole tensor texture, blocking until the GPU is done. */
export function readTexelsSync(gl: WebGL2RenderingContext, tex: GpuTexture): Float32Array {
  const { width, height } = tex.layout;
  const out = new Float32Array(width * height * 4);
  twgl.bindFramebufferInfo(gl, tex.fbi, gl.READ_FRAMEBUFFER);
  gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
  gl.pixelStorei(gl.PACK_ALIGNMENT, 4);
  gl.readPixels(0, 0, width, height, gl.RGBA, gl.FLOAT, out);
  gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
  return out;
}

/** One asynchronous read in flight: a pixel-pack buffer and the fence that says it is filled. */
interface PendingRead {
  buffer: WebGLBuffer;
  sync: WebGLSync;
  timer: ReturnType<typeof setTimeout> | undefined;
  reject: (e: Error) => void;
}

/**
 * Reads tensor textures without blocking the page: readPixels into a PIXEL_PACK_BUFFER, a fence,
 * flush, then poll the fence from timers and copy out with getBufferSubData once it has passed.
 */
export class AsyncReader {
  private readonly pending = new Set<PendingRead>();

  constructor(private readonly gl: WebGL2RenderingContext) {}

  get inFlight(): number {
    return this.pending.size;
  }

  read(tex: GpuTexture): Promise<Float32Array> {
    const { gl } = this;
    const { width, height } = tex.layout;
    const byteLength = width * height * 16;
    const buffer = gl.createBuffer();
    if (!buffer) return Promise.reject(new DepthwiseGLError('read: could not create a pixel-pack buffer (is the context lost?)'));
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, buffer);
    gl.bufferData(gl.PIXEL_PACK_BUFFER, byteLength, gl.STREAM_READ);
    twgl.bindFramebufferInfo(gl, tex.fbi, gl.READ_FRAMEBUFFER);
    gl.pixelStorei(gl.PACK_ALIGNMENT, 4);
    gl.readPixels(0, 0, width, height, gl.RGBA, gl.FLOAT, 0);
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
    const sync = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
    if (!sync) {
      gl.deleteBuffer(buffer);
      return Promise.reject(new DepthwiseGLError('read: could not create a fence (is the context lost?)'));
    }
    gl.flush();
    return new Promise<Float32Array>((resolve, reject) => {
      const entry: PendingRead = { buffer, sync, timer: undefined, reject };
      this.pending.add(entry);
      let delay = 0;
      const poll = () => {
        entry.timer = undefined;
        if (gl.isContextLost()) {
          this.finish(entry);
          reject(new DepthwiseGLError('read: the WebGL context was lost before the read finished; the data is gone'));
          return;
        }
        const status = gl.clientWaitSync(sync, 0, 0);
        if (status === gl.WAIT_FAILED) {
          this.finish(entry);
          reject(new DepthwiseGLError('read: waiting for the GPU failed (is the context lost?)'));
          return;
        }
        if (status === gl.TIMEOUT_EXPIRED) {
          delay = Math.min(delay + 1, 8);
          entry.timer = setTimeout(poll, delay);
          return;
        }
        const out = new Float32Array(width * height * 4);
        gl.bindBuffer(gl.PIXEL_PACK_BUFFER, buffer);
        gl.getBufferSubData(gl.PIXEL_PACK_BUFFER, 0, out);
        gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
        this.finish(entry);
        resolve(out);
      };
      entry.timer = setTimeout(poll, 0);
    });
  }

  private finish(entry: PendingRead): void {
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    this.gl.deleteSync(entry.sync);
    this.gl.deleteBuffer(entry.buffer);
    this.pending.delete(entry);
  }

  /** Rejects every read in flight with `error` and frees their buffers and fences. */
  cancelAll(error: Error): void {
    for (const entry of [...this.pending]) {
      this.finish(entry);
      entry.reject(error);
    }
  }
}
