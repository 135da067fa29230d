import type { GLTensor } from '../api';
import type { OpContext } from './host';
import { fail, show } from '../errors';
import type { GpuTexture } from '../gl/textures';
import type { TexelLayout } from '../layout/texels';
import { gradientGeometry } from '../semantics/backprop';
import type { ConvGeometry } from '../semantics/geometry';
import type { DataFormat, Padding } from '../semantics/types';
import { checkDataFormat, checkShape } from '../semantics/validate';
import type { Tensor } from '../tensor';
import { packFilter, packedFilterLayout } from './depthwise';
import { BACKPROP_FILTER_FINAL_FRAG, BACKPROP_FILTER_PARTIAL_FRAG, BACKPROP_FILTER_REDUCE_FRAG, BACKPROP_INPUT_FRAG } from '../gl/sources';

/**
 * The two gradients of the depthwise convolution (TensorFlow's depthwise_conv2d_backprop_input
 * and _backprop_filter). Like the forward op: every argument is checked and the geometry and
 * every texture layout resolved before any GPU work; then the passes run.
 */

/** The data format: `tensor`'s own; a `dataFormat` argument must agree with it. */
function resolveFormat(fn: string, tensor: Tensor, arg: string, dataFormat: unknown): DataFormat {
  if (dataFormat === undefined || dataFormat === null) return tensor.dataFormat;
  const fmt = checkDataFormat(fn, 'dataFormat', dataFormat);
  if (fmt !== tensor.dataFormat) {
    fail(fn, 'dataFormat', `${show(fmt)} contradicts the ${arg}'s own dataFormat ${show(tensor.dataFormat)} (${arg} shape [${tensor.shape.join(', ')}]); omit it or make the ${arg} with { dataFormat: ${show(fmt)} }`);
  }
  return fmt;
}

const FN_INPUT = 'depthwiseConv2dBackpropInput';

/**
 * dInput: one repack of the filter to [1, FH, FW, C*M] (a temporary texture, freed at once),
 * then one pass where each fragment gathers the taps that touched its four input channels.
 */
export function depthwiseConv2dBackpropInput(
  ctx: OpContext,
  inputShape: unknown,
  filter: GLTensor,
  outBackprop: GLTensor,
  strides: unknown,
  padding: Padding,
  rate: unknown,
  dataFormat: unknown,
): Tensor {
  const fn = FN_INPUT;
  const f = ctx.checkTensor(fn, 'filter', filter);
  const dy = ctx.checkTensor(fn, 'outBackprop', outBackprop);
  const fmt = resolveFormat(fn, dy, 'outBackprop', dataFormat);
  const shape = checkShape(fn, 'inputShape', inputShape);
  const g = gradientGeometry(fn, shape, [...f.shape], 'filter', dy.shape, strides, padding, rate, fmt);
  const dxLayout = ctx.layoutFor(fn, 'input gradient', [g.batch, g.inH, g.inW, g.inC]);
  const packedLayout = packedFilterLayout(ctx, g, fn);

  // GPU work starts here: the program first (compiled once per shape), then the passes: the
  // filter repacked as the forward op reads it (a temporary texture), then the gather.
  const program = ctx.programs.get(BACKPROP_INPUT_FRAG, {
    IN_H: g.inH, IN_W: g.inW, IN_C: g.inC, IN_C4: dxLayout.c4,
    DX_TEX_W: dxLayout.width, DX_TEXELS: dxLayout.texels,
    OUT_H: g.outH, OUT_W: g.outW, OUT_C4: dy.tex.layout.c4, DY_TEX_W: dy.tex.layout.width, DY_TEX_H: dy.tex.layout.height,
    F_ALIGNED: packedLayout.width === packedLayout.c4, F_TEX_W: packedLayout.width,
    FH: g.fh, FW: g.fw, SH: g.sh, SW: g.sw, RH: g.rh, RW: g.rw, PAD_T: g.padTop, PAD_L: g.padLeft, M: g.m,
  });
  const packed = packFilter(ctx, f, g, packedLayout);
  try {
    const out = ctx.textures.create(dxLayout);
    try {
      ctx.pass(program, { u_outBackprop: dy.tex.texture, u_filter: packed.texture }, out);
    } catch (e) {
      ctx.textures.free(out);
      throw e;
    }
    return ctx.adopt(out, shape, fmt, null);
  } finally {
    ctx.textures.free(packed);
  }
}

const FN_FILTER = 'depthwiseConv2dBackpropFilter';

/**
 * Output positions one fragment of the first filter-gradient pass sums: enough tiles that the
 * pass has about FILTER_GRAD_FRAGMENTS fragments (a GPU needs thousands to be busy), each tile
 * between FILTER_GRAD_MIN_TILE and FILTER_GRAD_MAX_TILE positions.
 */
export const FILTER_GRAD_FRAGMENTS = 16384;
export const FILTER_GRAD_MIN_TILE = 16;
export const FILTER_GRAD_MAX_TILE = 256;
/** Partial sums one fragment of a reduction pass adds. */
export const FILTER_GRAD_GROUP = 16;

/** The passes of one filter gradient: tile size and the texture layout of every stage. */
export interface FilterGradPlan {
  tile: number;
  /** Partial-sum textures, [tiles, 1, taps, C*M] each: the first pass's, then each reduction's. */
  stages: { tiles: number; layout: TexelLayout }[];
  out: TexelLayout;
}

