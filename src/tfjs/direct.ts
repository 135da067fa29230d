import type { Program } from '../gl/programs';
import type { GpuTexture } from '../gl/textures';
import { ACTIVATION_CODE } from '../ops/depthwise';
import { DEFAULT_ALPHA, type Activation } from '../semantics/fused';
import { convGeometry, type ConvGeometry } from '../semantics/geometry';
import type { Tensor } from '../tensor';
import { channelValues, channelVector } from './attrs';
import type { ConvArgs } from './attrs';
import { cpuValues, tfjsTexture, type Bridge } from './bridge';
import { packedLayoutMatches, tfjsLayoutVector, tfjsTextureLayout } from './layout';
import type { TensorInfo, WebGLBackend } from './types';
import { DEPTHWISE_TFJS_FRAG, TFJS_FILTER_FRAG } from '../gl/sources';

/**
 * The direct path: one pass of glsl/depthwise_tfjs.frag from TF.js's packed input texture into
 * the packed output texture TF.js gives, with no conversion pass before or after. It serves the
 * common case of a real model (channel multiplier 1, NHWC, packed textures under TF.js's default
 * WEBGL_PACK); everything else takes the general path (conversion passes around our op).
 */

const FN = 'depthwiseConv2d (TF.js kernel)';
/** Largest filter the shader's unrolled macros cover, and the input columns a filter row may read. */
const MAX_TAPS_SIDE = 7;
const MAX_COLUMNS = 13;

export interface DirectCall {
  g: ConvGeometry;
  /** Input columns a filter row of the two output pixels reads (NCOLS). */
  ncols: number;
  /**
   * The program a variant (texture widths and heights, fused epilogue) draws for good, once final
   * (pickProgram): the shape's own (from its first call after PROMOTE_AFTER page tasks), or for a
   * small draw its kind's with the shape's sizes. A steady call draws it with no define set, key
   * or cache lookup built.
   */
  programs: Map<string, FinalProgram>;
  /** Per variant, while it has no program for good: its calls so far, by page task (see pickProgram). */
  uses: Map<string, Uses>;
}

/** A variant's calls while it runs its kind's program (see pickProgram). */
interface Uses {
  /** Page tasks it was called in, the current one included, and the last of them. */
  tasks: number;
  last: number;
  /** Calls so far, and those of the tasks before the current one. */
  calls: number;
  callsBefore: number;
}

/** A variant's program for good: `sizes` set for a kind's program (shared with other shapes), null for the shape's own. */
interface FinalProgram {
  program: Program;
  sizes: Record<string, Int32Array> | null;
}

/**
 * Whether the direct shader can read this call's input as it is now: a packed NHWC texture whose
 * rows are the tensor's columns, and a packed output wanted. Checked at every call (TF.js may
 * hold the same shape's input in another form from call to call).
 */
export function directApplies(backend: WebGLBackend, x: TensorInfo, conv: ConvArgs, packedOut: boolean): boolean {
  if (!packedOut || conv.dataFormat !== 'NHWC') return false;
  const td = backend.texData.get(x.dataId);
  return !(td.texture == null || !td.isPacked || td.slice || !packedLayoutMatches(x.shape, td.shape));
}

/**
 * The direct shader's geometry for a layer shape whose call directApplies to (NHWC), or null when
 * the shader does not serve it (then the general path runs). Depends on the shapes and arguments
 * alone: the kernels keep it per shape.
 */
export function directGeometry(xShape: number[], filterShape: number[], conv: ConvArgs, maxTextureSize: number): DirectCall | null {
  // TF.js's output size (a crop of ours in the number-pad case: see ConvArgs): the shader only
  // needs the top/left pads, strides and rates to place its taps.
  const natural = convGeometry(FN, xShape, filterShape, conv.strides, conv.padding, conv.rate, 'NHWC');
  const g = { ...natural, outH: conv.outH, outW: conv.outW, outShape: [natural.batch, conv.outH, conv.outW, natural.outC] };
  // Channel multiplier 1 or even (both output channels of a texel read one input channel).
  if ((g.m !== 1 && g.m % 2 !== 0) || g.fh > MAX_TAPS_SIDE || g.fw > MAX_TAPS_SIDE) return null;
  const ncols = g.sw + (g.fw - 1) * g.rw + 1;
  if (ncols > MAX_COLUMNS) return null;
  if (Math.ceil((g.fh * g.fw) / 2) > maxTextureSize || Math.ceil(g.outC / 2) > maxTextureSize) return null;
  return { g, ncols, programs: new Map(), uses: new Map() };
}

