// Model mode's layer debugger: the depthwise calls of one inference, captured only when asked
// (TfjsKernels.capture reads every call's tensors back, so the normal loop reads nothing). Pick a
// call to see its input, filter and output in the tensor inspector; Verify runs the CPU reference
// (depthwiseConv2dReference, then applyFusedReference for a fused epilogue) on the captured input
// and filter and shows |GPU − reference| with the max abs and rel error.
import { applyFusedReference, depthwiseConv2dReference, mountInspector } from '../src/index.ts';
import type { HostTensor, Padding, TensorInspector, TfjsCapturedCall } from '../src/index.ts';
import { $, compareToReference } from './shared.ts';

export interface LayerVerify {
  index: number;
  maxAbs: number;
  /** max |GPU − reference| / Σ|x·w| (+ |bias|): float32's rounding relative to what each output summed. */
  maxRel: number;
  /** max |GPU − reference| / |reference| over |reference| > 1e-3: large where the terms cancel. */
  maxElementRel: number;
  ms: number;
}

/** Padding as the list shows it: SAME/VALID, or explicit "t b l r" (spatial only). */
export function paddingText(p: Padding, dataFormat: 'NHWC' | 'NCHW'): string {
  if (typeof p === 'string') return p;
  const [h, w] = dataFormat === 'NHWC' ? [p[1], p[2]] : [p[2], p[3]];
  return `t${h[0]} b${h[1]} l${w[0]} r${w[1]}`;
}

function fusedText(f: TfjsCapturedCall['fused']): string {
  if (!f) return 'none';
  const parts: string[] = [f.activation];
  if (f.alpha !== undefined) parts[0] += `(${f.alpha})`;
  if (f.bias) parts.push('+ bias');
  return parts.join(' ');
}

const dims = (s: readonly number[]): string => s.join('×');

export class LayerDebugger {
  private calls: TfjsCapturedCall[] = [];
  private pickedIndex = -1;
  private wantedNow = false;
  private blockedWhy: string | null = null;
  private label = '';
  private readonly verified = new Map<number, LayerVerify>();
  private readonly inspectors: Record<'input' | 'filter' | 'output', TensorInspector>;
  private readonly diffInspector: TensorInspector;
  private readonly button = $<HTMLButtonElement>('capture-layers');
  private readonly note = $('capture-note');
  private readonly table = $<HTMLTableElement>('layer-list');
  private readonly result = $('layer-verify-result');
  /** The last Verify, for the page and the tests. */
  lastVerify: LayerVerify | null = null;

  constructor() {
    const box = $('layer-inspectors');
    const panel = (name: string) => {
      const d = document.createElement('div');
      d.className = 'layer-panel';
      d.dataset.tensor = name;
      box.append(d);
      return mountInspector(d, { tileSize: 96, maxTiles: 16 });
    };
    this.inspectors = { input: panel('input'), filter: panel('filter'), output: panel('output') };
    this.diffInspector = mountInspector($('layer-diff'), { tileSize: 96, maxTiles: 16 });
    this.button.addEventListener('click', () => this.ask());
    $('verify-layer').addEventListener('click', () => void this.verify(this.pickedIndex));
    $('verify-all').addEventListener('click', () => void this.verifyAll());
  }

  /** True while a capture of the next inference is wanted. */
  get wanted(): boolean {
    return this.wantedNow && !this.blockedWhy;
  }

  get captured(): readonly TfjsCapturedCall[] {
    return this.calls;
  }

  get picked(): number {
    return this.pickedIndex;
  }

  /** Why a capture cannot run now (e.g. the kernels are off), or null when it can. */
  setBlocked(why: string | null): void {
    if (why === this.blockedWhy) return;
    this.blockedWhy = why;
    this.button.disabled = !!why;
    this.button.title = why ?? '';
    if (why) this.note.textContent = why;
    else if (!this.wantedNow) this.note.textContent = this.calls.length ? this.summary() : 'Lists the depthwise calls of one inference and reads their tensors back (only then: reading back costs).';
  }

