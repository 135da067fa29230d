import { TaskClock } from './tasks';
import { fail, show } from '../errors';
import { mergeTables, readTable, ShapeSelection, type TuneTable } from './select';

export type { TuneTable } from './select';

/**
 * Choosing on the device: one tuner per host (a depthwise-gl context, and through its context the
 * TF.js kernels), shared by every op of that host. At a layer shape's first calls it runs the
 * candidates in turn (src/tune/select.ts), each call's result being the call's real result, and
 * times each on the device; the winner is kept per (renderer, shape key) and, with a storage key,
 * across page loads.
 *
 * Timing: with EXT_disjoint_timer_query_webgl2 (and nobody else's query running) a TIME_ELAPSED
 * query around the call, its result read at a later call (no stall), plus the call's CPU time;
 * without it, by `performance.now()` between two barriers: a one-pixel readPixels of the call's
 * input before (everything it depends on is done) and of its output after (its own work is done),
 * less the time of a second read with nothing pending (the round trip itself: 1.2 ms on Firefox's
 * remote WebGL here, 0.1-0.3 ms elsewhere). Neither `gl.finish()` (it returns at once on Firefox
 * and WebKit: 0.07 / 0.006 ms measured) nor a fence can serve: a WebGL sync object's status
 * changes only between tasks, and a kernel call is synchronous. A barrier stalls the pipeline
 * for that call only (a few calls a shape).
 */

export interface TuneOptions {
  /** Time the candidates at a shape's first calls and keep the fastest (default true). */
  tune?: boolean;
  /** Keep the chosen winners in localStorage under this key, and start from what it holds. */
  tuneStorageKey?: string;
  /** Winners to start from (what `tuneTable()` returned, e.g. in an earlier page load). */
  tuneTable?: TuneTable;
  /** For tests: make candidates slow, or fake their timings. Not for apps. */
  tuneHook?: TuneHook;
}

export interface TuneHook {
  /** Milliseconds of busy work done inside each timed call of a candidate (really slower). */
  busyMs?: Record<string, number>;
  /** Milliseconds added to each measured time of a candidate. */
  extraMs?: Record<string, number>;
  /** Clean samples per candidate, and the calls budget (ShapeSelection's options). */
  samples?: number;
  maxCalls?: number;
  /** Called as each timed call is issued. */
  onTimed?: (key: string, candidate: string) => void;
  /**
   * Time a shape in the page task of its first call too, and time any number of calls in a task
   * (unit tests that call in one task).
   */
  sameTask?: boolean;
  /** Timed calls a page task may hold (default TIMED_PER_TASK; unit tests of other rules lift it). */
  timedPerTask?: number;
}

/** What a tuned call needs to know of its host at that moment. */
export interface TuneEnv {
  /**
   * A counter of what makes a call's time unrepresentative of the shape's steady state (shader
   * compiles, ours and the host's; a provisional program): a change during a call marks it unclean.
   */
  compiles(): number;
  /** False while someone else's timer query may be running (TF.js's tf.time/profile). */
  canQuery: boolean;
  /**
   * A texture to read a pixel of, for the barriers: `null` before the call (its input), the
   * call's result after (its output). Returns null when there is none (then `gl.finish()`).
   */
  touch?(result: unknown): Touch | null;
  /**
   * How much faster than the fixed choice another candidate must measure to replace it, when
   * timed between barriers (no timer queries): a fraction, default 0.1 (with timer queries
   * always 0.1). A barrier times one call's latency; where the candidates' CPU costs differ (ours
   * against TF.js's kernel), a stream of calls overlaps that cost with the GPU's work and the
   * latency misranks them (bench/RESULTS.md: on WebKit the shapes given to TF.js's kernel so ran
   * at 1.2-1.35 of stock).
   */
  barrierMargin?: number;
  /**
   * Candidates judged per renderer too, not only per shape (TF.js's own kernel, inside TF.js:
   * another implementation, whose standing against ours is the GL stack's more than the shape's,
   * and whose every shape tried costs TF.js's compiles). Once one has lost RETIRE_AFTER shapes on
   * this tuner's renderer and won none, a shape that has not timed it yet leaves it out (with no
   * other candidate, the fixed choice is kept at once, nothing timed). Until it has lost that
   * many or won one, at most RETIRE_AFTER shapes tune at once (the others run the fixed choice,
   * untimed), so that the first shapes' decisions come before every shape has paid for it.
   */
  perRenderer?: readonly string[];
  /**
   * False for a call that must not be a sample (TfjsKernels.capture reads its tensors back inside
   * it): it runs the kept or decided choice, else the fixed one, untimed, and starts no tuning.
   */
  sample?: boolean;
}

