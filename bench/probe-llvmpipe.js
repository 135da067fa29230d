// Probe for issue 15 on llvmpipe (bench/probe-llvmpipe.mjs runs it; in bench/tfjs.html, bench/page.mjs).
// Per MobileNetV2 layer (plain depthwiseConv2d, 3x3, 'same'), in one page:
//   stock    TF.js's own kernel;
//   ours     registerTfjsKernels(tf, { tune: false }) (the direct path, the shape's own program);
//   h:NAME   glsl/depthwise_tfjs.frag run by this page's own minimal copy of src/tfjs/direct.ts's
//            pass (same input texture, same repacked filter, output texture from TF.js's texture
//            manager, wrapped as a TF.js tensor), with the variant's defines or patches of the
//            shader's text (VARIANTS below): today's shader ('h:cur'), candidate variants and
//            ceilings (parts of the shader dropped: wrong results, to see what a part costs).
// Two loops, each a sample of K calls and one dataSync of the last output, ms a call:
//   dispose  each output disposed right after the next call (bench/tfjs.js, a model's intermediates);
//   keep     every output kept alive until the read (textures not recycled within the sample);
//   issue    the dispose loop's calls alone: the JavaScript time of a call (the read not timed).
// Modes alternate within a repeat (the order rotates every repeat); medians over the repeats.
// Every harness variant's output is compared bit for bit with ours (ceilings apart), and with stock.
import * as tf from '@tensorflow/tfjs/dist/index.js';
import { makeSwitch } from '/bench/tfjs.js';
import { randomData } from '/test/rng.js';
import { MOBILENET_V2, median } from '/bench/bench.js';

const now = () => performance.now();
const round = (x, d = 3) => (Number.isFinite(x) ? Number(x.toFixed(d)) : x);
const yieldToPage = () => new Promise((r) => setTimeout(r, 0));

/**
 * Harness variants: defines added to the shape's own program (SIZES 0) or its kind's (SIZES 1),
 * and for the ceilings a patch of the shader's text ([from, to] pairs). `split` (none now; an
 * interior/border split measured slower, bench/RESULTS.md): two draws with the scissor test, the
 * output rows whose every tap row is inside the input with the `split` defines.
 */
