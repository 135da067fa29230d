import type { TexelLayout } from './texels';

/**
 * The RGBA8 storage of the texel layout, for devices that cannot render to float textures.
 * `glsl/layout.glsl` mirrors it (loadTexel / storeTexel with STORAGE 2).
 *
 * Each float keeps all 32 of its bits: they go into the four bytes of one RGBA8 texel (R the
 * lowest byte, A the highest), so storage is exact. The four floats of logical texel (x, y) sit
 * in a 2x2 block of the RGBA8 texture: lane j at (2x + j % 2, 2y + floor(j / 2)). The texture is
 * therefore twice the logical layout in each direction, and the layout is made with half the
 * MAX_TEXTURE_SIZE.
 *
 * Byte order: a float's bytes are taken in little-endian order, which is every browser platform's.
 */
export const RGBA8_BLOCK = 2;

function physicalIndex(t: number, lane: number, width: number): number {
  const y = Math.floor(t / width);
  const x = t - y * width;
  return (2 * y + (lane >> 1)) * (2 * width) + 2 * x + (lane & 1);
}

/** Logical texels (width*height*4 floats) to the bytes of the 2x-by-2x RGBA8 texture. */
export function encodeTexels(texels: Float32Array, layout: TexelLayout): Uint8Array {
  const { width, height } = layout;
  const out = new Uint32Array(4 * width * height);
  const src = new Uint32Array(texels.buffer, texels.byteOffset, texels.length);
  for (let t = 0; t < width * height; t++) {
    for (let lane = 0; lane < 4; lane++) out[physicalIndex(t, lane, width)] = src[t * 4 + lane];
  }
  return new Uint8Array(out.buffer);
}

/** The bytes of a 2x-by-2x RGBA8 texture back to logical texels (width*height*4 floats). */
export function decodeTexels(bytes: Uint8Array, layout: TexelLayout): Float32Array {
  const { width, height } = layout;
  const src = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const out = new Float32Array(width * height * 4);
  const dst = new Uint32Array(out.buffer);
  for (let t = 0; t < width * height; t++) {
    for (let lane = 0; lane < 4; lane++) dst[t * 4 + lane] = src[physicalIndex(t, lane, width)];
  }
  return out;
}
