// draw: renders one batch entry of a tensor (logical NHWC [N, H, W, C] in the texel layout)
// onto the default framebuffer, H x W pixels (the viewport), without reading it back. The shape
// comes in uniforms, so one program serves every tensor.
// Up to four chosen channels go to R, G, B, A (u_channels; -1 = none), or one channel to grey.
// Each value v becomes (v - lo) / (hi - lo) (of |v| with u_abs), clamped to 0..1.
#include "layout.glsl"

uniform highp sampler2D u_tensor;
uniform ivec3 u_shape;  // H, W, C4 of the tensor's logical NHWC shape
uniform int u_texW;     // its texture's width in texels
uniform ivec4 u_channels;
uniform int u_batch;
uniform int u_gray;
uniform int u_abs;
uniform vec2 u_range;

out vec4 o_color;

float channel(int base, int c) {
  if (c < 0) return 0.0;
  int c4 = c / 4;
  return loadTexel(u_tensor, texelCoord(base + c4, u_texW))[c - c4 * 4];
}

void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  int h = u_shape.x - 1 - p.y;  // the canvas's row 0 is its bottom row
  int base = ((u_batch * u_shape.x + h) * u_shape.y + p.x) * u_shape.z;
  vec4 v = vec4(channel(base, u_channels.x), channel(base, u_channels.y),
                channel(base, u_channels.z), channel(base, u_channels.w));
  if (u_abs != 0) v = abs(v);
  v = clamp((v - u_range.x) / (u_range.y - u_range.x), 0.0, 1.0);
  if (u_gray != 0) {
    o_color = vec4(v.xxx, 1.0);
  } else {
    // A missing colour channel is black, a missing alpha opaque.
    bvec4 none = lessThan(u_channels, ivec4(0));
    o_color = vec4(none.x ? 0.0 : v.x, none.y ? 0.0 : v.y, none.z ? 0.0 : v.z, none.w ? 1.0 : v.w);
  }
}
