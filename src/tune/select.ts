/**
 * The tuner's pure part: which candidate a layer shape's next call runs while it is being tuned,
 * and which candidate wins. No GL, no clock: the tuner (src/tune/tuner.ts) feeds it timings.
 *
 * A shape's calls are spent in turns: each call runs the candidate with the fewest samples so
 * far (in the candidates' order on ties), timed; its result is the call's real result, so no
 * work is wasted. A sample that included a shader compile (ours or TF.js's) is not "clean": it
 * counts against the budget but not toward the candidate's samples. Once every candidate has
 * `samples` clean samples, or the shape has spent `maxCalls` calls, the candidate with the
 * lowest time wins (pickWinner: the fastest clean sample, or the mean on a coarse clock; the
 * first candidate, the fixed choice, unless every sample of another beats its fastest by
 * `margin`).
 *
 * Decided early: the fixed choice wins as soon as no other candidate can win any more under that
 * rule, whatever later samples would read (each other candidate has a clean sample slower than
 * the bound the fixed choice's clean samples set; more samples only lower the bound and raise the
 * other's slowest). Where the fixed choice is clearly faster, that is one clean sample each.
 * A candidate withdrawn before its first timed call (the tuner's per-renderer rule) is not run.
 */

export interface SelectOptions {
  /** Clean samples wanted per candidate before deciding; default 2. */
  samples?: number;
  /** Calls a shape may spend on tuning before the decision is forced; default 3 per candidate + 2. */
  maxCalls?: number;
  /** How a candidate's samples make its time (see scoreOf); default 'min'. */
  statistic?: Statistic;
  /** How much faster than the first candidate another must be to win; default 0.1 (10 %). */
  margin?: number;
}

/**
 * 'min': the fastest clean sample (what a call costs without interference: on a shared machine
 * load only ever adds time). 'mean': for a clock coarsened to ~1 ms, where the minimum of
 * quantized samples is biased and the mean is not.
 */
export type Statistic = 'min' | 'mean';

export interface Sample {
  ms: number;
  /** No compile happened during the call. */
  clean: boolean;
}

export class ShapeSelection {
  readonly candidates: readonly string[];
  private readonly wanted: number;
  private readonly maxCalls: number;
  private readonly statistic: Statistic;
  private readonly margin: number;
  private readonly samples = new Map<string, Sample[]>();
  /** Timed calls whose time has not come back yet (timer queries), by candidate. */
  private readonly pending = new Map<string, number>();
  private spent = 0;
  private decided: string | null = null;
  /** Candidates withdrawn before they were timed (never run, never win). */
  private readonly withdrawn = new Set<string>();

  constructor(candidates: readonly string[], options: SelectOptions = {}) {
    if (candidates.length === 0) throw new Error('ShapeSelection: no candidates');
    this.candidates = [...candidates];
    this.wanted = Math.max(1, Math.floor(options.samples ?? 2));
    this.maxCalls = Math.max(this.candidates.length, Math.floor(options.maxCalls ?? 3 * this.candidates.length + 2));
    this.statistic = options.statistic ?? 'min';
    this.margin = options.margin ?? 0.1;
    for (const c of this.candidates) {
      this.samples.set(c, []);
      this.pending.set(c, 0);
    }
    if (this.candidates.length === 1) this.decided = this.candidates[0];
  }

  /** The winner, once decided. */
  get winner(): string | null {
    return this.decided;
  }

  /** Calls spent on tuning so far. */
  get calls(): number {
    return this.spent;
  }

