import { describe, expect, it } from 'vitest';
import { depthwiseConv2dReference } from '../../src/semantics/reference';
import { nchwToNhwc, nhwcToNchw } from '../../src/semantics/format';

const range = (n: number, from = 1) => Float32Array.from({ length: n }, (_, i) => from + i);
const S1 = [1, 1, 1, 1];

describe('depthwiseConv2dReference: hand-checked and TensorFlow literal cases', () => {
  it('TF: input [1,2,3,2] = 1..12, filter [2,2,2,2] = 1..16, VALID', () => {
    const out = depthwiseConv2dReference({ data: range(12), shape: [1, 2, 3, 2] }, { data: range(16), shape: [2, 2, 2, 2] }, S1, 'VALID');
    expect(out.shape).toEqual([1, 1, 2, 4]);
    expect(Array.from(out.data)).toEqual([196, 216, 272, 296, 252, 280, 344, 376]);
  });

  it('TF: x = 1..6 as [1,3,2,1], filter [1,2,3,4] as [2,1,1,2], VALID', () => {
    const out = depthwiseConv2dReference({ data: range(6), shape: [1, 3, 2, 1] }, { data: range(4), shape: [2, 1, 1, 2] }, S1, 'VALID');
    expect(out.shape).toEqual([1, 2, 2, 2]);
    expect(Array.from(out.data)).toEqual([10, 14, 14, 20, 18, 26, 22, 32]);
  });

  it('2x2 ones over 1..9 with SAME: the extra padding row and column come after', () => {
    const out = depthwiseConv2dReference({ data: range(9), shape: [1, 3, 3, 1] }, { data: new Float32Array(4).fill(1), shape: [2, 2, 1, 1] }, S1, 'SAME');
    expect(out.shape).toEqual([1, 3, 3, 1]);
    // [[1,2,3],[4,5,6],[7,8,9]]: sums of the 2x2 window starting at each pixel
    expect(Array.from(out.data)).toEqual([12, 16, 9, 24, 28, 15, 15, 17, 9]);
  });

  it('stride 2 with different strides per axis and an explicit padding', () => {
    // 1x4x5x1 = 1..20, 1x1 filter of 2: picks every 2nd row and every 3rd column, doubled.
    const out = depthwiseConv2dReference({ data: range(20), shape: [1, 4, 5, 1] }, { data: Float32Array.of(2), shape: [1, 1, 1, 1] },
      [1, 2, 3, 1], 'VALID');
    expect(out.shape).toEqual([1, 2, 2, 1]);
    expect(Array.from(out.data)).toEqual([2, 8, 22, 28]);
    // one column of zero padding on the left shifts the picked columns
    const padded = depthwiseConv2dReference({ data: range(20), shape: [1, 4, 5, 1] }, { data: Float32Array.of(1), shape: [1, 1, 1, 1] },
      [1, 2, 3, 1], [[0, 0], [0, 0], [1, 0], [0, 0]]);
    expect(Array.from(padded.data)).toEqual([0, 3, 0, 13]);
  });

  it('dilation: rate [1,2] with a 1x2 filter [1, 10] reads columns j and j+2', () => {
    const out = depthwiseConv2dReference({ data: range(5), shape: [1, 1, 5, 1] }, { data: Float32Array.of(1, 10), shape: [1, 2, 1, 1] },
      S1, 'VALID', [1, 2]);
    expect(Array.from(out.data)).toEqual([1 + 30, 2 + 40, 3 + 50]);
  });

  it('channel multiplier: output channel k*M + q uses filter[.., k, q]', () => {
    // 1x1 input with 2 channels [3, 5]; 1x1 filter [[1,2,3],[4,5,6]] (C=2, M=3)
    const out = depthwiseConv2dReference({ data: Float32Array.of(3, 5), shape: [1, 1, 1, 2] }, { data: range(6), shape: [1, 1, 2, 3] }, S1, 'VALID');
    expect(out.shape).toEqual([1, 1, 1, 6]);
    expect(Array.from(out.data)).toEqual([3, 6, 9, 20, 25, 30]);
  });

  it('NCHW gives the NHWC result, reordered', () => {
    const shape = [2, 4, 5, 3];
    const x = Float32Array.from({ length: 120 }, (_, i) => Math.sin(i));
    const f = Float32Array.from({ length: 3 * 2 * 3 * 2 }, (_, i) => Math.cos(i));
    const nhwc = depthwiseConv2dReference({ data: x, shape }, { data: f, shape: [3, 2, 3, 2] }, [1, 2, 1, 1], 'SAME');
    const nchw = depthwiseConv2dReference({ data: nhwcToNchw(x, shape), shape: [2, 3, 4, 5] }, { data: f, shape: [3, 2, 3, 2] },
      [1, 1, 2, 1], 'SAME', null, 'NCHW');
    expect(nchw.shape).toEqual([2, 6, 2, 5]);
    expect(Array.from(nchwToNhwc(nchw.data, nchw.shape))).toEqual(Array.from(nhwc.data));
  });

  it('padding taps read zero and never make NaN; NaN in the input reaches only its taps', () => {
    const x = Float32Array.of(1, NaN, 1, 1);
    const out = depthwiseConv2dReference({ data: x, shape: [1, 1, 4, 1] }, { data: Float32Array.of(1, 1), shape: [1, 2, 1, 1] }, S1, 'SAME');
    expect(Array.from(out.data)).toEqual([NaN, NaN, 2, 1]);
  });

  it('rejects a HostTensor whose data does not match its shape', () => {
    expect(() => depthwiseConv2dReference({ data: range(5), shape: [1, 2, 3, 1] }, { data: range(1), shape: [1, 1, 1, 1] }, S1, 'VALID'))
      .toThrowError(/input\.data has length 5 but shape \[1, 2, 3, 1\] needs 6/);
    expect(() => depthwiseConv2dReference({ data: range(6), shape: [1, 2, 3] }, { data: range(1), shape: [1, 1, 1, 1] }, S1, 'VALID'))
      .toThrowError(/input\.shape must be 4-D; got 3-D/);
    expect(() => depthwiseConv2dReference({ data: range(6), shape: [1, 2, 3, 1] }, { data: range(1), shape: [1, 1, 1, 1] }, S1, 'VALID', null, 'CHWN' as never))
      .toThrowError(/dataFormat must be 'NHWC' or 'NCHW'; got "CHWN"/);
  });
});
