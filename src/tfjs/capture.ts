import type { FusedEpilogue, HostTensor } from '../api';
import type { Tensor } from '../tensor';
import type { TfjsCapturedCall } from './api';
import { channelValues, dataFormatOf, type ConvArgs } from './attrs';
import { isForward, type ForwardKernel } from './forward';
import type { KernelConfig } from './types';

/**
 * One TfjsKernels.capture(): the forward calls made while it runs, in order, and the reads of
 * their tensors (awaited before capture() resolves). Reading back costs: only while capturing.
 */
export class CaptureSession {
  readonly calls: TfjsCapturedCall[] = [];
  readonly reads: Promise<void>[] = [];

  /**
   * A call TF.js's kernel ran: a fallback (with its reason) or delegated by tuning (reason null).
   * Forward calls only: a capture lists no gradient.
   */
  unserved(kernel: string, args: Parameters<KernelConfig['kernelFunc']>[0], reason: string | null): void {
    if (!isForward(kernel)) return;
    const attrs = { ...(args.attrs ?? {}) };
    this.calls.push({
      index: this.calls.length, kernel, served: false, fallback: reason, ...(reason === null ? { delegated: true } : {}),
      dataFormat: dataFormatOf(attrs.dataFormat) ?? 'NHWC',
      inputShape: [...(args.inputs.x?.shape ?? [])], filterShape: [...(args.inputs.filter?.shape ?? [])], outputShape: [],
      strides: [], padding: 'VALID', rate: [1, 1], attrs, fused: null,
    });
  }

  /** A call our shaders ran, with its input, filter and output (ours, in dataFormat order) to read back. */
  served(
    kernel: ForwardKernel, attrs: Record<string, unknown>, conv: ConvArgs,
    fused: FusedEpilogue | null, x: Tensor, f: Tensor, out: Tensor,
  ): void {
    const call: TfjsCapturedCall = {
      index: this.calls.length, kernel, served: true, fallback: null, dataFormat: conv.dataFormat,
      inputShape: [...x.shape], filterShape: [...f.shape], outputShape: [...out.shape],
      // Copies: conv is kept per layer shape (ShapePlan), and the app may change what it is given.
      strides: [...conv.strides], padding: typeof conv.padding === 'string' ? conv.padding : conv.padding.map((p) => [...p]) as typeof conv.padding,
      rate: [...conv.rate], attrs: { ...attrs },
      // The epilogue in applyFusedReference's terms; its vectors are filled in when read.
      fused: fused && { activation: fused.activation ?? 'linear', ...(fused.alpha !== undefined ? { alpha: fused.alpha } : {}) },
    };
    this.calls.push(call);
    const host = (t: Tensor, set: (h: HostTensor) => void) =>
      this.reads.push(t.read().then((data) => set({ data, shape: [...t.shape] })));
    host(x, (h) => { call.input = h; });
    host(f, (h) => { call.filter = h; });
    host(out, (h) => { call.output = h; });
    if (fused && call.fused) {
      const record = call.fused;
      // One value per output channel, as applyFusedReference takes them: a vector held as one
      // value (a direct call's, read as TF.js holds it) is spread to every channel.
      const channels = call.outputShape[conv.dataFormat === 'NHWC' ? 3 : 1];
      for (const [k, v] of [['bias', fused.bias], ['preluWeights', fused.preluWeights]] as const) {
        // (The callers give tensors only.)
        if (v) host(v as unknown as Tensor, (h) => { record[k] = channelValues(h.data, channels); });
      }
    }
  }
}
