// Depthwise convolution: each fragment computes one output texel, i.e. four consecutive output
// channels oc = k*M + q of one output pixel, summing filter[di, dj, k, q] * input[n, ih, iw, k]
// over the taps that fall inside the input (taps in the padding contribute zero, unread).
//
// The op (src/ops/depthwise.ts) sets these defines; the defaults keep this file valid alone.
#ifndef OUT_TEXELS
#define IN_H 1
#define IN_W 1
#define IN_C 1
#define IN_C4 1
#define IN_TEX_W 1
#define OUT_H 1
#define OUT_W 1
#define OUT_C 1
#define OUT_C4 1
#define OUT_TEX_W 1
#define OUT_TEXELS 1
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

uniform highp sampler2D u_input;   // logical NHWC [N, IN_H, IN_W, IN_C]
uniform highp sampler2D u_filter;  // packed by pack_filter.frag: logical [1, FH, FW, OUT_C]

out vec4 o_value;

void main() {
  int t = fragTexel(OUT_TEX_W);
  if (t >= OUT_TEXELS) {
    o_value = vec4(0.0);
    return;
  }
  int oc4 = t % OUT_C4;
  int pixel = t / OUT_C4;
  int ow = pixel % OUT_W;
  pixel /= OUT_W;
  int oh = pixel % OUT_H;
  int n = pixel / OUT_H;
  int ih0 = oh * SH - PAD_T;
  int iw0 = ow * SW - PAD_L;

#if M != 1
  // Each of the 4 lanes reads its own input channel k = oc / M, from texel k / 4, component k % 4.
  // Lanes past OUT_C read channel IN_C - 1 and are masked to zero (so Inf * 0 cannot leak in).
  ivec4 oc = oc4 * 4 + ivec4(0, 1, 2, 3);
  ivec4 k = min(oc / M, ivec4(IN_C - 1));
  ivec4 kTexel = k / 4;
  ivec4 kComp = k - kTexel * 4;
  bvec4 live = lessThan(oc, ivec4(OUT_C));
#endif

  vec4 acc = vec4(0.0);
  for (int di = 0; di < FH; di++) {
    int ih = ih0 + di * RH;
    if (ih < 0 || ih >= IN_H) continue;
    for (int dj = 0; dj < FW; dj++) {
      int iw = iw0 + dj * RW;
      if (iw < 0 || iw >= IN_W) continue;
      vec4 w = texelFetch(u_filter, texelCoord((di * FW + dj) * OUT_C4 + oc4, F_TEX_W), 0);
      int base = ((n * IN_H + ih) * IN_W + iw) * IN_C4;
#if M == 1
      // Output channel oc is input channel oc: the four lanes are one input texel.
      vec4 x = texelFetch(u_input, texelCoord(base + oc4, IN_TEX_W), 0);
#else
      vec4 x;
      for (int l = 0; l < 4; l++) {
        x[l] = texelFetch(u_input, texelCoord(base + kTexel[l], IN_TEX_W), 0)[kComp[l]];
      }
      x = mix(vec4(0.0), x, live);
#endif
      acc += x * w;
    }
  }
  o_value = acc;
}
