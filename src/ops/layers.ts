import type { OpContext } from './host';
import type { GpuTexture } from '../gl/textures';
import { isRowAligned, layerCount, rowAlignedLayout } from '../layout/texels';
import { FLATTEN_LAYERS_FRAG } from '../gl/sources';

/**
 * A layered texture (layout/texels.ts: what the wide convolution writes) laid out flat, in the
 * row-aligned layout of the same shape, by one pass (glsl/flatten_layers.frag) into a new
 * texture; the caller frees the layered one.
 */
export function flattenLayers(ctx: OpContext, layered: GpuTexture): GpuTexture {
  const layers = layerCount(layered.layout);
  const flat = rowAlignedLayout(layered.layout.shape, ctx.layoutMax);
  // A layered layout is only made where the row-aligned one fits (ops/depthwise.ts wideLayout).
  if (layers < 2 || !isRowAligned(flat)) throw new Error(`internal: flattenLayers of ${JSON.stringify(layered.layout)}`);
  const out = ctx.textures.create(flat);
  ctx.pass(ctx.programs.get(FLATTEN_LAYERS_FRAG, { LAYERS: layers }), { u_c4: flat.c4, u_layers: layered.texture }, out);
  return out;
}
