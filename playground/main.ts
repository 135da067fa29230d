// The playground (`npm start`). Filter mode (this file): a live depthwise_conv2d filter on the
// webcam (or a built-in source), with the library's own fromPixels/draw so frames never leave the
// GPU, plus the tensor inspector and a CPU-reference check. Model mode (model.ts, debugger.ts,
// loaded on first use): face detection in TF.js with depthwise-gl's kernels on or off. Both share
// the sources, the FPS meter and the inspector panel (shared.ts). `window.playground` exposes a
// little state for the tests.
import { createContext, depthwiseConv2dReference, mountInspector } from '../src/index.ts';
import type { DepthwiseContext, GLTensor, HostTensor, Padding } from '../src/index.ts';
import { PRESETS, filterData, resizeKernel, type Preset } from './presets.ts';
import { $, FpsMeter, compareToReference, createSourcePicker, num, sel } from './shared.ts';
import { PHOTOS, type SourceKind } from './sources.ts';

const info = $('info');
const errorBox = $('error');
const stage = $('stage');
const inputCanvas = $<HTMLCanvasElement>('input-canvas');
const outputsBox = $('outputs');

// --- state -------------------------------------------------------------------------------------

interface Settings {
  channels: 1 | 3 | 4;
  fh: number;
  fw: number;
  m: number;
  /** kernels[k][q]: row-major fh*fw. Always 4 channels x 2 slots, so switching C or M keeps edits. */
  kernels: number[][][];
}

const settings: Settings = { channels: 3, fh: 3, fw: 3, m: 1, kernels: [] };
const sources = createSourcePicker();
const fpsMeter = new FpsMeter();
type Mode = 'filter' | 'model';
let mode: Mode = 'filter';
let ctx: DepthwiseContext;
let filter: { key: string; tensor: GLTensor; host: HostTensor } | null = null;
let lastError = '';
let frames = 0;
let captureWanted: Array<{ resolve: (c: Capture) => void; reject: (e: Error) => void }> = [];

export interface Capture {
  input: HostTensor & { dataFormat: string };
  filter: HostTensor;
  output: HostTensor & { dataFormat: string };
  strides: number[];
  padding: Padding;
  rate: number[];
  dataFormat: 'NHWC' | 'NCHW';
  preset: string;
}
let lastCapture: Capture | null = null;
let lastVerify: { maxAbs: number; maxRel: number } | null = null;

// --- the filter controls -------------------------------------------------------------------------

function fillSelect(id: string, values: Array<[string, string]>): void {
  const s = $<HTMLSelectElement>(id);
  s.replaceChildren(...values.map(([v, label]) => {
    const o = document.createElement('option');
    o.value = v;
    o.textContent = label;
    return o;
  }));
}

fillSelect('preset', [...PRESETS.map((p): [string, string] => [p.id, p.name]), ['custom', 'Custom (edited)']]);
fillSelect('fh', [1, 2, 3, 4, 5, 6, 7].map((n) => [String(n), String(n)]));
fillSelect('fw', [1, 2, 3, 4, 5, 6, 7].map((n) => [String(n), String(n)]));

function applyPreset(p: Preset): void {
  settings.fh = p.fh;
  settings.fw = p.fw;
  settings.m = p.m;
  settings.kernels = [0, 1, 2, 3].map((k) => [0, 1].map((q) => [...p.kernel(k, Math.min(q, p.m - 1), settings.channels)]));
  $<HTMLSelectElement>('preset').value = p.id;
  $<HTMLSelectElement>('fh').value = String(p.fh);
  $<HTMLSelectElement>('fw').value = String(p.fw);
  $<HTMLSelectElement>('multiplier').value = String(p.m);
  $<HTMLInputElement>('sh').value = String(p.strides?.[0] ?? 1);
  $<HTMLInputElement>('sw').value = String(p.strides?.[1] ?? 1);
  $<HTMLInputElement>('rh').value = String(p.rate?.[0] ?? 1);
  $<HTMLInputElement>('rw').value = String(p.rate?.[1] ?? 1);
  $<HTMLSelectElement>('padding').value = p.padding ?? 'SAME';
  $<HTMLInputElement>('abs').checked = p.display.abs;
  $<HTMLInputElement>('range-lo').value = String(p.display.range[0]);
  $<HTMLInputElement>('range-hi').value = String(p.display.range[1]);
  $('preset-note').textContent = p.note;
  controlsChanged();
  buildKernelEditor();
}

