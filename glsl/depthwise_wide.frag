// Depthwise convolution, WIDE output pixels per fragment (channel multiplier 1):
// a fragment computes output texel oc4 of pixels ow0 .. ow0 + WIDE - 1 of one output row, reading
// each tap's weights once for all of them and each input texel of a filter row once, where the
// plain shader (depthwise.frag) reads FW*FH weights and FW*FH inputs for every output texel.
// Output k goes to color attachment k: layer k of the output's texture array (WebGL2 lets a
// fragment write one texel per attachment, never several texels of one texture). That is the
// layered layout (layout.glsl): layer k, column g * OUT_C4 + oc4, row n * OUT_H + oh holds
// output pixel ow = g * WIDE + k. The op (src/ops/depthwise.ts) sets the defines; defaults keep
// this valid alone.
#ifndef WIDE
#define WIDE 2
#define BATCH 1
#define IN_H 1
#define IN_W 1
#define IN_C4 1
#define IN_TEX_W 1
#define IN_TEX_H 1
#define IN_ALIGNED 0
#define OUT_H 1
#define OUT_C 1
#define OUT_C4 1
#define FH 1
#define FW 1
#define SH 1
#define SW 1
#define RW 1
#define RH 1
#define PAD_T 0
#define PAD_L 0
#endif
#ifndef ACTIVATION
#define ACTIVATION 0
#endif
#ifndef BIAS
#define BIAS 0
#endif
#ifndef PRELU
#define PRELU 0
#endif
#ifndef VEC_TEX_W
#define VEC_TEX_W 1
#endif

// NCOLS: the input columns one filter row of the WIDE outputs reads, (WIDE - 1) * SW +
// (FW - 1) * RW + 1 (output k, tap column dj reads column k * SW + dj * RW), as a
// literal (it names a macro below).
#ifndef NCOLS
#define NCOLS 2
#endif

#include "layout.glsl"
#include "depthwise_common.glsl"

uniform highp sampler2D u_input;   // logical NHWC [N, IN_H, IN_W, IN_C]
uniform highp sampler2D u_filter;  // packed: tap (di, dj) of oc4 at (oc4, di*FW + dj)

layout(location = 0) out vec4 o_value0;
layout(location = 1) out vec4 o_value1;
#if WIDE > 2
layout(location = 2) out vec4 o_value2;
#endif
#if WIDE > 3
layout(location = 3) out vec4 o_value3;
#endif

// Input column C of the row starting at rowP, clamped into the texture (padding taps are dropped
// by a select on the product, so what a clamped fetch reads never matters).
ivec2 colCoord(ivec2 rowP, int c) {
#if IN_ALIGNED
  return clamp(rowP + ivec2(c * IN_C4, 0), ivec2(0), ivec2(IN_TEX_W - 1, IN_TEX_H - 1));
#else
  ivec2 p = stepTexel(rowP, c * IN_C4);
  return ivec2(p.x, clamp(p.y, 0, IN_TEX_H - 1));
#endif
}

