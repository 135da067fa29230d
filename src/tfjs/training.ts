import type { Tensor } from '../tensor';
import { show } from '../errors';
import { depthwiseConv2dBackpropFilter, depthwiseConv2dBackpropInput } from '../ops/backprop';
import { TFJS_KERNELS } from './api';
import { convArgsOrFallback, tfjsConvInfo, withHW } from './attrs';
import { derivedTensor, runOnGpu, withTemporaries, type BackendState } from './backend';
import { checkReadable } from './bridge';
import { Fallback, need } from './fallback';
import { FORWARD_SERVERS, registerWith, type KernelServer } from './kernels';
import type { TfjsKernelOptions, TfjsKernels } from './api';
import type { KernelConfig, TensorInfo, TfjsNamespace } from './types';

/**
 * The backprop kernels, DepthwiseConv2dNativeBackpropInput and DepthwiseConv2dNativeBackpropFilter
 * (NHWC, as TF.js's own): dy and the input imported into our layout, our gradient ops, the
 * result exported into a TF.js texture. Only the training entry (depthwise-gl/tfjs-training) and
 * the root import this module, so the gradient ops and their shaders stay out of an app that
 * imports depthwise-gl/tfjs alone.
 */

/** The servers of the backprop kernels. */
export const TRAINING_SERVERS: Record<'DepthwiseConv2dNativeBackpropInput' | 'DepthwiseConv2dNativeBackpropFilter', KernelServer> = {
  DepthwiseConv2dNativeBackpropInput: (r, s, args) => serveBackpropInput(r.tf, s, args),
  DepthwiseConv2dNativeBackpropFilter: (r, s, args) => serveBackpropFilter(r.tf, s, args),
};

/** Every kernel's server: forward and backprop. */
export const ALL_SERVERS = { ...FORWARD_SERVERS, ...TRAINING_SERVERS };

/**
 * Replaces TF.js's WebGL depthwise kernels, the forward ones and the backprop ones
 * (`DepthwiseConv2dNativeBackpropInput`, `DepthwiseConv2dNativeBackpropFilter`), with
 * depthwise-gl's: what a training app registers instead of `registerTfjsKernels` of
 * `depthwise-gl/tfjs`. It takes and returns what that one does; `options.kernels` may name any
 * of TFJS_KERNELS (default: all four). See docs/tfjs.md.
 */
export function registerTfjsTrainingKernels(tf: TfjsNamespace, options?: TfjsKernelOptions): TfjsKernels {
  return registerWith('registerTfjsTrainingKernels', tf, options, ALL_SERVERS, TFJS_KERNELS);
}

type Args = Parameters<KernelConfig['kernelFunc']>[0];

/** DepthwiseConv2dNativeBackpropInput: dx from dy and the filter. */
export function serveBackpropInput(tf: TfjsNamespace, s: BackendState, args: Args): TensorInfo {
  const { backend } = s;
  const attrs = args.attrs ?? {};
  const dy = need(args.inputs.dy, 'no dy');
  const filter = need(args.inputs.filter, 'no filter');
  const inputShape = attrs.inputShape as number[];
  if (!Array.isArray(inputShape) || inputShape.length !== 4) throw new Fallback(`inputShape ${show(inputShape)} is not 4-D`);
  checkReadable(backend, dy, 'dy');
  checkReadable(backend, filter, 'the filter');
  const conv = convArgsOrFallback(tfjsConvInfo(tf, attrs, inputShape, filter.shape, 'NHWC'), 'NHWC', attrs.pad);
  const packedOut = tf.env().getBool('WEBGL_PACK');
  return runOnGpu(s, 'DepthwiseConv2dNativeBackpropInput', () => withTemporaries((temp) => {
    const dyT = temp(s.bridge.importTensor(backend, dy, dy.shape, 'NHWC', withHW(dy.shape, conv.ourH, conv.ourW, 'NHWC')));
    const fT = derivedTensor(s, filter, 'filter', filter.shape, 'NHWC');
    const out = temp(depthwiseConv2dBackpropInput(s.host, [...inputShape], fT, dyT, conv.strides, conv.padding, conv.rate, 'NHWC') as unknown as Tensor);
    return s.bridge.exportTensor(backend, out, packedOut);
  }));
}

/** DepthwiseConv2dNativeBackpropFilter: dFilter from the input and dy. */
export function serveBackpropFilter(tf: TfjsNamespace, s: BackendState, args: Args): TensorInfo {
  const { backend } = s;
  const attrs = args.attrs ?? {};
  const x = need(args.inputs.x, 'no input x');
  const dy = need(args.inputs.dy, 'no dy');
  const filterShape = attrs.filterShape as number[];
  if (!Array.isArray(filterShape) || filterShape.length !== 4) throw new Fallback(`filterShape ${show(filterShape)} is not 4-D`);
  checkReadable(backend, x, 'the input');
  checkReadable(backend, dy, 'dy');
  const conv = convArgsOrFallback(tfjsConvInfo(tf, attrs, x.shape, filterShape, 'NHWC'), 'NHWC', attrs.pad);
  const packedOut = tf.env().getBool('WEBGL_PACK');
  return runOnGpu(s, 'DepthwiseConv2dNativeBackpropFilter', () => withTemporaries((temp) => {
    const xT = temp(s.bridge.importTensor(backend, x, x.shape, 'NHWC'));
    const dyT = temp(s.bridge.importTensor(backend, dy, dy.shape, 'NHWC', withHW(dy.shape, conv.ourH, conv.ourW, 'NHWC')));
    const out = temp(depthwiseConv2dBackpropFilter(s.host, xT, [...filterShape], dyT, conv.strides, conv.padding, conv.rate, 'NHWC') as unknown as Tensor);
    return s.bridge.exportTensor(backend, out, packedOut);
  }));
}
