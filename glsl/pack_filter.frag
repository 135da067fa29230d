// Repacks a filter tensor [FH, FW, C, M] (held in any tensor layout) into the layout the
// convolution reads: logical NHWC [1, FH, FW, OUT_C] with OUT_C = C * M, so the four lanes of
// one texel are the weights of four consecutive output channels oc = k*M + q for one tap.
#ifndef OUT_TEXELS
#define OUT_C 1
#define OUT_C4 1
#define OUT_TEX_W 1
#define OUT_TEXELS 1
#define FW 1
#define M 1
#define SRC_H 1
#define SRC_W 1
#define SRC_C4 1
#define SRC_TEX_W 1
#define SRC_NCHW 0
#endif

#include "layout.glsl"

uniform highp sampler2D u_source;  // the filter tensor as the user made it

out vec4 o_value;

float filterAt(int di, int dj, int k, int q) {
#if SRC_NCHW
  // An NCHW tensor of shape [FH, FW, C, M] is held as logical NHWC [FH, C, M, FW].
  int n = di, h = k, w = q, c = dj;
#else
  int n = di, h = dj, w = k, c = q;
#endif
  int c4 = c / 4;
  return loadTexel(u_source, texelCoord(((n * SRC_H + h) * SRC_W + w) * SRC_C4 + c4, SRC_TEX_W))[c - c4 * 4];
}

void main() {
  int t = fragTexel(OUT_TEX_W);
  vec4 v = vec4(0.0);
  if (t < OUT_TEXELS) {
    int oc4 = t % OUT_C4;
    int tap = t / OUT_C4;
    int di = tap / FW;
    int dj = tap - di * FW;
    for (int l = 0; l < 4; l++) {
      int oc = oc4 * 4 + l;
      if (oc < OUT_C) v[l] = filterAt(di, dj, oc / M, oc % M);
    }
  }
  o_value = storeTexel(v);
}
