// Download through RGBA8, for devices that cannot read float pixels back: each float of a
// float tensor texture goes, with all 32 bits, into the bytes of one RGBA8 texel, the four
// floats of logical texel (x, y) into the 2x2 block at (2x, 2y) (see src/layout/rgba8.ts).
#include "layout.glsl"
#include "rgba8.glsl"

uniform highp sampler2D u_source;  // RGBA32F or RGBA16F tensor texture

out vec4 o_value;

void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  ivec2 lane = p & 1;
  o_value = encodeFloat(texelFetch(u_source, p / 2, 0)[lane.x + 2 * lane.y]);
}
