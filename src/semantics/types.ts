/** A tensor in host memory: row-major `data` in the order of `shape`. */
export interface HostTensor {
  data: Float32Array;
  shape: number[];
}

/** Dimension order of a 4-D tensor: batch, height, width, channels (`NHWC`) or batch, channels, height, width (`NCHW`). */
export type DataFormat = 'NHWC' | 'NCHW';

/** 'SAME', 'VALID', or TF2's explicit form: four [before, after] pairs in dataFormat order. */
export type Padding = 'SAME' | 'VALID' | number[][];
