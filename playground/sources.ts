// Frame sources for the playground: the webcam, and the built-in ones that need no camera and no
// network (an animated test pattern, a generated sample image, face-api's sample photos served
// from node_modules), plus dropped image/video files.
import type { PixelSource } from '../src/index.ts';
import sample1 from '@vladmandic/face-api/demo/sample1.jpg?url';
import sample2 from '@vladmandic/face-api/demo/sample2.jpg?url';
import sample3 from '@vladmandic/face-api/demo/sample3.jpg?url';
import sample4 from '@vladmandic/face-api/demo/sample4.jpg?url';
import sample5 from '@vladmandic/face-api/demo/sample5.jpg?url';
import sample6 from '@vladmandic/face-api/demo/sample6.jpg?url';

export type SourceKind = 'camera' | 'pattern' | 'image' | 'file' | 'photo';

/** face-api's own sample photos (node_modules/@vladmandic/face-api/demo/sample1..6.jpg). */
export const PHOTOS: readonly string[] = [sample1, sample2, sample3, sample4, sample5, sample6];

export interface FrameSource {
  readonly kind: SourceKind;
  /** The source picker's value for it: the kind, or 'photo:<n>' for sample photo n (1-based). */
  readonly id: string;
  /** True when every frame is the same picture (an image, not a video or the camera). */
  readonly still: boolean;
  readonly label: string;
  /** The element to upload this frame, or null while it has no frame yet. `time` in ms. */
  frame(time: number): PixelSource | null;
  /** A human description of the current size, e.g. "640×480". */
  size(): string;
  stop(): void;
}

/** Why the camera could not be used, in words for the page. */
export class CameraUnavailable extends Error {}

function canvas2d(w: number, h: number): [HTMLCanvasElement, CanvasRenderingContext2D] {
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  const g = c.getContext('2d');
  if (!g) throw new Error('this browser has no 2D canvas');
  return [c, g];
}

/** getUserMedia with reasons a person can act on, and a timeout (some browsers never answer). */
export async function openCamera(width: number, height: number, timeoutMs = 8000): Promise<FrameSource> {
  if (!window.isSecureContext) throw new CameraUnavailable(`the page is not on a secure origin (${location.origin}); browsers only allow the camera on https:// or localhost`);
  if (!navigator.mediaDevices?.getUserMedia) throw new CameraUnavailable('this browser has no camera API (navigator.mediaDevices.getUserMedia)');
  let stream: MediaStream;
  try {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CameraUnavailable(`the camera did not answer within ${timeoutMs / 1000} s (permission prompt ignored?)`)), timeoutMs);
    });
    const ask = navigator.mediaDevices.getUserMedia({ audio: false, video: { width: { ideal: width }, height: { ideal: height } } });
    try {
      stream = await Promise.race([ask, timeout]);
    } finally {
      clearTimeout(timer);
    }
  } catch (e) {
    if (e instanceof CameraUnavailable) throw e;
    const name = (e as { name?: string }).name ?? '';
    if (name === 'NotAllowedError' || name === 'SecurityError') throw new CameraUnavailable('camera permission was denied');
    if (name === 'NotFoundError' || name === 'OverconstrainedError') throw new CameraUnavailable('no camera was found');
    if (name === 'NotReadableError') throw new CameraUnavailable('the camera is in use by another program');
    throw new CameraUnavailable(`the camera failed to start: ${(e as Error).message ?? String(e)}`);
  }
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  const track = stream.getVideoTracks()[0];
  await video.play().catch(() => undefined);
  return {
    kind: 'camera',
    id: 'camera',
    still: false,
    label: `camera: ${track?.label || 'default'}`,
    frame: () => (video.readyState >= 2 && video.videoWidth > 0 ? video : null),
    size: () => `${video.videoWidth}×${video.videoHeight}`,
    stop: () => {
      for (const t of stream.getTracks()) t.stop();
      video.srcObject = null;
    },
  };
}

