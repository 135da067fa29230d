// The playground (npm start) in Chromium with a fake camera; run by playwright.playground.config.ts.
// Screenshots of both paths go to test-results/playground/ (camera.png, fallback.png).
import { test, expect, type Page } from '@playwright/test';
import { depthwiseConv2dReference } from '../../src/semantics/reference';
import { expectSameFaces, type Det } from './faces';

const SHOTS = 'test-results/playground';

interface PG {
  frames: number;
  error: string;
  source: string | null;
}

async function state(page: Page): Promise<PG> {
  return page.evaluate(() => {
    const p = (window as unknown as { playground: PG }).playground;
    return { frames: p.frames, error: p.error, source: p.source };
  });
}

/** Waits until `n` more frames have gone through the loop. */
async function moreFrames(page: Page, n: number): Promise<void> {
  const start = (await state(page)).frames;
  await page.waitForFunction(([s, k]) => ((window as unknown as { playground: PG }).playground.frames >= s + k), [start, n]);
}

async function open(page: Page, query = ''): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`/${query}`);
  await page.waitForFunction(() => ((window as unknown as { playground?: PG }).playground?.frames ?? 0) >= 3, null, { timeout: 90_000 });
  expect(errors).toEqual([]);
}

function decode(b64: string): Float32Array {
  const bytes = Uint8Array.from(Buffer.from(b64, 'base64'));
  return new Float32Array(bytes.buffer);
}

/** Captures a frame in the page; returns its tensors (base64 over the wire) and arguments. */
async function captureFrame(page: Page) {
  const c = await page.evaluate(async () => {
    const b64 = (f: Float32Array) => {
      const u = new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
      let s = '';
      for (let i = 0; i < u.length; i += 0x8000) s += String.fromCharCode(...u.subarray(i, i + 0x8000));
      return btoa(s);
    };
    type T = { data: Float32Array; shape: number[] };
    const pg = (window as unknown as { playground: { capture(): Promise<{ input: T; filter: T; output: T; strides: number[]; padding: unknown; rate: number[]; dataFormat: string; preset: string }> } }).playground;
    const cap = await pg.capture();
    return {
      input: { data: b64(cap.input.data), shape: cap.input.shape },
      filter: { data: b64(cap.filter.data), shape: cap.filter.shape },
      output: { data: b64(cap.output.data), shape: cap.output.shape },
      strides: cap.strides, padding: cap.padding, rate: cap.rate, dataFormat: cap.dataFormat, preset: cap.preset,
    };
  });
  return {
    ...c,
    input: { data: decode(c.input.data), shape: c.input.shape },
    filter: { data: decode(c.filter.data), shape: c.filter.shape },
    output: { data: decode(c.output.data), shape: c.output.shape },
  };
}

