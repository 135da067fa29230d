// Colour maps for heatmaps: 0..1 -> [r, g, b] bytes.

/** A heatmap colour map of the inspector. */
export type ColormapName = 'viridis' | 'diverging' | 'gray';

// Viridis sampled at 9 evenly spaced points; linear in between.
const VIRIDIS: ReadonlyArray<readonly [number, number, number]> = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
  [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];
// Blue - white - red, for signed data centred on zero.
const DIVERGING: ReadonlyArray<readonly [number, number, number]> = [
  [33, 102, 172], [103, 169, 207], [209, 229, 240], [247, 247, 247], [253, 219, 199], [239, 138, 98], [178, 24, 43],
];

function ramp(stops: ReadonlyArray<readonly [number, number, number]>, t: number, out: Uint8ClampedArray, at: number): void {
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i];
  const b = stops[i + 1];
  out[at] = a[0] + (b[0] - a[0]) * f;
  out[at + 1] = a[1] + (b[1] - a[1]) * f;
  out[at + 2] = a[2] + (b[2] - a[2]) * f;
  out[at + 3] = 255;
}

/** Writes the colour of t (0..1) into out[at..at+3] (RGBA bytes). NaN is magenta. */
export function colour(map: ColormapName, t: number, out: Uint8ClampedArray, at: number): void {
  if (Number.isNaN(t)) {
    out[at] = 255; out[at + 1] = 0; out[at + 2] = 255; out[at + 3] = 255;
    return;
  }
  if (map === 'gray') {
    const v = Math.min(1, Math.max(0, t)) * 255;
    out[at] = v; out[at + 1] = v; out[at + 2] = v; out[at + 3] = 255;
    return;
  }
  ramp(map === 'viridis' ? VIRIDIS : DIVERGING, t, out, at);
}

/** The value range a tile is coloured over: symmetric around 0 for the diverging map. */
export function colourRange(map: ColormapName, min: number, max: number): [number, number] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (map === 'diverging') {
    const m = Math.max(Math.abs(min), Math.abs(max)) || 1;
    return [-m, m];
  }
  return min === max ? [min - 0.5, max + 0.5] : [min, max];
}
