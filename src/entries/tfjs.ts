// `depthwise-gl/tfjs`: the forward TF.js kernels alone, for apps that only register them to run
// predict() (the backprop kernels, the inspector and the pure-TypeScript references stay out of
// their bundle; a training app imports depthwise-gl/tfjs-training).
export { registerTfjsKernels, TFJS_FORWARD_KERNELS, TFJS_KERNELS, TFJS_TRAINING_KERNELS } from '../tfjs/kernels';
export type {
  TfjsKernels, TfjsKernelOptions, TfjsKernelStats, TfjsCapturedCall, TfjsNamespace, KernelCounts,
  TfjsForwardKernelName, TfjsKernelName, TfjsTrainingKernelName,
} from '../tfjs/kernels';
export { DepthwiseGLError } from '../errors';
export type { DataFormat, FusedEpilogue, HostTensor, MemoryInfo, Padding, TuneOptions, TuneTable } from '../api';
