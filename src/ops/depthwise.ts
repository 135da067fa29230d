import type { GLTensor } from '../api';
import type { OpContext } from '../context';
import { fail, show } from '../errors';
import { runPassTo } from '../gl/pass';
import type { Program } from '../gl/programs';
import type { GpuTexture } from '../gl/textures';
import { isRowAligned, rowAlignedLayout, type TexelLayout } from '../layout/texels';
import { checkFused, type Activation, type FusedSpec, type FusedVector } from '../semantics/fused';
import { convGeometry, type ConvGeometry } from '../semantics/geometry';
import type { DataFormat, Padding } from '../semantics/types';
import { checkDataFormat } from '../semantics/validate';
import { Tensor } from '../tensor';

const FN = 'depthwiseConv2d';
const PACKED_FILTER = 'depthwise-filter';

/** ACTIVATION define values, as numbered in glsl/depthwise.frag. */
const ACTIVATION_CODE: Record<Activation, number> = {
  linear: 0, relu: 1, relu6: 2, leakyRelu: 3, sigmoid: 4, tanh: 5, elu: 6, prelu: 7,
};

/** Fragment-uniform vectors left for our own uniforms when bias/PReLU go in uniform arrays. */
const UNIFORM_RESERVE = 16;
const maxUniformVectors = new WeakMap<WebGL2RenderingContext, number>();

/**
 * The op: validate every argument and resolve the geometry (all before any GPU work), then
 * repack the filter once (cached on the filter tensor) and run the convolution, with the fused
 * bias and activation (if any) in the same pass: the wide shader (several output pixels per
 * fragment, then a merge pass) where it applies, else the plain one (one texel per fragment).
 */
export function depthwiseConv2d(
  ctx: OpContext,
  input: GLTensor,
  filter: GLTensor,
  strides: unknown,
  padding: Padding,
  rate: unknown,
  name: unknown,
  dataFormat: unknown,
  fused?: unknown,
): Tensor {
  const x = ctx.checkTensor(FN, 'input', input);
  const f = ctx.checkTensor(FN, 'filter', filter);
  if (name !== undefined && name !== null && typeof name !== 'string') fail(FN, 'name', `must be a string or null; got ${show(name)}`);
  let fmt: DataFormat = x.dataFormat;
  if (dataFormat !== undefined && dataFormat !== null) {
    fmt = checkDataFormat(FN, 'dataFormat', dataFormat);
    if (fmt !== x.dataFormat) {
      fail(FN, 'dataFormat', `${show(fmt)} contradicts the input's own dataFormat ${show(x.dataFormat)} (input shape [${x.shape.join(', ')}]); omit it or make the input with { dataFormat: ${show(fmt)} }`);
    }
  }
  const g = convGeometry(FN, [...x.shape], [...f.shape], strides, padding, rate, fmt);
  const spec = checkFused<Tensor>(FN, fused, g.outC, (v) => v instanceof Tensor);
  if (spec) {
    if (spec.bias?.kind === 'tensor') checkVectorTensor(ctx, 'fused.bias', spec.bias.tensor, g.outC);
    if (spec.prelu?.kind === 'tensor') checkVectorTensor(ctx, 'fused.preluWeights', spec.prelu.tensor, g.outC);
  }
  // Row-aligned where it fits: the shader then finds its output pixel without dividing.
  let outLayout = ctx.layoutFor(FN, 'output', [g.batch, g.outH, g.outW, g.outC]);
  outLayout = rowAlignedLayout(outLayout.shape, ctx.layoutMax);
  const filterLayout = packedFilterLayout(ctx, g);

  // GPU work starts here.
  const packed = packedFilter(ctx, f, g, filterLayout);
  const inL = x.tex.layout;
  const textures: Record<string, WebGLTexture> = { u_input: x.tex.texture, u_filter: packed.texture };
  const uniforms: Record<string, unknown> = {};
  const temporaries: GpuTexture[] = [];
  const epilogue = spec ? epilogueSetup(ctx, spec, g.outC, outLayout.c4, textures, uniforms, temporaries) : {};
  const common = {
    BATCH: g.batch,
    IN_H: g.inH, IN_W: g.inW, IN_C4: inL.c4, IN_TEX_W: inL.width, IN_TEX_H: inL.height,
    IN_ALIGNED: isRowAligned(inL),
    OUT_H: g.outH, OUT_C: g.outC, OUT_C4: outLayout.c4,
    FH: g.fh, FW: g.fw, SH: g.sh, SW: g.sw, RH: g.rh, PAD_T: g.padTop, PAD_L: g.padLeft,
    ...epilogue,
  };
  const wide = wideFactor(ctx, g, outLayout, filterLayout);
  if (wide) {
    const out = ctx.textures.create(outLayout);
    if (runWide(ctx, wide, g, common, { ...uniforms, ...textures }, outLayout, out, f)) {
      for (const t of temporaries) ctx.textures.free(t);
      return ctx.adopt(out, g.outShape, fmt, (name as string | null | undefined) ?? null);
    }
    ctx.textures.free(out); // no intermediate texture (context lost?): the plain pass below
  }
  const program = ctx.programs.get('depthwise', {
    ...common,
    IN_C: g.inC, OUT_W: g.outW, OUT_TEX_W: outLayout.width, OUT_TEXELS: outLayout.texels,
    OUT_ALIGNED: isRowAligned(outLayout), F_ALIGNED: filterLayout.width === outLayout.c4,
    F_TEX_W: filterLayout.width, RW: g.rw, M: g.m,
  });
  const out = ctx.textures.create(outLayout);
  ctx.pass(program, { ...uniforms, ...textures }, out);
  // Deleting right after the draw is safe: GL keeps a texture alive until the GPU is done with it.
  for (const t of temporaries) ctx.textures.free(t);
  return ctx.adopt(out, g.outShape, fmt, (name as string | null | undefined) ?? null);
}

