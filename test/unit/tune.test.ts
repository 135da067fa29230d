import { afterEach, describe, expect, it } from 'vitest';
import { mergeTables, pickWinner, readTable, scoreOf, ShapeSelection } from '../../src/tune/select';
import { SETTLE_TASKS, TIMED_PER_TASK, Tuner, type TuneOptions } from '../../src/tune/tuner';

/** Runs a selection to its decision, each candidate's call taking `ms[c]` (clean unless in `unclean`). */
function drive(sel: ShapeSelection, ms: Record<string, number>, unclean: string[] = []): string[] {
  const order: string[] = [];
  for (let i = 0; i < 50 && !sel.winner; i++) {
    const { candidate, timed } = sel.next();
    expect(timed).toBe(true);
    order.push(candidate);
    sel.issued(candidate);
    const first = !order.slice(0, -1).includes(candidate);
    sel.record(candidate, ms[candidate], !(first && unclean.includes(candidate)));
  }
  return order;
}

describe('ShapeSelection', () => {
  it('samples each candidate in turn, then keeps the fastest', () => {
    const sel = new ShapeSelection(['direct', 'tfjs'], { samples: 2 });
    // tfjs is faster: it could win, so both get their two samples before it does.
    const order = drive(sel, { direct: 5, tfjs: 3 });
    expect(order).toEqual(['direct', 'tfjs', 'direct', 'tfjs']);
    expect(sel.winner).toBe('tfjs');
    expect(sel.next()).toEqual({ candidate: 'tfjs', timed: false });
    expect(sel.calls).toBe(4);
  });

  it('decides the fixed choice early, once no other candidate can win whatever it samples next', () => {
    // direct 3 ms, tfjs 5 ms: tfjs's clean sample is above 3 * 0.9, and more samples only lower
    // that bound and raise tfjs's slowest: decided after one sample each, not two.
    const sel = new ShapeSelection(['direct', 'tfjs'], { samples: 2 });
    expect(drive(sel, { direct: 3, tfjs: 5 })).toEqual(['direct', 'tfjs']);
    expect(sel.winner).toBe('direct');
    expect(sel.calls).toBe(2);
    // tfjs at 2.6 ms, under the bound (3 * 0.9): it could still win, so sampling goes on.
    const close = new ShapeSelection(['direct', 'tfjs'], { samples: 2 });
    expect(drive(close, { direct: 3, tfjs: 2.6 })).toEqual(['direct', 'tfjs', 'direct', 'tfjs']);
    expect(close.winner).toBe('tfjs');
    // An unclean sample of the other (its compile) decides nothing: it runs again, clean.
    const compiling = new ShapeSelection(['direct', 'tfjs'], { samples: 2 });
    expect(drive(compiling, { direct: 3, tfjs: 50 }, ['tfjs'])).toEqual(['direct', 'tfjs', 'tfjs']);
    expect(compiling.winner).toBe('direct');
    // Three candidates: decided only when both others are out.
    const three = new ShapeSelection(['a', 'b', 'c'], { samples: 2 });
    expect(drive(three, { a: 3, b: 5, c: 2 })).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(three.winner).toBe('c');
    // The same decision as the full rule: pickWinner over two samples each agrees.
    const full = new Map([['direct', [{ ms: 3, clean: true }, { ms: 3, clean: true }]], ['tfjs', [{ ms: 5, clean: true }, { ms: 1, clean: true }]]]);
    expect(pickWinner(['direct', 'tfjs'], full, 'min', 0.1)).toBe('direct');
  });

  it('a candidate withdrawn before it was timed is never run; once timed it cannot be withdrawn', () => {
    const sel = new ShapeSelection(['direct', 'tfjs', 'other'], { samples: 1 });
    expect(sel.withdraw('direct')).toBe(false); // the fixed choice stays
    expect(sel.withdraw('tfjs')).toBe(true);
    expect(sel.winner).toBe(null);
    const { candidate } = sel.next();
    expect(candidate).toBe('direct');
    sel.issued('direct');
    sel.record('direct', 3, true);
    const next = sel.next().candidate;
    expect(next).toBe('other');
    sel.issued('other');
    expect(sel.started('other')).toBe(true);
    expect(sel.withdraw('other')).toBe(false);
    sel.record('other', 1, true);
    expect(sel.winner).toBe('other');
    expect(sel.timings().tfjs).toEqual([]);
    // With every other candidate withdrawn, the fixed choice is decided with nothing timed.
    const alone = new ShapeSelection(['direct', 'tfjs']);
    expect(alone.withdraw('tfjs')).toBe(true);
    expect(alone.winner).toBe('direct');
    expect(alone.calls).toBe(0);
  });

  it('a slower candidate is never chosen, whichever comes first', () => {
    for (const slow of ['a', 'b', 'c']) {
      const ms = { a: 1, b: 1, c: 1, [slow]: 10 };
      const sel = new ShapeSelection(['a', 'b', 'c'], { samples: 1 });
      drive(sel, ms);
      expect(sel.winner).not.toBe(slow);
    }
    const sel = new ShapeSelection(['direct', 'tfjs'], { samples: 2 });
    drive(sel, { direct: 9, tfjs: 4 });
    expect(sel.winner).toBe('tfjs');
  });

  it('a sample with a compile in it does not count: that candidate runs again', () => {
    const sel = new ShapeSelection(['direct', 'tfjs'], { samples: 1 });
    const order = drive(sel, { direct: 2, tfjs: 3 }, ['tfjs']);
    expect(order).toEqual(['direct', 'tfjs', 'tfjs']);
    expect(sel.winner).toBe('direct');
    // The unclean first tfjs sample (3 ms here, but usually long) was not what decided.
    expect(sel.timings().tfjs).toEqual([{ ms: 3, clean: false }, { ms: 3, clean: true }]);
  });

  it('is bounded: after maxCalls it decides with what it has', () => {
    const sel = new ShapeSelection(['a', 'b'], { samples: 2, maxCalls: 3 });
    // Every sample unclean: no candidate ever gets its clean samples.
    for (let i = 0; i < 3; i++) {
      const { candidate } = sel.next();
      sel.issued(candidate);
      sel.record(candidate, candidate === 'a' ? 5 : 2, false);
    }
    expect(sel.calls).toBe(3);
    expect(sel.winner).toBe('b');
  });

  it('waits for timings still on their way (timer queries), running the first candidate untimed', () => {
    const sel = new ShapeSelection(['direct', 'tfjs'], { samples: 1 });
    const a = sel.next();
    sel.issued(a.candidate);
    const b = sel.next();
    sel.issued(b.candidate);
    expect([a.candidate, b.candidate]).toEqual(['direct', 'tfjs']);
    expect(sel.next()).toEqual({ candidate: 'direct', timed: false });
    sel.record('tfjs', 1, true);
    expect(sel.winner).toBeNull();
    sel.record('direct', 2, true);
    expect(sel.winner).toBe('tfjs');
  });

  it('a lost timing (NaN) is sampled again', () => {
    const sel = new ShapeSelection(['a', 'b'], { samples: 1 });
    sel.issued('a');
    sel.record('a', NaN, true);
    expect(sel.next()).toEqual({ candidate: 'a', timed: true });
  });

  it('one candidate: decided at once, nothing timed', () => {
    const sel = new ShapeSelection(['plain']);
    expect(sel.winner).toBe('plain');
    expect(sel.next()).toEqual({ candidate: 'plain', timed: false });
  });
});

