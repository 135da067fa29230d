// A fused call's weights for depthwise_tfjs.frag: the repacked filter (tfjs_filter.frag's output,
// logical [1, ceil(T/2), ceil(C/2), 4], T = FH*FW taps) with the bias and the PReLU weights in the
// slots after its taps: "tap" T holds the bias, T + BIAS the PReLU weights, so that texel (cp, p)
// holds slots 2p and 2p+1 of channels 2cp, 2cp+1 like the taps. Logical
// [1, ceil((T + BIAS + PRELU)/2), ceil(C/2), 4]. Runs once per filter and epilogue; sizes are
// uniforms. The vectors are depthwise-gl tensors [1, 1, 1, C] (texel i: channels 4i .. 4i+3,
// u_vecW texels to a row).
#include "layout.glsl"

#ifndef BIAS
#define BIAS 0
#endif
#ifndef PRELU
#define PRELU 0
#endif

uniform highp sampler2D u_filter;
#if BIAS
uniform highp sampler2D u_bias;
#endif
#if PRELU
uniform highp sampler2D u_prelu;
#endif
uniform int u_taps;  // FH * FW
uniform int u_rows;  // the repacked filter's height, ceil(T / 2)
uniform int u_c;     // C (C*M output channels)
uniform int u_vecW;  // the vectors' texture width

out vec4 o_value;

// Element c of a vector [1, 1, 1, C].
float vectorAt(highp sampler2D s, int c) {
  int t = c / 4;
  return loadTexel(s, texelCoord(t, u_vecW))[c - 4 * t];
}

void main() {
  ivec2 fc = ivec2(gl_FragCoord.xy);
  int cp = fc.x;
  int p = fc.y;
  vec4 v = p < u_rows ? loadTexel(u_filter, fc) : vec4(0.0);
  for (int l = 0; l < 4; l++) {
    int slot = 2 * p + l / 2 - u_taps;
    int c = 2 * cp + (l & 1);
    if (slot < 0 || c >= u_c) continue;
#if BIAS
    if (slot == 0) v[l] = vectorAt(u_bias, c);
#endif
#if PRELU
    if (slot == BIAS) v[l] = vectorAt(u_prelu, c);
#endif
  }
  o_value = v;
}
