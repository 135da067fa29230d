// Depthwise convolution (channel multiplier MULT: 1, or even) straight on TensorFlow.js's packed textures
// (tfjs_layout.glsl): the input is a packed NHWC tensor written as [N*H, W, C] (rows = W,
// columns = C), the output the packed texture TF.js gave for [N, OUT_H, OUT_W, C]. A fragment
// computes one output texel: output pixels ow0 = 2*wp, ow0 + 1 of one row, channels c0 = 2*cp,
// c0 + 1, i.e. (ow0, c0), (ow0, c0+1), (ow0+1, c0), (ow0+1, c0+1) in x, y, z, w. An input texel
// holds two columns of the same two channels, so a filter row reads each input texel once for
// both output pixels and all its taps; the weights come two taps to a texel from the repacked
// filter (logical [1, ceil((FH*FW + E)/2), ceil(C/2), 4]: taps 2p, 2p+1 of channels 2cp, 2cp+1),
// whose E slots after the taps hold a fused call's bias and PReLU weights (BIAS, PRELU 3): a
// fused call reads no texture of its own for them, one fetch and one texture bind less.
// No conversion pass before or after (src/tfjs/direct.ts picks this shader; bench/RESULTS.md).
// SIZES 1 (both textures aligned: width = ceil(C/2)): the sizes are uniforms and one program
// serves every layer of a kind (filter size, strides, rates, the left pad's parity, the fused
// epilogue), which spares a model's first predict a compile per layer shape (bench/RESULTS.md).
// SIZES 0: everything a define.
#ifndef SIZES
#define SIZES 0
#endif
#if SIZES
// Three vectors, not nine ints: a call of another layer of the kind sets at most three uniforms.
uniform ivec4 u_in;  // input height, width, ceil(C/2) (= the texture's width), texture height
uniform ivec3 u_out; // output height, width, channels
uniform ivec2 u_pad; // top, left
#define IN_H u_in.x
#define IN_W u_in.y
#define IN_C2 u_in.z
#define IN_TEX_W u_in.z
#define IN_TEX_H u_in.w
#define IN_ALIGNED 1
#define OUT_H u_out.x
#define OUT_W u_out.y
#define OUT_CH u_out.z
#define OUT_ALIGNED 1
#define PAD_T u_pad.x
#define PAD_L u_pad.y
// What depthwise_common.glsl's own epilogue helpers (not used here) would size with.
#define OUT_C 4
#define OUT_C4 1
#define VEC_TEX_W 1
#endif
#ifndef FH
#define BATCH 1
#define IN_H 1
#define IN_W 1
#define IN_C2 1
#define IN_TEX_W 1
#define IN_TEX_H 1
#define IN_ALIGNED 1
#define OUT_H 1
#define OUT_W 1
#define OUT_C 2
#define OUT_C4 1
#define OUT_TEX_W 1
#define OUT_ALIGNED 1
#define FH 1
#define FW 1
#define SH 1
#define SW 1
#define RH 1
#define RW 1
#define PAD_T 0
#define PAD_L 0
#define NCOLS 2
#define NTEX 1
#define NWT 1
#endif
// NCOLS: input columns one filter row of the two output pixels reads, SW + (FW-1)*RW + 1;
// NTEX: input texels holding them, (NCOLS + PODD + 1) / 2 with PODD = PAD_L & 1 (a define even
// when PAD_L is a uniform: it decides which fetched column a tap reads); NWT: weight texels,
// ceil((FH*FW + E) / 2). All literals (they pick macros below).
#ifndef PODD
#define PODD (PAD_L & 1)
#endif
#ifndef OUT_CH
#define OUT_CH OUT_C
#endif
// MULT: the channel multiplier M, 1 or even. Output channels 2cp and 2cp+1 then both read input
// channel 2cp / M (k*M + q with q < M), one lane of the input texels; the repacked filter is
// the filter [FH, FW, C*M] seen as M = 1 (output channel k*M + q is its flat channel).
#ifndef MULT
#define MULT 1
#endif
// A fused bias and PReLU weights come in the repacked filter's texture only (3), or not at all.
#if (defined(BIAS) && BIAS != 0 && BIAS != 3) || (defined(PRELU) && PRELU != 0 && PRELU != 3)
#error depthwise_tfjs.frag reads a fused bias and PReLU weights from the filter's texture only (BIAS, PRELU 0 or 3)
#endif
#define OUT_C2 ((OUT_CH + 1) / 2)
#define IN_W2 ((IN_W + 1) / 2)
#define OUT_W2 ((OUT_W + 1) / 2)

