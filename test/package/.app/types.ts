// Type-level checks of the shipped declarations (tsc only, never run): the exported types are
// usable by name, and wrong calls are errors (so nothing resolved to `any`).
import type * as tfjs from '@tensorflow/tfjs';
import {
  createContext, depthwiseConv2dReference, type DepthwiseContext, type GLTensor, type HostTensor, type MemoryInfo,
} from 'depthwise-gl';
import { mountInspector, type InspectOptions, type TensorInspector } from 'depthwise-gl/inspector';
import {
  registerTfjsKernels, TFJS_KERNELS, type TfjsCapturedCall, type TfjsKernelOptions, type TfjsKernels, type TfjsKernelStats, type TfjsNamespace,
} from 'depthwise-gl/tfjs';
import {
  registerTfjsTrainingKernels, TFJS_FORWARD_KERNELS, TFJS_TRAINING_KERNELS, type TfjsForwardKernelName, type TfjsTrainingKernelName,
} from 'depthwise-gl/tfjs-training';

declare const tf: typeof tfjs;

export async function typed(element: HTMLElement): Promise<void> {
  const namespace: TfjsNamespace = tf;
  const options: TfjsKernelOptions = { backendName: 'webgl', kernels: [TFJS_KERNELS[0]], direct: false };
  const kernels: TfjsKernels = registerTfjsKernels(namespace, options);
  const forward: readonly TfjsForwardKernelName[] = TFJS_FORWARD_KERNELS;
  const backprop: readonly TfjsTrainingKernelName[] = TFJS_TRAINING_KERNELS;
  const all: TfjsKernels = registerTfjsTrainingKernels(namespace, { kernels: [...forward, ...backprop] });
  console.log(all.kernels);
  const stats: TfjsKernelStats = kernels.stats();
  const memory: MemoryInfo = kernels.memory();
  const { calls }: { calls: TfjsCapturedCall[] } = await kernels.capture(() => 1);
  const ctx: DepthwiseContext = createContext({ precision: 'float16' });
  const x: GLTensor = ctx.tensor([1, 2, 3, 4], [1, 1, 1, 4]);
  const host: HostTensor = depthwiseConv2dReference({ data: new Float32Array(4), shape: [1, 1, 1, 4] }, { data: new Float32Array(4), shape: [1, 1, 4, 1] }, [1, 1, 1, 1], 'VALID');
  const show: InspectOptions = { title: 'x' };
  const inspector: TensorInspector = mountInspector(element);
  await inspector.show(x, show);
  await inspector.show(host);
  console.log(stats.calls + memory.bytes + calls.length);

  // @ts-expect-error: an unknown precision
  createContext({ precision: 'float64' });
  // @ts-expect-error: `direct` is a boolean
  registerTfjsKernels(tf, { direct: 'yes' });
  // @ts-expect-error: the training entry's register takes the TF.js namespace
  registerTfjsTrainingKernels({});
  // @ts-expect-error: reading a tensor gives a Float32Array, not a string
  const s: string = await x.read();
  console.log(s);
}
