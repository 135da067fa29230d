import type { GLTensor } from '../api';
import type { OpContext } from './host';
import { fail, show } from '../errors';
import type { GpuTexture } from '../gl/textures';
import { isRowAligned, rowAlignedLayout, type TexelLayout } from '../layout/texels';
import { checkFused, type Activation, type FusedSpec, type FusedVector } from '../semantics/fused';
import { convGeometry, type ConvGeometry } from '../semantics/geometry';
import type { DataFormat, Padding } from '../semantics/types';
import { checkDataFormat } from '../semantics/validate';
import { Tensor } from '../tensor';
import { DEPTHWISE_FRAG, PACK_FILTER_FRAG } from '../gl/sources';

const FN = 'depthwiseConv2d';
const PACKED_FILTER = 'depthwise-filter';

/** ACTIVATION define values, as numbered in glsl/depthwise.frag. */
export const ACTIVATION_CODE: Record<Activation, number> = {
  linear: 0, relu: 1, relu6: 2, leakyRelu: 3, sigmoid: 4, tanh: 5, elu: 6, prelu: 7,
};

/** Fragment-uniform vectors left for our own uniforms when bias/PReLU go in uniform arrays. */
const UNIFORM_RESERVE = 16;
const maxUniformVectors = new WeakMap<WebGL2RenderingContext, number>();

/**
 * The op: validate every argument and resolve the geometry (all before any GPU work), then
 * repack the filter once (cached on the filter tensor) and run the convolution, with the fused
 * bias and activation (if any) in the same pass: the wide shader (several output pixels per
 * fragment, into a layered output) where it applies, else the plain one (one texel per fragment).
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
  // `name` and `dataFormat` as an app passes them: checkNameAndFormat (the standalone context's).
  const fmt: DataFormat = x.dataFormat;
  void dataFormat;
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
  // The wide shader where the host carries it (the standalone context: src/ops/wide.ts).
  const wideOp = ctx.wideDepthwise;
  const wide = wideOp ? wideOp.layout(ctx, g, outLayout, filterLayout) : null;
  const outName = (name as string | null | undefined) ?? null;
  const run = (variant: string): Tensor => {
    let out: GpuTexture;
    if (variant === 'wide') {
      // Several output pixels per fragment, written straight into a layered output (no pass to
      // interleave them here: a read or another consumer flattens it once; Tensor.tex).
      out = ctx.textures.create(wide!);
      wideOp!.draw(ctx, g, wide!, common, { ...uniforms, ...textures }, out);
    } else {
      out = ctx.textures.create(outLayout);
      ctx.pass(ctx.programs.get(DEPTHWISE_FRAG, {
        ...common,
        IN_C: g.inC, OUT_W: g.outW, OUT_TEX_W: outLayout.width, OUT_TEXELS: outLayout.texels,
        OUT_ALIGNED: isRowAligned(outLayout), F_ALIGNED: filterLayout.width === outLayout.c4,
        F_TEX_W: filterLayout.width, RW: g.rw, M: g.m,
      }), { ...uniforms, ...textures }, out);
    }
    return ctx.adopt(out, g.outShape, fmt, outName);
  };
  try {
    // Where the wide shader applies, the plain one is a candidate too (src/tune: which is faster
    // differs by GL stack); the wide one is the fixed choice.
    if (!wide) return run('plain');
    const bytes = ctx.textures.format === 'rgba8';
    const touch = (t: Tensor) => ({ texture: t.stored.texture, array: (t.stored.layout.layers ?? 1) > 1, bytes });
    return ctx.tuner.run(`depthwise|${shapeKey(g, fmt, epilogue, inL)}`, ['wide', 'plain'], run, {
      compiles: () => ctx.programs.compiled, canQuery: true, touch: (r) => touch((r as Tensor | null) ?? x),
    }).result;
  } finally {
    // Deleting right after the draw is safe: GL keeps a texture alive until the GPU is done with it.
    for (const t of temporaries) ctx.textures.free(t);
  }
}

/**
 * The standalone context's checks of depthwiseConv2d's `name` and `dataFormat` (which may only
 * repeat the input's own), before the op; the TF.js kernels pass neither (null, the input's).
 */
export function checkNameAndFormat(input: Tensor, name: unknown, dataFormat: unknown): void {
  if (name !== undefined && name !== null && typeof name !== 'string') fail(FN, 'name', `must be a string or null; got ${show(name)}`);
  if (dataFormat !== undefined && dataFormat !== null) {
    const fmt = checkDataFormat(FN, 'dataFormat', dataFormat);
    if (fmt !== input.dataFormat) {
      fail(FN, 'dataFormat', `${show(fmt)} contradicts the input's own dataFormat ${show(input.dataFormat)} (input shape [${input.shape.join(', ')}]); omit it or make the input with { dataFormat: ${show(fmt)} }`);
    }
  }
}

/** A layer shape's key for the tuner: what its programs and their cost depend on. */
export function shapeKey(g: ConvGeometry, fmt: string, defines: Record<string, number | boolean>, inL: TexelLayout): string {
  const d = Object.keys(defines).sort().map((k) => `${k}=${defines[k]}`).join(',');
  return `${g.batch}x${g.inH}x${g.inW}x${g.inC}|f${g.fh}x${g.fw}x${g.m}|s${g.sh}x${g.sw}|r${g.rh}x${g.rw}|p${g.padTop},${g.padLeft}|o${g.outH}x${g.outW}|${fmt}|in${inL.width}x${inL.height}|${d}`;
}

/**
 * A bias or PReLU tensor must hold its C*M values along its channel dimension: logical NHWC
 * [1, 1, 1, C*M], i.e. shape [1, 1, 1, C*M] (NHWC) or [1, C*M, 1, 1] (NCHW).
 */
function checkVectorTensor(ctx: OpContext, arg: string, t: Tensor, outC: number): void {
  ctx.checkTensor(FN, arg, t);
  const [n, h, w, c] = t.stored.layout.shape;
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
export function epilogueSetup(
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
  const program = ctx.programs.get(PACK_FILTER_FRAG, { SRC_NCHW: f.dataFormat === 'NCHW' });
  const packed = ctx.textures.create(layout);
  ctx.pass(program, {
    u_source: f.tex.texture,
    u_outC: g.outC, u_outC4: layout.c4, u_outTexW: layout.width, u_outTexels: layout.texels,
    u_fw: g.fw, u_m: g.m, u_srcH: src.shape[1], u_srcW: src.shape[2], u_srcC4: src.c4, u_srcTexW: src.width,
  }, packed);
  return packed;
}
