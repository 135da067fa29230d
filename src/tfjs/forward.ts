import type { FusedEpilogue } from '../api';
import type { Tensor } from '../tensor';
import { show } from '../errors';
import { activationOf, channelVector, convArgsOrFallback, dataFormatOf, tfjsConvInfo, withHW, type ConvArgs } from './attrs';
import { dataNumber, derived, derivedOne, derivedTensor, hasDerived, runOnGpu, vectorOf, withTemporaries, type BackendState } from './backend';
import { checkReadable } from './bridge';
import type { CaptureSession } from './capture';
import { directApplies, directGeometry, makeDirectWeights, runDirect, type DirectCall } from './direct';
import { asFallback, Fallback, need } from './fallback';
import type { Conv2DInfo, KernelConfig, TensorInfo, TfjsNamespace, WebGLBackend } from './types';

/**
 * The forward kernels, DepthwiseConv2dNative and FusedDepthwiseConv2D: a call's checks, its
 * per-shape plan, the fused epilogue, then the path: the direct one-pass path where it applies;
 * else the general path, which tuning weighs against TF.js's own kernel.
 */

export type ForwardKernel = 'DepthwiseConv2dNative' | 'FusedDepthwiseConv2D';

/** A call's result from TF.js's own kernel, chosen by tuning (counted as delegated). */
export class Delegated {
  constructor(readonly result: TensorInfo) {}
}

/** What a forward call needs of its registration. */
export interface ForwardEnv {
  readonly tf: TfjsNamespace;
  /** TfjsKernelOptions.direct. */
  readonly useDirect: boolean;
  /** TF.js's own kernel of this name (tuning's other candidate). */
  original(name: ForwardKernel): KernelConfig;
  /** The capture running, if any. */
  readonly capture: CaptureSession | null;
}

/**
 * A forward layer shape's per-call work done once: TF.js's geometry, our arguments for it, the
 * direct shader's geometry (undefined until a call could take the direct path) and the middle of
 * the tuner's key. A model calls each shape again and again; built every call, this was ~0.03 ms
 * of JavaScript a call, 10-25 % of a small layer on WebKit (bench/RESULTS.md, "Delegated calls").
 */
export interface ShapePlan {
  info: Conv2DInfo;
  conv: ConvArgs;
  direct?: DirectCall | null;
  key: string;
}

/** Plans kept per backend; past this many shapes the map starts again (shapes that keep changing). */
const MAX_PLANS = 512;

/**
 * Where the tuner times calls between barriers (no timer queries: Firefox, WebKit/Safari), TF.js's
 * kernel replaces ours for a shape only when every sample of it is at least twice as fast as ours'
 * fastest. Barrier timing sees one call's latency, in which our call's larger CPU cost shows in
 * full, where a model's stream of calls overlaps it with the GPU's work; and a delegated call
 * still pays our per-call checks. With the default 10 %, WebKit gave 7 of the 10 MobileNetV2
 * shapes (fused) to TF.js's kernel and those ran at 1.2-1.35 of stock (bench/RESULTS.md, "Tuning,
 * third version").
 */
const DELEGATE_MARGIN = 0.5;

/**
 * TF.js's kernel as a candidate is judged per renderer too (src/tune/tuner.ts, TuneEnv.perRenderer):
 * each shape it is tried on costs TF.js's compiles for that shape and a few timed calls, and on
 * every stack measured here it lost every shape (bench/RESULTS.md, "What tuning costs after the
 * first predict"). Once it lost three shapes and won none, the other shapes keep ours untimed.
 */
const PER_RENDERER = ['tfjs'] as const;

/**
 * The candidates of a general-path call. The direct path is not tuned: TF.js's kernel lost every direct-path
 * shape on all three stacks measured (nothing delegated in any of the twelve models' predicts,
 * bench/RESULTS.md), and a steady direct call makes fewer GL calls than it by construction (one
 * draw each, no query); trying it cost a model's early predicts its compiles (two programs a
 * shape) and the barriers' stalls: FaceMesh on WebKit, predicts 2-7, 556 ms tuned against 483
 * untuned. The general path (three passes) is tuned against it.
 */
const GENERAL_OR_TFJS = ['general', 'tfjs'] as const;

