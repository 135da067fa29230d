// The seeded random sweep of configurations for the GPU-vs-reference tests (Node side).
import { rng } from '../rng.js';

export interface Case {
  input: number[];
  filter: number[];
  strides: number[];
  padding: 'SAME' | 'VALID' | number[][];
  rate: number[] | null;
  dataFormat: 'NHWC' | 'NCHW';
  seed: number;
  read: 'sync' | 'async';
}

/**
 * `count` valid configurations covering: NHWC and NCHW, batch 1..3, C = 1..9 (mostly not a
 * multiple of 4) and a few wide ones, M = 1..4, filters 1x1..7x7 including non-square,
 * non-square inputs, strides 1..3 with sh != sw, rate 1..3, SAME / VALID / explicit padding.
 */
export function sweep(count: number, seed: number): Case[] {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const dataFormat = i % 2 === 0 ? 'NHWC' : 'NCHW';
    const batch = int(1, 3);
    const c = r() < 0.1 ? int(10, 20) : int(1, 9);
    const m = 1 + (i % 4);
    const fh = int(1, 7);
    const fw = r() < 0.3 ? fh : int(1, 7);
    const dilated = r() < 0.3;
    const rate = dilated ? [int(1, 3), int(1, 3)] : null;
    const sh = dilated ? 1 : int(1, 3);
    const sw = dilated ? 1 : int(1, 3);
    const feh = (fh - 1) * (rate?.[0] ?? 1) + 1;
    const few = (fw - 1) * (rate?.[1] ?? 1) + 1;
    const kind = int(0, 2);
    let padding: Case['padding'];
    let h = int(1, 13);
    let w = int(1, 13);
    if (kind === 2) {
      const [t, b, le, ri] = [int(0, 3), int(0, 3), int(0, 3), int(0, 3)];
      h = Math.max(h, feh - t - b);
      w = Math.max(w, few - le - ri);
      padding = dataFormat === 'NHWC'
        ? [[0, 0], [t, b], [le, ri], [0, 0]]
        : [[0, 0], [0, 0], [t, b], [le, ri]];
    } else if (kind === 1) {
      padding = 'VALID';
      h = Math.max(h, feh);
      w = Math.max(w, few);
    } else {
      padding = 'SAME';
    }
    const input = dataFormat === 'NHWC' ? [batch, h, w, c] : [batch, c, h, w];
    const strides = dataFormat === 'NHWC' ? [1, sh, sw, 1] : [1, 1, sh, sw];
    cases.push({ input, filter: [fh, fw, c, m], strides, padding, rate, dataFormat, seed: 1000 + i, read: i % 3 === 0 ? 'sync' : 'async' });
  }
  return cases;
}