export const VARIANTS = {
  cur: { defines: {} },
  kind: { defines: { SIZES: 1 } },
  // The weights from a uniform block (the same values in the same order: exact), not a texture.
  ubo: { defines: {}, ubo: true, patch: [['uniform highp sampler2D u_filter;', 'layout(std140) uniform Weights { vec4 u_weights[NWT * IN_C2]; };'], ['#define WFETCH(P) wt[P] = READ_WT(P);', '#define WFETCH(P) wt[P] = u_weights[(P) * IN_C2 + cp];']] },
  // texelFetch instead of texture() sampling (what the shader did before: SAMPLED 0, exact).
  fetch: { defines: { SAMPLED: 0 } },
  // Sampled input without the coordinate clamp (texture() clamps to the edge itself; taps in the
  // padding are dropped by the select whatever they read: exact).
  noclamp: { defines: {}, patch: ['#define FETCH(Q) xs[Q] = READ_IN(inClamp(COLSTEP(rowP, Q)));', '#define FETCH(Q) xs[Q] = READ_IN(COLSTEP(rowP, Q));'] },
  // Sampled input at float coordinates stepped per column (one add a fetch; aligned inputs only,
  // as the bench's layers are; no clamp: texture() clamps to the edge itself).
  uvstep: { defines: {}, patch: [['#define FETCH(Q) xs[Q] = READ_IN(inClamp(COLSTEP(rowP, Q)));', '#define FETCH(Q) xs[Q] = texture(u_input, uvRow + vec2(0.0, float(Q) * inScale.y));'], ['#define ROW(DI) rowIn = uint(ih0 + (DI) * RH) < uint(IN_H); OKS FETCHES', '#define ROW(DI) rowIn = uint(ih0 + (DI) * RH) < uint(IN_H); uvRow = (vec2(rowP) + 0.5) * inScale; OKS FETCHES'], ['  vec4 wt[NWT];', '  vec2 uvRow;\n  vec4 wt[NWT];']] },
  // 3x3 only: each weight texel fetched just before the first filter row that uses it (fewer
  // values live at once), not all NWT up front (exact). Measured 2026-12-07 on Firefox, the ten
  // layers: 0.68 of stock against the shader's 0.67 (no gain; bench/RESULTS.md).
  rowwt: { defines: {}, patch: [['  WFETCHES\n', '\n'], ['#define ROW(DI) rowIn', '#define ROW(DI, WR) rowIn'], ['OKS FETCHES TAPS(DI)', 'OKS FETCHES WR TAPS(DI)'],
    ['#define R1 ROW(0)', '#define R1 ROW(0, WFETCH(0) WFETCH(1))'], ['#define R2 R1 ROW(1)', '#define R2 R1 ROW(1, WFETCH(2))'], ['#define R3 R2 ROW(2)', '#define R3 R2 ROW(2, WFETCH(3) WFETCH(4))']] },
  // Ceilings (wrong results; what a part of the shader costs), by patching the shader's text:
  // The library's pass around the same program (not the shader): its state save and restore
  // (src/tfjs/state.ts) and its framebuffer unbinds (src/gl/pass.ts, src/tfjs/bridge.ts).
  'cur+save': { defines: {}, libSave: true },
  'cur+fb0': { defines: {}, nullFb: true },
  // Into TF.js's own framebuffer, the output left attached (as the library's steady call,
  // Bridge.renderInto). Measured 2026-12-07 on Firefox: as fast as the harness's own framebuffer.
  'cur+tffb': { defines: {}, tfFb: true },
  nochk: { defines: {}, inexact: true, patch: [['ok[C] = rowIn && uint(iw0 + (C)) < uint(IN_W);', 'ok[C] = true;'], ['rowIn = uint(ih0 + (DI) * RH) < uint(IN_H);', 'rowIn = true;'], ['inClamp(COLSTEP(rowP, Q))', 'COLSTEP(rowP, Q)']] }, // no bounds checks (wrong at the borders)
  fill: { defines: {}, inexact: true, patch: ['vec4 v = vec4(acc[0], acc[1]);', 'vec4 v = vec4(1.0);'] }, // no fetch, no MAC: the pass's fixed cost and its writes
  nowt: { defines: {}, inexact: true, patch: ['#define WFETCH(P) wt[P] = READ_WT(P);', '#define WFETCH(P) wt[P] = vec4(0.25 + 0.125 * float(P), 0.5, 0.75, 1.0);'] }, // weights not fetched
  // The weights as flat varyings of point sprites (G x G fragments a point, G channel pairs' weights
  // fetched once a point by the vertex shader): no weight fetch in the fragment shader (exact).
  pts2: pointsVariant(2),
  pts4: pointsVariant(4),
  noin: { defines: {}, inexact: true, patch: ['#define FETCH(Q) xs[Q] = READ_IN(inClamp(COLSTEP(rowP, Q)));', '#define FETCH(Q) xs[Q] = vec4(float(rowP.y + (Q)));'] }, // input not fetched
};