  /**
   * What the next call runs: `{ candidate, timed: true }` to sample it, or the winner (or, while
   * timings are still on their way back, the first candidate) untimed.
   */
  next(): { candidate: string; timed: boolean } {
    if (this.decided) return { candidate: this.decided, timed: false };
    // The candidate furthest from its clean samples; among equals the one tried least (so an
    // unclean sample does not keep one candidate running), then the earliest.
    let best: string | null = null;
    let bestRank = Infinity;
    for (const c of this.candidates) {
      if (this.withdrawn.has(c)) continue;
      const n = this.clean(c) + this.pending.get(c)!;
      const rank = n * 1000 + this.samples.get(c)!.length + this.pending.get(c)!;
      if (n < this.wanted && rank < bestRank) {
        best = c;
        bestRank = rank;
      }
    }
    if (best === null) return { candidate: this.candidates[0], timed: false }; // waiting for timings
    return { candidate: best, timed: true };
  }

  /** Whether `candidate` has been timed (a call issued, its time back or not). */
  started(candidate: string): boolean {
    return (this.samples.get(candidate)?.length ?? 0) + (this.pending.get(candidate) ?? 0) > 0;
  }

  /**
   * Leaves `candidate` (not the first) out, where it has not been timed yet; true when it is out.
   * With no other candidate left, the fixed choice is decided.
   */
  withdraw(candidate: string): boolean {
    if (this.withdrawn.has(candidate)) return true;
    if (this.decided || candidate === this.candidates[0] || !this.samples.has(candidate) || this.started(candidate)) return false;
    this.withdrawn.add(candidate);
    this.decideEarly();
    return true;
  }

  /** A timed call of `candidate` was issued; its time comes with record() (now or later). */
  issued(candidate: string): void {
    this.spent++;
    this.pending.set(candidate, this.pending.get(candidate)! + 1);
  }

  /**
   * The time of an issued call of `candidate`; `ms` NaN when it was lost (a disjoint timer
   * query). Decides when every candidate has its samples or the budget is spent.
   */
  record(candidate: string, ms: number, clean: boolean): void {
    const p = this.pending.get(candidate);
    if (p === undefined) return;
    if (p > 0) this.pending.set(candidate, p - 1);
    if (this.decided) return;
    if (Number.isFinite(ms)) this.samples.get(candidate)!.push({ ms, clean });
    const active = this.candidates.filter((c) => !this.withdrawn.has(c));
    const done = active.every((c) => this.clean(c) >= this.wanted);
    const waiting = active.some((c) => this.pending.get(c)! > 0);
    if (done || (this.spent >= this.maxCalls && !waiting)) this.decided = pickWinner(active, this.samples, this.statistic, this.margin);
    else this.decideEarly();
  }

  /**
   * Decides the fixed choice where no other candidate can win any more: each is withdrawn, or has
   * a clean sample above the bound of pickWinner's margin rule. Both only hold more firmly with
   * more samples (the fixed choice's fastest clean sample can only fall), so the decision is the
   * one all the samples would have made.
   */
  private decideEarly(): void {
    if (this.decided) return;
    const first = this.candidates[0];
    const others = this.candidates.slice(1).filter((c) => !this.withdrawn.has(c));
    if (!others.length) {
      this.decided = first;
      return;
    }
    const fixed = this.samples.get(first)!.filter((s) => s.clean);
    if (!fixed.length) return;
    const bound = Math.min(...fixed.map((s) => s.ms)) * (1 - this.margin);
    if (others.every((c) => this.samples.get(c)!.some((s) => s.clean && s.ms > bound))) this.decided = first;
  }

  /**
   * Decides now, with the samples so far (the tuner's deadline, TuneEnv settle rule): pickWinner
   * among the candidates with a clean sample, where the fixed choice has one; else the fixed
   * choice. Timings still on their way back are dropped.
   */
  conclude(): string {
    if (this.decided) return this.decided;
    const first = this.candidates[0];
    const sampled = this.candidates.filter((c) => !this.withdrawn.has(c) && this.clean(c) > 0);
    this.decided = sampled.includes(first) ? pickWinner(sampled, this.samples, this.statistic, this.margin) : first;
    return this.decided;
  }

  /** Each candidate's samples so far (for reports and tests). */
  timings(): Record<string, Sample[]> {
    const out: Record<string, Sample[]> = {};
    for (const [c, s] of this.samples) out[c] = s.map((x) => ({ ...x }));
    return out;
  }

