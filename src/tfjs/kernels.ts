import type { FusedEpilogue, HostTensor, MemoryInfo } from '../api';
import { Core } from '../core';
import { DepthwiseGLError, fail, show } from '../errors';
import type { Activation } from '../semantics/fused';
import type { Padding } from '../semantics/types';
import type { Tensor } from '../tensor';
import type { TuneOptions, TuneTable } from '../tune/tuner';
import { activationOf, channelVector, convArgs, dataFormatOf, withHW, type ConvArgs } from './attrs';
import { Bridge, unreadable, type HostContext } from './bridge';
import { directApplies, directGeometry, makeDirectFilter, runDirect, type DirectCall } from './direct';
import { saveState, trackActiveTexture } from './state';
import { mergeTables, readTable } from '../tune/select';
import type { Conv2DInfo, DataId, KernelConfig, TensorInfo, TfjsNamespace, WebGLBackend } from './types';

export type { TfjsNamespace } from './types';

/** The TF.js kernels depthwise-gl can serve. */
export const TFJS_KERNELS = [
  'DepthwiseConv2dNative', 'FusedDepthwiseConv2D', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter',
] as const;
export type TfjsKernelName = (typeof TFJS_KERNELS)[number];

export interface TfjsKernelOptions extends TuneOptions {
  /** The TF.js WebGL backend to serve; default 'webgl'. */
  backendName?: string;
  /** A subset of TFJS_KERNELS; default all four. */
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

const FN = 'registerTfjsKernels';
/**
 * Where the tuner times calls between barriers (no timer queries: Firefox, WebKit/Safari), TF.js's
 * kernel replaces ours for a shape only when every sample of it is at least twice as fast as ours'
 * fastest. Barrier timing sees one call's latency, in which our call's larger CPU cost (state
 * save and restore, more GL calls: on WebKit each waits on the GPU process) shows in full, where
 * a model's stream of calls overlaps it with the GPU's work; and a delegated call still pays our
 * per-call checks. With the default 10 %, WebKit gave 7 of the 10 MobileNetV2 shapes (fused) to
 * TF.js's kernel and those ran at 1.2-1.35 of stock (bench/RESULTS.md, "Tuning, third version").
 */
const DELEGATE_MARGIN = 0.5;

/**
 * TF.js's kernel as a candidate is judged per renderer too (src/tune/tuner.ts, TuneEnv.perRenderer):
 * each shape it is tried on costs TF.js's compiles for that shape and a few timed calls, and on
 * every stack measured here it lost every shape (bench/RESULTS.md, "What tuning costs after the
 * first predict"). Once it lost three shapes and won none, the other shapes keep ours untimed.
 */
const PER_RENDERER = ['tfjs'] as const;

/** Registrations alive, by TF.js namespace's kernel registry (one per backend name). */
const live = new WeakMap<object, Map<string, Registration>>();

/**
 * Replaces TF.js's WebGL depthwise kernels with depthwise-gl's, on TF.js's own WebGL2 context.
 * See the README "Use with TensorFlow.js" and ../shared/API.md.
 */
export function registerTfjsKernels(tf: TfjsNamespace, options?: TfjsKernelOptions): TfjsKernels {
  if (typeof tf !== 'object' || tf === null || typeof tf.registerKernel !== 'function' || typeof tf.getKernel !== 'function' ||
    typeof tf.findBackend !== 'function' || typeof tf.backend_util?.computeConv2DInfo !== 'function') {
    fail(FN, 'tf', `must be the TensorFlow.js namespace (import * as tf from '@tensorflow/tfjs', or window.tf); got ${show(tf)}`);
  }
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    fail(FN, 'options', `must be an object like { backendName: 'webgl' }; got ${show(options)}`);
  }
  const backendName = options?.backendName ?? 'webgl';
  if (typeof backendName !== 'string' || !backendName) fail(FN, 'options.backendName', `must be a backend name like 'webgl'; got ${show(backendName)}`);
  const kernels = options?.kernels ?? [...TFJS_KERNELS];
  if (!Array.isArray(kernels) || kernels.length === 0 || kernels.some((k) => !(TFJS_KERNELS as readonly string[]).includes(k))) {
    fail(FN, 'options.kernels', `must be a non-empty subset of ${TFJS_KERNELS.join(', ')}; got ${show(kernels)}`);
  }
  const key = tf.registerKernel as unknown as object;
  let byBackend = live.get(key);
  if (!byBackend) live.set(key, (byBackend = new Map()));
  if (byBackend.has(backendName)) {
    fail(FN, 'backendName', `${show(backendName)} already has depthwise-gl's kernels; call unregister() on the object the first registerTfjsKernels returned before registering again`);
  }
  if (!tf.findBackend(backendName)) {
    fail(FN, 'backendName', `${show(backendName)} is not a TF.js backend that exists yet; register after it is made: await tf.setBackend(${show(backendName)}) (or await tf.ready()), then call registerTfjsKernels`);
  }
  for (const k of kernels) {
    if (!tf.getKernel(k, backendName)) {
      fail(FN, 'backendName', `${show(backendName)} has no ${k} kernel of TF.js's to fall back to; is @tensorflow/tfjs-backend-webgl loaded?`);
    }
  }
  const direct = options?.direct ?? true;
  if (typeof direct !== 'boolean') fail(FN, 'options.direct', `must be true or false; got ${show(direct)}`);
  const tune: TuneOptions = {
    tune: options?.tune, tuneStorageKey: options?.tuneStorageKey, tuneTable: options?.tuneTable, tuneHook: options?.tuneHook,
  };
  const reg = new Registration(tf, backendName, [...new Set(kernels)] as TfjsKernelName[], direct, tune, () => byBackend!.delete(backendName));
  byBackend.set(backendName, reg);
  return reg.api;
}

