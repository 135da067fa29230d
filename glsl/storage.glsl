// Float storage (STORAGE 0: RGBA32F, 1: RGBA16F; layout.glsl includes it): a logical texel is one
// texture texel. Every shader reads tensor texels with loadTexel(sampler, logical coordinate),
// finds the logical texel it writes with outputCoord() / fragTexel(), and writes
// storeTexel(value). storage_rgba8.glsl defines the same four for RGBA8 storage.

vec4 loadTexel(highp sampler2D s, ivec2 c) {
  return texelFetch(s, c, 0);
}

// Logical texel c by texture() at its centre (`scale` = 1 / the texture's size in texels): with
// NEAREST filtering and one level, the same texel bit for bit as loadTexel's texelFetch, and
// faster on every GL stack measured (bench/RESULTS.md, "Sampling instead of texelFetch"). The
// convolutions' hot loops read through it.
vec4 sampleTexel(highp sampler2D s, ivec2 c, vec2 scale) {
  return texture(s, (vec2(c) + 0.5) * scale);
}

// The logical texel coordinate this fragment writes.
ivec2 outputCoord() {
  return ivec2(gl_FragCoord.xy);
}

// What to write for the logical texel value v.
vec4 storeTexel(vec4 v) {
#if STORAGE == 1
  // float16 storage saturates: ±Infinity and magnitudes beyond 65504 are written as ±65504 (not
  // every GPU can write a half infinity: SwiftShader writes NaN). NaN fails the test and stays.
  return mix(sign(v) * 65504.0, v, not(greaterThan(abs(v), vec4(65504.0))));
#else
  return v;
#endif
}
