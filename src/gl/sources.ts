// Every .glsl file the library uses, imported as text through Vite.
import fullscreenVert from '../../glsl/fullscreen.vert?raw';
import layoutGlsl from '../../glsl/layout.glsl?raw';
import storageGlsl from '../../glsl/storage.glsl?raw';
import storageRgba8Glsl from '../../glsl/storage_rgba8.glsl?raw';
import rgba8Glsl from '../../glsl/rgba8.glsl?raw';
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
  'storage.glsl': storageGlsl,
  'depthwise_common.glsl': depthwiseCommonGlsl,
  'tfjs_layout.glsl': tfjsLayoutGlsl,
};

export const VERTEX = { name: 'fullscreen.vert', text: fullscreenVert } as const;

/**
 * A fragment shader: its file name (for errors and the program key), its text, and the files it
 * may `#include` beyond INCLUDES (kept with the shader, so that a bundle without it has none).
 */
export interface FragmentSource {
  readonly name: string;
  readonly text: string;
  readonly includes?: Readonly<Record<string, string>>;
}

/** rgba8.glsl (a float's bits in an RGBA8 texel), for RGBA8 storage and the encoding pass alone. */
const RGBA8_INCLUDES = { 'rgba8.glsl': rgba8Glsl };

/**
 * The includes of the programs of a context that stores RGBA8: storage_rgba8.glsl as
 * "storage.glsl" (ProgramCache's includes). Only the standalone context stores RGBA8.
 */
export const RGBA8_STORAGE_INCLUDES: Readonly<Record<string, string>> = { ...RGBA8_INCLUDES, 'storage.glsl': storageRgba8Glsl };

/** backprop_common.glsl, for the backprop shaders alone. */
const BACKPROP_INCLUDES = { 'backprop_common.glsl': backpropCommonGlsl };

// One export a fragment shader, so that a bundle carries only the shaders its code can run.
export const DEPTHWISE_FRAG: FragmentSource = { name: 'depthwise.frag', text: depthwiseFrag };
export const DEPTHWISE_WIDE_FRAG: FragmentSource = { name: 'depthwise_wide.frag', text: depthwiseWideFrag };
export const FLATTEN_LAYERS_FRAG: FragmentSource = { name: 'flatten_layers.frag', text: flattenLayersFrag };
export const PACK_FILTER_FRAG: FragmentSource = { name: 'pack_filter.frag', text: packFilterFrag };
export const BACKPROP_INPUT_FRAG: FragmentSource = { name: 'backprop_input.frag', text: backpropInputFrag, includes: BACKPROP_INCLUDES };
export const BACKPROP_FILTER_PARTIAL_FRAG: FragmentSource = { name: 'backprop_filter_partial.frag', text: backpropFilterPartialFrag, includes: BACKPROP_INCLUDES };
export const BACKPROP_FILTER_REDUCE_FRAG: FragmentSource = { name: 'backprop_filter_reduce.frag', text: backpropFilterReduceFrag, includes: BACKPROP_INCLUDES };
export const BACKPROP_FILTER_FINAL_FRAG: FragmentSource = { name: 'backprop_filter_final.frag', text: backpropFilterFinalFrag, includes: BACKPROP_INCLUDES };
export const FROM_PIXELS_FRAG: FragmentSource = { name: 'from_pixels.frag', text: fromPixelsFrag };
export const DRAW_FRAG: FragmentSource = { name: 'draw.frag', text: drawFrag };
export const ENCODE_FRAG: FragmentSource = { name: 'encode.frag', text: encodeFrag, includes: RGBA8_INCLUDES };
export const TFJS_IMPORT_FRAG: FragmentSource = { name: 'tfjs_import.frag', text: tfjsImportFrag };
export const TFJS_EXPORT_FRAG: FragmentSource = { name: 'tfjs_export.frag', text: tfjsExportFrag };
export const TFJS_FILTER_FRAG: FragmentSource = { name: 'tfjs_filter.frag', text: tfjsFilterFrag };
export const DEPTHWISE_TFJS_FRAG: FragmentSource = { name: 'depthwise_tfjs.frag', text: depthwiseTfjsFrag };