  ask(): void {
    if (this.blockedWhy) return;
    this.wantedNow = true;
    this.button.disabled = true;
    this.note.textContent = 'Capturing the next inference…';
  }

  /** The calls of the captured inference (model.ts calls this after capture()). */
  take(calls: TfjsCapturedCall[], label: string): void {
    this.wantedNow = false;
    this.button.disabled = !!this.blockedWhy;
    this.calls = calls;
    this.label = label;
    this.verified.clear();
    this.lastVerify = null;
    this.result.textContent = '';
    this.diffInspector.clear();
    $('layer-diff').classList.remove('on');
    this.note.textContent = this.summary();
    this.renderList();
    $('layer-actions').hidden = calls.length === 0;
    $('layer-inspectors').hidden = calls.length === 0;
    document.body.dataset.layerCalls = String(calls.length);
    void this.pick(calls.length ? Math.min(Math.max(this.pickedIndex, 0), calls.length - 1) : -1);
  }

  /** A capture that failed: say so, and be ready to try again. */
  failed(message: string): void {
    this.wantedNow = false;
    this.button.disabled = !!this.blockedWhy;
    this.note.textContent = `capture failed: ${message}`;
  }

  private summary(): string {
    const served = this.calls.filter((c) => c.served).length;
    return `${this.calls.length} depthwise call${this.calls.length === 1 ? '' : 's'} in one inference (${this.label}); ` +
      `${served} on depthwise-gl, ${this.calls.length - served} fell back. Pick a row.`;
  }

  private renderList(): void {
    const body = this.table.tBodies[0];
    body.replaceChildren(...this.calls.map((c) => {
      const tr = document.createElement('tr');
      tr.dataset.index = String(c.index);
      const cells = [
        String(c.index), c.kernel, dims(c.inputShape), dims(c.filterShape), c.served ? dims(c.outputShape) : '–',
        c.served ? `${c.strides.join(', ')}` : '–', c.served ? paddingText(c.padding, c.dataFormat) : '–',
        c.served ? c.rate.join(', ') : '–', c.served ? fusedText(c.fused) : `fell back: ${c.fallback}`, '–',
      ];
      for (const t of cells) {
        const td = document.createElement('td');
        td.textContent = t;
        tr.append(td);
      }
      tr.lastElementChild!.className = 'rel';
      if (c.served && typeof c.attrs.pad === 'string') (tr.children[6] as HTMLElement).title = `TF.js pad '${c.attrs.pad}'`;
      tr.addEventListener('click', () => void this.pick(c.index));
      return tr;
    }));
    this.table.hidden = this.calls.length === 0;
  }

  async pick(index: number): Promise<void> {
    this.pickedIndex = index;
    for (const tr of this.table.tBodies[0].rows) tr.classList.toggle('picked', Number(tr.dataset.index) === index);
    const c = this.calls[index];
    const picked = $('layer-picked');
    if (!c) {
      picked.textContent = '';
      for (const i of Object.values(this.inspectors)) i.clear();
      return;
    }
    if (!c.served || !c.input || !c.filter || !c.output) {
      picked.textContent = `call #${index} fell back to TF.js's kernel (${c.fallback ?? 'no tensors read'}): nothing to show`;
      for (const i of Object.values(this.inspectors)) i.clear();
      return;
    }
    picked.textContent = `call #${index}: ${c.kernel}, ${dims(c.inputShape)} ⊛ ${dims(c.filterShape)} → ${dims(c.outputShape)}`;
    const fmt = c.dataFormat;
    await this.inspectors.input.show(c.input, { title: `#${index} input`, dataFormat: fmt });
    await this.inspectors.filter.show(c.filter, { title: `#${index} filter`, note: `strides ${c.strides.join(', ')}, padding ${paddingText(c.padding, fmt)}, dilation ${c.rate.join(', ')}`, kind: 'filter' });
    await this.inspectors.output.show(c.output, { title: `#${index} output`, ...(c.fused ? { note: `after the fused ${fusedText(c.fused)}` } : {}), dataFormat: fmt });
    const v = this.verified.get(index);
    if (v) await this.verify(index);
    else {
      this.result.textContent = '';
      this.diffInspector.clear();
      $('layer-diff').classList.remove('on');
    }
  }

