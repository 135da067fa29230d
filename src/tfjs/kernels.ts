import type { MemoryInfo } from '../api';
import { fail, show } from '../errors';
import { mergeTables, readTable } from '../tune/select';
import type { TuneOptions, TuneTable } from '../tune/tuner';
import {
  TFJS_FORWARD_KERNELS, TFJS_KERNELS, type KernelCounts, type TfjsCapturedCall, type TfjsKernelName,
  type TfjsKernelOptions, type TfjsKernels, type TfjsKernelStats,
} from './api';
import { openBackend, type BackendState } from './backend';
import { CaptureSession } from './capture';
import { Fallback } from './fallback';
import { Delegated, serveForward, type ForwardEnv, type ForwardKernel } from './forward';
import type { KernelConfig, TensorInfo, TfjsNamespace, WebGLBackend } from './types';

export { TFJS_FORWARD_KERNELS, TFJS_KERNELS, TFJS_TRAINING_KERNELS } from './api';
export type {
  KernelCounts, TfjsCapturedCall, TfjsForwardKernelName, TfjsKernelName, TfjsKernelOptions, TfjsKernels, TfjsKernelStats,
  TfjsTrainingKernelName,
} from './api';
export type { TfjsNamespace } from './types';

/**
 * Registration and dispatch: registerTfjsKernels swaps TF.js's WebGL depthwise kernels for ours;
 * each call goes to its kernel's server (forward.ts, training.ts) on the backend's state
 * (backend.ts), and falls back to TF.js's kernel where we cannot serve it (fallback.ts).
 */

type KernelArgs = Parameters<KernelConfig['kernelFunc']>[0];

/** How a kernel is served: the call, on the registration and the backend's state. */
export type KernelServer = (r: Registration, s: BackendState, args: KernelArgs) => TensorInfo | Delegated;

/**
 * The servers of the forward kernels. The backprop kernels' are training.ts's TRAINING_SERVERS,
 * which only the training entry (and the root) import: an app that imports depthwise-gl/tfjs
 * alone bundles no gradient op or shader.
 */
export const FORWARD_SERVERS: Partial<Record<TfjsKernelName, KernelServer>> = {
  DepthwiseConv2dNative: (r, s, args) => serveForward(r, s, 'DepthwiseConv2dNative', args),
  FusedDepthwiseConv2D: (r, s, args) => serveForward(r, s, 'FusedDepthwiseConv2D', args),
};

/** Registrations alive, by TF.js namespace's kernel registry (one per backend name). */
const live = new WeakMap<object, Map<string, Registration>>();

/**
 * Replaces TF.js's WebGL forward depthwise kernels (`DepthwiseConv2dNative`,
 * `FusedDepthwiseConv2D`) with depthwise-gl's, on TF.js's own WebGL2 context. The backprop
 * kernels are the training entry's: `registerTfjsTrainingKernels` from
 * `depthwise-gl/tfjs-training` registers all four (as does `registerTfjsKernels` from the
 * package root). See docs/tfjs.md.
 */
export function registerTfjsKernels(tf: TfjsNamespace, options?: TfjsKernelOptions): TfjsKernels {
  return registerWith('registerTfjsKernels', tf, options, FORWARD_SERVERS, TFJS_FORWARD_KERNELS);
}

/**
 * A registration that may serve the kernels of `servers` (`defaults` unless options.kernels
 * says otherwise); `fn` names the public function in errors.
 */