function kernelTargets(): Array<[string, string]> {
  const out: Array<[string, string]> = [['all', 'all channels']];
  const names = settings.channels === 1 ? ['luma'] : ['R', 'G', 'B', 'A'];
  for (let k = 0; k < settings.channels; k++) {
    for (let q = 0; q < settings.m; q++) out.push([`${k},${q}`, settings.m > 1 ? `${names[k]} · q=${q}` : names[k]]);
  }
  return out;
}

/** The (k, q) pairs the editor writes to. */
function editTargets(): Array<[number, number]> {
  const v = sel('kernel-target');
  if (v && v !== 'all') {
    const [k, q] = v.split(',').map(Number);
    return [[k, q]];
  }
  const all: Array<[number, number]> = [];
  for (let k = 0; k < 4; k++) for (let q = 0; q < 2; q++) all.push([k, q]);
  return all;
}

function buildKernelEditor(): void {
  const target = sel('kernel-target');
  fillSelect('kernel-target', kernelTargets());
  const t = $<HTMLSelectElement>('kernel-target');
  if ([...t.options].some((o) => o.value === target)) t.value = target;
  const [[k0, q0]] = editTargets();
  const kernel = settings.kernels[k0][q0];
  const grid = $('kernel-grid');
  grid.style.gridTemplateColumns = `repeat(${settings.fw}, 1fr)`;
  grid.replaceChildren(...kernel.map((v, i) => {
    const input = document.createElement('input');
    input.type = 'number';
    input.step = '0.1';
    input.value = String(Number(v.toPrecision(4)));
    input.title = `tap [${Math.floor(i / settings.fw)}, ${i % settings.fw}]`;
    input.addEventListener('input', () => {
      const x = Number(input.value);
      if (!Number.isFinite(x)) return;
      for (const [k, q] of editTargets()) settings.kernels[k][q][i] = x;
      $<HTMLSelectElement>('preset').value = 'custom';
      showKernelSum();
    });
    return input;
  }));
  showKernelSum();
}

function showKernelSum(): void {
  const [[k, q]] = editTargets();
  const s = settings.kernels[k][q].reduce((a, b) => a + b, 0);
  $('kernel-sum').textContent = `sum of weights: ${Number(s.toPrecision(4))}`;
}

function resize(fh: number, fw: number): void {
  settings.kernels = settings.kernels.map((row) => row.map((kk) => resizeKernel(kk, settings.fh, settings.fw, fh, fw)));
  settings.fh = fh;
  settings.fw = fw;
  $<HTMLSelectElement>('preset').value = 'custom';
  buildKernelEditor();
}

$('preset').addEventListener('change', () => {
  const p = PRESETS.find((x) => x.id === sel('preset'));
  if (p) applyPreset(p);
});
$('fh').addEventListener('change', () => resize(num('fh'), settings.fw));
$('fw').addEventListener('change', () => resize(settings.fh, num('fw')));
$('multiplier').addEventListener('change', () => {
  settings.m = num('multiplier');
  $<HTMLSelectElement>('preset').value = 'custom';
  buildKernelEditor();
});
$('kernel-target').addEventListener('change', buildKernelEditor);
$('normalize').addEventListener('click', () => {
  for (const [k, q] of editTargets()) {
    const s = settings.kernels[k][q].reduce((a, b) => a + b, 0);
    if (s !== 0) settings.kernels[k][q] = settings.kernels[k][q].map((v) => v / s);
  }
  $<HTMLSelectElement>('preset').value = 'custom';
  buildKernelEditor();
});
$('channels').addEventListener('change', () => {
  settings.channels = num('channels') as 1 | 3 | 4;
  buildKernelEditor();
});

