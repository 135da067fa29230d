// `depthwise-gl/tfjs-training`: the TF.js kernels with the backprop ones, for apps that train
// (model.fit, tf.grad through a depthwise layer). registerTfjsTrainingKernels registers all four;
// everything else is what depthwise-gl/tfjs exports.
export { registerTfjsTrainingKernels } from '../tfjs/training';
export { registerTfjsKernels, TFJS_FORWARD_KERNELS, TFJS_KERNELS, TFJS_TRAINING_KERNELS } from '../tfjs/kernels';
export type {
  TfjsKernels, TfjsKernelOptions, TfjsKernelStats, TfjsCapturedCall, TfjsNamespace, KernelCounts,
  TfjsForwardKernelName, TfjsKernelName, TfjsTrainingKernelName,
} from '../tfjs/kernels';
export { DepthwiseGLError } from '../errors';
export type { DataFormat, FusedEpilogue, HostTensor, MemoryInfo, Padding, TuneOptions, TuneTable } from '../api';
