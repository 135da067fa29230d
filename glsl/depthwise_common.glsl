// What the depthwise shaders (depthwise.frag, depthwise_wide.frag) share: quotients without
// integer division, input texel steps, and the fused epilogue (bias and activation) applied to a
// sum before it is written. Included after layout.glsl; needs OUT_C and OUT_C4 defined.
#ifndef OUT_C4
#define OUT_C 1
#define OUT_C4 1
#endif

// Fused epilogue, applied to the sum before it is written: a bias per output channel and an
// activation. BIAS and PRELU say where the per-channel values come from: 0 nowhere, 1 a uniform
// array of OUT_C4 vec4s, 2 a texture (the texel layout of logical [1, 1, 1, OUT_C], VEC_TEX_W wide),
// 3 the filter's own texture, in the slots after its taps (depthwise_tfjs.frag reads them there).
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

// Activations (ACTIVATION): 0 linear, 1 relu, 2 relu6, 3 leakyRelu, 4 sigmoid, 5 tanh, 6 elu, 7 prelu.
#define ACT_LINEAR 0
#define ACT_RELU 1
#define ACT_RELU6 2
#define ACT_LEAKY_RELU 3
#define ACT_SIGMOID 4
#define ACT_TANH 5
#define ACT_ELU 6
#define ACT_PRELU 7

#if BIAS == 1
uniform vec4 u_biasv[OUT_C4];      // bias of output channels 4*i .. 4*i+3
#elif BIAS == 2
uniform highp sampler2D u_bias;
#endif
#if PRELU == 1
uniform vec4 u_preluv[OUT_C4];     // PReLU weights of output channels 4*i .. 4*i+3
#elif PRELU == 2
uniform highp sampler2D u_prelu;
#endif
#if ACTIVATION == ACT_LEAKY_RELU || ACTIVATION == ACT_ELU
uniform float u_alpha;
#endif

// (floor(a / d), a - d * floor(a / d)) for a constant d > 0 and a quotient below 2^22: a float
// multiply and one correction step instead of an integer division (which SwiftShader, and many
// GPUs, run as a slow per-lane loop).
ivec2 divmod(int a, int d) {
  int q = int(floor(float(a) * (1.0 / float(d))));
  int r = a - q * d;
  int fix = int(r >= d) - int(r < 0); // arithmetic, not ternaries (ANGLE makes those branches)
  return ivec2(q + fix, r - fix * d);
}

#ifdef IN_TEX_W
// The coordinate of input texel t + d, from the coordinate p of texel t, for a step d >= 0 known
// at compile time (the division by IN_TEX_W folds away): an add, a compare and arithmetic (not a
// ternary: ANGLE makes a ternary a branch). For the convolution shaders, which define IN_TEX_W.
ivec2 stepTexel(ivec2 p, int d) {
  int q = d / IN_TEX_W;
  int x = p.x + (d - q * IN_TEX_W);
  int c = int(x >= IN_TEX_W);
  return ivec2(x - c * IN_TEX_W, p.y + q + c);
}
#endif

#if ACTIVATION != ACT_LINEAR
// NaN must stay NaN through every activation, as in TensorFlow. Compilers may not keep it:
// exp() of NaN is not NaN on every driver (SwiftShader gives sigmoid 0), Mesa (Firefox's and
// WebKit's llvmpipe) folds `v < 0 ? 0 : v` into max(v, 0), which gives 0 for NaN, and isnan() is
// optimized away by some. So test the bits, and put NaN back after the activation.
bvec4 isNaN(vec4 v) {
  return greaterThan(floatBitsToUint(v) & 0x7fffffffu, uvec4(0x7f800000u));
}
#endif

#if BIAS == 2 || PRELU == 2
// Texel oc4 of a per-channel vector texture: in row 0 when the texture is that wide.
ivec2 vecCoord(int oc4) {
#if VEC_TEX_W >= OUT_C4
  return ivec2(oc4, 0);
#else
  return texelCoord(oc4, VEC_TEX_W);
#endif
}
#endif

// The per-channel vectors of output texel oc4, read once per fragment (the wide shader applies
// them to all its outputs). Unused ones are zero and fold away.
struct Channel {
  vec4 bias;
  vec4 slope;
};

Channel channelAt(int oc4) {
  Channel ch = Channel(vec4(0.0), vec4(0.0));
#if BIAS == 1
  ch.bias = u_biasv[oc4];
#elif BIAS == 2
  ch.bias = loadTexel(u_bias, vecCoord(oc4));
#endif
#if ACTIVATION == ACT_PRELU
#if PRELU == 1
  ch.slope = u_preluv[oc4];
#elif PRELU == 2
  ch.slope = loadTexel(u_prelu, vecCoord(oc4));
#endif
#endif
  return ch;
}

vec4 activateNumber(vec4 v, vec4 slope) {
#if ACTIVATION == ACT_RELU
  return mix(v, vec4(0.0), lessThan(v, vec4(0.0)));
#elif ACTIVATION == ACT_RELU6
  return mix(mix(v, vec4(0.0), lessThan(v, vec4(0.0))), vec4(6.0), greaterThan(v, vec4(6.0)));
#elif ACTIVATION == ACT_LEAKY_RELU
  return mix(v, v * u_alpha, lessThan(v, vec4(0.0)));
#elif ACTIVATION == ACT_SIGMOID
  return 1.0 / (1.0 + exp(-v));
#elif ACTIVATION == ACT_TANH
  // tanh() of large |v| is NaN on some drivers (exp overflow): clamp first.
  vec4 e = exp(-2.0 * abs(clamp(v, -20.0, 20.0)));
  return sign(v) * (1.0 - e) / (1.0 + e);
#elif ACTIVATION == ACT_ELU
  return mix(v, u_alpha * (exp(v) - 1.0), lessThan(v, vec4(0.0)));
#elif ACTIVATION == ACT_PRELU
  return mix(v, v * slope, lessThan(v, vec4(0.0)));
#else
  return v;
#endif
}

vec4 activate(vec4 v, vec4 slope) {
#if ACTIVATION == ACT_LINEAR
  return v;
#else
  return mix(activateNumber(v, slope), v, isNaN(v));
#endif
}

// The fused epilogue on the sum of output texel oc4: bias, activation, and lanes past OUT_C
// back to zero (the layout's promise), whatever the epilogue made of them.
vec4 epilogue(vec4 acc, Channel ch, int oc4) {
#if BIAS
  acc += ch.bias;
#endif
  vec4 v = activate(acc, ch.slope);
#if (OUT_C % 4) != 0 && (BIAS || ACTIVATION != ACT_LINEAR)
  v = mix(v, vec4(0.0), greaterThanEqual(oc4 * 4 + ivec4(0, 1, 2, 3), ivec4(OUT_C)));
#endif
  return v;
}
