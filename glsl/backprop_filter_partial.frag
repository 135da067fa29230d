// Filter gradient, pass 1: partial sums over tiles of output positions.
//
//   dFilter[di, dj, k, q] = sum over (n, i, j) of input[n, y, x, k] * dy[n, i, j, k*M + q],
//   y = i*SH + di*RH - PAD_T, x = j*SW + dj*RW - PAD_L  (positions whose tap is padding add nothing).
//
// The N*OUT_H*OUT_W output positions p (flattened, p = (n*OUT_H + i)*OUT_W + j) are cut into
// tiles of TILE. Each fragment sums one tile for one tap and one texel of four output channels
// oc = k*M + q, and writes logical NHWC [TILES, 1, TAPS, OUT_C]: texel (tile*TAPS + tap)*OUT_C4 + oc4.
// backprop_filter_reduce.frag then adds the tiles up.
//
// Walking the tile, the outBackprop texel moves by OUT_C4 and the input texel by SW*IN_C4 per
// position: constant steps of a texture coordinate, no division; only at the start of an output
// row is the input coordinate computed afresh.
#ifndef PART_TEXELS
#define IN_H 1
#define IN_W 1
#define IN_C 1
#define IN_C4 1
#define IN_TEX_W 1
#define IN_TEX_H 1
#define OUT_H 1
#define OUT_W 1
#define OUT_C 1
#define OUT_C4 1
#define DY_TEX_W 1
#define PART_TEX_W 1
#define PART_TEXELS 1
#define POSITIONS 1
#define TILE 1
#define TAPS 1
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
#include "backprop_common.glsl"

uniform highp sampler2D u_input;        // logical NHWC [N, IN_H, IN_W, IN_C]
uniform highp sampler2D u_outBackprop;  // logical NHWC [N, OUT_H, OUT_W, OUT_C]

out vec4 o_value;

void main() {
  int t = fragTexel(PART_TEX_W);
  if (t >= PART_TEXELS) {
    o_value = storeTexel(vec4(0.0));
    return;
  }
  int oc4 = t % OUT_C4;
  int rest = t / OUT_C4;
  int tap = rest % TAPS;
  int tile = rest / TAPS;
  int di = tap / FW;
  int dj = tap - di * FW;

#if M == 1
  int kOffset = oc4;  // output channel oc is input channel oc
#else
  // Each lane reads its own input channel k = oc / M: texel kTexel[l] of the pixel, component
  // kComp[l]. With M >= 2 the four lanes span at most two neighbouring texels, kTexel.x and
  // kTexel.x + 1 (the second read only when needed). Lanes past OUT_C are masked to zero.
  ivec4 oc = oc4 * 4 + ivec4(0, 1, 2, 3);
  ivec4 k = min(oc / M, ivec4(IN_C - 1));
  ivec4 kTexel = k / 4;
  ivec4 kComp = k - kTexel * 4;
  bvec4 live = lessThan(oc, ivec4(OUT_C));
  bvec4 second = greaterThan(kTexel, kTexel.xxxx);
  bool twoTexels = second.w;
  int kOffset = kTexel.x;
#endif

  int p = tile * TILE;
  int j = p % OUT_W;
  int q = p / OUT_W;
  int i = q % OUT_H;
  int n = q / OUT_H;
  ivec2 dyAt = texelCoord(p * OUT_C4 + oc4, DY_TEX_W);
  int y = i * SH + di * RH - PAD_T;
  int x = j * SW + dj * RW - PAD_L;
  bool rowIn = y >= 0 && y < IN_H;
  // Input texel of (n, y, x) (plus the lane's channel offset): exact even when (y, x) is padding.
  ivec2 xAt = bpCoord(((n * IN_H + y) * IN_W + x) * IN_C4 + kOffset, IN_TEX_W);

  vec4 acc = vec4(0.0);
  for (int s = 0; s < TILE; s++) {
    if (p + s >= POSITIONS) break;
#if M == 1
    // A select, not a branch: a position whose tap is padding reads a clamped coordinate and is
    // dropped (an Inf or NaN there cannot leak).
    vec4 prod = loadTexel(u_input, ivec2(xAt.x, clamp(xAt.y, 0, IN_TEX_H - 1))) * loadTexel(u_outBackprop, dyAt);
    acc += rowIn && x >= 0 && x < IN_W ? prod : vec4(0.0);
#else
    if (rowIn && x >= 0 && x < IN_W) {
      vec4 a = loadTexel(u_input, xAt);
      vec4 b = twoTexels ? loadTexel(u_input, bpForward(xAt, 1, IN_TEX_W)) : a;
      vec4 xv = mix(vec4(a[kComp.x], a[kComp.y], a[kComp.z], a[kComp.w]),
                    vec4(b[kComp.x], b[kComp.y], b[kComp.z], b[kComp.w]), second);
      xv = mix(vec4(0.0), xv, live);
      acc += xv * loadTexel(u_outBackprop, dyAt);
    }
#endif
    dyAt = bpForward(dyAt, OUT_C4, DY_TEX_W);
    if (++j < OUT_W) {
      x += SW;
      xAt = bpForward(xAt, SW * IN_C4, IN_TEX_W);
    } else {
      j = 0;
      if (++i == OUT_H) {
        i = 0;
        n++;
      }
      y = i * SH + di * RH - PAD_T;
      x = dj * RW - PAD_L;
      rowIn = y >= 0 && y < IN_H;
      xAt = bpCoord(((n * IN_H + y) * IN_W + x) * IN_C4 + kOffset, IN_TEX_W);
    }
  }
  o_value = storeTexel(acc);
}
