// The types of checks.js, in the shipped declarations' terms: what it takes is what the package's
// entries export, so main.ts type-checks that the sub-paths export it.
import type { createContext, depthwiseConv2dReference } from 'depthwise-gl';
import type { mountInspector } from 'depthwise-gl/inspector';
import type { registerTfjsKernels, TFJS_KERNELS } from 'depthwise-gl/tfjs';
import type { registerTfjsTrainingKernels } from 'depthwise-gl/tfjs-training';

export interface Api {
  tf: typeof import('@tensorflow/tfjs');
  registerTfjsKernels: typeof registerTfjsKernels;
  TFJS_KERNELS: typeof TFJS_KERNELS;
  registerTfjsTrainingKernels: typeof registerTfjsTrainingKernels;
  /** True where registerTfjsKernels is depthwise-gl/tfjs's (the forward kernels alone). */
  forwardOnly: boolean;
  createContext: typeof createContext;
  depthwiseConv2dReference: typeof depthwiseConv2dReference;
  mountInspector: typeof mountInspector;
}

export function runChecks(api: Api): Promise<{ failures: string[]; facts: Record<string, unknown> }>;
