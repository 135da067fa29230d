// Types for test/rng.js.
export declare function rng(seed: number): () => number;
export declare function randomData(count: number, seed: number, lo?: number, hi?: number): Float32Array;
