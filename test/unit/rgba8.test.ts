import { describe, expect, it } from 'vitest';
import { decodeTexels, encodeTexels } from '../../src/layout/rgba8';
import { texelLayout } from '../../src/layout/texels';

describe('RGBA8 storage', () => {
  it('keeps every bit of every float, NaN and infinities included', () => {
    const layout = texelLayout([1, 3, 5, 7], 64);
    const texels = new Float32Array(layout.width * layout.height * 4);
    let s = 7;
    for (let i = 0; i < texels.length; i++) {
      s = (s * 16807) % 2147483647;
      texels[i] = (s / 2147483647 - 0.5) * 10 ** ((i % 13) - 6);
    }
    texels.set([NaN, Infinity, -Infinity, -0, 1e-40, 3.4e38], 0);
    const back = decodeTexels(encodeTexels(texels, layout), layout);
    expect(new Uint32Array(back.buffer)).toEqual(new Uint32Array(texels.buffer));
  });

  it('puts lane j of texel (x, y) at (2x + j % 2, 2y + j / 2), the float\'s low byte in R', () => {
    const layout = texelLayout([1, 1, 5, 4], 64); // 5 texels, width 3, height 2
    expect([layout.width, layout.height]).toEqual([3, 2]);
    const texels = new Float32Array(layout.width * layout.height * 4);
    texels[4 * 4 + 3] = 1; // texel 4 = (x 1, y 1), lane 3 -> physical (3, 3) of a 6-wide texture
    const bytes = encodeTexels(texels, layout);
    const at = (3 * 6 + 3) * 4;
    // 1.0f = 0x3f800000: bytes 00 00 80 3f
    expect(Array.from(bytes.slice(at, at + 4))).toEqual([0x00, 0x00, 0x80, 0x3f]);
    expect(bytes.reduce((a, b) => a + b, 0)).toBe(0x80 + 0x3f);
  });
});
