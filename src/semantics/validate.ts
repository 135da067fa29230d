import { fail, show } from '../errors';
import type { DataFormat, HostTensor } from './types';

/** The largest element count we accept for one tensor (beyond it typed arrays and GL both give up). */
export const MAX_ELEMENTS = 2 ** 31 - 1;

export function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  if (v === null || v === undefined || typeof v === 'string' || typeof v === 'function') return false;
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return true;
  const len = (v as { length?: unknown }).length;
  return typeof v === 'object' && typeof len === 'number' && Number.isInteger(len) && len >= 0;
}

/** A 4-D shape of positive integers, copied into a plain array. */
export function checkShape(fn: string, arg: string, shape: unknown): number[] {
  if (!Array.isArray(shape) && !ArrayBuffer.isView(shape)) {
    fail(fn, arg, `must be an array of 4 positive integers; got ${show(shape)}`);
  }
  const dims = Array.from(shape as ArrayLike<unknown>);
  if (dims.length !== 4) fail(fn, arg, `must be 4-D; got ${dims.length}-D shape ${show(dims)}`);
  dims.forEach((d, i) => {
    if (!isPositiveInt(d)) fail(fn, arg, `must have positive integer dimensions; dimension ${i} is ${show(d)} in ${show(dims)}`);
  });
  const count = (dims as number[]).reduce((a, b) => a * b, 1);
  if (count > MAX_ELEMENTS) fail(fn, arg, `${show(dims)} has ${count} elements, more than the ${MAX_ELEMENTS} one tensor may hold`);
  return dims as number[];
}

/** Data whose length matches the shape. Returns it as a Float32Array (a copy only when needed). */
export function checkData(fn: string, arg: string, data: unknown, shape: number[]): Float32Array {
  if (!isArrayLike(data)) fail(fn, arg, `must be an array or typed array of numbers; got ${show(data)}`);
  const expected = shape.reduce((a, b) => a * b, 1);
  if (data.length !== expected) {
    fail(fn, arg, `has length ${data.length} but shape ${show(shape)} needs ${expected} values`);
  }
  return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
}

export function checkDataFormat(fn: string, arg: string, v: unknown): DataFormat {
  if (v !== 'NHWC' && v !== 'NCHW') fail(fn, arg, `must be 'NHWC' or 'NCHW'; got ${show(v)}`);
  return v;
}

/** Reorders a shape given in `format` order to [N, H, W, C]. */
export function toNHWC(shape: readonly number[], format: DataFormat): [number, number, number, number] {
  const [a, b, c, d] = shape;
  return format === 'NHWC' ? [a, b, c, d] : [a, c, d, b];
}

/** Reorders an [N, H, W, C] shape to `format` order. */
export function fromNHWC(shape: readonly number[], format: DataFormat): number[] {
  const [n, h, w, c] = shape;
  return format === 'NHWC' ? [n, h, w, c] : [n, c, h, w];
}

/** A host tensor `{ data, shape }`: a 4-D shape and data of matching length (as a Float32Array). */
export function checkHostTensor(fn: string, arg: string, t: unknown): HostTensor {
  if (typeof t !== 'object' || t === null) fail(fn, arg, `must be { data, shape }; got ${show(t)}`);
  const { data, shape } = t as { data: unknown; shape: unknown };
  const dims = checkShape(fn, `${arg}.shape`, shape);
  return { data: checkData(fn, `${arg}.data`, data, dims), shape: dims };
}