export function registerWith(
  fn: string, tf: TfjsNamespace, options: TfjsKernelOptions | undefined,
  servers: Partial<Record<TfjsKernelName, KernelServer>>, defaults: readonly TfjsKernelName[],
): TfjsKernels {
  if (typeof tf !== 'object' || tf === null || typeof tf.registerKernel !== 'function' || typeof tf.getKernel !== 'function' ||
    typeof tf.findBackend !== 'function' || typeof tf.backend_util?.computeConv2DInfo !== 'function') {
    fail(fn, 'tf', `must be the TensorFlow.js namespace (import * as tf from '@tensorflow/tfjs', or window.tf); got ${show(tf)}`);
  }
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    fail(fn, 'options', `must be an object like { backendName: 'webgl' }; got ${show(options)}`);
  }
  const backendName = options?.backendName ?? 'webgl';
  if (typeof backendName !== 'string' || !backendName) fail(fn, 'options.backendName', `must be a backend name like 'webgl'; got ${show(backendName)}`);
  const kernels = options?.kernels ?? [...defaults];
  if (!Array.isArray(kernels) || kernels.length === 0 || kernels.some((k) => !(TFJS_KERNELS as readonly string[]).includes(k))) {
    fail(fn, 'options.kernels', `must be a non-empty subset of ${Object.keys(servers).join(', ')}; got ${show(kernels)}`);
  }
  const training = kernels.find((k) => !servers[k as TfjsKernelName]);
  if (training !== undefined) {
    fail(fn, 'options.kernels', `names ${training}, a training kernel: register with registerTfjsTrainingKernels from 'depthwise-gl/tfjs-training'`);
  }
  const key = tf.registerKernel as unknown as object;
  let byBackend = live.get(key);
  if (!byBackend) live.set(key, (byBackend = new Map()));
  if (byBackend.has(backendName)) {
    fail(fn, 'backendName', `${show(backendName)} already has depthwise-gl's kernels; call unregister() on the object the first registerTfjsKernels returned before registering again`);
  }
  if (!tf.findBackend(backendName)) {
    fail(fn, 'backendName', `${show(backendName)} is not a TF.js backend that exists yet; register after it is made: await tf.setBackend(${show(backendName)}) (or await tf.ready()), then call registerTfjsKernels`);
  }
  for (const k of kernels) {
    if (!tf.getKernel(k, backendName)) {
      fail(fn, 'backendName', `${show(backendName)} has no ${k} kernel of TF.js's to fall back to; is @tensorflow/tfjs-backend-webgl loaded?`);
    }
  }
  const direct = options?.direct ?? true;
  if (typeof direct !== 'boolean') fail(fn, 'options.direct', `must be true or false; got ${show(direct)}`);
  const tune: TuneOptions = {
    tune: options?.tune, tuneStorageKey: options?.tuneStorageKey, tuneTable: options?.tuneTable, tuneHook: options?.tuneHook,
  };
  const reg = new Registration(tf, backendName, [...new Set(kernels)] as TfjsKernelName[], servers, direct, tune, () => byBackend!.delete(backendName));
  byBackend.set(backendName, reg);
  return reg.api;
}

/** One registration: TF.js's kernels it replaced, what it keeps per backend, its counts. */
export class Registration implements ForwardEnv {
  readonly originals = new Map<TfjsKernelName, KernelConfig>();
  private readonly backends = new Map<object, BackendState>();
  /** Backends our shaders cannot run on, with the reason. */
  private readonly unusable = new WeakMap<object, string>();
  private calls = 0;
  private fallbacks = 0;
  private delegated = 0;
  private readonly byKernel: Record<string, KernelCounts> = {};
  /** Winners kept by backends since unregistered, and the table given at registration. */
  private tuned: TuneTable;
  private lastFallback: string | null = null;
  capture: CaptureSession | null = null;
  private done = false;
  readonly api: TfjsKernels;

  constructor(
    readonly tf: TfjsNamespace, private readonly backendName: string, kernels: TfjsKernelName[],
    private readonly servers: Partial<Record<TfjsKernelName, KernelServer>>,
    readonly useDirect: boolean, private readonly tune: TuneOptions, private readonly forget: () => void,
  ) {
    this.tuned = tune.tuneTable ?? { version: 1, entries: {} };
    for (const name of kernels) {
      const original = tf.getKernel(name, backendName)!;
      this.originals.set(name, original);
      this.byKernel[name] = { calls: 0, fallbacks: 0, delegated: 0 };
      tf.unregisterKernel(name, backendName);
      tf.registerKernel({ ...original, kernelFunc: (args) => this.run(name, args) });
    }
    const self = this;
    this.api = Object.freeze({
      kernels: Object.freeze([...kernels]),
      stats: () => self.stats(),
      memory: () => self.memory(),
      capture: <T>(fn: () => T | Promise<T>) => self.startCapture(fn),
      tuneTable: () => self.tuneTable(),
      unregister: () => self.unregister(),
    });
  }

