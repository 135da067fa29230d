import { bindFramebufferInfo, type FramebufferInfo } from 'twgl.js';
import { DepthwiseGLError } from '../errors';

/**
 * What to read: a framebuffer of `width` x `height` texels (one color attachment, a 2-D texture),
 * holding floats (RGBA32F / RGBA16F, read as FLOAT) or bytes (RGBA8, read as UNSIGNED_BYTE: 4
 * bytes a texel). Layered tensors are flattened before they are read (Core.downloadSource).
 */
export interface ReadSource {
  fbi: FramebufferInfo;
  width: number;
  height: number;
  bytes: boolean;
}

/** The pixels as a typed array over the whole framebuffer: floats, or bytes. */
function pixelArray(src: ReadSource): Float32Array | Uint8Array {
  const n = src.width * src.height * 4;
  return src.bytes ? new Uint8Array(n) : new Float32Array(n);
}

/** readPixels of the whole framebuffer into an array, or at byte offset 0 of the bound pixel-pack buffer. */
function readPixelsInto(gl: WebGL2RenderingContext, src: ReadSource, dst: ArrayBufferView | 0): void {
  bindFramebufferInfo(gl, src.fbi, gl.READ_FRAMEBUFFER);
  gl.pixelStorei(gl.PACK_ALIGNMENT, 4);
  const type = src.bytes ? gl.UNSIGNED_BYTE : gl.FLOAT;
  if (dst === 0) gl.readPixels(0, 0, src.width, src.height, gl.RGBA, type, 0);
  else gl.readPixels(0, 0, src.width, src.height, gl.RGBA, type, dst);
  gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
}

/**
 * Reads a whole framebuffer into a new array, blocking until the GPU is done: one readPixels
 * straight into it (through a pixel-pack buffer and getBufferSubData it took twice as long on
 * Firefox, bench/RESULTS.md "Readback").
 */
export function readPixelsSync(gl: WebGL2RenderingContext, src: ReadSource): Float32Array | Uint8Array {
  const out = pixelArray(src);
  gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
  readPixelsInto(gl, src, out);
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

  /**
   * Starts reading `src` into a pixel-pack buffer; `src` may be reused or freed as soon as this
   * returns (the copy is queued on the GPU).
   */
  read(src: ReadSource): Promise<Float32Array | Uint8Array> {
    const { gl } = this;
    const byteLength = src.width * src.height * 4 * (src.bytes ? 1 : 4);
    const buffer = gl.createBuffer();
    if (!buffer) return Promise.reject(new DepthwiseGLError('read: could not create a pixel-pack buffer (is the context lost?)'));
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, buffer);
    gl.bufferData(gl.PIXEL_PACK_BUFFER, byteLength, gl.STREAM_READ);
    readPixelsInto(gl, src, 0);
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
    const sync = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
    if (!sync) {
      gl.deleteBuffer(buffer);
      return Promise.reject(new DepthwiseGLError('read: could not create a fence (is the context lost?)'));
    }
    gl.flush();
    return new Promise<Float32Array | Uint8Array>((resolve, reject) => {
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
        const out = pixelArray(src);
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
