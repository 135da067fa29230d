/**
 * TensorFlow.js's texture layouts, as far as depthwise-gl reads and writes them; the one place
 * that decides them on our side. `glsl/tfjs_layout.glsl` mirrors it; keep the two in step.
 *
 * An element is found by its flat index i in row-major order of a shape:
 * - unpacked: one value per texel (R), texel i + offset at (i % width, floor(i / width)),
 *   width = texShape[1] (a slice shares its source's texture at a flat offset);
 * - packed: the shape the data was written with (texData.shape; a reshape may leave it different
 *   from the tensor's own) seen as [B, R, C]; texel t = (b*ceil(R/2) + floor(r/2))*ceil(C/2) +
 *   floor(c/2) holds (r, c), (r, c+1), (r+1, c), (r+1, c+1) in x, y, z, w, at
 *   (t % width, floor(t / width)), width = ceil(texShape[1] / 2).
 */

/** Where a TF.js tensor's values live in its texture. */
export interface TfjsTextureLayout {
  readonly packed: boolean;
  /** Texture width and height in texels. */
  readonly width: number;
  readonly height: number;
  /** Packed: R and C of the written shape folded to [B, R, C]; unpacked: 1 and 1. */
  readonly rows: number;
  readonly cols: number;
  /** Unpacked slices: the flat offset into the shared texture. */
  readonly offset: number;
}

/** A shape folded to [B, R, C]: every leading dimension into B (rank 0 and 1 give R = 1). */
export function foldTo3D(shape: readonly number[]): [number, number, number] {
  if (shape.length === 0) return [1, 1, 1];
  if (shape.length === 1) return [1, 1, shape[0]];
  const r = shape[shape.length - 2];
  const c = shape[shape.length - 1];
  let b = 1;
  for (let i = 0; i < shape.length - 2; i++) b *= shape[i];
  return [b, r, c];
}

/** The layout of a texture TF.js made for `texShape` ([rows, columns] in its own units). */
export function tfjsTextureLayout(
  texShape: readonly [number, number] | readonly number[], packed: boolean, writtenShape: readonly number[], offset = 0,
): TfjsTextureLayout {
  if (!packed) return { packed, width: texShape[1], height: texShape[0], rows: 1, cols: 1, offset };
  const [, rows, cols] = foldTo3D(writtenShape);
  return { packed, width: Math.ceil(texShape[1] / 2), height: Math.ceil(texShape[0] / 2), rows, cols, offset: 0 };
}

/** A layout as the GLSL's tfElementAt takes it: (width, unpacked: offset, packed: R (0: unpacked), C). */
export function tfjsLayoutVector(layout: TfjsTextureLayout): Int32Array {
  return layout.packed ? Int32Array.of(layout.width, 0, layout.rows, layout.cols) : Int32Array.of(layout.width, layout.offset, 0, 1);
}

/** Texel (x, y) and component of flat element i (the reference for the GLSL's tfTexelOf). */
export function tfjsTexelOf(layout: TfjsTextureLayout, i: number): { x: number; y: number; component: number } {
  let t: number;
  let component = 0;
  if (layout.packed) {
    const plane = layout.rows * layout.cols;
    const b = Math.floor(i / plane);
    const rc = i - b * plane;
    const r = Math.floor(rc / layout.cols);
    const c = rc - r * layout.cols;
    t = (b * Math.ceil(layout.rows / 2) + (r >> 1)) * Math.ceil(layout.cols / 2) + (c >> 1);
    component = (r & 1) * 2 + (c & 1);
  } else {
    t = i + layout.offset;
  }
  return { x: t % layout.width, y: Math.floor(t / layout.width), component };
}

/**
 * Whether TF.js's packed texture of a tensor written as `writtenShape` (its texData.shape) holds
 * a 4-D NHWC tensor of logical `shape` exactly where a texture written as `shape` would: every
 * element in the same texel and component. Both are folded to [B, R, C] (the layout's own terms);
 * with the same C and element count, element (b, r, c) sits in texel row pair
 * b * ceil(R/2) + r/2 and component row r & 1. Where R is even, or B is 1, that is simply the
 * flat row index p = b*R + r halved, whatever R is: so two folds agree when their R are equal,
 * or when each is even or has B = 1. That covers TF.js's free reshapes (its isReshapeFree rule):
 * a pointwise conv's matmul output [1, H*W, C] read as [1, H, W, C] with W even, batch folded
 * into rows, [H, W, C] for [1, H, W, C]. The shaders that read a packed NHWC tensor in two
 * fetches a pixel pair (the direct shader, the FAST conversion paths) need exactly this.
 */
export function packedLayoutMatches(shape: readonly number[], writtenShape: readonly number[]): boolean {
  if (shape.length !== 4) return false;
  const [b, r, c] = foldTo3D(shape);
  const [b2, r2, c2] = foldTo3D(writtenShape);
  if (c !== c2 || b * r !== b2 * r2) return false;
  // Where R is even or B is 1, element (b, r) sits at row pair (b*R + r) / 2 (see above).
  return r === r2 || ((r % 2 === 0 || b === 1) && (r2 % 2 === 0 || b2 === 1));
}

/** NHWC logical shape of a 4-D tensor in `dataFormat` order. */
export function nhwcOf(shape: readonly number[], dataFormat: 'NHWC' | 'NCHW'): [number, number, number, number] {
  const [a, b, c, d] = shape;
  return dataFormat === 'NHWC' ? [a, b, c, d] : [a, c, d, b];
}
