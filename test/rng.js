// The seeded PRNG every test and the benchmark share (mulberry32): plain JS, so the browser
// pages (test/browser/harness.js, bench/bench.js) and Node (TypeScript tests, via rng.d.ts)
// import the same file.

/** A function returning uniform numbers in [0, 1), the same sequence for the same seed. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` floats uniform in [lo, hi) from `seed`. */
export function randomData(count, seed, lo = -1, hi = 1) {
  const r = rng(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = lo + (hi - lo) * r();
  return out;
}