test.describe('with the camera', () => {
  test.describe.configure({ mode: 'serial' });
  let page: Page;

  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await open(page);
  });
  test.afterAll(async () => {
    await page?.close();
  });

  test('starts and takes the camera path', async () => {
    const s = await state(page);
    expect(s.source).toBe('camera');
    expect(s.error).toBe('');
    await expect(page.locator('#source-note')).toBeHidden();
    await expect(page.locator('#shape')).toContainText('output [1, 480, 640, 3]');
    await moreFrames(page, 3);
    await page.screenshot({ path: `${SHOTS}/camera.png`, fullPage: true });
    const fps = await page.evaluate(() => document.body.dataset.fps);
    console.log(`playground fps (camera, 640x480, 3x3 sharpen, this machine): ${fps}`);
  });

  test('the output canvas changes between frames', async () => {
    const grab = () => page.evaluate(() => (document.querySelector('.output-canvas') as HTMLCanvasElement).toDataURL());
    const a = await grab();
    await moreFrames(page, 2);
    const b = await grab();
    expect(a.length).toBeGreaterThan(1000);
    expect(b).not.toBe(a);
  });

  for (const [preset, format] of [['sobel-xy', 'NHWC'], ['dilated', 'NCHW']] as const) {
    test(`for a captured frame, preset ${preset} (${format}) equals the CPU reference`, async () => {
      await page.selectOption('#resolution', '320x240');
      await page.selectOption('#preset', preset);
      await page.selectOption('#format', format);
      await expect(page.locator('#shape')).toContainText(format === 'NHWC' ? 'input [1, 240, 320, 3]' : 'input [1, 3, 240, 320]');
      await moreFrames(page, 1);
      const cap = await captureFrame(page);
      expect(cap.preset).toBe(preset);
      expect(cap.dataFormat).toBe(format);
      const ref = depthwiseConv2dReference(cap.input, cap.filter, cap.strides, cap.padding as 'SAME', cap.rate, format);
      expect(cap.output.shape).toEqual(ref.shape);
      let maxAbs = 0;
      for (let i = 0; i < ref.data.length; i++) maxAbs = Math.max(maxAbs, Math.abs(cap.output.data[i] - ref.data[i]));
      console.log(`${preset} ${format}: output [${cap.output.shape}], max abs error ${maxAbs}`);
      expect(maxAbs).toBeLessThan(1e-4);
      // The input really is a camera frame (not blank).
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of cap.input.data) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      expect(hi - lo).toBeGreaterThan(0.2);
    });
  }

  test('Verify shows the diff against the reference; the inspector shows every channel with hover values', async () => {
    await page.selectOption('#format', 'NHWC');
    await page.selectOption('#preset', 'sobel-xy');
    await page.check('#verify');
    await expect(page.locator('#verify-result')).toContainText('max abs error', { timeout: 60_000 });
    const text = await page.locator('#verify-result').textContent();
    const maxAbs = Number(/max abs error ([\d.e+-]+)/.exec(text ?? '')?.[1]);
    expect(maxAbs).toBeLessThan(1e-4);
    // Output [1, 240, 320, 6]: six tiles, each with a colour bar.
    await expect(page.locator('#inspector figure')).toHaveCount(6);
    await expect(page.locator('#diff-inspector figure')).toHaveCount(6);
    const tile = page.locator('#inspector figure canvas.dgl-heat').first();
    await tile.hover();  // scrolls it into view, moves to its centre
    const box = await tile.boundingBox();
    expect(box).not.toBeNull();
    await expect(page.locator('#inspector .dgl-readout')).toHaveText(/^\[0, \d+, \d+, 0\] = -?[\d.e+-]+$/);
    const before = box!.width;
    await page.locator('#inspector button', { hasText: '+' }).click();
    expect((await tile.boundingBox())!.width).toBeCloseTo(before * 2, 0);
    await page.locator('#debug').screenshot({ path: `${SHOTS}/inspector.png` });
    await page.uncheck('#verify');
  });

  test('fromPixels and draw: exact values, channels, NCHW, range/abs, errors, no leaks', async () => {
    const r = await page.evaluate(() => {
      const ctx = (window as unknown as { playground: { ctx: import('../../src/index').DepthwiseContext } }).playground.ctx;
      const W = 5;
      const H = 4;
      const img = new ImageData(W, H);
      for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 37 + 11) % 256;
      for (let p = 0; p < W * H; p++) img.data[p * 4 + 3] = 255;  // opaque, so no premultiplication question
      const before = ctx.memory();
      const t3 = ctx.fromPixels(img);
      const t4 = ctx.fromPixels(img, { channels: 4 });
      const t1 = ctx.fromPixels(img, { channels: 1 });
      const tc = ctx.fromPixels(img, { dataFormat: 'NCHW' });
      const d3 = t3.readSync();
      const d4 = t4.readSync();
      const d1 = t1.readSync();
      const dc = tc.readSync();
      let err3 = 0; let err4 = 0; let err1 = 0; let errc = 0;
      for (let p = 0; p < W * H; p++) {
        const [R, G, B, A] = [0, 1, 2, 3].map((k) => img.data[p * 4 + k] / 255);
        for (let k = 0; k < 3; k++) err3 = Math.max(err3, Math.abs(d3[p * 3 + k] - [R, G, B][k]));
        for (let k = 0; k < 4; k++) err4 = Math.max(err4, Math.abs(d4[p * 4 + k] - [R, G, B, A][k]));
        err1 = Math.max(err1, Math.abs(d1[p] - (0.299 * R + 0.587 * G + 0.114 * B)));
        for (let k = 0; k < 3; k++) errc = Math.max(errc, Math.abs(dc[k * W * H + p] - [R, G, B][k]));
      }
      // draw: a signed 2-channel tensor, channel 1 as grey with |value| over [0, 2].
      const vals = [0.5, -2, 1, 0.25, -1, 1.5, 0, -0.5, 2, 1, 0.75, -0.25];  // [1, 2, 3, 2]
      const t = ctx.tensor(vals, [1, 2, 3, 2]);
      const canvas = document.createElement('canvas');
      ctx.draw(t, canvas, { channels: 1, abs: true, range: [0, 2] });
      const px = canvas.getContext('2d')!.getImageData(0, 0, 3, 2).data;
      let drawErr = 0;
      for (let p = 0; p < 6; p++) {
        const want = Math.min(1, Math.abs(vals[p * 2 + 1]) / 2) * 255;
        for (let k = 0; k < 3; k++) drawErr = Math.max(drawErr, Math.abs(px[p * 4 + k] - want));
        drawErr = Math.max(drawErr, Math.abs(px[p * 4 + 3] - 255));
      }
      // The RGB image drawn back gives the original bytes.
      const c2 = document.createElement('canvas');
      ctx.draw(t3, c2);
      const back = c2.getContext('2d')!.getImageData(0, 0, W, H).data;
      let rgbErr = 0;
      for (let i = 0; i < back.length; i++) if (i % 4 !== 3) rgbErr = Math.max(rgbErr, Math.abs(back[i] - img.data[i]));
      const size = [canvas.width, canvas.height, c2.width, c2.height];
      const errors: string[] = [];
      const expectThrow = (f: () => unknown) => {
        try { f(); errors.push('no error'); } catch (e) { errors.push((e as Error).message); }
      };
      expectThrow(() => ctx.fromPixels(img, { channels: 2 as 3 }));
      expectThrow(() => ctx.fromPixels(document.createElement('video')));
      expectThrow(() => ctx.fromPixels({} as ImageData));
      expectThrow(() => ctx.draw(t, canvas, { channels: [0, 5] }));
      expectThrow(() => ctx.draw(t, canvas, { range: [1, 1] }));
      for (const x of [t3, t4, t1, tc, t]) x.dispose();
      const after = ctx.memory();
      return { err3, err4, err1, errc, drawErr, rgbErr, size, errors, leak: after.textures - before.textures };
    });
    expect(r.err3).toBeLessThan(1e-6);
    expect(r.err4).toBeLessThan(1e-6);
    expect(r.err1).toBeLessThan(1e-6);
    expect(r.errc).toBeLessThan(1e-6);
    expect(r.drawErr).toBeLessThanOrEqual(1);
    expect(r.rgbErr).toBeLessThanOrEqual(1);
    expect(r.size).toEqual([3, 2, 5, 4]);
    expect(r.errors[0]).toMatch(/^fromPixels: options\.channels must be 1, 3 or 4; got 2/);
    expect(r.errors[1]).toMatch(/^fromPixels: source is a video with no frame yet/);
    expect(r.errors[2]).toMatch(/^fromPixels: source must be an HTMLVideoElement/);
    expect(r.errors[3]).toMatch(/^draw: options\.channels must name channels 0\.\.1/);
    expect(r.errors[4]).toMatch(/^draw: options\.range/);
    expect(r.leak).toBe(0);
  });

  test('fromPixels and draw on every storage path (RGBA32F, RGBA16F, RGBA8)', async () => {
    const r = await page.evaluate(() => {
      const lib = (window as unknown as { playground: { createContext: typeof import('../../src/index').createContext } }).playground;
      const W = 7;
      const H = 3;
      const img = new ImageData(W, H);
      for (let i = 0; i < img.data.length; i++) img.data[i] = i % 4 === 3 ? 255 : (i * 53 + 7) % 256;
      const out: Array<{ storage: string; readErr: number; drawErr: number }> = [];
      const noFloat = ['EXT_color_buffer_float', 'EXT_color_buffer_half_float'];
      for (const options of [{}, { precision: 'float16' as const }, { debug: { disableExtensions: noFloat } }]) {
        const ctx = lib.createContext(options);
        const t = ctx.fromPixels(img);
        const d = t.readSync();
        let readErr = 0;
        for (let p = 0; p < W * H; p++) for (let k = 0; k < 3; k++) readErr = Math.max(readErr, Math.abs(d[p * 3 + k] - img.data[p * 4 + k] / 255));
        const canvas = document.createElement('canvas');
        ctx.draw(t, canvas);
        const px = canvas.getContext('2d')!.getImageData(0, 0, W, H).data;
        let drawErr = 0;
        for (let i = 0; i < px.length; i++) drawErr = Math.max(drawErr, Math.abs(px[i] - img.data[i]));
        out.push({ storage: (ctx.capabilities as unknown as { storage: string }).storage, readErr, drawErr });
        ctx.dispose();
      }
      return out;
    });
    console.log(r);
    expect(r.map((x) => x.storage)).toEqual(['RGBA32F', 'RGBA16F', 'RGBA8']);
    for (const x of r) {
      expect(x.readErr, x.storage).toBeLessThan(x.storage === 'RGBA16F' ? 1e-3 : 1e-6);
      expect(x.drawErr, x.storage).toBeLessThanOrEqual(1);
    }
  });

  test('a lost WebGL context shows the error, and the loop recovers after the restore', async () => {
    await page.evaluate(() => {
      const gl = (window as unknown as { playground: { ctx: { gl: WebGL2RenderingContext } } }).playground.ctx.gl;
      (window as unknown as { loseExt: WEBGL_lose_context }).loseExt = gl.getExtension('WEBGL_lose_context')!;
      (window as unknown as { loseExt: WEBGL_lose_context }).loseExt.loseContext();
    });
    await expect(page.locator('#error')).toContainText('lost', { timeout: 60_000 });
    await page.evaluate(() => (window as unknown as { loseExt: WEBGL_lose_context }).loseExt.restoreContext());
    await page.waitForFunction(() => document.body.dataset.restored === '1');
    await expect(page.locator('#error')).toBeEmpty({ timeout: 60_000 });
    await moreFrames(page, 2);
    expect((await state(page)).error).toBe('');
  });

  test('an invalid setting shows the library error while frames keep coming', async () => {
    await page.selectOption('#preset', 'sharpen');
    await page.fill('#sh', '2');
    await page.fill('#rh', '2');
    await expect(page.locator('#error')).toContainText('rate', { timeout: 60_000 });
    const msg = await page.locator('#error').textContent();
    expect(msg).toMatch(/^depthwiseConv2d: /);
    await moreFrames(page, 3);  // the loop keeps running, the input keeps updating
    expect((await state(page)).error).toBe(msg);
    await page.click('#capture');  // nothing to capture: says so rather than waiting
    await expect(page.locator('#verify-result')).toContainText('nothing to capture: depthwiseConv2d:');
    await page.screenshot({ path: `${SHOTS}/error.png`, fullPage: true });

    await page.fill('#sh', '1');
    await page.fill('#rh', '200');
    await page.selectOption('#padding', 'VALID');
    await expect(page.locator('#error')).toContainText('VALID', { timeout: 60_000 });
    await moreFrames(page, 2);

    await page.fill('#rh', '1');
    await page.selectOption('#padding', 'SAME');
    await expect(page.locator('#error')).toBeEmpty({ timeout: 60_000 });
    await moreFrames(page, 1);
    expect((await state(page)).error).toBe('');
  });
});