function controlsChanged(): void {
  $('explicit-pads').hidden = sel('padding') !== 'explicit';
  const split = sel('view') === 'split';
  stage.classList.toggle('split', split);
  stage.classList.toggle('side', !split);
  $('split-label').hidden = !split;
  applySplit();
}
for (const id of ['padding', 'view']) $(id).addEventListener('change', controlsChanged);

function applySplit(): void {
  const first = outputsBox.querySelector('canvas');
  const split = sel('view') === 'split';
  outputsBox.querySelectorAll('canvas').forEach((c) => { (c as HTMLCanvasElement).style.clipPath = ''; });
  outputsBox.querySelector('.split-line')?.remove();
  if (split && first) {
    first.style.clipPath = `inset(0 0 0 ${num('split')}%)`;
    const line = document.createElement('div');
    line.className = 'split-line';
    line.style.left = `${first.offsetLeft + (first.offsetWidth * num('split')) / 100 - 1}px`;
    line.style.top = `${first.offsetTop}px`;
    line.style.height = `${first.offsetHeight}px`;
    first.parentElement?.append(line);
  }
}
$('split').addEventListener('input', applySplit);

// --- the call's arguments ---------------------------------------------------------------------

interface Call {
  strides: number[];
  padding: Padding;
  rate: number[];
  dataFormat: 'NHWC' | 'NCHW';
  text: string;
}

/** Reads the argument controls as they are: invalid values go to the library, which says what is wrong. */
function currentCall(): Call {
  const dataFormat = sel('format') as 'NHWC' | 'NCHW';
  const [sh, sw, rh, rw] = [num('sh'), num('sw'), num('rh'), num('rw')];
  const strides = dataFormat === 'NHWC' ? [1, sh, sw, 1] : [1, 1, sh, sw];
  let padding: Padding = sel('padding') as Padding;
  if (sel('padding') === 'explicit') {
    const tb = [num('pad-top'), num('pad-bottom')];
    const lr = [num('pad-left'), num('pad-right')];
    padding = dataFormat === 'NHWC' ? [[0, 0], tb, lr, [0, 0]] : [[0, 0], [0, 0], tb, lr];
  }
  const rate = [rh, rw];
  const text = `ctx.depthwiseConv2d(input, filter, [${strides.join(', ')}], ${JSON.stringify(padding).replace(/"/g, "'")}, [${rate.join(', ')}], null, '${dataFormat}')`;
  return { strides, padding, rate, dataFormat, text };
}

// --- timing ----------------------------------------------------------------------------------

interface TimerExt { TIME_ELAPSED_EXT: number; GPU_DISJOINT_EXT: number }
let timerExt: TimerExt | null = null;
const pendingQueries: WebGLQuery[] = [];
let gpuMs = NaN;
let cpuMs = NaN;

function beginGpuTimer(): WebGLQuery | null {
  if (!timerExt || pendingQueries.length > 4) return null;
  const q = ctx.gl.createQuery();
  if (!q) return null;
  ctx.gl.beginQuery(timerExt.TIME_ELAPSED_EXT, q);
  return q;
}
function endGpuTimer(q: WebGLQuery | null): void {
  if (!q || !timerExt) return;
  ctx.gl.endQuery(timerExt.TIME_ELAPSED_EXT);
  pendingQueries.push(q);
}
function pollGpuTimer(): void {
  const gl = ctx.gl;
  while (timerExt && pendingQueries.length) {
    const q = pendingQueries[0];
    if (!gl.getQueryParameter(q, gl.QUERY_RESULT_AVAILABLE)) break;
    const disjoint = gl.getParameter(timerExt.GPU_DISJOINT_EXT) as boolean;
    const ns = gl.getQueryParameter(q, gl.QUERY_RESULT) as number;
    if (!disjoint) gpuMs = Number.isNaN(gpuMs) ? ns / 1e6 : gpuMs * 0.8 + (ns / 1e6) * 0.2;
    gl.deleteQuery(q);
    pendingQueries.shift();
  }
}