/** An animated test pattern: colour bars, a moving disc, a rotating grating, a clock. */
export function patternSource(width: number, height: number): FrameSource {
  const [c, g] = canvas2d(width, height);
  const bars = ['#c0c0c0', '#c0c000', '#00c0c0', '#00c000', '#c000c0', '#c00000', '#0000c0'];
  return {
    kind: 'pattern',
    id: 'pattern',
    still: false,
    label: 'animated test pattern',
    frame(time) {
      const t = time / 1000;
      const w = width;
      const h = height;
      bars.forEach((col, i) => {
        g.fillStyle = col;
        g.fillRect((i * w) / bars.length, 0, w / bars.length + 1, h * 0.55);
      });
      // Grey ramp and a fine checkerboard: edges at every scale.
      const ramp = g.createLinearGradient(0, 0, w, 0);
      ramp.addColorStop(0, '#000');
      ramp.addColorStop(1, '#fff');
      g.fillStyle = ramp;
      g.fillRect(0, h * 0.55, w, h * 0.15);
      const cell = Math.max(2, Math.round(w / 64));
      for (let y = h * 0.7; y < h; y += cell) {
        for (let x = 0; x < w / 2; x += cell) {
          g.fillStyle = (Math.floor(x / cell) + Math.floor(y / cell)) % 2 ? '#111' : '#eee';
          g.fillRect(x, y, cell, cell);
        }
      }
      // A rotating grating on the lower right.
      g.save();
      g.beginPath();
      g.rect(w / 2, h * 0.7, w / 2, h * 0.3);
      g.clip();
      g.fillStyle = '#203040';
      g.fillRect(w / 2, h * 0.7, w / 2, h * 0.3);
      g.translate(w * 0.75, h * 0.85);
      g.rotate(t * 0.6);
      g.strokeStyle = '#f4d35e';
      g.lineWidth = Math.max(1, w / 160);
      for (let x = -w; x < w; x += w / 40) {
        g.beginPath();
        g.moveTo(x, -h);
        g.lineTo(x, h);
        g.stroke();
      }
      g.restore();
      // A disc bouncing across the bars.
      const r = h * 0.12;
      const cx = r + ((Math.sin(t * 1.3) + 1) / 2) * (w - 2 * r);
      const cy = h * 0.28 + Math.sin(t * 2.1) * h * 0.12;
      const disc = g.createRadialGradient(cx - r / 3, cy - r / 3, 1, cx, cy, r);
      disc.addColorStop(0, '#fff');
      disc.addColorStop(1, '#e63946');
      g.fillStyle = disc;
      g.beginPath();
      g.arc(cx, cy, r, 0, Math.PI * 2);
      g.fill();
      g.fillStyle = '#000';
      g.fillRect(0, 0, w * 0.42, h * 0.09);
      g.fillStyle = '#fff';
      g.font = `bold ${Math.round(h * 0.065)}px monospace`;
      g.textBaseline = 'middle';
      g.fillText(`TEST ${t.toFixed(2)} s`, w * 0.02, h * 0.047);
      return c;
    },
    size: () => `${width}×${height}`,
    stop: () => undefined,
  };
}

