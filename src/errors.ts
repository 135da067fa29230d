/**
 * The one error helper. Every error the library throws on purpose is a `DepthwiseGLError`
 * (a plain `Error` subclass) whose message starts with the function and names the argument
 * and the offending values, so users can tell at a glance what to fix.
 */
export class DepthwiseGLError extends Error {
  override name = 'DepthwiseGLError';
}

/** Throws `fn: arg ...message`. */
export function fail(fn: string, arg: string, message: string): never {
  throw new DepthwiseGLError(`${fn}: ${arg} ${message}`);
}

/** Formats any value for an error message, compactly and without throwing. */
export function show(value: unknown): string {
  try {
    if (value === undefined) return 'undefined';
    if (typeof value === 'string') return JSON.stringify(value);
    if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
    if (typeof value === 'function') return 'a function';
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const arr = value as unknown as ArrayLike<number>;
      return `${value.constructor.name}(${arr.length})`;
    }
    if (Array.isArray(value)) {
      const items = value.slice(0, 8).map(show);
      return `[${items.join(', ')}${value.length > 8 ? `, ... (${value.length} items)` : ''}]`;
    }
    if (typeof value === 'object') {
      const s = JSON.stringify(value);
      return s.length > 80 ? `${s.slice(0, 77)}...` : s;
    }
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
