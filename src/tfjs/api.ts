import type { HostTensor, MemoryInfo } from '../api';
import type { Activation } from '../semantics/fused';
import type { Padding } from '../semantics/types';
import type { TuneOptions, TuneTable } from '../tune/tuner';

/**
 * The TF.js kernels' public types: what registerTfjsKernels takes and returns (../shared/API.md,
 * "TensorFlow.js kernels"). The kernels themselves: kernels.ts (registration and dispatch),
 * forward.ts and training.ts (the calls), backend.ts (what we keep per TF.js backend).
 */

/**
 * The forward kernels: what `registerTfjsKernels` of `depthwise-gl/tfjs` serves (all an app that
 * only runs `predict()` needs).
 */
export const TFJS_FORWARD_KERNELS = ['DepthwiseConv2dNative', 'FusedDepthwiseConv2D'] as const;
/**
 * The backprop kernels: served once the training entry is imported (`registerTfjsTrainingKernels`
 * from `depthwise-gl/tfjs-training`, or `registerTfjsKernels` from the package root).
 */
export const TFJS_TRAINING_KERNELS = ['DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter'] as const;
/**
 * The TF.js kernels depthwise-gl can serve: TFJS_FORWARD_KERNELS (`depthwise-gl/tfjs`), then
 * TFJS_TRAINING_KERNELS (`depthwise-gl/tfjs-training` and the root).
 */
export const TFJS_KERNELS = [...TFJS_FORWARD_KERNELS, ...TFJS_TRAINING_KERNELS] as const;
/** A forward kernel's name (TFJS_FORWARD_KERNELS). */
export type TfjsForwardKernelName = (typeof TFJS_FORWARD_KERNELS)[number];
/** A backprop kernel's name (TFJS_TRAINING_KERNELS). */
export type TfjsTrainingKernelName = (typeof TFJS_TRAINING_KERNELS)[number];
/** A name of TFJS_KERNELS. */
export type TfjsKernelName = TfjsForwardKernelName | TfjsTrainingKernelName;

export interface TfjsKernelOptions extends TuneOptions {
  /** The TF.js WebGL backend to serve; default 'webgl'. */
  backendName?: string;
  /**
   * The kernels to serve, a subset of those the register function carries: `registerTfjsKernels`
   * of `depthwise-gl/tfjs`, TFJS_FORWARD_KERNELS (its default: both); `registerTfjsTrainingKernels`
   * (`depthwise-gl/tfjs-training`) and the root's `registerTfjsKernels`, TFJS_KERNELS (default:
   * all four). A backprop kernel asked of `depthwise-gl/tfjs` throws, naming the training entry.
   */
  kernels?: string[];
  /**
   * Use the direct packed path where it applies (default true); false sends every call through
   * the general path (conversion passes around our op), to compare the two.
   */
  direct?: boolean;
  // TuneOptions: `tune` (default true: at a layer shape's first calls TF.js's own kernel and
  // ours are timed on the device and the faster kept), `tuneStorageKey`, `tuneTable`.
}

/** Counts of `TfjsKernels.stats()`: calls served by depthwise-gl, handed to TF.js (fallbacks), or run on TF.js's kernel by tuning (delegated). */
export interface TfjsKernelStats {
  /** Calls that ran on depthwise-gl's shaders. */
  calls: number;
  /** Calls handed to TF.js's kernel because depthwise-gl could not serve them. */
  fallbacks: number;
  /**
   * Calls tuning ran on TF.js's kernel: those of shapes it measured faster here, and its timed
   * trial calls while a shape is being tuned (a few, on at most a few shapes where it loses).
   */
  delegated: number;
  byKernel: Record<string, KernelCounts>;
  lastFallback: string | null;
}

/** One TF.js kernel's share of `TfjsKernelStats`. */
export interface KernelCounts {
  calls: number;
  fallbacks: number;
  delegated: number;
}

/** One forward depthwise call seen while capturing (TfjsKernels.capture). */
export interface TfjsCapturedCall {
  /** Order of the call within the capture, from 0. */
  index: number;
  kernel: 'DepthwiseConv2dNative' | 'FusedDepthwiseConv2D';
  /** True when it ran on depthwise-gl; false when it fell back or was delegated (no tensors then). */
  served: boolean;
  fallback: string | null;
  /** True when tuning ran it on TF.js's own kernel (a shape it won here, or a timed trial). */
  delegated?: boolean;
  dataFormat: 'NHWC' | 'NCHW';
  inputShape: number[];
  filterShape: number[];
  outputShape: number[];
  /**
   * depthwise-gl's arguments for the call (TF.js's pad resolved to explicit padding). They give
   * TF.js's output size, except for a TF.js number pad whose output (TF.js sizes both axes from
   * the filter height and row stride) is smaller than any padding gives: then TF.js's output is
   * the top-left part of theirs.
   */
  strides: number[];
  padding: Padding;
  rate: [number, number];
  /** TF.js's own attribute values, as passed. */
  attrs: Record<string, unknown>;
  /** The fused epilogue in depthwise-gl's terms (applyFusedReference takes it), or null. */
  fused: { activation: Activation; alpha?: number; bias?: Float32Array; preluWeights?: Float32Array } | null;
  /** The call's tensors as read back after it (in dataFormat order); absent when it fell back. */
  input?: HostTensor;
  filter?: HostTensor;
  output?: HostTensor;
}

/** What `registerTfjsKernels` returns: the kernels now served, their counts, memory, `capture` and `unregister`. */
export interface TfjsKernels {
  /** The TF.js kernel names now served. */
  readonly kernels: readonly string[];
  /** Counts since registering: calls served, fallbacks (with the last reason), delegated calls, per kernel. */
  stats(): TfjsKernelStats;
  /** What depthwise-gl holds on TF.js's context (repacked filters, freed with their weight tensors). */
  memory(): MemoryInfo;
  /**
   * Runs `fn` (e.g. one model.predict) and records every forward depthwise call made while it
   * runs, with its input, filter and output read back. Reading back costs: only while capturing.
   */
  capture<T>(fn: () => T | Promise<T>): Promise<{ result: T; calls: TfjsCapturedCall[] }>;
  /** The winners tuning kept, to pass as `tuneTable` to a later registerTfjsKernels. */
  tuneTable(): TuneTable;
  /** Puts TF.js's own kernels back and frees every GL object of ours; idempotent. */
  unregister(): void;
}