/** A texture (layer 0 of an array, or a 2-D one) the barrier reads one pixel of. */
export interface Touch {
  texture: WebGLTexture;
  array: boolean;
  /** RGBA8 storage (read as bytes), else float. */
  bytes: boolean;
}

interface TimerExt {
  TIME_ELAPSED_EXT: number;
  GPU_DISJOINT_EXT: number;
}

interface PendingQuery {
  query: WebGLQuery;
  cpuMs: number;
  extra: number;
  clean: boolean;
  selection: ShapeSelection;
  key: string;
  candidate: string;
}

/** Shapes a per-renderer candidate must lose (and win none) before it is left out (see TuneEnv.perRenderer). */
export const RETIRE_AFTER = 3;

/**
 * Timed calls one page task (a model's predict, as apps call it) holds at most where calls are
 * timed by barriers: a barrier-timed call is three one-pixel reads, each of which drains the
 * GPU's queue, and a predict should pay for a few of them at most. A call past it runs the fixed
 * choice, untimed.
 */
export const TIMED_PER_TASK = 2;

/** The same where calls are timed by timer queries (no barrier, no stall: only the queries' own cost). */
export const QUERY_TIMED_PER_TASK = 6;

/**
 * Page tasks after a shape's first call within which tuning decides it: past them, the shape
 * keeps what its clean samples say so far (ShapeSelection.conclude), the fixed choice where they
 * say nothing. With the first call's task untimed, a model's tuning is over by its 10th predict.
 */
export const SETTLE_TASKS = 8;

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** The smallest step performance.now() takes here (spins at most ~3 ms, once per page). */
let resolution: number | null = null;
export function clockResolution(): number {
  if (resolution !== null) return resolution;
  let step = Infinity;
  const start = now();
  let last = start;
  for (let changes = 0; changes < 3 && now() - start < 3;) {
    const t = now();
    if (t !== last) {
      if (changes > 0) step = Math.min(step, t - last);
      last = t;
      changes++;
    }
  }
  resolution = Number.isFinite(step) ? step : 1;
  return resolution;
}

export class Tuner {
  readonly enabled: boolean;
  private readonly selections = new Map<string, ShapeSelection>();
  private kept: Record<string, string>;
  private table_: TuneTable;
  private readonly storageKey: string | null;
  private readonly hook: TuneHook;
  private readonly ext: TimerExt | null;
  private readonly pending: PendingQuery[] = [];
  /** A timed call is running (calls made inside it are not timed: no nested queries or barriers). */
  private timing = false;
  /**
   * The page task, counted: bumped by a zero-delay timeout queued at a tuned call. A shape is
   * timed only in a later task than its first call's, so a model's first predict (one synchronous
   * task) runs the fixed choice with no barrier or query in it, also where a shape repeats within
   * it; those tuning calls move to the next predict. (Measured on WebKit and Firefox, the effect
   * on a first predict is within launch-to-launch noise: bench/RESULTS.md.)
   */
  private readonly clock = new TaskClock();
  private get task(): number {
    return this.clock.current;
  }
  private readonly firstTask = new Map<string, number>();
  /** The task of each shape's first call (for SETTLE_TASKS). */
  private readonly since = new Map<string, number>();
  /** Timed calls issued in task `timedTask`. */
  private timedTask = -1;
  private timedInTask = 0;
  /** Per-renderer candidates' measured decisions on this renderer: shapes won and lost. */
  private readonly standing = new Map<string, { won: number; lost: number }>();
  /** Shapes tuning while a per-renderer candidate is not judged, with the task of their last call. */
  private readonly inFlight = new Map<string, number>();
  private readonly counted = new WeakSet<ShapeSelection>();

