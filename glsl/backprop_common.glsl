// Texel-coordinate arithmetic for the gradient shaders. layout.glsl's texelCoord() divides by
// the texture width; these reach texel t + d or t - d from the coordinate of texel t, for a
// distance d known at compile time (its division by the width folds away): an add, a compare
// and a select, so the loops over taps and positions do no integer division per step.

// The coordinate of texel t, for any t (negative too: floor division keeps x in [0, width)), so
// that stepping from it stays exact even when the walk starts outside the tensor.
ivec2 bpCoord(int t, int width) {
  int y = t >= 0 ? t / width : -((width - 1 - t) / width);
  return ivec2(t - y * width, y);
}

// Texel t + d from the coordinate p of texel t, d >= 0.
ivec2 bpForward(ivec2 p, int d, int width) {
  int q = d / width;
  int x = p.x + (d - q * width);
  bool carry = x >= width;
  return ivec2(carry ? x - width : x, p.y + q + (carry ? 1 : 0));
}

// Texel t - d from the coordinate p of texel t, d >= 0.
ivec2 bpBack(ivec2 p, int d, int width) {
  int q = d / width;
  int x = p.x - (d - q * width);
  bool borrow = x < 0;
  return ivec2(borrow ? x + width : x, p.y - q - (borrow ? 1 : 0));
}