describe('pickWinner and scoreOf', () => {
  it('mean of clean samples; unclean only when there is nothing else; none never wins', () => {
    expect(scoreOf([{ ms: 1, clean: true }, { ms: 3, clean: true }, { ms: 100, clean: false }])).toBe(2);
    expect(scoreOf([{ ms: 7, clean: false }])).toBe(7);
    expect(scoreOf([])).toBe(Infinity);
    const m = new Map([['a', []], ['b', [{ ms: 50, clean: false }]]]);
    expect(pickWinner(['a', 'b'], m)).toBe('b');
    expect(pickWinner(['a', 'b'], new Map())).toBe('a');
    // Ties go to the earlier candidate (the fixed choice comes first).
    expect(pickWinner(['a', 'b'], new Map([['a', [{ ms: 2, clean: true }]], ['b', [{ ms: 2, clean: true }]]]))).toBe('a');
  });
});

describe('noise', () => {
  it('the first candidate (the fixed choice) stays unless another beats it by the margin', () => {
    const m = (a: number, b: number) => new Map([['ours', [{ ms: a, clean: true }]], ['tfjs', [{ ms: b, clean: true }]]]);
    expect(pickWinner(['ours', 'tfjs'], m(1.0, 0.95), 'min', 0.1)).toBe('ours');
    expect(pickWinner(['ours', 'tfjs'], m(1.0, 0.85), 'min', 0.1)).toBe('tfjs');
    expect(pickWinner(['ours', 'tfjs'], m(1.0, 1.5), 'min', 0.1)).toBe('ours');
  });

  it('overlapping samples keep the fixed choice: the other wins only when its slowest beats the fixed choice\'s fastest by the margin', () => {
    const m = (a: number[], b: number[], bClean = true) => new Map([
      ['ours', a.map((ms) => ({ ms, clean: true }))], ['tfjs', b.map((ms) => ({ ms, clean: bClean }))],
    ]);
    // tfjs's minimum is lower by far, but one of its samples is as slow as ours' fastest: noise.
    expect(pickWinner(['ours', 'tfjs'], m([1.0, 1.6], [0.5, 1.0]), 'min', 0.1)).toBe('ours');
    expect(pickWinner(['ours', 'tfjs'], m([1.0, 1.6], [0.5, 1.0]), 'mean', 0.1)).toBe('ours');
    // Apart by more than the margin: tfjs.
    expect(pickWinner(['ours', 'tfjs'], m([1.0, 1.6], [0.5, 0.89]), 'min', 0.1)).toBe('tfjs');
    // Apart, but by less than the margin: ours.
    expect(pickWinner(['ours', 'tfjs'], m([1.0, 1.6], [0.5, 0.95]), 'min', 0.1)).toBe('ours');
    // Only unclean samples of the other: those are what is compared.
    expect(pickWinner(['ours', 'tfjs'], m([1.0], [0.5, 0.6], false), 'min', 0.1)).toBe('tfjs');
    expect(pickWinner(['ours', 'tfjs'], m([1.0], [0.5, 1.2], false), 'min', 0.1)).toBe('ours');
    // Among several others, the fastest of those apart from the fixed choice (b's 2 ms overlaps).
    const three = new Map([['a', [{ ms: 10, clean: true }]], ['b', [{ ms: 2, clean: true }, { ms: 12, clean: true }]], ['c', [{ ms: 4, clean: true }]]]);
    expect(pickWinner(['a', 'b', 'c'], three, 'min', 0.1)).toBe('c');
  });

  it("'min' ignores a sample a load spike inflated; 'mean' (coarse clocks) averages", () => {
    const spiky = [{ ms: 1, clean: true }, { ms: 9, clean: true }];
    expect(scoreOf(spiky, 'min')).toBe(1);
    expect(scoreOf(spiky, 'mean')).toBe(5);
    const sel = new ShapeSelection(['ours', 'tfjs'], { samples: 2 });
    // ours: 1 ms and a 9 ms spike; tfjs: 2 ms twice. By the minimum ours is faster.
    const times: Record<string, number[]> = { ours: [1, 9], tfjs: [2, 2] };
    while (!sel.winner) {
      const { candidate } = sel.next();
      sel.issued(candidate);
      sel.record(candidate, times[candidate].shift()!, true);
    }
    expect(sel.winner).toBe('ours');
  });
});