// The unrolled loops, expanded only as far as they run (so the compiler never sees dead taps):
// F<n> fetches input columns 0..n-1 of a row, A<n>(DJ) accumulates tap column DJ into outputs
// 0..n-1, T<n>(DI) runs tap columns 0..n-1, R<n> rows 0..n-1; NCOLS, WIDE, FW and FH pick n
// (ANGLE's preprocessor has no token pasting, hence the #if chains).
#define FETCH(C) xs[C] = sampleTexel(u_input, colCoord(rowP, C), inScale); ok[C] = rowIn && uint(iw0 + (C)) < uint(IN_W);
#define F1 FETCH(0)
#define F2 F1 FETCH(1)
#define F3 F2 FETCH(2)
#define F4 F3 FETCH(3)
#define F5 F4 FETCH(4)
#define F6 F5 FETCH(5)
#define F7 F6 FETCH(6)
#define F8 F7 FETCH(7)
#define F9 F8 FETCH(8)
#define F10 F9 FETCH(9)
#define F11 F10 FETCH(10)
#define F12 F11 FETCH(11)
#define F13 F12 FETCH(12)
// A tap in the padding adds exactly zero: a select (mix with a bvec4), never a multiply by 0 (an
// Inf or NaN read through a clamped coordinate must not leak in). Not `ok ? a : b`: ANGLE turns a
// ternary into a branch, which compiled 35 % slower on SwiftShader (bench/RESULTS.md).
#define MAC(K, DJ) acc[K] += mix(vec4(0.0), xs[(K) * SW + (DJ) * RW] * w, bvec4(ok[(K) * SW + (DJ) * RW]));
#define A2(DJ) MAC(0, DJ) MAC(1, DJ)
#define A3(DJ) A2(DJ) MAC(2, DJ)
#define A4(DJ) A3(DJ) MAC(3, DJ)
#if WIDE == 2
#define ACCUMULATE(DJ) A2(DJ)
#elif WIDE == 3
#define ACCUMULATE(DJ) A3(DJ)
#else
#define ACCUMULATE(DJ) A4(DJ)
#endif
#define TAP(DI, DJ) w = sampleTexel(u_filter, ivec2(oc4, (DI) * FW + (DJ)), fScale); ACCUMULATE(DJ)
#define T1(DI) TAP(DI, 0)
#define T2(DI) T1(DI) TAP(DI, 1)
#define T3(DI) T2(DI) TAP(DI, 2)
#define T4(DI) T3(DI) TAP(DI, 3)
#define T5(DI) T4(DI) TAP(DI, 4)
#define T6(DI) T5(DI) TAP(DI, 5)
#define T7(DI) T6(DI) TAP(DI, 6)
#if NCOLS == 1
#define FETCHES F1
#elif NCOLS == 2
#define FETCHES F2
#elif NCOLS == 3
#define FETCHES F3
#elif NCOLS == 4
#define FETCHES F4
#elif NCOLS == 5
#define FETCHES F5
#elif NCOLS == 6
#define FETCHES F6
#elif NCOLS == 7
#define FETCHES F7
#elif NCOLS == 8
#define FETCHES F8
#elif NCOLS == 9
#define FETCHES F9
#elif NCOLS == 10
#define FETCHES F10
#elif NCOLS == 11
#define FETCHES F11
#elif NCOLS == 12
#define FETCHES F12
#elif NCOLS == 13
#define FETCHES F13
#endif
#if FW == 1
#define TAPS(DI) T1(DI)
#elif FW == 2
#define TAPS(DI) T2(DI)
#elif FW == 3
#define TAPS(DI) T3(DI)
#elif FW == 4
#define TAPS(DI) T4(DI)
#elif FW == 5
#define TAPS(DI) T5(DI)
#elif FW == 6
#define TAPS(DI) T6(DI)
#elif FW == 7
#define TAPS(DI) T7(DI)
#endif
#define ROW(DI) rowIn = uint(ih0 + (DI) * RH) < uint(IN_H); FETCHES TAPS(DI) rowP = nextRow(rowP);
#define R1 ROW(0)
#define R2 R1 ROW(1)
#define R3 R2 ROW(2)
#define R4 R3 ROW(3)
#define R5 R4 ROW(4)
#define R6 R5 ROW(5)
#define R7 R6 ROW(6)
#if FH == 1
#define ROWS R1
#elif FH == 2
#define ROWS R2
#elif FH == 3
#define ROWS R3
#elif FH == 4
#define ROWS R4
#elif FH == 5
#define ROWS R5
#elif FH == 6
#define ROWS R6
#elif FH == 7
#define ROWS R7
#endif

ivec2 nextRow(ivec2 p) {
#if IN_ALIGNED
  return ivec2(p.x, p.y + RH);
#else
  return stepTexel(p, RH * IN_W * IN_C4);
#endif
}

void main() {
  ivec2 fc = ivec2(gl_FragCoord.xy);
  ivec2 gq = divmod(fc.x, OUT_C4);
  int g = gq.x;
  int oc4 = gq.y;
#if BATCH == 1
  int n = 0;
  int oh = fc.y;
#else
  ivec2 hq = divmod(fc.y, OUT_H);
  int n = hq.x;
  int oh = hq.y;
#endif
  int ih0 = oh * SH - PAD_T;
  int iw0 = g * WIDE * SW - PAD_L;
#if IN_ALIGNED
  ivec2 rowP = ivec2(iw0 * IN_C4 + oc4, n * IN_H + ih0);
#else
  ivec2 yx = divmod(((n * IN_H + ih0) * IN_W + iw0) * IN_C4 + oc4, IN_TEX_W);
  ivec2 rowP = ivec2(yx.y, yx.x);
#endif

  // 1 / the sizes of the input texture and of the packed filter (OUT_C4 x FH*FW), for sampleTexel.
  vec2 inScale = 1.0 / vec2(IN_TEX_W, IN_TEX_H);
  vec2 fScale = 1.0 / vec2(OUT_C4, FH * FW);
  vec4 acc[4] = vec4[4](vec4(0.0), vec4(0.0), vec4(0.0), vec4(0.0));
  vec4 xs[NCOLS];
  bool ok[NCOLS];
  bool rowIn;
  vec4 w;
  ROWS

  // Bias and PReLU weights read once for all WIDE outputs (they share oc4).
  Channel ch = channelAt(oc4);
  o_value0 = storeTexel(epilogue(acc[0], ch, oc4));
  o_value1 = storeTexel(epilogue(acc[1], ch, oc4));
#if WIDE > 2
  o_value2 = storeTexel(epilogue(acc[2], ch, oc4));
#endif
#if WIDE > 3
  o_value3 = storeTexel(epilogue(acc[3], ch, oc4));
#endif
}
