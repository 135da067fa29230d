// Repacks a TF.js filter [FH, FW, C, 1] (any TF.js texture layout: tfjs_layout.glsl) for
// depthwise_tfjs.frag: logical [1, ceil(FH*FW/2), ceil(C/2), 4], texel (cp, p) holding taps 2p
// and 2p+1 of channels 2cp, 2cp+1: (w[2p][2cp], w[2p][2cp+1], w[2p+1][2cp], w[2p+1][2cp+1]).
// Runs once per filter; sizes are uniforms (one program per TF.js layout kind).
#include "layout.glsl"
#include "tfjs_layout.glsl"

uniform highp sampler2D u_source;
uniform int u_taps;   // FH * FW
uniform int u_c;      // C
uniform int u_c2;     // ceil(C / 2): the output's width

out vec4 o_value;

void main() {
  ivec2 fc = ivec2(gl_FragCoord.xy);
  int cp = fc.x;
  int p = fc.y;
  vec4 v = vec4(0.0);
  for (int l = 0; l < 4; l++) {
    int tap = 2 * p + l / 2;
    int c = 2 * cp + (l & 1);
    if (tap < u_taps && c < u_c) v[l] = tfElement(u_source, tap * u_c + c);
  }
  o_value = v;
}