  /** The CPU reference for one captured call, compared with what the GPU gave. */
  private check(c: TfjsCapturedCall): { v: LayerVerify; diff: HostTensor } {
    const t0 = performance.now();
    let ref = depthwiseConv2dReference(c.input!, c.filter!, c.strides, c.padding, c.rate, c.dataFormat);
    if (c.fused) ref = applyFusedReference(ref, c.fused, c.dataFormat);
    // What each output summed: Σ|x·w| (the reference on |input| and |filter|), plus |bias|.
    const abs = (t: HostTensor): HostTensor => ({ data: t.data.map(Math.abs), shape: t.shape });
    const magnitude = depthwiseConv2dReference(abs(c.input!), abs(c.filter!), c.strides, c.padding, c.rate, c.dataFormat).data;
    const bias = c.fused?.bias;
    if (bias) {
      const outC = c.dataFormat === 'NHWC' ? c.outputShape[3] : c.outputShape[1];
      const inner = c.dataFormat === 'NHWC' ? 1 : c.outputShape[2] * c.outputShape[3];
      for (let i = 0; i < magnitude.length; i++) magnitude[i] += Math.abs(bias[Math.floor(i / inner) % outC]);
    }
    const cmp = compareToReference(c.output!.data, ref, magnitude);
    const v: LayerVerify = { index: c.index, maxAbs: cmp.maxAbs, maxRel: cmp.maxRel, maxElementRel: cmp.maxElementRel, ms: performance.now() - t0 };
    this.verified.set(c.index, v);
    const cell = this.table.tBodies[0].rows[c.index]?.querySelector('.rel');
    if (cell) cell.textContent = v.maxRel.toExponential(2);
    return { v, diff: cmp.diff };
  }

  async verify(index: number): Promise<void> {
    const c = this.calls[index];
    if (!c?.served || !c.input || !c.filter || !c.output) {
      this.result.textContent = c ? `call #${index} fell back: nothing to verify` : 'pick a call first';
      return;
    }
    const { v, diff } = this.check(c);
    this.lastVerify = v;
    const what = c.fused ? 'depthwiseConv2dReference + applyFusedReference' : 'depthwiseConv2dReference';
    this.result.textContent = `call #${index}: GPU vs CPU reference (${what}, ${dims(c.outputShape)}, ${v.ms.toFixed(0)} ms on the CPU): ` +
      `max abs error ${v.maxAbs.toExponential(2)}, max rel error ${v.maxRel.toExponential(2)} ` +
      `(|GPU − ref| / Σ|x·w| per output; element-wise |GPU − ref| / |ref| over |ref| > 1e-3: ${v.maxElementRel.toExponential(2)}, large where the terms cancel)`;
    $('layer-diff').classList.add('on');
    await this.diffInspector.show(diff, {
      title: `#${index} |GPU − reference|`, note: `max abs ${v.maxAbs.toExponential(2)}, max rel ${v.maxRel.toExponential(2)}`,
      dataFormat: c.dataFormat, colormap: 'viridis', sharedRange: true,
    });
  }

  async verifyAll(): Promise<void> {
    let worst: LayerVerify | null = null;
    for (const c of this.calls) {
      if (!c.served || !c.input || !c.filter || !c.output) continue;
      const { v } = this.check(c);
      if (!worst || v.maxRel > worst.maxRel) worst = v;
      await new Promise((r) => setTimeout(r, 0));  // keep the page responsive between layers
    }
    if (this.pickedIndex >= 0) await this.verify(this.pickedIndex);
    if (worst) this.result.textContent += ` · all ${this.verified.size} calls: worst max rel error ${worst.maxRel.toExponential(2)} (call #${worst.index})`;
  }
}
