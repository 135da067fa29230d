/**
 * float32 -> IEEE 754 half (binary16) bits, rounding to nearest even, as TensorFlow's cast does:
 * magnitudes from 65520 up become ±Infinity, NaN stays NaN, small values become half subnormals
 * or ±0. Used for float16 uploads, so what the GPU stores is decided here, not by a driver.
 */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function floatToHalfBits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf, or a quiet NaN
  const e = exp - 127 + 15; // the half's biased exponent
  if (e >= 0x1f) return sign | 0x7c00; // overflow
  if (e <= 0) {
    // A half subnormal (or zero): m * 2^-24 with m = round(1.mant * 2^(e + 9)).
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (half & 1))) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // Rounding up may carry into the exponent, up to Infinity (0x7c00): that is the right answer.
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1))) half++;
  return sign | half;
}

/**
 * What float16 storage holds: IEEE half, except that ±Infinity and everything that would round
 * to it saturate to ±65504, the largest half. Not every GPU can write a half infinity (SwiftShader
 * writes NaN), so the float16 path never asks one to, on upload or in a shader (storeTexel).
 */
export function toHalfBits(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const bits = floatToHalfBits(values[i]);
    out[i] = (bits & 0x7fff) === 0x7c00 ? (bits & 0x8000) | 0x7bff : bits;
  }
  return out;
}

/** Half bits -> number (for tests and host-side checks). */
export function halfBitsToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  if (exp === 0) return sign * mant * 2 ** -24;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}
