// Filter gradient, pass 2..: adds up partial sums. The source holds SRC_TILES slices of SLICE
// texels (logical NHWC [SRC_TILES, 1, TAPS, OUT_C], SLICE = TAPS * OUT_C4); each fragment adds
// GROUP consecutive slices at its position within the slice and writes slice t / SLICE of a
// texture with ceil(SRC_TILES / GROUP) slices.
#ifndef DST_TEXELS
#define SLICE 1
#define SRC_TILES 1
#define SRC_TEX_W 1
#define DST_TEX_W 1
#define DST_TEXELS 1
#define GROUP 1
#endif

#include "layout.glsl"

uniform highp sampler2D u_partial;

out vec4 o_value;

void main() {
  int t = fragTexel(DST_TEX_W);
  vec4 acc = vec4(0.0);
  if (t < DST_TEXELS) {
    int within = t % SLICE;
    int first = (t / SLICE) * GROUP;
    for (int s = 0; s < GROUP; s++) {
      if (first + s >= SRC_TILES) break;
      acc += loadTexel(u_partial, texelCoord((first + s) * SLICE + within, SRC_TEX_W));
    }
  }
  o_value = storeTexel(acc);
}
