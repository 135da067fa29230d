import type { OpContext, WideDepthwise } from './host';
import type { GpuTexture } from '../gl/textures';
import { isRowAligned, layeredLayout, type TexelLayout } from '../layout/texels';
import type { ConvGeometry } from '../semantics/geometry';
import { DEPTHWISE_WIDE_FRAG } from '../gl/sources';

/**
 * The wide variant of the depthwise op (glsl/depthwise_wide.frag: several output pixels per
 * fragment, written into a layered output). Its own module so that only a host that installs it
 * (the standalone context, OpContext.wideDepthwise) carries the shader: the TF.js kernels'
 * bundle leaves it out (their general path, the only one that could use it, runs the plain
 * shader; bench/RESULTS.md, issue 23's twelfth pass).
 */
export const WIDE_DEPTHWISE: WideDepthwise = {
  layout: wideLayout,
  draw(ctx, g, layout, common, inputs, out) {
    ctx.pass(ctx.programs.get(DEPTHWISE_WIDE_FRAG, { ...common, RW: g.rw, WIDE: layout.layers!, NCOLS: wideColumns(g, layout.layers!) }), inputs, out);
  },
};

/**
 * Output pixels per fragment of the wide shader (the color attachments it writes), by column
 * stride: 4 at stride 1; 2 at stride 2, where 4 ran a few % faster still but compiled so much
 * longer that a new shape's first call took longer than tfjs's (bench/RESULTS.md).
 */
const WIDE_BY_STRIDE: Record<number, number> = { 1: 4, 2: 2 };
const maxDrawBuffers = new WeakMap<WebGL2RenderingContext, number>();
/** Input columns a filter row of the wide shader may fetch (its FETCH macros go that far). */
const MAX_WIDE_COLUMNS = 13;

/** Input columns one filter row of `wide` output pixels reads (NCOLS in depthwise_wide.frag). */
function wideColumns(g: ConvGeometry, wide: number): number {
  return (wide - 1) * g.sw + (g.fw - 1) * g.rw + 1;
}

/**
 * The layered output layout of the wide shader (depthwise_wide.frag: WIDE = its layers output
 * pixels along W per fragment), or null for the plain shader. The wide shader reads each weight
 * once for all of them and each input texel of a filter row once; it needs M = 1, column stride
 * 1 or 2, at most MAX_WIDE_COLUMNS input columns a filter row (dilation widens it), a float
 * render format, WIDE draw buffers, and layers (and the flat row-aligned layout a consumer may
 * ask for) that fit in a texture.
 */
function wideLayout(ctx: OpContext, g: ConvGeometry, outLayout: TexelLayout, filterLayout: TexelLayout): TexelLayout | null {
  const wide = WIDE_BY_STRIDE[g.sw];
  if (!wide || g.m !== 1 || g.fh > 7 || g.fw > 7 || g.outW < 2 || wideColumns(g, wide) > MAX_WIDE_COLUMNS) return null;
  if (ctx.textures.format === 'rgba8' || !isRowAligned(outLayout) || filterLayout.width !== outLayout.c4) return null;
  let n = maxDrawBuffers.get(ctx.gl);
  if (n === undefined) {
    n = Number(ctx.gl.getParameter(ctx.gl.MAX_DRAW_BUFFERS)) || 4;
    maxDrawBuffers.set(ctx.gl, n);
  }
  return n >= wide ? layeredLayout(outLayout.shape, wide, ctx.layoutMax) : null;
}