  constructor(private readonly gl: WebGL2RenderingContext, readonly renderer: string, options: TuneOptions, fn: string) {
    const tune = options.tune ?? true;
    if (typeof tune !== 'boolean') fail(fn, 'options.tune', `must be true or false; got ${show(tune)}`);
    const key = options.tuneStorageKey;
    if (key !== undefined && (typeof key !== 'string' || !key)) fail(fn, 'options.tuneStorageKey', `must be a non-empty string; got ${show(key)}`);
    if (options.tuneTable !== undefined && (typeof options.tuneTable !== 'object' || options.tuneTable === null)) {
      fail(fn, 'options.tuneTable', `must be a table from tuneTable(); got ${show(options.tuneTable)}`);
    }
    this.enabled = tune;
    this.storageKey = key ?? null;
    this.hook = options.tuneHook ?? {};
    this.table_ = mergeTables(this.load(), readTable(options.tuneTable));
    this.kept = this.table_.entries[renderer] ??= {};
    this.ext = tune ? (gl.getExtension('EXT_disjoint_timer_query_webgl2') as TimerExt | null) : null;
  }

  /**
   * Runs `exec` with the candidate chosen for shape `key` among `candidates` (the first is the
   * fixed choice, what runs with tuning off), timed while the shape is being tuned.
   */
  run<T>(key: string, candidates: readonly string[], exec: (candidate: string) => T, env: TuneEnv): { result: T; candidate: string } {
    if (!this.enabled || candidates.length === 1 || this.timing) {
      const c = this.enabled && this.timing ? (this.selections.get(key)?.winner ?? candidates[0]) : candidates[0];
      return { result: exec(c), candidate: c };
    }
    const stored = this.kept[key];
    if (stored !== undefined && candidates.includes(stored)) return { result: exec(stored), candidate: stored };
    if (env.sample === false) {
      const c = this.selections.get(key)?.winner ?? candidates[0];
      return { result: exec(c), candidate: c };
    }
    this.poll();
    this.clock.now();
    let sel = this.selections.get(key);
    if (!sel || sel.candidates.join() !== candidates.join()) {
      // A clock coarser than 0.5 ms (Firefox, WebKit without cross-origin isolation): twice the
      // samples, and their mean (the minimum of quantized samples is biased).
      const coarse = !this.ext && clockResolution() >= 0.5;
      sel = new ShapeSelection(candidates, {
        samples: this.hook.samples ?? (coarse ? 4 : 2),
        statistic: coarse ? 'mean' : 'min',
        // With timer queries the default margin; between barriers the host's, if it gives one.
        margin: this.ext ? undefined : env.barrierMargin,
        ...(this.hook.maxCalls ? { maxCalls: this.hook.maxCalls } : {}),
      });
      this.selections.set(key, sel);
      this.since.set(key, this.task);
      if (this.clock.ticks && !this.hook.sameTask) this.firstTask.set(key, this.task);
      // A shape's first call is not timed: it compiles and allocates whatever it runs (an unclean
      // sample). Nor are its other calls in the same page task (see `task`).
      return { result: exec(candidates[0]), candidate: candidates[0] };
    }
    const born = this.firstTask.get(key);
    if (born !== undefined) {
      if (born === this.task) return { result: exec(candidates[0]), candidate: candidates[0] };
      this.firstTask.delete(key);
    }
    if (!sel.winner && this.task - (this.since.get(key) ?? this.task) > SETTLE_TASKS) {
      sel.conclude();
      this.decided(sel, key);
    }
    if (env.perRenderer && !sel.winner) {
      for (const c of env.perRenderer) if (this.retired(c)) sel.withdraw(c);
      if (sel.winner) this.decided(sel, key);
      else if (env.perRenderer.some((c) => candidates.includes(c) && !this.judged(c))) {
        // A per-renderer candidate not judged here yet: at most RETIRE_AFTER shapes tune at once,
        // the shapes it already lost counted among them, so that one losing everywhere is tried
        // on RETIRE_AFTER shapes in all (those in flight are the shapes called in this task or
        // the one before; one no longer called frees its place).
        if (this.inFlight.has(key)) this.inFlight.set(key, this.task);
        else {
          let n = 0;
          for (const c of env.perRenderer) if (candidates.includes(c) && !this.judged(c)) n = Math.max(n, this.standing.get(c)?.lost ?? 0);
          for (const t of this.inFlight.values()) if (t >= this.task - 1) n++;
          if (n >= RETIRE_AFTER) return { result: exec(candidates[0]), candidate: candidates[0] };
          this.inFlight.set(key, this.task);
        }
      }
    }
    const { candidate, timed } = sel.next();
    if (!timed) return { result: exec(candidate), candidate };
    if (this.timedTask !== this.task) {
      this.timedTask = this.task;
      this.timedInTask = 0;
    }
    const cap = this.hook.timedPerTask ?? (this.hook.sameTask ? Infinity : this.ext && env.canQuery ? QUERY_TIMED_PER_TASK : TIMED_PER_TASK);
    if (this.timedInTask >= cap) {
      return { result: exec(candidates[0]), candidate: candidates[0] };
    }
    this.timedInTask++;
    sel.issued(candidate);
    this.hook.onTimed?.(key, candidate);
    const compiles = env.compiles();
    const busy = this.hook.busyMs?.[candidate] ?? 0;
    const extra = this.hook.extraMs?.[candidate] ?? 0;
    const { gl } = this;
    this.timing = true;
    try {
      if (this.ext && env.canQuery) {
        const query = gl.createQuery()!;
        const t0 = now();
        gl.beginQuery(this.ext.TIME_ELAPSED_EXT, query);
        let result: T;
        try {
          result = exec(candidate);
          spin(busy);
        } finally {
          gl.endQuery(this.ext.TIME_ELAPSED_EXT);
        }
        this.pending.push({ query, cpuMs: now() - t0, extra, clean: env.compiles() === compiles, selection: sel, key, candidate });
        return { result, candidate };
      }
      this.barrier(env.touch?.(null) ?? null);
      const t0 = now();
      const result = exec(candidate);
      spin(busy);
      const after = env.touch?.(result) ?? null;
      this.barrier(after);
      const t1 = now();
      this.barrier(after); // nothing pending now: the round trip alone
      const ms = t1 - t0 - (now() - t1);
      this.settle(sel, key, candidate, Math.max(0, ms) + extra, env.compiles() === compiles);
      return { result, candidate };
    } catch (e) {
      sel.record(candidate, NaN, false);
      throw e;
    } finally {
      this.timing = false;
    }
  }

