import { describe, expect, it } from 'vitest';
import { isSoftwareRenderer } from '../../src/gl/capabilities';

// Renderer strings as the three engines here report them, and as real GPUs do elsewhere.
describe('isSoftwareRenderer: true, false, or null where the string is masked', () => {
  it.each([
    ['ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)', true, true],
    ['llvmpipe, or similar', true, true], // Firefox's sanitised string
    ['llvmpipe (LLVM 15.0.6, 256 bits)', true, true],
    ['ANGLE (NVIDIA, NVIDIA GeForce GTX 1060 Direct3D11 vs_5_0 ps_5_0, D3D11)', true, false],
    ['Mali-G52', true, false],
    ['Apple GPU', true, null], // Safari and WebKitGTK: masked whatever renders
    ['WebKit WebGL', false, null], // the generic RENDERER string without the debug extension
    ['Adreno (TM) 640', false, null], // not from WEBGL_debug_renderer_info: we cannot trust it
    ['', true, null],
  ])('%s (unmasked: %s) -> %s', (renderer, unmasked, expected) => {
    expect(isSoftwareRenderer(renderer, unmasked)).toBe(expected);
  });
});
