/**
 * The tensor inspector: every channel of a tensor as a heatmap tile with its value range and a
 * colour bar; hover for the exact value at [b, h, w, c]; zoom. Mount it in any element and show
 * your own tensors (a GLTensor, read back once per show(), or a host { data, shape }).
 *
 *   import { mountInspector } from 'depthwise-gl';
 *   const inspector = mountInspector(document.getElementById('debug')!);
 *   await inspector.show(output, { title: 'layer 3 output' });
 *   await inspector.show(filter, { kind: 'filter' });            // [fh, fw, C, M]: a tile per k*M + q
 */
import type { GLTensor } from '../api';
import type { DataFormat, HostTensor } from '../semantics/types';
import { colour, colourRange, type ColormapName } from './colormap';

export type { ColormapName } from './colormap';

/** Options of `mountInspector`. */
export interface InspectorOptions {
  /** Pixels on the longer side of a tile at zoom 1 (default 160). */
  tileSize?: number;
  /** At most this many tiles (default 64); the rest are listed as left out. */
  maxTiles?: number;
}

/** Options of `TensorInspector.show`: title, note, kind (image or filter), data format, colour map, shared range, batch. */
export interface InspectOptions {
  title?: string;
  /** A line under the title, e.g. error statistics. */
  note?: string;
  /** 'image' (default): [N, H, W, C] (or NCHW), a tile per channel. 'filter': [fh, fw, C, M], a tile per k*M + q. */
  kind?: 'image' | 'filter';
  /** For host tensors (a GLTensor brings its own); default 'NHWC'. */
  dataFormat?: DataFormat;
  /** 'auto' (default): diverging when the data has both signs, else viridis. */
  colormap?: 'auto' | ColormapName;
  /** One value range for all tiles instead of one per tile. */
  sharedRange?: boolean;
  /** Batch entry to show first (default 0). */
  batch?: number;
}

/** A mounted tensor inspector (`mountInspector`): `show` tensors as per-channel heatmaps, `zoom`, `valueAt`, `unmount`. */
export interface TensorInspector {
  /** The inspector's root element (inside the container). */
  readonly element: HTMLElement;
  /** Shows a tensor, replacing what was shown. A GLTensor is read back with read(). */
  show(tensor: GLTensor | HostTensor, options?: InspectOptions): Promise<void>;
  /** Zoom factor on top of the fitted tile size (1 = fit). */
  zoom: number;
  /** The value at this index of the shown tensor, in its own shape order ([b, h, w, c] for NHWC, [di, dj, k, q] for a filter). */
  valueAt(i0: number, i1: number, i2: number, i3: number): number | undefined;
  /** Removes the shown tiles, keeping the inspector mounted. */
  clear(): void;
  /** Removes the inspector from the page. */
  unmount(): void;
}

interface Tile {
  label: string;
  h: number;
  w: number;
  get(y: number, x: number): number;
  coord(y: number, x: number): string;
}

const STYLE_ID = 'dgl-inspector-style';
const CSS = `
.dgl-inspector { font: 12px/1.35 system-ui, sans-serif; color: #222; }
.dgl-inspector .dgl-head { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: baseline; margin-bottom: .4rem; }
.dgl-inspector .dgl-title { font-weight: 600; }
.dgl-inspector .dgl-note { color: #444; }
.dgl-inspector .dgl-tools button { font: inherit; min-width: 2em; }
.dgl-inspector .dgl-readout { font-family: ui-monospace, monospace; min-height: 1.35em; color: #0b4a8b; }
.dgl-inspector .dgl-tiles { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-start; }
.dgl-inspector figure { margin: 0; padding: 4px; background: #fff; border: 1px solid #ccc; }
.dgl-inspector figure canvas.dgl-heat { display: block; image-rendering: pixelated; cursor: crosshair; }
.dgl-inspector figcaption { font-family: ui-monospace, monospace; font-size: 11px; margin-top: 2px; }
.dgl-inspector .dgl-bar { display: flex; align-items: center; gap: 4px; font-family: ui-monospace, monospace; font-size: 10px; }
.dgl-inspector .dgl-bar canvas { height: 8px; width: 24px; flex: 1 1 auto; border: 1px solid #999; }
.dgl-inspector .dgl-more { color: #666; }
`;

function injectStyle(doc: Document): void {
  if (doc.getElementById(STYLE_ID)) return;
  const style = doc.createElement('style');
  style.id = STYLE_ID;
  style.textContent = CSS;
  doc.head.append(style);
}

function isGLTensor(t: unknown): t is GLTensor {
  return typeof t === 'object' && t !== null && typeof (t as { read?: unknown }).read === 'function';
}