function pointsVariant(G) {
  const sel = Array.from({ length: G }, (_, j) => j).reverse().reduce((acc, j) => (acc === null ? `v_w[${j} * NWT + (P)]` : `lane == ${j} ? v_w[${j} * NWT + (P)] : ${acc}`), null);
  return {
    defines: {},
    points: G,
    patch: [['uniform highp sampler2D u_filter;', `flat in vec4 v_w[${G} * NWT];`], ['#define WFETCH(P) wt[P] = READ_WT(P);', `#define WFETCH(P) wt[P] = ${sel};`],
      ['  vec4 wt[NWT];', `  int lane = cp & ${G - 1};\n  vec4 wt[NWT];`]],
    vert: (nwt) => {
      const lines = [];
      for (let j = 0; j < G; j++) for (let q = 0; q < nwt; q++) lines.push(`  v_w[${j * nwt + q}] = texelFetch(u_filter, ivec2(min(gx * ${G} + ${j}, u_grid.y), ${q}), 0);`);
      return ['#version 300 es', 'precision highp float;', 'precision highp int;', 'precision highp sampler2D;', 'uniform highp sampler2D u_filter;',
        'uniform ivec2 u_grid;', 'uniform vec2 u_vp;', `flat out vec4 v_w[${G * nwt}];`, 'void main() {', '  int gx = gl_VertexID % u_grid.x;', '  int gy = gl_VertexID / u_grid.x;',
        `  gl_Position = vec4((vec2(gx, gy) * ${G}.0 + ${G / 2}.0) / u_vp * 2.0 - 1.0, 0.0, 1.0);`, `  gl_PointSize = ${G}.0;`, ...lines, '}'].join('\n');
    },
  };
}

let sw = null;
let gl = null;
let sources = null;
let fb = null;
let vao = null;
const programs = new Map();

async function text(path) {
  const r = await fetch(path);
  if (!r.ok) throw new Error(`probe: ${path}: ${r.status}`);
  return r.text();
}

export async function setup() {
  sw = await makeSwitch('dispatch', { tune: false });
  gl = tf.backend().gpgpu.gl;
  const names = ['depthwise_tfjs.frag', 'layout.glsl', 'storage.glsl', 'depthwise_common.glsl', 'fullscreen.vert'];
  sources = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await text(`/glsl/${n}`)])));
  fb = gl.createFramebuffer();
  vao = gl.createVertexArray();
  const dbg = gl.getExtension('WEBGL_debug_renderer_info');
  return { renderer: String(gl.getParameter(dbg ? dbg.UNMASKED_RENDERER_WEBGL : gl.RENDERER)), varyings: gl.getParameter(gl.MAX_VARYING_VECTORS), pointSize: Array.from(gl.getParameter(gl.ALIASED_POINT_SIZE_RANGE)), userAgent: navigator.userAgent, tfjs: tf.version_core };
}