#include "layout.glsl"
#include "depthwise_common.glsl"

uniform highp sampler2D u_input;
uniform highp sampler2D u_filter;

out vec4 o_value;

// Input texel coordinate, clamped into the texture (taps outside the input are dropped by a
// select on the product, so what a clamped fetch reads never matters).
ivec2 inClamp(ivec2 p) {
  return clamp(p, ivec2(0), ivec2(IN_TEX_W - 1, IN_TEX_H - 1));
}

// The coordinate of the texel Q column pairs right of rowP (same input row).
#if IN_ALIGNED
#define COLSTEP(P, Q) ((P) + ivec2(0, Q))
#else
#define COLSTEP(P, Q) stepTexel(P, (Q) * IN_C2)
#endif

// SAMPLED 1 (the default): texels are read by texture() at their centres, which with NEAREST
// filtering and one level is the same texel, bit for bit, as texelFetch (SAMPLED 0). Measured
// side by side (bench/RESULTS.md, "Sampling instead of texelFetch"): ours/stock 0.83 -> 0.72 on
// Firefox (Mesa llvmpipe), 0.85 -> 0.60 on WebKit (ANGLE on llvmpipe), 0.39 -> 0.34 on Chromium
// (SwiftShader); textureLod at level 0 ran as fast on llvmpipe and slower on SwiftShader.
#ifndef SAMPLED
#define SAMPLED 1
#endif
#if SAMPLED
#define READ_IN(P) texture(u_input, (vec2(P) + 0.5) * inScale)
#define READ_WT(P) texture(u_filter, (vec2(cp, P) + 0.5) * wtScale)
#else
#define READ_IN(P) texelFetch(u_input, P, 0)
#define READ_WT(P) texelFetch(u_filter, ivec2(cp, P), 0)
#endif

