import { DepthwiseGLError, show } from '../errors';
import type { DataFormat } from '../semantics/types';
import type { Tensor } from '../tensor';
import type { TuneOptions } from '../tune/tuner';
import { channelValues, channelVector } from './attrs';
import { Bridge, cpuValues, type HostContext } from './bridge';
import { TfjsHost } from './host';
import { asFallback, Fallback, need } from './fallback';
import type { ShapePlan } from './forward';
import { saveState, trackActiveTexture } from './state';
import type { DataId, TensorInfo, WebGLBackend } from './types';

/**
 * What the kernels keep per TF.js WebGL backend: our core on TF.js's own WebGL2 context, the
 * bridge between TF.js's textures and ours, the tensors derived from TF.js weights (freed with
 * them), and the per-shape plans of forward calls.
 */
export interface BackendState {
  readonly backend: WebGLBackend;
  readonly host: HostContext;
  readonly bridge: Bridge;
  /** Tensors derived from a TF.js tensor (a filter, a bias), by its dataId, freed with it. */
  readonly derived: Map<DataId, Map<string, Tensor>>;
  /** What a forward call works out from its shapes and attributes alone, per layer shape (forward.ts). */
  readonly plans: Map<string, ShapePlan>;
  /**
   * TF.js's own framebuffer (gpgpu.framebuffer): a steady direct call renders into it as TF.js's
   * runner does, leaving the context as that runner expects (forward.ts, "light" calls). Null
   * where the backend has none to share: every call then saves and restores the state.
   */
  readonly tfFramebuffer: WebGLFramebuffer | null;
  /** Puts TF.js's disposeData and activeTexture back and frees everything of ours. */
  close(): void;
}

