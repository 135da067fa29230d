import type { GLTensor } from '../api';
import type { OpContext } from '../context';
import { fail, show } from '../errors';
import type { GpuTexture } from '../gl/textures';
import { convGeometry, type ConvGeometry } from '../semantics/geometry';
import type { DataFormat, Padding } from '../semantics/types';
import { checkDataFormat } from '../semantics/validate';
import type { Tensor } from '../tensor';

const FN = 'depthwiseConv2d';
const PACKED_FILTER = 'depthwise-filter';

/**
 * The op: validate every argument and resolve the geometry (all before any GPU work), then
 * repack the filter once (cached on the filter tensor) and run one convolution pass.
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
  const outLayout = ctx.layoutFor(FN, 'output', [g.batch, g.outH, g.outW, g.outC]);
  const filterLayout = ctx.layoutFor(FN, 'filter', [1, g.fh, g.fw, g.outC]);

  // GPU work starts here.
  const packed = packedFilter(ctx, f, g, filterLayout);
  const inL = x.tex.layout;
  const program = ctx.programs.get('depthwise', {
    IN_H: g.inH, IN_W: g.inW, IN_C: g.inC, IN_C4: inL.c4, IN_TEX_W: inL.width,
    OUT_H: g.outH, OUT_W: g.outW, OUT_C: g.outC, OUT_C4: outLayout.c4,
    OUT_TEX_W: outLayout.width, OUT_TEXELS: outLayout.texels,
    F_TEX_W: packed.layout.width,
    FH: g.fh, FW: g.fw, SH: g.sh, SW: g.sw, RH: g.rh, RW: g.rw,
    PAD_T: g.padTop, PAD_L: g.padLeft, M: g.m,
  });
  const out = ctx.textures.create(outLayout);
  ctx.pass(program, { u_input: x.tex.texture, u_filter: packed.texture }, out);
  return ctx.adopt(out, g.outShape, fmt, (name as string | null | undefined) ?? null);
}

/** The filter in the layout the convolution reads, made on first use and kept with the filter tensor. */
function packedFilter(ctx: OpContext, f: Tensor, g: ConvGeometry, layout: GpuTexture['layout']): GpuTexture {
  const cached = f.derived.get(PACKED_FILTER);
  if (cached) return cached;
  const src = f.tex.layout;
  const program = ctx.programs.get('packFilter', {
    OUT_C: g.outC, OUT_C4: layout.c4, OUT_TEX_W: layout.width, OUT_TEXELS: layout.texels,
    FW: g.fw, M: g.m,
    SRC_H: src.shape[1], SRC_W: src.shape[2], SRC_C4: src.c4, SRC_TEX_W: src.width,
    SRC_NCHW: f.dataFormat === 'NCHW',
  });
  const packed = ctx.textures.create(layout);
  ctx.pass(program, { u_source: f.tex.texture }, packed);
  f.derived.set(PACKED_FILTER, packed);
  return packed;
}