/** Page tasks (a model's predicts) in which a shape runs its kind's program before it gets its own (see pickProgram). */
export const PROMOTE_AFTER = 2;

/**
 * Own programs compiled a page task at most (see pickProgram): a shape past its PROMOTE_AFTER
 * tasks waits on its kind's program for a later task while this many compiled in the current
 * one, until its task OWN_PROGRAM_DEADLINE.
 */
export const OWN_PROGRAMS_PER_TASK = 3;

/** A shape's page task from which its own program compiles whatever others did in that task. */
export const OWN_PROGRAM_DEADLINE = PROMOTE_AFTER + 4;

/**
 * Output texels (fragments) from which a draw may get its shape's own program; a smaller one keeps
 * its kind's for good from its first call (see pickProgram).
 */
export const OWN_PROGRAM_MIN_TEXELS = 2048;

/**
 * The work a page task (a predict) must give a shape for its own program: output texels times
 * filter taps times its calls a task. Less keeps its kind's program for good (see pickProgram).
 * 294912 is 16384 texels of a 3x3 filter called twice, or a 64x64x32 layer once.
 */
export const OWN_PROGRAM_MIN_WORK = 294912;

/**
 * Logical shape of the direct shader's repacked filter: [1, ceil((FH*FW + E)/2), ceil(C/2), 4]
 * (C: C*M output channels), with E slots after the taps for a fused call's bias and PReLU
 * weights (makeDirectWeights); E = 0 for the filter alone.
 */
export function directFilterShape(fh: number, fw: number, c: number, extras = 0): number[] {
  return [1, Math.ceil((fh * fw + extras) / 2), Math.ceil(c / 2), 4];
}

/**
 * The repacked filter's values from a host filter [FH, FW, C, 1] (TF.js's CPU values; a filter
 * [FH, FW, C', M] is the same numbers as [FH, FW, C'*M, 1]): element
 * [0, p, cp, l] = slot 2p + (l >> 1), channel 2cp + (l & 1), where slot s < FH*FW is filter tap
 * s and slot FH*FW + i holds `extras[i]` (a fused call's bias, then its PReLU weights, C values
 * each); zero past the end.
 */
export function repackDirectFilter(values: ArrayLike<number>, fh: number, fw: number, c: number, extras: readonly ArrayLike<number>[] = []): Float32Array {
  const [, nwt, c2] = directFilterShape(fh, fw, c, extras.length);
  const taps = fh * fw;
  const out = new Float32Array(nwt * c2 * 4);
  for (let p = 0; p < nwt; p++) {
    for (let cp = 0; cp < c2; cp++) {
      for (let l = 0; l < 4; l++) {
        const slot = 2 * p + (l >> 1);
        const ch = 2 * cp + (l & 1);
        if (ch >= c) continue;
        if (slot < taps) out[(p * c2 + cp) * 4 + l] = values[slot * c + ch];
        else if (slot - taps < extras.length) out[(p * c2 + cp) * 4 + l] = extras[slot - taps][ch];
      }
    }
  }
  return out;
}

/**
 * The direct shader's weights: TF.js's filter repacked (directFilterShape), and for a fused call
 * its bias, then its PReLU weights (either may be absent; C values, or one for every channel) in
 * the slots after the taps, so that the shader reads them with the taps (no texture of their own
 * to bind, no fetch of their own). Where TF.js still holds all of them on the CPU (a model's
 * weights before their first use), repacked there and uploaded: no pass, no compile. Else one
 * pass of glsl/tfjs_filter.frag reads them from TF.js's textures, whatever their layout (any
 * still on the CPU uploaded first, as TF.js's own kernel would). The caller keeps the result
 * with the TF.js filter, for these vectors.
 */