#define FETCH(Q) xs[Q] = READ_IN(inClamp(COLSTEP(rowP, Q)));
#define F1 FETCH(0)
#define F2 F1 FETCH(1)
#define F3 F2 FETCH(2)
#define F4 F3 FETCH(3)
#define F5 F4 FETCH(4)
#define F6 F5 FETCH(5)
#define F7 F6 FETCH(6)
#define OK(C) ok[C] = rowIn && uint(iw0 + (C)) < uint(IN_W);
#define K1 OK(0)
#define K2 K1 OK(1)
#define K3 K2 OK(2)
#define K4 K3 OK(3)
#define K5 K4 OK(4)
#define K6 K5 OK(5)
#define K7 K6 OK(6)
#define K8 K7 OK(7)
#define K9 K8 OK(8)
#define K10 K9 OK(9)
#define K11 K10 OK(10)
#define K12 K11 OK(11)
#define K13 K12 OK(12)
#define WFETCH(P) wt[P] = READ_WT(P);
#define W1 WFETCH(0)
#define W2 W1 WFETCH(1)
#define W3 W2 WFETCH(2)
#define W4 W3 WFETCH(3)
#define W5 W4 WFETCH(4)
#define W6 W5 WFETCH(5)
#define W7 W6 WFETCH(6)
#define W8 W7 WFETCH(7)
#define W9 W8 WFETCH(8)
#define W10 W9 WFETCH(9)
#define W11 W10 WFETCH(10)
#define W12 W11 WFETCH(11)
#define W13 W12 WFETCH(12)
#define W14 W13 WFETCH(13)
#define W15 W14 WFETCH(14)
#define W16 W15 WFETCH(15)
#define W17 W16 WFETCH(16)
#define W18 W17 WFETCH(17)
#define W19 W18 WFETCH(18)
#define W20 W19 WFETCH(19)
#define W21 W20 WFETCH(20)
#define W22 W21 WFETCH(21)
#define W23 W22 WFETCH(22)
#define W24 W23 WFETCH(23)
#define W25 W24 WFETCH(24)
#define W26 W25 WFETCH(25)
#if NTEX == 1
#define FETCHES F1
#elif NTEX == 2
#define FETCHES F2
#elif NTEX == 3
#define FETCHES F3
#elif NTEX == 4
#define FETCHES F4
#elif NTEX == 5
#define FETCHES F5
#elif NTEX == 6
#define FETCHES F6
#elif NTEX == 7
#define FETCHES F7
#endif
#if NCOLS == 1
#define OKS K1
#elif NCOLS == 2
#define OKS K2
#elif NCOLS == 3
#define OKS K3
#elif NCOLS == 4
#define OKS K4
#elif NCOLS == 5
#define OKS K5
#elif NCOLS == 6
#define OKS K6
#elif NCOLS == 7
#define OKS K7
#elif NCOLS == 8
#define OKS K8
#elif NCOLS == 9
#define OKS K9
#elif NCOLS == 10
#define OKS K10
#elif NCOLS == 11
#define OKS K11
#elif NCOLS == 12
#define OKS K12
#elif NCOLS == 13
#define OKS K13
#endif
#if NWT == 1
#define WFETCHES W1
#elif NWT == 2
#define WFETCHES W2
#elif NWT == 3
#define WFETCHES W3
#elif NWT == 4
#define WFETCHES W4
#elif NWT == 5
#define WFETCHES W5
#elif NWT == 6
#define WFETCHES W6
#elif NWT == 7
#define WFETCHES W7
#elif NWT == 8
#define WFETCHES W8
#elif NWT == 9
#define WFETCHES W9
#elif NWT == 10
#define WFETCHES W10
#elif NWT == 11
#define WFETCHES W11
#elif NWT == 12
#define WFETCHES W12
#elif NWT == 13
#define WFETCHES W13
#elif NWT == 14
#define WFETCHES W14
#elif NWT == 15
#define WFETCHES W15
#elif NWT == 16
#define WFETCHES W16
#elif NWT == 17
#define WFETCHES W17
#elif NWT == 18
#define WFETCHES W18
#elif NWT == 19
#define WFETCHES W19
#elif NWT == 20
#define WFETCHES W20
#elif NWT == 21
#define WFETCHES W21
#elif NWT == 22
#define WFETCHES W22
#elif NWT == 23
#define WFETCHES W23
#elif NWT == 24
#define WFETCHES W24
#elif NWT == 25
#define WFETCHES W25
#elif NWT == 26
#define WFETCHES W26
#endif

// Column L = lc + PODD of the fetched texels: texel L / 2, its first (x, y) or second (z, w)
// column. A padded tap adds exactly zero: a select, never a multiply by 0 (Inf/NaN must not leak).
#if MULT == 1
#define LANE(V) V
#else
#define LANE(V) mix((V).xx, (V).yy, bvec2(klane))
#endif
#define COLUMN(L) LANE(mix(xs[(L) / 2].xy, xs[(L) / 2].zw, bvec2(((L) & 1) == 1)))
#define WEIGHT(T) mix(wt[(T) / 2].xy, wt[(T) / 2].zw, bvec2(((T) & 1) == 1))
#define MAC(K, DI, DJ) acc[K] += mix(vec2(0.0), COLUMN((K) * SW + (DJ) * RW + PODD) * WEIGHT((DI) * FW + (DJ)), bvec2(ok[(K) * SW + (DJ) * RW]));
#define TAP(DI, DJ) MAC(0, DI, DJ) MAC(1, DI, DJ)
#define T1(DI) TAP(DI, 0)
#define T2(DI) T1(DI) TAP(DI, 1)
#define T3(DI) T2(DI) TAP(DI, 2)
#define T4(DI) T3(DI) TAP(DI, 3)
#define T5(DI) T4(DI) TAP(DI, 4)
#define T6(DI) T5(DI) TAP(DI, 5)
#define T7(DI) T6(DI) TAP(DI, 6)
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
#define ROW(DI) rowIn = uint(ih0 + (DI) * RH) < uint(IN_H); OKS FETCHES TAPS(DI) rowP = nextRow(rowP);
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
  return ivec2(p.x, p.y + RH * IN_W2);
