// The package root: re-exports only.
export { createContext } from './context';
export { depthwiseConv2dReference } from './semantics/reference';
export { depthwiseConv2dBackpropFilterReference, depthwiseConv2dBackpropInputReference } from './semantics/backprop';
export { DepthwiseGLError } from './errors';
export type {
  Capabilities, ContextOptions, DataFormat, DebugOptions, DepthwiseContext, GLTensor, HostTensor,
  MemoryInfo, Padding, Precision, TensorOptions, PixelSource, FromPixelsOptions, DrawOptions,
} from './api';
