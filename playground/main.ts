// Playground for `npm start`: a procedurally drawn image convolved with a few
// depthwise kernels on the GPU, each result drawn next to the input.
import { createContext } from '../src/index.ts';
import type { DepthwiseContext, GLTensor, Padding } from '../src/index.ts';

const SIZE = 256;
const CHANNELS = 3;

const grid = document.getElementById('grid') as HTMLDivElement;
const info = document.getElementById('info') as HTMLParagraphElement;
const errorBox = document.getElementById('error') as HTMLPreElement;

function showError(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  errorBox.textContent += (errorBox.textContent ? '\n' : '') + message;
  console.error(err);
}
window.addEventListener('error', (e) => showError(e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => showError(e.reason));

/** Draws the test image (gradients, circles, text, a checkerboard) and returns NHWC floats in 0..1. */
function makeInputImage(size: number): Float32Array {
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const g = canvas.getContext('2d');
  if (!g) throw new Error('2D canvas is not available');

  const bg = g.createLinearGradient(0, 0, size, size);
  bg.addColorStop(0, '#1d3557');
  bg.addColorStop(0.5, '#a8dadc');
  bg.addColorStop(1, '#f1faee');
  g.fillStyle = bg;
  g.fillRect(0, 0, size, size);

  // Checkerboard in the lower-right quarter: sharp edges for the Sobel and sharpen kernels.
  const cell = size / 16;
  for (let y = size / 2; y < size; y += cell) {
    for (let x = size / 2; x < size; x += cell) {
      if (((x + y) / cell) % 2 === 0) {
        g.fillStyle = '#111';
        g.fillRect(x, y, cell, cell);
      }
    }
  }

  const circles: Array<[number, number, number, string]> = [
    [0.28, 0.3, 0.18, '#e63946'],
    [0.62, 0.28, 0.12, '#ffb703'],
    [0.25, 0.72, 0.1, '#2a9d8f'],
  ];
  for (const [cx, cy, r, color] of circles) {
    const rg = g.createRadialGradient(cx * size, cy * size, 0, cx * size, cy * size, r * size);
    rg.addColorStop(0, '#fff');
    rg.addColorStop(1, color);
    g.fillStyle = rg;
    g.beginPath();
    g.arc(cx * size, cy * size, r * size, 0, Math.PI * 2);
    g.fill();
  }

  g.fillStyle = '#000';
  g.font = `bold ${Math.round(size / 10)}px sans-serif`;
  g.textBaseline = 'top';
  g.fillText('depthwise', size * 0.05, size * 0.47);
  g.lineWidth = 2;
  g.strokeStyle = '#fff';
  g.strokeRect(4, 4, size - 8, size - 8);

  const rgba = g.getImageData(0, 0, size, size).data;
  const out = new Float32Array(size * size * CHANNELS);
  for (let p = 0; p < size * size; p++) {
    for (let c = 0; c < CHANNELS; c++) out[p * CHANNELS + c] = rgba[p * 4 + c] / 255;
  }
  return out;
}

/** A [fh, fw, C, 1] filter applying the same 2-D kernel (row-major, fh*fw values) to every channel. */
function perChannelFilter(kernel: number[], fh: number, fw: number): { data: Float32Array; shape: number[] } {
  if (kernel.length !== fh * fw) throw new Error(`kernel has ${kernel.length} values, expected ${fh}x${fw}`);
  const data = new Float32Array(fh * fw * CHANNELS);
  for (let i = 0; i < fh * fw; i++) {
    for (let c = 0; c < CHANNELS; c++) data[i * CHANNELS + c] = kernel[i];
  }
  return { data, shape: [fh, fw, CHANNELS, 1] };
}

interface Example {
  title: string;
  kernel: number[];
  fh: number;
  fw: number;
  strides: number[];
  padding: Padding;
  rate?: number[];
  /** Maps an output value to display intensity 0..1 (before clamping). */
  display?: (v: number) => number;
}

const box = (n: number): number[] => new Array<number>(n * n).fill(1 / (n * n));

const EXAMPLES: Example[] = [
  { title: 'Box blur 5×5', kernel: box(5), fh: 5, fw: 5, strides: [1, 1, 1, 1], padding: 'SAME' },
  {
    title: 'Sharpen 3×3',
    kernel: [0, -1, 0, -1, 5, -1, 0, -1, 0],
    fh: 3, fw: 3, strides: [1, 1, 1, 1], padding: 'SAME',
  },
  {
    title: 'Sobel-x 3×3 (|value|)',
    kernel: [-1, 0, 1, -2, 0, 2, -1, 0, 1],
    fh: 3, fw: 3, strides: [1, 1, 1, 1], padding: 'SAME',
    display: Math.abs,
  },
  {
    title: 'Dilated blur 3×3, rate [2,2]',
    kernel: box(3), fh: 3, fw: 3, strides: [1, 1, 1, 1], padding: 'SAME', rate: [2, 2],
  },
  {
    title: 'Box blur 5×5, VALID, stride 2',
    kernel: box(5), fh: 5, fw: 5, strides: [1, 2, 2, 1], padding: 'VALID',
  },
];

/** Draws NHWC [1, h, w, 3] data into a new canvas inside a captioned figure. */
function addFigure(
  title: string,
  detail: string,
  data: Float32Array,
  h: number,
  w: number,
  display: (v: number) => number = (v) => v,
): void {
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const g = canvas.getContext('2d');
  if (!g) throw new Error('2D canvas is not available');
  const img = g.createImageData(w, h);
  for (let p = 0; p < w * h; p++) {
    for (let c = 0; c < CHANNELS; c++) {
      const v = Math.round(display(data[p * CHANNELS + c]) * 255);
      img.data[p * 4 + c] = Math.min(255, Math.max(0, v));
    }
    img.data[p * 4 + 3] = 255;
  }
  g.putImageData(img, 0, 0);

  const figure = document.createElement('figure');
  const caption = document.createElement('figcaption');
  caption.textContent = title;
  const small = document.createElement('small');
  small.textContent = detail;
  caption.append(small);
  figure.append(canvas, caption);
  grid.append(figure);
}

async function main(): Promise<void> {
  const inputData = makeInputImage(SIZE);
  const inputShape = [1, SIZE, SIZE, CHANNELS];
  addFigure('Input', `shape [${inputShape.join(', ')}]`, inputData, SIZE, SIZE);

  let ctx: DepthwiseContext;
  try {
    ctx = createContext();
  } catch (err) {
    info.textContent = 'Could not create a WebGL2 context.';
    throw err;
  }
  const caps = ctx.capabilities;
  info.textContent =
    `Renderer: ${caps.renderer}${caps.software ? ' (software)' : ''} · precision ${caps.precision}` +
    ` · max texture ${caps.maxTextureSize}`;

  const input = ctx.tensor(inputData, inputShape);
  try {
    for (const ex of EXAMPLES) {
      // One failing example should not hide the others.
      const live: GLTensor[] = [];
      try {
        const f = perChannelFilter(ex.kernel, ex.fh, ex.fw);
        const filter = ctx.tensor(f.data, f.shape);
        live.push(filter);
        const t0 = performance.now();
        const out = ctx.depthwiseConv2d(input, filter, ex.strides, ex.padding, ex.rate ?? null, ex.title);
        live.push(out);
        const data = await out.read();
        const ms = performance.now() - t0;
        const [, h, w] = out.shape;
        const args = `strides [${ex.strides.join(',')}], ${ex.padding}` + (ex.rate ? `, rate [${ex.rate.join(',')}]` : '');
        addFigure(ex.title, `${args} → shape [${out.shape.join(', ')}] · ${ms.toFixed(1)} ms`, data, h, w, ex.display);
      } catch (err) {
        showError(new Error(`${ex.title}: ${err instanceof Error ? err.message : String(err)}`));
      } finally {
        for (const t of live) t.dispose();
      }
    }
  } finally {
    input.dispose();
    const mem = ctx.memory();
    console.info('GPU resources after dispose:', mem);
    ctx.dispose();
  }
}

main().catch(showError);
