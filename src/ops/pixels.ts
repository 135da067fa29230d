// fromPixels (image/video/canvas -> tensor) and draw (tensor -> canvas), both on the GPU only.
import { runPassTo } from '../gl/pass';
import type { DrawOptions, FromPixelsOptions, GLTensor, PixelSource } from '../api';
import type { OpContext } from './host';
import { fail, show } from '../errors';
import type { DataFormat } from '../semantics/types';
import { checkDataFormat, fromNHWC } from '../semantics/validate';
import type { Tensor } from '../tensor';
import { DRAW_FRAG, FROM_PIXELS_FRAG } from '../gl/sources';

const has = (name: string): boolean => typeof (globalThis as Record<string, unknown>)[name] !== 'undefined';
const isA = (v: unknown, name: string): boolean =>
  has(name) && v instanceof ((globalThis as Record<string, unknown>)[name] as new () => unknown);

/** Width and height of a pixel source; throws when it has no pixels yet. */
function sourceSize(fn: string, src: unknown): [number, number] {
  let w: number;
  let h: number;
  if (isA(src, 'HTMLVideoElement')) {
    const v = src as HTMLVideoElement;
    if (v.readyState < 2) {
      fail(fn, 'source', `is a video with no frame yet (readyState ${v.readyState}); wait for its 'loadeddata' event`);
    }
    [w, h] = [v.videoWidth, v.videoHeight];
  } else if (isA(src, 'HTMLImageElement')) {
    const img = src as HTMLImageElement;
    if (!img.complete) fail(fn, 'source', `is an image that has not loaded yet (${show(img.src.slice(0, 60))}); wait for img.decode()`);
    [w, h] = [img.naturalWidth, img.naturalHeight];
  } else if (isA(src, 'VideoFrame')) {
    const f = src as { displayWidth: number; displayHeight: number };
    [w, h] = [f.displayWidth, f.displayHeight];
  } else if (isA(src, 'HTMLCanvasElement') || isA(src, 'OffscreenCanvas') || isA(src, 'ImageBitmap') || isA(src, 'ImageData')) {
    const s = src as { width: number; height: number };
    [w, h] = [s.width, s.height];
  } else {
    fail(fn, 'source', `must be an HTMLVideoElement, HTMLImageElement, HTMLCanvasElement, OffscreenCanvas, ImageBitmap, ImageData or VideoFrame; got ${show(src)}`);
  }
  if (!(w > 0 && h > 0)) fail(fn, 'source', `has no pixels (it is ${w}x${h}); a video needs its first frame, an image must be loaded`);
  return [w, h];
}

/**
 * `ctx.fromPixels`: uploads the source with texImage2D into an RGBA8 texture (browser to GPU, no
 * copy through script), then one pass writes it into the texel layout as [1, H, W, C] (NHWC, or
 * [1, C, H, W] with `dataFormat: 'NCHW'`), values 0..1.
 */
export function fromPixels(ctx: OpContext, source: PixelSource, options?: FromPixelsOptions): Tensor {
  const fn = 'fromPixels';
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    fail(fn, 'options', `must be an object like { channels: 3 }; got ${show(options)}`);
  }
  const channels = options?.channels ?? 3;
  if (channels !== 1 && channels !== 3 && channels !== 4) fail(fn, 'options.channels', `must be 1, 3 or 4; got ${show(channels)}`);
  const fmt: DataFormat = checkDataFormat(fn, 'options.dataFormat', options?.dataFormat ?? 'NHWC');
  const [w, h] = sourceSize(fn, source);
  const max = ctx.capabilities.maxTextureSize;
  if (w > max || h > max) fail(fn, 'source', `is ${w}x${h}, larger than MAX_TEXTURE_SIZE ${max}`);
  const nhwc = [1, h, w, channels];
  const layout = ctx.layoutFor(fn, 'source', nhwc);

  // GPU work starts here.
  const { gl } = ctx;
  const staging = gl.createTexture();
  if (!staging) fail(fn, 'source', 'could not get a texture to upload into (is the context lost?)');
  try {
    gl.bindTexture(gl.TEXTURE_2D, staging);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    gl.bindBuffer(gl.PIXEL_UNPACK_BUFFER, null);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 4);
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);  // texel row 0 = the image's top row
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, gl.RGBA, gl.UNSIGNED_BYTE, source as TexImageSource);
    gl.bindTexture(gl.TEXTURE_2D, null);
    const program = ctx.programs.get(FROM_PIXELS_FRAG, {
      SRC_W: w, C: channels, OUT_TEX_W: layout.width, OUT_TEXELS: layout.texels,
    });
    const out = ctx.textures.create(layout);
    ctx.pass(program, { u_pixels: staging }, out);
    return ctx.adopt(out, fromNHWC(nhwc, fmt), fmt, null);
  } finally {
    // GL keeps the texture alive until the pass that reads it has run.
    gl.deleteTexture(staging);
  }
}