/** WIDE_MAX: output pixels per fragment of the wide shader (color attachments it writes). */
const WIDE_MAX = 4;
const maxDrawBuffers = new WeakMap<WebGL2RenderingContext, number>();

/**
 * How many output pixels along W one fragment computes (depthwise_wide.frag), or 0 for the plain
 * shader. The wide shader reads each weight once for all of them and each input texel of a
 * filter row once (stride 1 and 2), then a merge pass interleaves the parts; it needs M = 1,
 * column rate 1, a float render format, a row-aligned output and WIDE draw buffers.
 */
function wideFactor(ctx: OpContext, g: ConvGeometry, outLayout: TexelLayout, filterLayout: TexelLayout): number {
  // Stride 2 measured no better than the plain shader (the wide one reads 2*WIDE+1 columns a
  // row, and its extra compile made first calls slower than tfjs's).
  if (g.m !== 1 || g.rw !== 1 || g.sw !== 1 || g.fh > 7 || g.fw > 7 || g.outW < 2) return 0;
  if (ctx.textures.format === 'rgba8' || !isRowAligned(outLayout) || filterLayout.width !== outLayout.c4) return 0;
  let n = maxDrawBuffers.get(ctx.gl);
  if (n === undefined) {
    n = Number(ctx.gl.getParameter(ctx.gl.MAX_DRAW_BUFFERS)) || 4;
    maxDrawBuffers.set(ctx.gl, n);
  }
  const wide = Math.min(WIDE_MAX, n);
  if (wide < 2) return 0;
  if (Math.ceil(g.outW / wide) * outLayout.c4 > ctx.layoutMax) return 0;
  return wide;
}

/**
 * The wide pass into a WIDE-layer texture array, then the merge pass into `out`. The array is
 * kept with the filter tensor (one per filter, remade when the shape changes; counted by
 * memory() and freed with the filter): a texture made and freed on every call measured 15-30 %
 * slower on the small layers (SwiftShader: allocating and first-rendering a fresh texture costs
 * about as much as the merge pass).
 */
function runWide(
  ctx: OpContext, wide: number, g: ConvGeometry, common: Record<string, number | boolean>,
  uniforms: Record<string, unknown>, outLayout: TexelLayout, out: GpuTexture, f: Tensor,
): boolean {
  const width = Math.ceil(g.outW / wide) * outLayout.c4;
  const height = g.batch * g.outH;
  const parts = wideScratch(ctx, f, outLayout, width, height, wide);
  if (!parts) return false;
  const program: Program = ctx.programs.get('depthwiseWide', { ...common, WIDE: wide, NCOLS: (wide - 1) * g.sw + g.fw });
  runPassTo(ctx.gl, null, program, uniforms, parts.fbi.framebuffer, width, height);
  const merge = ctx.programs.get('depthwiseMerge', { WIDE: wide });
  // GL runs the passes in order: a later call's wide pass cannot overwrite the array before this merge read it.
  ctx.pass(merge, { u_outC4: outLayout.c4, u_parts: parts.texture }, out);
  return true;
}

const WIDE_SCRATCH = 'depthwise-wide-scratch';
const scratchSizes = new WeakMap<GpuTexture, string>();

/** The filter's intermediate texture array for a `width` x `height` x `wide` wide pass (made on first use). */
function wideScratch(ctx: OpContext, f: Tensor, layout: TexelLayout, width: number, height: number, wide: number): GpuTexture | null {
  const size = `${width}x${height}x${wide}`;
  const cached = f.derived.get(WIDE_SCRATCH);
  if (cached && scratchSizes.get(cached) === size) return cached;
  if (cached) {
    f.derived.delete(WIDE_SCRATCH);
    ctx.textures.free(cached);
  }
  const made = ctx.textures.createLayers(layout, width, height, wide);
  if (!made) return null;
  scratchSizes.set(made, size);
  f.derived.set(WIDE_SCRATCH, made);
  return made;
}

/**
 * A bias or PReLU tensor must hold its C*M values along its channel dimension: logical NHWC
 * [1, 1, 1, C*M], i.e. shape [1, 1, 1, C*M] (NHWC) or [1, C*M, 1, 1] (NCHW).
 */
