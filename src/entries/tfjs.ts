// `depthwise-gl/tfjs`: the TF.js kernels alone, for apps that only register them (the inspector
// and the pure-TypeScript references stay out of their bundle).
export { registerTfjsKernels, TFJS_KERNELS } from '../tfjs/kernels';
export type { TfjsKernels, TfjsKernelOptions, TfjsKernelStats, TfjsCapturedCall, TfjsNamespace, KernelCounts } from '../tfjs/kernels';
export { DepthwiseGLError } from '../errors';
export type { DataFormat, FusedEpilogue, HostTensor, MemoryInfo, Padding, TuneOptions, TuneTable } from '../api';