/** Plans the filter gradient's passes (no GPU work; throws if a stage cannot fit a texture). */
export function planFilterGrad(
  ctx: Pick<OpContext, 'layoutFor' | 'layoutMax'>, g: ConvGeometry, filterShape: number[],
): FilterGradPlan {
  const positions = g.batch * g.outH * g.outW;
  const taps = g.fh * g.fw;
  const slice = taps * Math.ceil(g.outC / 4);
  // Larger tiles only if the partial sums would not fit one texture.
  const maxTexels = ctx.layoutMax ** 2;
  const wanted = Math.ceil((positions * slice) / FILTER_GRAD_FRAGMENTS);
  let tile = Math.min(positions, Math.max(FILTER_GRAD_MIN_TILE, Math.min(FILTER_GRAD_MAX_TILE, wanted)));
  while (Math.ceil(positions / tile) * slice > maxTexels && tile < positions) tile *= 2;
  const stages: FilterGradPlan['stages'] = [];
  let tiles = Math.ceil(positions / tile);
  stages.push({ tiles, layout: ctx.layoutFor(FN_FILTER, 'partial sums', [tiles, 1, taps, g.outC]) });
  while (tiles > FILTER_GRAD_GROUP) {
    tiles = Math.ceil(tiles / FILTER_GRAD_GROUP);
    stages.push({ tiles, layout: ctx.layoutFor(FN_FILTER, 'partial sums', [tiles, 1, taps, g.outC]) });
  }
  return { tile: Math.min(tile, positions), stages, out: ctx.layoutFor(FN_FILTER, 'filter gradient', filterShape) };
}

/**
 * dFilter, a sum over the batch and every output position, in tiles: pass 1 sums tiles of
 * 16-256 positions (see FILTER_GRAD_FRAGMENTS) per (tap, 4 output channels); reduction passes add FILTER_GRAD_GROUP
 * partial sums at a time until at most that many remain; the last pass adds those and writes the
 * gradient as [FH, FW, C, M]. Every intermediate texture is freed as soon as it has been read.
 */
export function depthwiseConv2dBackpropFilter(
  ctx: OpContext,
  input: GLTensor,
  filterShape: unknown,
  outBackprop: GLTensor,
  strides: unknown,
  padding: Padding,
  rate: unknown,
  dataFormat: unknown,
): Tensor {
  const fn = FN_FILTER;
  const x = ctx.checkTensor(fn, 'input', input);
  const dy = ctx.checkTensor(fn, 'outBackprop', outBackprop);
  const fmt = resolveFormat(fn, x, 'input', dataFormat);
  if (dy.dataFormat !== fmt) {
    fail(fn, 'outBackprop', `dataFormat ${show(dy.dataFormat)} differs from the input's ${show(fmt)} (outBackprop shape [${dy.shape.join(', ')}], input shape [${x.shape.join(', ')}]); both must be in one format`);
  }
  const shape = checkShape(fn, 'filterShape', filterShape);
  const g = gradientGeometry(fn, [...x.shape], shape, 'filterShape', dy.shape, strides, padding, rate, fmt);
  const plan = planFilterGrad(ctx, g, shape);

  // GPU work starts here: the programs first (compiled once per shape), then the passes.
  const taps = g.fh * g.fw;
  const outC4 = Math.ceil(g.outC / 4);
  const slice = taps * outC4;
  const first = plan.stages[0];
  const partial = ctx.programs.get(BACKPROP_FILTER_PARTIAL_FRAG, {
    IN_H: g.inH, IN_W: g.inW, IN_C: g.inC, IN_C4: x.tex.layout.c4, IN_TEX_W: x.tex.layout.width, IN_TEX_H: x.tex.layout.height,
    OUT_H: g.outH, OUT_W: g.outW, OUT_C: g.outC, OUT_C4: outC4, DY_TEX_W: dy.tex.layout.width,
    PART_TEX_W: first.layout.width, PART_TEXELS: first.layout.texels,
    POSITIONS: g.batch * g.outH * g.outW, TILE: plan.tile, TAPS: taps,
    FW: g.fw, SH: g.sh, SW: g.sw, RH: g.rh, RW: g.rw, PAD_T: g.padTop, PAD_L: g.padLeft, M: g.m,
  });
  const reductions = plan.stages.slice(1).map((to, s) => ctx.programs.get(BACKPROP_FILTER_REDUCE_FRAG, {
    SLICE: slice, SRC_TILES: plan.stages[s].tiles, SRC_TEX_W: plan.stages[s].layout.width,
    DST_TEX_W: to.layout.width, DST_TEXELS: to.layout.texels, GROUP: FILTER_GRAD_GROUP,
  }));
  const last = plan.stages[plan.stages.length - 1];
  const final = ctx.programs.get(BACKPROP_FILTER_FINAL_FRAG, {
    C: g.inC, M: g.m, M4: plan.out.c4, OUT_C4: outC4, SLICE: slice,
    SRC_TILES: last.tiles, SRC_TEX_W: last.layout.width,
    DST_TEX_W: plan.out.width, DST_TEXELS: plan.out.texels,
  });

  // Textures from here: each intermediate is freed as soon as the next stage has read it.
  let current = ctx.textures.create(first.layout);
  try {
    ctx.pass(partial, { u_input: x.tex.texture, u_outBackprop: dy.tex.texture }, current);
    for (let s = 1; s < plan.stages.length; s++) {
      const next = ctx.textures.create(plan.stages[s].layout);
      try {
        ctx.pass(reductions[s - 1], { u_partial: current.texture }, next);
      } catch (e) {
        ctx.textures.free(next);
        throw e;
      }
      ctx.textures.free(current);
      current = next;
    }
    const out = ctx.textures.create(plan.out);
    try {
      ctx.pass(final, { u_partial: current.texture }, out);
    } catch (e) {
      ctx.textures.free(out);
      throw e;
    }
    return ctx.adopt(out, shape, 'NHWC', null);
  } finally {
    ctx.textures.free(current);
  }
}
