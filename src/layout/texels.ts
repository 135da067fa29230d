import { fail } from '../errors';

/**
 * The texel layout: the one place that decides where a tensor element lives in a texture.
 * `glsl/layout.glsl` mirrors it; keep the two in step.
 *
 * A tensor is held as a logical NHWC shape [N, H, W, C] (NCHW tensors are reordered on upload
 * and readback). Four consecutive channels share one RGBA texel, so a pixel takes C4 = ceil(C/4)
 * texels and element (n, h, w, c) lives in texel
 *
 *     t = ((n * H + h) * W + w) * C4 + floor(c / 4),   component c % 4.
 *
 * The texels run row by row over a roughly square texture, so no single dimension of the
 * tensor is limited by MAX_TEXTURE_SIZE:
 *
 *     x = t % width,  y = floor(t / width).
 *
 * Components past C in the last texel of a pixel, and texels past the end, hold zero.
 *
 * Any width gives the same t; uploads and op outputs ask for a row-aligned width
 * ({@link rowAlignedLayout}): width = W * C4, one image row per texture row, so pixel (n, h, w)
 * starts at column w * C4 of row n * H + h and a shader finds it without dividing. It is used
 * only where W * C4 and N * H both fit under MAX_TEXTURE_SIZE (else the wrapped one above);
 * everything that reads a layout uses its `width`, so tensors of either kind mix freely.
 *
 * A layered layout ({@link layeredLayout}, `layers` = L > 1) is what the wide convolution shader
 * writes: a texture array of L layers, each ceil(W / L) * C4 wide and N * H high, pixel
 * (n, h, w) at layer w % L, column floor(w / L) * C4 of row n * H + h (pixels past W in the last
 * column group hold anything). It is only ever an op's output: readback and everything else read
 * it after one pass that lays it out flat again (see Tensor.tex).
 */
export interface TexelLayout {
  /** Logical NHWC shape. */
  readonly shape: readonly [number, number, number, number];
  /** Texels per pixel: ceil(C / 4). */
  readonly c4: number;
  /** Texels in use: N * H * W * C4. */
  readonly texels: number;
  readonly width: number;
  readonly height: number;
  /** Layers of a texture array (layered layout), or absent for a 2D texture. */
  readonly layers?: number;
}

export function texelLayout(nhwc: readonly number[], maxTextureSize: number, what = 'tensor'): TexelLayout {
  const [n, h, w, c] = nhwc;
  const c4 = Math.ceil(c / 4);
  const texels = n * h * w * c4;
  const width = Math.min(maxTextureSize, Math.max(1, Math.ceil(Math.sqrt(texels))));
  const height = Math.ceil(texels / width);
  if (height > maxTextureSize) {
    fail('texelLayout', what, `of NHWC shape [${nhwc.join(', ')}] needs ${texels} RGBA texels, more than one ` +
      `${maxTextureSize}x${maxTextureSize} texture holds (${maxTextureSize * maxTextureSize}; MAX_TEXTURE_SIZE is ${maxTextureSize})`);
  }
  return { shape: [n, h, w, c], c4, texels, width, height };
}

/**
 * The row-aligned layout of `nhwc` (width = W * C4, height = N * H) when both fit under
 * `maxTextureSize`, else the ordinary one ({@link texelLayout}). Check with {@link isRowAligned}.
 */
export function rowAlignedLayout(nhwc: readonly number[], maxTextureSize: number, what = 'tensor'): TexelLayout {
  const standard = texelLayout(nhwc, maxTextureSize, what);
  const [n, h, w] = standard.shape;
  const width = w * standard.c4;
  const height = n * h;
  if (width > maxTextureSize || height > maxTextureSize) return standard;
  return { ...standard, width, height };
}

/**
 * The layered layout of `nhwc` in `layers` layers (see the top of this file), or null when a
 * layer would not fit under `maxTextureSize`.
 */
export function layeredLayout(nhwc: readonly number[], layers: number, maxTextureSize: number): TexelLayout | null {
  const [n, h, w, c] = nhwc;
  const c4 = Math.ceil(c / 4);
  const width = Math.ceil(w / layers) * c4;
  const height = n * h;
  if (width > maxTextureSize || height > maxTextureSize || layers < 2) return null;
  return { shape: [n, h, w, c], c4, texels: n * h * w * c4, width, height, layers };
}

/** Layers of `layout`'s texture: 1 for a 2D texture. */
export function layerCount(layout: TexelLayout): number {
  return layout.layers ?? 1;
}

/** Whether `layout` is row-aligned: width = W * C4 (then height = N * H). */
export function isRowAligned(layout: TexelLayout): boolean {
  return layout.width === layout.shape[2] * layout.c4;
}

/**
 * NHWC data to a width*height*4 texel array (zero-filled padding): the data itself where it is
 * exactly that (a Float32Array, C a multiple of 4, no texels past the tensor's; it is only read).
 */
export function pack(nhwcData: ArrayLike<number>, layout: TexelLayout): Float32Array {
  if (layerCount(layout) > 1) throw new Error('pack: layered layouts are written by shaders only');
  const [, , , c] = layout.shape;
  const size = layout.width * layout.height * 4;
  if (c % 4 === 0 && nhwcData instanceof Float32Array && nhwcData.length === size) return nhwcData;
  const out = new Float32Array(size);
  if (c % 4 === 0) {
    out.set(nhwcData);
    return out;
  }
  const pixels = nhwcData.length / c;
  const stride = layout.c4 * 4;
  for (let p = 0, src = 0; p < pixels; p++) {
    const base = p * stride;
    for (let k = 0; k < c; k++) out[base + k] = nhwcData[src++];
  }
  return out;
}

/**
 * A width*height*4 texel array back to NHWC data: the array itself where it is exactly that (C a
 * multiple of 4, no texels past the tensor's). Layered layouts are flattened on the GPU before
 * they are read (Core.downloadSource).
 */
export function unpack(texelData: Float32Array, layout: TexelLayout): Float32Array {
  const [n, h, w, c] = layout.shape;
  if (layerCount(layout) > 1) throw new Error('unpack: layered layouts are flattened before they are read');
  const count = n * h * w * c;
  if (c % 4 === 0) return texelData.length === count ? texelData : texelData.slice(0, count);
  const out = new Float32Array(count);
  const pixels = n * h * w;
  const stride = layout.c4 * 4;
  for (let p = 0, dst = 0; p < pixels; p++) {
    const base = p * stride;
    for (let k = 0; k < c; k++) out[dst++] = texelData[base + k];
  }
  return out;
}
