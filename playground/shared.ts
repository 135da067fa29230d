// What the playground's two modes share: DOM helpers, the source picker (camera, built-in
// sources, face-api's sample photos, dropped files), the FPS meter and the reference check.
import type { HostTensor } from '../src/index.ts';
import {
  CameraUnavailable, fileSource, openCamera, patternSource, photoSource, sampleImageSource, type FrameSource,
} from './sources.ts';

export const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`playground: #${id} is missing from index.html`);
  return e as T;
};
export const num = (id: string): number => Number($<HTMLInputElement>(id).value);
export const sel = (id: string): string => $<HTMLSelectElement>(id).value;

// --- sources ---------------------------------------------------------------------------------

export interface SourcePicker {
  /** The source frames come from now (null until the first one opens). */
  readonly current: FrameSource | null;
  /** Opens the source with this picker value ('camera', 'pattern', 'image', 'file', 'photo:<n>'). */
  use(id: string, why?: string): Promise<void>;
}

function resolution(): [number, number] {
  const [w, h] = sel('resolution').split('x').map(Number);
  return [w, h];
}

/** Wires the Source controls (select, resolution, file input, drag and drop) to one picker. */
export function createSourcePicker(): SourcePicker {
  const sourceNote = $('source-note');
  let current: FrameSource | null = null;
  let droppedFile: File | null = null;
  let switching = 0;

  async function open(id: string, w: number, h: number): Promise<FrameSource> {
    if (id === 'camera') return openCamera(w, h);
    if (id === 'file' && droppedFile) return fileSource(droppedFile, w, h);
    if (id === 'image') return sampleImageSource(w, h);
    if (id.startsWith('photo:')) return photoSource(Number(id.slice(6)), w, h);
    return patternSource(w, h);
  }

  async function use(id: string, why?: string): Promise<void> {
    const my = ++switching;
    const [w, h] = resolution();
    let next: FrameSource;
    let note = why ?? '';
    try {
      next = await open(id, w, h);
    } catch (e) {
      if (my !== switching) return;
      const reason = e instanceof CameraUnavailable ? e.message : `could not open that source: ${(e as Error).message}`;
      note = id === 'camera'
        ? `Not using the camera: ${reason}. Showing the built-in animated test pattern instead (pick “Sample image”, a sample photo or drop a file for others).`
        : reason;
      next = patternSource(w, h);
      document.body.dataset.cameraError = reason;
    }
    if (my !== switching) {
      next.stop();
      return;
    }
    current?.stop();
    current = next;
    $<HTMLSelectElement>('source').value = next.id;
    document.body.dataset.source = next.kind;
    sourceNote.hidden = !note;
    sourceNote.textContent = note;
  }

  $('source').addEventListener('change', () => void use(sel('source')));
  $('resolution').addEventListener('change', () => void use(current?.id ?? 'pattern'));

  function takeFile(file: File | undefined): void {
    if (!file) return;
    droppedFile = file;
    const opt = $<HTMLSelectElement>('source').querySelector('option[value=file]') as HTMLOptionElement;
    opt.disabled = false;
    opt.textContent = `File: ${file.name}`;
    void use('file');
  }
  $<HTMLInputElement>('file').addEventListener('change', (e) => takeFile((e.target as HTMLInputElement).files?.[0]));
  document.addEventListener('dragover', (e) => {
    e.preventDefault();
    document.body.classList.add('dragging');
  });
  document.addEventListener('dragleave', (e) => {
    if (e.relatedTarget === null) document.body.classList.remove('dragging');
  });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    takeFile(e.dataTransfer?.files?.[0]);
  });

  return {
    get current() { return current; },
    use,
  };
}

// --- FPS -------------------------------------------------------------------------------------

/** Frames (filter mode) or inferences (model mode) per second, recent, shown in #fps. */
export class FpsMeter {
  private readonly times: number[] = [];
  private lastShown = 0;
  fps = 0;

  tick(now: number): void {
    this.times.push(now);
    // The last 2 s, or the last 3 ticks when they are slower than that (an inference on a software renderer).
    while (this.times.length > 3 && this.times[0] < now - 2000) this.times.shift();
    if (now - this.lastShown < 500) return;
    this.lastShown = now;
    const span = this.times.length > 1 ? this.times[this.times.length - 1] - this.times[0] : 0;
    this.fps = span > 0 ? ((this.times.length - 1) * 1000) / span : 0;
    $('fps').textContent = this.fps.toFixed(1);
    document.body.dataset.fps = this.fps.toFixed(2);
  }

  reset(): void {
    this.times.length = 0;
    this.lastShown = 0;
    this.fps = 0;
    $('fps').textContent = '–';
  }
}

// --- the reference check -------------------------------------------------------------------

export interface Comparison {
  maxAbs: number;
  /**
   * With `magnitude` (Σ|x·w| of each output: the reference on |input| and |filter|): the largest
   * |got − ref| / magnitude, the relative error of each sum against what was summed, which float32
   * rounding bounds (about taps × 2^-24) even where the terms cancel. Without: the largest
   * |got − ref| / |ref| over the elements with |ref| > 1e-3.
   */
  maxRel: number;
  /** The largest |got − ref| / |ref| over the elements with |ref| > 1e-3 (large where terms cancel). */
  maxElementRel: number;
  /** |got − ref|, in ref's shape. */
  diff: HostTensor;
}

/** The element-wise difference between a GPU result and the CPU reference. */
export function compareToReference(got: Float32Array, ref: HostTensor, magnitude?: Float32Array): Comparison {
  if (got.length !== ref.data.length) throw new Error(`cannot compare ${got.length} values with a reference of ${ref.data.length}`);
  if (magnitude && magnitude.length !== got.length) throw new Error(`${magnitude.length} magnitudes for ${got.length} values`);
  const diff = new Float32Array(ref.data.length);
  let maxAbs = 0;
  let maxElementRel = 0;
  let maxSumRel = 0;
  for (let i = 0; i < diff.length; i++) {
    const d = Math.abs(got[i] - ref.data[i]);
    diff[i] = d;
    if (!(d <= maxAbs)) maxAbs = d;  // NaN propagates
    const a = Math.abs(ref.data[i]);
    if (a > 1e-3 && d / a > maxElementRel) maxElementRel = d / a;
    if (magnitude && d > 0) {
      const r = d / Math.max(magnitude[i], Number.MIN_VALUE);
      if (!(r <= maxSumRel)) maxSumRel = r;
    }
  }
  return { maxAbs, maxRel: magnitude ? maxSumRel : maxElementRel, maxElementRel, diff: { data: diff, shape: [...ref.shape] } };
}
