import { expect } from '@playwright/test';

/** A face the playground's model mode found (window.playgroundModel.detections). */
export interface Det { x: number; y: number; width: number; height: number; score: number }

/** Intersection over union of two boxes. */
export function iou(a: Det, b: Det): number {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  return (w * h) / (a.width * a.height + b.width * b.height - w * h);
}

/** The same faces with the kernels on and off: as many, each box matched at IoU >= 0.99, scores within 1e-4. */
export function expectSameFaces(on: Det[], off: Det[]): void {
  expect(off.length).toBe(on.length);
  for (const a of on) {
    const b = off.reduce((best, d) => (iou(a, d) > iou(a, best) ? d : best));
    expect(iou(a, b)).toBeGreaterThanOrEqual(0.99);
    expect(Math.abs(a.score - b.score)).toBeLessThanOrEqual(1e-4);
  }
}