/** The fused epilogue of a call, in our terms, and the TF.js tensors its vectors come from. */
interface Epilogue {
  fused: FusedEpilogue;
  bias?: TensorInfo;
  prelu?: TensorInfo;
}

/** A forward call, checked: what serveDirect and serveGeneral work from. */
interface ForwardCall {
  name: ForwardKernel;
  attrs: Record<string, unknown>;
  x: TensorInfo;
  filter: TensorInfo;
  fmt: 'NHWC' | 'NCHW';
  plan: ShapePlan;
  epilogue: Epilogue | null;
  /** WEBGL_PACK: TF.js's next op reads a packed output. */
  packedOut: boolean;
}

/**
 * Serves one forward call: our result, or TF.js's kernel's where tuning chose it (Delegated).
 * Checks the call (a Fallback for what we do not serve), then takes the direct path where it
 * applies, alone; else the general path, tuned against TF.js's own kernel (src/tune).
 */
export function serveForward(env: ForwardEnv, s: BackendState, name: ForwardKernel, args: Parameters<KernelConfig['kernelFunc']>[0]): TensorInfo | Delegated {
  const { backend } = s;
  const attrs = args.attrs ?? {};
  const { inputs } = args;
  const x = need(inputs.x, 'no input x');
  const filter = need(inputs.filter, 'no filter');
  const fmt = need(dataFormatOf(attrs.dataFormat), `dataFormat ${show(attrs.dataFormat)} is not NHWC or NCHW`);
  checkReadable(backend, x, 'the input');
  checkReadable(backend, filter, 'the filter');
  if (x.shape.length !== 4 || filter.shape.length !== 4) throw new Fallback(`input ${show(x.shape)} or filter ${show(filter.shape)} is not 4-D`);
  const plan = planFor(env.tf, s, x, filter, fmt, attrs);
  // An empty output (TF.js's number-pad rule can give one): nothing to compute, as in TF.js.
  if (plan === null) {
    const info = tfjsConvInfo(env.tf, attrs, x.shape, filter.shape, fmt);
    return backend.makeTensorInfo(info.outShape, 'float32', new Float32Array(0));
  }
  const epilogue = name === 'FusedDepthwiseConv2D' ? epilogueOf(attrs, inputs, fmt) : null;
  for (const v of [epilogue?.bias, epilogue?.prelu]) {
    if (v && !channelVector(v.shape, plan.info.outChannels)) throw new Fallback(`a fused vector of shape ${show(v.shape)} for ${plan.info.outChannels} channels`);
  }
  const call: ForwardCall = { name, attrs, x, filter, fmt, plan, epilogue, packedOut: env.tf.env().getBool('WEBGL_PACK') };
  // Everything is checked; GPU work starts here.
  if (env.useDirect && directApplies(backend, x, plan.conv, call.packedOut)) {
    if (plan.direct === undefined) {
      try {
        plan.direct = directGeometry(x.shape, filter.shape, plan.conv, s.host.layoutMax);
      } catch (e) {
        throw asFallback(e);
      }
    }
    if (plan.direct) return serveDirect(env, s, call, plan.direct);
  }
  return serveGeneral(env, s, call, args);
}

/**
 * The direct path: one pass from TF.js's input texture into its output (src/tfjs/direct.ts). A
 * steady call (its weights already ours, nothing read back) leaves the context as TF.js's runner
 * expects and reads no GL state (Bridge.renderInto); any other call saves and restores what our
 * passes touch.
 */