  original(name: ForwardKernel): KernelConfig {
    return this.originals.get(name)!;
  }

  stats(): TfjsKernelStats {
    const byKernel: Record<string, KernelCounts> = {};
    for (const k in this.byKernel) byKernel[k] = { ...this.byKernel[k] };
    return { calls: this.calls, fallbacks: this.fallbacks, delegated: this.delegated, byKernel, lastFallback: this.lastFallback };
  }

  tuneTable(): TuneTable {
    let table = this.tuned;
    for (const s of this.backends.values()) table = mergeTables(table, s.host.tuneTable());
    return readTable(table);
  }

  memory(): MemoryInfo {
    const sum: MemoryInfo = { tensors: 0, textures: 0, bytes: 0, pooled: { textures: 0, bytes: 0 } };
    for (const s of this.backends.values()) {
      const m = s.host.memory();
      sum.tensors += m.tensors;
      sum.textures += m.textures;
      sum.bytes += m.bytes;
      sum.pooled.textures += m.pooled.textures;
      sum.pooled.bytes += m.pooled.bytes;
    }
    return sum;
  }

  async startCapture<T>(fn: () => T | Promise<T>): Promise<{ result: T; calls: TfjsCapturedCall[] }> {
    if (typeof fn !== 'function') fail('capture', 'fn', `must be a function to run while capturing (e.g. () => model.predict(x)); got ${show(fn)}`);
    if (this.capture) fail('capture', 'fn', 'cannot start a capture while another is running; await the first');
    if (this.done) fail('capture', 'kernels', 'have been unregistered');
    const session = new CaptureSession();
    this.capture = session;
    let result: T;
    try {
      result = await fn();
    } finally {
      this.capture = null;
    }
    await Promise.all(session.reads);
    return { result, calls: session.calls };
  }

  unregister(): void {
    if (this.done) return;
    this.done = true;
    for (const [name, original] of this.originals) {
      this.tf.unregisterKernel(name, this.backendName);
      this.tf.registerKernel(original);
    }
    for (const s of this.backends.values()) {
      this.tuned = mergeTables(this.tuned, s.host.tuneTable());
      s.close();
    }
    this.backends.clear();
    this.forget();
  }

  /** A kernel call: served by ours, delegated by tuning, or TF.js's kernel where we fall back. */
  private run(name: TfjsKernelName, args: KernelArgs): TensorInfo | TensorInfo[] {
    const original = this.originals.get(name)!;
    // Compile-only warm-up runs (ENGINE_COMPILE_ONLY) compute nothing: TF.js's kernel does them.
    if (this.tf.env().get('ENGINE_COMPILE_ONLY') === true) return original.kernelFunc(args);
    const counts = this.byKernel[name];
    let result: TensorInfo | Delegated;
    try {
      result = this.servers[name]!(this, this.backendState(args.backend as WebGLBackend), args);
    } catch (e) {
      if (!(e instanceof Fallback)) throw e;
      this.fallbacks++;
      counts.fallbacks++;
      this.lastFallback = `${name}: ${e.reason}`;
      this.capture?.unserved(name, args, e.reason);
      return original.kernelFunc(args);
    }
    if (result instanceof Delegated) {
      this.delegated++;
      counts.delegated++;
      this.capture?.unserved(name, args, null);
      return result.result;
    }
    this.calls++;
    counts.calls++;
    return result;
  }

  private backendState(backend: WebGLBackend): BackendState {
    let s = this.backends.get(backend);
    if (s) return s;
    const known = this.unusable.get(backend);
    if (known) throw new Fallback(known);
    try {
      s = openBackend(backend, { ...this.tune, tuneTable: this.tuned });
    } catch (e) {
      // Asked once per backend: a WebGL1 or float-less device stays so.
      if (e instanceof Fallback) this.unusable.set(backend, e.reason);
      throw e;
    }
    this.backends.set(backend, s);
    return s;
  }
}