function assemble(name, defines, patch = null) {
  const dv = (v) => (typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  const out = ['#version 300 es', 'precision highp float;', 'precision highp int;', 'precision highp sampler2D;',
    ...Object.keys(defines).sort().map((k) => `#define ${k} ${dv(defines[k])}`)];
  const expand = (src) => {
    for (const line of src.split('\n')) {
      const m = /^\s*#include\s+"([^"]+)"\s*$/.exec(line);
      if (m) expand(sources[m[1]]);
      else out.push(line);
    }
  };
  let main = sources[name];
  for (const [from, to] of patch ? (Array.isArray(patch[0]) ? patch : [patch]) : []) {
    if (!main.includes(from)) throw new Error(`probe: patch target not found: ${from}`);
    main = main.replace(from, to);
  }
  expand(main);
  return out.join('\n');
}

function program(defines, patch = null, vert = null) {
  const key = JSON.stringify([patch, vert ? vert(defines.NWT) : null, Object.keys(defines).sort().map((k) => [k, defines[k]])]);
  let p = programs.get(key);
  if (p) return p;
  const sh = (type, src) => {
    const s = gl.createShader(type);
    gl.shaderSource(s, src);
    gl.compileShader(s);
    if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(`probe: compile: ${gl.getShaderInfoLog(s)}`);
    return s;
  };
  const prog = gl.createProgram();
  gl.attachShader(prog, sh(gl.VERTEX_SHADER, vert ? vert(defines.NWT) : assemble('fullscreen.vert', {})));
  gl.attachShader(prog, sh(gl.FRAGMENT_SHADER, assemble('depthwise_tfjs.frag', defines, patch)));
  gl.linkProgram(prog);
  if (!gl.getProgramParameter(prog, gl.LINK_STATUS)) throw new Error(`probe: link: ${gl.getProgramInfoLog(prog)}`);
  const saved = gl.getParameter(gl.CURRENT_PROGRAM);
  gl.useProgram(prog);
  gl.uniform1i(gl.getUniformLocation(prog, 'u_input'), 0);
  gl.uniform1i(gl.getUniformLocation(prog, 'u_filter'), 1);
  const block = gl.getUniformBlockIndex(prog, 'Weights');
  if (block !== gl.INVALID_INDEX) gl.uniformBlockBinding(prog, block, 0);
  gl.useProgram(saved);
  const loc = (n) => gl.getUniformLocation(prog, n);
  p = { prog, loc: Object.fromEntries(['u_in', 'u_out', 'u_pad', 'u_grid', 'u_vp'].map((n) => [n, loc(n)])) };
  programs.set(key, p);
  return p;
}

/** The direct filter's values (src/tfjs/direct.ts repackDirectFilter), 3x3 taps, C channels. */
function repack(values, c) {
  const taps = 9;
  const nwt = 5;
  const c2 = Math.ceil(c / 2);
  const out = new Float32Array(nwt * c2 * 4);
  for (let p = 0; p < nwt; p++) {
    for (let cp = 0; cp < c2; cp++) {
      for (let l = 0; l < 4; l++) {
        const tap = 2 * p + (l >> 1);
        const ch = 2 * cp + (l & 1);
        if (tap < taps && ch < c) out[(p * c2 + cp) * 4 + l] = values[tap * c + ch];
      }
    }
  }
  return out;
}

/** The layer's geometry and define sets for the harness. */
function geometry(L, x) {
  const { h, w, c, s } = L;
  const td = tf.backend().texData.get(x.dataId);
  const texShape = td.texShape ?? td.texture.texShape;
  const inTexW = Math.ceil(texShape[1] / 2);
  const inTexH = Math.ceil(texShape[0] / 2);
  const outH = Math.ceil(h / s);
  const outW = Math.ceil(w / s);
  const pad = (n, o) => Math.floor(Math.max((o - 1) * s + 3 - n, 0) / 2);
  const padT = pad(h, outH);
  const padL = pad(w, outW);
  const c2 = Math.ceil(c / 2);
  const podd = padL & 1;
  const ncols = s + 2 + 1;
  const loops = { FH: 3, FW: 3, SH: s, SW: s, RH: 1, RW: 1, NCOLS: ncols, NTEX: Math.floor((ncols + podd + 1) / 2), NWT: 5 };
  const own = {
    BATCH: 1, IN_H: h, IN_W: w, IN_C2: c2, IN_TEX_W: inTexW, IN_TEX_H: inTexH, IN_ALIGNED: inTexW === c2 ? 1 : 0,
    OUT_H: outH, OUT_W: outW, OUT_C: c, OUT_C4: Math.ceil(c / 4), OUT_TEX_W: c2, OUT_ALIGNED: 1, PAD_T: padT, PAD_L: padL, ...loops,
  };
  const kind = { SIZES: 1, BATCH: 1, PODD: podd, ...loops };
  // The kind's sizes as glsl/depthwise_tfjs.frag takes them (SIZES 1): ivec4 u_in, ivec3 u_out, ivec2 u_pad.
  const uniforms = { u_in: Int32Array.of(h, w, c2, inTexH), u_out: Int32Array.of(outH, outW, c), u_pad: Int32Array.of(padT, padL) };
  // Output rows whose three tap rows are all inside the input.
  const rowLo = Math.min(outH, Math.ceil(padT / s));
  const rowHi = Math.max(rowLo, Math.min(outH, Math.floor((h - 3 + padT) / s) + 1)); // exclusive
  return { outShape: [1, outH, outW, c], own, kind, uniforms, c2, outW2: Math.ceil(outW / 2), rowLo, rowHi };
}

function definesFor(G, variant, extra) {
  const base = variant.defines.SIZES ? G.kind : G.own;
  const d = { ...base, ...variant.defines, ...extra };
  return d;
}

/** One harness call: a new TF.js tensor from the variant's pass(es). */
function runHarness(G, variant, x, fTex) {
  const backend = tf.backend();
  const info = backend.makeTensorInfo(G.outShape, 'float32');
  const td = backend.texData.get(info.dataId);
  td.isPacked = true;
  backend.uploadToGPU(info.dataId);
  const texShape = td.texShape ?? td.texture.texShape;
  const outW = Math.ceil(texShape[1] / 2);
  const outH = Math.ceil(texShape[0] / 2);
  if (outW !== G.c2) throw new Error(`probe: output texture ${outW} texels wide, not ${G.c2} (not aligned)`);
  const xTex = backend.texData.get(x.dataId).texture.texture;
  // Save what TF.js relies on (as src/tfjs/state.ts, without the active unit: put back to 0).
  const savedFb = gl.getParameter(gl.DRAW_FRAMEBUFFER_BINDING);
  const savedProg = gl.getParameter(gl.CURRENT_PROGRAM);
  const savedVao = gl.getParameter(gl.VERTEX_ARRAY_BINDING);
  const vp = gl.getParameter(gl.VIEWPORT);
  const scissor = gl.isEnabled(gl.SCISSOR_TEST);
  const cull = gl.isEnabled(gl.CULL_FACE);
  const bound = [];
  for (let u = 0; u < 2; u++) {
    gl.activeTexture(gl.TEXTURE0 + u);
    bound.push(gl.getParameter(gl.TEXTURE_BINDING_2D));
  }
  if (cull) gl.disable(gl.CULL_FACE);
  const target = variant.tfFb ? tf.backend().gpgpu.framebuffer : fb;
  gl.bindFramebuffer(gl.FRAMEBUFFER, target);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, td.texture.texture, 0);
  gl.viewport(0, 0, outW, outH);
  gl.bindVertexArray(vao);
  gl.activeTexture(gl.TEXTURE0);
  gl.bindTexture(gl.TEXTURE_2D, xTex);
  gl.activeTexture(gl.TEXTURE1);
  gl.bindTexture(gl.TEXTURE_2D, fTex);
  const lib = variant.libSave ? libSave() : null;
  const draw = (defines, y0, y1) => {
    const p = program(defines, variant.patch ?? null, variant.vert ?? null);
    gl.useProgram(p.prog);
    if (variant.points) {
      const g = variant.points;
      const gx = Math.ceil(outW / g);
      const gy = Math.ceil(outH / g);
      gl.viewport(0, 0, gx * g, gy * g);
      gl.uniform2i(p.loc.u_grid, gx, G.c2 - 1);
      gl.uniform2f(p.loc.u_vp, gx * g, gy * g);
      gl.enable(gl.SCISSOR_TEST);
      gl.scissor(0, 0, outW, outH);
      gl.drawArrays(gl.POINTS, 0, gx * gy);
      return;
    }
    if (variant.ubo) gl.bindBufferBase(gl.UNIFORM_BUFFER, 0, G.ubo);
    if (defines.SIZES) {
      gl.uniform4iv(p.loc.u_in, G.uniforms.u_in);
      gl.uniform3iv(p.loc.u_out, G.uniforms.u_out);
      gl.uniform2iv(p.loc.u_pad, G.uniforms.u_pad);
    }
    if (y0 === undefined) {
      gl.disable(gl.SCISSOR_TEST);
    } else {
      gl.enable(gl.SCISSOR_TEST);
      gl.scissor(0, y0, outW, y1 - y0);
    }
    gl.drawArrays(gl.TRIANGLES, 0, 3);
  };
  if (variant.split) {
    // Output texel row y = oh * OUT_W2 + wp (batch 1, aligned): rows of oh in [rowLo, rowHi).
    const y0 = G.rowLo * G.outW2;
    const y1 = G.rowHi * G.outW2;
    const checked = definesFor(G, variant, {});
    if (y0 > 0) draw(checked, 0, y0);
    if (y1 > y0) draw(definesFor(G, variant, variant.split), y0, y1);
    if (outH > y1) draw(checked, y1, outH);
  } else {
    draw(definesFor(G, variant, {}));
  }
  if (variant.nullFb) {
    // As runPassTo then renderTo: the default framebuffer bound after the draw, ours again, detach, null.
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  }
  if (!variant.tfFb) gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, null, 0);
  if (variant.nullFb) gl.bindFramebuffer(gl.FRAMEBUFFER, null);
  lib?.restore();
  for (let u = 0; u < 2; u++) {
    gl.activeTexture(gl.TEXTURE0 + u);
    gl.bindTexture(gl.TEXTURE_2D, bound[u]);
  }
  gl.activeTexture(gl.TEXTURE0);
  if (scissor) gl.enable(gl.SCISSOR_TEST);
  else gl.disable(gl.SCISSOR_TEST);
  if (cull) gl.enable(gl.CULL_FACE);
  gl.bindVertexArray(savedVao);
  gl.useProgram(savedProg);
  gl.bindFramebuffer(gl.FRAMEBUFFER, savedFb);
  gl.viewport(vp[0], vp[1], vp[2], vp[3]);
  return tf.engine().makeTensorFromTensorInfo(info);
}

