import type { DataFormat } from './types';

/** Reorders NCHW data to NHWC. `shape` is the NCHW shape. */
export function nchwToNhwc(data: ArrayLike<number>, shape: readonly number[]): Float32Array {
  const [n, c, h, w] = shape;
  const out = new Float32Array(n * h * w * c);
  let src = 0;
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < c; k++) {
      for (let y = 0; y < h; y++) {
        let dst = ((b * h + y) * w) * c + k;
        for (let x = 0; x < w; x++, dst += c) out[dst] = data[src++];
      }
    }
  }
  return out;
}

/** Reorders NHWC data to NCHW. `shape` is the NHWC shape. */
export function nhwcToNchw(data: ArrayLike<number>, shape: readonly number[]): Float32Array {
  const [n, h, w, c] = shape;
  const out = new Float32Array(n * h * w * c);
  let src = 0;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let k = 0; k < c; k++) out[((b * c + k) * h + y) * w + x] = data[src++];
      }
    }
  }
  return out;
}

/** Data in `format` order (shape in that order too) as NHWC data. */
export function toNHWCData(data: Float32Array, shape: readonly number[], format: DataFormat): Float32Array {
  return format === 'NHWC' ? data : nchwToNhwc(data, shape);
}

/** NHWC data (with its NHWC shape) in `format` order. */
export function fromNHWCData(data: Float32Array, nhwcShape: readonly number[], format: DataFormat): Float32Array {
  return format === 'NHWC' ? data : nhwcToNchw(data, nhwcShape);
}