  /** The kept winners (every renderer this table has seen), to carry to another page load. */
  table(): TuneTable {
    return readTable(JSON.parse(JSON.stringify(this.table_)));
  }

  /** Shapes still being tuned (timings on their way back included). */
  get tuning(): number {
    let n = 0;
    for (const s of this.selections.values()) if (!s.winner) n++;
    return n;
  }

  /** Reads the timer queries whose results are in. */
  poll(): void {
    if (!this.pending.length) return;
    const { gl } = this;
    const disjoint = this.ext ? !!gl.getParameter(this.ext.GPU_DISJOINT_EXT) : false;
    for (let i = 0; i < this.pending.length;) {
      const p = this.pending[i];
      if (!gl.getQueryParameter(p.query, gl.QUERY_RESULT_AVAILABLE)) {
        i++;
        continue;
      }
      const ns = Number(gl.getQueryParameter(p.query, gl.QUERY_RESULT));
      gl.deleteQuery(p.query);
      this.pending.splice(i, 1);
      this.settle(p.selection, p.key, p.candidate, disjoint ? NaN : p.cpuMs + ns / 1e6 + p.extra, p.clean);
    }
  }

  dispose(): void {
    for (const p of this.pending) this.gl.deleteQuery(p.query);
    this.pending.length = 0;
    if (this.framebuffer) this.gl.deleteFramebuffer(this.framebuffer);
    this.framebuffer = null;
  }