/** A call's result from TF.js's own kernel, chosen by tuning (counted as delegated). */
class Delegated {
  constructor(readonly result: TensorInfo) {}
}

/** Why a call goes to TF.js's kernel: thrown inside a kernel before any GPU work. */
class Fallback {
  constructor(readonly reason: string) {}
}

function need<T>(v: T | null | undefined, reason: string): T {
  if (v === null || v === undefined) throw new Fallback(reason);
  return v;
}

/** What we keep per TF.js backend instance: our context on its GL, the bridge, cached weights. */
interface BackendState {
  host: HostContext;
  bridge: Bridge;
  /** Tensors derived from a TF.js tensor (a filter, a bias), by its dataId, freed with it. */
  derived: Map<DataId, Map<string, Tensor>>;
  restoreDispose: () => void;
  /** Stops tracking the context's active texture unit (state.ts). */
  untrack: () => void;
  /** What a forward call works out from its shapes and attributes alone, per layer shape (ShapePlan). */
  plans: Map<string, ShapePlan>;
}

/**
 * A forward layer shape's per-call work done once: TF.js's geometry, our arguments for it, the
 * direct shader's geometry (undefined until a call could take the direct path) and the middle of
 * the tuner's key. A model calls each shape again and again; built every call, this was ~0.03 ms
 * of JavaScript a call, 10-25 % of a small layer on WebKit (bench/RESULTS.md, "Delegated calls").
 */
interface ShapePlan {
  info: Conv2DInfo;
  conv: ConvArgs;
  direct?: DirectCall | null;
  key: string;
}

/** Plans kept per backend; past this many shapes the map starts again (shapes that keep changing). */
const MAX_PLANS = 512;

class Registration {
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
  private capturing: { calls: TfjsCapturedCall[]; reads: Promise<void>[] } | null = null;
  private done = false;
  readonly api: TfjsKernels;

