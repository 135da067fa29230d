import { describe, expect, it } from 'vitest';
import { activationOf, channelVector, convArgs, withHW } from '../../src/tfjs/attrs';
import { directFilterShape, repackDirectFilter } from '../../src/tfjs/direct';
import { foldTo3D, packedLayoutMatches, tfjsTexelOf, tfjsTextureLayout } from '../../src/tfjs/layout';
import type { Conv2DInfo } from '../../src/tfjs/types';

describe("TF.js's texture layouts (src/tfjs/layout.ts)", () => {
  it('folds leading dimensions into B', () => {
    expect(foldTo3D([2, 3, 4, 5])).toEqual([6, 4, 5]);
    expect(foldTo3D([7])).toEqual([1, 1, 7]);
    expect(foldTo3D([])).toEqual([1, 1, 1]);
  });

  it('unpacked: one value a texel, row-major over the texture, after a slice offset', () => {
    const l = tfjsTextureLayout([3, 5], false, [15], 2);
    expect(tfjsTexelOf(l, 0)).toEqual({ x: 2, y: 0, component: 0 });
    expect(tfjsTexelOf(l, 4)).toEqual({ x: 1, y: 1, component: 0 });
  });

  it('packed [1, 3, 3, 2] (texShape [6, 2]): 2x2 blocks of (W, C), odd W padded to a whole block', () => {
    // Rows are W (3 -> 2 blocks), columns C (2 -> 1 block): a batch row h has 2 texels.
    const l = tfjsTextureLayout([6, 2], true, [1, 3, 3, 2]);
    expect([l.width, l.height, l.rows, l.cols]).toEqual([1, 3, 3, 2]);
    const at = (h: number, w: number, c: number) => tfjsTexelOf(l, (h * 3 + w) * 2 + c);
    expect(at(0, 0, 0)).toEqual({ x: 0, y: 0, component: 0 });
    expect(at(0, 0, 1)).toEqual({ x: 0, y: 0, component: 1 });
    expect(at(0, 1, 0)).toEqual({ x: 0, y: 0, component: 2 });
    expect(at(0, 1, 1)).toEqual({ x: 0, y: 0, component: 3 });
    expect(at(0, 2, 1)).toEqual({ x: 0, y: 1, component: 1 });
    expect(at(1, 0, 0)).toEqual({ x: 0, y: 2, component: 0 }); // next batch row: texel 2
    expect(at(2, 2, 0)).toEqual({ x: 0, y: 5, component: 0 });
  });

  it('packed, squarified texture: texel index row-major over the packed width', () => {
    // [1, 2, 2, 6]: blocks per batch row = 1 * 3 = 3, texel t = h * 3 + c / 2 over a width of 2.
    const l = tfjsTextureLayout([4, 4], true, [1, 2, 2, 6]);
    expect(l.width).toBe(2);
    expect(tfjsTexelOf(l, (1 * 2 + 1) * 6 + 5)).toEqual({ x: 1, y: 2, component: 3 }); // t = 3 + 2 = 5
  });

  it('the two-fetch paths take a written shape whose texels hold the same elements', () => {
    expect(packedLayoutMatches([1, 7, 9, 4], [1, 7, 9, 4])).toBe(true);
    expect(packedLayoutMatches([1, 7, 9, 4], [7, 9, 4])).toBe(true);
    // W odd: [1, 63, 4] pairs pixel 8 (row 0) with pixel 9 (row 1); [1, 7, 9, 4] pads each row.
    expect(packedLayoutMatches([1, 7, 9, 4], [1, 63, 4])).toBe(false);
    // W even: a free reshape of a pointwise conv's [1, H*W, C] output, batch folded in or not.
    expect(packedLayoutMatches([1, 20, 20, 64], [1, 400, 64])).toBe(true);
    expect(packedLayoutMatches([2, 6, 10, 8], [1, 120, 8])).toBe(true);
    expect(packedLayoutMatches([2, 6, 10, 8], [2, 60, 8])).toBe(true);
    expect(packedLayoutMatches([2, 6, 10, 8], [120, 8])).toBe(true);
    // One image row of odd width and batch 1: rows never fold, p = r.
    expect(packedLayoutMatches([1, 1, 9, 4], [1, 9, 4])).toBe(true);
    // Other channel counts or element counts never match.
    expect(packedLayoutMatches([1, 20, 20, 64], [1, 200, 128])).toBe(false);
    expect(packedLayoutMatches([1, 20, 20, 64], [1, 398, 64])).toBe(false);
    // Odd rows on both sides, different: [3, 5, C] vs [5, 3, C].
    expect(packedLayoutMatches([1, 3, 5, 2], [1, 5, 3, 2])).toBe(false);
    expect(packedLayoutMatches([1, 7, 9], [1, 7, 9])).toBe(false);
  });

  it('packedLayoutMatches agrees with the texel of every element (tfjsTexelOf)', () => {
    const shapes: number[][] = [[1, 4, 6, 3], [2, 3, 4, 5], [1, 5, 7, 2], [3, 1, 5, 4], [1, 2, 8, 1], [2, 2, 3, 6]];
    for (const shape of shapes) {
      const [n, h, w, c] = shape;
      const written: number[][] = [shape, [n * h, w, c], [1, n * h * w, c], [n, h * w, c], [n * h * w, c], [h, n * w, c]];
      for (const ws of written) {
        const a = tfjsTextureLayout([1024, 1024], true, shape);
        const b = tfjsTextureLayout([1024, 1024], true, ws);
        let same = true;
        for (let i = 0; i < n * h * w * c; i++) {
          const x = tfjsTexelOf(a, i);
          const y = tfjsTexelOf(b, i);
          if (x.x !== y.x || x.y !== y.y || x.component !== y.component) same = false;
        }
        expect(packedLayoutMatches(shape, ws), `${shape} written as ${ws}`).toBe(same);
      }
    }
  });
});

