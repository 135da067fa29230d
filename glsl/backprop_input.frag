// Input gradient, step 2: each fragment computes one texel of dInput, i.e. four consecutive
// input channels k = 4*k4 + lane of one input pixel (n, y, x):
//
//   dInput[n, y, x, k] = sum over taps (di, dj) and q < M of filter[di, dj, k, q] * dy[n, i, j, k*M + q]
//
// over the taps whose output position (i, j) exists: y = i*SH + di*RH - PAD_T (same for x), so
// i = (y + PAD_T - di*RH) / SH must divide exactly and lie in [0, OUT_H).
//
// The 4*M outBackprop channels k*M + q of this fragment's four k are exactly dy texels
// k4*M + r, r < M, and the packed filter (backprop_input_pack.frag) is lined up with them, so
// component c of texel r belongs to lane (4*r + c) / M.
#ifndef DX_TEXELS
#define IN_H 1
#define IN_W 1
#define IN_C 1
#define IN_C4 1
#define DX_TEX_W 1
#define DX_TEXELS 1
#define OUT_H 1
#define OUT_W 1
#define OUT_C4 1
#define DY_TEX_W 1
#define F_TEX_W 1
#define FH 1
#define FW 1
#define SH 1
#define SW 1
#define RH 1
#define RW 1
#define PAD_T 0
#define PAD_L 0
#define M 1
#endif

#include "layout.glsl"

uniform highp sampler2D u_outBackprop;  // logical NHWC [N, OUT_H, OUT_W, IN_C * M]
uniform highp sampler2D u_filter;       // logical NHWC [1, FH, FW, IN_C * M]

out vec4 o_value;

void main() {
  int t = fragTexel(DX_TEX_W);
  if (t >= DX_TEXELS) {
    o_value = vec4(0.0);
    return;
  }
  int k4 = t % IN_C4;
  int pixel = t / IN_C4;
  int x = pixel % IN_W;
  pixel /= IN_W;
  int y = pixel % IN_H;
  int n = pixel / IN_H;

  vec4 acc = vec4(0.0);
  for (int di = 0; di < FH; di++) {
    int rowNum = y + PAD_T - di * RH;
    if (rowNum < 0) break;  // only decreases with di
    int i = rowNum / SH;
    if (i * SH != rowNum || i >= OUT_H) continue;
    for (int dj = 0; dj < FW; dj++) {
      int colNum = x + PAD_L - dj * RW;
      if (colNum < 0) break;
      int j = colNum / SW;
      if (j * SW != colNum || j >= OUT_W) continue;
      int dyBase = ((n * OUT_H + i) * OUT_W + j) * OUT_C4;
      int fBase = (di * FW + dj) * OUT_C4;
#if M == 1
      acc += texelFetch(u_outBackprop, texelCoord(dyBase + k4, DY_TEX_W), 0) *
             texelFetch(u_filter, texelCoord(fBase + k4, F_TEX_W), 0);
#else
      for (int r = 0; r < M; r++) {
        int oc4 = k4 * M + r;
        if (oc4 >= OUT_C4) break;
        vec4 prod = texelFetch(u_outBackprop, texelCoord(dyBase + oc4, DY_TEX_W), 0) *
                    texelFetch(u_filter, texelCoord(fBase + oc4, F_TEX_W), 0);
        for (int c = 0; c < 4; c++) acc[(4 * r + c) / M] += prod[c];
      }
#endif
    }
  }
  // Lanes past IN_C hold zero, as the layout requires.
  o_value = mix(vec4(0.0), acc, lessThan(k4 * 4 + ivec4(0, 1, 2, 3), ivec4(IN_C)));
}
