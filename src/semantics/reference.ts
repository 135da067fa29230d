import { convGeometry } from './geometry';
import type { DataFormat, HostTensor, Padding } from './types';
import { checkDataFormat, checkHostTensor } from './validate';

const FN = 'depthwiseConv2dReference';

/**
 * TensorFlow's `tf.nn.depthwise_conv2d` in plain TypeScript, written to be read:
 *
 *   output[b, i, j, k*M + q] = sum over di, dj of filter[di, dj, k, q] *
 *       input[b, sh*i + rh*di - padTop, sw*j + rw*dj - padLeft, k]
 *
 * with taps in the padding reading zero. Accumulates in double precision; the oracle for the
 * GPU tests.
 */
export function depthwiseConv2dReference(
  input: HostTensor,
  filter: HostTensor,
  strides: number[],
  padding: Padding,
  rate?: number[] | null,
  dataFormat: DataFormat = 'NHWC',
): HostTensor {
  const fmt = checkDataFormat(FN, 'dataFormat', dataFormat ?? 'NHWC');
  const x = checkHostTensor(FN, 'input', input);
  const f = checkHostTensor(FN, 'filter', filter);
  const g = convGeometry(FN, x.shape, f.shape, strides, padding, rate, fmt);
  const { batch, inH, inW, inC, fh, fw, m, outH, outW, outC } = g;

  // Index helpers for the chosen layout.
  const inIndex = fmt === 'NHWC'
    ? (b: number, y: number, xx: number, k: number) => ((b * inH + y) * inW + xx) * inC + k
    : (b: number, y: number, xx: number, k: number) => ((b * inC + k) * inH + y) * inW + xx;
  const outIndex = fmt === 'NHWC'
    ? (b: number, y: number, xx: number, k: number) => ((b * outH + y) * outW + xx) * outC + k
    : (b: number, y: number, xx: number, k: number) => ((b * outC + k) * outH + y) * outW + xx;
  const filterAt = (di: number, dj: number, k: number, q: number) => f.data[((di * fw + dj) * inC + k) * m + q];

  const out = new Float32Array(batch * outH * outW * outC);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < outH; i++) {
      for (let j = 0; j < outW; j++) {
        for (let k = 0; k < inC; k++) {
          for (let q = 0; q < m; q++) {
            let sum = 0;
            for (let di = 0; di < fh; di++) {
              const y = g.sh * i + g.rh * di - g.padTop;
              if (y < 0 || y >= inH) continue;
              for (let dj = 0; dj < fw; dj++) {
                const xx = g.sw * j + g.rw * dj - g.padLeft;
                if (xx < 0 || xx >= inW) continue;
                sum += filterAt(di, dj, k, q) * x.data[inIndex(b, y, xx, k)];
              }
            }
            out[outIndex(b, i, j, k * m + q)] = sum;
          }
        }
      }
    }
  }
  return { data: out, shape: g.outShape };
}
