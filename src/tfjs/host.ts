import { Core } from '../core';
import type { Tensor } from '../tensor';
import type { Bridge } from './bridge';
import type { WebGLBackend } from './types';

/**
 * The core the TF.js kernels run on, on TF.js's own WebGL2 context. Only TfjsKernels.capture
 * reads its tensors, and it reads them through TF.js: the tensor exported into a TF.js texture
 * (the kernels' own export pass), then TF.js's `read`, which knows how its device reads floats
 * back. So this bundle carries none of the standalone context's reads (pixel-pack buffers and
 * fences, the RGBA8 encoding pass and its decoding).
 */
export class TfjsHost extends Core {
  /** TF.js's backend and our bridge to it: set by openBackend once the bridge is made. */
  tfjs: { backend: WebGLBackend; bridge: Bridge } | null = null;

  protected download(t: Tensor): Promise<Float32Array> {
    const { backend, bridge } = this.tfjs!;
    const info = bridge.exportTensor(backend, t, false);
    // Ours until read, not an output of the call in progress (which frees those if it falls back).
    bridge.outputs.splice(bridge.outputs.indexOf(info), 1);
    const free = () => backend.disposeData(info.dataId);
    // Read once the call is done (TF.js's read runs programs of its own), then freed.
    return Promise.resolve()
      .then(() => backend.read(info.dataId))
      .then((values) => {
        free();
        return values as Float32Array;
      }, (e: unknown) => {
        free();
        throw e;
      });
  }
}
