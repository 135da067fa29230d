import { describe, expect, it } from 'vitest';
import { floatToHalfBits, halfBitsToFloat, toHalfBits } from '../../src/layout/half';

const roundTrip = (v: number) => halfBitsToFloat(floatToHalfBits(v));

describe('float32 -> float16 conversion', () => {
  it('keeps values that half represents exactly', () => {
    for (const v of [0, 1, -1, 0.5, 1024, 65504, -65504, 2 ** -14, 2 ** -24, 3 * 2 ** -24, 1 + 1 / 1024]) {
      expect(roundTrip(v)).toBe(v);
    }
    expect(floatToHalfBits(1)).toBe(0x3c00);
    expect(floatToHalfBits(-2)).toBe(0xc000);
    expect(floatToHalfBits(65504)).toBe(0x7bff);
  });

  it('rounds to nearest, ties to even', () => {
    expect(roundTrip(1 + 1 / 2048)).toBe(1); // tie, 1.0 is even
    expect(roundTrip(1 + 3 / 2048)).toBe(1 + 2 / 1024); // tie, rounds up to even
    expect(roundTrip(1 + 1 / 2048 + 1 / 65536)).toBe(1 + 1 / 1024); // just above the tie
    expect(roundTrip(2 ** -25)).toBe(0); // tie between 0 and the smallest subnormal
    expect(roundTrip(2 ** -25 * 1.5)).toBe(2 ** -24);
  });

  it('overflows to Infinity from 65520 up (IEEE round to nearest), keeps NaN and infinities', () => {
    expect(roundTrip(65519)).toBe(65504);
    expect(roundTrip(65520)).toBe(Infinity);
    expect(roundTrip(70000)).toBe(Infinity);
    expect(roundTrip(-1e9)).toBe(-Infinity);
    expect(roundTrip(Infinity)).toBe(Infinity);
    expect(roundTrip(-Infinity)).toBe(-Infinity);
    expect(roundTrip(NaN)).toBeNaN();
  });

  it('float16 storage saturates at ±65504 instead of storing infinities; NaN stays NaN', () => {
    const stored = Array.from(toHalfBits([Infinity, -Infinity, 70000, -65520, 65519, NaN, 1]), halfBitsToFloat);
    expect(stored.slice(0, 5)).toEqual([65504, -65504, 65504, -65504, 65504]);
    expect(stored[5]).toBeNaN();
    expect(stored[6]).toBe(1);
  });

  it('sends tiny values to ±0, keeping the sign', () => {
    expect(Object.is(roundTrip(1e-10), 0)).toBe(true);
    expect(Object.is(roundTrip(-1e-10), -0)).toBe(true);
  });
});
