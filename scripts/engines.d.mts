// Types for scripts/engines.mjs.
export type EngineName = 'chromium' | 'firefox' | 'webkit';
export declare const ENGINES: EngineName[];

/** A page in any engine: what the specs need of it, the same on all three. */
export interface EnginePage {
  readonly engine: EngineName;
  /** The Playwright page under a Chromium EnginePage (for Chromium-only checks); absent elsewhere. */
  readonly playwright?: import('@playwright/test').Page;
  /** Navigates (a path resolves against the server's base URL) and waits for the load event. */
  goto(url: string): Promise<void>;
  /** Runs fn(arg) in the page; NaN, ±Infinity, -0, undefined, typed arrays and Errors cross intact. */
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  /** Calls fn(arg) every 50 ms until it returns something truthy, which it returns (timeout 0: none). */
  waitForFunction<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A, options?: { timeout?: number }): Promise<R>;
  /** Uncaught errors and unhandled rejections in the page since it was opened. */
  pageErrors(): Promise<string[]>;
  setViewport(width: number, height: number): Promise<void>;
  /** A PNG of what the page shows. */
  screenshot(file: string): Promise<void>;
  close(): Promise<void>;
}

export interface Engine {
  readonly name: EngineName;
  /** Browser and version, e.g. "Firefox ESR 153.8.0". */
  readonly version: string;
  newPage(): Promise<EnginePage>;
  close(): Promise<void>;
}

export declare function selectedEngines(list?: string): { engines: EngineName[]; skipped: EngineName[] };
export declare function guardGroup(pgid: number, owners?: number | number[]): () => void;
export declare function startXvfb(options?: { owner?: number }): Promise<{ display: string; pid: number; close(): Promise<void> }>;
/** `env`: variables set (or, undefined, removed) in the browser's environment only. */
export declare function launchEngine(name: EngineName, options: { baseURL: string; env?: Record<string, string | undefined> }): Promise<Engine>;