/** Compact number formatting for labels. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = doc.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Mounts an inspector at the end of `container`. */
export function mountInspector(container: HTMLElement, options: InspectorOptions = {}): TensorInspector {
  const doc = container.ownerDocument;
  injectStyle(doc);
  const tileSize = options.tileSize ?? 160;
  const maxTiles = options.maxTiles ?? 64;

  const root = el(doc, 'div', 'dgl-inspector');
  const head = el(doc, 'div', 'dgl-head');
  const title = el(doc, 'span', 'dgl-title', 'No tensor');
  const note = el(doc, 'span', 'dgl-note');
  const tools = el(doc, 'span', 'dgl-tools');
  const zoomOut = el(doc, 'button', undefined, '−');
  const zoomLabel = el(doc, 'span', undefined, ' 1× ');
  const zoomIn = el(doc, 'button', undefined, '+');
  const zoomFit = el(doc, 'button', undefined, 'fit');
  zoomOut.title = 'Zoom out';
  zoomIn.title = 'Zoom in (or Ctrl + wheel over a tile)';
  const batchSel = el(doc, 'select');
  batchSel.title = 'Batch entry';
  batchSel.hidden = true;
  tools.append('zoom ', zoomOut, zoomLabel, zoomIn, ' ', zoomFit, ' ', batchSel);
  head.append(title, note, tools);
  const readout = el(doc, 'div', 'dgl-readout');
  readout.textContent = '\u00a0';
  const tilesBox = el(doc, 'div', 'dgl-tiles');
  root.append(head, readout, tilesBox);
  container.append(root);

  let zoom = 1;
  let host: { data: Float32Array; shape: number[]; fmt: DataFormat; kind: 'image' | 'filter' } | null = null;
  let opts: InspectOptions = {};
  let batch = 0;
  let canvases: Array<{ canvas: HTMLCanvasElement; tile: Tile }> = [];
  let generation = 0;

  function tilesFor(): Tile[] {
    if (!host) return [];
    const { data, shape, fmt: f, kind } = host;
    const tiles: Tile[] = [];
    if (kind === 'filter') {
      const [fh, fw, c, m] = shape;
      for (let k = 0; k < c; k++) {
        for (let q = 0; q < m; q++) {
          tiles.push({
            label: m > 1 ? `k${k} q${q} → ch ${k * m + q}` : `ch ${k}`,
            h: fh, w: fw,
            get: (y, x) => data[((y * fw + x) * c + k) * m + q],
            coord: (y, x) => `[${y}, ${x}, ${k}, ${q}]`,
          });
        }
      }
      return tiles;
    }
    const [, hh, ww, cc] = f === 'NHWC' ? shape : [shape[0], shape[2], shape[3], shape[1]];
    const b = batch;
    for (let c = 0; c < cc; c++) {
      const get = f === 'NHWC'
        ? (y: number, x: number) => data[((b * hh + y) * ww + x) * cc + c]
        : (y: number, x: number) => data[((b * cc + c) * hh + y) * ww + x];
      tiles.push({
        label: `c ${c}`, h: hh, w: ww, get,
        coord: (y, x) => (f === 'NHWC' ? `[${b}, ${y}, ${x}, ${c}]` : `[${b}, ${c}, ${y}, ${x}]`),
      });
    }
    return tiles;
  }

  function rangeOf(tile: Tile): [number, number] {
    let min = Infinity;
    let max = -Infinity;
    for (let y = 0; y < tile.h; y++) {
      for (let x = 0; x < tile.w; x++) {
        const v = tile.get(y, x);
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    return [min, max];
  }

  function applyZoom(): void {
    zoomLabel.textContent = ` ${zoom >= 1 ? zoom : `1/${Math.round(1 / zoom)}`}× `;
    for (const { canvas, tile } of canvases) {
      const scale = (tileSize / Math.max(tile.h, tile.w)) * zoom;
      canvas.style.width = `${Math.max(1, Math.round(tile.w * scale))}px`;
      canvas.style.height = `${Math.max(1, Math.round(tile.h * scale))}px`;
    }
  }

  function render(): void {
    tilesBox.replaceChildren();
    canvases = [];
    const all = tilesFor();
    const tiles = all.slice(0, maxTiles);
    const ranges = tiles.map(rangeOf);
    const gMin = Math.min(...ranges.map((r) => r[0]));
    const gMax = Math.max(...ranges.map((r) => r[1]));
    const wanted = opts.colormap ?? 'auto';
    for (let i = 0; i < tiles.length; i++) {
      const tile = tiles[i];
      const [min, max] = opts.sharedRange ? [gMin, gMax] : ranges[i];
      const map: ColormapName = wanted === 'auto' ? (min < 0 && max > 0 ? 'diverging' : 'viridis') : wanted;
      const [lo, hi] = colourRange(map, min, max);
      const canvas = el(doc, 'canvas', 'dgl-heat');
      canvas.width = tile.w;
      canvas.height = tile.h;
      const g = canvas.getContext('2d');
      if (g) {
        const img = g.createImageData(tile.w, tile.h);
        for (let y = 0; y < tile.h; y++) {
          for (let x = 0; x < tile.w; x++) colour(map, (tile.get(y, x) - lo) / (hi - lo), img.data, (y * tile.w + x) * 4);
        }
        g.putImageData(img, 0, 0);
      }
      const fig = el(doc, 'figure');
      fig.dataset.tile = String(i);
      const cap = el(doc, 'figcaption', undefined, `${tile.label}  [${fmt(ranges[i][0])}, ${fmt(ranges[i][1])}]`);
      const bar = el(doc, 'div', 'dgl-bar');
      const barCanvas = el(doc, 'canvas');
      barCanvas.width = 64;
      barCanvas.height = 1;
      const bg = barCanvas.getContext('2d');
      if (bg) {
        const img = bg.createImageData(64, 1);
        for (let x = 0; x < 64; x++) colour(map, x / 63, img.data, x * 4);
        bg.putImageData(img, 0, 0);
      }
      bar.append(el(doc, 'span', undefined, fmt(lo)), barCanvas, el(doc, 'span', undefined, fmt(hi)));
      fig.append(canvas, cap, bar);
      tilesBox.append(fig);
      canvases.push({ canvas, tile });
      const at = (e: MouseEvent): [number, number] => {
        const r = canvas.getBoundingClientRect();
        const x = Math.min(tile.w - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * tile.w)));
        const y = Math.min(tile.h - 1, Math.max(0, Math.floor(((e.clientY - r.top) / r.height) * tile.h)));
        return [y, x];
      };
      canvas.addEventListener('mousemove', (e) => {
        const [y, x] = at(e);
        readout.textContent = `${tile.coord(y, x)} = ${tile.get(y, x)}`;
      });
      canvas.addEventListener('wheel', (e) => {
        if (!e.ctrlKey) return;
        e.preventDefault();
        setZoom(e.deltaY < 0 ? zoom * 2 : zoom / 2);
      }, { passive: false });
    }
    if (all.length > tiles.length) tilesBox.append(el(doc, 'span', 'dgl-more', `… ${all.length - tiles.length} more channels not shown`));
    applyZoom();
  }

  function setZoom(z: number): void {
    zoom = Math.min(64, Math.max(1 / 8, z));
    applyZoom();
  }

  zoomIn.addEventListener('click', () => setZoom(zoom * 2));
  zoomOut.addEventListener('click', () => setZoom(zoom / 2));
  zoomFit.addEventListener('click', () => setZoom(1));
  batchSel.addEventListener('change', () => {
    batch = Number(batchSel.value);
    render();
  });

  const inspector: TensorInspector = {
    element: root,
    get zoom() {
      return zoom;
    },
    set zoom(z: number) {
      setZoom(z);
    },
    async show(tensor, o = {}) {
      const my = ++generation;
      let data: Float32Array;
      let shape: number[];
      let f: DataFormat;
      if (isGLTensor(tensor)) {
        shape = [...tensor.shape];
        f = tensor.dataFormat;
        data = await tensor.read();
      } else {
        if (!tensor || !Array.isArray(tensor.shape) || tensor.shape.length !== 4) {
          throw new Error(`inspector.show: tensor must be a GLTensor or { data, shape } with a 4-D shape; got ${String(tensor)}`);
        }
        shape = [...tensor.shape];
        f = o.dataFormat ?? 'NHWC';
        data = tensor.data instanceof Float32Array ? tensor.data : Float32Array.from(tensor.data);
        const need = shape.reduce((a, b) => a * b, 1);
        if (data.length !== need) throw new Error(`inspector.show: data has ${data.length} values, shape [${shape}] needs ${need}`);
      }
      if (my !== generation) return;  // a later show() won
      const kind = o.kind ?? 'image';
      host = { data, shape, fmt: f, kind };
      opts = o;
      const n = kind === 'filter' ? 1 : shape[0];
      batch = Math.min(Math.max(0, o.batch ?? 0), n - 1);
      batchSel.replaceChildren(...Array.from({ length: n }, (_, i) => {
        const opt = el(doc, 'option', undefined, `batch ${i}`);
        opt.value = String(i);
        return opt;
      }));
      batchSel.value = String(batch);
      batchSel.hidden = n <= 1;
      title.textContent = `${o.title ?? 'tensor'}  [${shape.join(', ')}]${kind === 'filter' ? ' filter' : ` ${f}`}`;
      note.textContent = o.note ?? '';
      render();
    },
    valueAt(i0, i1, i2, i3) {
      if (!host) return undefined;
      const [a, b, c, d] = host.shape;
      if (![i0, i1, i2, i3].every(Number.isInteger) || i0 < 0 || i1 < 0 || i2 < 0 || i3 < 0 || i0 >= a || i1 >= b || i2 >= c || i3 >= d) return undefined;
      return host.data[((i0 * b + i1) * c + i2) * d + i3];
    },
    clear() {
      generation++;
      host = null;
      title.textContent = 'No tensor';
      note.textContent = '';
      readout.textContent = '\u00a0';
      batchSel.hidden = true;
      tilesBox.replaceChildren();
      canvases = [];
    },
    unmount() {
      inspector.clear();
      root.remove();
    },
  };
  return inspector;
}
