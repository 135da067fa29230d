// Input gradient, step 2: each fragment computes one texel of dInput, i.e. four consecutive
// input channels k = 4*k4 + lane of one input pixel (n, y, x):
//
//   dInput[n, y, x, k] = sum over taps (di, dj) and q < M of filter[di, dj, k, q] * dy[n, i, j, k*M + q]
//
// over the taps with an output position (i, j): y + PAD_T = i*SH + di*RH (same for x), 0 <= i < OUT_H.
// Since a rate above 1 needs stride 1, the taps that qualify are di = di0 + SH*u with
// i = i0 - RH*u, where i0 = (y + PAD_T) / SH and di0 = (y + PAD_T) % SH: the loops visit only
// those, and reach each tap's outBackprop texel by a constant step back from the previous one.
//
// The 4*M outBackprop channels k*M + q of this fragment's four k are exactly dy texels
// k4*M + r, r < M, and the packed filter (pack_filter.frag, as the forward op reads it) is lined up with them, so
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
#define DY_TEX_H 1
#define F_ALIGNED 1
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

// Rows and columns of taps that can reach one input pixel.
#define ROWS ((FH + SH - 1) / SH)
#define COLS ((FW + SW - 1) / SW)

#include "layout.glsl"
#include "backprop_common.glsl"

uniform highp sampler2D u_outBackprop;  // logical NHWC [N, OUT_H, OUT_W, IN_C * M]
// The filter as logical [1, FH, FW, IN_C * M]: with F_ALIGNED a texture OUT_C4 wide and FH*FW
// high (tap t, texel oc4 at column oc4, row t), else the texel layout F_TEX_W wide.
uniform highp sampler2D u_filter;

out vec4 o_value;

vec4 weights(int tap, int oc4) {
#if F_ALIGNED
  return loadTexel(u_filter, ivec2(oc4, tap));
#else
  return loadTexel(u_filter, texelCoord(tap * OUT_C4 + oc4, F_TEX_W));
#endif
}

void main() {
  int t = fragTexel(DX_TEX_W);
  if (t >= DX_TEXELS) {
    o_value = storeTexel(vec4(0.0));
    return;
  }
  int k4 = t % IN_C4;
  int pixel = t / IN_C4;
  int x = pixel % IN_W;
  pixel /= IN_W;
  int y = pixel % IN_H;
  int n = pixel / IN_H;

  int i0 = (y + PAD_T) / SH;
  int di0 = y + PAD_T - i0 * SH;
  int j0 = (x + PAD_L) / SW;
  int dj0 = x + PAD_L - j0 * SW;

  // outBackprop texel (n, i0, j0, first channel of this fragment); (i0, j0) may lie outside the
  // output: only taps inside it are read, and the steps from here stay exact.
  ivec2 rowAt = bpCoord(((n * OUT_H + i0) * OUT_W + j0) * OUT_C4 + k4 * M, DY_TEX_W);
  vec4 acc = vec4(0.0);
  for (int u = 0; u < ROWS; u++) {
    int di = di0 + SH * u;
    int i = i0 - RH * u;
    bool rowOk = di < FH && i >= 0 && i < OUT_H;
    int diSafe = min(di, FH - 1);
    ivec2 at = rowAt;
    for (int v = 0; v < COLS; v++) {
      int dj = dj0 + SW * v;
      int j = j0 - RW * v;
      bool ok = rowOk && dj < FW && j >= 0 && j < OUT_W;
      int tap = diSafe * FW + min(dj, FW - 1);
#if M == 1
      // Constant trip counts and a select instead of branches; a tap outside the output reads
      // a clamped coordinate and is dropped by the select (an Inf or NaN there cannot leak).
      vec4 prod = loadTexel(u_outBackprop, ivec2(at.x, clamp(at.y, 0, DY_TEX_H - 1))) * weights(tap, k4);
      acc += ok ? prod : vec4(0.0);
#else
      if (ok) {
        ivec2 atR = at;
        for (int r = 0; r < M; r++) {
          int oc4 = k4 * M + r;
          if (oc4 >= OUT_C4) break;
          vec4 prod = loadTexel(u_outBackprop, atR) * weights(tap, oc4);
          // Component c goes to lane (4r + c) / M: selects (so an Inf or NaN stays in its own
          // lane) and sums, no dynamic indexing.
          ivec4 lane = (4 * r + ivec4(0, 1, 2, 3)) / M;
          acc += vec4(dot(mix(vec4(0.0), prod, equal(lane, ivec4(0))), vec4(1.0)),
                      dot(mix(vec4(0.0), prod, equal(lane, ivec4(1))), vec4(1.0)),
                      dot(mix(vec4(0.0), prod, equal(lane, ivec4(2))), vec4(1.0)),
                      dot(mix(vec4(0.0), prod, equal(lane, ivec4(3))), vec4(1.0)));
          atR = bpForward(atR, 1, DY_TEX_W);
        }
      }
#endif
      at = bpBack(at, RW * OUT_C4, DY_TEX_W);
    }
    rowAt = bpBack(rowAt, RH * OUT_W * OUT_C4, DY_TEX_W);
  }
  // Lanes past IN_C hold zero, as the layout requires.
  o_value = storeTexel(mix(vec4(0.0), acc, lessThan(k4 * 4 + ivec4(0, 1, 2, 3), ivec4(IN_C))));
}
