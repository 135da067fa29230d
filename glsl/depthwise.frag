// Depthwise convolution: each fragment computes one output texel, i.e. four consecutive output
// channels oc = k*M + q of one output pixel, summing filter[di, dj, k, q] * input[n, ih, iw, k]
// over the taps that fall inside the input (taps in the padding contribute zero).
//
// Cost model (measured, see bench/RESULTS.md): texel fetches and integer divisions dominate.
// So a fragment does its divisions once (its own position, its input base texel) and reaches
// every tap by adding a compile-time step to a texture coordinate; padding is a select on a
// per-row and per-column validity flag, never a branch per tap, and never a multiply by zero
// (an Inf or NaN read through the clamped coordinate must not leak into the sum).
//
// The op (src/ops/depthwise.ts) sets these defines; the defaults keep this file valid alone.
#ifndef OUT_TEXELS
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
#define OUT_TEX_W 1
#define OUT_TEXELS 1
#define FH 1
#define FW 1
#define SH 1
#define SW 1
#define RH 1
#define RW 1
#define PAD_T 0
#define PAD_L 0
#define M 1
#define F_ALIGNED 1
#define F_TEX_W 1
#define BATCH 1
#define IN_ALIGNED 0
#define OUT_ALIGNED 0
// The packed filter is a texture OUT_C4 texels wide and FH*FW high: tap (di, dj) of output
// texel oc4 at column oc4, row di*FW + dj (F_ALIGNED); otherwise the texel layout, F_TEX_W wide.
#endif

#include "layout.glsl"
#include "depthwise_common.glsl"

uniform highp sampler2D u_input;   // logical NHWC [N, IN_H, IN_W, IN_C]
uniform highp sampler2D u_filter;  // packed by pack_filter.frag, OUT_C4 x (FH*FW)
out vec4 o_value;

ivec4 divmodQ(ivec4 a, int d) {
  ivec4 q = ivec4(floor(vec4(a) * (1.0 / float(d))));
  ivec4 r = a - q * d;
  return q + ivec4(greaterThanEqual(r, ivec4(d))) - ivec4(lessThan(r, ivec4(0)));
}

// Per-fragment values the taps share (set once at the top of main()).
int g_oc4;
int g_iw0;
vec2 g_inScale;  // 1 / the input texture's size, 1 / the packed filter's (sampleTexel)
vec2 g_fScale;
#if M != 1
ivec4 g_kComp;
bvec4 g_inNext;
bvec4 g_live;
#endif

// Component i of v by selects: indexing a vector with a per-fragment value is a slow path on
// SwiftShader (measured: M = 4 took ~4x the time of M = 2 with v[i]).
// Selects (mix with a bool), not ternaries: ANGLE turns a ternary into a branch.
float pick(vec4 v, int i) {
  vec2 h = mix(v.xy, v.zw, bvec2(i >= 2));
  return mix(h.x, h.y, (i & 1) == 1);
}

ivec2 nextColumn(ivec2 p) {
#if IN_ALIGNED
  return ivec2(p.x + RW * IN_C4, p.y);
#else
  return stepTexel(p, RW * IN_C4);
#endif
}

ivec2 nextRow(ivec2 p) {
#if IN_ALIGNED
  return ivec2(p.x, p.y + RH);
#else
  return stepTexel(p, RH * IN_W * IN_C4);
#endif
}

// One tap's contribution: weight times input at coordinate p, or zero when the tap lies in the
// padding (a select: an Inf or NaN read through the clamped coordinate must not leak).
vec4 tap(ivec2 p, int tapIndex, bool valid) {
  // Out-of-texture coordinates only occur for taps in the padding; clamp them so that every
  // fetch is defined.
#if IN_ALIGNED
  ivec2 q = clamp(p, ivec2(0), ivec2(IN_TEX_W - 1, IN_TEX_H - 1));
#else
  ivec2 q = ivec2(p.x, clamp(p.y, 0, IN_TEX_H - 1));
#endif
#if F_ALIGNED
  vec4 w = sampleTexel(u_filter, ivec2(g_oc4, tapIndex), g_fScale);
#else
  vec4 w = sampleTexel(u_filter, texelCoord(tapIndex * OUT_C4 + g_oc4, F_TEX_W), g_fScale);
#endif
#if M == 1
  vec4 x = sampleTexel(u_input, q, g_inScale);
#elif (M % 4) == 0
  // All four lanes read the same channel.
  vec4 x = mix(vec4(0.0), vec4(pick(sampleTexel(u_input, q, g_inScale), g_kComp.x)), g_live);
#elif M == 2
  // Lanes read channels (k, k, k+1, k+1) with k even: components xxyy or zzww.
  vec4 a = sampleTexel(u_input, q, g_inScale);
  vec4 x = mix(vec4(0.0), mix(a.zzww, a.xxyy, bvec4(g_kComp.x == 0)), g_live);
#else
  vec4 a = sampleTexel(u_input, q, g_inScale);
#if IN_ALIGNED
  ivec2 q1 = q + ivec2(1, 0);
#else
  ivec2 q1 = stepTexel(p, 1);
#endif
  vec4 b = sampleTexel(u_input, ivec2(min(q1.x, IN_TEX_W - 1), clamp(q1.y, 0, IN_TEX_H - 1)), g_inScale);
  vec4 x = vec4(pick(mix(a, b, bvec4(g_inNext.x)), g_kComp.x), pick(mix(a, b, bvec4(g_inNext.y)), g_kComp.y),
                pick(mix(a, b, bvec4(g_inNext.z)), g_kComp.z), pick(mix(a, b, bvec4(g_inNext.w)), g_kComp.w));
  x = mix(vec4(0.0), x, g_live);
#endif
  return mix(vec4(0.0), x * w, bvec4(valid)); // a select, not a branch (see depthwise_wide.frag)
}

