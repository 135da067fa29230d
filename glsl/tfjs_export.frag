// Writes a tensor held in the texel layout (layout.glsl; flat, or layered as the wide
// convolution leaves it) into a TensorFlow.js texture (tfjs_layout.glsl), one TF.js texel per
// fragment: a value (unpacked) or a 2x2 block (packed).
//
// DST_NCHW: the TF.js tensor's shape is [N, C, H, W] (else [N, H, W, C]). LAYERS: the source's
// layers (1: a 2D texture). FAST (packed NHWC): a block is two source texels.
#ifndef DST_NCHW
#define DST_NCHW 0
#endif
#ifndef LAYERS
#define LAYERS 1
#endif
#ifndef FAST
#define FAST 0
#endif

#include "layout.glsl"
#include "tfjs_layout.glsl"

#if LAYERS > 1
uniform highp sampler2DArray u_source;
#else
uniform highp sampler2D u_source;
#endif
uniform ivec4 u_shape;   // logical NHWC [N, H, W, C] of the source
uniform int u_srcTexW;   // source layout width (of one layer when layered)
uniform ivec4 u_dstShape; // NHWC [N, h, w, C] of the TF.js tensor: h <= H, w <= W (a crop;
                          // FAST needs it equal to u_shape)
uniform int u_size;      // elements of the TF.js tensor

out vec4 o_value;

// Texel (pixel p of row y = n*H + h, column x = w, channel group g) of the source.
vec4 sourceTexel(int row, int w, int g, int c4) {
#if LAYERS > 1
  int q = w / LAYERS;
  return texelFetch(u_source, ivec3(q * c4 + g, row, w - q * LAYERS), 0);
#else
  return loadTexel(u_source, texelCoord((row * u_shape.z + w) * c4 + g, u_srcTexW));
#endif
}

// The element at NHWC flat index i of the source.
float sourceElement(int i, int c4) {
  int pixel = i / u_shape.w;
  int c = i - pixel * u_shape.w;
  int row = pixel / u_shape.z;
  int w = pixel - row * u_shape.z;
  int g = c / 4;
  return sourceTexel(row, w, g, c4)[c - g * 4];
}

// The element at flat index i in the TF.js tensor's own order, as an NHWC flat index of the source.
int nhwcIndex(int i) {
  int hw = u_dstShape.y * u_dstShape.z;
#if DST_NCHW
  int chw = u_dstShape.w * hw;
  int n = i / chw;
  int r = i - n * chw;
  int c = r / hw;
  int p = r - c * hw;
#else
  int pixel = i / u_dstShape.w;
  int c = i - pixel * u_dstShape.w;
  int n = pixel / hw;
  int p = pixel - n * hw;
#endif
  int h = p / u_dstShape.z;
  int w = p - h * u_dstShape.z;
  return ((n * u_shape.y + h) * u_shape.z + w) * u_shape.w + c;
}

void main() {
  ivec2 fc = ivec2(gl_FragCoord.xy);
  int t = fc.y * u_tfTexW + fc.x;
  int c4 = (u_shape.w + 3) / 4;
#if TFJS_PACKED
  int halfR = (u_tfRows + 1) / 2;
  int halfC = (u_tfCols + 1) / 2;
  int bq = t / (halfR * halfC);
  int rc = t - bq * halfR * halfC;
  int r0 = (rc / halfC) * 2;
  int col0 = (rc - (rc / halfC) * halfC) * 2;
  vec4 v = vec4(0.0);
#if FAST && !DST_NCHW
  // NHWC written as [N*H, W, C]: rows r0, r0+1 are pixels w, w+1; columns col0, col0+1 two
  // channels of one source texel.
  int g = col0 / 4;
  int lane = col0 - g * 4;
  vec4 a = sourceTexel(bq, r0, g, c4);
  vec4 b = sourceTexel(bq, min(r0 + 1, u_shape.z - 1), g, c4);
  bvec2 upper = bvec2(lane != 0);
  v = vec4(mix(a.xy, a.zw, upper), mix(b.xy, b.zw, upper));
  bool row1 = r0 + 1 < u_tfRows;
  bool col1 = col0 + 1 < u_tfCols;
  v = mix(vec4(0.0), v, bvec4(true, col1, row1, row1 && col1));
#else
  for (int k = 0; k < 4; k++) {
    int r = r0 + k / 2;
    int c = col0 + (k & 1);
    if (r < u_tfRows && c < u_tfCols) {
      int i = (bq * u_tfRows + r) * u_tfCols + c;
      if (i < u_size) v[k] = sourceElement(nhwcIndex(i), c4);
    }
  }
#endif
  o_value = v;
#else
  float v = 0.0;
  if (t < u_size) v = sourceElement(nhwcIndex(t), c4);
  o_value = vec4(v, 0.0, 0.0, 0.0);
#endif
}
