import { describe, expect, it } from 'vitest';
import { convGeometry } from '../../src/semantics/geometry';

const geo = (input: number[], filter: number[], strides: number[], padding: unknown, rate?: number[] | null, fmt: 'NHWC' | 'NCHW' = 'NHWC') =>
  convGeometry('test', input, filter, strides, padding, rate, fmt);

describe('output size and padding (TF rules)', () => {
  it('VALID: ceil((in - fe + 1) / s)', () => {
    const g = geo([1, 7, 8, 2], [3, 2, 2, 1], [1, 2, 3, 1], 'VALID');
    expect([g.outH, g.outW]).toEqual([3, 3]); // ceil(5/2), ceil(7/3)
    expect([g.padTop, g.padBottom, g.padLeft, g.padRight]).toEqual([0, 0, 0, 0]);
  });

  it('SAME: ceil(in / s), the odd pad goes after', () => {
    const g = geo([1, 4, 4, 1], [3, 3, 1, 1], [1, 2, 2, 1], 'SAME');
    expect([g.outH, g.outW]).toEqual([2, 2]);
    // total = (2-1)*2 + 3 - 4 = 1 -> 0 before, 1 after
    expect([g.padTop, g.padBottom, g.padLeft, g.padRight]).toEqual([0, 1, 0, 1]);
    const h = geo([1, 5, 5, 1], [3, 3, 1, 1], [1, 2, 2, 1], 'SAME');
    expect([h.outH, h.padTop, h.padBottom]).toEqual([3, 1, 1]);
    const e = geo([1, 3, 3, 1], [2, 2, 1, 1], [1, 1, 1, 1], 'SAME');
    expect([e.outH, e.padTop, e.padBottom]).toEqual([3, 0, 1]);
  });

  it('SAME never pads negatively when the stride skips past the input', () => {
    const g = geo([1, 9, 9, 1], [1, 1, 1, 1], [1, 4, 4, 1], 'SAME');
    expect([g.outH, g.padTop, g.padBottom]).toEqual([3, 0, 0]);
  });

  it('rate dilates the filter: fe = (f - 1) * rate + 1', () => {
    const v = geo([1, 7, 7, 1], [3, 3, 1, 1], [1, 1, 1, 1], 'VALID', [2, 1]);
    expect([v.outH, v.outW]).toEqual([3, 5]);
    const s = geo([1, 7, 7, 1], [3, 3, 1, 1], [1, 1, 1, 1], 'SAME', [2, 2]);
    expect([s.outH, s.padTop, s.padBottom]).toEqual([7, 2, 2]);
  });

  it('explicit padding: floor((in + before + after - fe) / s) + 1', () => {
    const g = geo([1, 5, 6, 1], [3, 3, 1, 1], [1, 2, 1, 1], [[0, 0], [1, 2], [0, 3], [0, 0]]);
    expect([g.outH, g.outW]).toEqual([3, 7]);
    expect([g.padTop, g.padBottom, g.padLeft, g.padRight]).toEqual([1, 2, 0, 3]);
  });

  it('NCHW reads strides, padding and shapes in NCHW order', () => {
    const g = geo([2, 3, 5, 6], [3, 3, 3, 2], [1, 1, 2, 1], [[0, 0], [0, 0], [1, 1], [2, 0]], null, 'NCHW');
    expect([g.batch, g.inH, g.inW, g.inC, g.m, g.outC]).toEqual([2, 5, 6, 3, 2, 6]);
    expect([g.sh, g.sw, g.padTop, g.padLeft]).toEqual([2, 1, 1, 2]);
    expect(g.outShape).toEqual([2, 6, 3, 6]);
  });
});

describe('argument errors name the argument and the values', () => {
  const ok = { input: [1, 5, 5, 2], filter: [3, 3, 2, 1], strides: [1, 1, 1, 1] };
  const cases: [string, () => unknown, RegExp][] = [
    ['stride not an integer', () => geo(ok.input, ok.filter, [1, 1.5, 1, 1], 'SAME'), /strides.*1\.5/],
    ['stride zero', () => geo(ok.input, ok.filter, [1, 0, 1, 1], 'SAME'), /strides.*0/],
    ['strides of length 2', () => geo(ok.input, ok.filter, [1, 1], 'SAME'), /strides.*\[1, 1\]/],
    ['batch stride', () => geo(ok.input, ok.filter, [2, 1, 1, 1], 'SAME'), /strides.*batch and channel.*\[2, 1, 1, 1\]/],
    ['channel stride', () => geo(ok.input, ok.filter, [1, 1, 1, 2], 'SAME'), /strides.*batch and channel/],
    ['NCHW channel stride', () => geo([1, 2, 5, 5], ok.filter, [1, 2, 1, 1], 'SAME', null, 'NCHW'), /strides.*batch and channel.*NCHW/],
    ['rate zero', () => geo(ok.input, ok.filter, ok.strides, 'SAME', [0, 1]), /rate.*0/],
    ['rate fractional', () => geo(ok.input, ok.filter, ok.strides, 'SAME', [1, 2.5]), /rate.*2\.5/],
    ['rate with stride', () => geo(ok.input, ok.filter, [1, 2, 1, 1], 'SAME', [2, 1]), /rate.*\[2, 1\].*strides.*\[1, 2, 1, 1\]/],
    ['in_channels mismatch', () => geo(ok.input, [3, 3, 3, 1], ok.strides, 'SAME'), /filter.*in_channels.*\[3, 3, 3, 1\].*2 channels/],
    ['unknown padding', () => geo(ok.input, ok.filter, ok.strides, 'FULL'), /padding.*"FULL"/],
    ['negative explicit padding', () => geo(ok.input, ok.filter, ok.strides, [[0, 0], [-1, 0], [0, 0], [0, 0]]), /padding.*non-negative.*-1/],
    ['malformed explicit padding', () => geo(ok.input, ok.filter, ok.strides, [[0, 0], [1], [0, 0], [0, 0]]), /padding.*\[1\]/],
    ['explicit padding of 2 pairs', () => geo(ok.input, ok.filter, ok.strides, [[1, 1], [1, 1]]), /padding.*4 \[before, after\] pairs/],
    ['channel padding', () => geo(ok.input, ok.filter, ok.strides, [[0, 0], [1, 1], [1, 1], [0, 1]]), /padding.*batch and channel/],
    ['empty VALID output', () => geo([1, 2, 2, 2], ok.filter, ok.strides, 'VALID'), /empty output.*\[1, 2, 2, 2\]/],
    ['empty dilated output', () => geo([1, 4, 4, 2], [2, 2, 2, 1], ok.strides, 'VALID', [4, 4]), /effective size 5x5.*empty/],
  ];
  for (const [name, call, message] of cases) {
    it(name, () => {
      expect(call).toThrowError(message);
    });
  }
});