export function makeDirectWeights(bridge: Bridge, backend: WebGLBackend, filter: TensorInfo, bias: TensorInfo | null, prelu: TensorInfo | null): Tensor {
  const { host } = bridge;
  const [fh, fw, cIn, m] = filter.shape;
  const c = cIn * m; // output channel k*M + q: the filter's flat channel
  // (The vectors' shapes are checked by the caller: C values or one; see channelVector.)
  const vectors = [bias, prelu].filter((v): v is TensorInfo => v !== null);
  const shape = directFilterShape(fh, fw, c, vectors.length);
  const values = cpuValues(backend, filter);
  const extras = vectors.map((v) => cpuValues(backend, v));
  if (values && extras.every((e) => e !== null)) {
    return host.tensor(repackDirectFilter(values, fh, fw, c, extras.map((e) => channelValues(e!, c))), shape) as unknown as Tensor;
  }
  const src = tfjsTexture(backend, filter);
  const uniforms: Record<string, unknown> = {
    u_source: src.texture, u_taps: fh * fw, u_c: c, u_c2: shape[2],
    u_tfTexW: src.layout.width, u_tfOffset: src.layout.offset, u_tfRows: src.layout.rows, u_tfCols: src.layout.cols,
  };
  for (const [name, v] of [['bias', bias], ['prelu', prelu]] as const) {
    if (!v) continue;
    const { texture, layout } = tfjsTexture(backend, v);
    // (One value serves every channel: step 0.)
    Object.assign(uniforms, { [`u_${name}`]: texture, [`u_${name}At`]: tfjsLayoutVector(layout), [`u_${name}Step`]: channelVector(v.shape, c) === 'scalar' ? 0 : 1 });
  }
  const out: GpuTexture = host.textures.create({ ...host.layoutFor(FN, 'filter', shape), width: shape[2], height: shape[1] });
  host.pass(host.programs.get(TFJS_FILTER_FRAG, { TFJS_PACKED: src.layout.packed, BIAS: !!bias, PRELU: !!prelu }), uniforms, out);
  return host.adopt(out, shape, 'NHWC', null);
}

/** A fused call's epilogue as the direct shader takes it: the vectors themselves are in its weights (makeDirectWeights). */
export interface DirectEpilogue {
  activation: Activation;
  /** leakyRelu's and elu's. */
  alpha?: number;
  bias: boolean;
  prelu: boolean;
}

/**
 * Runs the direct shader: TF.js's packed input and our repacked filter to a new packed TF.js
 * tensor. A fused call's `filter` holds its bias and PReLU weights after the taps
 * (makeDirectWeights), those `fused` names. `tfFramebuffer`: TF.js's own framebuffer, for a steady call that leaves the context as
 * TF.js's runner does (Bridge.renderInto); null to render through ours (the caller saves and
 * restores the state).
 */
export function runDirect(
  bridge: Bridge, backend: WebGLBackend, x: TensorInfo, filter: Tensor, call: DirectCall, fused: DirectEpilogue | null,
  tfFramebuffer: WebGLFramebuffer | null,
): TensorInfo {
  const { host } = bridge;
  const { g } = call;
  const td = backend.texData.get(x.dataId);
  const inTex = td.texture!;
  const inLayout = tfjsTextureLayout(td.texShape ?? inTex.texShape, true, td.shape);
  const uniforms: Record<string, unknown> = { u_input: inTex.texture, u_filter: filter.tex.texture };
  // (A linear epilogue with no bias is no epilogue: the plain shader's programs serve it.)
  const spec = fused && (fused.bias || fused.activation !== 'linear') ? fused : null;
  const epilogue = spec ? { ACTIVATION: ACTIVATION_CODE[spec.activation], BIAS: spec.bias ? 3 : 0, PRELU: spec.prelu ? 3 : 0 } : null;
  if (spec && (spec.activation === 'leakyRelu' || spec.activation === 'elu')) uniforms.u_alpha = spec.alpha ?? DEFAULT_ALPHA[spec.activation];
  const { info, texture, layout: outLayout } = bridge.makeOutput(backend, g.outShape, true);
  const variant = `${inLayout.width}x${inLayout.height}>${outLayout.width}|${epilogue ? `${epilogue.ACTIVATION}|${epilogue.BIAS}|${epilogue.PRELU}` : ''}`;
  const final = call.programs.get(variant);
  if (final?.sizes) Object.assign(uniforms, final.sizes);
  const program = final?.program ?? pickProgram(bridge, call, inLayout, outLayout, epilogue, uniforms, variant);
  if (tfFramebuffer) bridge.renderInto(tfFramebuffer, texture, outLayout.width, outLayout.height, program, uniforms);
  else bridge.renderTo(texture, outLayout.width, outLayout.height, program, uniforms);
  return info;
}

