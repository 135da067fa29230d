// Repacks a TF.js filter [FH, FW, C, 1] (any TF.js texture layout: tfjs_layout.glsl) for
// depthwise_tfjs.frag: logical [1, ceil((T + E)/2), ceil(C/2), 4], T = FH*FW taps, texel (cp, p)
// holding slots 2p and 2p+1 of channels 2cp, 2cp+1: (w[2p][2cp], w[2p][2cp+1], w[2p+1][2cp],
// w[2p+1][2cp+1]). A fused call's E = BIAS + PRELU vectors (TF.js tensors of C values, or one
// value for all) follow the taps: slot T holds the bias, slot T + BIAS the PReLU weights.
// Runs once per filter and vectors; sizes are uniforms (one program per TF.js layout kind).
#include "layout.glsl"
#include "tfjs_layout.glsl"

#ifndef BIAS
#define BIAS 0
#endif
#ifndef PRELU
#define PRELU 0
#endif

uniform highp sampler2D u_source;
uniform int u_taps;   // FH * FW
uniform int u_c;      // C
uniform int u_c2;     // ceil(C / 2): the output's width
#if BIAS
uniform highp sampler2D u_bias;
uniform ivec4 u_biasAt;  // its layout (tfElementAt)
uniform int u_biasStep;  // 1 for C values, 0 for one
#endif
#if PRELU
uniform highp sampler2D u_prelu;
uniform ivec4 u_preluAt;
uniform int u_preluStep;
#endif

out vec4 o_value;

void main() {
  ivec2 fc = ivec2(gl_FragCoord.xy);
  int cp = fc.x;
  int p = fc.y;
  vec4 v = vec4(0.0);
  for (int l = 0; l < 4; l++) {
    int slot = 2 * p + l / 2;
    int c = 2 * cp + (l & 1);
    if (c >= u_c) continue;
    if (slot < u_taps) v[l] = tfElement(u_source, slot * u_c + c);
#if BIAS
    else if (slot == u_taps) v[l] = tfElementAt(u_bias, u_biasAt, c * u_biasStep);
#endif
#if PRELU
    else if (slot == u_taps + BIAS) v[l] = tfElementAt(u_prelu, u_preluAt, c * u_preluStep);
#endif
  }
  o_value = v;
}
