// RGBA8 storage (STORAGE 2), given as "storage.glsl" to the programs of a standalone context
// that stores RGBA8 (src/gl/sources.ts, RGBA8_STORAGE_INCLUDES): each float's 32 bits in the bytes
// of one texel (rgba8.glsl), the four floats of logical texel (x, y) in the 2x2 block at (2x, 2y).
// The same four functions as storage.glsl.
#include "rgba8.glsl"

vec4 loadTexel(highp sampler2D s, ivec2 c) {
  ivec2 p = c * 2;
  return vec4(decodeFloat(texelFetch(s, p, 0)), decodeFloat(texelFetch(s, p + ivec2(1, 0), 0)),
              decodeFloat(texelFetch(s, p + ivec2(0, 1), 0)), decodeFloat(texelFetch(s, p + ivec2(1, 1), 0)));
}

// RGBA8 storage reads its four texels as loadTexel does (no filtering of bytes).
vec4 sampleTexel(highp sampler2D s, ivec2 c, vec2 scale) {
  return loadTexel(s, c);
}

// The logical texel coordinate this fragment writes (each one a 2x2 block of fragments).
ivec2 outputCoord() {
  return ivec2(gl_FragCoord.xy) / 2;
}

// What to write for the logical texel value v: this fragment's float of the four.
vec4 storeTexel(vec4 v) {
  ivec2 lane = ivec2(gl_FragCoord.xy) & 1;
  return encodeFloat(v[lane.x + 2 * lane.y]);
}