/**
 * The program a call of this variant runs. A shape's calls in its first PROMOTE_AFTER page tasks
 * take the program of its kind (sizes as uniforms, one per filter size, strides, rates, pad
 * parity and epilogue), already compiled for any other layer of that kind, so a model's first
 * predict compiles a program per kind, not per layer. Tasks, not calls: when calls were counted,
 * a shape that a model calls several times a predict got its own program inside the first
 * predict (Iris on Firefox: five own programs and one kind's, where stock compiled seven). Its
 * first call in a later task compiles the shape's own (every size a define), kept in
 * `call.programs` for the variant: per call it measured faster than the kind's on every
 * engine here (MobileNetV2's layers on WebKit: 0.59 of stock's time against 0.66 with kinds only,
 * fused 0.67 against 0.75; bench/RESULTS.md). Not for a small draw (fewer than
 * OWN_PROGRAM_MIN_TEXELS output texels): it keeps its kind's program for good, since the two
 * measured within a few microseconds a call there (FaceMesh's and Iris's small layers, the tiny
 * layers of the bench), while a compile costs thousands of such differences (bench/RESULTS.md,
 * issue 23's sixth pass). Nor for a shape whose page tasks so far gave it less work than
 * OWN_PROGRAM_MIN_WORK (texels x taps x calls a task): it too keeps its kind's program for good.
 * At most OWN_PROGRAMS_PER_TASK own programs compile in one page task: a heavy shape due its own
 * when that many already compiled in the task draws its kind's a task longer, up to its task
 * OWN_PROGRAM_DEADLINE, so a model's own compiles spread over a few predicts instead of
 * stalling its third (MoveNet on WebKit, cold: 7 in one predict, 903 ms against ~200).
 * An own program saves a share of the shape's calls (~12 % on llvmpipe, 15-70 % on SwiftShader),
 * while its compile, inside the predict that asks for it, costs ~100 ms on SwiftShader and on
 * llvmpipe with an empty driver cache (a first visit; ~15 ms once Mesa's on-disk shader cache
 * holds it): a light shape repays it after hundreds of predicts, if ever, and its compile
 * weighed on a model's first 20 (bench/RESULTS.md, issue 23's eighth and ninth passes). Kinds need channel
 * multiplier 1 and aligned textures; any other call runs its own program from the first.
 */
