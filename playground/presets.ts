// Filter presets that show what "depthwise" means: one small kernel per input channel (and per
// channel-multiplier slot q), never mixing channels.

export interface Display {
  /** Show |value|. */
  abs: boolean;
  /** Value range mapped to black..white. */
  range: [number, number];
}

export interface Preset {
  id: string;
  name: string;
  note: string;
  fh: number;
  fw: number;
  m: number;
  /** Kernel (row-major fh*fw) for input channel k and multiplier slot q, of C channels. */
  kernel(k: number, q: number, c: number): number[];
  strides?: [number, number];
  rate?: [number, number];
  padding?: 'SAME' | 'VALID';
  display: Display;
}

const box = (n: number): number[] => new Array<number>(n * n).fill(1 / (n * n));

/** Binomial (Gaussian-like) kernel n x n, normalised. */
function gaussian(n: number): number[] {
  let row = [1];
  for (let i = 1; i < n; i++) row = [...row, 0].map((v, j) => v + (j > 0 ? row[j - 1] : 0));
  const s = row.reduce((a, b) => a + b, 0);
  const out: number[] = [];
  for (const a of row) for (const b of row) out.push((a * b) / (s * s));
  return out;
}

const IDENTITY3 = [0, 0, 0, 0, 1, 0, 0, 0, 0];
const SOBEL_X = [-1, 0, 1, -2, 0, 2, -1, 0, 1];
const SOBEL_Y = [-1, -2, -1, 0, 0, 0, 1, 2, 1];
const SHARPEN = [0, -1, 0, -1, 5, -1, 0, -1, 0];
const EMBOSS = [-2, -1, 0, -1, 1, 1, 0, 1, 2];
const MOTION = (n: number): number[] => Array.from({ length: n * n }, (_, i) => (Math.floor(i / n) === Math.floor(n / 2) ? 1 / n : 0));

const plain: Display = { abs: false, range: [0, 1] };

export const PRESETS: Preset[] = [
  { id: 'identity', name: 'Identity 1×1', note: 'The input unchanged.', fh: 1, fw: 1, m: 1, kernel: () => [1], display: plain },
  { id: 'box', name: 'Box blur 5×5', note: 'Mean of 25 neighbours, per channel.', fh: 5, fw: 5, m: 1, kernel: () => box(5), display: plain },
  { id: 'gaussian', name: 'Gaussian blur 5×5', note: 'Binomial weights 1 4 6 4 1 (outer product), per channel.', fh: 5, fw: 5, m: 1, kernel: () => gaussian(5), display: plain },
  { id: 'sharpen', name: 'Sharpen 3×3', note: '5 × centre − 4 neighbours, per channel.', fh: 3, fw: 3, m: 1, kernel: () => SHARPEN, display: plain },
  { id: 'sobel', name: 'Sobel edges (x) per channel', note: 'Horizontal gradient of each colour channel on its own; shown as |value|.', fh: 3, fw: 3, m: 1, kernel: () => SOBEL_X, display: { abs: true, range: [0, 1] } },
  { id: 'emboss', name: 'Emboss 3×3', note: 'Directional relief; the weights sum to 1.', fh: 3, fw: 3, m: 1, kernel: () => EMBOSS, display: plain },
  {
    id: 'per-channel', name: 'A different kernel per channel', note: 'R: 7×7 box blur, G: identity, B: horizontal motion blur (A, if any: identity): colour fringes where R and B smear.',
    fh: 7, fw: 7, m: 1,
    kernel: (k) => (k === 0 ? box(7) : k === 2 ? MOTION(7) : pad(IDENTITY3, 3, 7)),
    display: plain,
  },
  { id: 'dilated', name: 'Dilated (atrous) blur 3×3, rate 4', note: '9 taps spread over a 9×9 window: rate [4, 4].', fh: 3, fw: 3, m: 1, kernel: () => box(3), rate: [4, 4], display: plain },
  {
    id: 'sobel-xy', name: 'Channel multiplier 2: Sobel x and y', note: 'M = 2: each channel gives two outputs, q = 0 Sobel x and q = 1 Sobel y (two images); |value|.',
    fh: 3, fw: 3, m: 2, kernel: (_k, q) => (q === 0 ? SOBEL_X : SOBEL_Y), display: { abs: true, range: [0, 1] },
  },
  { id: 'stride2', name: 'Box blur 3×3, stride 2 (downsample)', note: 'strides [1, 2, 2, 1]: half the width and height.', fh: 3, fw: 3, m: 1, kernel: () => box(3), strides: [2, 2], display: plain },
];

/** A kernel (row-major n x n) centred in a bigger m x m one. */
export function pad(kernel: number[], n: number, m: number): number[] {
  const out = new Array<number>(m * m).fill(0);
  const off = Math.floor((m - n) / 2);
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) out[(y + off) * m + x + off] = kernel[y * n + x];
  return out;
}

/** Resizes a row-major kernel from fh0 x fw0 to fh x fw, keeping the centre. */
export function resizeKernel(kernel: number[], fh0: number, fw0: number, fh: number, fw: number): number[] {
  const out = new Array<number>(fh * fw).fill(0);
  const oy = Math.floor(fh / 2) - Math.floor(fh0 / 2);
  const ox = Math.floor(fw / 2) - Math.floor(fw0 / 2);
  for (let y = 0; y < fh0; y++) {
    for (let x = 0; x < fw0; x++) {
      const ty = y + oy;
      const tx = x + ox;
      if (ty >= 0 && ty < fh && tx >= 0 && tx < fw) out[ty * fw + tx] = kernel[y * fw0 + x];
    }
  }
  return out;
}

/** The [fh, fw, C, M] filter data from kernels[k][q] (each row-major fh*fw). */
export function filterData(kernels: number[][][], fh: number, fw: number, c: number, m: number): Float32Array {
  const data = new Float32Array(fh * fw * c * m);
  for (let i = 0; i < fh * fw; i++) {
    for (let k = 0; k < c; k++) {
      for (let q = 0; q < m; q++) data[(i * c + k) * m + q] = kernels[k][q][i];
    }
  }
  return data;
}
