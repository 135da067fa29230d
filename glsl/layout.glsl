// The texel layout, mirroring src/layout/texels.ts (keep the two in step).
// Element (n, h, w, c) of a logical NHWC tensor [N, H, W, C] lives in texel
//   t = ((n * H + h) * W + w) * C4 + c / 4   (component c % 4, C4 = ceil(C / 4)),
// and texel t sits at column t % width, row t / width of a roughly square texture.
// A row-aligned layout (rowAlignedLayout in texels.ts) has width = W * C4: pixel (n, h, w) then
// starts at column w * C4 of row n * H + h, with no division.

ivec2 texelCoord(int t, int width) {
  int y = t / width;
  return ivec2(t - y * width, y);
}

// The texel index this fragment writes, for an output texture `width` texels wide.
int fragTexel(int width) {
  ivec2 p = ivec2(gl_FragCoord.xy);
  return p.y * width + p.x;
}