let lastStats = 0;
function showStats(now: number): void {
  fpsMeter.tick(now);
  if (now - lastStats < 500) return;
  lastStats = now;
  $('gpu-ms').textContent = timerExt ? (Number.isNaN(gpuMs) ? '…' : `${gpuMs.toFixed(2)} ms`) : 'n/a (no EXT_disjoint_timer_query_webgl2)';
  $('cpu-ms').textContent = Number.isNaN(cpuMs) ? '–' : `${cpuMs.toFixed(1)} ms`;
}

// --- the frame loop ----------------------------------------------------------------------------

function outputCanvases(n: number): HTMLCanvasElement[] {
  const had = outputsBox.children.length;
  while (outputsBox.children.length < n) {
    const fig = document.createElement('figure');
    const c = document.createElement('canvas');
    c.className = 'output-canvas';
    fig.append(c, document.createElement('figcaption'));
    outputsBox.append(fig);
  }
  while (outputsBox.children.length > n) outputsBox.lastElementChild?.remove();
  if (had !== n) applySplit();
  return [...outputsBox.querySelectorAll('canvas')] as HTMLCanvasElement[];
}

function currentFilter(): { tensor: GLTensor; host: HostTensor } {
  const { channels: c, fh, fw, m } = settings;
  const data = filterData(settings.kernels, fh, fw, c, m);
  const key = `${fh}x${fw}x${c}x${m}:${Array.from(data).join(',')}`;
  if (filter?.key !== key) {
    filter?.tensor.dispose();
    filter = null;
    const shape = [fh, fw, c, m];
    filter = { key, tensor: ctx.tensor(data, shape), host: { data, shape } };
  }
  return filter;
}

function setError(message: string): void {
  if (message === lastError) return;
  lastError = message;
  errorBox.textContent = message;
  stage.classList.toggle('stale', !!message);
}

function frame(now: number): void {
  requestAnimationFrame(frame);
  if (mode !== 'filter') return;
  const el = sources.current?.frame(now);
  if (!el) return;
  const t0 = performance.now();
  const live: GLTensor[] = [];
  const c = settings.channels;
  const call = currentCall();
  $('call').textContent = call.text;
  const query = beginGpuTimer();
  try {
    const input = ctx.fromPixels(el, { channels: c, dataFormat: call.dataFormat });
    live.push(input);
    ctx.draw(input, inputCanvas, { channels: c === 1 ? 0 : [0, 1, 2] });
    frames++;
    $('frame-count').textContent = String(frames);
    document.body.dataset.frames = String(frames);
    let out: GLTensor | null = null;
    try {
      const f = currentFilter();
      out = ctx.depthwiseConv2d(input, f.tensor, call.strides, call.padding, call.rate, null, call.dataFormat);
      live.push(out);
      const m = settings.m;
      const canvases = outputCanvases(m);
      const range: [number, number] = [num('range-lo'), num('range-hi')];
      const abs = $<HTMLInputElement>('abs').checked;
      canvases.forEach((canvas, q) => {
        const channels = c === 1 ? q : [0, 1, 2].map((k) => k * m + q);
        ctx.draw(out as GLTensor, canvas, { channels, range, abs });
        const cap = canvas.parentElement?.querySelector('figcaption');
        const text = m > 1 ? `output q=${q} (channels ${Array.isArray(channels) ? channels.join(', ') : channels})` : 'output';
        if (cap && cap.textContent !== text) cap.textContent = text;
      });
      $('shape').textContent = `input [${input.shape.join(', ')}] ⊛ filter [${f.host.shape.join(', ')}] → output [${out.shape.join(', ')}] ${call.dataFormat}`;
      setError('');
      if (captureWanted.length) takeCapture(input, f.host, out, call, live);
    } catch (e) {
      $('shape').textContent = `input [${input.shape.join(', ')}] → output: none (invalid arguments)`;
      setError(e instanceof Error ? e.message : String(e));
      failCaptures(e);
    }
  } catch (e) {
    setError(`source: ${e instanceof Error ? e.message : String(e)}`);
    failCaptures(e);
  } finally {
    endGpuTimer(query);
    for (const t of live) t.dispose();
  }
  cpuMs = performance.now() - t0;
  pollGpuTimer();
  showStats(now);
}

// --- capture, inspector, verify --------------------------------------------------------------

