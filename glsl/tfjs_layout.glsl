// TensorFlow.js's texture layouts, mirroring src/tfjs/layout.ts (keep the two in step).
// An element is found by its flat index i in row-major order of the tensor's shape.
//
// Unpacked (TFJS_PACKED 0): one value per texel, in R, texel i (+ a slice's flat offset) at
// column i % width, row i / width.
// Packed (TFJS_PACKED 1): the shape the data was written with (TF.js's texData.shape) seen as
// [B, R, C] (every leading dimension folded into B); one RGBA texel holds a 2x2 block of (row,
// column) pairs (r, c), (r, c+1), (r+1, c), (r+1, c+1) of one b, in x, y, z, w; texel
//   t = (b * ceil(R/2) + r/2) * ceil(C/2) + c/2
// sits at column t % width, row t / width (width = ceil(texShape[1] / 2)).
#ifndef TFJS_PACKED
#define TFJS_PACKED 0
#endif

uniform int u_tfTexW;    // the TF.js texture's width in texels
uniform int u_tfOffset;  // flat offset of a slice sharing its texture (unpacked only)
uniform int u_tfRows;    // packed: R and C of the written shape
uniform int u_tfCols;

// Texel t of a texture w texels wide.
ivec2 tfCoordIn(int t, int w) {
  int y = t / w;
  return ivec2(t - y * w, y);
}

ivec2 tfCoord(int t) {
  return tfCoordIn(t, u_tfTexW);
}

// Packed: the texel index of flat element i of a [B, R, C] shape, and its component.
ivec2 tfPackedIndex(int i, int rows, int cols) {
  int plane = rows * cols;
  int b = i / plane;
  int rc = i - b * plane;
  int r = rc / cols;
  int c = rc - r * cols;
  return ivec2((b * ((rows + 1) / 2) + r / 2) * ((cols + 1) / 2) + c / 2, (r & 1) * 2 + (c & 1));
}

#if TFJS_PACKED
// The texel holding flat element i, and the element's component in it.
ivec3 tfTexelOf(int i) {
  ivec2 tc = tfPackedIndex(i, u_tfRows, u_tfCols);
  return ivec3(tfCoord(tc.x), tc.y);
}
#else
ivec3 tfTexelOf(int i) {
  return ivec3(tfCoord(i + u_tfOffset), 0);
}
#endif

float tfElement(highp sampler2D s, int i) {
  ivec3 tc = tfTexelOf(i);
  return texelFetch(s, tc.xy, 0)[tc.z];
}

// Element i of a second texture whose layout is given at run time (src/tfjs/layout.ts,
// tfjsLayoutVector): l = (width in texels, unpacked: flat offset, packed: R (0: unpacked), C).
float tfElementAt(highp sampler2D s, ivec4 l, int i) {
  ivec2 tc = l.z == 0 ? ivec2(i + l.y, 0) : tfPackedIndex(i, l.z, l.w);
  return texelFetch(s, tfCoordIn(tc.x, l.x), 0)[tc.y];
}
