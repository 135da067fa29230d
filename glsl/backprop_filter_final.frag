// Filter gradient, last pass: adds the remaining SRC_TILES slices of partial sums (logical NHWC
// [SRC_TILES, 1, TAPS, OUT_C], OUT_C = C * M, channel oc = k*M + q) and writes the gradient in
// the filter's own shape [FH, FW, C, M] (held NHWC: texel ((di*FW + dj)*C + k)*M4 + q/4).
#ifndef DST_TEXELS
#define C 1
#define M 1
#define M4 1
#define OUT_C4 1
#define SLICE 1
#define SRC_TILES 1
#define SRC_TEX_W 1
#define DST_TEX_W 1
#define DST_TEXELS 1
#endif

#include "layout.glsl"

uniform highp sampler2D u_partial;

out vec4 o_value;

void main() {
  int t = fragTexel(DST_TEX_W);
  vec4 v = vec4(0.0);
  if (t < DST_TEXELS) {
    int q4 = t % M4;
    int pixel = t / M4;
    int k = pixel % C;
    int tap = pixel / C;
    for (int l = 0; l < 4; l++) {
      int q = q4 * 4 + l;
      if (q >= M) break;
      int oc = k * M + q;
      int src = tap * OUT_C4 + oc / 4;
      int comp = oc - (oc / 4) * 4;
      float sum = 0.0;
      for (int s = 0; s < SRC_TILES; s++) sum += loadTexel(u_partial, texelCoord(s * SLICE + src, SRC_TEX_W))[comp];
      v[l] = sum;
    }
  }
  o_value = storeTexel(v);
}