// The unrolled loops: column DJ of row DI, and row DI (rows/columns past FH/FW are dead code).
#define COL(DI, DJ) if ((DJ) < FW) { \
    acc += tap(p, (DI) * FW + (DJ), rowIn && uint(g_iw0 + (DJ) * RW) < uint(IN_W)); \
    p = nextColumn(p); }
#define ROW(DI) if ((DI) < FH) { \
    bool rowIn = uint(ih0 + (DI) * RH) < uint(IN_H); \
    ivec2 p = rowP; \
    COL(DI, 0) COL(DI, 1) COL(DI, 2) COL(DI, 3) COL(DI, 4) COL(DI, 5) COL(DI, 6) \
    rowP = nextRow(rowP); }

void main() {
  ivec2 fc = outputCoord();
#if OUT_ALIGNED
  // Row-aligned output: column ow * OUT_C4 + oc4 of row n * OUT_H + oh.
  ivec2 wq = divmod(fc.x, OUT_C4);
  int ow = wq.x;
  int oc4 = wq.y;
#if BATCH == 1
  int n = 0;
  int oh = fc.y;
#else
  ivec2 hq = divmod(fc.y, OUT_H);
  int n = hq.x;
  int oh = hq.y;
#endif
#else
  int t = fc.y * OUT_TEX_W + fc.x;
  if (t >= OUT_TEXELS) {
    o_value = storeTexel(vec4(0.0));
    return;
  }
  int oc4 = t % OUT_C4;
  int pixel = t / OUT_C4;
  int ow = pixel % OUT_W;
  pixel /= OUT_W;
  int oh = pixel % OUT_H;
  int n = pixel / OUT_H;
#endif
  int ih0 = oh * SH - PAD_T;
  int iw0 = ow * SW - PAD_L;

#if M == 1
  // Output channel oc is input channel oc: the four lanes are one input texel.
  int c4 = oc4;
#else
  // Lane l reads input channel k = oc / M: texel k / 4, component k % 4. Lane 0's texel is
  // `c4`; the other lanes' channels lie within 3 of lane 0's, so in texel c4 or c4 + 1.
  ivec4 oc = oc4 * 4 + ivec4(0, 1, 2, 3);
  ivec4 k = min(divmodQ(oc, M), ivec4(IN_C - 1));
  int c4 = k.x >> 2;
  ivec4 kRel = k - c4 * 4;          // 0..7: component of texel c4 (0..3) or of c4 + 1 (4..7)
  bvec4 inNext = greaterThanEqual(kRel, ivec4(4));
  ivec4 kComp = kRel & 3;
  bvec4 live = lessThan(oc, ivec4(OUT_C));
#endif

#if IN_ALIGNED
  // Row-aligned input: tap (di, dj) at column (iw0 + dj*RW) * IN_C4 + c4, row n*IN_H + ih0 + di*RH.
  ivec2 p0 = ivec2(iw0 * IN_C4 + c4, n * IN_H + ih0);
#else
  // The texel of tap (0, 0) (possibly in the padding, even negative) and its coordinate, with
  // floor division so that every later step is a non-negative constant.
  ivec2 yx = divmod(((n * IN_H + ih0) * IN_W + iw0) * IN_C4 + c4, IN_TEX_W);
  ivec2 p0 = ivec2(yx.y, yx.x);
#endif

  vec4 acc = vec4(0.0);
  g_oc4 = oc4;
  g_iw0 = iw0;
  g_inScale = 1.0 / vec2(IN_TEX_W, IN_TEX_H);
  g_fScale = 1.0 / vec2(textureSize(u_filter, 0));
#if M != 1
  g_kComp = kComp;
  g_inNext = inNext;
  g_live = live;
#endif
  ivec2 rowP = p0;
#if FH <= 7 && FW <= 7
  // Unrolled: every tap's offsets are constants. Rows and columns past FH, FW fold away.
  ROW(0) ROW(1) ROW(2) ROW(3) ROW(4) ROW(5) ROW(6)
#else
  for (int di = 0; di < FH; di++) {
    bool rowIn = uint(ih0 + di * RH) < uint(IN_H);
    ivec2 p = rowP;
    for (int dj = 0; dj < FW; dj++) {
      acc += tap(p, di * FW + dj, rowIn && uint(iw0 + dj * RW) < uint(IN_W));
      p = nextColumn(p);
    }
    rowP = nextRow(rowP);
  }
#endif

  o_value = storeTexel(epilogue(acc, channelAt(oc4), oc4));
}