/** src/tfjs/state.ts's saveState (the active unit as tracked there: not read). */
function libSave() {
  const drawFb = gl.getParameter(gl.DRAW_FRAMEBUFFER_BINDING);
  const readFb = gl.getParameter(gl.READ_FRAMEBUFFER_BINDING);
  const program = gl.getParameter(gl.CURRENT_PROGRAM);
  const vao = gl.getParameter(gl.VERTEX_ARRAY_BINDING);
  const arrayBuffer = gl.getParameter(gl.ARRAY_BUFFER_BINDING);
  const packBuffer = gl.getParameter(gl.PIXEL_PACK_BUFFER_BINDING);
  const unpackBuffer = gl.getParameter(gl.PIXEL_UNPACK_BUFFER_BINDING);
  const t2 = [];
  const ta = [];
  for (let u = 0; u < 4; u++) {
    gl.activeTexture(gl.TEXTURE0 + u);
    t2.push(gl.getParameter(gl.TEXTURE_BINDING_2D));
    ta.push(gl.getParameter(gl.TEXTURE_BINDING_2D_ARRAY));
  }
  const viewport = gl.getParameter(gl.VIEWPORT);
  const caps = [gl.SCISSOR_TEST, gl.CULL_FACE, gl.BLEND, gl.DEPTH_TEST, gl.STENCIL_TEST].map((c) => [c, gl.isEnabled(c)]);
  const store = [0x0cf5, 0x9240, 0x9241, 0x9243].map((p) => [p, gl.getParameter(p)]);
  for (const [c, on] of caps) if (on) gl.disable(c);
  return {
    restore() {
      for (const [c, on] of caps) (on ? gl.enable(c) : gl.disable(c));
      for (const [p, v] of store) gl.pixelStorei(p, v);
      for (let u = 0; u < 4; u++) {
        gl.activeTexture(gl.TEXTURE0 + u);
        gl.bindTexture(gl.TEXTURE_2D, t2[u]);
        gl.bindTexture(gl.TEXTURE_2D_ARRAY, ta[u]);
      }
      gl.activeTexture(gl.TEXTURE0);
      gl.bindBuffer(gl.PIXEL_PACK_BUFFER, packBuffer);
      gl.bindBuffer(gl.PIXEL_UNPACK_BUFFER, unpackBuffer);
      gl.bindBuffer(gl.ARRAY_BUFFER, arrayBuffer);
      gl.bindVertexArray(vao);
      gl.useProgram(program);
      gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, drawFb);
      gl.bindFramebuffer(gl.READ_FRAMEBUFFER, readFb);
      gl.viewport(viewport[0], viewport[1], viewport[2], viewport[3]);
    },
  };
}

