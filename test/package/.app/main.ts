// The app's page: the package through its sub-paths and its root, as an app's bundler sees them.
import * as tf from '@tensorflow/tfjs';
import * as root from 'depthwise-gl';
import { createContext, depthwiseConv2dReference } from 'depthwise-gl';
import { mountInspector } from 'depthwise-gl/inspector';
import { DepthwiseGLError, registerTfjsKernels, TFJS_KERNELS } from 'depthwise-gl/tfjs';
import { registerTfjsTrainingKernels } from 'depthwise-gl/tfjs-training';
import { runChecks } from './checks.js';

declare global {
  interface Window {
    result: Promise<{ failures: string[]; facts: Record<string, unknown> }>;
  }
}

window.result = runChecks({
  tf, registerTfjsKernels, TFJS_KERNELS, registerTfjsTrainingKernels, forwardOnly: true, createContext, depthwiseConv2dReference, mountInspector,
})
  .then(({ failures, facts }) => {
    // One copy of the code behind every entry: the error class is the same object.
    if (DepthwiseGLError !== root.DepthwiseGLError) failures.push('depthwise-gl/tfjs has its own DepthwiseGLError');
    return { failures, facts: { ...facts, rootExports: Object.keys(root).sort() } };
  });
