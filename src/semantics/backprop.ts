import { fail, show } from '../errors';
import { convGeometry, type ConvGeometry } from './geometry';
import type { DataFormat, HostTensor, Padding } from './types';
import { checkDataFormat, checkHostTensor, checkShape, toNHWC } from './validate';

/**
 * The two gradients of a depthwise convolution, shared by the references below and the GPU ops.
 * With the forward op
 *
 *   out[b, i, j, k*M + q] = sum over di, dj of filter[di, dj, k, q] * input[b, y, x, k],
 *   y = sh*i + rh*di - padTop,  x = sw*j + rw*dj - padLeft  (taps outside the input read zero),
 *
 * and dy = outBackprop, the gradient of sum(dy * out) is
 *
 *   dInput[b, y, x, k]     = sum over (i, j, di, dj, q) landing on (y, x) of filter[di, dj, k, q] * dy[b, i, j, k*M + q]
 *   dFilter[di, dj, k, q]  = sum over (b, i, j) whose tap (di, dj) is inside the input of input[b, y, x, k] * dy[b, i, j, k*M + q]
 *
 * exactly TensorFlow's tf.nn.depthwise_conv2d_backprop_input / _backprop_filter.
 */

/**
 * Checks the filter shape's in_channels against the input (naming the caller's argument) and
 * the rest of the convolution's arguments, then checks that outBackprop has the forward output
 * shape. Everything is in `fmt` order except filterShape ([fh, fw, C, M]).
 */
export function gradientGeometry(
  fn: string,
  inputShape: number[],
  filterShape: number[],
  filterArg: string,
  outBackpropShape: readonly number[],
  strides: unknown,
  padding: unknown,
  rate: unknown,
  fmt: DataFormat,
): ConvGeometry {
  const inC = toNHWC(inputShape, fmt)[3];
  if (filterShape[2] !== inC) {
    fail(fn, filterArg, `in_channels (shape [fh, fw, C, M] = ${show(filterShape)}) must equal the input's ${inC} channels (input shape ${show(inputShape)}, ${fmt})`);
  }
  const g = convGeometry(fn, inputShape, filterShape, strides, padding, rate, fmt);
  const same = outBackpropShape.length === 4 && g.outShape.every((d, i) => d === outBackpropShape[i]);
  if (!same) {
    fail(fn, 'outBackprop', `shape ${show([...outBackpropShape])} must equal the forward output shape ${show(g.outShape)} (${fmt}) of input ${show(inputShape)}, filter ${show(filterShape)}, strides ${show(strides)}, padding ${show(padding)}, rate ${show(rate ?? [1, 1])}`);
  }
  return g;
}

/** Index of (b, y, x, c) in a tensor of NHWC shape [, h, w, c] held in `fmt` order. */
function indexer(fmt: DataFormat, h: number, w: number, c: number) {
  return fmt === 'NHWC'
    ? (b: number, y: number, x: number, k: number) => ((b * h + y) * w + x) * c + k
    : (b: number, y: number, x: number, k: number) => ((b * c + k) * h + y) * w + x;
}

/**
 * Visits every (b, i, j, k, q, di, dj) whose tap lands inside the input, with the flat indices
 * of the input element, the outBackprop element and the filter element it pairs.
 */
function forEachTap(g: ConvGeometry, visit: (inIdx: number, outIdx: number, fIdx: number) => void): void {
  const { batch, inH, inW, inC, fh, fw, m, outH, outW, outC } = g;
  const inAt = indexer(g.dataFormat, inH, inW, inC);
  const outAt = indexer(g.dataFormat, outH, outW, outC);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < outH; i++) {
      for (let j = 0; j < outW; j++) {
        for (let k = 0; k < inC; k++) {
          for (let q = 0; q < m; q++) {
            const o = outAt(b, i, j, k * m + q);
            for (let di = 0; di < fh; di++) {
              const y = g.sh * i + g.rh * di - g.padTop;
              if (y < 0 || y >= inH) continue;
              for (let dj = 0; dj < fw; dj++) {
                const x = g.sw * j + g.rw * dj - g.padLeft;
                if (x < 0 || x >= inW) continue;
                visit(inAt(b, y, x, k), o, ((di * fw + dj) * inC + k) * m + q);
              }
            }
          }
        }
      }
    }
  }
}

/**
 * TensorFlow's `tf.nn.depthwise_conv2d_backprop_input` in plain TypeScript: the gradient of the
 * convolution with respect to its input. `inputShape` and `outBackprop` are in `dataFormat`
 * order; the result has `inputShape`. Accumulates in double precision.
 */
export function depthwiseConv2dBackpropInputReference(
  inputShape: number[],
  filter: HostTensor,
  outBackprop: HostTensor,
  strides: number[],
  padding: Padding,
  rate?: number[] | null,
  dataFormat: DataFormat = 'NHWC',
): HostTensor {
  const fn = 'depthwiseConv2dBackpropInputReference';
  const fmt = checkDataFormat(fn, 'dataFormat', dataFormat ?? 'NHWC');
  const shape = checkShape(fn, 'inputShape', inputShape);
  const f = checkHostTensor(fn, 'filter', filter);
  const dy = checkHostTensor(fn, 'outBackprop', outBackprop);
  const g = gradientGeometry(fn, shape, f.shape, 'filter', dy.shape, strides, padding, rate, fmt);
  const acc = new Float64Array(shape.reduce((a, b) => a * b, 1));
  forEachTap(g, (xi, oi, fi) => {
    acc[xi] += f.data[fi] * dy.data[oi];
  });
  return { data: Float32Array.from(acc), shape };
}

/**
 * TensorFlow's `tf.nn.depthwise_conv2d_backprop_filter` in plain TypeScript: the gradient of the
 * convolution with respect to its filter, summed over the batch and every output position.
 * `input` and `outBackprop` are in `dataFormat` order; the result has `filterShape`
 * ([fh, fw, C, M]). Accumulates in double precision.
 */
export function depthwiseConv2dBackpropFilterReference(
  input: HostTensor,
  filterShape: number[],
  outBackprop: HostTensor,
  strides: number[],
  padding: Padding,
  rate?: number[] | null,
  dataFormat: DataFormat = 'NHWC',
): HostTensor {
  const fn = 'depthwiseConv2dBackpropFilterReference';
  const fmt = checkDataFormat(fn, 'dataFormat', dataFormat ?? 'NHWC');
  const x = checkHostTensor(fn, 'input', input);
  const shape = checkShape(fn, 'filterShape', filterShape);
  const dy = checkHostTensor(fn, 'outBackprop', outBackprop);
  const g = gradientGeometry(fn, x.shape, shape, 'filterShape', dy.shape, strides, padding, rate, fmt);
  const acc = new Float64Array(shape.reduce((a, b) => a * b, 1));
  forEachTap(g, (xi, oi, fi) => {
    acc[fi] += x.data[xi] * dy.data[oi];
  });
  return { data: Float32Array.from(acc), shape };
}