/** Reads this frame's tensors back (asynchronously; the reads are queued before the tensors go). */
function takeCapture(input: GLTensor, f: HostTensor, out: GLTensor, call: Call, live: GLTensor[]): void {
  const waiting = captureWanted;
  captureWanted = [];
  const reads = Promise.all([input.read(), out.read()]);
  // Keep the tensors out of this frame's dispose until their reads are done.
  const kept = live.splice(0, live.length);
  const preset = sel('preset');
  reads.then(([inData, outData]) => {
    const cap: Capture = {
      input: { data: inData, shape: [...input.shape], dataFormat: input.dataFormat },
      filter: { data: new Float32Array(f.data), shape: [...f.shape] },
      output: { data: outData, shape: [...out.shape], dataFormat: out.dataFormat },
      strides: call.strides, padding: call.padding, rate: call.rate, dataFormat: call.dataFormat, preset,
    };
    lastCapture = cap;
    for (const w of waiting) w.resolve(cap);
  }).catch((e) => {
    setError(`capture: ${(e as Error).message}`);
    for (const w of waiting) w.reject(e as Error);
  }).finally(() => {
    for (const t of kept) t.dispose();
  });
}

function capture(): Promise<Capture> {
  return new Promise((resolve, reject) => captureWanted.push({ resolve, reject }));
}

/** A frame that could not run its convolution cannot be captured: say so instead of waiting. */
function failCaptures(e: unknown): void {
  const waiting = captureWanted;
  captureWanted = [];
  const err = new Error(`nothing to capture: ${e instanceof Error ? e.message : String(e)}`);
  for (const w of waiting) w.reject(err);
}

const inspector = mountInspector($('inspector'), { tileSize: 240 });
const diffInspector = mountInspector($('diff-inspector'), { tileSize: 240 });

function verify(cap: Capture): { maxAbs: number; maxRel: number; diff: HostTensor } {
  const ref = depthwiseConv2dReference(cap.input, cap.filter, cap.strides, cap.padding, cap.rate, cap.dataFormat);
  return compareToReference(cap.output.data, ref);
}

let inspecting = false;
async function inspect(): Promise<void> {
  if (inspecting) return;
  inspecting = true;
  try {
    let cap: Capture;
    try {
      cap = await capture();
    } catch (e) {
      $('verify-result').textContent = (e as Error).message;
      return;
    }
    const which = sel('inspect-which');
    if (which === 'filter') await inspector.show(cap.filter, { kind: 'filter', title: 'filter' });
    else {
      const t = which === 'input' ? cap.input : cap.output;
      await inspector.show(t, { title: which, dataFormat: t.dataFormat as 'NHWC' | 'NCHW' });
    }
    if ($<HTMLInputElement>('verify').checked) {
      const t0 = performance.now();
      const v = verify(cap);
      lastVerify = { maxAbs: v.maxAbs, maxRel: v.maxRel };
      const ms = performance.now() - t0;
      const text = `GPU vs CPU reference (${cap.output.shape.join('×')}, ${ms.toFixed(0)} ms on the CPU): max abs error ${v.maxAbs.toExponential(2)}, max rel error ${v.maxRel.toExponential(2)}`;
      $('verify-result').textContent = text;
      $('diff-inspector').classList.add('on');
      await diffInspector.show(v.diff, { title: '|GPU − reference|', note: `max abs ${v.maxAbs.toExponential(2)}, max rel ${v.maxRel.toExponential(2)}`, dataFormat: cap.dataFormat, colormap: 'viridis', sharedRange: true });
    } else {
      $('verify-result').textContent = '';
      $('diff-inspector').classList.remove('on');
      diffInspector.clear();
    }
  } finally {
    inspecting = false;
  }
}
$('capture').addEventListener('click', () => void inspect());
$('inspect-which').addEventListener('change', () => void inspect());
$('verify').addEventListener('change', () => void inspect());
setInterval(() => {
  if (mode === 'filter' && $<HTMLInputElement>('inspect-live').checked) void inspect();
}, 1000);

// --- modes -----------------------------------------------------------------------------------

type ModelModule = typeof import('./model.ts');
let modelModule: Promise<ModelModule> | null = null;