  private clean(c: string): number {
    return this.samples.get(c)!.filter((s) => s.clean).length;
  }
}

/**
 * The candidate with the lowest time by `statistic` (clean samples where it has any, else its
 * others; a candidate without samples never wins unless none has any: then the first). The first
 * candidate (the fixed choice, what runs with tuning off) stays unless another's samples are
 * apart from its own: the other's slowest faster than the first's fastest by `margin` (a
 * fraction); among such others the lowest time wins. Overlapping samples are noise, and noise never switches a shape away from the fixed
 * choice: on llvmpipe (no timer queries, one-pixel reads as barriers) single calls of a 0.5 ms
 * layer vary by ±50 %, and a lower minimum alone gave shapes to TF.js's kernel that ran them
 * slower than ours in the steady state (bench/RESULTS.md, "Tuning, third version").
 */
export function pickWinner(
  candidates: readonly string[], samples: ReadonlyMap<string, readonly Sample[]>, statistic: Statistic = 'min', margin = 0,
): string {
  let best = candidates[0];
  let bestMs = Infinity;
  for (const c of candidates) {
    const ms = scoreOf(samples.get(c) ?? [], statistic);
    if (ms < bestMs) {
      best = c;
      bestMs = ms;
    }
  }
  if (best === candidates[0]) return best;
  const fixed = used(samples.get(candidates[0]) ?? []);
  if (!fixed.length) return best;
  // Among the others whose samples are all apart from the fixed choice's, the lowest score.
  const bound = Math.min(...fixed.map((s) => s.ms)) * (1 - margin);
  let winner = candidates[0];
  let winnerMs = Infinity;
  for (const c of candidates.slice(1)) {
    const own = used(samples.get(c) ?? []);
    const ms = scoreOf(own, statistic);
    if (own.length && Math.max(...own.map((s) => s.ms)) <= bound && ms < winnerMs) {
      winner = c;
      winnerMs = ms;
    }
  }
  return winner;
}

/** The samples a score is made of: the clean ones where there are any, else all. */
function used(samples: readonly Sample[]): readonly Sample[] {
  const clean = samples.filter((s) => s.clean);
  return clean.length ? clean : samples;
}

/** The clean samples' minimum or mean, or the others' when none is clean; Infinity with none. */
export function scoreOf(samples: readonly Sample[], statistic: Statistic = 'mean'): number {
  const use = used(samples);
  if (!use.length) return Infinity;
  return statistic === 'min' ? Math.min(...use.map((s) => s.ms)) : use.reduce((a, s) => a + s.ms, 0) / use.length;
}

/** The persisted form of the kept choices: winners by renderer, then by shape key. */
export interface TuneTable {
  version: 1;
  entries: Record<string, Record<string, string>>;
}

/** A table's entries, checked (anything malformed is dropped, never thrown at the app). */
export function readTable(value: unknown): TuneTable {
  const out: TuneTable = { version: 1, entries: {} };
  if (typeof value !== 'object' || value === null) return out;
  const v = value as { version?: unknown; entries?: unknown };
  if (v.version !== 1 || typeof v.entries !== 'object' || v.entries === null) return out;
  for (const [renderer, shapes] of Object.entries(v.entries as Record<string, unknown>)) {
    if (typeof shapes !== 'object' || shapes === null) continue;
    const kept: Record<string, string> = {};
    for (const [key, winner] of Object.entries(shapes as Record<string, unknown>)) if (typeof winner === 'string') kept[key] = winner;
    out.entries[renderer] = kept;
  }
  return out;
}

/** `b`'s entries over `a`'s (a new table). */
export function mergeTables(a: TuneTable, b: TuneTable): TuneTable {
  const out: TuneTable = { version: 1, entries: {} };
  for (const t of [a, b]) {
    for (const [r, shapes] of Object.entries(t.entries)) out.entries[r] = { ...(out.entries[r] ?? {}), ...shapes };
  }
  return out;
}
