// fromPixels: an RGBA8 image texture (values 0..1, row 0 = the image's top row) into the tensor
// texel layout as logical NHWC [1, SRC_H, SRC_W, C] with C = 1, 3 or 4. With C <= 4 a pixel is
// one texel (C4 = 1), so texel t holds pixel (t / SRC_W, t % SRC_W).
//   C = 1: luma (Rec. 601: 0.299 R + 0.587 G + 0.114 B);  C = 3: R, G, B;  C = 4: R, G, B, A.
#ifndef OUT_TEXELS
#define SRC_W 1
#define C 3
#define OUT_TEX_W 1
#define OUT_TEXELS 1
#endif

#include "layout.glsl"

uniform highp sampler2D u_pixels;

out vec4 o_value;

void main() {
  int t = fragTexel(OUT_TEX_W);
  if (t >= OUT_TEXELS) {
    o_value = storeTexel(vec4(0.0));
    return;
  }
  int y = t / SRC_W;
  vec4 rgba = texelFetch(u_pixels, ivec2(t - y * SRC_W, y), 0);
#if C == 1
  o_value = storeTexel(vec4(dot(rgba.rgb, vec3(0.299, 0.587, 0.114)), 0.0, 0.0, 0.0));
#elif C == 3
  o_value = storeTexel(vec4(rgba.rgb, 0.0));
#else
  o_value = storeTexel(rgba);
#endif
}
