// Model mode: face detection with @vladmandic/face-api (TinyFaceDetector, or SSD MobileNetV1) in
// the app's own TF.js, with depthwise-gl's kernels swapped in (registerTfjsKernels) or not
// (unregister). Weights and sample photos come from node_modules through Vite: no network.
// Loaded by main.ts on first use (TF.js is large); the layer debugger is debugger.ts.
import * as tf from '@tensorflow/tfjs';
// The no-bundle build imports the app's TF.js (see vite.config.ts), so both share one engine.
import * as faceapi from '@vladmandic/face-api/dist/face-api.esm-nobundle.js';
import tinyManifestUrl from '@vladmandic/face-api/model/tiny_face_detector_model-weights_manifest.json?url';
import tinyWeightsUrl from '@vladmandic/face-api/model/tiny_face_detector_model.bin?url';
import ssdManifestUrl from '@vladmandic/face-api/model/ssd_mobilenetv1_model-weights_manifest.json?url';
import ssdWeightsUrl from '@vladmandic/face-api/model/ssd_mobilenetv1_model.bin?url';
import { registerTfjsKernels } from '../src/index.ts';
import type { PixelSource, TfjsKernels, TfjsKernelStats, TfjsNamespace } from '../src/index.ts';
import { isSoftwareRenderer } from '../src/gl/capabilities.ts';
import { LayerDebugger, type LayerVerify } from './debugger.ts';
import { $, num, sel, type FpsMeter, type SourcePicker } from './shared.ts';

export interface ModelModeHost {
  sources: SourcePicker;
  fps: FpsMeter;
  /** The shared error line above the stage ('' clears it). */
  showError(message: string): void;
}

/** A face, in the frame's pixels. */
export interface Detection {
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
}

type NetId = 'tiny' | 'ssd';
const NETS: Record<NetId, { name: string; manifest: string; weights: string; net: () => faceapi.TinyFaceDetector | faceapi.SsdMobilenetv1 }> = {
  tiny: { name: 'TinyFaceDetector', manifest: tinyManifestUrl, weights: tinyWeightsUrl, net: () => faceapi.nets.tinyFaceDetector },
  ssd: { name: 'SSD MobileNetV1', manifest: ssdManifestUrl, weights: ssdWeightsUrl, net: () => faceapi.nets.ssdMobilenetv1 },
};

/** The median of the last `size` values. */
class RollingMedian {
  private readonly values: number[] = [];
  constructor(private readonly size = 15) {}
  push(v: number): void {
    this.values.push(v);
    if (this.values.length > this.size) this.values.shift();
  }
  get count(): number {
    return this.values.length;
  }
  get median(): number {
    if (!this.values.length) return NaN;
    const s = [...this.values].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  }
  clear(): void {
    this.values.length = 0;
  }
}

