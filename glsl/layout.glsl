// The texel layout, mirroring src/layout/texels.ts (keep the two in step).
// Element (n, h, w, c) of a logical NHWC tensor [N, H, W, C] lives in texel
//   t = ((n * H + h) * W + w) * C4 + c / 4   (component c % 4, C4 = ceil(C / 4)),
// and texel t sits at column t % width, row t / width of a roughly square texture.
// A row-aligned layout (rowAlignedLayout in texels.ts) has width = W * C4: pixel (n, h, w) then
// starts at column w * C4 of row n * H + h, with no division.
// A layered layout (layeredLayout in texels.ts) is a texture array of L layers, each
// ceil(W / L) * C4 wide and N * H high: pixel (n, h, w) at layer w % L, column (w / L) * C4 of
// row n * H + h. depthwise_wide.frag writes it (one layer per color attachment);
// flatten_layers.frag turns it into the row-aligned layout, which every other shader reads.

ivec2 texelCoord(int t, int width) {
  int y = t / width;
  return ivec2(t - y * width, y);
}

// --- Storage: how a logical texel's four floats are held (mirrors src/gl/textures.ts and
// src/layout/rgba8.ts). STORAGE 0: RGBA32F. 1: RGBA16F. 2: RGBA8, each float's 32 bits in the
// bytes of one texel (R the lowest), the four floats of logical texel (x, y) in the 2x2 block at
// (2x, 2y). Every shader reads tensor texels with loadTexel(sampler, logical coordinate), finds
// the logical texel it writes with outputCoord() / fragTexel(), and writes storeTexel(value).
#ifndef STORAGE
#define STORAGE 0
#endif

// The four functions every shader uses, by how texels are stored: storage.glsl (RGBA32F, RGBA16F)
// or, for RGBA8 storage, storage_rgba8.glsl under the same name (src/gl/sources.ts), which only
// the standalone context carries.
#include "storage.glsl"

// The texel index this fragment writes, for an output texture `width` texels wide.
int fragTexel(int width) {
  ivec2 p = outputCoord();
  return p.y * width + p.x;
}
