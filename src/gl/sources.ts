// Every .glsl file the library uses, imported as text through Vite.
import fullscreenVert from '../../glsl/fullscreen.vert?raw';
import layoutGlsl from '../../glsl/layout.glsl?raw';
import backpropCommonGlsl from '../../glsl/backprop_common.glsl?raw';
import depthwiseFrag from '../../glsl/depthwise.frag?raw';
import depthwiseCommonGlsl from '../../glsl/depthwise_common.glsl?raw';
import depthwiseWideFrag from '../../glsl/depthwise_wide.frag?raw';
import flattenLayersFrag from '../../glsl/flatten_layers.frag?raw';
import packFilterFrag from '../../glsl/pack_filter.frag?raw';
import backpropInputFrag from '../../glsl/backprop_input.frag?raw';
import backpropFilterPartialFrag from '../../glsl/backprop_filter_partial.frag?raw';
import backpropFilterReduceFrag from '../../glsl/backprop_filter_reduce.frag?raw';
import backpropFilterFinalFrag from '../../glsl/backprop_filter_final.frag?raw';
import fromPixelsFrag from '../../glsl/from_pixels.frag?raw';
import drawFrag from '../../glsl/draw.frag?raw';
import encodeFrag from '../../glsl/encode.frag?raw';
import tfjsLayoutGlsl from '../../glsl/tfjs_layout.glsl?raw';
import tfjsImportFrag from '../../glsl/tfjs_import.frag?raw';
import tfjsExportFrag from '../../glsl/tfjs_export.frag?raw';
import tfjsFilterFrag from '../../glsl/tfjs_filter.frag?raw';
import depthwiseTfjsFrag from '../../glsl/depthwise_tfjs.frag?raw';

/** Files that `#include "name"` may name. */
export const INCLUDES: Readonly<Record<string, string>> = {
  'layout.glsl': layoutGlsl,
  'depthwise_common.glsl': depthwiseCommonGlsl,
  'backprop_common.glsl': backpropCommonGlsl,
  'tfjs_layout.glsl': tfjsLayoutGlsl,
};

export const VERTEX = { name: 'fullscreen.vert', text: fullscreenVert } as const;

/** Fragment shaders, by the name programs are asked for. */
export const FRAGMENTS = {
  depthwise: { name: 'depthwise.frag', text: depthwiseFrag },
  depthwiseWide: { name: 'depthwise_wide.frag', text: depthwiseWideFrag },
  flattenLayers: { name: 'flatten_layers.frag', text: flattenLayersFrag },
  packFilter: { name: 'pack_filter.frag', text: packFilterFrag },
  backpropInput: { name: 'backprop_input.frag', text: backpropInputFrag },
  backpropFilterPartial: { name: 'backprop_filter_partial.frag', text: backpropFilterPartialFrag },
  backpropFilterReduce: { name: 'backprop_filter_reduce.frag', text: backpropFilterReduceFrag },
  backpropFilterFinal: { name: 'backprop_filter_final.frag', text: backpropFilterFinalFrag },
  fromPixels: { name: 'from_pixels.frag', text: fromPixelsFrag },
  draw: { name: 'draw.frag', text: drawFrag },
  encode: { name: 'encode.frag', text: encodeFrag },
  tfjsImport: { name: 'tfjs_import.frag', text: tfjsImportFrag },
  tfjsExport: { name: 'tfjs_export.frag', text: tfjsExportFrag },
  tfjsFilter: { name: 'tfjs_filter.frag', text: tfjsFilterFrag },
  depthwiseTfjs: { name: 'depthwise_tfjs.frag', text: depthwiseTfjsFrag },
} as const;

export type FragmentName = keyof typeof FRAGMENTS;