function info(p: Partial<Conv2DInfo>): Conv2DInfo {
  return {
    batchSize: 1, inHeight: 5, inWidth: 5, inChannels: 1, outHeight: 5, outWidth: 5, outChannels: 1,
    strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, filterHeight: 3, filterWidth: 3,
    padInfo: { top: 1, bottom: 1, left: 1, right: 1, type: 'SAME' }, dataFormat: 'channelsLast',
    inShape: [1, 5, 5, 1], outShape: [1, 5, 5, 1], filterShape: [3, 3, 1, 1], ...p,
  };
}

describe('TF.js attributes to our arguments (src/tfjs/attrs.ts)', () => {
  it('keeps TF.js top/left pads and finds bottom/right giving its output size', () => {
    const a = convArgs(info({}), 'NHWC')!;
    expect(a.padding).toEqual([[0, 0], [1, 1], [1, 1], [0, 0]]);
    expect([a.ourH, a.ourW, a.outH, a.outW]).toEqual([5, 5, 5, 5]);
    // SAME, stride 2 on 8: out 4, total pad 1 -> top 0 (TF.js), bottom 1.
    const b = convArgs(info({ inHeight: 8, inWidth: 8, strideHeight: 2, strideWidth: 2, outHeight: 4, outWidth: 4,
      padInfo: { top: 0, bottom: 1, left: 0, right: 1, type: 'SAME' } }), 'NCHW')!;
    expect(b.padding).toEqual([[0, 0], [0, 0], [0, 1], [0, 1]]);
    expect(b.strides).toEqual([1, 1, 2, 2]);
  });

  it("a number pad whose output TF.js sizes from the filter height is cropped from ours", () => {
    // in 6x6, filter 1x3, pad 1, stride 1: TF.js out = (6 - 1 + 2) + 1 = 8 both axes (filter height 1);
    // natural width would be 6 - 3 + 2 + 1 = 6 < 8: right pad grows to give 8.
    const a = convArgs(info({ inHeight: 6, inWidth: 6, filterHeight: 1, filterWidth: 3, outHeight: 8, outWidth: 8,
      padInfo: { top: 1, bottom: 1, left: 1, right: 1, type: 'NUMBER' } }), 'NHWC')!;
    expect(a.padding).toEqual([[0, 0], [1, 1], [1, 3], [0, 0]]);
    expect([a.ourW, a.outW]).toEqual([8, 8]);
    // filter 3x1 on 6x6, pad 0: TF.js width out = 6 - 3 + 1 = 4 < the natural 6: we compute 6, crop to 4.
    const b = convArgs(info({ inHeight: 6, inWidth: 6, filterHeight: 3, filterWidth: 1, outHeight: 4, outWidth: 4,
      padInfo: { top: 0, bottom: 0, left: 0, right: 0, type: 'VALID' } }), 'NHWC')!;
    expect([b.ourH, b.ourW, b.outH, b.outW]).toEqual([4, 6, 4, 4]);
  });

  it('activations by TF.js name; bias shapes that are per channel or one value', () => {
    expect(activationOf('leakyrelu')).toBe('leakyRelu');
    expect(activationOf(undefined)).toBe('linear');
    expect(activationOf('tanh')).toBeNull(); // TF.js's fused kernels have no tanh
    expect(channelVector([6], 6)).toBe('vector');
    expect(channelVector([1, 1, 6], 6)).toBe('vector');
    expect(channelVector([1], 6)).toBe('scalar');
    expect(channelVector([4, 6], 6)).toBeNull();
    expect(channelVector([6, 1], 6)).toBeNull();
    expect(withHW([1, 2, 3, 4], 7, 8, 'NCHW')).toEqual([1, 2, 7, 8]);
  });
});

