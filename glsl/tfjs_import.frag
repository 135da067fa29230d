// Copies a TensorFlow.js tensor (any of its texture layouts: tfjs_layout.glsl) into the texel
// layout (layout.glsl), one output texel (four channels of one pixel) per fragment.
//
// SRC_NCHW: the tensor's shape is [N, C, H, W] (else [N, H, W, C]); the output is always the
// logical NHWC tensor. FAST (packed NHWC written with the same last two dimensions, W and C):
// the four channels are two texel fetches; otherwise each channel finds its own texel.
// Sizes are uniforms: a handful of programs serve every shape.
#ifndef SRC_NCHW
#define SRC_NCHW 0
#endif
#ifndef FAST
#define FAST 0
#endif

#include "layout.glsl"
#include "tfjs_layout.glsl"

uniform highp sampler2D u_source;
uniform ivec4 u_shape;    // logical NHWC [N, H, W, C] of the output
uniform ivec4 u_tfShape;  // NHWC [N, h, w, C] of the TF.js tensor: h <= H, w <= W (rows and
                          // columns past it read zero; FAST needs it equal to u_shape)
uniform int u_outTexW;    // output layout width
uniform int u_outTexels;  // output texels in use

out vec4 o_value;

void main() {
  int t = fragTexel(u_outTexW);
  int c4 = (u_shape.w + 3) / 4;
  int pixel = t / c4;
  int g = t - pixel * c4;
  vec4 v = vec4(0.0);
  if (t < u_outTexels) {
#if FAST && TFJS_PACKED && !SRC_NCHW
    // Pixel (b, w) with b = n*H + h; channels 4g .. 4g+3 are columns 4g and 4g+2 of row w.
    int b = pixel / u_shape.z;
    int w = pixel - b * u_shape.z;
    int half_c = (u_shape.w + 1) / 2;
    int base = (b * ((u_shape.z + 1) / 2) + w / 2) * half_c + 2 * g;
    vec4 lo = texelFetch(u_source, tfCoord(base), 0);
    // Past C the second texel may be another row's or outside the texture: masked below.
    vec4 hi = texelFetch(u_source, tfCoord(base + 1), 0);
    v = mix(vec4(lo.xy, hi.xy), vec4(lo.zw, hi.zw), bvec4((w & 1) == 1));
#else
    int hw = u_shape.y * u_shape.z;
    int n = pixel / hw;
    int p = pixel - n * hw;
    int h = p / u_shape.z;
    int w = p - h * u_shape.z;
    bool inside = h < u_tfShape.y && w < u_tfShape.z;
    for (int l = 0; l < 4; l++) {
      int c = g * 4 + l;
      if (c < u_shape.w && inside) {
#if SRC_NCHW
        int i = ((n * u_shape.w + c) * u_tfShape.y + h) * u_tfShape.z + w;
#else
        int i = ((n * u_tfShape.y + h) * u_tfShape.z + w) * u_shape.w + c;
#endif
        v[l] = tfElement(u_source, i);
      }
    }
#endif
    // Lanes past C hold zero (the texel layout's rule).
    v = mix(vec4(0.0), v, lessThan(ivec4(0, 1, 2, 3) + g * 4, ivec4(u_shape.w)));
  }
  o_value = storeTexel(v);
}
