// Lays a layered tensor (layout.glsl, "layered layout": what depthwise_wide.frag writes) out flat
// in the row-aligned layout: output texel oc4 of pixel w in row y is layer w % LAYERS, column
// (w / LAYERS) * C4 + oc4, row y of u_layers. One fetch per texel. C4 is a uniform, so one program
// per LAYERS serves every shape.
#ifndef LAYERS
#define LAYERS 4
#endif

#include "layout.glsl"
#include "depthwise_common.glsl"

uniform highp sampler2DArray u_layers;
uniform int u_c4;

out vec4 o_value;

void main() {
  ivec2 fc = ivec2(gl_FragCoord.xy);
  ivec2 wq = divmod(fc.x, u_c4);
  ivec2 gk = divmod(wq.x, LAYERS);
  o_value = texelFetch(u_layers, ivec3(gk.x * u_c4 + wq.y, fc.y, gk.y), 0);
}