function serveDirect(env: ForwardEnv, s: BackendState, call: ForwardCall, direct: DirectCall): TensorInfo {
  const { backend } = s;
  const { name, x, filter, fmt, epilogue } = call;
  const capture = env.capture;
  const weightsKey = epilogue ? directWeightsKey(epilogue) : DIRECT_FILTER;
  const light = !capture && s.tfFramebuffer !== null && hasDerived(s, filter, weightsKey);
  return runOnGpu(s, name, () => {
    // A fused call's bias and PReLU weights ride in the filter's texture (makeDirectWeights): one
    // such texture kept per filter, the filter alone's beside it.
    const make = () => makeDirectWeights(s.bridge, backend, filter, epilogue?.bias ?? null, epilogue?.prelu ?? null);
    const weights = weightsKey === DIRECT_FILTER ? derived(s, filter, weightsKey, make) : derivedOne(s, filter, DIRECT_WEIGHTS, weightsKey, make);
    const result = runDirect(s.bridge, backend, x, weights, direct,
      epilogue && { ...epilogue.fused, activation: epilogue.fused.activation ?? 'linear', bias: !!epilogue.bias, prelu: !!epilogue.prelu },
      light ? s.tfFramebuffer : null);
    if (capture) {
      // Read what the direct pass read and wrote, through the general path's import: the vectors
      // too, as TF.js holds them (C values or one, which CaptureSession spreads), and none of it
      // kept (the direct path keeps no vector of ours).
      const outC = call.plan.info.outChannels;
      withTemporaries((temp) => {
        const vector = (v: TensorInfo) => temp(s.bridge.importTensor(backend, v, [1, 1, 1, channelVector(v.shape, outC) === 'scalar' ? 1 : outC], 'NHWC'));
        capture.served(name, call.attrs, call.plan.conv, epilogue && withVectors(epilogue, vector),
          temp(s.bridge.importTensor(backend, x, x.shape, fmt)),
          temp(s.bridge.importTensor(backend, filter, filter.shape, fmt)),
          temp(s.bridge.importTensor(backend, result, result.shape, fmt)));
      });
    }
    return result;
  }, { reads: !!capture, light });
}

/**
 * The general path: TF.js's input imported into our layout, our op, the result exported to
 * TF.js's (three passes), tuned per shape against TF.js's own kernel.
 */
function serveGeneral(env: ForwardEnv, s: BackendState, call: ForwardCall, args: Parameters<KernelConfig['kernelFunc']>[0]): TensorInfo | Delegated {
  const { backend } = s;
  const { name, x, filter, fmt, plan, epilogue, packedOut } = call;
  const ours = (): TensorInfo => runOnGpu(s, name, () => withTemporaries((temp) => {
    const { conv } = plan;
    // The general path's own copies [1, 1, 1, C], made once per TF.js tensor (vectorOf).
    const fused = epilogue && withVectors(epilogue, (v, what) => vectorOf(s, v, plan.info.outChannels, what));
    const xT = temp(s.bridge.importTensor(backend, x, x.shape, fmt));
    const fT = derivedTensor(s, filter, 'filter', filter.shape, fmt);
    const out = temp(s.host.depthwiseConv2d(xT, fT, conv.strides, conv.padding, conv.rate, null, fmt, fused) as unknown as Tensor);
    env.capture?.served(name, call.attrs, conv, fused, xT, fT, out);
    return s.bridge.exportTensor(backend, out, packedOut, withHW(out.shape, conv.outH, conv.outW, fmt));
  }), { reads: !!env.capture });
  const key = `${name}|general|${plan.key}|${epilogue ? `${epilogue.fused.activation}${epilogue.bias ? '+b' : ''}` : ''}|${
    packedOut ? 'packed' : 'unpacked'}|${backend.texData.get(x.dataId).isPacked ? 'xp' : 'xu'}`;
  return s.host.tuner.run(key, GENERAL_OR_TFJS, (c) => (c === 'tfjs' ? new Delegated(env.original(name).kernelFunc(args) as TensorInfo) : ours()), {
    // A compile (ours or TF.js's) in a call: not the shape's steady time.
    compiles: () => compilesSoFar(s),
    canQuery: backend.activeTimers == null,
    // Timed by barriers, TF.js's kernel must be twice as fast to be given the shape.
    barrierMargin: DELEGATE_MARGIN,
    // TF.js's kernel is judged per renderer too: once it lost a few shapes here, others skip it.
    perRenderer: PER_RENDERER,
    // A captured call reads its tensors back inside the call: never a sample.
    sample: env.capture === null,
    touch: (r) => {
      const info = r === null ? x : r instanceof Delegated ? r.result : (r as TensorInfo);
      const tex = backend.texData.get(info.dataId)?.texture;
      return tex ? { texture: tex.texture, array: false, bytes: false } : null;
    },
  }).result;
}

/** Shader compiles so far, ours and TF.js's (the direct path, untuned, needs no count). */
function compilesSoFar(s: BackendState): number {
  const binaries = (s.backend as { binaryCache?: object }).binaryCache;
  return s.host.programs.compiled + (binaries ? Object.keys(binaries).length : 0);
}