function filterTexture(values, c) {
  const c2 = Math.ceil(c / 2);
  const saved = gl.getParameter(gl.TEXTURE_BINDING_2D);
  const t = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, t);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA32F, c2, 5, 0, gl.RGBA, gl.FLOAT, repack(values, c));
  gl.bindTexture(gl.TEXTURE_2D, saved);
  return t;
}

/**
 * One layer: options { layer (name), K, reps, variants (names of VARIANTS), loops (['dispose',
 * 'keep']), warm (warm-up samples a mode) }. Returns ms a call per loop and mode (median, and
 * every sample), and the exactness of each variant.
 */
export async function runLayer({ layer, K = 8, reps = 5, variants = ['cur'], loops = ['dispose', 'keep'], warm = 2, index = 0 }) {
  const L = MOBILENET_V2.find((l) => l.name === layer);
  if (!L) throw new Error(`probe: unknown layer ${layer}`);
  const { h, w, c, s } = L;
  const raw = tf.tensor4d(randomData(h * w * c, 1 + index), [1, h, w, c]);
  const x = tf.relu(raw);
  raw.dispose();
  const fv = randomData(9 * c, 1000 + index);
  const f = tf.tensor4d(fv, [3, 3, c, 1]);
  const fTex = filterTexture(fv, c);
  const G = geometry(L, x);
  if (variants.some((v) => VARIANTS[v]?.ubo)) {
    G.ubo = gl.createBuffer();
    gl.bindBuffer(gl.UNIFORM_BUFFER, G.ubo);
    gl.bufferData(gl.UNIFORM_BUFFER, repack(fv, c), gl.STATIC_DRAW);
    gl.bindBuffer(gl.UNIFORM_BUFFER, null);
  }
  const modes = ['stock', 'ours', ...variants.map((v) => `h:${v}`)];
  const problems = [];
  const callOf = (m) => {
    if (m === 'stock' || m === 'ours') return () => tf.depthwiseConv2d(x, f, [s, s], 'same');
    const v = VARIANTS[m.slice(2)];
    if (!v) throw new Error(`probe: unknown variant ${m}`);
    return () => runHarness(G, v, x, fTex);
  };
  const sample = (m, loop, k) => {
    if (m === 'stock' || m === 'ours') sw.set(m);
    const call = callOf(m);
    const before = sw.stats().calls;
    const t0 = now();
    let ms;
    if (loop === 'dispose' || loop === 'issue') {
      let out = null;
      for (let i = 0; i < k; i++) {
        const prev = out;
        out = call();
        prev?.dispose();
      }
      if (loop === 'issue') ms = (now() - t0) / k;
      out.dataSync();
      if (loop === 'dispose') ms = (now() - t0) / k;
      out.dispose();
    } else {
      const outs = [];
      for (let i = 0; i < k; i++) outs.push(call());
      outs[k - 1].dataSync();
      ms = (now() - t0) / k;
      tf.dispose(outs);
    }
    const calls = sw.stats().calls - before;
    if (m === 'ours' && calls !== k) problems.push(`${layer} ${loop} ours: ${calls} of ${k} calls on depthwise-gl`);
    if (m !== 'ours' && calls !== 0) problems.push(`${layer} ${loop} ${m}: ${calls} calls on depthwise-gl`);
    return ms;
  };
  // Exactness, and first calls (compiles) out of the way.
  const values = {};
  for (const m of modes) {
    if (m === 'stock' || m === 'ours') sw.set(m);
    for (let i = 0; i < 4; i++) {
      const out = callOf(m)();
      values[m] = out.dataSync();
      out.dispose();
      await yieldToPage();
      if (m === 'ours') await new Promise((r) => setTimeout(r, 50)); // a background compile (WebKit) done
    }
  }
  const exact = {};
  for (const m of modes) {
    if (m === 'stock' || m === 'ours') continue;
    let bits = 0;
    let maxStock = 0;
    const a = values[m];
    const b = values.ours;
    const st = values.stock;
    for (let i = 0; i < a.length; i++) {
      if (!Object.is(a[i], b[i])) bits++;
      maxStock = Math.max(maxStock, Math.abs(a[i] - st[i]));
    }
    exact[m] = { differFromOurs: bits, of: a.length, maxAbsDiffStock: maxStock, ceiling: !!VARIANTS[m.slice(2)].inexact };
  }
  const result = { layer, K, reps, loops: {}, exact, problems };
  for (const loop of loops) {
    for (let i = 0; i < warm; i++) for (const m of modes) sample(m, loop, K);
    const samples = Object.fromEntries(modes.map((m) => [m, []]));
    for (let rep = 0; rep < reps; rep++) {
      const order = modes.map((_, i) => modes[(i + rep) % modes.length]);
      if (rep % 2) order.reverse();
      for (const m of order) samples[m].push(sample(m, loop, K));
      await yieldToPage();
    }
    result.loops[loop] = Object.fromEntries(modes.map((m) => [m, { ms: round(median(samples[m])), samples: samples[m].map((v) => round(v)) }]));
  }
  x.dispose();
  f.dispose();
  gl.deleteTexture(fTex);
  if (G.ubo) gl.deleteBuffer(G.ubo);
  return result;
}

