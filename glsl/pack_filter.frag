// Repacks a filter tensor [FH, FW, C, M] (held in any tensor layout) into the layout the
// convolution reads: logical NHWC [1, FH, FW, OUT_C] with OUT_C = C * M, so the four lanes of
// one texel are the weights of four consecutive output channels oc = k*M + q for one tap.
//
// The sizes are uniforms, not defines: this small pass runs once per filter, and one program for
// every shape spares each new shape's first call a compile (measured in bench/RESULTS.md).
// SRC_NCHW (how the source tensor is held) stays a define: two programs at most.
#ifndef SRC_NCHW
#define SRC_NCHW 0
#endif

#include "layout.glsl"

uniform highp sampler2D u_source;  // the filter tensor as the user made it
uniform int u_outC;                // C * M
uniform int u_outC4;               // ceil(C * M / 4)
uniform int u_outTexW;             // packed layout width
uniform int u_outTexels;           // packed texels in use
uniform int u_fw;
uniform int u_m;
uniform int u_srcH;                // the source's logical NHWC H, W, C4 and texture width
uniform int u_srcW;
uniform int u_srcC4;
uniform int u_srcTexW;

out vec4 o_value;

float filterAt(int di, int dj, int k, int q) {
#if SRC_NCHW
  // An NCHW tensor of shape [FH, FW, C, M] is held as logical NHWC [FH, C, M, FW].
  int n = di, h = k, w = q, c = dj;
#else
  int n = di, h = dj, w = k, c = q;
#endif
  int c4 = c / 4;
  return loadTexel(u_source, texelCoord(((n * u_srcH + h) * u_srcW + w) * u_srcC4 + c4, u_srcTexW))[c - c4 * 4];
}

void main() {
  int t = fragTexel(u_outTexW);
  vec4 v = vec4(0.0);
  if (t < u_outTexels) {
    int oc4 = t % u_outC4;
    int tap = t / u_outC4;
    int di = tap / u_fw;
    int dj = tap - di * u_fw;
    for (int l = 0; l < 4; l++) {
      int oc = oc4 * 4 + l;
      if (oc < u_outC) v[l] = filterAt(di, dj, oc / u_m, oc % u_m);
    }
  }
  o_value = storeTexel(v);
}