test('without camera permission the fallback source is shown @no-camera', async ({ page }) => {
  await open(page);
  const s = await state(page);
  expect(s.source).toBe('pattern');
  await expect(page.locator('#source-note')).toBeVisible();
  await expect(page.locator('#source-note')).toContainText('Not using the camera');
  await expect(page.locator('#source-note')).toContainText('denied');
  await moreFrames(page, 3);
  expect((await state(page)).error).toBe('');
  await page.screenshot({ path: `${SHOTS}/fallback.png`, fullPage: true });

  // Dropping an image file switches to it.
  await page.evaluate(async () => {
    const c = document.createElement('canvas');
    c.width = 64;
    c.height = 48;
    const g = c.getContext('2d')!;
    g.fillStyle = '#f00';
    g.fillRect(0, 0, 32, 48);
    g.fillStyle = '#00f';
    g.fillRect(32, 0, 32, 48);
    const blob = await new Promise<Blob>((resolve) => c.toBlob((b) => resolve(b!), 'image/png'));
    const dt = new DataTransfer();
    dt.items.add(new File([blob], 'dropped.png', { type: 'image/png' }));
    document.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await page.waitForFunction(() => (window as unknown as { playground: PG }).playground.source === 'file');
  await moreFrames(page, 2);
  await expect(page.locator('#source option[value=file]')).toHaveText('File: dropped.png');
  expect((await state(page)).error).toBe('');
});

// --- model mode: face detection in TF.js, depthwise-gl's kernels on and off -------------------

interface ModelPG {
  inferences: number;
  kernelsOn: boolean;
  detections: Det[];
  timings: { on: { median: number; count: number; first: number }; off: { median: number; count: number; first: number } };
  stats: { calls: number; fallbacks: number; lastFallback: string | null } | null;
  callsPerInference: number;
  depthwiseLayers: number;
  sharedTf: boolean;
  renderer: string;
  software: boolean;
  layerCalls: number;
  lastVerify: { index: number; maxAbs: number; maxRel: number; maxElementRel: number } | null;
}

async function model(page: Page): Promise<ModelPG> {
  return page.evaluate(() => {
    const m = (window as unknown as { playgroundModel: ModelPG }).playgroundModel;
    return {
      inferences: m.inferences, kernelsOn: m.kernelsOn, detections: m.detections, timings: m.timings, stats: m.stats,
      callsPerInference: m.callsPerInference, depthwiseLayers: m.depthwiseLayers, sharedTf: m.sharedTf, renderer: m.renderer,
      software: m.software, layerCalls: m.layerCalls, lastVerify: m.lastVerify,
    };
  });
}

/** Waits until `n` more inferences have finished. TF.js on SwiftShader: about 1-3 s each. */
async function moreInferences(page: Page, n: number): Promise<void> {
  const start = (await model(page)).inferences;
  await page.waitForFunction(([s, k]) => ((window as unknown as { playgroundModel: ModelPG }).playgroundModel.inferences >= s + k), [start, n], { timeout: 120_000 });
}

/** Opens the playground in model mode; the first start pre-bundles TF.js and loads the weights. */
async function openModel(page: Page, query: string, errors: string[]): Promise<void> {
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`/${query}`);
  await page.waitForFunction(() => ((window as unknown as { playgroundModel?: ModelPG }).playgroundModel?.inferences ?? 0) >= 1, null, { timeout: 150_000 });
}

test.describe('model mode', () => {
  test.describe.configure({ mode: 'serial' });
  let page: Page;
  const errors: string[] = [];

  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await openModel(page, '?mode=model&source=photo:1', errors);
  });
  test.afterAll(async () => {
    await page?.close();
  });

  test('a sample photo: faces with the kernels on, the same boxes and scores with them off, timings for both', async () => {
    test.setTimeout(240_000);
    await page.waitForFunction(() => (window as unknown as { playgroundModel: ModelPG }).playgroundModel.timings.on.count >= 2, null, { timeout: 120_000 });
    const on = await model(page);
    expect(on.sharedTf).toBe(true);
    expect(on.kernelsOn).toBe(true);
    expect(on.detections.length).toBeGreaterThanOrEqual(1);
    expect(on.stats!.calls).toBeGreaterThan(0);  // face-api's inference went through depthwise-gl
    expect(on.stats!.fallbacks).toBe(0);
    expect(on.depthwiseLayers).toBe(5);  // TinyFaceDetector: conv1..conv5 are depthwise separable
    expect(on.callsPerInference).toBe(on.depthwiseLayers);
    expect(on.layerCalls).toBe(0);  // nothing captured (nothing read back) until asked
    await expect(page.locator('#model-stats')).toContainText(/stats\(\): calls \d+, delegated \d+ \(to TF.js.s kernel by tuning: its timed trials, and the shapes it won here, \d+ of \d+ decided\), fallbacks 0/);
    if (on.software) await expect(page.locator('#model-warning')).toContainText('software renderer');

    await page.uncheck('#kernels-on');
    await page.waitForFunction(() => {
      const m = (window as unknown as { playgroundModel: ModelPG }).playgroundModel;
      return !m.kernelsOn && m.timings.off.count >= 2;
    }, null, { timeout: 120_000 });
    const off = await model(page);
    expect(off.stats).toBeNull();
    expectSameFaces(on.detections, off.detections);
    await expect(page.locator('#model-compare')).toContainText('(the same boxes)');
    for (const k of ['on', 'off']) await expect(page.locator(`#timing-${k} .median`)).toHaveText(/^\d+\.\d ms$/);
    await expect(page.locator('#model-ratio')).toContainText(/on \/ off: \d+\.\d\d×/);
    const t = off.timings;
    console.log(`model mode (TinyFaceDetector 416, sample photo 1, ${off.renderer}): ${on.detections.length} faces; ` +
      `median ms per inference on ${t.on.median.toFixed(0)} (${t.on.count}), off ${t.off.median.toFixed(0)} (${t.off.count}), ` +
      `on/off ${(t.on.median / t.off.median).toFixed(2)}; first after switching on ${t.on.first.toFixed(0)}, off ${t.off.first.toFixed(0)}`);
    await page.check('#kernels-on');
    await page.waitForFunction(() => (window as unknown as { playgroundModel: ModelPG }).playgroundModel.kernelsOn);
    await moreInferences(page, 1);
    await page.screenshot({ path: `${SHOTS}/model.png` });
    expect(errors).toEqual([]);
  });

  test('the layer debugger: a row per depthwise call, three inspector panels, Verify against the reference', async () => {
    test.setTimeout(180_000);
    await page.click('#capture-layers');
    await page.waitForFunction(() => (window as unknown as { playgroundModel: ModelPG }).playgroundModel.layerCalls > 0, null, { timeout: 120_000 });
    const m = await model(page);
    const rows = page.locator('#layer-list tbody tr');
    await expect(rows).toHaveCount(m.depthwiseLayers);
    expect(m.layerCalls).toBe(m.callsPerInference);
    await expect(rows.first()).toContainText('DepthwiseConv2dNative');
    await expect(rows.first()).toContainText('3×3×16×1');
    await rows.nth(1).click();
    await expect(page.locator('#layer-inspectors .dgl-inspector')).toHaveCount(3);
    for (const which of ['input', 'filter', 'output']) {
      await expect(page.locator(`#layer-inspectors [data-tensor=${which}] figure`).first()).toBeVisible();
      await expect(page.locator(`#layer-inspectors [data-tensor=${which}] .dgl-title`)).toContainText(`#1 ${which}`);
    }
    await page.click('#verify-layer');
    await expect(page.locator('#layer-verify-result')).toContainText('max rel error');
    const text = (await page.locator('#layer-verify-result').textContent()) ?? '';
    const rel = Number(/max rel error ([\d.e+-]+)/.exec(text)?.[1]);
    const abs = Number(/max abs error ([\d.e+-]+)/.exec(text)?.[1]);
    console.log(`debugger, call #1: ${text}`);
    expect(rel).toBeLessThanOrEqual(1e-5);
    expect(abs).toBeLessThan(1e-4);
    expect((await model(page)).lastVerify!.index).toBe(1);
    await expect(page.locator('#layer-diff figure').first()).toBeVisible();
    // Every call of the inference, the same check (the list's last column).
    await page.click('#verify-all');
    await expect(page.locator('#layer-verify-result')).toContainText(`all ${m.layerCalls} calls: worst max rel error`);
    const worst = Number(/worst max rel error ([\d.e+-]+)/.exec((await page.locator('#layer-verify-result').textContent()) ?? '')?.[1]);
    expect(worst).toBeLessThanOrEqual(1e-5);
    await expect(rows.locator('td.rel')).toHaveText(Array(m.layerCalls).fill(/^\d\.\d\de-\d+$/));
    await page.locator('#debug').screenshot({ path: `${SHOTS}/debugger.png` });
    expect(errors).toEqual([]);
  });

  test('the fake camera: inferences run on moving frames, no page errors', async () => {
    test.setTimeout(180_000);
    await page.selectOption('#source', 'camera');
    await page.waitForFunction(() => (window as unknown as { playground: PG }).playground.source === 'camera');
    await moreInferences(page, 1);
    const grab = () => page.evaluate(() => (document.getElementById('model-canvas') as HTMLCanvasElement).toDataURL());
    const a = await grab();
    await moreInferences(page, 2);
    const b = await grab();
    expect(a.length).toBeGreaterThan(1000);
    expect(b).not.toBe(a);
    await expect(page.locator('#model-caption')).toContainText('camera');
    expect((await state(page)).error).toBe('');
    expect(errors).toEqual([]);
  });
});

test('model mode without camera permission falls back to the pattern; a dropped photo is detected @no-camera', async ({ page }) => {
  test.setTimeout(240_000);
  const errors: string[] = [];
  await openModel(page, '?mode=model', errors);
  expect((await state(page)).source).toBe('pattern');
  await expect(page.locator('#source-note')).toContainText('Not using the camera');
  await expect(page.locator('#source-note')).toContainText('denied');
  await moreInferences(page, 1);
  // Drop one of face-api's sample photos as a file.
  const url = await page.evaluate(() => (window as unknown as { playground: { photos: string[] } }).playground.photos[1]);
  await page.evaluate(async (u) => {
    const blob = await (await fetch(u)).blob();
    const dt = new DataTransfer();
    dt.items.add(new File([blob], 'sample2.jpg', { type: 'image/jpeg' }));
    document.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, url);
  await page.waitForFunction(() => (window as unknown as { playground: PG }).playground.source === 'file');
  await moreInferences(page, 2);
  await expect(page.locator('#model-caption')).toContainText('image file: sample2.jpg');
  expect((await model(page)).detections.length).toBeGreaterThanOrEqual(1);
  expect((await state(page)).error).toBe('');
  expect(errors).toEqual([]);
});