/** What the filter's direct weights are kept under: alone (derived), with a fused call's vectors (derivedOne, one per filter). */
const DIRECT_FILTER = 'direct-filter';
const DIRECT_WEIGHTS = 'direct-weights';

/** The key of a call's direct weights: with its vectors' data ids, or the filter alone's where it has none. */
function directWeightsKey(e: Epilogue): string {
  if (!e.bias && !e.prelu) return DIRECT_FILTER;
  return `${DIRECT_WEIGHTS}|${e.bias ? dataNumber(e.bias.dataId) : 0}|${e.prelu ? dataNumber(e.prelu.dataId) : 0}`;
}

/** The call's shape plan, made at the shape's first call; null where TF.js's output is empty. */
function planFor(tf: TfjsNamespace, s: BackendState, x: TensorInfo, filter: TensorInfo, fmt: 'NHWC' | 'NCHW', attrs: Record<string, unknown>): ShapePlan | null {
  const planKey = `${x.shape}|${filter.shape}|${fmt}|${attrs.strides}|${JSON.stringify(attrs.pad)}|${attrs.dilations}|${attrs.dimRoundingMode}`;
  const known = s.plans.get(planKey);
  if (known) return known;
  const info = tfjsConvInfo(tf, attrs, x.shape, filter.shape, fmt);
  if (info.outHeight < 1 || info.outWidth < 1) return null;
  const conv = convArgsOrFallback(info, fmt, attrs.pad);
  const key = [x.shape.join('x'), filter.shape.join('x'), conv.strides.join(','), JSON.stringify(conv.padding),
    conv.rate.join(','), `${conv.outH}x${conv.outW}`, fmt].join('|');
  if (s.plans.size >= MAX_PLANS) s.plans.clear();
  const plan: ShapePlan = { info, conv, key };
  s.plans.set(planKey, plan);
  return plan;
}

/** A fused call's epilogue (activation, alpha, the TF.js vectors), or a Fallback where we do not fuse it. */
function epilogueOf(attrs: Record<string, unknown>, inputs: Record<string, TensorInfo | undefined>, fmt: 'NHWC' | 'NCHW'): Epilogue {
  const activation = need(activationOf(attrs.activation), `activation ${show(attrs.activation)} is not one depthwise-gl fuses`);
  if (fmt === 'NCHW' && (inputs.bias || inputs.preluActivationWeights)) throw new Fallback('a fused bias or PReLU weights with NCHW data');
  if (activation === 'prelu' && !inputs.preluActivationWeights) throw new Fallback('prelu without preluActivationWeights');
  // TF.js passes leakyreluAlpha as given: left out, its kernels compute NaN for negative
  // sums; that (and any other non-finite alpha) is TF.js's kernel's to compute.
  const alpha = activation === 'leakyRelu' ? (attrs.leakyreluAlpha as number) : activation === 'elu' ? 1 : undefined;
  if (activation === 'leakyRelu' && !(typeof alpha === 'number' && Number.isFinite(alpha))) {
    throw new Fallback(`leakyreluAlpha ${show(attrs.leakyreluAlpha)} is not a finite number`);
  }
  return {
    fused: { activation, ...(alpha !== undefined ? { alpha } : {}) },
    ...(inputs.bias ? { bias: inputs.bias } : {}),
    ...(activation === 'prelu' ? { prelu: inputs.preluActivationWeights! } : {}),
  };
}

/** The epilogue with its vectors as tensors of ours, each made by `tensorOf` (given its name in TF.js's kernel). */
function withVectors(e: Epilogue, tensorOf: (v: TensorInfo, what: string) => Tensor): FusedEpilogue {
  const fused: FusedEpilogue = { ...e.fused };
  if (e.bias) fused.bias = tensorOf(e.bias, 'bias') as unknown as FusedEpilogue['bias'];
  if (e.prelu) fused.preluWeights = tensorOf(e.prelu, 'preluActivationWeights') as unknown as FusedEpilogue['preluWeights'];
  return fused;
}

/** TF.js's forward kernel names. */
export function isForward(name: string): name is ForwardKernel {
  return name === 'DepthwiseConv2dNative' || name === 'FusedDepthwiseConv2D';
}