function pickProgram(
  bridge: Bridge, call: DirectCall, inLayout: { width: number; height: number }, outLayout: { width: number; height: number },
  epilogue: Record<string, number> | null, uniforms: Record<string, unknown>, variant: string,
): Program {
  const { host } = bridge;
  const { g, ncols } = call;
  const c2 = Math.ceil(g.inC / 2);
  const podd = g.padLeft & 1;
  const loops = {
    FH: g.fh, FW: g.fw, SH: g.sh, SW: g.sw, RH: g.rh, RW: g.rw,
    NCOLS: ncols, NTEX: Math.floor((ncols + podd + 1) / 2),
    NWT: directFilterShape(g.fh, g.fw, g.outC, epilogue ? (epilogue.BIAS ? 1 : 0) + (epilogue.PRELU ? 1 : 0) : 0)[1],
  };
  const outTexW = outLayout.width;
  const outC2 = Math.ceil(g.outC / 2);
  const aligned = g.m === 1 && inLayout.width === c2 && outTexW === outC2;
  const specialized = {
    BATCH: g.batch, IN_H: g.inH, IN_W: g.inW, IN_C2: c2,
    IN_TEX_W: inLayout.width, IN_TEX_H: inLayout.height, IN_ALIGNED: inLayout.width === c2,
    OUT_H: g.outH, OUT_W: g.outW, OUT_C: g.outC, OUT_C4: Math.ceil(g.outC / 4), OUT_TEX_W: outTexW, OUT_ALIGNED: outTexW === outC2,
    MULT: g.m,
    PAD_T: g.padTop, PAD_L: g.padLeft, ...loops, ...epilogue,
  };
  const texels = outLayout.width * outLayout.height;
  const small = texels < OWN_PROGRAM_MIN_TEXELS;
  // The kind's program: for good for a small draw, else in the variant's first PROMOTE_AFTER
  // page tasks (only these calls count their tasks; any other has its program for good at once),
  // and after them for good too if the shape is light: its work a task, from the tasks before
  // this one, not worth its own compile.
  const uses = aligned && !small ? countUse(bridge, call, variant) : null;
  const early = uses !== null && uses.tasks <= PROMOTE_AFTER;
  const light = uses !== null && !early &&
    texels * g.fh * g.fw * uses.callsBefore < OWN_PROGRAM_MIN_WORK * (uses.tasks - 1);
  // A heavy shape due its own program takes one of the task's compiles, or waits a task.
  const waits = uses !== null && !early && !light && !takeOwnCompile(bridge, uses.tasks);
  if (aligned && (small || early || light || waits)) {
    const sizes = {
      u_in: Int32Array.of(g.inH, g.inW, c2, inLayout.height),
      u_out: Int32Array.of(g.outH, g.outW, g.outC),
      u_pad: Int32Array.of(g.padTop, g.padLeft),
    };
    Object.assign(uniforms, sizes);
    const program = host.programs.get(DEPTHWISE_TFJS_FRAG, {
      SIZES: 1, BATCH: g.batch === 1 ? 1 : 2, PODD: podd, ...loops,
      ...epilogue,
    });
    if (small || light) {
      call.programs.set(variant, { program, sizes });
      call.uses.delete(variant);
    }
    return program;
  }
  const program = host.programs.get(DEPTHWISE_TFJS_FRAG, specialized);
  call.programs.set(variant, { program, sizes: null });
  call.uses.delete(variant);
  return program;
}

/**
 * Whether a shape in its page task `tasks` (past PROMOTE_AFTER) compiles its own program now,
 * counted against the current task's if so: fewer than OWN_PROGRAMS_PER_TASK compiled in this
 * task so far, or its task OWN_PROGRAM_DEADLINE reached. (Without setTimeout every call is a
 * task: always.)
 */
function takeOwnCompile(bridge: Bridge, tasks: number): boolean {
  const task = bridge.tasks.current;
  const budget = bridge.ownCompiles;
  if (budget.task !== task) {
    budget.task = task;
    budget.count = 0;
  }
  const now = !bridge.tasks.ticks || tasks >= OWN_PROGRAM_DEADLINE || budget.count < OWN_PROGRAMS_PER_TASK;
  if (now) budget.count++;
  return now;
}

/**
 * Counts a call of this shape's variant: its page tasks so far (this one included) and its calls.
 * (Without setTimeout, tasks are not counted: then each call counts as a task.)
 */
function countUse(bridge: Bridge, call: DirectCall, variant: string): Uses {
  const task = bridge.tasks.now();
  let uses = call.uses.get(variant);
  if (!uses) call.uses.set(variant, (uses = { tasks: 0, last: -1, calls: 0, callsBefore: 0 }));
  if (uses.last !== task || !bridge.tasks.ticks) {
    uses.tasks++;
    uses.last = task;
    uses.callsBefore = uses.calls;
  }
  uses.calls++;
  return uses;
}
