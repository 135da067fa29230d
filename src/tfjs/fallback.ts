import { DepthwiseGLError } from '../errors';

/**
 * Why a call goes to TF.js's own kernel: thrown inside one of our kernels before anything is
 * handed to TF.js, caught by the dispatch (kernels.ts), counted in `fallbacks` with its reason.
 */
export class Fallback {
  constructor(readonly reason: string) {}
}

/** `v`, or a Fallback with `reason` where it is missing. */
export function need<T>(v: T | null | undefined, reason: string): T {
  if (v === null || v === undefined) throw new Fallback(reason);
  return v;
}

/**
 * Any error from our side as a Fallback: a limit of ours (DepthwiseGLError) with its message, or,
 * never seen in the tests, anything else as an internal error with its stack. Never thrown at the app.
 */
export function asFallback(e: unknown): Fallback {
  if (e instanceof Fallback) return e;
  return new Fallback(e instanceof DepthwiseGLError ? e.message : `internal error: ${String((e as Error)?.stack ?? e)}`);
}