/** Our core and bridge on a TF.js WebGL backend; a Fallback where they cannot run there. */
export function openBackend(backend: WebGLBackend, tune: TuneOptions): BackendState {
  const gl = need(backend?.gpgpu?.gl, 'the backend is not a TF.js WebGL backend (no gpgpu.gl)');
  if (typeof WebGL2RenderingContext === 'undefined' || !(gl instanceof WebGL2RenderingContext)) {
    throw new Fallback('the backend runs on WebGL1 (WEBGL_VERSION 1); depthwise-gl needs WebGL2');
  }
  const saved = saveState(gl);
  let host: TfjsHost;
  let bridge: Bridge;
  try {
    try {
      host = new TfjsHost(tune, () => ({ gl, owned: false }));
    } catch (e) {
      throw new Fallback(`depthwise-gl cannot run on this context: ${(e as Error).message}`);
    }
    if (host.storage === 'rgba8') {
      host.dispose();
      throw new Fallback('this device renders no float textures (depthwise-gl would use RGBA8 storage)');
    }
    bridge = new Bridge(host);
    host.tfjs = { backend, bridge };
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
  const untrack = trackActiveTexture(gl);
  const fb = backend.gpgpu.framebuffer;
  const tfFramebuffer = typeof WebGLFramebuffer !== 'undefined' && fb instanceof WebGLFramebuffer ? fb : null;
  return {
    backend, host: host!, bridge: bridge!, derived, plans: new Map(), tfFramebuffer,
    close() {
      if (backend.disposeData === wrapped) {
        // (Someone who wrapped it after us keeps theirs.)
        if (own) backend.disposeData = previous;
        else delete (backend as { disposeData?: unknown }).disposeData;
      }
      untrack();
      const st = saveState(gl);
      try {
        for (const m of derived.values()) for (const t of m.values()) t.dispose();
        derived.clear();
        bridge!.dispose();
        host!.dispose();
      } finally {
        st.restore();
      }
    },
  };
}

/** The tensor `make` derives from TF.js tensor `info` under `key`, made once and kept until TF.js frees `info`. */
export function derived(s: BackendState, info: TensorInfo, key: string, make: () => Tensor): Tensor {
  const hit = s.derived.get(info.dataId)?.get(key);
  if (hit && !hit.disposed) return hit;
  const t = make();
  // (Looked up again: `make` may derive another tensor from `info`, e.g. the filter repacked.)
  let m = s.derived.get(info.dataId);
  if (!m) s.derived.set(info.dataId, (m = new Map()));
  m.set(key, t);
  return t;
}

/**
 * `derived` for a tensor made from `info` and other TF.js tensors (named in `key` by dataNumber),
 * of which `info` keeps one per `kind`: making one for other tensors frees the one before (a
 * filter called with a new bias each time holds one tensor, not one per bias).
 */
export function derivedOne(s: BackendState, info: TensorInfo, kind: string, key: string, make: () => Tensor): Tensor {
  return derived(s, info, key, () => {
    const m = s.derived.get(info.dataId);
    if (m) {
      for (const [k, t] of m) {
        if (k.startsWith(`${kind}|`)) {
          m.delete(k);
          t.dispose();
        }
      }
    }
    return make();
  });
}

/** A number naming a TF.js data id (an object) in a derived key, the same for as long as it lives. */
const dataNumbers = new WeakMap<DataId, number>();
let nextDataNumber = 1;
export function dataNumber(id: DataId): number {
  let n = dataNumbers.get(id);
  if (n === undefined) dataNumbers.set(id, (n = nextDataNumber++));
  return n;
}

/** Whether `derived` has the tensor for `info` and `key` already (nothing to make, upload or draw). */
export function hasDerived(s: BackendState, info: TensorInfo, key: string): boolean {
  const hit = s.derived.get(info.dataId)?.get(key);
  return !!hit && !hit.disposed;
}

/** A TF.js weight (filter, bias) as our tensor of `shape`, imported once per TF.js tensor. */
export function derivedTensor(s: BackendState, info: TensorInfo, key: string, shape: readonly number[], fmt: DataFormat): Tensor {
  return derived(s, info, `${key}|${shape.join('x')}|${fmt}`, () => s.bridge.importTensor(s.backend, info, shape, fmt));
}

/**
 * A fused per-channel vector as our tensor [1, 1, 1, C] for the general path, kept with the
 * TF.js tensor: uploaded from TF.js's CPU values (one value spread to all channels), or copied
 * from its texture. (The direct path reads the vectors with its weights: makeDirectWeights.)
 */
export function vectorOf(s: BackendState, info: TensorInfo, outC: number, what: string): Tensor {
  const v = cpuValues(s.backend, info);
  if (v) return derived(s, info, `${what}|cpu|${outC}`, () => s.host.tensor(channelValues(v, outC), [1, 1, 1, outC]) as unknown as Tensor);
  if (channelVector(info.shape, outC) !== 'vector') {
    throw new DepthwiseGLError(`${what} of shape ${show(info.shape)} is one value on the GPU (broadcast served only from the CPU)`);
  }
  return derived(s, info, `${what}|1x1x1x${outC}|NHWC`, () => s.bridge.importTensor(s.backend, info, [1, 1, 1, outC], 'NHWC'));
}

export interface GpuOptions {
  /** Our readbacks run inside the call too (a capture): PACK_ALIGNMENT is saved as well. */
  reads?: boolean;
  /**
   * A steady direct call (nothing to upload, import or compile synchronously, no capture): it
   * leaves the context as TF.js's runner expects, reading and restoring nothing (see
   * forward.ts). Otherwise the GL state our passes touch is saved and put back (state.ts).
   */
  light?: boolean;
}

/**
 * Runs our passes for a TF.js kernel call, timed for tf.time()/tf.profile() when TF.js is timing.
 * An error from our op (a limit, e.g. a texture too large) still falls back: nothing has been
 * handed to TF.js yet, and what was made for it is freed.
 */
export function runOnGpu(s: BackendState, name: string, work: () => TensorInfo, options: GpuOptions = {}): TensorInfo {
  const { backend } = s;
  const timers = backend.activeTimers;
  const query = timers && backend.startTimer ? backend.startTimer() : null;
  const saved = options.light ? null : saveState(s.host.gl, options.reads);
  const made = s.bridge.outputs.length;
  try {
    const result = work();
    s.bridge.outputs.length = made;
    return result;
  } catch (e) {
    for (const info of s.bridge.outputs.splice(made)) backend.disposeIntermediateTensorInfo(info);
    throw asFallback(e);
  } finally {
    saved?.restore();
    if (timers && query !== null && backend.endTimer && backend.getQueryTime) {
      timers.push({ name: `depthwise-gl ${name}`, query: backend.getQueryTime(backend.endTimer(query)) });
    }
  }
}

/** Runs `fn` with `temp`, which marks a tensor to dispose when `fn` is done (whatever happens). */
export function withTemporaries<T>(fn: (temp: (t: Tensor) => Tensor) => T): T {
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
