// Interleaves the WIDE layers written by depthwise_wide.frag into the output tensor's
// (row-aligned) layout: output pixel ow = g * WIDE + k, texel oc4, row y is layer k, column
// g * OUT_C4 + oc4, row y of u_parts. One fetch per output texel. OUT_C4 is a uniform, so one
// program per WIDE serves every shape (one compile fewer on a shape's first call).
#ifndef WIDE
#define WIDE 2
#endif

#include "layout.glsl"
#include "depthwise_common.glsl"

uniform highp sampler2DArray u_parts;
uniform int u_outC4;

out vec4 o_value;

void main() {
  ivec2 fc = ivec2(gl_FragCoord.xy);
  ivec2 wq = divmod(fc.x, u_outC4);
  ivec2 gk = divmod(wq.x, WIDE);
  o_value = texelFetch(u_parts, ivec3(gk.x * u_outC4 + wq.y, fc.y, gk.y), 0);
}
