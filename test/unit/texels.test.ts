import { describe, expect, it } from 'vitest';
import { layeredLayout, pack, texelLayout, unpack } from '../../src/layout/texels';
import { nchwToNhwc, nhwcToNchw } from '../../src/semantics/format';

function seeded(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  });
}

describe('texel layout', () => {
  it('packs 4 channels a texel, rounding C up, over a roughly square texture', () => {
    const l = texelLayout([2, 3, 5, 6], 8192);
    expect(l.c4).toBe(2);
    expect(l.texels).toBe(2 * 3 * 5 * 2);
    expect(l.width).toBe(8); // ceil(sqrt(60))
    expect(l.height).toBe(8);
    expect(l.width * l.height).toBeGreaterThanOrEqual(l.texels);
  });

  it('no single dimension is limited by MAX_TEXTURE_SIZE', () => {
    for (const shape of [[1, 1, 20000, 4], [1, 600, 600, 128], [64, 64, 64, 32]]) {
      const l = texelLayout(shape, 4096);
      expect(l.width).toBeLessThanOrEqual(4096);
      expect(l.height).toBeLessThanOrEqual(4096);
      expect(l.width * l.height).toBeGreaterThanOrEqual(l.texels);
      expect(l.width * l.height - l.texels).toBeLessThan(l.width); // at most one partial row
    }
  });

  it('a tensor too large for one texture is refused, naming the sizes', () => {
    expect(() => texelLayout([1, 4096, 4096, 8], 4096)).toThrowError(/\[1, 4096, 4096, 8\] needs 33554432 RGBA texels.*4096x4096.*MAX_TEXTURE_SIZE is 4096/);
  });

  it('element (n,h,w,c) sits at texel ((n*H+h)*W+w)*C4 + c/4, component c%4', () => {
    const shape = [2, 3, 4, 5];
    const l = texelLayout(shape, 16);
    const data = Float32Array.from({ length: 120 }, (_, i) => i + 1);
    const texels = pack(data, l);
    const at = (n: number, h: number, w: number, c: number) => texels[(((n * 3 + h) * 4 + w) * l.c4 + (c >> 2)) * 4 + (c & 3)];
    expect(at(0, 0, 0, 0)).toBe(1);
    expect(at(1, 2, 3, 4)).toBe(120);
    expect(at(0, 1, 2, 3)).toBe(((0 * 3 + 1) * 4 + 2) * 5 + 3 + 1);
    // padded lanes (c = 5..7) hold zero
    expect(texels[(0 * l.c4 + 1) * 4 + 1]).toBe(0);
  });

  for (const shape of [[1, 1, 1, 1], [1, 7, 3, 4], [3, 5, 2, 7], [2, 1, 9, 13], [1, 2, 2, 128]]) {
    it(`pack/unpack round trip ${shape.join('x')}`, () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = seeded(n, n);
      const l = texelLayout(shape, 64);
      expect(Array.from(unpack(pack(data, l), l))).toEqual(Array.from(data));
    });
  }

  it('NHWC <-> NCHW round trip', () => {
    const data = seeded(2 * 3 * 4 * 5, 9);
    const nchw = nhwcToNchw(data, [2, 3, 4, 5]);
    expect(nchw[((1 * 5 + 4) * 3 + 2) * 4 + 3]).toBe(data[((1 * 3 + 2) * 4 + 3) * 5 + 4]);
    expect(Array.from(nchwToNhwc(nchw, [2, 5, 3, 4]))).toEqual(Array.from(data));
  });

  it('layered layout: each layer ceil(W / L) * C4 wide, N * H high (hand-checked); read only after flattening', () => {
    // [2, 2, 5, 6], 4 layers: each layer ceil(5/4) * 2 = 4 texels wide, 2 * 2 = 4 rows.
    const l = layeredLayout([2, 2, 5, 6], 4, 64)!;
    expect(l).toMatchObject({ c4: 2, width: 4, height: 4, layers: 4, texels: 2 * 2 * 5 * 2 });
    expect(() => unpack(new Float32Array(4 * 4 * 4 * 4), l)).toThrow(/flattened/);
  });

  it('pack/unpack: dense data (C a multiple of 4, no spare texels) is used as is, padded data copied', () => {
    const dense = texelLayout([1, 2, 3, 8], 6);
    const data = seeded(2 * 3 * 8, 5);
    const texels = pack(data, dense);
    expect(texels).toBe(data); // uploaded as given, not copied
    expect(unpack(texels, dense)).toBe(texels);
    expect(Array.from(pack(Array.from(data), dense))).toEqual(Array.from(data)); // a plain array is copied
    const spare = texelLayout([1, 1, 7, 4], 64); // 7 texels in a 3x3 texture: 2 spare
    const d2 = seeded(28, 6);
    const t2 = pack(d2, spare);
    expect(t2.length).toBe(36);
    const u2 = unpack(t2, spare);
    expect(u2).not.toBe(t2);
    expect(Array.from(u2)).toEqual(Array.from(d2));
  });

  it('layered layout: refused when a layer would not fit, or with fewer than 2 layers', () => {
    expect(layeredLayout([1, 4, 40, 8], 4, 16)).toBeNull(); // 10 * 2 = 20 > 16 wide
    expect(layeredLayout([1, 4, 8, 8], 1, 64)).toBeNull();
    expect(() => pack(new Float32Array(8), layeredLayout([1, 1, 2, 4], 2, 64)!)).toThrow(/layered/);
  });
});
