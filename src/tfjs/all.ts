import type { TfjsKernelOptions, TfjsKernels } from './api';
import { TFJS_KERNELS } from './api';
import { registerWith } from './kernels';
import { ALL_SERVERS } from './training';
import type { TfjsNamespace } from './types';

/**
 * Replaces TF.js's WebGL depthwise kernels with depthwise-gl's, on TF.js's own WebGL2 context:
 * all four of TFJS_KERNELS by default, the forward ones and the backprop ones (as
 * `registerTfjsTrainingKernels` of `depthwise-gl/tfjs-training` does). An app that only runs
 * `predict()` imports `registerTfjsKernels` from `depthwise-gl/tfjs` instead, which carries the
 * forward kernels alone. See docs/tfjs.md.
 */
export function registerTfjsKernels(tf: TfjsNamespace, options?: TfjsKernelOptions): TfjsKernels {
  return registerWith('registerTfjsKernels', tf, options, ALL_SERVERS, TFJS_KERNELS);
}
