// The package root: re-exports only.
export { createContext } from './context';
export { depthwiseConv2dReference } from './semantics/reference';
export { depthwiseConv2dBackpropFilterReference, depthwiseConv2dBackpropInputReference } from './semantics/backprop';
export { applyFusedReference } from './semantics/fused';
export { DepthwiseGLError } from './errors';
export { mountInspector } from './inspector/index';
export { registerTfjsKernels, TFJS_KERNELS } from './tfjs/kernels';
export type { TfjsKernels, TfjsKernelOptions, TfjsKernelStats, TfjsCapturedCall, TfjsNamespace, KernelCounts } from './tfjs/kernels';
export type { TensorInspector, InspectorOptions, InspectOptions, ColormapName } from './inspector/index';
export type {
  Capabilities, ContextOptions, DataFormat, DebugOptions, DepthwiseContext, GLTensor, HostTensor,
  MemoryInfo, Padding, Activation, FusedEpilogue, Precision, TensorOptions, PixelSource, FromPixelsOptions, DrawOptions,
  TuneOptions, TuneTable,
} from './api';
