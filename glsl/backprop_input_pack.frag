// Input gradient, step 1: repacks the filter [FH, FW, C, M] (held in either tensor layout) as
// logical NHWC [1, FH, FW, OUT_C], OUT_C = C * M, so the four lanes of a texel are the weights of
// four consecutive output channels oc = k*M + q of one tap, lined up with outBackprop's texels.
#ifndef OUT_TEXELS
#define OUT_C 1
#define OUT_C4 1
#define OUT_TEX_W 1
#define OUT_TEXELS 1
#define M 1
#define SRC_H 1
#define SRC_W 1
#define SRC_C4 1
#define SRC_TEX_W 1
#define SRC_NCHW 0
#define FW 1
#endif

#include "layout.glsl"

uniform highp sampler2D u_filter;  // the filter tensor as the user made it

out vec4 o_value;

float weight(int di, int dj, int k, int q) {
#if SRC_NCHW
  // A filter made with dataFormat 'NCHW' (shape [FH, FW, C, M]) is held as logical NHWC [FH, C, M, FW].
  int n = di, h = k, w = q, c = dj;
#else
  int n = di, h = dj, w = k, c = q;
#endif
  int c4 = c / 4;
  return loadTexel(u_filter, texelCoord(((n * SRC_H + h) * SRC_W + w) * SRC_C4 + c4, SRC_TEX_W))[c - c4 * 4];
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
      if (oc < OUT_C) v[l] = weight(di, dj, oc / M, oc - (oc / M) * M);
    }
  }
  o_value = storeTexel(v);
}