function isCanvas(v: unknown): v is HTMLCanvasElement | OffscreenCanvas {
  return isA(v, 'HTMLCanvasElement') || isA(v, 'OffscreenCanvas');
}

/** The channels to show as [r, g, b, a] (-1 = none) and whether it is one grey channel. */
function pickChannels(fn: string, c: number, arg: unknown): { lanes: number[]; gray: boolean } {
  let list: number[];
  if (arg === undefined || arg === null) list = c === 1 ? [0] : c === 2 ? [0, 1] : [0, 1, 2];
  else if (typeof arg === 'number') list = [arg];
  else if (Array.isArray(arg) && arg.length >= 1 && arg.length <= 4) list = arg as number[];
  else fail(fn, 'options.channels', `must be a channel index or an array of 1 to 4 channel indices; got ${show(arg)}`);
  list.forEach((k) => {
    if (!(Number.isInteger(k) && k >= 0 && k < c)) {
      fail(fn, 'options.channels', `must name channels 0..${c - 1} of the tensor; got ${show(arg)}`);
    }
  });
  const lanes = [...list];
  while (lanes.length < 4) lanes.push(-1);
  return { lanes, gray: list.length === 1 };
}

/**
 * `ctx.draw`: renders one batch entry of `tensor` onto `canvas` as a W x H image, on the GPU.
 * Onto the context's own canvas it renders directly; onto any other canvas it renders into the
 * context's canvas (grown to at least W x H, drawn in its bottom-left corner) and copies that
 * with the target's 2D `drawImage`.
 * Either way the canvas is resized to the tensor's width x height (scale it with CSS).
 */
export function draw(ctx: OpContext, tensor: GLTensor, canvas: HTMLCanvasElement | OffscreenCanvas, options?: DrawOptions): void {
  const fn = 'draw';
  const t = ctx.checkTensor(fn, 'tensor', tensor);
  if (!isCanvas(canvas)) fail(fn, 'canvas', `must be an HTMLCanvasElement or OffscreenCanvas; got ${show(canvas)}`);
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    fail(fn, 'options', `must be an object like { channels: [0, 1, 2], range: [0, 1] }; got ${show(options)}`);
  }
  const [n, h, w, c] = t.stored.layout.shape;
  const { lanes, gray } = pickChannels(fn, c, options?.channels);
  const range = options?.range ?? [0, 1];
  if (!Array.isArray(range) || range.length !== 2 || !range.every(Number.isFinite) || range[0] === range[1]) {
    fail(fn, 'options.range', `must be [lo, hi], two different finite numbers; got ${show(range)}`);
  }
  const batch = options?.batch ?? 0;
  if (!(Number.isInteger(batch) && batch >= 0 && batch < n)) fail(fn, 'options.batch', `must be an integer in 0..${n - 1}; got ${show(batch)}`);

  const { gl } = ctx;
  const own = gl.canvas as HTMLCanvasElement | OffscreenCanvas;
  let target2d: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null = null;
  if (canvas !== own) {
    target2d = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
    if (!target2d) fail(fn, 'canvas', 'already has a non-2D context (WebGL?); draw onto a fresh canvas, or onto ctx.gl.canvas itself');
  }

  // GPU work starts here.
  if (target2d) {
    // Only grow the context's canvas (resizing reallocates its drawing buffer); draw into its
    // bottom-left w x h corner and copy that corner.
    if (own.width < w) own.width = w;
    if (own.height < h) own.height = h;
  } else {
    if (own.width !== w) own.width = w;
    if (own.height !== h) own.height = h;
  }
  const layout = t.tex.layout;
  const program = ctx.programs.get(DRAW_FRAG, {});
  // A vertex array of our own (the app's default one may have attributes enabled); the canvas is
  // framebuffer null.
  const vao = gl.createVertexArray();
  if (!vao) fail(fn, 'canvas', 'could not get a vertex array (is the context lost?)');
  try {
    runPassTo(gl, vao, program, {
      u_tensor: t.tex.texture,
      u_shape: [h, w, layout.c4],
      u_texW: layout.width,
      u_channels: lanes,
      u_batch: batch,
      u_gray: gray ? 1 : 0,
      u_abs: options?.abs ? 1 : 0,
      u_range: range,
    }, null, w, h);
  } finally {
    gl.deleteVertexArray(vao);
  }
  if (target2d) {
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    target2d.globalCompositeOperation = 'copy';
    target2d.drawImage(own, 0, own.height - h, w, h, 0, 0, w, h);
    target2d.globalCompositeOperation = 'source-over';
  }
}
