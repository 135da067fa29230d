// A float's 32 bits in the four bytes of an RGBA8 texel, R the lowest (mirrors
// src/layout/rgba8.ts): RGBA8 storage (storage_rgba8.glsl) and the readback encoding (encode.frag).

float decodeFloat(vec4 bytes) {
  uvec4 b = uvec4(round(bytes * 255.0));
  return uintBitsToFloat(b.r | (b.g << 8) | (b.b << 16) | (b.a << 24));
}

vec4 encodeFloat(float v) {
  uint bits = floatBitsToUint(v);
  return vec4(uvec4(bits, bits >> 8, bits >> 16, bits >> 24) & 0xFFu) / 255.0;
}
