// The package root: re-exports only.
export { createContext } from './context';
export { depthwiseConv2dReference } from './semantics/reference';
export { depthwiseConv2dBackpropFilterReference, depthwiseConv2dBackpropInputReference } from './semantics/backprop';
export { applyFusedReference } from './semantics/fused';
export { DepthwiseGLError } from './errors';
export { mountInspector } from './inspector/index';
// The root's registerTfjsKernels registers all four kernels (depthwise-gl/tfjs's, the forward two).
export { registerTfjsKernels } from './tfjs/all';
export { registerTfjsTrainingKernels } from './tfjs/training';
export { TFJS_FORWARD_KERNELS, TFJS_KERNELS, TFJS_TRAINING_KERNELS } from './tfjs/kernels';
export type {
  TfjsKernels, TfjsKernelOptions, TfjsKernelStats, TfjsCapturedCall, TfjsNamespace, KernelCounts,
  TfjsForwardKernelName, TfjsKernelName, TfjsTrainingKernelName,
} from './tfjs/kernels';
export type { TensorInspector, InspectorOptions, InspectOptions, ColormapName } from './inspector/index';
export type {
  Capabilities, ContextOptions, DataFormat, DebugOptions, DepthwiseContext, GLTensor, HostTensor,
  MemoryInfo, Padding, Activation, FusedEpilogue, Precision, TensorOptions, PixelSource, FromPixelsOptions, DrawOptions,
  TuneOptions, TuneTable,
} from './api';
