import type { Activation } from '../semantics/fused';
import type { DataFormat, Padding } from '../semantics/types';
import { show } from '../errors';
import { Fallback, need } from './fallback';
import type { Conv2DInfo, TfjsNamespace } from './types';

/**
 * TF.js's attributes turned into depthwise-gl's arguments: pure functions, no GL, no TF.js
 * (the geometry comes from TF.js's own computeConv2DInfo, so every rounding rule and error is
 * TF.js's).
 */

/** TF.js fused activation names -> ours (TF.js's elu has no alpha: ours with alpha 1). */
const ACTIVATIONS: Record<string, Activation> = {
  linear: 'linear', relu: 'relu', relu6: 'relu6', elu: 'elu', leakyrelu: 'leakyRelu', prelu: 'prelu', sigmoid: 'sigmoid',
};

export function activationOf(name: unknown): Activation | null {
  if (name === undefined || name === null) return 'linear';
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(ACTIVATIONS, name) ? ACTIVATIONS[name] : null;
}

export interface ConvArgs {
  strides: number[];
  padding: Padding;
  rate: [number, number];
  dataFormat: DataFormat;
  /** TF.js's output height and width. */
  outH: number;
  outW: number;
  /**
   * Our op's output height and width with `padding`: TF.js's, or larger where TF.js's numeric
   * pad gives fewer rows or columns than any padding would (its output size for a number pad
   * uses the filter height and row stride for both axes): then the extra ones are cropped from
   * forward outputs, and gradients' dy is zero-padded to them.
   */
  ourH: number;
  ourW: number;
}

/**
 * Our op's arguments for TF.js's conv info: explicit padding whose top/left are TF.js's and whose
 * bottom/right make our output size (floor((in + pads - fe) / s) + 1) TF.js's where a
 * non-negative pad can, else the least larger one; null for a negative top/left pad (never made
 * by TF.js: then TF.js's kernel runs).
 */
export function convArgs(info: Conv2DInfo, dataFormat: DataFormat): ConvArgs | null {
  const feh = (info.filterHeight - 1) * info.dilationHeight + 1;
  const few = (info.filterWidth - 1) * info.dilationWidth + 1;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  if (!(top >= 0 && left >= 0) || info.outHeight < 1 || info.outWidth < 1) return null;
  const bottom = Math.max(0, (info.outHeight - 1) * info.strideHeight + feh - info.inHeight - top);
  const right = Math.max(0, (info.outWidth - 1) * info.strideWidth + few - info.inWidth - left);
  const ourH = Math.floor((info.inHeight + top + bottom - feh) / info.strideHeight) + 1;
  const ourW = Math.floor((info.inWidth + left + right - few) / info.strideWidth) + 1;
  if (ourH < info.outHeight || ourW < info.outWidth || ourH < 1 || ourW < 1) return null;
  const nhwc = dataFormat === 'NHWC';
  return {
    strides: nhwc ? [1, info.strideHeight, info.strideWidth, 1] : [1, 1, info.strideHeight, info.strideWidth],
    padding: nhwc ? [[0, 0], [top, bottom], [left, right], [0, 0]] : [[0, 0], [0, 0], [top, bottom], [left, right]],
    rate: [info.dilationHeight, info.dilationWidth],
    dataFormat,
    outH: info.outHeight,
    outW: info.outWidth,
    ourH,
    ourW,
  };
}

/** `shape` (NHWC or NCHW order) with its height and width replaced. */
export function withHW(shape: readonly number[], h: number, w: number, dataFormat: DataFormat): number[] {
  const s = [...shape];
  if (dataFormat === 'NHWC') {
    s[1] = h;
    s[2] = w;
  } else {
    s[2] = h;
    s[3] = w;
  }
  return s;
}

/**
 * How a fused bias or PReLU weight tensor of `shape` applies to `outC` output channels (NHWC):
 * 'vector' (outC values along the last axis, every other axis 1), 'scalar' (one value for all),
 * or null (any other broadcast, e.g. per position: TF.js's kernel runs).
 */
export function channelVector(shape: readonly number[], outC: number): 'vector' | 'scalar' | null {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size === 1) return 'scalar';
  if (shape.length === 0 || shape[shape.length - 1] !== outC) return null;
  return size === outC ? 'vector' : null;
}

/** A fused vector's values for `outC` channels (channelVector's kinds): one value spread to all. */
export function channelValues(values: Float32Array, outC: number): Float32Array {
  return values.length === 1 && outC !== 1 ? new Float32Array(outC).fill(values[0]) : values;
}

/** TF.js dataFormat attr ('NHWC' | 'NCHW', default NHWC) or null for anything else. */
export function dataFormatOf(v: unknown): DataFormat | null {
  if (v === undefined || v === null) return 'NHWC';
  return v === 'NHWC' || v === 'NCHW' ? v : null;
}

/**
 * TF.js's own geometry for a call's shapes and attributes (its rounding rules and its errors:
 * an attribute TF.js rejects falls back, and TF.js's kernel throws what it throws).
 */
export function tfjsConvInfo(
  tf: TfjsNamespace, attrs: Record<string, unknown>, inShape: number[], filterShape: number[], dataFormat: DataFormat,
): Conv2DInfo {
  try {
    return tf.backend_util.computeConv2DInfo(
      inShape, filterShape, attrs.strides as [number, number], (attrs.dilations ?? 1) as [number, number], attrs.pad,
      attrs.dimRoundingMode, true, dataFormat === 'NHWC' ? 'channelsLast' : 'channelsFirst');
  } catch (e) {
    throw new Fallback(`TF.js rejects the attributes: ${(e as Error).message}`);
  }
}

/** convArgs, or a Fallback where no explicit padding gives TF.js's output size. */
export function convArgsOrFallback(info: Conv2DInfo, dataFormat: DataFormat, pad: unknown): ConvArgs {
  return need(convArgs(info, dataFormat), `no explicit padding gives TF.js's output size for pad ${show(pad)}`);
}