describe('tables', () => {
  it('readTable keeps well-formed entries only; mergeTables lets the second win', () => {
    expect(readTable(null)).toEqual({ version: 1, entries: {} });
    expect(readTable({ version: 2, entries: { r: { k: 'a' } } })).toEqual({ version: 1, entries: {} });
    expect(readTable({ version: 1, entries: { r: { k: 'a', bad: 3 }, s: 'x' } })).toEqual({ version: 1, entries: { r: { k: 'a' } } });
    const a = { version: 1 as const, entries: { r: { k: 'a', j: 'a' } } };
    const b = { version: 1 as const, entries: { r: { k: 'b' }, q: { k: 'c' } } };
    expect(mergeTables(a, b)).toEqual({ version: 1, entries: { r: { k: 'b', j: 'a' }, q: { k: 'c' } } });
  });
});

/** A WebGL2 context stand-in with no timer queries: the tuner times by barriers (finish). */
function fakeGL(): WebGL2RenderingContext {
  return { getExtension: () => null, finish: () => {} } as unknown as WebGL2RenderingContext;
}

function storage(): Storage {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k), clear: () => m.clear(), key: () => null, get length() { return m.size; },
  };
}

/** Calls shape `key` until decided (at most 20 calls); returns the candidates each call ran. */
function tuneShape(t: Tuner, key: string, candidates: string[]): string[] {
  const ran: string[] = [];
  for (let i = 0; i < 20; i++) {
    const { candidate } = t.run(key, candidates, (c) => c, { compiles: () => 0, canQuery: true });
    ran.push(candidate);
    if (t.table().entries.gpu?.[key]) break;
  }
  return ran;
}

