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

float decodeFloat(vec4 bytes) {
  uvec4 b = uvec4(round(bytes * 255.0));
  return uintBitsToFloat(b.r | (b.g << 8) | (b.b << 16) | (b.a << 24));
}

vec4 encodeFloat(float v) {
  uint bits = floatBitsToUint(v);
  return vec4(uvec4(bits, bits >> 8, bits >> 16, bits >> 24) & 0xFFu) / 255.0;
}

vec4 loadTexel(highp sampler2D s, ivec2 c) {
#if STORAGE == 2
  ivec2 p = c * 2;
  return vec4(decodeFloat(texelFetch(s, p, 0)), decodeFloat(texelFetch(s, p + ivec2(1, 0), 0)),
              decodeFloat(texelFetch(s, p + ivec2(0, 1), 0)), decodeFloat(texelFetch(s, p + ivec2(1, 1), 0)));
#else
  return texelFetch(s, c, 0);
#endif
}

// Logical texel c by texture() at its centre (`scale` = 1 / the texture's size in texels): with
// NEAREST filtering and one level, the same texel bit for bit as loadTexel's texelFetch, and
// faster on every GL stack measured (bench/RESULTS.md, "Sampling instead of texelFetch"). The
// convolutions' hot loops read through it; RGBA8 storage reads its four texels as loadTexel does.
vec4 sampleTexel(highp sampler2D s, ivec2 c, vec2 scale) {
#if STORAGE == 2
  return loadTexel(s, c);
#else
  return texture(s, (vec2(c) + 0.5) * scale);
#endif
}

// The logical texel coordinate this fragment writes.
ivec2 outputCoord() {
#if STORAGE == 2
  return ivec2(gl_FragCoord.xy) / 2;
#else
  return ivec2(gl_FragCoord.xy);
#endif
}

// What to write for the logical texel value v.
vec4 storeTexel(vec4 v) {
#if STORAGE == 2
  ivec2 lane = ivec2(gl_FragCoord.xy) & 1;
  return encodeFloat(v[lane.x + 2 * lane.y]);
#elif STORAGE == 1
  // float16 storage saturates: ±Infinity and magnitudes beyond 65504 are written as ±65504 (not
  // every GPU can write a half infinity: SwiftShader writes NaN). NaN fails the test and stays.
  return mix(sign(v) * 65504.0, v, not(greaterThan(abs(v), vec4(65504.0))));
#else
  return v;
#endif
}

// The texel index this fragment writes, for an output texture `width` texels wide.
int fragTexel(int width) {
  ivec2 p = outputCoord();
  return p.y * width + p.x;
}