#else
  return stepTexel(p, RH * IN_W2 * IN_C2);
#endif
}

void main() {
  ivec2 fc = ivec2(gl_FragCoord.xy);
#if OUT_ALIGNED
  int cp = fc.x;
  ivec2 bw = divmod(fc.y, OUT_W2);
#else
  ivec2 tq = divmod(fc.y * OUT_TEX_W + fc.x, OUT_C2);
  int cp = tq.y;
  ivec2 bw = divmod(tq.x, OUT_W2);
#endif
  int wp = bw.y;
#if BATCH == 1
  int n = 0;
  int oh = bw.x;
#else
  ivec2 hq = divmod(bw.x, OUT_H);
  int n = hq.x;
  int oh = hq.y;
#endif
  // The input texels' channel pair: cp, or (M > 1) that of the one input channel of output
  // channels 2cp and 2cp+1, and its lane.
  int kin = 2 * cp / MULT;
  int kx = MULT == 1 ? cp : kin / 2;
  bool klane = (kin & 1) == 1;
  int ih0 = oh * SH - PAD_T;
  int iw0 = 2 * wp * SW - PAD_L;          // first input column the row reads (local column 0)
  int qa = (iw0 - PODD) / 2;              // its texel's column pair (iw0 - PODD is even)
#if IN_ALIGNED
  ivec2 rowP = ivec2(kx, (n * IN_H + ih0) * IN_W2 + qa);
#else
  ivec2 yx = divmod(((n * IN_H + ih0) * IN_W2 + qa) * IN_C2 + kx, IN_TEX_W);
  ivec2 rowP = ivec2(yx.y, yx.x);
#endif

#if SAMPLED
  // Texel (x, y) is at ((x, y) + 0.5) * scale; the repacked filter is OUT_C2 x NWT texels.
  vec2 inScale = 1.0 / vec2(IN_TEX_W, IN_TEX_H);
  vec2 wtScale = 1.0 / vec2(OUT_C2, NWT);
#endif
  vec4 wt[NWT];
  WFETCHES
  vec2 acc[2] = vec2[2](vec2(0.0), vec2(0.0));
  vec4 xs[NTEX];
  bool ok[NCOLS];
  bool rowIn;
  ROWS

  // Bias and PReLU weights of channels c0, c0+1: the repacked filter's slots after its taps
  // (BIAS, PRELU 3: the bias at tap FH*FW, the PReLU weights after it), fetched with the taps.
  vec4 bias = vec4(0.0);
  vec4 slope = vec4(0.0);
#if BIAS == 3
  bias = WEIGHT(FH * FW).xyxy;
#endif
#if PRELU == 3
  slope = WEIGHT(FH * FW + BIAS / 3).xyxy;
#endif
  vec4 v = vec4(acc[0], acc[1]);
#if BIAS
  v += bias;
#endif
  v = activate(v, slope);
  // Lanes past C or past OUT_W hold zero.
  bool c1 = 2 * cp + 1 < OUT_CH;
  bool w1 = 2 * wp + 1 < OUT_W;
  o_value = mix(vec4(0.0), v, bvec4(true, c1, w1, c1 && w1));
}