describe("the direct shader's filter (src/tfjs/direct.ts)", () => {
  it('two taps of two channels a texel, zero past the end', () => {
    // filter [1, 3, 3, 1]: taps 0..2, channels 0..2, value = 10 * tap + channel.
    const values = [0, 1, 2, 10, 11, 12, 20, 21, 22];
    expect(directFilterShape(1, 3, 3)).toEqual([1, 2, 2, 4]);
    expect(Array.from(repackDirectFilter(values, 1, 3, 3))).toEqual([
      0, 1, 10, 11, /* p0 cp1 */ 2, 0, 12, 0,
      /* p1 cp0 */ 20, 21, 0, 0, /* p1 cp1 */ 22, 0, 0, 0,
    ]);
  });

  it("a fused call's bias and PReLU weights in the slots after the taps", () => {
    // The same filter; bias 100 + channel, PReLU weights 200 + channel: slots 3 and 4.
    const values = [0, 1, 2, 10, 11, 12, 20, 21, 22];
    const bias = [100, 101, 102];
    const prelu = [200, 201, 202];
    expect(directFilterShape(1, 3, 3, 1)).toEqual([1, 2, 2, 4]);
    expect(Array.from(repackDirectFilter(values, 1, 3, 3, [bias]))).toEqual([
      0, 1, 10, 11, /* p0 cp1 */ 2, 0, 12, 0,
      /* p1 cp0 */ 20, 21, 100, 101, /* p1 cp1 */ 22, 0, 102, 0,
    ]);
    expect(directFilterShape(1, 3, 3, 2)).toEqual([1, 3, 2, 4]);
    expect(Array.from(repackDirectFilter(values, 1, 3, 3, [bias, prelu]))).toEqual([
      0, 1, 10, 11, /* p0 cp1 */ 2, 0, 12, 0,
      /* p1 cp0 */ 20, 21, 100, 101, /* p1 cp1 */ 22, 0, 102, 0,
      /* p2 cp0 */ 200, 201, 0, 0, /* p2 cp1 */ 202, 0, 0, 0,
    ]);
    // A 2x2 filter fills its texels: the bias starts a texel of its own.
    expect(directFilterShape(2, 2, 2, 1)).toEqual([1, 3, 1, 4]);
    expect(Array.from(repackDirectFilter([0, 1, 10, 11, 20, 21, 30, 31], 2, 2, 2, [[100, 101]]))).toEqual([
      0, 1, 10, 11, /* p1 */ 20, 21, 30, 31, /* p2 */ 100, 101, 0, 0,
    ]);
  });
});