function checkVectorTensor(ctx: OpContext, arg: string, t: Tensor, outC: number): void {
  ctx.checkTensor(FN, arg, t);
  const [n, h, w, c] = t.tex.layout.shape;
  if (n !== 1 || h !== 1 || w !== 1 || c !== outC) {
    const want = t.dataFormat === 'NHWC' ? `[1, 1, 1, ${outC}]` : `[1, ${outC}, 1, 1]`;
    fail(FN, arg, `must hold the ${outC} output channels (C*M) along its channel dimension: shape ${want} (${t.dataFormat}); got ${t}`);
  }
}

/**
 * Defines, textures and uniforms of the fused epilogue. Arrays go into uniform arrays when they
 * fit in the fragment shader's uniform vectors (no texture, no upload), else into a temporary
 * texture; GLTensors are read from their own texture.
 */
function epilogueSetup(
  ctx: OpContext, spec: FusedSpec<Tensor>, outC: number, outC4: number,
  textures: Record<string, WebGLTexture>, uniforms: Record<string, unknown>, temporaries: GpuTexture[],
): Record<string, number> {
  const defines: Record<string, number> = { ACTIVATION: ACTIVATION_CODE[spec.activation] };
  let vecTexW = 0;
  const arrays = [spec.bias, spec.prelu].filter((v) => v?.kind === 'array').length;
  const fits = arrays * outC4 <= uniformVectors(ctx.gl) - UNIFORM_RESERVE;
  const place = (v: FusedVector<Tensor> | null, define: string, uniform: string, sampler: string) => {
    if (!v) return;
    let tex: GpuTexture;
    if (v.kind === 'array') {
      if (fits) {
        const padded = new Float32Array(outC4 * 4);
        padded.set(v.values);
        uniforms[uniform] = padded;
        defines[define] = 1;
        return;
      }
      const layout = ctx.layoutFor(FN, define === 'BIAS' ? 'fused.bias' : 'fused.preluWeights', [1, 1, 1, outC]);
      const texels = new Float32Array(layout.width * layout.height * 4);
      texels.set(v.values);
      tex = ctx.textures.create(layout, texels);
      temporaries.push(tex);
    } else {
      tex = v.tensor.tex;
    }
    // Both vectors have logical shape [1, 1, 1, C*M], so the same layout width.
    vecTexW = tex.layout.width;
    textures[sampler] = tex.texture;
    defines[define] = 2;
  };
  place(spec.bias, 'BIAS', 'u_biasv', 'u_bias');
  place(spec.prelu, 'PRELU', 'u_preluv', 'u_prelu');
  if (vecTexW) defines.VEC_TEX_W = vecTexW;
  if (spec.activation === 'leakyRelu' || spec.activation === 'elu') uniforms.u_alpha = spec.alpha;
  void outC;
  return defines;
}

function uniformVectors(gl: WebGL2RenderingContext): number {
  let n = maxUniformVectors.get(gl);
  if (n === undefined) {
    n = Number(gl.getParameter(gl.MAX_FRAGMENT_UNIFORM_VECTORS)) || 224;
    maxUniformVectors.set(gl, n);
  }
  return n;
}

/**
 * The packed filter: logical [1, FH, FW, C*M] in the texel layout, OUT_C4 texels wide where
 * that fits, so that tap (di, dj) of output texel oc4 sits at column oc4, row di*FW + dj.
 */
export function packedFilterLayout(ctx: OpContext, g: ConvGeometry, fn = FN): TexelLayout {
  const standard = ctx.layoutFor(fn, 'filter', [1, g.fh, g.fw, g.outC]);
  const max = ctx.layoutMax;
  const taps = g.fh * g.fw;
  if (standard.c4 > max || taps > max) return standard;
  return { ...standard, width: standard.c4, height: taps };
}

/** The filter in the layout the convolution reads, made on first use and kept with the filter tensor. */
function packedFilter(ctx: OpContext, f: Tensor, g: ConvGeometry, layout: TexelLayout): GpuTexture {
  const cached = f.derived.get(PACKED_FILTER);
  if (cached) return cached;
  const packed = packFilter(ctx, f, g, layout);
  f.derived.set(PACKED_FILTER, packed);
  return packed;
}

/**
 * Repacks filter `f` into a new texture of `layout` (from packedFilterLayout): the caller owns it.
 * The input gradient reads the filter in this layout too.
 */
export function packFilter(ctx: OpContext, f: Tensor, g: ConvGeometry, layout: TexelLayout): GpuTexture {
  const src = f.tex.layout;
  const program = ctx.programs.get('packFilter', {
    OUT_C: g.outC, OUT_C4: layout.c4, OUT_TEX_W: layout.width, OUT_TEXELS: layout.texels,
    FW: g.fw, M: g.m,
    SRC_H: src.shape[1], SRC_W: src.shape[2], SRC_C4: src.c4, SRC_TEX_W: src.width,
    SRC_NCHW: f.dataFormat === 'NCHW',
  });
  const packed = ctx.textures.create(layout);
  ctx.pass(program, { u_source: f.tex.texture }, packed);
  return packed;
}