export function iou(a: Detection, b: Detection): number {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** Boxes of one still frame, kernels on against off: each box's best match in the other list. */
export function compareDetections(on: Detection[], off: Detection[]): { sameCount: boolean; minIoU: number; maxScoreDiff: number } {
  let minIoU = on.length === off.length ? 1 : 0;
  let maxScoreDiff = 0;
  for (const a of on) {
    let best: Detection | null = null;
    let bestIoU = -1;
    for (const b of off) {
      const v = iou(a, b);
      if (v > bestIoU) [best, bestIoU] = [b, v];
    }
    minIoU = Math.min(minIoU, Math.max(0, bestIoU));
    if (best) maxScoreDiff = Math.max(maxScoreDiff, Math.abs(a.score - best.score));
  }
  return { sameCount: on.length === off.length, minIoU, maxScoreDiff };
}

function frameSize(el: PixelSource): [number, number] {
  if (el instanceof HTMLVideoElement) return [el.videoWidth, el.videoHeight];
  if (el instanceof HTMLImageElement) return [el.naturalWidth, el.naturalHeight];
  const s = el as { width: number; height: number };
  return [s.width, s.height];
}

const nextFrame = () => new Promise<number>((r) => requestAnimationFrame(r));
const fmtMs = (v: number) => (Number.isNaN(v) ? '–' : `${v.toFixed(1)} ms`);

// --- state -----------------------------------------------------------------------------------

let host: ModelModeHost | null = null;
let generation = 0;
let setup: Promise<void> | null = null;
const loaded = new Map<NetId, Promise<void>>();
let kernels: TfjsKernels | null = null;
/** stats() of the registration before the current one (kept when the kernels go off). */
let lastRegistrationStats: TfjsKernelStats | null = null;
let inferences = 0;
let lastMs = NaN;
const timing = { on: new RollingMedian(), off: new RollingMedian() };
const first = { on: NaN, off: NaN };
/** Set when the kernels or the model changed: the next inference is timed apart (compiles, uploads). */
let switched = true;
let configKey = '';
let detections: Detection[] = [];
/** The last detections per kernel state for one still frame, to show that on/off agree. */
let still: { key: string; on: Detection[] | null; off: Detection[] | null } = { key: '', on: null, off: null };
let callsPerInference = 0;
/** Inferences since the kernels last switched (A/B mode switches every AB_BLOCK). */
let sinceSwitch = 0;
const AB_BLOCK = 5;
/** Every inference's time, for the console and the tests: timed = in the medians. */
const history: Array<{ net: NetId; ms: number; on: boolean; timed: boolean; captured: boolean }> = [];
let renderer = '';
/** true, false, or null where the browser masks the renderer (Safari, WebKit: "Apple GPU"). */
let software: boolean | null = false;
let sharedTf = false;
let dbg: LayerDebugger | null = null;
const snap = document.createElement('canvas');
const snapCtx = snap.getContext('2d', { willReadFrequently: true })!;

function status(text: string): void {
  $('model-status').textContent = text;
}

/** TF.js on WebGL, once: the backend, the renderer it runs on, whether face-api shares it. */
async function setUp(): Promise<void> {
  status('Starting TF.js (WebGL backend)…');
  await tf.setBackend('webgl');
  await tf.ready();
  if (tf.getBackend() !== 'webgl') throw new Error(`TF.js could not start its WebGL backend (it runs on ${tf.getBackend()})`);
  sharedTf = (faceapi.tf as unknown as { engine(): unknown }).engine() === tf.engine();
  if (!sharedTf) throw new Error('face-api runs on a different TF.js instance than the playground: the kernels would not reach it (check the Vite aliases)');
  const gl = (tf.backend() as unknown as { gpgpu: { gl: WebGL2RenderingContext } }).gpgpu.gl;
  const dbgInfo = gl.getExtension('WEBGL_debug_renderer_info');
  renderer = String(gl.getParameter(dbgInfo ? dbgInfo.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  software = isSoftwareRenderer(renderer, !!dbgInfo);
  const warning = $('model-warning');
  warning.hidden = software === false;
  warning.textContent = software
    ? `⚠ TF.js's WebGL runs on a software renderer (${renderer}): these timings are the CPU's, not a GPU's, and the on/off ratio says little about a real GPU.`
    : software === null
      ? `⚠ The browser masks its renderer ("${renderer}"): it may be a software renderer, whose timings are the CPU's, not a GPU's.`
      : '';
  dbg = new LayerDebugger();
}

/** A detector's weights, from node_modules (served by Vite), decoded once. */
function loadNet(id: NetId): Promise<void> {
  let p = loaded.get(id);
  if (!p) {
    p = (async () => {
      const spec = NETS[id];
      const [manifest, weights] = await Promise.all([
        fetch(spec.manifest).then((r) => { if (!r.ok) throw new Error(`${spec.manifest}: HTTP ${r.status}`); return r.json() as Promise<tf.io.WeightsManifestConfig>; }),
        fetch(spec.weights).then((r) => { if (!r.ok) throw new Error(`${spec.weights}: HTTP ${r.status}`); return r.arrayBuffer(); }),
      ]);
      const map = tf.io.decodeWeights(weights, manifest.flatMap((g) => g.weights));
      // face-api's types carry their own copy of TF.js's: the same tensors, another declaration.
      spec.net().loadFromWeightMap(map as unknown as Parameters<faceapi.TinyFaceDetector['loadFromWeightMap']>[0]);
    })();
    loaded.set(id, p);
    p.catch(() => loaded.delete(id));
  }
  return p;
}

/** The number of depthwise layers in a loaded detector, counted from its parameters. */
function depthwiseLayers(id: NetId): number {
  type Layer = { depthwise_filter?: unknown; depthwise_conv?: { filters?: unknown } } | null | undefined;
  const params = NETS[id].net().params as unknown as Record<string, Layer> & { mobilenetv1?: Record<string, Layer> } | undefined;
  if (!params) return 0;
  if (id === 'tiny') return Object.values(params).filter((l) => l?.depthwise_filter instanceof tf.Tensor).length;
  return Object.values(params.mobilenetv1 ?? {}).filter((l) => l?.depthwise_conv?.filters instanceof tf.Tensor).length;
}

function currentNet(): NetId {
  return sel('model-net') === 'ssd' ? 'ssd' : 'tiny';
}

async function detect(id: NetId, input: HTMLCanvasElement): Promise<Detection[]> {
  const threshold = num('model-threshold');
  const options = id === 'tiny'
    ? new faceapi.TinyFaceDetectorOptions({ inputSize: num('model-size'), scoreThreshold: threshold })
    : new faceapi.SsdMobilenetv1Options({ minConfidence: threshold, maxResults: 50 });
  const found = await faceapi.detectAllFaces(input, options);
  return found.map((d) => ({ x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height, score: d.score }));
}

/** Registers or unregisters between inferences, as the checkbox says. */
function applyKernelSwitch(): void {
  const want = $<HTMLInputElement>('kernels-on').checked;
  if (want && !kernels) {
    kernels = registerTfjsKernels(tf as unknown as TfjsNamespace);
    switched = true;
    sinceSwitch = 0;
  } else if (!want && kernels) {
    lastRegistrationStats = kernels.stats();
    kernels.unregister();
    kernels = null;
    switched = true;
    sinceSwitch = 0;
  }
  dbg?.setBlocked(kernels ? null : 'Turn the kernels on to capture: the debugger lists depthwise-gl\'s calls (capture() of registerTfjsKernels).');
}

function draw(view: HTMLCanvasElement, dets: Detection[]): void {
  if (view.width !== snap.width || view.height !== snap.height) {
    view.width = snap.width;
    view.height = snap.height;
  }
  const g = view.getContext('2d')!;
  g.drawImage(snap, 0, 0);
  const lw = Math.max(2, Math.round(snap.width / 240));
  g.lineWidth = lw;
  g.font = `bold ${Math.max(12, Math.round(snap.width / 36))}px system-ui, sans-serif`;
  g.textBaseline = 'bottom';
  for (const d of dets) {
    g.strokeStyle = '#00e5ff';
    g.strokeRect(d.x, d.y, d.width, d.height);
    const label = d.score.toFixed(3);
    const tw = g.measureText(label).width + 8;
    const th = parseInt(g.font.split(' ')[1], 10) + 4;
    const ty = d.y > th ? d.y : d.y + d.height + th;
    g.fillStyle = '#00e5ff';
    g.fillRect(d.x - lw / 2, ty - th, tw, th);
    g.fillStyle = '#002b33';
    g.fillText(label, d.x + 4, ty - 2);
  }
}

function showTimings(): void {
  for (const k of ['on', 'off'] as const) {
    const row = $(`timing-${k}`);
    row.querySelector('.median')!.textContent = fmtMs(timing[k].median);
    row.querySelector('.count')!.textContent = String(timing[k].count);
    row.querySelector('.first')!.textContent = fmtMs(first[k]);
    row.classList.toggle('active', (k === 'on') === !!kernels);
  }
  const on = timing.on.median;
  const off = timing.off.median;
  $('model-ratio').textContent = Number.isNaN(on) || Number.isNaN(off)
    ? 'on / off: – (time both: switch the kernels and let a few inferences run)'
    : `on / off: ${(on / off).toFixed(2)}× (${on < off ? `${((1 - on / off) * 100).toFixed(0)} % less time` : `${((on / off - 1) * 100).toFixed(0)} % more time`} per inference with depthwise-gl's kernels)`;
  const s = kernels?.stats();
  const m = kernels?.memory();
  // Delegated calls are tuning's timed trials of TF.js's kernel and the calls of shapes it won.
  const kept = kernels ? Object.values(kernels.tuneTable().entries).flatMap((e) => Object.values(e)) : [];
  const won = kept.filter((c) => c === 'tfjs').length;
  $('model-stats').textContent = s
    ? `stats(): calls ${s.calls}, delegated ${s.delegated} (to TF.js's kernel by tuning: its timed trials, and the shapes it won here, ${won} of ${kept.length} decided), fallbacks ${s.fallbacks}${s.lastFallback ? ` (last: ${s.lastFallback})` : ''} · ` +
      `${callsPerInference} depthwise calls per inference · ` +
      Object.entries(s.byKernel).filter(([, v]) => v.calls || v.fallbacks || v.delegated).map(([k, v]) => `${k} ${v.calls}/${v.delegated}/${v.fallbacks}`).join(', ') +
      (m ? ` · memory(): ${m.textures} textures, ${(m.bytes / 2 ** 20).toFixed(1)} MiB (${m.pooled.textures} pooled)` : '')
    : `kernels off: TF.js's own depthwise kernels run.${lastRegistrationStats ? ` The last registration served ${lastRegistrationStats.calls} calls, ${lastRegistrationStats.fallbacks} fallbacks.` : ''}`;
}

function showComparison(): void {
  const box = $('model-compare');
  if (!still.on || !still.off) {
    box.textContent = still.key ? 'On a still frame, switch the kernels to compare the boxes on and off.' : '';
    return;
  }
  const c = compareDetections(still.on, still.off);
  box.textContent = `same still frame, kernels on vs off: ${still.on.length} vs ${still.off.length} faces, ` +
    `min IoU ${c.minIoU.toFixed(6)}, max |Δscore| ${c.maxScoreDiff.toExponential(1)}${c.sameCount && c.minIoU >= 0.99 ? ' (the same boxes)' : ' (DIFFERENT)'}`;
}

async function loop(my: number): Promise<void> {
  const view = $<HTMLCanvasElement>('model-canvas');
  while (my === generation && host) {
    // A pause for the page between inferences: TF.js blocks the main thread while it waits for
    // the GPU (face-api's SSD reads its scores synchronously), so clicks land here.
    await new Promise((r) => setTimeout(r, 40));
    const now = await nextFrame();
    if (my !== generation || !host) return;
    const src = host.sources.current;
    const el = src?.frame(now);
    if (!src || !el) continue;
    try {
      applyKernelSwitch();
      const id = currentNet();
      const key = `${id}|${num('model-size')}|${num('model-threshold')}`;
      if (key !== configKey) {
        if (!loaded.has(id)) status(`Loading ${NETS[id].name} weights from node_modules…`);
        await loadNet(id);
        if (my !== generation) return;
        configKey = key;
        timing.on.clear();
        timing.off.clear();
        first.on = first.off = NaN;
        switched = true;
        still = { key: '', on: null, off: null };
      }
      const [w, h] = frameSize(el);
      if (!w || !h) continue;
      if (snap.width !== w || snap.height !== h) {
        snap.width = w;
        snap.height = h;
      }
      snapCtx.drawImage(el as CanvasImageSource, 0, 0, w, h);
      const on = !!kernels;
      const capturing = !!(dbg?.wanted && kernels);
      const handled = (st: TfjsKernelStats) => st.calls + st.delegated;
      const before = kernels ? handled(kernels.stats()) : 0;
      const t0 = performance.now();
      let dets: Detection[];
      if (capturing) {
        try {
          const r = await kernels!.capture(() => detect(id, snap));
          dets = r.result;
          dbg!.take(r.calls, `${NETS[id].name}${id === 'tiny' ? ` ${num('model-size')}` : ''}, ${src.label}`);
        } catch (e) {
          dbg!.failed(e instanceof Error ? e.message : String(e));
          throw e;
        }
      } else {
        dets = await detect(id, snap);
      }
      const ms = performance.now() - t0;
      if (kernels && !capturing) callsPerInference = handled(kernels.stats()) - before;
      // Timed: not the first inference after a switch (shader compiles, weight uploads), not a capture (reads back).
      const timed = !switched && !capturing;
      if (switched) first[on ? 'on' : 'off'] = ms;
      else if (timed) timing[on ? 'on' : 'off'].push(ms);
      history.push({ net: id, ms, on, timed, captured: capturing });
      if (history.length > 1000) history.shift();
      switched = false;
      if (++sinceSwitch >= AB_BLOCK && $<HTMLInputElement>('kernels-ab').checked && !dbg?.wanted) {
        const box = $<HTMLInputElement>('kernels-on');
        box.checked = !box.checked;  // applied before the next inference
      }
      lastMs = ms;
      inferences++;
      detections = dets;
      if (src.still) {
        const k = `${src.id}|${w}x${h}|${configKey}`;
        if (still.key !== k) still = { key: k, on: null, off: null };
        still[on ? 'on' : 'off'] = dets;
      } else still = { key: '', on: null, off: null };
      draw(view, dets);
      $('model-caption').textContent = `${NETS[id].name}${id === 'tiny' ? ` (input ${num('model-size')})` : ''} on ${src.label}: ` +
        `${dets.length} face${dets.length === 1 ? '' : 's'}${dets.length ? ` (scores ${dets.map((d) => d.score.toFixed(3)).join(', ')})` : ''}`;
      $('model-ms').textContent = fmtMs(ms);
      $('model-count').textContent = String(inferences);
      document.body.dataset.inferences = String(inferences);
      host.fps.tick(performance.now());
      status(`${NETS[id].name} in TF.js ${tf.version.tfjs} (WebGL on ${renderer}) · depthwise kernels: ${on ? 'depthwise-gl' : "TF.js's own"} · ` +
        `tf.memory(): ${tf.memory().numTensors} tensors`);
      showTimings();
      showComparison();
      host.showError('');
    } catch (e) {
      host.showError(`model mode: ${e instanceof Error ? e.message : String(e)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

// --- the mode --------------------------------------------------------------------------------

export function startModelMode(h: ModelModeHost): void {
  host = h;
  const my = ++generation;
  setup ??= setUp();
  setup.then(() => {
    if (my === generation) void loop(my);
  }, (e) => {
    setup = null;
    h.showError(`model mode: ${e instanceof Error ? e.message : String(e)}`);
    status('Model mode could not start.');
  });
}

export function stopModelMode(): void {
  generation++;
  host = null;
}

for (const id of ['model-net', 'model-size', 'model-threshold']) {
  $(id).addEventListener('change', () => {
    $('model-size-label').hidden = currentNet() !== 'tiny';
  });
}
$('kernels-on').addEventListener('change', () => {
  // Applied between inferences (applyKernelSwitch); show the intent now.
  status(`Switching depthwise kernels ${$<HTMLInputElement>('kernels-on').checked ? 'on' : 'off'} after this inference…`);
});

export interface ModelState {
  readonly ready: boolean;
  readonly inferences: number;
  readonly kernelsOn: boolean;
  readonly net: NetId;
  readonly detections: Detection[];
  readonly lastMs: number;
  readonly timings: { on: { median: number; count: number; first: number }; off: { median: number; count: number; first: number } };
  readonly stats: TfjsKernelStats | null;
  readonly callsPerInference: number;
  readonly depthwiseLayers: number;
  readonly sharedTf: boolean;
  readonly renderer: string;
  readonly software: boolean | null;
  readonly layerCalls: number;
  readonly pickedCall: number;
  readonly lastVerify: LayerVerify | null;
  readonly tensors: number;
  readonly history: ReadonlyArray<{ net: NetId; ms: number; on: boolean; timed: boolean; captured: boolean }>;
}

declare global {
  interface Window {
    playgroundModel?: ModelState;
  }
}

window.playgroundModel = {
  get ready() { return loaded.has(currentNet()) && configKey !== '' && inferences > 0; },
  get inferences() { return inferences; },
  get kernelsOn() { return !!kernels; },
  get net() { return currentNet(); },
  get detections() { return detections.map((d) => ({ ...d })); },
  get lastMs() { return lastMs; },
  get timings() {
    const t = (k: 'on' | 'off') => ({ median: timing[k].median, count: timing[k].count, first: first[k] });
    return { on: t('on'), off: t('off') };
  },
  get stats() { return kernels?.stats() ?? null; },
  get callsPerInference() { return callsPerInference; },
  get depthwiseLayers() { return loaded.has(currentNet()) ? depthwiseLayers(currentNet()) : 0; },
  get sharedTf() { return sharedTf; },
  get renderer() { return renderer; },
  get software() { return software; },
  get layerCalls() { return dbg?.captured.length ?? 0; },
  get pickedCall() { return dbg?.picked ?? -1; },
  get lastVerify() { return dbg?.lastVerify ?? null; },
  get tensors() { return tf.memory().numTensors; },
  get history() { return history.map((h) => ({ ...h })); },
};
