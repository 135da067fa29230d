// `depthwise-gl/inspector`: the tensor inspector alone (no GL of its own: it draws what it is shown).
export { mountInspector } from '../inspector/index';
export type { TensorInspector, InspectorOptions, InspectOptions, ColormapName } from '../inspector/index';
export type { GLTensor, HostTensor, DataFormat } from '../api';