/** Filter mode runs the frame loop above; model mode (loaded on first use) runs its own. */
async function setMode(next: Mode): Promise<void> {
  $<HTMLSelectElement>('mode').value = next;
  if (next === mode) return;
  mode = next;
  document.body.dataset.mode = next;
  fpsMeter.reset();
  if (next === 'model') {
    modelModule ??= import('./model.ts');
    try {
      (await modelModule).startModelMode({ sources, fps: fpsMeter, showError: setError });
    } catch (e) {
      modelModule = null;
      setError(`model mode: ${e instanceof Error ? e.message : String(e)}`);
    }
  } else {
    setError('');
    if (modelModule) (await modelModule).stopModelMode();
  }
}
$('mode').addEventListener('change', () => void setMode(sel('mode') as Mode));

// --- start -----------------------------------------------------------------------------------

declare global {
  interface Window {
    playground?: {
      readonly frames: number;
      readonly error: string;
      readonly source: SourceKind | null;
      readonly mode: 'filter' | 'model';
      /** face-api's sample photos, as served (URLs). */
      readonly photos: readonly string[];
      setMode(mode: 'filter' | 'model'): Promise<void>;
      readonly lastCapture: Capture | null;
      readonly lastVerify: { maxAbs: number; maxRel: number } | null;
      capture(): Promise<Capture>;
      inspect(): Promise<void>;
      ctx: DepthwiseContext;
      /** The library's createContext, for tests and the console. */
      createContext: typeof createContext;
    };
  }
}

function start(): void {
  try {
    ctx = createContext({ canvas: document.createElement('canvas') });
  } catch (e) {
    info.textContent = 'This browser cannot run the playground: no WebGL2.';
    setError(e instanceof Error ? e.message : String(e));
    return;
  }
  timerExt = ctx.gl.getExtension('EXT_disjoint_timer_query_webgl2') as TimerExt | null;
  // Context loss: the library throws "is lost" from every call until the browser restores the
  // context (shown as the error, the loop keeps going); after the restore our cached filter
  // tensor and timer queries are gone, so make them again.
  const glCanvas = ctx.gl.canvas as HTMLCanvasElement;
  glCanvas.addEventListener('webglcontextrestored', () => {
    filter = null;
    pendingQueries.length = 0;
    timerExt = ctx.gl.getExtension('EXT_disjoint_timer_query_webgl2') as TimerExt | null;
    document.body.dataset.restored = String(Number(document.body.dataset.restored ?? 0) + 1);
  });
  const caps = ctx.capabilities;
  const pipeline = document.createElement('span');
  pipeline.className = 'filter-only';
  pipeline.textContent = ' · frames go video → texture (fromPixels) → depthwiseConv2d → canvas (draw), never through JavaScript.';
  const model = document.createElement('span');
  model.className = 'model-only';
  model.textContent = " · model mode: face-api's detectors in TensorFlow.js (WebGL backend), their depthwise_conv2d calls on depthwise-gl's kernels (registerTfjsKernels) or on TF.js's own.";
  info.replaceChildren(`WebGL2 on ${caps.renderer}${caps.software ? ' (software rendering: expect low fps)' : caps.software === null ? ' (renderer masked by the browser: may be software)' : ''} · ${caps.precision}`, pipeline, model);
  window.playground = {
    get frames() { return frames; },
    get error() { return lastError; },
    get source() { return sources.current?.kind ?? null; },
    get mode() { return mode; },
    photos: PHOTOS,
    setMode,
    get lastCapture() { return lastCapture; },
    get lastVerify() { return lastVerify; },
    capture,
    inspect,
    ctx,
    createContext,
  };
  applyPreset(PRESETS.find((p) => p.id === new URLSearchParams(location.search).get('preset')) ?? PRESETS.find((p) => p.id === 'sharpen') ?? PRESETS[0]);
  const params = new URLSearchParams(location.search);
  void sources.use(params.get('source') ?? 'camera');
  requestAnimationFrame(frame);
  document.body.dataset.mode = mode;
  if (params.get('mode') === 'model') void setMode('model');
}

start();
