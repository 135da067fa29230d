// One triangle that covers the whole viewport, made from gl_VertexID alone: no vertex buffer.
// Vertices (-1,-1), (3,-1), (-1,3); the viewport clips it to the render target.
void main() {
  vec2 corner = vec2(float((gl_VertexID & 1) << 2), float((gl_VertexID & 2) << 1));
  gl_Position = vec4(corner - 1.0, 0.0, 1.0);
}