  private framebuffer: WebGLFramebuffer | null = null;
  private readonly pixel = new Float32Array(4);
  private readonly pixelBytes = new Uint8Array(4);

  /**
   * Waits for the GPU work `t` depends on: reads one pixel of it through a framebuffer of ours,
   * with the READ_FRAMEBUFFER binding put back; with nothing to read, `gl.finish()`.
   */
  private barrier(t: Touch | null): void {
    const { gl } = this;
    if (!t) {
      gl.finish();
      return;
    }
    const previous = gl.getParameter(gl.READ_FRAMEBUFFER_BINDING) as WebGLFramebuffer | null;
    this.framebuffer ??= gl.createFramebuffer();
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, this.framebuffer);
    if (t.array) gl.framebufferTextureLayer(gl.READ_FRAMEBUFFER, gl.COLOR_ATTACHMENT0, t.texture, 0, 0);
    else gl.framebufferTexture2D(gl.READ_FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t.texture, 0);
    if (t.bytes) gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, this.pixelBytes);
    else gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.FLOAT, this.pixel);
    // Leave no texture attached (its owner may delete or reuse it).
    gl.framebufferTexture2D(gl.READ_FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, null, 0);
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, previous);
  }

  private settle(sel: ShapeSelection, key: string, candidate: string, ms: number, clean: boolean): void {
    sel.record(candidate, ms, clean);
    if (sel.winner) this.decided(sel, key);
  }

  /** Keeps a shape's decision (once) and counts it in the standing of the candidates it timed. */
  private decided(sel: ShapeSelection, key: string): void {
    if (this.counted.has(sel)) return;
    this.counted.add(sel);
    this.inFlight.delete(key);
    this.kept[key] = sel.winner!;
    this.save();
    for (const c of sel.candidates.slice(1)) {
      if (!sel.started(c)) continue;
      const s = this.standing.get(c) ?? { won: 0, lost: 0 };
      if (sel.winner === c) s.won++;
      else s.lost++;
      this.standing.set(c, s);
    }
  }

  /** A per-renderer candidate that lost RETIRE_AFTER shapes here and won none. */
  private retired(c: string): boolean {
    const s = this.standing.get(c);
    return !!s && s.won === 0 && s.lost >= RETIRE_AFTER;
  }

  /** Whether a per-renderer candidate's standing here is settled (it won a shape, or is retired). */
  private judged(c: string): boolean {
    const s = this.standing.get(c);
    return !!s && (s.won > 0 || s.lost >= RETIRE_AFTER);
  }

  private load(): TuneTable {
    if (!this.storageKey) return readTable(null);
    try {
      return readTable(JSON.parse(globalThis.localStorage?.getItem(this.storageKey) ?? 'null'));
    } catch {
      return readTable(null);
    }
  }

  private save(): void {
    if (!this.storageKey) return;
    try {
      // Another registration may have written since we loaded: theirs first, ours over it.
      const merged = mergeTables(this.load(), this.table_);
      globalThis.localStorage?.setItem(this.storageKey, JSON.stringify(merged));
    } catch {
      // No storage here (a sandboxed frame, quota): the choices stay for this page only.
    }
  }
}

/** Busy work for the test hook (a candidate made really slower). */
function spin(ms: number): void {
  if (ms <= 0) return;
  const end = now() + ms;
  while (now() < end) { /* busy */ }
}