  constructor(
    private readonly tf: TfjsNamespace, private readonly backendName: string, kernels: TfjsKernelName[],
    private readonly useDirect: boolean, private readonly tune: TuneOptions, private readonly forget: () => void,
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
      capture: <T>(fn: () => T | Promise<T>) => self.capture(fn),
      tuneTable: () => self.tuneTable(),
      unregister: () => self.unregister(),
    });
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

  async capture<T>(fn: () => T | Promise<T>): Promise<{ result: T; calls: TfjsCapturedCall[] }> {
    if (typeof fn !== 'function') fail('capture', 'fn', `must be a function to run while capturing (e.g. () => model.predict(x)); got ${show(fn)}`);
    if (this.capturing) fail('capture', 'fn', 'cannot start a capture while another is running; await the first');
    if (this.done) fail('capture', 'kernels', 'have been unregistered');
    const session = { calls: [] as TfjsCapturedCall[], reads: [] as Promise<void>[] };
    this.capturing = session;
    let result: T;
    try {
      result = await fn();
    } finally {
      this.capturing = null;
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
      s.restoreDispose();
      s.untrack();
      const saved = saveState(s.host.gl);
      try {
        for (const m of s.derived.values()) for (const t of m.values()) t.dispose();
        s.derived.clear();
        s.bridge.dispose();
        s.host.dispose();
      } finally {
        saved.restore();
      }
    }
    this.backends.clear();
    this.forget();
  }

  // --- a kernel call --------------------------------------------------------------------------

  private run(name: TfjsKernelName, args: Parameters<KernelConfig['kernelFunc']>[0]): TensorInfo | TensorInfo[] {
    const original = this.originals.get(name)!;
    const tf = this.tf;
    // Compile-only warm-up runs (ENGINE_COMPILE_ONLY) compute nothing: TF.js's kernel does them.
    if (tf.env().get('ENGINE_COMPILE_ONLY') === true) return original.kernelFunc(args);
    let result: TensorInfo | Delegated;
    try {
      result = this.serve(name, args);
    } catch (e) {
      if (!(e instanceof Fallback)) throw e;
      this.fallbacks++;
      this.byKernel[name].fallbacks++;
      this.lastFallback = `${name}: ${e.reason}`;
      if (this.capturing && (name === 'DepthwiseConv2dNative' || name === 'FusedDepthwiseConv2D')) this.recordUnserved(name, args, e.reason);
      return original.kernelFunc(args);
    }
    if (result instanceof Delegated) {
      this.delegated++;
      this.byKernel[name].delegated++;
      if (this.capturing && (name === 'DepthwiseConv2dNative' || name === 'FusedDepthwiseConv2D')) this.recordUnserved(name, args, null);
      return result.result;
    }
    this.calls++;
    this.byKernel[name].calls++;
    return result;
  }

  private backendState(backend: WebGLBackend): BackendState {
    let s = this.backends.get(backend);
    if (s) return s;
    const known = this.unusable.get(backend);
    if (known) throw new Fallback(known);
    try {
      return this.makeBackendState(backend);
    } catch (e) {
      // Asked once per backend: a WebGL1 or float-less device stays so.
      if (e instanceof Fallback) this.unusable.set(backend, e.reason);
      throw e;
    }
  }

  private makeBackendState(backend: WebGLBackend): BackendState {
    let s: BackendState;
    const gl = need(backend?.gpgpu?.gl, 'the backend is not a TF.js WebGL backend (no gpgpu.gl)');
    if (typeof WebGL2RenderingContext === 'undefined' || !(gl instanceof WebGL2RenderingContext)) {
      throw new Fallback('the backend runs on WebGL1 (WEBGL_VERSION 1); depthwise-gl needs WebGL2');
    }
    const saved = saveState(gl);
    let host: HostContext;
    let bridge: Bridge;
    try {
      try {
        host = new Core({ ...this.tune, tuneTable: this.tuned }, () => ({ gl, owned: false }));
      } catch (e) {
        throw new Fallback(`depthwise-gl cannot run on this context: ${(e as Error).message}`);
      }
      if (host.capabilities.storage === 'RGBA8') {
        host.dispose();
        throw new Fallback('this device renders no float textures (depthwise-gl would use RGBA8 storage)');
      }
      bridge = new Bridge(host);
    } finally {
      saved.restore();
    }
    const derived = new Map<DataId, Map<string, Tensor>>();
    // Free what we derived from a TF.js tensor when TF.js frees its data.
    const own = Object.prototype.hasOwnProperty.call(backend, 'disposeData');
    const previous = backend.disposeData;
    const wrapped = function (this: WebGLBackend, dataId: DataId, force?: boolean): boolean {
      const r = previous.call(this, dataId, force);
      const mine = derived.get(dataId);
      if (mine && !backend.texData.has(dataId)) {
        derived.delete(dataId);
        const st = saveState(gl);
        try {
          for (const t of mine.values()) t.dispose();
        } finally {
          st.restore();
        }
      }
      return r;
    };
    backend.disposeData = wrapped;
    const restoreDispose = () => {
      if (backend.disposeData !== wrapped) return; // someone wrapped it after us: leave theirs
      if (own) backend.disposeData = previous;
      else delete (backend as { disposeData?: unknown }).disposeData;
    };
    s = { host: host!, bridge: bridge!, derived, restoreDispose, untrack: trackActiveTexture(gl), plans: new Map() };
    this.backends.set(backend, s);
    return s;
  }

  private serve(name: TfjsKernelName, args: Parameters<KernelConfig['kernelFunc']>[0]): TensorInfo | Delegated {
    const backend = args.backend as WebGLBackend;
    const attrs = args.attrs ?? {};
    const inputs = args.inputs;
    const tf = this.tf;
    const s = this.backendState(backend);
    const packedOut = tf.env().getBool('WEBGL_PACK');
    // TF.js's own geometry (its rounding rules and its errors), then our arguments for it.
    const convInfo = (inShape: number[], filterShape: number[], dataFormat: 'NHWC' | 'NCHW'): Conv2DInfo => {
      try {
        return tf.backend_util.computeConv2DInfo(
          inShape, filterShape, attrs.strides as [number, number], (attrs.dilations ?? 1) as [number, number], attrs.pad,
          attrs.dimRoundingMode, true, dataFormat === 'NHWC' ? 'channelsLast' : 'channelsFirst');
      } catch (e) {
        throw new Fallback(`TF.js rejects the attributes: ${(e as Error).message}`);
      }
    };
    const argsFor = (info: Conv2DInfo, dataFormat: 'NHWC' | 'NCHW'): ConvArgs =>
      need(convArgs(info, dataFormat), `no explicit padding gives TF.js's output size for pad ${show(attrs.pad)}`);

    if (name === 'DepthwiseConv2dNative' || name === 'FusedDepthwiseConv2D') {
      const x = need(inputs.x, 'no input x');
      const filter = need(inputs.filter, 'no filter');
      const fmt = need(dataFormatOf(attrs.dataFormat), `dataFormat ${show(attrs.dataFormat)} is not NHWC or NCHW`);
      checkReadable(backend, x, 'the input');
      checkReadable(backend, filter, 'the filter');
      if (x.shape.length !== 4 || filter.shape.length !== 4) throw new Fallback(`input ${show(x.shape)} or filter ${show(filter.shape)} is not 4-D`);
      const planKey = `${x.shape}|${filter.shape}|${fmt}|${attrs.strides}|${JSON.stringify(attrs.pad)}|${attrs.dilations}|${attrs.dimRoundingMode}`;
      let plan = s.plans.get(planKey);
      if (!plan) {
        const info = convInfo(x.shape, filter.shape, fmt);
        // An empty output (TF.js's number-pad rule can give one): nothing to compute, as in TF.js.
        if (info.outHeight < 1 || info.outWidth < 1) return backend.makeTensorInfo(info.outShape, 'float32', new Float32Array(0));
        const conv = argsFor(info, fmt);
        const key = [x.shape.join('x'), filter.shape.join('x'), conv.strides.join(','), JSON.stringify(conv.padding),
          conv.rate.join(','), `${conv.outH}x${conv.outW}`, fmt].join('|');
        if (s.plans.size >= MAX_PLANS) s.plans.clear();
        s.plans.set(planKey, (plan = { info, conv, key }));
      }
      const { info, conv } = plan;
      const outC = info.outChannels;
      let fused: FusedEpilogue | null = null;
      let captureFused: TfjsCapturedCall['fused'] = null;
      const vectors: { bias?: TensorInfo; prelu?: TensorInfo } = {};
      if (name === 'FusedDepthwiseConv2D') {
        const activation = need(activationOf(attrs.activation), `activation ${show(attrs.activation)} is not one depthwise-gl fuses`);
        if (fmt === 'NCHW' && (inputs.bias || inputs.preluActivationWeights)) throw new Fallback('a fused bias or PReLU weights with NCHW data');
        if (activation === 'prelu' && !inputs.preluActivationWeights) throw new Fallback('prelu without preluActivationWeights');
        // TF.js passes leakyreluAlpha as given: left out, its kernels compute NaN for negative
        // sums; that (and any other non-finite alpha) is TF.js's kernel's to compute.
        const alpha = activation === 'leakyRelu' ? (attrs.leakyreluAlpha as number) : activation === 'elu' ? 1 : undefined;
        if (activation === 'leakyRelu' && !(typeof alpha === 'number' && Number.isFinite(alpha))) {
          throw new Fallback(`leakyreluAlpha ${show(attrs.leakyreluAlpha)} is not a finite number`);
        }
        fused = { activation, ...(alpha !== undefined ? { alpha } : {}) };
        captureFused = { activation, ...(alpha !== undefined ? { alpha } : {}) };
        if (inputs.bias) vectors.bias = inputs.bias;
        if (activation === 'prelu') vectors.prelu = inputs.preluActivationWeights!;
      }
      // Everything is checked; GPU work starts here. Our path (direct where it applies, else the
      // general one) and TF.js's own kernel are the candidates (src/tune); ours is the fixed choice.
      let direct: DirectCall | null = null;
      if (this.useDirect && directApplies(backend, x, conv, packedOut)) {
        if (plan.direct === undefined) {
          try {
            plan.direct = directGeometry(x.shape, filter.shape, conv, s.host.layoutMax);
          } catch (e) {
            throw new Fallback(e instanceof DepthwiseGLError ? e.message : `internal error: ${String((e as Error)?.stack ?? e)}`);
          }
        }
        direct = plan.direct;
      }
      const ours = (): TensorInfo => this.gpu(s, backend, name, () => {
        if (fused) {
          if (vectors.bias) fused.bias = this.vectorOf(s, backend, vectors.bias, outC, 'bias');
          if (vectors.prelu) fused.preluWeights = this.vectorOf(s, backend, vectors.prelu, outC, 'preluActivationWeights');
        }
        if (direct) {
          const fD = this.derived(s, filter, 'direct-filter', () => makeDirectFilter(s.bridge, backend, filter));
          const result = runDirect(s.bridge, backend, x, fD, direct, fused);
          if (this.capturing) {
            // Read what the direct pass read and wrote, through the general path's import.
            withTemporaries((temp) => this.record(name, attrs, conv, fused, captureFused,
              temp(s.bridge.importTensor(backend, x, x.shape, fmt)),
              temp(s.bridge.importTensor(backend, filter, filter.shape, fmt)),
              temp(s.bridge.importTensor(backend, result, result.shape, fmt))));
          }
          return result;
        }
        return withTemporaries((temp) => {
          const xT = temp(s.bridge.importTensor(backend, x, x.shape, fmt));
          const fT = this.derivedTensor(s, backend, filter, 'filter', filter.shape, fmt);
          const out = temp(s.host.depthwiseConv2d(xT, fT, conv.strides, conv.padding, conv.rate, null, fmt, fused) as unknown as Tensor);
          if (this.capturing) this.record(name, attrs, conv, fused, captureFused, xT, fT, out);
          return s.bridge.exportTensor(backend, out, packedOut, withHW(out.shape, conv.outH, conv.outW, fmt));
        });
      });
      const path = direct ? 'direct' : 'general';
      const key = `${name}|${path}|${plan.key}|${fused ? `${fused.activation}${vectors.bias ? '+b' : ''}` : ''}|${
        packedOut ? 'packed' : 'unpacked'}|${backend.texData.get(x.dataId).isPacked ? 'xp' : 'xu'}`;
      const binaries = (backend as { binaryCache?: object }).binaryCache;
      return s.host.tuner.run(key, [path, 'tfjs'], (c) => (c === 'tfjs' ? new Delegated(this.originals.get(name)!.kernelFunc(args) as TensorInfo) : ours()), {
        // A compile (ours or TF.js's), the direct path's provisional program, or the first draw
        // of a program compiled in the background, in a call: not the shape's steady time.
        compiles: () => s.host.programs.compiled + (binaries ? Object.keys(binaries).length : 0) + s.bridge.provisional + s.bridge.background.handedOut,
        canQuery: backend.activeTimers == null,
        // Timed by barriers, TF.js's kernel must be twice as fast to be given the shape.
        barrierMargin: DELEGATE_MARGIN,
        // TF.js's kernel is judged per renderer too: once it lost a few shapes here, others skip it.
        perRenderer: PER_RENDERER,
        // A captured call reads its tensors back inside the call: never a sample.
        sample: this.capturing === null,
        touch: (r) => {
          const info = r === null ? x : r instanceof Delegated ? r.result : (r as TensorInfo);
          const tex = backend.texData.get(info.dataId)?.texture;
          return tex ? { texture: tex.texture, array: false, bytes: false } : null;
        },
      }).result;
    }

    if (name === 'DepthwiseConv2dNativeBackpropInput') {
      const dy = need(inputs.dy, 'no dy');
      const filter = need(inputs.filter, 'no filter');
      const inputShape = attrs.inputShape as number[];
      if (!Array.isArray(inputShape) || inputShape.length !== 4) throw new Fallback(`inputShape ${show(inputShape)} is not 4-D`);
      checkReadable(backend, dy, 'dy');
      checkReadable(backend, filter, 'the filter');
      const conv = argsFor(convInfo(inputShape, filter.shape, 'NHWC'), 'NHWC');
      return this.gpu(s, backend, name, () => withTemporaries((temp) => {
        const dyT = temp(s.bridge.importTensor(backend, dy, dy.shape, 'NHWC', withHW(dy.shape, conv.ourH, conv.ourW, 'NHWC')));
        const fT = this.derivedTensor(s, backend, filter, 'filter', filter.shape, 'NHWC');
        const out = temp(s.host.depthwiseConv2dBackpropInput([...inputShape], fT, dyT, conv.strides, conv.padding, conv.rate, 'NHWC') as unknown as Tensor);
        return s.bridge.exportTensor(backend, out, packedOut);
      }));
    }

    // DepthwiseConv2dNativeBackpropFilter
    const x = need(inputs.x, 'no input x');
    const dy = need(inputs.dy, 'no dy');
    const filterShape = attrs.filterShape as number[];
    if (!Array.isArray(filterShape) || filterShape.length !== 4) throw new Fallback(`filterShape ${show(filterShape)} is not 4-D`);
    checkReadable(backend, x, 'the input');
    checkReadable(backend, dy, 'dy');
    const conv = argsFor(convInfo(x.shape, filterShape, 'NHWC'), 'NHWC');
    return this.gpu(s, backend, name, () => withTemporaries((temp) => {
      const xT = temp(s.bridge.importTensor(backend, x, x.shape, 'NHWC'));
      const dyT = temp(s.bridge.importTensor(backend, dy, dy.shape, 'NHWC', withHW(dy.shape, conv.ourH, conv.ourW, 'NHWC')));
      const out = temp(s.host.depthwiseConv2dBackpropFilter(xT, [...filterShape], dyT, conv.strides, conv.padding, conv.rate, 'NHWC') as unknown as Tensor);
      return s.bridge.exportTensor(backend, out, packedOut);
    }));
  }

  /**
   * Runs our passes with TF.js's GL state saved and put back, timed for tf.time()/tf.profile()
   * when TF.js is timing. An error from our op here (a limit, e.g. a texture too large) still
   * falls back: nothing has been handed to TF.js yet.
   */
  private gpu(s: BackendState, backend: WebGLBackend, name: TfjsKernelName, work: () => TensorInfo): TensorInfo {
    const timers = backend.activeTimers;
    const query = timers && backend.startTimer ? backend.startTimer() : null;
    const saved = saveState(s.host.gl, this.capturing !== null);
    const made = s.bridge.outputs.length;
    try {
      const result = work();
      s.bridge.outputs.length = made;
      return result;
    } catch (e) {
      // Nothing has been handed to TF.js yet: free what we made for it, and let TF.js's kernel
      // run. A limit of ours (DepthwiseGLError) or, never seen in the tests, any other error:
      // counted as a fallback with its message, never thrown at the app.
      for (const info of s.bridge.outputs.splice(made)) backend.disposeIntermediateTensorInfo(info);
      if (e instanceof Fallback) throw e;
      throw new Fallback(e instanceof DepthwiseGLError ? e.message : `internal error: ${String((e as Error)?.stack ?? e)}`);
    } finally {
      saved.restore();
      if (timers && query !== null && backend.endTimer && backend.getQueryTime) {
        timers.push({ name: `depthwise-gl ${name}`, query: backend.getQueryTime(backend.endTimer(query)) });
      }
    }
  }

  /** A TF.js weight (filter, bias) as our tensor, made once per TF.js tensor and kept until TF.js frees it. */
  private derivedTensor(s: BackendState, backend: WebGLBackend, info: TensorInfo, key: string, shape: readonly number[], fmt: 'NHWC' | 'NCHW'): Tensor {
    return this.derived(s, info, `${key}|${shape.join('x')}|${fmt}`, () => s.bridge.importTensor(backend, info, shape, fmt));
  }

  /** The tensor `make` derives from TF.js tensor `info` under `key`, made once and kept until TF.js frees `info`. */
  private derived(s: BackendState, info: TensorInfo, key: string, make: () => Tensor): Tensor {
    let m = s.derived.get(info.dataId);
    const hit = m?.get(key);
    if (hit && !hit.disposed) return hit;
    const t = make();
    if (!m) s.derived.set(info.dataId, (m = new Map()));
    m.set(key, t);
    return t;
  }

  /**
   * A fused per-channel vector as our tensor [1, 1, 1, C], kept with the TF.js tensor: uploaded
   * from TF.js's CPU values (one value spread to all channels), or copied from its texture.
   */
  private vectorOf(s: BackendState, backend: WebGLBackend, info: TensorInfo, outC: number, what: string): Tensor {
    const kind = channelVector(info.shape, outC);
    const td = backend.texData.get(info.dataId);
    if (td.texture == null && td.values instanceof Float32Array) {
      // Uploaded once into a one-row texture kept with the TF.js tensor (the direct shader's
      // one-program-per-kind variant reads vectors from textures).
      const v = td.values;
      return this.derived(s, info, `${what}|cpu|${outC}`, () =>
        s.host.tensor(kind === 'scalar' ? new Float32Array(outC).fill(v[0]) : v, [1, 1, 1, outC]) as unknown as Tensor);
    }
    if (kind !== 'vector') throw new DepthwiseGLError(`${what} of shape ${show(info.shape)} is one value on the GPU (broadcast served only from the CPU)`);
    return this.derivedTensor(s, backend, info, what, [1, 1, 1, outC], 'NHWC');
  }

  /** A capture's record of a call TF.js's kernel ran: a fallback (with its reason) or delegated (reason null). */
  private recordUnserved(kernel: 'DepthwiseConv2dNative' | 'FusedDepthwiseConv2D', args: Parameters<KernelConfig['kernelFunc']>[0], reason: string | null): void {
    const session = this.capturing!;
    const attrs = { ...(args.attrs ?? {}) };
    session.calls.push({
      index: session.calls.length, kernel, served: false, fallback: reason, ...(reason === null ? { delegated: true } : {}), dataFormat: dataFormatOf(attrs.dataFormat) ?? 'NHWC',
      inputShape: [...(args.inputs.x?.shape ?? [])], filterShape: [...(args.inputs.filter?.shape ?? [])], outputShape: [],
      strides: [], padding: 'VALID', rate: [1, 1], attrs, fused: null,
    });
  }

  private record(
    kernel: 'DepthwiseConv2dNative' | 'FusedDepthwiseConv2D', attrs: Record<string, unknown>, conv: ConvArgs,
    fused: FusedEpilogue | null, captureFused: TfjsCapturedCall['fused'], x: Tensor, f: Tensor, out: Tensor,
  ): void {
    const session = this.capturing!;
    const call: TfjsCapturedCall = {
      index: session.calls.length, kernel, served: true, fallback: null, dataFormat: conv.dataFormat,
      inputShape: [...x.shape], filterShape: [...f.shape], outputShape: [...out.shape],
      // Copies: conv is kept per layer shape (ShapePlan), and the app may change what it is given.
      strides: [...conv.strides], padding: typeof conv.padding === 'string' ? conv.padding : conv.padding.map((p) => [...p]) as typeof conv.padding,
      rate: [...conv.rate], attrs: { ...attrs }, fused: captureFused,
    };
    session.calls.push(call);
    const host = (t: Tensor, set: (h: HostTensor) => void) =>
      session.reads.push(t.read().then((data) => set({ data, shape: [...t.shape] })));
    host(x, (h) => { call.input = h; });
    host(f, (h) => { call.filter = h; });
    host(out, (h) => { call.output = h; });
    if (fused && captureFused) {
      for (const [k, v] of [['bias', fused.bias], ['preluWeights', fused.preluWeights]] as const) {
        // vectorOf gives tensors only.
        if (v) host(v as unknown as Tensor, (h) => { captureFused[k] = h.data; });
      }
    }
  }
}

/** Runs `fn` with `temp`, which marks a tensor to dispose when `fn` is done (whatever happens). */
function withTemporaries<T>(fn: (temp: (t: Tensor) => Tensor) => T): T {
  const temps: Tensor[] = [];
  try {
    return fn((t) => {
      temps.push(t);
      return t;
    });
  } finally {
    for (const t of temps) t.dispose();
  }
}

function checkReadable(backend: WebGLBackend, info: TensorInfo, what: string): void {
  const why = unreadable(backend, info, what);
  if (why) throw new Fallback(why);
}