export function finish() {
  return sw.dispose();
}

/**
 * The JavaScript time of a call (ms), stock against ours against the harness's today shader, on
 * `layer` (a MobileNetV2 name) or a tiny shape [h, c, s]: `calls` calls a sample, each output
 * disposed, a read and a pause between samples so no GPU back-pressure is measured. Returns the
 * medians, and globalThis.__P (section times a temporarily instrumented build may add) per call.
 */
export async function issueTimes({ layer, shape, calls = 20, reps = 7 }) {
  const L = layer ? MOBILENET_V2.find((l) => l.name === layer) : { name: shape.join('x'), h: shape[0], w: shape[0], c: shape[1], s: shape[2] };
  const { h, w, c, s } = L;
  const x = tf.relu(tf.tensor4d(randomData(h * w * c, 7), [1, h, w, c]));
  const fv = randomData(9 * c, 8);
  const f = tf.tensor4d(fv, [3, 3, c, 1]);
  const fTex = filterTexture(fv, c);
  const G = geometry(L, x);
  const modes = ['stock', 'ours', 'h:cur'];
  const samples = Object.fromEntries(modes.map((m) => [m, []]));
  const sections = {};
  for (let rep = -2; rep < reps; rep++) {
    for (const m of modes) {
      if (m !== 'h:cur') sw.set(m);
      const call = m === 'h:cur' ? () => runHarness(G, VARIANTS.cur, x, fTex) : () => tf.depthwiseConv2d(x, f, [s, s], 'same');
      const before = { ...(globalThis.__P ?? {}) };
      let out = null;
      const t0 = now();
      for (let i = 0; i < calls; i++) {
        const prev = out;
        out = call();
        prev?.dispose();
      }
      const ms = (now() - t0) / calls;
      out.dataSync();
      out.dispose();
      if (rep >= 0) {
        samples[m].push(ms);
        if (m === 'ours') for (const [k, v] of Object.entries(globalThis.__P ?? {})) (sections[k] ??= []).push((v - (before[k] ?? 0)) / calls);
      }
      await new Promise((r) => setTimeout(r, 30));
    }
  }
  x.dispose();
  f.dispose();
  gl.deleteTexture(fTex);
  const med = (xs) => round(median(xs), 4);
  return { layer: L.name, calls, ms: Object.fromEntries(modes.map((m) => [m, med(samples[m])])), oursSections: Object.fromEntries(Object.entries(sections).map(([k, v]) => [k, med(v)])) };
}