/** A still "photo": sky, sun, hills, a house and text, generated once (no file, no network). */
export function sampleImageSource(width: number, height: number): FrameSource {
  const [c, g] = canvas2d(width, height);
  const w = width;
  const h = height;
  const sky = g.createLinearGradient(0, 0, 0, h * 0.65);
  sky.addColorStop(0, '#1d4e89');
  sky.addColorStop(1, '#f7c59f');
  g.fillStyle = sky;
  g.fillRect(0, 0, w, h);
  const sun = g.createRadialGradient(w * 0.75, h * 0.3, 0, w * 0.75, h * 0.3, h * 0.16);
  sun.addColorStop(0, '#fffbe6');
  sun.addColorStop(0.6, '#ffd166');
  sun.addColorStop(1, 'rgba(255, 209, 102, 0)');
  g.fillStyle = sun;
  g.fillRect(0, 0, w, h);
  const hill = (y0: number, amp: number, col: string, phase: number) => {
    g.fillStyle = col;
    g.beginPath();
    g.moveTo(0, h);
    for (let x = 0; x <= w; x += w / 64) g.lineTo(x, h * y0 + Math.sin(x / w * 7 + phase) * amp * h + Math.sin(x / w * 19) * amp * h * 0.3);
    g.lineTo(w, h);
    g.fill();
  };
  hill(0.6, 0.05, '#3a5a40', 0);
  hill(0.75, 0.04, '#588157', 2);
  // A house: straight edges for the edge filters.
  g.fillStyle = '#e9d8a6';
  g.fillRect(w * 0.18, h * 0.55, w * 0.2, h * 0.2);
  g.fillStyle = '#9b2226';
  g.beginPath();
  g.moveTo(w * 0.16, h * 0.56);
  g.lineTo(w * 0.28, h * 0.42);
  g.lineTo(w * 0.4, h * 0.56);
  g.fill();
  g.fillStyle = '#264653';
  g.fillRect(w * 0.21, h * 0.6, w * 0.05, h * 0.06);
  g.fillRect(w * 0.3, h * 0.62, w * 0.04, h * 0.13);
  g.fillStyle = '#fff';
  g.font = `bold ${Math.round(h * 0.09)}px sans-serif`;
  g.textBaseline = 'bottom';
  g.fillText('depthwise-gl', w * 0.45, h * 0.97);
  return {
    kind: 'image',
    id: 'image',
    still: true,
    label: 'bundled sample image (generated)',
    frame: () => c,
    size: () => `${width}×${height}`,
    stop: () => undefined,
  };
}

/** A dropped file: an image scaled to fit the chosen resolution, or a looping muted video. */
export async function fileSource(file: File, width: number, height: number): Promise<FrameSource> {
  const url = URL.createObjectURL(file);
  if (file.type.startsWith('video/')) {
    const video = document.createElement('video');
    video.muted = true;
    video.loop = true;
    video.playsInline = true;
    video.src = url;
    await video.play();
    return {
      kind: 'file',
      id: 'file',
      still: false,
      label: `video file: ${file.name}`,
      frame: () => (video.readyState >= 2 && video.videoWidth > 0 ? video : null),
      size: () => `${video.videoWidth}×${video.videoHeight} (the file's own size)`,
      stop: () => {
        video.pause();
        video.removeAttribute('src');
        URL.revokeObjectURL(url);
      },
    };
  }
  if (!file.type.startsWith('image/')) throw new Error(`${file.name}: not an image or video (${file.type || 'unknown type'})`);
  const img = new Image();
  img.src = url;
  try {
    await img.decode();
  } finally {
    URL.revokeObjectURL(url);
  }
  const [c, g] = canvas2d(width, height);
  g.fillStyle = '#000';
  g.fillRect(0, 0, width, height);
  const s = Math.min(width / img.naturalWidth, height / img.naturalHeight);
  const dw = img.naturalWidth * s;
  const dh = img.naturalHeight * s;
  g.drawImage(img, (width - dw) / 2, (height - dh) / 2, dw, dh);
  return {
    kind: 'file',
    id: 'file',
    still: true,
    label: `image file: ${file.name}`,
    frame: () => c,
    size: () => `${width}×${height}`,
    stop: () => undefined,
  };
}

/**
 * One of face-api's sample photos (n = 1..6), drawn once at its own aspect ratio to fit within
 * width x height (no bars: the frame is the photo).
 */
export async function photoSource(n: number, width: number, height: number): Promise<FrameSource> {
  const url = PHOTOS[n - 1];
  if (!url) throw new Error(`there is no sample photo ${n} (1..${PHOTOS.length})`);
  const img = new Image();
  img.src = url;
  await img.decode();
  const s = Math.min(width / img.naturalWidth, height / img.naturalHeight);
  const w = Math.max(1, Math.round(img.naturalWidth * s));
  const h = Math.max(1, Math.round(img.naturalHeight * s));
  const [c, g] = canvas2d(w, h);
  g.drawImage(img, 0, 0, w, h);
  return {
    kind: 'photo',
    id: `photo:${n}`,
    still: true,
    label: `face-api sample photo ${n} (${img.naturalWidth}×${img.naturalHeight})`,
    frame: () => c,
    size: () => `${w}×${h} (photo ${img.naturalWidth}×${img.naturalHeight}, scaled)`,
    stop: () => undefined,
  };
}