describe('Tuner', () => {
  const g = globalThis as { localStorage?: Storage };
  afterEach(() => { delete g.localStorage; });
  // These call in one task: sameTask lets the tuner time a shape in its first call's task.
  const make = (o: TuneOptions) => new Tuner(fakeGL(), 'gpu', { ...o, tuneHook: o.tuneHook ? { sameTask: true, ...o.tuneHook } : { samples: 1, sameTask: true } }, 'test');

  it('a shape is timed only in a later page task than its first call (a model\'s first predict runs no barrier)', async () => {
    const timed: string[] = [];
    const t = new Tuner(fakeGL(), 'gpu', { tuneHook: { samples: 1, onTimed: (_k, c) => timed.push(c) } }, 'test');
    const call = (key: string) => t.run(key, ['direct', 'tfjs'], (c) => c, { compiles: () => 0, canQuery: true }).candidate;
    // One task: the fixed choice every call, nothing timed.
    expect(Array.from({ length: 5 }, () => call('k'))).toEqual(Array(5).fill('direct'));
    expect(timed).toEqual([]);
    await new Promise((r) => setTimeout(r, 0));
    // A later task: k is tuned (both candidates timed); a shape first seen in this task is not.
    const ran = Array.from({ length: 3 }, () => call('k'));
    expect(ran).toContain('tfjs');
    expect(timed).toEqual(['direct', 'tfjs']);
    expect(Array.from({ length: 3 }, () => call('new'))).toEqual(Array(3).fill('direct'));
    expect(timed).toEqual(['direct', 'tfjs']);
    await new Promise((r) => setTimeout(r, 0));
    call('new');
    expect(timed.length).toBe(3);
  });

  it("TF.js's kernel, judged per renderer: once it lost 3 shapes and won none, shapes that have not timed it leave it out", async () => {
    const keys = Array.from({ length: 10 }, (_, i) => `s${i}`);
    const tick = () => new Promise((r) => setTimeout(r, 0));
    const session = (extraMs: Record<string, number>, perRenderer?: string[], compileOnce = false) => {
      const timed: string[] = [];
      // timedPerTask lifted: this test is about the per-renderer rule (the cap has its own test).
      const t = new Tuner(fakeGL(), 'gpu', { tuneHook: { samples: 1, extraMs, timedPerTask: Infinity, onTimed: (k, c) => timed.push(`${k}:${c}`) } }, 'test');
      // compileOnce: TF.js's kernel compiles at its first call for a shape (an unclean sample).
      let compiled = 0;
      const seen = new Set<string>();
      const env = { compiles: () => compiled, canQuery: true, ...(perRenderer ? { perRenderer } : {}) };
      // One "predict": each shape called once, in one task.
      const predict = () => keys.map((k) => t.run(k, ['direct', 'tfjs'], (c) => {
        if (compileOnce && c === 'tfjs' && !seen.has(k)) {
          seen.add(k);
          compiled++;
        }
        return c;
      }, env).candidate);
      return { t, timed, predict };
    };

    // TF.js's kernel slow here: three shapes start a task; after it lost s0-s2, s3-s9 are kept
    // on the fixed choice without a timed call, and TF.js's kernel never runs for them.
    const slow = session({ tfjs: 1000 }, ['tfjs']);
    slow.predict();
    await tick();
    expect(slow.predict()).toEqual(Array(10).fill('direct'));
    expect(slow.timed).toEqual(['s0:direct', 's1:direct', 's2:direct']);
    await tick();
    expect(slow.predict()).toEqual(['tfjs', 'tfjs', 'tfjs', ...Array(7).fill('direct')]);
    expect(slow.timed.slice(3)).toEqual(['s0:tfjs', 's1:tfjs', 's2:tfjs']);
    expect(slow.t.table().entries.gpu).toEqual(Object.fromEntries(keys.map((k) => [k, 'direct'])));
    expect(slow.t.tuning).toBe(0);

    // TF.js's kernel compiling at its first call for a shape: that sample decides nothing, and
    // while s0-s2 need a second call of it, no other shape starts (at most three tune at once).
    const compiling = session({ tfjs: 1000 }, ['tfjs'], true);
    for (let i = 0; i < 4; i++) {
      compiling.predict();
      await tick();
    }
    expect(compiling.timed).toEqual(['s0:direct', 's1:direct', 's2:direct', 's0:tfjs', 's1:tfjs', 's2:tfjs', 's0:tfjs', 's1:tfjs', 's2:tfjs']);
    expect(compiling.t.table().entries.gpu).toEqual(Object.fromEntries(keys.map((k) => [k, 'direct'])));

    // Without the rule (the standalone context's candidates), every shape times both.
    const each = session({ tfjs: 1000 });
    each.predict();
    await tick();
    each.predict();
    await tick();
    each.predict();
    expect(each.timed.filter((x) => x.endsWith(':tfjs')).length).toBe(10);
    expect(each.t.tuning).toBe(0);

    // TF.js's kernel faster here: once it won a shape it is never left out, and the pace is lifted.
    const fast = session({ direct: 1000 }, ['tfjs']);
    fast.predict();
    for (let i = 0; i < 4; i++) {
      await tick();
      fast.predict();
    }
    expect(fast.t.table().entries.gpu).toEqual(Object.fromEntries(keys.map((k) => [k, 'tfjs'])));
    expect(fast.timed.filter((x) => x.endsWith(':tfjs')).length).toBe(10);
  });

  it(`a page task holds at most ${TIMED_PER_TASK} timed calls, and a shape is decided within ${SETTLE_TASKS} tasks of its first call`, async () => {
    const tick = () => new Promise((r) => setTimeout(r, 0));
    const timed: { task: number; key: string; c: string }[] = [];
    let task = 0;
    // A candidate whose clean sample never comes (it compiles at every call): a shape could spend
    // its whole budget (8 timed calls) on it; at two timed calls a task, four shapes need 16 tasks,
    // and the deadline decides those left. (Its samples are slow: the budget's decision, which
    // takes unclean samples where there are no others, keeps the fixed choice too.)
    let compiles = 0;
    const t = new Tuner(fakeGL(), 'gpu', { tuneHook: { samples: 2, extraMs: { tfjs: 1000 }, onTimed: (key, c) => timed.push({ task, key, c }) } }, 'test');
    const keys = ['a', 'b', 'c', 'd'];
    const env = { compiles: () => compiles, canQuery: true };
    const ran: string[][] = [];
    for (task = 0; task < 14; task++) {
      ran.push(keys.map((k) => t.run(k, ['direct', 'tfjs'], (c) => {
        if (c === 'tfjs') compiles++;
        return c;
      }, env).candidate));
      await tick();
    }
    for (let i = 0; i < 14; i++) expect(timed.filter((x) => x.task === i).length, `task ${i}`).toBeLessThanOrEqual(TIMED_PER_TASK);
    expect(timed.length).toBeGreaterThan(0);
    // Nothing timed in the first task, nothing after the deadline; every shape decided, on the
    // fixed choice (TF.js's kernel never gave a clean sample).
    expect(timed.filter((x) => x.task === 0)).toEqual([]);
    expect(timed.filter((x) => x.task > SETTLE_TASKS + 1)).toEqual([]);
    expect(t.tuning).toBe(0);
    expect(ran[13]).toEqual(['direct', 'direct', 'direct', 'direct']);
    expect(t.table().entries.gpu).toEqual({ a: 'direct', b: 'direct', c: 'direct', d: 'direct' });
  });

  it('conclude decides with the clean samples so far: the fixed choice unless another beats it by the margin', () => {
    const s = new ShapeSelection(['direct', 'tfjs'], { samples: 4, margin: 0.1 });
    for (const [c, ms] of [['direct', 10], ['tfjs', 5]] as const) {
      s.issued(c);
      s.record(c, ms, true);
    }
    expect(s.winner).toBeNull();
    expect(s.conclude()).toBe('tfjs');
    const u = new ShapeSelection(['direct', 'tfjs'], { samples: 4 });
    u.issued('tfjs');
    u.record('tfjs', 1, true);
    expect(u.conclude()).toBe('direct'); // nothing to compare the other with
  });

  it('a forced-slow candidate is never chosen', () => {
    for (const slow of ['direct', 'tfjs']) {
      const t = make({ tuneHook: { extraMs: { [slow]: 1000 } } });
      const ran = tuneShape(t, 'k', ['direct', 'tfjs']);
      // First call untimed (fixed choice), then one sample each.
      expect(ran.slice(0, 3)).toEqual(['direct', 'direct', 'tfjs']);
      expect(t.table().entries.gpu.k).toBe(slow === 'direct' ? 'tfjs' : 'direct');
      // And the winner is what runs from then on.
      expect(t.run('k', ['direct', 'tfjs'], (c) => c, { compiles: () => 0, canQuery: true }).candidate).toBe(t.table().entries.gpu.k);
    }
  });

  it('timed by barriers, barrierMargin sets how much faster another candidate must be', () => {
    const decide = (extraMs: Record<string, number>, env: { barrierMargin?: number }) => {
      const t = make({ tuneHook: { extraMs } });
      for (let i = 0; i < 20 && !t.table().entries.gpu?.k; i++) {
        t.run('k', ['direct', 'tfjs'], (c) => c, { compiles: () => 0, canQuery: true, ...env });
      }
      return t.table().entries.gpu.k;
    };
    // tfjs 30 % faster: enough by the default 10 %, not by a 50 % margin; 60 % faster is.
    expect(decide({ direct: 1, tfjs: 0.7 }, {})).toBe('tfjs');
    expect(decide({ direct: 1, tfjs: 0.7 }, { barrierMargin: 0.5 })).toBe('direct');
    expect(decide({ direct: 1, tfjs: 0.4 }, { barrierMargin: 0.5 })).toBe('tfjs');
  });

  it('tune: false runs the fixed choice and times nothing', () => {
    const t = make({ tune: false });
    const ran = Array.from({ length: 6 }, () => t.run('k', ['direct', 'tfjs'], (c) => c, { compiles: () => 0, canQuery: true }).candidate);
    expect(ran).toEqual(Array(6).fill('direct'));
    expect(t.table()).toEqual({ version: 1, entries: { gpu: {} } });
  });

  it('a stored table is reused: no re-tuning, across "page loads" (localStorage) and by tuneTable', () => {
    g.localStorage = storage();
    const first = make({ tuneStorageKey: 'dgl', tuneHook: { extraMs: { direct: 1000 } } });
    tuneShape(first, 'k', ['direct', 'tfjs']);
    expect(JSON.parse(g.localStorage.getItem('dgl')!)).toEqual({ version: 1, entries: { gpu: { k: 'tfjs' } } });
    // A new tuner on the same key: the first call already runs the kept winner, never timed.
    let timed = 0;
    const again = make({ tuneStorageKey: 'dgl', tuneHook: { busyMs: { tfjs: 0 } } });
    const ran = Array.from({ length: 4 }, () => again.run('k', ['direct', 'tfjs'], (c) => { timed++; return c; }, { compiles: () => 0, canQuery: true }).candidate);
    expect(ran).toEqual(Array(4).fill('tfjs'));
    expect(timed).toBe(4);
    // The same through an exported table.
    const imported = make({ tuneTable: first.table() });
    expect(imported.run('k', ['direct', 'tfjs'], (c) => c, { compiles: () => 0, canQuery: true }).candidate).toBe('tfjs');
    // A kept winner that is not a candidate now is ignored (tuned afresh).
    expect(imported.run('k', ['general', 'direct'], (c) => c, { compiles: () => 0, canQuery: true }).candidate).toBe('general');
  });

  it('an unusable storage leaves tuning working for the page', () => {
    g.localStorage = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); } } as unknown as Storage;
    const t = make({ tuneStorageKey: 'dgl', tuneHook: { extraMs: { tfjs: 1000 } } });
    tuneShape(t, 'k', ['direct', 'tfjs']);
    expect(t.table().entries.gpu.k).toBe('direct');
  });

  it('calls made inside a timed call are not timed (no nested barriers or queries)', () => {
    const t = make({});
    const inner: string[] = [];
    for (let i = 0; i < 4; i++) {
      t.run('outer', ['a', 'b'], (c) => {
        inner.push(t.run('inner', ['x', 'y'], (d) => d, { compiles: () => 0, canQuery: true }).candidate);
        return c;
      }, { compiles: () => 0, canQuery: true });
    }
    expect(t.table().entries.gpu.outer).toBeDefined();
    // The first outer call is untimed, so its inner call starts the inner shape's tuning (also
    // untimed); the timed outer calls run the inner shape's fixed choice.
    expect(inner).toEqual(['x', 'x', 'x', 'x']);
  });

  it('bad options throw errors that name them', () => {
    expect(() => make({ tune: 'yes' as unknown as boolean })).toThrow(/options\.tune.*must be true or false/);
    expect(() => make({ tuneStorageKey: '' })).toThrow(/options\.tuneStorageKey.*non-empty string/);
  });
});
